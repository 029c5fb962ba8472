"""Celery tasks: the fake platform's IPN delivery (with retries), and the daily reconciliation."""

from __future__ import annotations

from datetime import date, timedelta

from celery import shared_task

from egov.core.clock import system_clock

from .gateway import fake_ipn_attempt
from .services import reconciliation_run


@shared_task(ignore_result=True)
def fake_ipn_send(txn_id: int) -> None:
    """Deliver the fake platform's callback for transaction `txn_id`; again later, with backoff, if it failed.

    As in `notifications.tasks.send_message`, a retry is a new task with a countdown (in eager mode, demo
    and tests, it runs at once) and the attempt count lives on the row.
    """
    wait = fake_ipn_attempt(txn_id=txn_id, clock=system_clock)
    if wait is not None:
        fake_ipn_send.apply_async((txn_id,), countdown=wait)


@shared_task
def reconcile_daily(day: str | None = None) -> int:
    """Reconcile `day` (ISO date; yesterday by default) with the gateway's statement. Run daily by beat;
    running it again for the same day replaces that day's report, it never adds a second one."""
    when = date.fromisoformat(day) if day else (system_clock.now() - timedelta(days=1)).date()
    return reconciliation_run(actor=None, day=when, clock=system_clock).pk
