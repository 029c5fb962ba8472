"""The operations-centre dashboard pages: the full page and the fragment htmx swaps in on an interval."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from egov.accounts.selectors import user_is_official
from egov.core.clock import system_clock
from egov.core.errors import PermissionDenied
from egov.core.web import allowed_only

from . import ioc, selectors

official_required = allowed_only(user_is_official, gettext_lazy("Báo cáo dành cho cán bộ, công chức."))


def _context(request: HttpRequest) -> dict[str, object]:
    agency_id = (request.GET.get("co_quan") or "").strip()
    try:
        scope = selectors.report_scope_for_user(request.user, agency_id=agency_id)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc
    agencies = selectors.report_agencies(request.user)
    context = ioc.dashboard(scope=scope, agencies=agencies, now=system_clock.now())
    context.update(
        {
            "agency_id": agency_id,
            "agencies": agencies,
            "sees_all": selectors.report_sees_all(request.user),
            "refresh": int(getattr(settings, "REPORTS_IOC_REFRESH_SECONDS", 60)),
        }
    )
    return context


@official_required
def ioc_page(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/ioc.html", _context(request))


@official_required
def ioc_live(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/_ioc_live.html", _context(request))
