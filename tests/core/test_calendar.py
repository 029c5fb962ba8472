"""The working-day calendar: named cases a desk officer would check by hand, and properties."""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.core.calendar import (
    WorkingCalendar,
    add_working_time,
    clock_start,
    due_at,
    extend_for_pause,
    is_working_day,
    next_working_day,
    working_time_between,
)
from egov.core.clock import VN_TZ

CAL = WorkingCalendar()
HOUR = timedelta(hours=1)
DAY = timedelta(hours=8)


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


class TestWorkingDays:
    def test_weekdays_work_and_weekends_do_not(self):
        assert is_working_day(date(2026, 3, 10), CAL)  # Tuesday
        assert not is_working_day(date(2026, 3, 14), CAL)  # Saturday
        assert not is_working_day(date(2026, 3, 15), CAL)  # Sunday

    def test_tet_2026_is_off(self):
        for day in range(16, 21):
            assert not is_working_day(date(2026, 2, day), CAL)
        assert next_working_day(date(2026, 2, 13), CAL) == date(2026, 2, 23)

    def test_decreed_make_up_saturday_is_a_working_day(self):
        # 22/8/2026 is worked in exchange for Monday 31/8 off (the holidays package's weekend_workdays).
        assert is_working_day(date(2026, 8, 22), CAL)
        assert not is_working_day(date(2026, 8, 31), CAL)

    def test_overrides_win_over_the_official_calendar(self):
        cal = WorkingCalendar(overrides={date(2026, 3, 14): True, date(2026, 3, 10): False})
        assert is_working_day(date(2026, 3, 14), cal)
        assert not is_working_day(date(2026, 3, 10), cal)


class TestClockStart:
    @pytest.mark.parametrize(
        ("received", "expected"),
        [
            (at(2026, 3, 10, 6, 15), at(2026, 3, 10, 7, 0)),  # before opening
            (at(2026, 3, 10, 9, 30), at(2026, 3, 10, 9, 30)),  # during office hours
            (at(2026, 3, 10, 12, 0), at(2026, 3, 10, 13, 30)),  # lunch break
            (at(2026, 3, 10, 14, 59), at(2026, 3, 10, 14, 59)),  # just before the cut-off
            (at(2026, 3, 10, 15, 0), at(2026, 3, 11, 7, 0)),  # at the cut-off
            (at(2026, 3, 13, 16, 0), at(2026, 3, 16, 7, 0)),  # Friday afternoon → Monday
            (at(2026, 3, 14, 10, 0), at(2026, 3, 16, 7, 0)),  # Saturday
            (at(2026, 2, 13, 15, 30), at(2026, 2, 23, 7, 0)),  # before Tết → after Tết
        ],
    )
    def test_cases(self, received, expected):
        assert clock_start(received, CAL) == expected

    def test_cutoff_is_configurable(self):
        assert clock_start(at(2026, 3, 10, 15, 30), WorkingCalendar(cutoff=time(16, 0))) == at(2026, 3, 10, 15, 30)
        assert clock_start(at(2026, 3, 10, 16, 30), WorkingCalendar(cutoff=None)) == at(2026, 3, 10, 16, 30)


class TestDueAt:
    def test_one_working_day_from_the_morning_ends_next_morning(self):
        assert due_at(at(2026, 3, 10, 9, 30), 1, "working_days", CAL) == at(2026, 3, 11, 9, 30)

    def test_time_used_up_at_the_end_of_a_period_is_due_then(self):
        # From 07:00, 8 hours run out at 17:00 the same day, not at 07:00 the next day.
        assert due_at(at(2026, 3, 10, 6, 0), 1, "working_days", CAL) == at(2026, 3, 10, 17, 0)

    def test_received_after_cutoff_counts_from_next_working_day(self):
        assert due_at(at(2026, 3, 10, 15, 30), 3, "working_days", CAL) == at(2026, 3, 13, 17, 0)

    def test_tet_is_skipped(self):
        # Received Thursday 12/2/2026 10:00; Fri 13 is 1 day, then Tết and the weekend until Mon 23.
        assert due_at(at(2026, 2, 12, 10, 0), 2, "working_days", CAL) == at(2026, 2, 23, 10, 0)

    def test_make_up_saturday_counts(self):
        # Friday 21/8/2026 10:00 + 1 working day = Saturday 22/8 10:00 (a decreed working day).
        assert due_at(at(2026, 8, 21, 10, 0), 1, "working_days", CAL) == at(2026, 8, 22, 10, 0)

    def test_calendar_days_end_at_closing_time(self):
        assert due_at(at(2026, 3, 10, 9, 0), 5, "calendar_days", CAL) == at(2026, 3, 15 + 1, 17, 0)  # Sun → Mon
        assert due_at(at(2026, 3, 10, 9, 0), 2, "calendar_days", CAL) == at(2026, 3, 12, 17, 0)

    def test_pause_across_a_holiday_adds_only_office_time(self):
        due = at(2026, 5, 5, 17, 0)
        # Paused Wed 29/4 13:30 → Mon 4/5 13:30: 30/4 and 1/5 are holidays, 2-3/5 a weekend.
        paused = working_time_between(at(2026, 4, 29, 13, 30), at(2026, 5, 4, 13, 30), CAL)
        assert paused == timedelta(hours=3, minutes=30) + timedelta(hours=4, minutes=30)
        assert extend_for_pause(due, at(2026, 4, 29, 13, 30), at(2026, 5, 4, 13, 30), CAL) == at(2026, 5, 6, 17, 0)

    def test_overnight_pause_adds_nothing(self):
        due = at(2026, 3, 20, 17, 0)
        assert extend_for_pause(due, at(2026, 3, 10, 17, 0), at(2026, 3, 11, 7, 0), CAL) == due


