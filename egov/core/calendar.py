"""The working-day calendar and deadline arithmetic (DESIGN.md §4), as pure functions.

Nothing here touches the database or the system clock: callers pass a `WorkingCalendar`
(built from settings and the `WorkingDayOverride` table by `core.selectors.working_calendar`)
and the moments they care about.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from .clock import VN_TZ, ensure_aware

DEFAULT_OFFICE_HOURS: tuple[tuple[time, time], ...] = ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0)))
DEFAULT_CUTOFF = time(15, 0)


class DurationUnit(StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"


class Timeliness(StrEnum):
    """Trước hạn / đúng hạn / quá hạn for finished work; in time / due soon / overdue for open work."""

    EARLY = "early"
    ON_TIME = "on_time"
    OVERDUE = "overdue"
    IN_TIME = "in_time"
    DUE_SOON = "due_soon"


@lru_cache(maxsize=1)
def _vn_holidays() -> holidays.HolidayBase:
    return holidays.country_holidays("VN")


def official_status(day: date) -> bool:
    """Whether `day` is a working day by Vietnam's official calendar alone (the `holidays` package)."""
    vn = _vn_holidays()
    if day in vn:  # a public holiday, or a decreed bridge day off
        return False
    if day in vn.weekend_workdays:  # a decreed make-up working Saturday
        return True
    return day.weekday() < 5


@dataclass(frozen=True)
class WorkingCalendar:
    """Office hours, the reception cut-off and the administrator's overrides.

    `overrides` maps a date to True (a make-up working day) or False (an extra day off); it wins
    over the official calendar. `cutoff=None` disables the after-hours rule.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    office_hours: tuple[tuple[time, time], ...] = DEFAULT_OFFICE_HOURS
    cutoff: time | None = DEFAULT_CUTOFF

    def __post_init__(self) -> None:
        periods = self.office_hours
        if not periods or any(a >= b for a, b in periods):
            raise ValueError("office hours must be non-empty, increasing periods")
        if any(periods[i][1] > periods[i + 1][0] for i in range(len(periods) - 1)):
            raise ValueError("office hour periods must not overlap")

    @property
    def day_length(self) -> timedelta:
        """Office time in one working day (8 h with the default hours)."""
        return sum((_span(a, b) for a, b in self.office_hours), timedelta())

    @property
    def opening(self) -> time:
        return self.office_hours[0][0]

    @property
    def closing(self) -> time:
        return self.office_hours[-1][1]


def is_working_day(day: date, cal: WorkingCalendar) -> bool:
    """Overrides first, then the official calendar (holidays, make-up Saturdays), then Mon–Fri."""
    if day in cal.overrides:
        return cal.overrides[day]
    return official_status(day)


def next_working_day(day: date, cal: WorkingCalendar) -> date:
    """The first working day strictly after `day`."""
    candidate = day + timedelta(days=1)
    while not is_working_day(candidate, cal):
        candidate += timedelta(days=1)
    return candidate


def working_days_between(start: date, end: date, cal: WorkingCalendar) -> int:
    """Number of working days in [start, end)."""
    return sum(1 for d in _days(start, end - timedelta(days=1)) if is_working_day(d, cal))


def clock_start(received_at: datetime, cal: WorkingCalendar) -> datetime:
    """When the legal clock starts for a dossier received at `received_at`.

    Before office hours on a working day: opening time that day. During office hours before the
    cut-off: the moment itself. In a break: the start of the next period that day. At or after
    the cut-off, after hours, or on a day off: opening time of the next working day.
    """
    local = ensure_aware(received_at)
    day, moment = local.date(), local.time()
    if is_working_day(day, cal) and (cal.cutoff is None or moment < cal.cutoff):
        for begin, end in cal.office_hours:
            if moment < begin:
                return _at(day, begin)
            if moment < end:
                return local
    return _at(next_working_day(day, cal), cal.opening)


def add_working_time(start: datetime, amount: timedelta, cal: WorkingCalendar) -> datetime:
    """The moment `amount` of office time has been used up, counting forward from `start`.

    If the time runs out exactly at the end of a period, the answer is that end (11:30, 17:00),
    not the start of the next one.
    """
    if amount < timedelta(0):
        raise ValueError("amount must not be negative")
    current = ensure_aware(start)
    remaining = amount
    if remaining == timedelta(0):
        return current
    day = current.date()
    while True:
        if is_working_day(day, cal):
            for begin, end in cal.office_hours:
                seg_start = max(current, _at(day, begin))
                seg_end = _at(day, end)
                if seg_start >= seg_end:
                    continue
                available = seg_end - seg_start
                if remaining <= available:
                    return seg_start + remaining
                remaining -= available
        day += timedelta(days=1)


def working_time_between(start: datetime, end: datetime, cal: WorkingCalendar) -> timedelta:
    """Office time on working days that lies inside [start, end]; zero if end <= start."""
    start, end = ensure_aware(start), ensure_aware(end)
    total = timedelta()
    if end <= start:
        return total
    for day in _days(start.date(), end.date()):
        if not is_working_day(day, cal):
            continue
        for begin, finish in cal.office_hours:
            lo = max(start, _at(day, begin))
            hi = min(end, _at(day, finish))
            if hi > lo:
                total += hi - lo
    return total


def due_at(received_at: datetime, amount: int, unit: DurationUnit | str, cal: WorkingCalendar) -> datetime:
    """The legal due moment for a duration of `amount` working or calendar days.

    Working days: `amount` × the office day counted from `clock_start`. Calendar days: closing
    time on the reception date + `amount`, moved to closing time of the next working day if that
    date is not a working day.
    """
    if amount < 0:
        raise ValueError("amount must not be negative")
    if DurationUnit(unit) is DurationUnit.WORKING_DAYS:
        return add_working_time(clock_start(received_at, cal), cal.day_length * amount, cal)
    target = ensure_aware(received_at).date() + timedelta(days=amount)
    if not is_working_day(target, cal):
        target = next_working_day(target, cal)
    return _at(target, cal.closing)


def extend_for_pause(due: datetime, paused_from: datetime, paused_until: datetime, cal: WorkingCalendar) -> datetime:
    """Move `due` later by the office time that lay inside a pause (supplement, paying)."""
    return (
        add_working_time(due, working_time_between(paused_from, paused_until, cal), cal)
        if paused_until > paused_from
        else due
    )


def due_after_pauses(due: datetime, pauses: Iterable[tuple[datetime, datetime]], cal: WorkingCalendar) -> datetime:
    """The due moment moved later by the office time inside every pause (pauses must not overlap)."""
    paused = sum((working_time_between(start, end, cal) for start, end in pauses), timedelta())
    return add_working_time(due, paused, cal)


def grade_finished(finished_at: datetime, due: datetime) -> Timeliness:
    """Finished before the due day: early; on the due day by the due moment: on time; later: overdue."""
    finished_at, due = ensure_aware(finished_at), ensure_aware(due)
    if finished_at.date() < due.date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished_at <= due else Timeliness.OVERDUE


def grade_open(now: datetime, due: datetime, cal: WorkingCalendar, due_soon: timedelta) -> Timeliness:
    """Open work: overdue past the due moment; due soon when at most `due_soon` of office time is left."""
    now, due = ensure_aware(now), ensure_aware(due)
    if now > due:
        return Timeliness.OVERDUE
    return Timeliness.DUE_SOON if working_time_between(now, due, cal) <= due_soon else Timeliness.IN_TIME


def _at(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=VN_TZ)


def _span(a: time, b: time) -> timedelta:
    return datetime.combine(date.min, b) - datetime.combine(date.min, a)


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)
