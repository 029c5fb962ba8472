"""Reads of core data."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import models

from .calendar import WorkingCalendar
from .models import AuditEvent, WorkingDayOverride

CALENDAR_CACHE_KEY = "core:working-calendar"


def working_calendar() -> WorkingCalendar:
    """The calendar in force: settings' office hours and cut-off plus the override table.

    Kept in Django's cache (shared Redis in production) because every reception and step reads it;
    `working_day_override_set/delete` drop it when they commit, and it expires after
    `CALENDAR_CACHE_SECONDS` in any case (a per-process cache may lag that long behind another process).
    """
    found = cache.get(CALENDAR_CACHE_KEY)
    if isinstance(found, WorkingCalendar):
        return found
    overrides = {o.date: o.kind == WorkingDayOverride.Kind.WORKING_DAY for o in WorkingDayOverride.objects.all()}
    calendar = WorkingCalendar(
        overrides=overrides,
        office_hours=tuple(tuple(p) for p in settings.OFFICE_HOURS),  # type: ignore[misc]
        cutoff=settings.RECEPTION_CUTOFF,
    )
    cache.set(CALENDAR_CACHE_KEY, calendar, settings.CALENDAR_CACHE_SECONDS)
    return calendar


def working_calendar_forget() -> None:
    """Drop the cached calendar (after an override changes)."""
    cache.delete(CALENDAR_CACHE_KEY)


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """The audit trail of one object, newest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related()
