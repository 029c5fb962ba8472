"""Each indicator against a hand-counted month (tests/reports/conftest.py), and its drill-down."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from egov.core.clock import VN_TZ
from egov.reports import indicators, selectors
from egov.reports.indicators import Ratio, month, quarter

from .conftest import at

pytestmark = pytest.mark.django_db
AFTER = datetime(2026, 5, 1, tzinfo=VN_TZ)  # the periods below are over: "at the end" means their end


def counts_for(agency, period, now=AFTER):
    groups = selectors.indicator_counts(period=period, scope=selectors.Scope(), now=now)
    return groups.get(agency.pk, indicators.zero_counts())


def listed(key, agency, period, now=AFTER):
    scope = selectors.Scope(agency_ids=(agency.pk,))
    qs = selectors.indicator_dossiers(key=key, period=period, scope=scope, now=now)
    return {d.code for d in qs}


def names(office, *which):
    return {office.made[w].code for w in which}


def test_the_denormalised_fields(month_of_march):
    j, _x = month_of_march
    d = j.made
    assert d["A"].timeliness == "early" and d["B"].timeliness == "on_time"
    # C's supplement paused the clock for three working days: due 13/3 09:30 became 18/3 09:30.
    assert d["C"].statutory_due_at == at(18) == d["C"].due_at and d["C"].timeliness == "early"
    # D's extension moved the date in force, not the statistics' date.
    assert d["D"].due_at == at(20, hour=17, minute=0) and d["D"].statutory_due_at == at(13)
    assert d["D"].timeliness == "overdue"
    assert d["G"].finished_at == at(12) and d["G"].timeliness == ""
    assert d["E"].finished_at is None


def test_march_by_hand(month_of_march):
    j, x = month_of_march
    c = counts_for(j.agency, month(2026, 3))
    expected = {
        "received_new": 6,  # A B C D G F
        "carried_over": 1,  # E
        "handled": 7,
        "resolved": 4,  # A B C D (F is April's)
        "resolved_early": 2,  # A C
        "resolved_on_time": 1,  # B
        "resolved_in_time": 3,
        "resolved_overdue": 1,  # D
        "resolved_extended": 1,  # D
        "open_end": 2,  # E F
        "open_end_on_time": 1,  # F
        "open_end_overdue": 1,  # E
        "withdrawn": 1,  # G
        "stopped": 0,
        "received_online": 5,
        "received_postal": 0,
        "received_capable": 6,
        "received_capable_online": 5,
        "received_full": 6,
        "received_full_online": 5,
        "fee_dossiers": 2,  # B D
        "paid_online": 1,  # D
        "not_online_received": 1,  # B
        "digitised": 1,  # B, its one required component stored
        "results_signed": 4,
        "rated": 2,
        "satisfied": 1,
        "score_sum": 8,
    }
    assert c == expected
    r = indicators.ratios(c)
    assert r["on_time_rate"] == Ratio(3, 4) and r["on_time_rate"].percent == Decimal("75.0")
    assert str(r["online_rate"]) == "5/6 (83,3%)"
    assert indicators.average_score(c) == Decimal("4.00")
    assert counts_for(x.agency, month(2026, 3))["resolved_early"] == 1


def test_online_counts_use_the_procedures_level_when_the_dossier_was_submitted(month_of_march):
    j, _x = month_of_march
    j.procedure.online_level = "partial"  # the catalogue changes after March: March's figures do not
    j.procedure.save(update_fields=["online_level"])
    c = counts_for(j.agency, month(2026, 3))
    assert (c["received_capable"], c["received_full"], c["received_full_online"]) == (6, 6, 5)
    j.submit("H", at(4, month=4))
    april = counts_for(j.agency, month(2026, 4))
    assert (april["received_capable"], april["received_full"]) == (1, 0)


def test_a_merged_agencys_dossiers_count_with_its_successor(month_of_march, lam_dong):
    j, x = month_of_march
    construction = x.agency
    before = selectors.indicator_counts(period=month(2026, 3), scope=selectors.Scope(), now=AFTER)
    assert before[construction.pk]["resolved"] == 1 and before[j.agency.pk]["resolved"] == 4
    construction.is_active, construction.successor = False, j.agency  # merged into Justice after March
    construction.save(update_fields=["is_active", "successor"])
    groups = selectors.indicator_counts(period=month(2026, 3), scope=selectors.Scope(), now=AFTER)
    assert construction.pk not in groups
    assert (groups[j.agency.pk]["resolved"], groups[j.agency.pk]["resolved_early"]) == (5, 3)  # A B C D + X
    scope = selectors.report_scope_for_user(j.leader)  # Justice's leader now reads X too, down to the list
    assert scope.agency_ids == tuple(sorted((j.agency.pk, construction.pk)))
    qs = selectors.indicator_dossiers(key="resolved_early", period=month(2026, 3), scope=scope, now=AFTER)
    assert {d.code for d in qs} == {j.made["A"].code, j.made["C"].code, x.made["X"].code}


def test_april_takes_what_crossed_the_boundary(month_of_march):
    j, _x = month_of_march
    c = counts_for(j.agency, month(2026, 4))
    assert (c["received_new"], c["carried_over"], c["resolved"], c["resolved_early"]) == (0, 2, 1, 1)  # E, F; F
    assert listed("carried_over", j.agency, month(2026, 4)) == names(j, "E", "F")
    # The quarter holds both months: new = everything received from January, carried = none before it.
    q = counts_for(j.agency, quarter(2026, 1))
    assert (q["received_new"], q["carried_over"], q["resolved"]) == (7, 0, 4)


def test_a_period_not_over_yet_is_read_at_now(month_of_march):
    j, _x = month_of_march
    noon = at(12, hour=12, minute=0)
    # On 12/3 at noon, A was resolved and G withdrawn; B C D were open and in time; E was overdue.
    c = counts_for(j.agency, month(2026, 3), now=noon)
    assert (c["open_end"], c["open_end_on_time"], c["open_end_overdue"]) == (4, 3, 1)
    assert listed("open_end_on_time", j.agency, month(2026, 3), noon) == names(j, "B", "C", "D")
    assert listed("open_end_overdue", j.agency, month(2026, 3), noon) == names(j, "E")


@pytest.mark.parametrize(
    ("key", "which"),
    [
        ("received_new", "ABCDFG"),
        ("resolved_in_time", "ABC"),
        ("resolved_overdue", "D"),
        ("open_end", "EF"),
        ("withdrawn", "G"),
        ("paid_online", "D"),
        ("fee_dossiers", "BD"),
        ("digitised", "B"),
        ("rated", "AB"),
        ("satisfied", "A"),
    ],
)
def test_drill_down_lists_exactly_the_counted_dossiers(month_of_march, key, which):
    j, _x = month_of_march
    period = month(2026, 3)
    assert listed(key, j.agency, period) == names(j, *which)
    assert counts_for(j.agency, period)[key] == len(which)


def test_every_count_drills_down_to_as_many_dossiers(month_of_march):
    j, _x = month_of_march
    period = month(2026, 3)
    c = counts_for(j.agency, period)
    for count in indicators.COUNTS:
        if count.listable:
            assert len(listed(count.key, j.agency, period)) == c[count.key], count.key


def test_scopes_by_sector_and_level(month_of_march):
    j, _x = month_of_march
    period = month(2026, 3)
    by_sector = selectors.indicator_counts(
        period=period, scope=selectors.Scope(sector_id=j.procedure.sector_id), now=AFTER
    )
    assert set(by_sector) == {j.agency.pk}
    assert selectors.indicator_counts(period=period, scope=selectors.Scope(level="commune"), now=AFTER) == {}
    levels = selectors.indicator_counts(period=period, scope=selectors.Scope(), now=AFTER, group_by="level")
    assert levels["province"]["received_new"] == 7  # six at Justice, one at Construction
    total = selectors.province_counts(selectors.indicator_counts(period=period, scope=selectors.Scope(), now=AFTER))
    assert total["resolved"] == 5


def test_periods():
    assert (month(2026, 12).start, month(2026, 12).end) == (date(2026, 12, 1), date(2026, 12, 31))
    assert quarter(2026, 1).end == date(2026, 3, 31) and quarter(2026, 4).start == date(2026, 10, 1)
    assert indicators.period_containing("year", date(2022, 6, 1)).label == "2022"
    assert month(2026, 3).hi == datetime(2026, 4, 1, tzinfo=VN_TZ)
    assert str(Ratio(1201075, 1242768)) == "1.201.075/1.242.768 (96,6%)"
    assert str(Ratio(0, 0)) == "0/0 (–)"
