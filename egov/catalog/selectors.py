"""Reads of the catalogue: published lists, search, and the officials' view."""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, F, FloatField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from egov.accounts.selectors import user_agencies, user_is_province_admin
from egov.core.errors import NotFound
from egov.core.text import fold, fold_words
from egov.org.models import Agency

from .models import Component, Fee, Procedure, ProcedureStatus, Sector
from .permissions import EDIT_ROLES

LEVEL_FIELDS = {"province": "at_province", "commune": "at_commune"}


def _published() -> QuerySet[Procedure]:
    return Procedure.objects.filter(status=ProcedureStatus.PUBLISHED)


def procedure_filter(
    qs: QuerySet[Procedure], *, sector: str = "", agency: str = "", level: str = "", online_level: str = ""
) -> QuerySet[Procedure]:
    """Narrow `qs` by sector slug, owner agency slug, level and online level (empty = no filter)."""
    if sector:
        qs = qs.filter(sector__slug=sector)
    if agency:
        qs = qs.filter(owner__slug=agency)
    if level in LEVEL_FIELDS:
        qs = qs.filter(**{LEVEL_FIELDS[level]: True})
    if online_level:
        qs = qs.filter(online_level=online_level)
    return qs


def procedure_search(qs: QuerySet[Procedure], query: str) -> QuerySet[Procedure]:
    """Accent-insensitive, ranked search of `qs`; typo-tolerant (pg_trgm on PostgreSQL, difflib on SQLite).

    A procedure matches when its folded text holds every word of the query. Only when nothing does
    are near spellings tried, so a correct query is never diluted by look-alikes. Ranking: the
    query as the whole name, then as its start, then inside it, then how many of its words the
    name holds; on PostgreSQL the trigram word similarity also counts.
    """
    folded = fold(query)
    words = fold_words(query)
    if not words:
        return qs.order_by("name_folded")
    exact = Q(*(Q(search_text__contains=w) for w in words))
    rank: Any = Case(
        When(Q(code=query.strip()) | Q(name_folded=folded), then=Value(4.0)),
        When(name_folded__startswith=folded, then=Value(3.0)),
        When(name_folded__contains=folded, then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    for w in words:
        rank = rank + Case(
            When(name_folded__contains=w, then=Value(0.25)), default=Value(0.0), output_field=FloatField()
        )
    matches = qs.filter(exact)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramWordSimilarity

        similarity = Greatest(
            TrigramWordSimilarity(folded, "name_folded"), TrigramWordSimilarity(folded, "search_text")
        )
        if not matches.exists():  # nothing holds every word: look for near spellings (pg_trgm)
            matches = qs.annotate(similarity=similarity).filter(similarity__gte=settings.SEARCH_TRIGRAM_THRESHOLD)
            return matches.annotate(rank=rank + F("similarity")).order_by("-rank", "name_folded")
        return matches.annotate(rank=rank + similarity).order_by("-rank", "name_folded")
    if not matches.exists():  # SQLite: correct each unknown word against the catalogue's vocabulary
        corrected = _correct_words(qs, words)
        if corrected != words:
            matches = qs.filter(Q(*(Q(search_text__contains=w) for w in corrected)))
    return matches.annotate(rank=rank).order_by("-rank", "name_folded")


def _correct_words(qs: QuerySet[Procedure], words: list[str]) -> list[str]:
    """SQLite fallback for typos: replace each unknown word by the closest word in the catalogue."""
    vocabulary: set[str] = set()
    for text in qs.values_list("search_text", flat=True):
        vocabulary.update(fold_words(text))
    result = []
    for w in words:
        if w in vocabulary or len(w) < 3:
            result.append(w)
            continue
        close = difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)
        result.append(close[0] if close else w)
    return result


def procedure_list_published(
    *, query: str = "", sector: str = "", agency: str = "", level: str = "", online_level: str = ""
) -> QuerySet[Procedure]:
    """What the public portal and the public API list."""
    qs = procedure_filter(_published(), sector=sector, agency=agency, level=level, online_level=online_level)
    qs = qs.select_related("sector", "owner")
    return procedure_search(qs, query) if query.strip() else qs.order_by("name_folded")


def _with_details(qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return qs.select_related("sector", "owner").prefetch_related(
        Prefetch("fees", queryset=Fee.objects.order_by("position", "id")),
        Prefetch("components", queryset=Component.objects.order_by("position", "id")),
    )


def procedure_get_published(code: str) -> Procedure:
    procedure = _with_details(_published()).filter(code=code).first()
    if procedure is None:
        raise NotFound("catalog.not_found", "Không tìm thấy thủ tục %(code)s.", code=code)
    return procedure


def procedure_list_for_official(user: Any) -> QuerySet[Procedure]:
    """Procedures the official may edit: their agencies' (all of them for a province administrator)."""
    qs = Procedure.objects.select_related("sector", "owner")
    if user_is_province_admin(user):
        return qs
    return qs.filter(owner__in=user_agencies(user, EDIT_ROLES))


def procedure_get_for_official(user: Any, code: str) -> Procedure:
    procedure = _with_details(procedure_list_for_official(user)).filter(code=code).first()
    if procedure is None:
        raise NotFound("catalog.not_found", "Không tìm thấy thủ tục %(code)s.", code=code)
    return procedure


def procedures_for_export(qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return _with_details(qs).order_by("code")


def sector_list_with_counts() -> QuerySet[Sector]:
    return (
        Sector.objects.annotate(published=Count("procedures", filter=Q(procedures__status=ProcedureStatus.PUBLISHED)))
        .filter(published__gt=0)
        .order_by("name_folded")
    )


def agency_list_with_counts() -> QuerySet[Agency]:
    """Agencies that own published procedures, with how many."""
    return (
        Agency.objects.annotate(
            published=Count("owned_procedures", filter=Q(owned_procedures__status=ProcedureStatus.PUBLISHED))
        )
        .filter(published__gt=0)
        .order_by("name_folded")
    )


def level_counts() -> dict[str, int]:
    qs = _published()
    return {"province": qs.filter(at_province=True).count(), "commune": qs.filter(at_commune=True).count()}
