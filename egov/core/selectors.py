"""Reads of core data."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .calendar import WorkingCalendar
from .models import AuditEvent, WorkingDayOverride


def working_calendar() -> WorkingCalendar:
    """The calendar in force: settings' office hours and cut-off plus the override table."""
    overrides = {o.date: o.kind == WorkingDayOverride.Kind.WORKING_DAY for o in WorkingDayOverride.objects.all()}
    return WorkingCalendar(
        overrides=overrides,
        office_hours=tuple(tuple(p) for p in settings.OFFICE_HOURS),  # type: ignore[misc]
        cutoff=settings.RECEPTION_CUTOFF,
    )


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit trail of one object, newest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related()
