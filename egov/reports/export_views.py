"""Downloads of the periodic report (Excel, PDF) and the national report page, with the report page's rules."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.core.clock import system_clock
from egov.core.errors import DomainError

from . import exports, selectors
from .models import NationalSubmission
from .services import national_may_send, national_report_send
from .views import Filters, official_required, period_kinds, read_filters, scope_for_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(request: HttpRequest) -> exports.PeriodicReport:
    now = system_clock.now()
    filters = read_filters(request.GET, today=now.date())
    scope = scope_for_request(request, filters)  # refuses an agency the user may not read
    allowed = selectors.report_agencies(request.user)
    agency = next((a for a in allowed if str(a.pk) == filters.agency_id), None)
    subject = exports.report_subject(allowed, agency=agency, sees_all=selectors.report_sees_all(request.user))
    return exports.periodic_report(period=filters.period, scope=scope, now=now, subject=subject, agency=agency)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@official_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    return _download(exports.report_xlsx(report), XLSX, exports.export_filename(report, "xlsx"))


@official_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    report = _report(request)
    return _download(exports.report_pdf(report), "application/pdf", exports.export_filename(report, "pdf"))


@official_required
@require_http_methods(["GET", "POST"])
def national_page(request: HttpRequest) -> HttpResponse:
    """The submissions of the agencies the user may read; a form to send one agency's report for a period."""
    now = system_clock.now()
    params = request.POST if request.method == "POST" else request.GET
    # By default the last month that is over: the current one cannot be sent yet.
    last_month = now.date().replace(day=1) - timedelta(days=1)
    filters: Filters = read_filters(params, today=last_month if not params.get("tu") else now.date())
    allowed = selectors.report_agencies(request.user)
    senders = [a for a in allowed if national_may_send(request.user, a)]
    sees_all = selectors.report_sees_all(request.user)
    if request.method == "POST":
        agency = next((a for a in senders if str(a.pk) == filters.agency_id), None)
        province = not filters.agency_id and sees_all
        if agency is None and not province:
            raise DjangoPermissionDenied(_("Bạn không gửi được báo cáo của cơ quan này."))
        try:
            sent = national_report_send(
                actor=request.user, agency=agency, period=filters.period, reason=request.POST.get("ly_do", "")
            )
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
        else:
            if sent.status == NationalSubmission.Status.REJECTED:
                messages.error(
                    request,
                    _("Hệ thống báo cáo quốc gia từ chối báo cáo: %(reasons)s") % {"reasons": " ".join(sent.errors)},
                )
            elif sent.received_at < now:  # an earlier accepted sending, returned as is
                messages.info(
                    request,
                    _("Báo cáo kỳ này đã được tiếp nhận (mã %(ref)s); muốn gửi lại, hãy ghi lý do.")
                    % {"ref": sent.reference},
                )
            else:
                messages.success(request, _("Đã gửi báo cáo, mã tiếp nhận %(ref)s.") % {"ref": sent.reference})
        return redirect(f"{request.path}?{filters.query()}")
    submissions = (
        NationalSubmission.objects.filter(
            Q(agency__in=allowed) | Q(agency__isnull=True) if sees_all else Q(agency__in=allowed)
        )
        .select_related("agency", "sent_by")
        .order_by("-id")[:200]
    )
    context = {
        "filters": filters,
        "agencies": allowed,
        "senders": senders,
        "sees_all": sees_all,
        "submissions": submissions,
        "kinds": period_kinds(),
        "statuses": NationalSubmission.Status,
    }
    return render(request, "reports/exports/national.html", context)


urlpatterns = [
    path("bao-cao/tai-excel/", export_xlsx, name="export_xlsx"),
    path("bao-cao/tai-pdf/", export_pdf, name="export_pdf"),
    path("bao-cao/bao-cao-quoc-gia/", national_page, name="national"),
]
