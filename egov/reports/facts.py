"""Pre-aggregated facts: the counts of `selectors.count_q` from `reports.DailyFact` instead of raw dossiers.

A fact row holds, per Vietnam day × receiving agency × the procedure's sector, how many dossiers had each
event that day (`models.FACT_COUNTERS`); `MonthlyFact` holds the same summed per month, and a read takes
whole months from it and the ragged ends from the days. Counts over a period are sums of days in it; the
"open at a moment" counts are differences of running sums, so they stay exact at any day boundary:

    open at 00:00 of day X  = Σ_{day < X} received − Σ_{day < X} closed      (closed: on greatest(received, finished))
    open and overdue at X   = Σ_{day < X} overdue_from − Σ_{day < X} overdue_until

`fee_dossiers` / `paid_online` count a dossier once however many payment requests it has in the period,
which sums of days cannot express: they count distinct dossiers over `PaymentFact`, one narrow row per
payment request with the agency and sector copied onto it.

Facts are a snapshot: `facts_rebuild` recomputes them all from the raw tables in one transaction and
records when (`FactBuild`); `manage.py reports_reconcile` proves they equal the raw counts. They are read
only when `REPORTS_SOURCE = "facts"`, and only for a period that is over and ended before the last rebuild
(`facts_cover`): any other period is read from the raw tables, so no figure is ever older than its data.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from egov.core.clock import Clock, system_clock

from .indicators import COUNT_KEYS, Period, zero_counts
from .models import FACT_COUNTERS, DailyFact, FactBuild, MonthlyFact, PaymentFact
from .selectors import Scope

FACT_GROUPS = {"agency": "agency_id", "sector": "sector_id", "level": "agency__level", "unit": "agency__unit_id"}


# --- rebuilding --------------------------------------------------------------------------------------------


def _day(expr: str) -> str:
    """The Vietnam calendar day of a timestamp column (UTC+7, no daylight saving)."""
    if connection.vendor == "postgresql":
        return f"(({expr}) AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return f"date({expr}, '+7 hours')"


def _greatest(*exprs: str) -> str:
    # Only called on non-null columns: PostgreSQL's greatest() skips nulls, SQLite's max() returns null.
    return ("greatest" if connection.vendor == "postgresql" else "max") + "(" + ", ".join(exprs) + ")"


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


def rebuild_sql() -> str:
    """One INSERT … SELECT computing every fact from the raw tables (dossiers, procedures, ratings…)."""
    resolved = "d.status IN ('resolved', 'returned')"
    zero = dict.fromkeys(FACT_COUNTERS, "0")

    def part(day: str, where: str, values: dict[str, str], source: str = "") -> str:
        cols = {**zero, **values}
        select = ", ".join(f"{cols[c]} AS {c}" for c in FACT_COUNTERS)
        return (
            f"SELECT {_day(day)} AS day, d.agency_id, p.sector_id, {select} "
            f"FROM dossiers_dossier d JOIN catalog_procedure p ON p.id = d.procedure_id {source} WHERE {where}"
        )

    has_document = "EXISTS (SELECT 1 FROM dossiers_document x WHERE x.dossier_id = d.id)"
    missing = (
        "EXISTS (SELECT 1 FROM catalog_component c WHERE c.procedure_id = d.procedure_id AND c.required "
        "AND NOT EXISTS (SELECT 1 FROM dossiers_document x WHERE x.dossier_id = d.id AND x.component_id = c.id))"
    )
    capable = "d.online_level IN ('full', 'partial')"
    online = "d.channel = 'online'"
    parts = [
        part(
            "d.received_at",
            "d.received_at IS NOT NULL",
            {
                "received": "1",
                "received_online": _flag(online),
                "received_postal": _flag("d.channel = 'postal'"),
                "received_capable": _flag(capable),
                "received_capable_online": _flag(f"{capable} AND {online}"),
                "received_full": _flag("d.online_level = 'full'"),
                "received_full_online": _flag(f"d.online_level = 'full' AND {online}"),
                "digitised": _flag(f"d.channel <> 'online' AND {has_document} AND NOT {missing}"),
            },
        ),
        part(
            _greatest("d.received_at", "d.finished_at"),
            "d.received_at IS NOT NULL AND d.finished_at IS NOT NULL",
            {"closed": "1"},
        ),
        part(
            _greatest("d.received_at", "d.statutory_due_at"),
            "d.received_at IS NOT NULL AND d.statutory_due_at IS NOT NULL",
            {"overdue_from": "1"},
        ),
        part(
            _greatest("d.received_at", "d.statutory_due_at", "d.finished_at"),
            "d.received_at IS NOT NULL AND d.statutory_due_at IS NOT NULL AND d.finished_at IS NOT NULL",
            {"overdue_until": "1"},
        ),
        part(
            "d.finished_at",
            "d.received_at IS NOT NULL AND d.finished_at IS NOT NULL "
            "AND d.status IN ('resolved', 'returned', 'withdrawn', 'stopped')",
            {
                "resolved": _flag(resolved),
                "resolved_early": _flag(f"{resolved} AND d.timeliness = 'early'"),
                "resolved_on_time": _flag(f"{resolved} AND d.timeliness = 'on_time'"),
                "resolved_overdue": _flag(f"{resolved} AND d.timeliness = 'overdue'"),
                "resolved_extended": _flag(
                    f"{resolved} AND EXISTS (SELECT 1 FROM dossiers_extension e WHERE e.dossier_id = d.id)"
                ),
                "results_signed": _flag(
                    f"{resolved} AND EXISTS (SELECT 1 FROM records_result r "
                    "WHERE r.dossier_id = d.id AND r.signed_at IS NOT NULL)"
                ),
                "withdrawn": _flag("d.status = 'withdrawn'"),
                "stopped": _flag("d.status = 'stopped'"),
            },
        ),
        part(
            "rt.created_at",
            "1 = 1",
            {"rated": "1", "satisfied": _flag("rt.score >= 4"), "score_sum": "rt.score"},
            source="JOIN dossiers_rating rt ON rt.dossier_id = d.id",
        ),
    ]
    sums = ", ".join(f"sum({c})" for c in FACT_COUNTERS)
    return (
        f"INSERT INTO reports_dailyfact (day, agency_id, sector_id, {', '.join(FACT_COUNTERS)}) "
        f"SELECT day, agency_id, sector_id, {sums} FROM ({' UNION ALL '.join(parts)}) events "
        "GROUP BY day, agency_id, sector_id"
    )


def monthly_select() -> str:
    month = "date_trunc('month', day)::date" if connection.vendor == "postgresql" else "date(day, 'start of month')"
    sums = ", ".join(f"sum({c})" for c in FACT_COUNTERS)
    return f"SELECT {month}, agency_id, sector_id, {sums} FROM reports_dailyfact GROUP BY 1, agency_id, sector_id"


def monthly_sql() -> str:
    return f"INSERT INTO reports_monthlyfact (day, agency_id, sector_id, {', '.join(FACT_COUNTERS)}) {monthly_select()}"


def monthly_differences() -> list[str]:
    """Monthly facts that are not the sum of their days (each month is read whole from them)."""
    with connection.cursor() as cursor:
        cursor.execute(monthly_select())
        days = {(str(r[0])[:10], r[1], r[2]): tuple(int(v) for v in r[3:]) for r in cursor.fetchall()}
    months = {
        (str(r[0])[:10], r[1], r[2]): tuple(int(v) for v in r[3:])
        for r in MonthlyFact.objects.values_list("day", "agency_id", "sector_id", *FACT_COUNTERS)
    }
    return [
        f"month {key[0][:7]} agency={key[1]} sector={key[2]}: monthly facts differ from the sum of their days"
        for key in sorted(set(days) | set(months))
        if days.get(key) != months.get(key)
    ]


def payment_sql() -> str:
    """One INSERT … SELECT: every payment request of a received dossier, its agency and sector, and the
    first moment an online payment of it was paid (the conditions of `selectors.count_q`'s paid_online)."""
    return (
        "INSERT INTO reports_paymentfact (request_id, dossier_id, agency_id, sector_id, requested_at, paid_online_at) "
        "SELECT r.id, d.id, d.agency_id, p.sector_id, r.requested_at, "
        "(SELECT min(x.paid_at) FROM payments_payment x WHERE x.request_id = r.id "
        "AND x.method = 'online' AND x.status = 'paid') "
        "FROM payments_paymentrequest r JOIN dossiers_dossier d ON d.id = r.dossier_id "
        "JOIN catalog_procedure p ON p.id = d.procedure_id WHERE d.received_at IS NOT NULL"
    )


def facts_rebuild(*, clock: Clock = system_clock) -> int:
    """Replace every fact (daily, monthly sums of them, payment rows) by a fresh computation from the raw
    tables, in one transaction, and record the rebuild; returns the daily rows."""
    started, built_at = time.perf_counter(), clock.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("reports_monthlyfact", "reports_dailyfact", "reports_paymentfact"):
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(rebuild_sql())
        rows = cursor.rowcount
        cursor.execute(monthly_sql())
        cursor.execute(payment_sql())
        payment_rows = cursor.rowcount
        if connection.vendor == "postgresql":
            for table in ("reports_dailyfact", "reports_monthlyfact", "reports_paymentfact"):
                cursor.execute(f"ANALYZE {table}")
        FactBuild.objects.create(
            built_at=built_at,
            daily_rows=rows,
            payment_rows=payment_rows,
            seconds=round(time.perf_counter() - started, 3),
        )
        return rows


def facts_cover(period: Period, now: datetime) -> datetime | None:
    """When facts may answer for `period` (it is over at `now` and ended before the newest rebuild), the
    moment they hold, which pages show beside the figures; None when the period must be read raw."""
    if period.as_of(now) < period.hi:
        return None
    built_at = FactBuild.objects.order_by("-built_at").values_list("built_at", flat=True).first()
    return built_at if built_at is not None and period.hi <= built_at else None


# --- reading ----------------------------------------------------------------------------------------------------


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _spans(first: date, last: date) -> dict[str, tuple[Q, Q]]:
    """For each sum the read needs, which days it covers: (condition on MonthlyFact, on DailyFact).

    Whole months come from the monthly rows, the ragged ends of the span from the daily rows."""
    nothing = Q(pk__in=[])
    m_lo = first if first.day == 1 else _next_month(first)  # the whole months inside [first, last]
    m_hi = _first_of_month(last + timedelta(days=1))
    if m_lo < m_hi:
        inside = (Q(day__gte=m_lo, day__lt=m_hi), Q(day__gte=first, day__lt=m_lo) | Q(day__gte=m_hi, day__lte=last))
    else:
        inside = (nothing, Q(day__gte=first, day__lte=last))
    before = (Q(day__lt=_first_of_month(first)), Q(day__gte=_first_of_month(first), day__lt=first))
    upto = (Q(day__lt=m_hi), Q(day__gte=m_hi, day__lte=last))
    return {"in": inside, "before": before, "upto": upto}


SUMS = {
    "in": FACT_COUNTERS,
    "before": ("received", "closed"),
    "upto": ("received", "closed", "overdue_from", "overdue_until"),
}


def _fact_sums(*, period: Period, scope: Scope, group_by: str) -> dict[Any, dict[str, int]]:
    """Per group, `<span>_<counter>` sums over the monthly and daily facts (see `_spans`)."""
    spans = _spans(period.start, period.end)
    field = FACT_GROUPS[group_by]
    totals: dict[Any, dict[str, int]] = {}
    models: tuple[type[MonthlyFact] | type[DailyFact], ...] = (MonthlyFact, DailyFact)
    for index, model in enumerate(models):
        sums = {f"{span}_{c}": Sum(c, filter=spans[span][index]) for span, cs in SUMS.items() for c in cs}
        covered = spans["in"][index] | spans["before"][index] | spans["upto"][index]
        rows = model.objects.filter(scope.q(sector="sector_id") & covered).order_by().values(field).annotate(**sums)
        for row in rows:
            into = totals.setdefault(row[field], dict.fromkeys(sums, 0))
            for key in sums:
                into[key] += int(row[key] or 0)
    return totals


def fact_counts(*, period: Period, scope: Scope, group_by: str = "agency") -> dict[Any, dict[str, int]]:
    """The same mapping as `selectors.indicator_counts` for a period that is over, read from the facts."""
    result: dict[Any, dict[str, int]] = {}
    for group, n in _fact_sums(period=period, scope=scope, group_by=group_by).items():
        c = zero_counts()
        for counter in FACT_COUNTERS:
            if counter in c:
                c[counter] = n[f"in_{counter}"]
        c["received_new"] = n["in_received"]
        c["carried_over"] = n["before_received"] - n["before_closed"]
        c["handled"] = n["upto_received"] - n["before_closed"]
        c["resolved_in_time"] = c["resolved_early"] + c["resolved_on_time"]
        c["not_online_received"] = c["received_new"] - c["received_online"]
        c["open_end"] = n["upto_received"] - n["upto_closed"]
        c["open_end_overdue"] = n["upto_overdue_from"] - n["upto_overdue_until"]
        c["open_end_on_time"] = c["open_end"] - c["open_end_overdue"]
        result[group] = c
    for group, counts in _payment_counts(period=period, scope=scope, group_by=group_by).items():
        result.setdefault(group, zero_counts()).update(counts)
    return result


def _payment_counts(*, period: Period, scope: Scope, group_by: str) -> dict[Any, dict[str, int]]:
    """Dossiers with a payment request in the period, and those of them paid online before its end."""
    field = FACT_GROUPS[group_by]
    rows = (
        PaymentFact.objects.filter(scope.q(sector="sector_id"), requested_at__gte=period.lo, requested_at__lt=period.hi)
        .order_by()
        .values(field)
        .annotate(
            fee_dossiers=Count("dossier_id", distinct=True),
            paid_online=Count("dossier_id", distinct=True, filter=Q(paid_online_at__lt=period.hi)),
        )
    )
    return {r[field]: {"fee_dossiers": r["fee_dossiers"], "paid_online": r["paid_online"]} for r in rows}


# --- reconciling ------------------------------------------------------------------------------------------------


def nonzero(groups: dict[Any, dict[str, int]]) -> dict[Any, dict[str, int]]:
    """Groups with at least one non-zero count (the raw read also lists groups that only touch a period)."""
    return {g: c for g, c in groups.items() if any(c.get(k) for k in COUNT_KEYS)}


def reconcile(*, periods: list[Period], now: datetime) -> list[str]:
    """Every difference between facts and raw counts, per period and agency; empty when they agree."""
    from .selectors import _raw_counts

    differences = monthly_differences()
    for period in periods:
        raw = nonzero(_raw_counts(period=period, scope=Scope(), group_by="agency", now=now))
        facts = nonzero(fact_counts(period=period, scope=Scope(), group_by="agency"))
        for agency_id in sorted(set(raw) | set(facts), key=str):
            r, f = raw.get(agency_id, zero_counts()), facts.get(agency_id, zero_counts())
            for key in COUNT_KEYS:
                if r[key] != f[key]:
                    differences.append(f"{period.label} agency={agency_id} {key}: raw={r[key]} facts={f[key]}")
    return differences
