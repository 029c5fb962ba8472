"""What every outbox (e-mails and SMS, messages to other systems, a gateway's callbacks) shares:
the wait before the next try, and the sweep that re-queues messages a lost task left behind."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction


def backoff(attempts: int, *, first_seconds: float, cap: timedelta = timedelta(hours=1)) -> timedelta:
    """The wait after the `attempts`-th failed try: first_seconds, then doubled after each failure, at most `cap`."""
    return min(timedelta(seconds=first_seconds * 2 ** max(attempts - 1, 0)), cap)


def requeue_overdue(due: models.QuerySet[Any], *, now: datetime, batch: int) -> list[int]:
    """Ids of up to `batch` rows of `due` (pending, overdue), marked due `now` so no other sweep takes them.

    `skip_locked`: a row being sent at this moment is in progress, not overdue.
    """
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch])
        due.model.objects.filter(pk__in=ids).update(next_attempt_at=now)
    return ids
