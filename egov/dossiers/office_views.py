"""The one-stop desk: the reception queue, a dossier's check, accept / supplement / refuse, walk-in and postal entry."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.accounts.selectors import user_agencies
from egov.catalog.models import Procedure, ProcedureStatus
from egov.core.clock import system_clock
from egov.core.errors import DomainError, NotFound
from egov.core.selectors import working_calendar
from egov.core.web import allowed_only, run_action

from . import selectors, services
from .forms import DeskRegisterForm, RefuseForm, SupplementRequestForm
from .models import Status
from .register import register_agencies, register_dossiers, register_lines, register_query, register_workbook
from .services import DESK_ROLES, Applicant, Attachment, user_at_desk

desk_required = allowed_only(
    lambda user: bool(user_agencies(user)), gettext_lazy("Trang này dành cho cán bộ Bộ phận Một cửa.")
)


@desk_required
def queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", Status.NEW)
    status = status if status in Status.values or status == "all" else Status.NEW
    query = request.GET.get("q", "")
    qs = selectors.dossier_queue(request.user, status="" if status == "all" else status, query=query)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "dossiers/office/queue.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "statuses": Status.choices,
        },
    )


def _get(request: HttpRequest, code: str) -> Any:
    try:
        return selectors.dossier_get_for_user(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@desk_required
def check(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _get(request, code)
    return render(
        request,
        "dossiers/office/check.html",
        {
            "dossier": dossier,
            "timeline": dossier.timeline.all(),
            "documents": dossier.documents.all(),
            "slips": dossier.slips.all(),
            "supplement_form": SupplementRequestForm(),
            "refuse_form": RefuseForm(),
            "can_decide": dossier.status == Status.NEW and user_at_desk(request.user, dossier.agency),
        },
    )


def _decide(request: HttpRequest, code: str, action: Callable[[Any], object], done: str) -> HttpResponse:
    dossier = _get(request, code)
    run_action(request, lambda: action(dossier), done)
    return redirect("dossiers_office:check", code=code)


@desk_required
@require_POST
def accept(request: HttpRequest, code: str) -> HttpResponse:
    return _decide(
        request,
        code,
        lambda d: services.dossier_accept(actor=request.user, dossier=d),
        _("Đã tiếp nhận hồ sơ; giấy tiếp nhận và hẹn trả đã được lập."),
    )


@desk_required
@require_POST
def request_supplement(request: HttpRequest, code: str) -> HttpResponse:
    form = SupplementRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần liệt kê từng giấy tờ còn thiếu hoặc cần sửa."))
        return redirect("dossiers_office:check", code=code)
    data = form.cleaned_data
    return _decide(
        request,
        code,
        lambda d: services.dossier_request_supplement(
            actor=request.user,
            dossier=d,
            items=data["items"].splitlines(),
            note=data["note"],
            reason_for_another=data["reason_for_another"],
        ),
        _("Đã gửi yêu cầu bổ sung, hoàn thiện hồ sơ."),
    )


@desk_required
@require_POST
def refuse(request: HttpRequest, code: str) -> HttpResponse:
    form = RefuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi rõ lý do từ chối."))
        return redirect("dossiers_office:check", code=code)
    reason = form.cleaned_data["reason"]
    return _decide(
        request,
        code,
        lambda d: services.dossier_refuse(actor=request.user, dossier=d, reason=reason),
        _("Đã từ chối tiếp nhận hồ sơ."),
    )


@desk_required
def register(request: HttpRequest) -> HttpResponse:
    """A walk-in applicant, or a dossier that came by post."""
    desks = user_agencies(request.user, DESK_ROLES)
    if not desks:
        raise DjangoPermissionDenied(_("Chỉ cán bộ tiếp nhận nhập được hồ sơ."))
    agency = desks[0]
    level_filter = {"at_commune": True} if agency.level == "commune" else {"at_province": True}
    procedures = Procedure.objects.filter(status=ProcedureStatus.PUBLISHED, **level_filter).order_by("name_folded")
    form = DeskRegisterForm(request.POST or None, request.FILES or None, procedures=procedures)
    error = ""
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        applicant = Applicant(
            name=d["applicant_name"],
            phone=d["applicant_phone"],
            personal_id=d["applicant_personal_id"],
            email=d["applicant_email"],
            address=d["applicant_address"],
            proxy_name=d["proxy_name"],
            proxy_phone=d["proxy_phone"],
        )
        try:
            dossier = services.dossier_register_at_desk(
                actor=request.user,
                procedure=d["procedure"],
                agency=agency,
                applicant=applicant,
                attachments=[Attachment(component=None, upload=f, name=f.name) for f in d["scans"]],
                channel=d["channel"],
                postal_waybill=d["postal_waybill"],
                result_by_post=d["result_by_post"],
            )
            messages.success(request, _("Đã nhập hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("dossiers_office:check", code=dossier.code)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "dossiers/office/register.html",
        {"form": form, "agency": agency, "error": error},
        status=400 if error else 200,
    )


@desk_required
@require_POST
def return_result(request: HttpRequest, code: str) -> HttpResponse:
    channel, waybill = request.POST.get("channel", ""), request.POST.get("waybill", "")
    return _decide(
        request,
        code,
        lambda d: services.dossier_return_result(actor=request.user, dossier=d, channel=channel, waybill=waybill),
        _("Đã ghi nhận trả kết quả."),
    )


@desk_required
def ratings(request: HttpRequest) -> HttpResponse:
    """The ratings of the official's agencies, with the comments."""
    page = Paginator(selectors.rating_list_for_official(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "dossiers/office/ratings.html", {"page": page})


def _register_query(request: HttpRequest) -> Any:
    try:
        return register_query(request.user, request.GET, today=system_clock.now().date())
    except DomainError as exc:
        raise DjangoPermissionDenied(exc.message) from exc


@desk_required
def tracking_book(request: HttpRequest) -> HttpResponse:
    """The dossier tracking book (Sổ theo dõi hồ sơ) of an agency for a period, page by page."""
    book = _register_query(request)
    qs = register_dossiers(agency=book.agency, start=book.start, end=book.end)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    lines = register_lines(
        page.object_list,
        first_number=page.start_index(),
        now=system_clock.now(),
        cal=working_calendar(),
        due_soon=timedelta(hours=settings.DUE_SOON_HOURS),
    )
    agencies = register_agencies(request.user)
    return render(
        request,
        "dossiers/office/tracking_book.html",
        {"book": book, "page": page, "lines": list(lines), "agencies": agencies if len(agencies) > 1 else []},
    )


@desk_required
def tracking_book_xlsx(request: HttpRequest) -> HttpResponse:
    """The same book as an Excel workbook, written to a temporary file and streamed."""
    book = _register_query(request)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    register_workbook(
        out,
        agency=book.agency,
        start=book.start,
        end=book.end,
        now=system_clock.now(),
        cal=working_calendar(),
        due_soon=timedelta(hours=settings.DUE_SOON_HOURS),
    )
    out.seek(0)
    name = f"so-theo-doi-ho-so-{book.agency.eid_code}-{book.start:%Y%m%d}-{book.end:%Y%m%d}.xlsx"
    response = FileResponse(
        out,
        as_attachment=True,
        filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return cast(HttpResponse, response)  # streamed; `allowed_only` only passes it through