moments = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=VN_TZ, second=0, microsecond=0)
)


@settings(max_examples=150, deadline=None)
@given(received=moments, days=st.integers(min_value=0, max_value=60))
def test_due_moment_lies_in_office_hours_on_a_working_day(received, days):
    due = due_at(received, days, "working_days", CAL)
    assert due >= clock_start(received, CAL)
    assert is_working_day(due.date(), CAL)
    assert any(a <= due.time() <= b for a, b in CAL.office_hours)


@settings(max_examples=150, deadline=None)
@given(received=moments, days=st.integers(min_value=0, max_value=40))
def test_n_working_days_are_exactly_n_times_8_office_hours(received, days):
    start = clock_start(received, CAL)
    due = due_at(received, days, "working_days", CAL)
    assert working_time_between(start, due, CAL) == DAY * days


@settings(max_examples=150, deadline=None)
@given(received=moments, a=st.integers(min_value=0, max_value=20), b=st.integers(min_value=0, max_value=20))
def test_more_days_never_end_earlier(received, a, b):
    lo, hi = sorted((a, b))
    assert due_at(received, lo, "working_days", CAL) <= due_at(received, hi, "working_days", CAL)


@settings(max_examples=150, deadline=None)
@given(start=moments, hours=st.integers(min_value=0, max_value=200), more=st.integers(min_value=0, max_value=200))
def test_adding_time_in_two_steps_equals_one_step(start, hours, more):
    # Only from a moment inside office hours: elsewhere the first step also moves to the next opening.
    begin = clock_start(start, WorkingCalendar(cutoff=None))
    two_steps = add_working_time(add_working_time(begin, hours * HOUR, CAL), more * HOUR, CAL)
    one_step = add_working_time(begin, (hours + more) * HOUR, CAL)
    # They differ only when the first step ends exactly at a closing time (11:30/17:00 vs next opening).
    assert working_time_between(begin, two_steps, CAL) == working_time_between(begin, one_step, CAL)


@settings(max_examples=100, deadline=None)
@given(a=moments, b=moments, c=moments)
def test_working_time_is_additive(a, b, c):
    x, y, z = sorted((a, b, c))
    assert working_time_between(x, z, CAL) == working_time_between(x, y, CAL) + working_time_between(y, z, CAL)


class TestGrading:
    def test_finished(self):
        from egov.core.calendar import Timeliness, grade_finished

        due = at(2026, 3, 13, 11, 30)
        assert grade_finished(at(2026, 3, 12, 16, 59), due) is Timeliness.EARLY
        assert grade_finished(at(2026, 3, 13, 8, 0), due) is Timeliness.ON_TIME  # the due day, before the moment
        assert grade_finished(at(2026, 3, 13, 11, 30), due) is Timeliness.ON_TIME
        assert grade_finished(at(2026, 3, 13, 11, 31), due) is Timeliness.OVERDUE

    def test_open(self):
        from egov.core.calendar import Timeliness, grade_open

        due = at(2026, 3, 16, 9, 0)  # Monday 09:00
        # Friday 16:00: one hour on Friday + two on Monday = 3 office hours left.
        assert grade_open(at(2026, 3, 13, 16, 0), due, CAL, timedelta(hours=4)) is Timeliness.DUE_SOON
        assert grade_open(at(2026, 3, 13, 8, 0), due, CAL, timedelta(hours=4)) is Timeliness.IN_TIME
        assert grade_open(at(2026, 3, 16, 9, 1), due, CAL, timedelta(hours=4)) is Timeliness.OVERDUE

    def test_several_pauses_across_tet(self):
        from egov.core.calendar import due_after_pauses

        due = at(2026, 2, 27, 17, 0)
        pauses = [
            (at(2026, 2, 12, 13, 30), at(2026, 2, 23, 7, 0)),  # Thu 13:30 → after Tết
            (at(2026, 2, 24, 16, 0), at(2026, 2, 25, 8, 0)),
        ]  # one hour + one hour
        # 3.5 h (Thu 12/2) + 8 h (Fri 13/2; then Tết and the weekend) + 1 h + 1 h = 13.5 office hours:
        # Mon 2/3 takes 8 h, Tue 3/3 morning 4.5 h, and the last hour ends at 14:30.
        assert due_after_pauses(due, pauses, CAL) == at(2026, 3, 3, 14, 30)


@settings(max_examples=150, deadline=None)
@given(
    received=moments,
    days=st.integers(min_value=1, max_value=30),
    pause_start=st.integers(min_value=0, max_value=400),
    pause_hours=st.integers(min_value=0, max_value=400),
)
def test_a_pause_moves_the_due_moment_by_exactly_the_paused_office_time(received, days, pause_start, pause_hours):
    from egov.core.calendar import due_after_pauses

    due = due_at(received, days, "working_days", CAL)
    start = received + timedelta(hours=pause_start)
    end = start + timedelta(hours=pause_hours)
    moved = due_after_pauses(due, [(start, end)], CAL)
    assert working_time_between(due, moved, CAL) == working_time_between(start, end, CAL)
    assert moved >= due
