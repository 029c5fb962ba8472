"""Pre-aggregated facts give exactly the raw figures (the hand-counted month), and reconcile catches tampering."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from egov.core.clock import VN_TZ, FrozenClock
from egov.payments.models import Method, PaymentRequest
from egov.reports import facts, indicators, selectors
from egov.reports.indicators import custom, month, quarter, year
from egov.reports.models import DailyFact, MonthlyFact

from .conftest import at, paid_request

pytestmark = pytest.mark.django_db
AFTER = datetime(2026, 5, 1, tzinfo=VN_TZ)
PERIODS = [
    month(2026, 2),
    month(2026, 3),
    month(2026, 4),
    quarter(2026, 1),
    year(2026),
    custom(date(2026, 3, 11), date(2026, 3, 13)),
    custom(date(2026, 3, 18), date(2026, 4, 1)),
]


def both(settings, **kwargs):
    settings.REPORTS_SOURCE = "raw"
    raw = facts.nonzero(selectors.indicator_counts(**kwargs))
    settings.REPORTS_SOURCE = "facts"
    from_facts = facts.nonzero(selectors.indicator_counts(**kwargs))
    return raw, from_facts


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
@pytest.mark.parametrize("group_by", ["agency", "sector", "level", "unit"])
def test_facts_equal_raw(month_of_march, settings, period, group_by):
    facts.facts_rebuild()
    raw, from_facts = both(settings, period=period, scope=selectors.Scope(), now=AFTER, group_by=group_by)
    assert raw and from_facts == raw


def test_facts_give_the_hand_counted_march(month_of_march, settings):
    j, _x = month_of_march
    facts.facts_rebuild()
    settings.REPORTS_SOURCE = "facts"
    c = selectors.indicator_counts(period=month(2026, 3), scope=selectors.Scope(), now=AFTER)[j.agency.pk]
    assert (c["received_new"], c["carried_over"], c["handled"], c["resolved"]) == (6, 1, 7, 4)
    assert (c["resolved_in_time"], c["resolved_overdue"], c["resolved_extended"]) == (3, 1, 1)
    assert (c["open_end"], c["open_end_on_time"], c["open_end_overdue"]) == (2, 1, 1)
    assert (c["fee_dossiers"], c["paid_online"], c["digitised"], c["rated"], c["score_sum"]) == (2, 1, 1, 2, 8)
    assert str(indicators.ratio(c, indicators.FIGURE_BY_KEY["on_time_rate"])) == "3/4 (75,0%)"


def test_facts_in_a_scope_and_a_period_not_over(month_of_march, settings):
    j, _x = month_of_march
    facts.facts_rebuild()
    scope = selectors.Scope(agency_ids=(j.agency.pk,), sector_id=j.procedure.sector_id)
    for now in (at(20, hour=11, minute=15), at(31, hour=17)):  # "at the end" is now, inside a day
        raw, from_facts = both(settings, period=month(2026, 3), scope=scope, now=now)
        assert from_facts == raw


def test_payment_facts_count_a_dossier_once_and_a_payment_only_before_the_period_ends(month_of_march, settings):
    j, _x = month_of_march
    d, b, e = j.made["D"], j.made["B"], j.made["E"]
    done = PaymentRequest.Status.PAID
    # D's second request: D counts once. B: asked in March, paid online in April. E: paid in cash.
    paid_request(d, j.leader, asked=at(20), paid=at(20), method=Method.CASH, status=done)
    paid_request(b, j.leader, asked=at(30), paid=at(2, month=4), status=done)
    paid_request(e, j.leader, asked=at(3, month=4), paid=at(3, month=4), method=Method.CASH, status=done)
    facts.facts_rebuild()
    expected = {"03/2026": (2, 1), "Q1/2026": (2, 1), "04/2026": (1, 0), "2026": (3, 2)}
    for period in (month(2026, 3), quarter(2026, 1), month(2026, 4), year(2026)):
        raw, from_facts = both(settings, period=period, scope=selectors.Scope(), now=AFTER)
        assert from_facts == raw
        c = from_facts[j.agency.pk]
        assert (c["fee_dossiers"], c["paid_online"]) == expected[period.label], period.label


def test_facts_answer_only_for_periods_over_before_the_last_rebuild(month_of_march, settings):
    """Facts rebuilt on 15/4 answer for March; April (ending after the rebuild) is read from raw dossiers."""
    j, _x = month_of_march
    facts.facts_rebuild(clock=FrozenClock(at(15, month=4)))
    for model in (DailyFact, MonthlyFact):  # months are read from monthly rows, ragged ends from daily ones
        model.objects.filter(agency=j.agency.pk, day__in=[date(2026, 3, 1), date(2026, 4, 1)]).update(
            resolved=F("resolved") + 10
        )
    DailyFact.objects.filter(agency=j.agency.pk, day__in=[date(2026, 3, 13), date(2026, 4, 2)]).update(
        resolved=F("resolved") + 10
    )
    settings.REPORTS_SOURCE = "facts"
    scope = selectors.Scope(agency_ids=(j.agency.pk,))
    march = selectors.indicator_counts(period=month(2026, 3), scope=scope, now=AFTER)[j.agency.pk]
    april = selectors.indicator_counts(period=month(2026, 4), scope=scope, now=AFTER)[j.agency.pk]
    assert march["resolved"] == 4 + 10  # read from the (tampered) facts
    assert april["resolved"] == 1  # F, from the raw dossiers: the facts do not cover April
    facts.facts_rebuild(clock=FrozenClock(AFTER))
    assert selectors.indicator_counts(period=month(2026, 4), scope=scope, now=AFTER)[j.agency.pk]["resolved"] == 1


def test_the_nightly_task_rebuilds_only_when_reports_read_facts(month_of_march, settings):
    from egov.reports.models import FactBuild
    from egov.reports.tasks import facts_rebuild_nightly

    settings.REPORTS_SOURCE = "raw"
    assert facts_rebuild_nightly() == 0 and not FactBuild.objects.exists()
    settings.REPORTS_SOURCE = "facts"
    rows = facts_rebuild_nightly()
    build = FactBuild.objects.get()
    assert rows == build.daily_rows == DailyFact.objects.count() > 0
    assert build.payment_rows == 2  # B's and D's requests


def test_reconcile_passes_then_catches_a_tampered_fact(month_of_march, capsys):
    call_command("reports_facts_rebuild")
    call_command("reports_reconcile", "--year", "2026", "--months")
    assert "facts equal raw counts" in capsys.readouterr().out
    fact = DailyFact.objects.filter(day=date(2026, 3, 13), resolved__gt=0).first()
    assert fact is not None
    DailyFact.objects.filter(pk=fact.pk).update(resolved_early=F("resolved_early") + 1)
    with pytest.raises(CommandError, match="differences"):
        call_command("reports_reconcile", "--year", "2026")
    out = capsys.readouterr().out
    assert f"month 2026-03 agency={fact.agency_id} sector={fact.sector_id}: monthly facts differ" in out
    call_command("reports_facts_rebuild")
    MonthlyFact.objects.filter(day=date(2026, 3, 1), agency=fact.agency_id).update(resolved=F("resolved") - 1)
    same_day = DailyFact.objects.filter(day=fact.day, agency=fact.agency_id, sector=fact.sector_id)
    same_day.update(resolved=F("resolved") - 1)  # days and months still agree, raw does not
    with pytest.raises(CommandError, match="differences"):
        call_command("reports_reconcile", "--year", "2026")
    out = capsys.readouterr().out
    assert "monthly facts differ" not in out
    assert f"2026 agency={fact.agency_id} resolved: raw=5 facts=4" in out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the benchmark's hand-written SQL is PostgreSQL")
def test_the_benchmarks_hand_sql_counts_as_the_platform(month_of_march):
    import bench.reports as bench

    period = month(2026, 3)
    params = {"lo": period.lo, "hi": period.hi, "end": period.as_of(AFTER)}
    hand: dict = {}
    with connection.cursor() as cur:
        for sql in (bench.HAND_SQL, bench.HAND_PAYMENTS):
            cur.execute(sql, params)
            names = [c.name for c in cur.description]
            for row in cur.fetchall():
                hand.setdefault(row[0], indicators.zero_counts()).update(dict(zip(names[1:], row[1:], strict=True)))
    raw = selectors.indicator_counts(period=period, scope=selectors.Scope(), now=AFTER)
    assert facts.nonzero(hand) == facts.nonzero(raw)
