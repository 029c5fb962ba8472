"""Celery tasks: send one exchange message (with retries), and the periodic sweep of overdue ones."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from egov.core.clock import FrozenClock, system_clock

from .models import ExchangeMessage
from .services import exchange_deliver, exchange_requeue_due, retry_delay


@shared_task(ignore_result=True)
def send_exchange_message(message_id: int) -> None:
    """Deliver message `message_id` once; if it failed and may be tried again, schedule the next try.

    As for notifications: the attempt count lives on the row, and a retry is a new task with a countdown
    (in eager mode, the demo's and tests', `self.retry()` raises instead of retrying).
    """
    message = exchange_deliver(message_id=message_id, clock=system_clock)
    if message is not None and message.status == ExchangeMessage.Status.PENDING:
        send_exchange_message.apply_async((message_id,), countdown=retry_delay(message.attempts).total_seconds())


@shared_task(ignore_result=True)
def send_pending(now: datetime | None = None) -> int:
    """Re-queue pending messages overdue by more than a minute; run every minute by Celery beat."""
    clock = FrozenClock(now) if now is not None else system_clock
    ids = exchange_requeue_due(clock=clock)
    for message_id in ids:
        send_exchange_message.delay(message_id)
    return len(ids)
