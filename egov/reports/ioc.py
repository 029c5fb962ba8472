"""The operations-centre dashboard (IOC): live KPIs, 12-month and weekly trends, agencies ranked by on-time rate.

Every figure here is read through `selectors.indicator_counts` and turned into rates by `indicators.ratios`:
nothing is counted another way, so each number on the wall equals the one in /bao-cao/ for the same period.
Queries: one per period (this month, 11 earlier months, the weeks of this month so far, the ranking window).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from egov.org.models import Agency

from . import selectors
from .indicators import Period, Ratio, average_score, custom, group_digits, month, ratios

MONTHS = 12
RANKING_LIMIT_CHART = 15


@dataclass(frozen=True)
class Kpi:
    """One tile: a plain count or a rate kept with its terms."""

    key: str
    label: str | Promise
    value: str
    ratio: Ratio | None = None
    note: str = ""
    alert: bool = False
    year: str = ""


@dataclass(frozen=True)
class Ranked:
    agency: Agency
    on_time: Ratio
    overdue_open: int


def _months_back(today: date, count: int) -> list[Period]:
    """The `count` calendar months ending with the one containing `today`, oldest first."""
    periods = []
    y, m = today.year, today.month
    for _i in range(count):
        periods.append(month(y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(periods))


def _weeks_so_far(current: Period, today: date) -> list[Period]:
    """Monday–Sunday weeks of the current month up to today, clipped to the month."""
    weeks, start = [], current.start
    while start <= today:
        end = min(start + timedelta(days=6 - start.weekday()), current.end, today)
        weeks.append(custom(start, end))
        start = end + timedelta(days=1)
    return weeks


def short_name(agency: Agency) -> str:
    """For chart labels: "Ủy ban nhân dân Phường 2 Bảo Lộc" → "UBND Phường 2 Bảo Lộc"."""
    return agency.name.replace("Ủy ban nhân dân", "UBND")


def _pct(r: Ratio) -> float | None:
    pct = r.percent
    return None if pct is None else float(pct)


def _total(scope: selectors.Scope, period: Period, now: datetime) -> dict[str, int]:
    return selectors.province_counts(selectors.indicator_counts(period=period, scope=scope, now=now))


def kpis(counts: Mapping[str, int], year_counts: Mapping[str, int], year_label: str) -> list[Kpi]:
    """The tiles for this month, each with the same figure from 1 January to now underneath."""
    rates, yearly = ratios(counts), ratios(year_counts)

    def ytd(key: str) -> str:
        value = str(yearly[key]) if key in yearly else group_digits(int(year_counts[key]))
        return str(_("Năm %(year)s: %(value)s")) % {"year": year_label, "value": value}

    average: Decimal | None = average_score(counts)
    overdue = int(counts["open_end_overdue"])
    return [
        Kpi("received", _("Tiếp nhận trong tháng"), group_digits(counts["received_new"]), year=ytd("received_new")),
        Kpi("resolved", _("Đã giải quyết trong tháng"), group_digits(counts["resolved"]), year=ytd("resolved")),
        Kpi("on_time", _("Đúng hạn (trước hạn và đúng hạn)"), "", rates["on_time_rate"], year=ytd("on_time_rate")),
        Kpi(
            "overdue_open",
            _("Đang giải quyết quá hạn (hiện tại)"),
            group_digits(overdue),
            note=str(_("trên %(n)s hồ sơ đang giải quyết")) % {"n": group_digits(counts["open_end"])},
            alert=overdue > 0,
        ),
        Kpi("online", _("Tiếp nhận trực tuyến"), "", rates["online_rate"], year=ytd("online_rate")),
        Kpi("paid_online", _("Thanh toán trực tuyến"), "", rates["paid_online_rate"], year=ytd("paid_online_rate")),
        Kpi(
            "satisfaction",
            _("Hài lòng (mức 4–5)"),
            "",
            rates["satisfaction_rate"],
            note=(str(_("điểm trung bình %(avg)s/5")) % {"avg": str(average).replace(".", ",")}) if average else "",
            year=ytd("satisfaction_rate"),
        ),
    ]


def dashboard(*, scope: selectors.Scope, agencies: list[Agency], now: datetime) -> dict[str, Any]:
    """Everything the IOC shows for `scope` at `now`: tiles for this month, trends, the ranking, chart data."""
    today = now.date()
    months = _months_back(today, MONTHS)
    current = months[-1]
    by_month = [_total(scope, p, now) for p in months]
    weeks = _weeks_so_far(current, today)
    by_week = [_total(scope, p, now) for p in weeks]

    window = custom(months[0].start, today)
    groups = selectors.indicator_counts(period=window, scope=scope, now=now)
    names = {a.pk: a for a in agencies}
    ranked = [
        Ranked(names[pk], ratios(c)["on_time_rate"], int(c["open_end_overdue"]))
        for pk, c in groups.items()
        if pk in names and c["resolved"]
    ]
    ranked.sort(key=lambda r: (-r.on_time.fraction, -r.on_time.denominator, r.agency.name_folded))

    top = ranked[:RANKING_LIMIT_CHART]
    trend_rows: list[dict[str, Any]] = [
        {
            "period": p,
            "received": c["received_new"],
            "resolved": c["resolved"],
            "on_time": ratios(c)["on_time_rate"],
        }
        for p, c in zip(months, by_month, strict=True)
    ]
    week_rows: list[dict[str, Any]] = [
        {"period": p, "received": c["received_new"], "resolved": c["resolved"], "on_time": ratios(c)["on_time_rate"]}
        for p, c in zip(weeks, by_week, strict=True)
    ]
    chart = {
        "months": {
            "labels": [p.label for p in months],
            "received": [r["received"] for r in trend_rows],
            "resolved": [r["resolved"] for r in trend_rows],
            "on_time": [_pct(r["on_time"]) for r in trend_rows],
        },
        "weeks": {
            "labels": [f"{p.start:%d/%m}–{p.end:%d/%m}" for p in weeks],
            "received": [r["received"] for r in week_rows],
            "resolved": [r["resolved"] for r in week_rows],
        },
        "ranking": {
            "labels": [f"{short_name(r.agency)} ({r.on_time.numerator}/{r.on_time.denominator})" for r in top],
            "on_time": [_pct(r.on_time) for r in top],
            "terms": [f"{r.on_time.numerator}/{r.on_time.denominator}" for r in top],
        },
        "text": {
            "received": str(_("Tiếp nhận")),
            "resolved": str(_("Đã giải quyết")),
            "on_time": str(_("Tỷ lệ đúng hạn (%)")),
        },
    }
    return {
        "current": current,
        "window": window,
        "kpis": kpis(by_month[-1], _total(scope, custom(date(today.year, 1, 1), today), now), str(today.year)),
        "trend": trend_rows,
        "weeks": week_rows,
        "ranking": ranked,
        "chart": chart,
        "now": now,
    }
