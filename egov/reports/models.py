"""The reports app's tables: pre-aggregated facts (per Vietnam day and month × receiving agency × sector,
counters of dossier events), and what was sent to the national reporting system with its answer.

Facts are written only by `facts.facts_rebuild` (one SQL statement from the raw tables) and read by
`facts.fact_counts` when `REPORTS_SOURCE = "facts"`; `manage.py reports_reconcile` proves they equal
the raw counts (docs/reports.md, "Scale" and "Exports").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.catalog.models import Sector
from egov.org.models import Agency

# The counters of one fact row, each "how many dossiers had this event on `day`" (docs/reports.md, Scale).
FACT_COUNTERS = (
    "received",  # received_at on day
    "received_online",
    "received_postal",
    "received_capable",  # the procedure's online level when the dossier was submitted: full or partial
    "received_capable_online",
    "received_full",
    "received_full_online",
    "digitised",
    "closed",  # received and finished: on the day of greatest(received_at, finished_at)
    "overdue_from",  # received, due set: on the day of greatest(received_at, statutory_due_at)
    "overdue_until",  # … and finished: on the day of greatest(received_at, statutory_due_at, finished_at)
    "resolved",  # finished_at on day, status resolved/returned
    "resolved_early",
    "resolved_on_time",
    "resolved_overdue",
    "resolved_extended",
    "results_signed",
    "withdrawn",
    "stopped",
    "rated",  # rating created on day
    "satisfied",
    "score_sum",
)


class Counters(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    received_capable = models.IntegerField(default=0)
    received_capable_online = models.IntegerField(default=0)
    received_full = models.IntegerField(default=0)
    received_full_online = models.IntegerField(default=0)
    digitised = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    overdue_from = models.IntegerField(default=0)
    overdue_until = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_overdue = models.IntegerField(default=0)
    resolved_extended = models.IntegerField(default=0)
    results_signed = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    score_sum = models.BigIntegerField(default=0)

    class Meta:
        abstract = True


class DailyFact(Counters):
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency", "sector"], name="report_fact_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id} {self.sector_id}"


class MonthlyFact(Counters):
    """The daily facts of one month summed (`day` is its first day): whole months inside a period read these."""

    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "agency", "sector"], name="report_month_fact_unique")]

    def __str__(self) -> str:
        return f"{self.day:%m/%Y} {self.agency_id} {self.sector_id}"


class PaymentFact(models.Model):
    """One row per payment request of a received dossier, with the dossier's agency and sector copied onto it
    and the first moment an online payment of it was paid: `fee_dossiers` / `paid_online` count distinct
    dossiers over a period's requests, which sums of days cannot express, so they read these narrow rows
    (one index range on `requested_at`) instead of joining the payment tables to every dossier."""

    request_id = models.BigIntegerField(primary_key=True)
    dossier_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(db_index=True)
    paid_online_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.request_id} {self.requested_at:%d/%m/%Y}"


class FactBuild(models.Model):
    """One rebuild of the facts: they hold what the raw tables held at `built_at`. A period that ends after
    the newest `built_at` is read from the raw tables, so a figure is never a stale one."""

    built_at = models.DateTimeField(db_index=True)
    daily_rows = models.IntegerField()
    payment_rows = models.IntegerField()
    seconds = models.FloatField()

    def __str__(self) -> str:
        return f"{self.built_at:%d/%m/%Y %H:%M}"


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
