"""Celery tasks of the dossiers app: applying central ministries' replies to their steps."""

from __future__ import annotations

from celery import shared_task

from egov.core.clock import system_clock

from . import central


@shared_task(ignore_result=True)
def central_replies_apply() -> int:
    """Apply the replies received from central ministries (idempotent). Woken by the exchange after each
    reply (`EXCHANGE_REPLY_CONSUMERS`) and run by beat every five minutes in case a wake-up was lost."""
    return central.central_replies_apply(clock=system_clock)
