"""Reads of the exchange log: an object's messages, the fake ministry's inbox, replies to apply, overdue sends."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from .models import ExchangeMessage


def message_list_for_objects(object_type: str, ids: Iterable[object]) -> QuerySet[ExchangeMessage]:
    """Outgoing messages about these objects (e.g. a dossier's central steps) with their replies, oldest first."""
    return (
        ExchangeMessage.objects.filter(
            direction=ExchangeMessage.Direction.OUT, object_type=object_type, object_id__in=[str(i) for i in ids]
        )
        .prefetch_related("replies")
        .order_by("created_at", "id")
    )


def fake_ministry_inbox() -> QuerySet[ExchangeMessage]:
    """What the fake ministry received and has not answered yet, oldest first."""
    return ExchangeMessage.objects.filter(
        direction=ExchangeMessage.Direction.OUT,
        via="fake",
        status=ExchangeMessage.Status.SENT,
        kind=ExchangeMessage.Kind.STEP_REQUEST,
        replies__isnull=True,
    ).order_by("sent_at", "id")


def reply_list_unprocessed() -> QuerySet[ExchangeMessage]:
    """Replies received and not yet applied by the app that asked, oldest first."""
    return ExchangeMessage.objects.filter(
        direction=ExchangeMessage.Direction.IN,
        kind=ExchangeMessage.Kind.STEP_REPLY,
        status=ExchangeMessage.Status.RECEIVED,
    ).order_by("created_at", "id")


def message_list_due(*, before: datetime) -> QuerySet[ExchangeMessage]:
    """Outgoing messages still pending that should have been tried before `before`, oldest due first."""
    return ExchangeMessage.objects.filter(
        direction=ExchangeMessage.Direction.OUT,
        status=ExchangeMessage.Status.PENDING,
        next_attempt_at__lte=before,
    ).order_by("next_attempt_at", "id")
