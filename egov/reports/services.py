"""Writes of the reports app: sending a period's report to the national reporting system."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from egov.accounts.models import Role
from egov.accounts.selectors import user_has_role
from egov.core.audit import audit_record
from egov.core.clock import Clock, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.org.models import Agency

from . import exports, national, selectors
from .indicators import Period
from .models import NationalSubmission

SENDER_ROLES = {Role.LEADER.value}


def national_may_send(user: Any, agency: Agency | None) -> bool:
    """A province administrator, or a leader of `agency`, sends its report; the province's (None): a province role."""
    if agency is None:
        return selectors.report_sees_all(user)
    return user_has_role(user, agency, SENDER_ROLES)


def national_report_send(
    *, actor: Any, agency: Agency | None, period: Period, reason: str = "", clock: Clock = system_clock
) -> NationalSubmission:
    """Send `agency`'s report (None: the whole province's) for `period`; keep the receiver's verdict.

    Idempotent per (agency, period): once accepted, sending again returns the accepted submission unless
    a reason for resending is given. A rejection is stored and returned (the caller shows it as a failure);
    an error while sending rolls everything back."""
    if not national_may_send(actor, agency):
        raise PermissionDenied(
            "reports.national_denied", _("Chỉ lãnh đạo cơ quan hoặc quản trị cấp tỉnh được gửi báo cáo này.")
        )
    if period.hi > clock.now():
        raise DomainError(
            "reports.period_open",
            _("Kỳ báo cáo chưa kết thúc (đến hết ngày %(end)s); chỉ gửi được kỳ đã khép lại."),
            end=f"{period.end:%d/%m/%Y}",
        )
    reason = reason.strip()
    code = agency.eid_code if agency else national.province_code()
    if not code:
        raise DomainError("reports.national_no_code", _("Chưa cấu hình mã định danh của tỉnh để gửi báo cáo."))
    with transaction.atomic():
        if agency is not None:  # one sending per agency at a time
            Agency.objects.select_for_update().filter(pk=agency.pk).first()
        same = NationalSubmission.objects.filter(
            agency_code=code, period_kind=period.kind, period_start=period.start, period_end=period.end
        )
        accepted = same.filter(status=NationalSubmission.Status.ACCEPTED).order_by("-attempt").first()
        if accepted is not None and not reason:
            return accepted
        now = clock.now()
        report = exports.periodic_report(
            period=period,
            scope=selectors.Scope(agency_ids=(agency.pk,)) if agency else selectors.Scope(),
            now=now,
            subject=agency.name if agency else exports.report_subject([], agency=None, sees_all=True),
            agency=agency,
        )
        payload = national.build_payload(report, code=code)
        backend = national.national_backend()
        verdict = backend.submit(payload, at=now)
        submission = NationalSubmission.objects.create(
            agency=agency,
            agency_code=code,
            period_kind=period.kind,
            period_start=period.start,
            period_end=period.end,
            attempt=(same.aggregate(n=Max("attempt"))["n"] or 0) + 1,
            payload=payload,
            status=NationalSubmission.Status.ACCEPTED if verdict.accepted else NationalSubmission.Status.REJECTED,
            errors=list(verdict.errors),
            reference=verdict.reference,
            backend=backend.name,
            received_at=now,
            sent_by=actor,
            resend_reason=reason,
        )
        audit_record(
            actor=actor,
            action="reports.national_send",
            obj=submission,
            changes={"status": submission.status, "reference": submission.reference, "errors": submission.errors},
            reason=reason,
            clock=clock,
        )
    return submission
