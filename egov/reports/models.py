"""What was sent to the national reporting system, and what it answered (docs/reports.md, "Exports")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.org.models import Agency


class NationalSubmission(models.Model):
    """One sending of one agency's periodic report: the payload as sent and the receiver's verdict.

    With the local fake backend this table is also the fake's store of what it received."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Đã được tiếp nhận")
        REJECTED = "rejected", _("Bị từ chối")

    # None: the province-wide report (every agency), sent by a province role.
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="national_submissions"
    )
    agency_code = models.CharField(_("mã cơ quan"), max_length=35)
    period_kind = models.CharField(_("loại kỳ"), max_length=10)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    attempt = models.PositiveIntegerField(_("lần gửi"), default=1)
    payload = models.JSONField(_("nội dung gửi"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices)
    errors = models.JSONField(_("lý do từ chối"), default=list, blank=True)
    reference = models.CharField(_("mã tiếp nhận"), max_length=60, blank=True)
    backend = models.CharField(_("hệ thống nhận"), max_length=200)
    received_at = models.DateTimeField(_("nhận lúc"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    resend_reason = models.CharField(_("lý do gửi lại"), max_length=500, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_code", "period_kind", "period_start", "period_end", "attempt"],
                name="national_submission_attempt_unique",
            )
        ]
        verbose_name = _("báo cáo gửi hệ thống quốc gia")
        verbose_name_plural = _("báo cáo gửi hệ thống quốc gia")

    def __str__(self) -> str:
        return f"{self.agency_code} · {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y} · {self.attempt}"
