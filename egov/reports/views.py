"""Report pages: indicators by agency with drill-down, the QĐ 766 index, and the public page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import user_is_official
from egov.catalog.models import Sector
from egov.core.clock import system_clock
from egov.core.errors import PermissionDenied
from egov.core.web import allowed_only
from egov.org.models import Agency, Level

from . import index766, selectors
from .indicators import (
    COUNT_BY_KEY,
    FIGURES,
    PERIOD_KINDS,
    Period,
    Ratio,
    average_score,
    custom,
    period_containing,
    ratios,
    year,
)

official_required = allowed_only(user_is_official, gettext_lazy("Báo cáo dành cho cán bộ, công chức."))
PLAIN_COUNTS = ("received_new", "carried_over", "handled", "resolved", "open_end")


@dataclass(frozen=True)
class Filters:
    """What a report request asks for (`ky`, `tu`, `den`, `co_quan`, `linh_vuc`, `cap`, `xa`)."""

    period: Period
    agency_id: str
    sector_id: int | None
    level: str
    unit_id: int | None
    error: str = ""

    def query(self, **extra: Any) -> str:
        params = {
            "ky": self.period.kind,
            "tu": f"{self.period.start:%Y-%m-%d}",
            "den": f"{self.period.end:%Y-%m-%d}",
            "co_quan": self.agency_id,
            "linh_vuc": self.sector_id or "",
            "cap": self.level,
            "xa": self.unit_id or "",
        }
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _day(raw: str | None) -> date | None:
    """A date typed in a filter, within the years reports can be about (else None, like a typo)."""
    try:
        day = date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def _int(raw: str | None) -> int | None:
    """A key or a year from the query string: ASCII digits that fit a database integer, else None."""
    text = (raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) < 2**31 else None


def read_filters(params: Mapping[str, str], *, today: date, default_kind: str = "month") -> Filters:
    """The filters of a request; a bad period falls back to the period containing today, with a note."""
    kind = params.get("ky") or default_kind
    kind = kind if kind in PERIOD_KINDS else default_kind
    start, end, error = _day(params.get("tu")), _day(params.get("den")), ""
    if kind == "custom":
        if start is None or end is None or start > end:
            error = _("Khoảng thời gian không hợp lệ; đang hiển thị tháng này.")
            period = period_containing("month", today)
        else:
            period = custom(start, end)
    else:
        period = period_containing(kind, start or today)
    level = params.get("cap", "")
    return Filters(
        period=period,
        agency_id=(params.get("co_quan") or "").strip(),
        sector_id=_int(params.get("linh_vuc")),
        level=level if level in Level.values else "",
        unit_id=_int(params.get("xa")),
        error=error,
    )


def scope_for_request(request: HttpRequest, filters: Filters) -> selectors.Scope:
    """The scope the filters ask for, if the signed-in official may see it (else 403)."""
    try:
        return selectors.report_scope_for_user(
            request.user,
            agency_id=filters.agency_id,
            sector_id=filters.sector_id,
            level=filters.level,
            unit_id=filters.unit_id,
        )
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


@dataclass(frozen=True)
class Cell:
    """A figure in the table: numerator and denominator, each a link to its dossiers."""

    ratio: Ratio
    numerator_url: str
    denominator_url: str


def _row(counts: Mapping[str, int], filters: Filters, agency_id: str) -> dict[str, Any]:
    base = "?" + filters.query(co_quan=agency_id)

    def url(key: str) -> str:
        return f"/bao-cao/ho-so/{base}&chi_so={key}"

    rates = ratios(counts)
    return {
        "plain": [(counts[k], url(k)) for k in PLAIN_COUNTS],
        "cells": [Cell(rates[f.key], url(f.numerator), url(f.denominator)) for f in FIGURES],
        "average": average_score(counts),
    }


@official_required
def report(request: HttpRequest) -> HttpResponse:
    now = system_clock.now()
    filters = read_filters(request.GET, today=now.date())
    scope = scope_for_request(request, filters)
    allowed = selectors.report_agencies(request.user)
    groups = selectors.indicator_counts(period=filters.period, scope=scope, now=now, group_by="agency")
    names = {a.pk: a for a in allowed}
    # Counts roll up onto an agency's successor, which may not be among the official's agencies: keep theirs only.
    mine = [(pk, counts) for pk, counts in groups.items() if pk in names]
    rows = [
        {"agency": names[pk], **_row(counts, filters, str(pk))}
        for pk, counts in sorted(mine, key=lambda item: (names[item[0]].level, names[item[0]].name_folded))
    ]
    total = _row(selectors.province_counts(groups), filters, filters.agency_id)
    context = {
        "filters": filters,
        "rows": rows,
        "total": total,
        "figures": FIGURES,
        "plain_labels": [COUNT_BY_KEY[k].label for k in PLAIN_COUNTS],
        "agencies": allowed,
        "sees_all": selectors.report_sees_all(request.user),
        "sectors": Sector.objects.order_by("name_folded"),
        "levels": Level.choices,
        "kinds": period_kinds(),
        "snapshot": selectors.indicator_snapshot(period=filters.period, now=now),
    }
    return render(request, "reports/report.html", context)


def period_kinds() -> list[tuple[str, str]]:
    """The period kinds offered by the filters."""
    return [("month", _("Tháng")), ("quarter", _("Quý")), ("year", _("Năm")), ("custom", _("Từ ngày – đến ngày"))]


@official_required
def drilldown(request: HttpRequest) -> HttpResponse:
    now = system_clock.now()
    filters = read_filters(request.GET, today=now.date())
    key = request.GET.get("chi_so", "")
    if key not in COUNT_BY_KEY or not COUNT_BY_KEY[key].listable:
        raise Http404(_("Không có chỉ số này."))
    scope = scope_for_request(request, filters)
    qs = selectors.indicator_dossiers(key=key, period=filters.period, scope=scope, now=now)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "label": COUNT_BY_KEY[key].label,
        "key": key,
        "page": page,
        "back": "?" + filters.query(),
        "paging": filters.query(chi_so=key),
    }
    return render(request, "reports/drilldown.html", context)


@official_required
def index766_page(request: HttpRequest) -> HttpResponse:
    now = system_clock.now()
    filters = read_filters(request.GET, today=now.date(), default_kind="year")
    scope = scope_for_request(request, filters)
    allowed = selectors.report_agencies(request.user)
    groups = selectors.indicator_counts(period=filters.period, scope=scope, now=now, group_by="agency")
    catalog, province_catalog = selectors.catalog_counts(allowed)
    rows = [
        {"agency": a, "index": index766.score({**groups[a.pk], **catalog[a.pk]})} for a in allowed if a.pk in groups
    ]
    context = {
        "filters": filters,
        "rows": rows,
        "groups": index766.GROUPS,
        "components": index766.components(),
        "version": index766.settings.REPORTS_766_VERSION,
        "sees_all": selectors.report_sees_all(request.user),
        "agencies": allowed,
        "kinds": period_kinds(),
    }
    if selectors.report_sees_all(request.user) and not filters.agency_id:
        context["province"] = index766.score({**selectors.province_counts(groups), **province_catalog})
    return render(request, "reports/index766.html", context)


def public(request: HttpRequest) -> HttpResponse:
    """Each agency's on-time rate and satisfaction this year (or the year asked for), for citizens."""
    now = system_clock.now()
    chosen = _int(request.GET.get("nam")) or now.year
    chosen = chosen if 2000 <= chosen <= now.year else now.year
    period = year(chosen)
    groups = selectors.indicator_counts(period=period, scope=selectors.Scope(), now=now, group_by="agency")
    agencies = Agency.objects.filter(pk__in=list(groups)).order_by("level", "name_folded")
    rows = []
    for agency in agencies:
        rates = ratios(groups[agency.pk])
        rows.append(
            {
                "agency": agency,
                "on_time": rates["on_time_rate"],
                "satisfaction": rates["satisfaction_rate"],
                "average": average_score(groups[agency.pk]),
            }
        )
    total = ratios(selectors.province_counts(groups))
    context = {"rows": rows, "period": period, "years": range(now.year, now.year - 5, -1), "total": total}
    return render(request, "reports/public.html", context)
