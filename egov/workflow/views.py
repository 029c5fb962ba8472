"""Officials' work pages: my queue (most urgent first, marked in time / due soon / late), a dossier's steps."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.accounts.models import Role, User
from egov.accounts.selectors import user_agencies
from egov.core.calendar import grade_open
from egov.core.clock import ensure_aware, system_clock
from egov.core.errors import NotFound
from egov.core.selectors import working_calendar
from egov.core.web import allowed_only, run_action
from egov.dossiers import selectors as dossier_selectors
from egov.dossiers import services as dossier_services
from egov.dossiers.slips import render_html
from egov.records import selectors as records_selectors

from . import selectors, services

official_required = allowed_only(
    lambda user: bool(user_agencies(user)), gettext_lazy("Trang này dành cho cán bộ, công chức.")
)
LABELS = {
    "in_time": gettext_lazy("Trong hạn"),
    "due_soon": gettext_lazy("Sắp đến hạn"),
    "overdue": gettext_lazy("Quá hạn"),
}


@official_required
def queue(request: HttpRequest) -> HttpResponse:
    cal, now = working_calendar(), system_clock.now()
    soon = timedelta(hours=settings.DUE_SOON_HOURS)
    page = Paginator(selectors.step_queue(request.user), 25).get_page(request.GET.get("page"))
    rows = []
    for run in page.object_list:
        state = grade_open(now, run.due_at, cal, soon).value
        rows.append({"run": run, "state": state, "label": LABELS[state]})
    return render(request, "workflow/queue.html", {"page": page, "rows": rows})


def _dossier(request: HttpRequest, code: str) -> Any:
    try:
        return dossier_selectors.dossier_get_for_user(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@official_required
def steps(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(request, code)
    run = selectors.open_step(dossier)
    specialists = User.objects.none()
    if run is not None and run.agency is not None:
        specialists = User.objects.filter(roles__agency=run.agency, roles__role=Role.SPECIALIST, is_active=True)
    return render(
        request,
        "workflow/steps.html",
        {
            "dossier": dossier,
            "run": run,
            "slip": selectors.control_slip(dossier),
            "specialists": specialists,
            "result": records_selectors.result_for_dossier(dossier),
        },
    )


def _act(request: HttpRequest, code: str, action: Any, done: str) -> HttpResponse:
    """Run `action(dossier)` for a button on the dossier's steps page, then back to that page."""
    dossier = _dossier(request, code)
    run_action(request, lambda: action(dossier), done)
    return redirect("workflow:steps", code=code)


@official_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_start_processing(actor=request.user, dossier=d),
        _("Đã chuyển hồ sơ vào xử lý."),
    )


@official_required
@require_POST
def complete(request: HttpRequest, code: str) -> HttpResponse:
    note = request.POST.get("note", "")
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_step_complete(actor=request.user, dossier=d, note=note),
        _("Đã hoàn thành bước và chuyển bước tiếp theo."),
    )


@official_required
@require_POST
def result_prepare(request: HttpRequest, code: str) -> HttpResponse:
    """Attach the result draft: an uploaded PDF, or the decision text made into the standard letter."""
    upload, text = request.FILES.get("result_file"), request.POST.get("result_text", "")
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_result_prepare(actor=request.user, dossier=d, upload=upload, text=text),
        _("Đã lưu dự thảo kết quả; lãnh đạo ký số khi hoàn thành bước phê duyệt."),
    )


@official_required
def result_draft_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The result as it stands: the signed PDF once signed, else the draft."""
    dossier = _dossier(request, code)
    result = records_selectors.result_for_dossier(dossier)
    if result is None:
        raise Http404(_("Hồ sơ chưa có dự thảo kết quả."))
    kept = result.file if result.is_signed else result.draft_file
    with kept.open("rb") as f:
        response = HttpResponse(f.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ket-qua-{dossier.code}.pdf"'
    return response


@official_required
@require_POST
def send_back(request: HttpRequest, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_step_return(actor=request.user, dossier=d, reason=reason),
        _("Đã trả hồ sơ về bước trước."),
    )


@official_required
@require_POST
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    items = request.POST.get("items", "").splitlines()
    reason = request.POST.get("reason_for_another", "")
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_request_supplement(
            actor=request.user, dossier=d, items=items, reason_for_another=reason
        ),
        _("Đã yêu cầu bổ sung; thời hạn tạm dừng đến khi công dân bổ sung."),
    )


@official_required
@require_POST
def stop(request: HttpRequest, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_stop(actor=request.user, dossier=d, reason=reason),
        _("Đã dừng giải quyết hồ sơ; thông báo đã được lập."),
    )


@official_required
@require_POST
def extend(request: HttpRequest, code: str) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        new_due = ensure_aware(datetime.strptime(request.POST.get("new_due", ""), "%Y-%m-%dT%H:%M"))
    except ValueError:
        messages.error(request, _("Ngày giờ hẹn lại không hợp lệ."))
        return redirect("workflow:steps", code=code)
    return _act(
        request,
        code,
        lambda d: dossier_services.dossier_extend(actor=request.user, dossier=d, new_due_at=new_due, reason=reason),
        _("Đã lập phiếu xin lỗi và hẹn lại ngày trả kết quả."),
    )


@official_required
@require_POST
def assign(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier(request, code)
    run = selectors.open_step(dossier)
    assignee = User.objects.filter(pk=request.POST.get("assignee") or 0).first()
    if run is None or assignee is None:
        raise Http404(_("Không có bước hoặc người được giao."))
    run_action(
        request, lambda: services.step_assign(actor=request.user, run=run, assignee=assignee), _("Đã phân công.")
    )
    return redirect("workflow:steps", code=code)


@official_required
def control_slip_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """The control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ) as a printable A4 PDF."""
    dossier = _dossier(request, code)
    parent = dossier.agency.parent.name if dossier.agency.parent_id else ""
    html = render_to_string(
        "workflow/control_slip_pdf.html",
        {
            "dossier": dossier,
            "slip": selectors.control_slip(dossier),
            "parent": parent,
        },
    )
    response = HttpResponse(render_html(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="phieu-kiem-soat-{dossier.code}.pdf"'
    return response
