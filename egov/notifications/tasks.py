"""Celery tasks: send outbox messages (with retries), and the periodic sweep of overdue ones."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task

from egov.core.clock import FrozenClock, system_clock

from .models import Message
from .services import message_requeue_due, message_send, retry_delay


@shared_task(ignore_result=True)
def send_message(message_id: int) -> None:
    """Deliver message `message_id` once; does nothing if it is already sent or failed.

    The attempt count lives on the row, not in Celery, so a message re-queued by the sweep keeps
    its count. A retry is a new task with a countdown rather than `self.retry()`: in eager mode
    (demo, tests) `retry()` raises instead of retrying, while `apply_async` simply runs again.
    """
    message = message_send(message_id=message_id, clock=system_clock)
    if message is not None and message.status == Message.Status.PENDING:
        send_message.apply_async((message_id,), countdown=retry_delay(message.attempts).total_seconds())


@shared_task(ignore_result=True)
def send_messages(message_ids: list[int]) -> None:
    """Deliver the messages one transaction queued (one task for all of them, one publish on commit);
    each is tried once and, if it failed, retried on its own as in `send_message`."""
    for message_id in message_ids:
        send_message(message_id)


@shared_task(ignore_result=True)
def send_pending(now: datetime | None = None) -> int:
    """Re-queue pending messages overdue by more than a minute; run every minute by Celery beat.

    `now` is for tests; beat passes nothing and the system clock is used. Returns how many were re-queued.
    """
    clock = FrozenClock(now) if now is not None else system_clock
    ids = message_requeue_due(clock=clock)
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)
