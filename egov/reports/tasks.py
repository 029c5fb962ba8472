"""Celery tasks: the nightly rebuild of the report facts, when reports are read from them."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from .facts import facts_rebuild


@shared_task(ignore_result=True)
def facts_rebuild_nightly() -> int:
    """Rebuild the facts (facts.py) so that yesterday and every earlier period read from them; nothing to do
    while `REPORTS_SOURCE` is "raw"."""
    if settings.REPORTS_SOURCE != "facts":
        return 0
    return facts_rebuild()
