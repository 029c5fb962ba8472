"""Reads of the catalogue: published lists, search, and the officials' view."""

from __future__ import annotations

import difflib
from typing import Any

from django.db import connection
from django.db.models import Case, Count, FloatField, Prefetch, Q, QuerySet, Value, When

from egov.accounts.selectors import user_agencies, user_is_province_admin
from egov.core.errors import NotFound
from egov.core.text import fold, fold_words
from egov.org.models import Agency

from .models import Component, Fee, FormVersion, Procedure, ProcedureStatus, ProcessTemplate, SearchWord, Sector
from .permissions import EDIT_ROLES

LEVEL_FIELDS = {"province": "at_province", "commune": "at_commune"}
# Shorter words are not corrected: too many near neighbours to guess from.
MIN_CORRECTABLE = 3


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
    """Accent-insensitive, ranked, typo-tolerant search of `qs`.

    A procedure matches when its folded text (code, name, sector, agency, result) holds every word
    of the query. A word that is in no procedure at all is first corrected to the closest word of
    the catalogue's vocabulary (pg_trgm similarity on PostgreSQL, difflib on SQLite), so
    "dang ky khai sing" finds "đăng ký khai sinh". Ranking: the query as the whole name or the
    code, then as the start of the name, then inside it, then how many of its words the name holds.
    """
    folded = fold(query)
    words = _correct_words(fold_words(query))
    if not words:
        return qs.order_by("name_folded")
    phrase = " ".join(words)
    rank: Any = Case(
        When(Q(code=query.strip()) | Q(name_folded=phrase), then=Value(4.0)),
        When(name_folded__startswith=phrase, then=Value(3.0)),
        When(name_folded__contains=phrase, then=Value(2.0)),
        When(name_folded__contains=folded, then=Value(2.0)),
        default=Value(0.0),
        output_field=FloatField(),
    )
    for w in words:
        rank = rank + Case(
            When(name_folded__contains=w, then=Value(0.25)), default=Value(0.0), output_field=FloatField()
        )
    matches = qs.filter(*(Q(search_text__contains=w) for w in words))
    return matches.annotate(rank=rank).order_by("-rank", "name_folded")


def _correct_words(words: list[str]) -> list[str]:
    """Replace each word that appears nowhere in the catalogue by its closest known word."""
    if not words:
        return words
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    unknown = [w for w in words if w not in known and len(w) >= MIN_CORRECTABLE and not w[0].isdigit()]
    if not unknown:
        return words
    corrections: dict[str, str] = {}
    vocabulary: list[str] | None = None
    for w in unknown:
        best = _closest_by_trigram(w) if connection.vendor == "postgresql" else None
        if best is None:  # SQLite, or letters swapped in a short word (few trigrams left in common)
            if vocabulary is None:
                vocabulary = list(SearchWord.objects.values_list("word", flat=True))
            close = difflib.get_close_matches(w, vocabulary, n=1, cutoff=0.75)
            best = close[0] if close else None
        if best:
            corrections[w] = best
    return [corrections.get(w, w) for w in words]


def _closest_by_trigram(word: str) -> str | None:
    """The vocabulary word most similar to `word` by pg_trgm (`%` uses the trigram index)."""
    from django.contrib.postgres.search import TrigramSimilarity

    return (
        SearchWord.objects.filter(word__trigram_similar=word)
        .annotate(similarity=TrigramSimilarity("word", word))
        .order_by("-similarity", "word")
        .values_list("word", flat=True)
        .first()
    )


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


def procedure_current_form(procedure: Procedure) -> FormVersion | None:
    """The e-form version new applications fill in (None: the procedure has no e-form yet)."""
    return procedure.form_versions.order_by("-number").first()


def procedure_current_process(procedure: Procedure) -> ProcessTemplate | None:
    """The process version a dossier received now will follow."""
    return procedure.process_templates.order_by("-number").prefetch_related("steps__agency").first()
