"""Reads of dossiers; the only ways to fetch one, each deciding who may see what."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet

from egov.accounts.selectors import user_agencies, user_businesses, user_is_province_admin
from egov.catalog.models import Procedure
from egov.core.errors import NotFound
from egov.org.models import Agency, Level

from .codes import parse_code
from .models import Document, Dossier, Draft, Rating

_NOT_FOUND = "Không tìm thấy hồ sơ."


def dossier_list_for_applicant(user: Any) -> QuerySet[Dossier]:
    """A citizen's or business's own dossiers, and its businesses' dossiers for a member."""
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    # Its own, and those of the business accounts it acts for.
    accounts = [user.pk, *(b.pk for b in user_businesses(user))]
    return Dossier.objects.filter(applicant_id__in=accounts).select_related("procedure", "agency")


def dossier_list_for_official(user: Any) -> QuerySet[Dossier]:
    """Dossiers of the official's agencies, or handed to them for a step (all for a province administrator)."""
    qs = Dossier.objects.select_related("procedure", "agency")
    if user_is_province_admin(user):
        return qs
    agencies = user_agencies(user)
    if not agencies:
        return qs.none()
    # Its own agency's dossiers, and those handed over to it for a step of their process.
    handed = Dossier.objects.filter(step_runs__agency__in=agencies).values("pk")
    return qs.filter(Q(agency__in=agencies) | Q(pk__in=handed))


def dossier_queue(user: Any, *, status: str = "", query: str = "") -> QuerySet[Dossier]:
    """The reception queue: the official's agencies' dossiers, filterable by status and code or name."""
    qs = dossier_list_for_official(user)
    if status:
        qs = qs.filter(status=status)
    if query.strip():
        q = query.strip()
        qs = qs.filter(Q(code__icontains=q) | Q(applicant_name__icontains=q) | Q(procedure_name__icontains=q))
    return qs.order_by("created_at", "id")


def dossier_get_for_user(user: Any, code: str) -> Dossier:
    """The dossier with `code` if `user` is its applicant or an official of its agency; NotFound otherwise."""
    visible = dossier_list_for_applicant(user) | dossier_list_for_official(user)
    dossier = visible.filter(code=code).select_related("procedure", "agency").first()
    if dossier is None:
        raise NotFound("dossiers.not_found", _NOT_FOUND)
    return dossier


def dossier_track(code: str, phone_last4: str) -> Dossier:
    """Public tracking without signing in: the code and the last 4 digits of the applicant's phone.

    A wrong code and a wrong phone give the same answer, so the page does not confirm that a code exists.
    """
    digits = "".join(ch for ch in phone_last4 if ch.isdigit())
    if parse_code(code) is None or len(digits) != 4:
        raise NotFound("dossiers.not_found", _NOT_FOUND)
    dossier = Dossier.objects.filter(code=code.strip().upper()).select_related("procedure", "agency").first()
    if dossier is None or not "".join(ch for ch in dossier.applicant_phone if ch.isdigit()).endswith(digits):
        raise NotFound("dossiers.not_found", _NOT_FOUND)
    return dossier


def document_get_for_user(user: Any, public_id: str) -> Document:
    """A dossier's file, only for its applicant or an official of its agency."""
    visible = dossier_list_for_applicant(user) | dossier_list_for_official(user)
    document = Document.objects.filter(public_id=public_id, dossier__in=visible).select_related("dossier").first()
    if document is None:
        raise NotFound("dossiers.document_not_found", "Không tìm thấy tệp.")
    return document


def receiving_agencies(procedure: Procedure) -> QuerySet[Agency]:
    """Where a procedure's dossiers are handed in: the provincial service centre for provincial
    procedures, any commune's People's Committee for commune ones."""
    q = Q(pk__in=[])
    if procedure.at_province:
        q |= Q(kind=Agency.Kind.SERVICE_CENTRE, level=Level.PROVINCE)
    if procedure.at_commune:
        q |= Q(level=Level.COMMUNE)
    return Agency.objects.filter(q, is_active=True).order_by("level", "name_folded")


def agency_receives(agency: Agency, procedure: Procedure) -> bool:
    """Whether a dossier of `procedure` may be filed with `agency`: one of `receiving_agencies(procedure)`
    (the same rule, on one loaded agency), or the procedure's own agency, which may keep its own one-stop
    desk (as departments did before the service centre took reception over; the reports' history has them)."""
    return agency.is_active and (
        (procedure.at_province and agency.kind == Agency.Kind.SERVICE_CENTRE and agency.level == Level.PROVINCE)
        or (procedure.at_commune and agency.level == Level.COMMUNE)
        or agency.pk == procedure.owner_id
    )


def draft_list_for_owner(user: Any) -> QuerySet[Draft]:
    if not getattr(user, "is_authenticated", False):
        return Draft.objects.none()
    return Draft.objects.filter(owner_id=user.pk).select_related("procedure")


def draft_get_for_owner(user: Any, public_id: str, *, procedure: Procedure) -> Draft | None:
    """The owner's draft for this procedure, or None (also for a malformed or someone else's id)."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return draft_list_for_owner(user).filter(public_id=key, procedure=procedure).prefetch_related("files").first()


def rating_summary_by_agency() -> QuerySet[Agency]:
    """Public: every agency with ratings, its average (1–5), how many, and how many were satisfied (4–5)."""
    return (
        Agency.objects.annotate(
            rating_count=Count("ratings"),
            rating_average=Avg("ratings__score"),
            satisfied=Count("ratings", filter=Q(ratings__score__gte=4)),
        )
        .filter(rating_count__gt=0)
        .order_by("-rating_average", "name_folded")
    )


def rating_list_for_official(user: Any) -> QuerySet[Rating]:
    """The ratings of the official's agencies (every agency's for a province administrator), newest first.

    A rating is of the agency that received the dossier: handling one step of it does not show its rating.
    """
    qs = Rating.objects.select_related("dossier", "agency").order_by("-created_at")
    return qs if user_is_province_admin(user) else qs.filter(agency__in=user_agencies(user))
