"""Reads of the outbox: messages about an object, and pending messages that are overdue."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import QuerySet

from .models import Message


def message_list_for_object(obj: models.Model) -> QuerySet[Message]:
    """Every message about `obj` (e.g. a dossier), newest first."""
    return Message.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def message_list_due(*, before: datetime) -> QuerySet[Message]:
    """Pending messages that should have been tried before `before`, oldest due first."""
    return Message.objects.filter(status=Message.Status.PENDING, next_attempt_at__lte=before).order_by(
        "next_attempt_at", "id"
    )
