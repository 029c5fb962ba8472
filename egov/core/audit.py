"""Writing the audit trail: every service that changes data calls `audit_record` in its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .clock import Clock, system_clock
from .models import AuditEvent


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
    clock: Clock = system_clock,
) -> AuditEvent:
    """Append one audit event. Must run inside the caller's transaction, so both land or neither."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction.atomic()")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor if is_user else None,
        actor_label=_actor_label(actor, is_user)[:200],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=_jsonable(changes or {}),
        reason=reason,
    )


def _actor_label(actor: Any, is_user: bool) -> str:
    """An official by username; a citizen or a business by name, since their username is an ID number or a
    tax code (the `actor` key still says exactly who)."""
    if not is_user:
        return str(actor or "system")
    if getattr(actor, "is_official", False):
        return str(actor.get_username())
    return str(getattr(actor, "full_name", "") or actor.public_id)


def diff_fields(obj: models.Model, new_values: dict[str, Any], fields: Iterable[str] | None = None) -> dict[str, Any]:
    """{field: [old, new]} for each field whose value would change; call before assigning."""
    result: dict[str, Any] = {}
    for name in fields if fields is not None else new_values:
        if name not in new_values:
            continue
        old = getattr(obj, name)
        if old != new_values[name]:
            result[name] = [old, new_values[name]]
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat()  # one offset (Vietnam's) for every moment in the trail
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value
