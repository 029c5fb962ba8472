"""One row per step a dossier goes through: where, who, when it started, was due and finished, how in time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from egov.catalog.models import ProcessStep
from egov.org.models import Agency


class StepRun(models.Model):
    """A step of a dossier's process as it actually ran; the rows are the control slip (phiếu kiểm soát)."""

    class Timeliness(models.TextChoices):
        EARLY = "early", _("Trước hạn")
        ON_TIME = "on_time", _("Đúng hạn")
        OVERDUE = "overdue", _("Quá hạn")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="step_runs")
    step = models.ForeignKey(ProcessStep, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="step_runs")
    central_system = models.CharField(max_length=100, blank=True)
    actor_role = models.CharField(max_length=20)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="step_runs"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.CharField(max_length=200, blank=True)
    timeliness = models.CharField(max_length=10, choices=Timeliness.choices, blank=True)
    outcome = models.CharField(max_length=10, blank=True)  # "done" or "returned"
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "started_at", "id"]
        indexes = [models.Index(fields=["agency", "finished_at", "due_at"], name="steprun_queue_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} · {self.position}. {self.name}"

    @property
    def is_open(self) -> bool:
        return self.finished_at is None
