"""Periodic work (Celery beat): the deadline sweep."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from egov.core.selectors import working_calendar

from .services import deadline_warn


@shared_task
def deadline_sweep() -> int:
    """Warn about steps due soon or late; safe to run as often as beat likes."""
    return deadline_warn(cal=working_calendar(), due_soon=timedelta(hours=settings.DUE_SOON_HOURS))
