"""Public portal pages: home, search and browse, the printable procedure page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from egov.core.errors import NotFound
from egov.org.models import Level

from . import selectors
from .models import OnlineLevel, Procedure

PAGE_SIZE = 20


def home(request: HttpRequest) -> HttpResponse:
    sectors = selectors.sector_list_with_counts()
    return render(
        request,
        "catalog/home.html",
        {
            "sectors": sectors,
            "levels": selectors.level_counts(),
            "total": sum(s.published for s in sectors),  # type: ignore[attr-defined]
        },
    )


def procedure_list(request: HttpRequest) -> HttpResponse:
    """Search results and every browse view (by sector, agency, level) are this one filtered list."""
    params = {key: request.GET.get(key, "").strip() for key in ("q", "sector", "agency", "level", "online_level")}
    if params["level"] and params["level"] not in Level.values:
        params["level"] = ""
    if params["online_level"] and params["online_level"] not in OnlineLevel.values:
        params["online_level"] = ""
    qs = selectors.procedure_list_published(
        query=params["q"],
        sector=params["sector"],
        agency=params["agency"],
        level=params["level"],
        online_level=params["online_level"],
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "params": params,
        "sectors": selectors.sector_list_with_counts(),
        "agencies": selectors.agency_list_with_counts(),
        "levels": Level.choices,
        "online_levels": OnlineLevel.choices,
        "query_string": "&".join(f"{k}={v}" for k, v in params.items() if v),
        "heading": _heading(params),
    }
    template = "catalog/_results.html" if request.htmx else "catalog/procedure_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _heading(params: dict[str, str]) -> str:
    if params["q"]:
        return _("Kết quả tìm kiếm cho “%(q)s”") % {"q": params["q"]}
    if params["sector"]:
        sector = next((s for s in selectors.sector_list_with_counts() if s.slug == params["sector"]), None)
        if sector:
            return _("Lĩnh vực: %(name)s") % {"name": sector.name}
    if params["agency"]:
        agency = next((a for a in selectors.agency_list_with_counts() if a.slug == params["agency"]), None)
        if agency:
            return _("Cơ quan: %(name)s") % {"name": agency.name}
    if params["level"]:
        return str(dict(Level.choices)[params["level"]])
    return _("Danh mục thủ tục hành chính")


def sector_list(request: HttpRequest) -> HttpResponse:
    return render(request, "catalog/sector_list.html", {"sectors": selectors.sector_list_with_counts()})


def agency_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalog/agency_list.html",
        {
            "agencies": selectors.agency_list_with_counts(),
            "levels": selectors.level_counts(),
        },
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        procedure: Procedure = selectors.procedure_get_published(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "catalog/procedure_detail.html", {"p": procedure})
