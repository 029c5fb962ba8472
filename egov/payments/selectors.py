"""Reads of payments; each decides who may see what (the applicant, the dossier's officials, administrators)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from egov.accounts.models import Role
from egov.accounts.selectors import user_agencies, user_is_province_admin
from egov.catalog.models import Procedure
from egov.core.errors import NotFound
from egov.dossiers.models import Dossier
from egov.dossiers.selectors import dossier_list_for_applicant, dossier_list_for_official

from .models import Discrepancy, Payment, PaymentRequest, Receipt, Reconciliation


def fee_lines_prefill(procedure: Procedure) -> list[dict[str, Any]]:
    """The procedure's fees as the lines of a new request (an amount of None: the officer fills it in)."""
    return [
        {
            "fee_id": f.pk,
            "name": f.name,
            "kind": f.kind,
            "kind_label": f.get_kind_display(),
            "amount": f.amount,
            "note": f.note,
        }
        for f in procedure.fees.all()
    ]


def dossier_get_for_applicant(user: Any, code: str) -> Dossier:
    """The dossier with `code` only if `user` applied for it (officials use their own pages)."""
    dossier = dossier_list_for_applicant(user).filter(code=code).first()
    if dossier is None:
        raise NotFound("dossiers.not_found", "Không tìm thấy hồ sơ.")
    return dossier


def request_open(dossier: Dossier) -> PaymentRequest | None:
    return PaymentRequest.objects.filter(dossier=dossier, status=PaymentRequest.Status.OPEN).first()


def requests_for_dossier(dossier: Dossier) -> QuerySet[PaymentRequest]:
    """A dossier's requests, newest first, with every payment attempt and its receipt."""
    return PaymentRequest.objects.filter(dossier=dossier).prefetch_related(
        Prefetch("payments", queryset=Payment.objects.select_related("receipt").order_by("-created_at", "-id"))
    )


def receipts_for_dossier(dossier: Dossier) -> QuerySet[Receipt]:
    return Receipt.objects.filter(dossier=dossier).order_by("issued_at", "id")


def receipt_get_for_user(user: Any, public_id: Any) -> Receipt:
    """A receipt, only for the dossier's applicant or an official who may see the dossier."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound("payments.receipt_not_found", "Không tìm thấy biên lai.") from None
    visible = dossier_list_for_applicant(user) | dossier_list_for_official(user)
    receipt = Receipt.objects.filter(public_id=key, dossier__in=visible.values("pk")).first()
    if receipt is None:
        raise NotFound("payments.receipt_not_found", "Không tìm thấy biên lai.")
    return receipt


def receipt_find(public_id: str) -> Receipt | None:
    """For the public verification page: a receipt by the id printed in its QR code, or None."""
    try:
        return Receipt.objects.filter(public_id=uuid.UUID(str(public_id))).select_related("agency").first()
    except ValueError:
        return None


def user_may_reconcile(user: Any) -> bool:
    return user_is_province_admin(user) or bool(user_agencies(user, {Role.AGENCY_ADMIN.value}))


def reconciliation_totals_visible(user: Any) -> bool:
    """The day's province-wide totals are the province's; an agency administrator sees their agencies' lines."""
    return user_is_province_admin(user)


def reconciliation_list_for_user(user: Any) -> QuerySet[Reconciliation]:
    """The reports, each with the count of discrepancies this user may see."""
    if not user_may_reconcile(user):
        return Reconciliation.objects.none()
    counted = Count("discrepancies")
    if not user_is_province_admin(user):
        counted = Count(
            "discrepancies", filter=Q(discrepancies__agency__in=user_agencies(user, {Role.AGENCY_ADMIN.value}))
        )
    return Reconciliation.objects.annotate(discrepancy_count=counted).order_by("-day", "gateway")


def discrepancies_for_user(user: Any, report: Reconciliation) -> QuerySet[Discrepancy]:
    """A province administrator sees every line; an agency administrator those of their agencies' dossiers."""
    qs = report.discrepancies.select_related("agency").order_by("kind", "order_id")
    if user_is_province_admin(user):
        return qs
    return qs.filter(agency__in=user_agencies(user, {Role.AGENCY_ADMIN.value}))
