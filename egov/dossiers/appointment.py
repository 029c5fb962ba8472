"""The appointment date (ngày hẹn trả) and the one sentence that explains it to the applicant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from egov.core.calendar import DurationUnit, WorkingCalendar, clock_start, due_at
from egov.core.clock import ensure_aware

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


@dataclass(frozen=True)
class Appointment:
    clock_start: datetime
    due_at: datetime
    explanation: str


def _when(moment: datetime) -> str:
    local = ensure_aware(moment)
    return f"{local:%H:%M} {WEEKDAYS[local.weekday()]} {local:%d/%m/%Y}"


def appointment_for(received_at: datetime, amount: int, unit: str, cal: WorkingCalendar) -> Appointment:
    """When the clock starts, when the result is due, and why, in one sentence."""
    start = clock_start(received_at, cal)
    due = due_at(received_at, amount, unit, cal)
    if DurationUnit(unit) is DurationUnit.CALENDAR_DAYS:
        rule = _(
            "thời hạn %(n)s ngày tính theo lịch; ngày cuối rơi vào ngày nghỉ thì lùi sang ngày làm việc kế tiếp"
        ) % {"n": amount}
    else:
        rule = _("thời hạn %(n)s ngày làm việc, không tính thứ Bảy, Chủ nhật và ngày nghỉ lễ") % {"n": amount}
    if start == ensure_aware(received_at):
        counted = _("được tính từ lúc tiếp nhận")
    else:
        counted = _("được tính từ %(start)s (nhận sau %(cutoff)s, ngoài giờ hoặc vào ngày nghỉ)") % {
            "start": _when(start),
            "cutoff": f"{cal.cutoff:%H:%M}" if cal.cutoff else "17:00",
        }
    sentence = _("Hồ sơ tiếp nhận lúc %(received)s, %(counted)s; %(rule)s, nên hẹn trả kết quả lúc %(due)s.") % {
        "received": _when(received_at),
        "counted": counted,
        "rule": rule,
        "due": _when(due),
    }
    return Appointment(clock_start=start, due_at=due, explanation=sentence)
