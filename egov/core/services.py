"""Writes of core data: the administrator edits the working-day calendar."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .clock import Clock, system_clock
from .errors import DomainError
from .models import WorkingDayOverride
from .selectors import working_calendar_forget


@transaction.atomic
def working_day_override_set(
    *, actor: Any, day: date, kind: str, reason: str, clock: Clock = system_clock
) -> WorkingDayOverride:
    """Declare `day` an extra day off or a make-up working day (replacing any earlier decision)."""
    if kind not in WorkingDayOverride.Kind.values:
        raise DomainError("calendar.bad_kind", _("Loại ngày không hợp lệ."))
    if not reason.strip():
        raise DomainError("calendar.reason_required", _("Cần ghi căn cứ hoặc lý do."))
    override, created = WorkingDayOverride.objects.select_for_update().get_or_create(
        date=day, defaults={"kind": kind, "reason": reason.strip()}
    )
    changes: dict[str, Any] = {"kind": [None, kind]} if created else {"kind": [override.kind, kind]}
    if not created:
        override.kind, override.reason = kind, reason.strip()
        override.save()
    audit_record(actor=actor, action="core.calendar.set", obj=override, changes=changes, reason=reason, clock=clock)
    transaction.on_commit(working_calendar_forget)
    return override


@transaction.atomic
def working_day_override_delete(*, actor: Any, day: date, reason: str, clock: Clock = system_clock) -> None:
    """Remove the override for `day`: the official calendar applies again."""
    override = WorkingDayOverride.objects.select_for_update().filter(date=day).first()
    if override is None:
        raise DomainError("calendar.not_found", _("Ngày %(day)s không có điều chỉnh nào."), day=f"{day:%d/%m/%Y}")
    audit_record(
        actor=actor,
        action="core.calendar.delete",
        obj=override,
        changes={"kind": [override.kind, None]},
        reason=reason,
        clock=clock,
    )
    override.delete()
    transaction.on_commit(working_calendar_forget)
