"""Back office for the catalogue: officials edit, publish, suspend, import and export their agency's procedures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.accounts.selectors import user_agencies, user_is_province_admin
from egov.core.errors import DomainError, NotFound
from egov.core.selectors import audit_events_for
from egov.core.web import allowed_only, run_action
from egov.org.models import Agency

from . import selectors, services
from .excel import ImportRejected, export_workbook, parse_workbook
from .forms import (
    ComponentFormSet,
    EFormFieldFormSet,
    FeeFormSet,
    FormUploadForm,
    ImportForm,
    ProcedureForm,
    ProcessStepFormSet,
    PublishForm,
    SuspendForm,
)
from .inputs import InputErrors, procedure_input
from .models import Procedure, ProcedureStatus
from .permissions import EDIT_ROLES, can_publish_for, can_use_catalog_office

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


office_required = allowed_only(
    can_use_catalog_office, gettext_lazy("Trang này chỉ dành cho cán bộ quản lý danh mục thủ tục.")
)


def _get(request: HttpRequest, code: str) -> Procedure:
    try:
        return selectors.procedure_get_for_official(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _owner_choices(user: Any) -> list[tuple[str, str]]:
    agencies = (
        Agency.objects.filter(is_active=True) if user_is_province_admin(user) else user_agencies(user, EDIT_ROLES)
    )
    return [(a.eid_code, a.name) for a in agencies]


@office_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.procedure_list_for_official(request.user)
    status = request.GET.get("status", "")
    if status in ProcedureStatus.values:
        qs = qs.filter(status=status)
    query = request.GET.get("q", "").strip()
    qs = selectors.procedure_search(qs, query) if query else qs.order_by("name_folded")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/office/list.html",
        {
            "page": page,
            "status": status,
            "q": query,
            "statuses": ProcedureStatus.choices,
            "import_form": ImportForm(),
        },
    )


def _formsets(request: HttpRequest, procedure: Procedure | None) -> tuple[Any, Any]:
    if request.method == "POST":
        return FeeFormSet(request.POST, prefix="fees"), ComponentFormSet(request.POST, prefix="components")
    fees = (
        [{"kind": f.kind, "name": f.name, "amount": f.amount, "note": f.note} for f in procedure.fees.all()]
        if procedure
        else []
    )
    comps = (
        [
            {
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "required": c.required,
                "form_name": c.form_name,
            }
            for c in procedure.components.all()
        ]
        if procedure
        else []
    )
    return FeeFormSet(initial=fees, prefix="fees"), ComponentFormSet(initial=comps, prefix="components")


def _rows(formset: Any) -> list[dict[str, Any]]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]


@office_required
def procedure_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    procedure = _get(request, code) if code else None
    initial = None
    if procedure:
        initial = {name: getattr(procedure, name) for name in ProcedureForm.base_fields if hasattr(procedure, name)}
        initial |= {"sector": procedure.sector.name, "owner_eid_code": procedure.owner.eid_code}
    form = ProcedureForm(request.POST or None, initial=initial, owner_choices=_owner_choices(request.user))
    if procedure is not None:
        form.fields["code"].disabled = True  # the code never changes
    fees, comps = _formsets(request, procedure)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and fees.is_valid() and comps.is_valid():
        raw = {**form.cleaned_data, "fees": _rows(fees), "components": _rows(comps)}
        if procedure:
            raw |= {
                "code": procedure.code,
                "decision_number": procedure.decision_number,
                "decision_date": procedure.decision_date,
            }
        try:
            data = procedure_input(raw)
            if procedure:
                services.procedure_update(
                    actor=request.user, procedure=procedure, data=data, reason=form.cleaned_data["reason"]
                )
                messages.success(request, _("Đã lưu thay đổi."))
            else:
                procedure = services.procedure_create(actor=request.user, data=data)
                messages.success(request, _("Đã tạo thủ tục ở trạng thái dự thảo."))
            return redirect("catalog_office:edit", code=procedure.code)
        except InputErrors as exc:
            errors = exc.errors
        except DomainError as exc:
            errors = [exc.message]
    return render(
        request,
        "catalog/office/edit.html",
        {
            "procedure": procedure,
            "form": form,
            "fees": fees,
            "components": comps,
            "errors": errors,
            "history": _history(procedure) if procedure else [],
            "publish_form": PublishForm(),
            "suspend_form": SuspendForm(),
            "can_publish": procedure is not None and can_publish_for(request.user, procedure.owner),
        },
    )


ACTION_LABELS = {
    "catalog.procedure.create": gettext_lazy("Tạo mới"),
    "catalog.procedure.update": gettext_lazy("Cập nhật"),
    "catalog.procedure.publish": gettext_lazy("Công bố"),
    "catalog.procedure.suspend": gettext_lazy("Tạm ngừng"),
    "catalog.procedure.form_attach": gettext_lazy("Tải lên mẫu đơn"),
}
_RELATED_LABELS = {
    "fees": gettext_lazy("phí, lệ phí"),
    "components": gettext_lazy("thành phần hồ sơ"),
    "component": gettext_lazy("thành phần hồ sơ"),
    "form_file": gettext_lazy("tệp mẫu"),
}


def _field_label(name: str) -> str:
    try:
        return str(Procedure._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    except Exception:  # a field no longer on the model: show its name as stored
        return name


def _history(procedure: Procedure) -> list[dict[str, Any]]:
    """The procedure's audit trail in words an official reads: action and changed fields by name."""
    rows = []
    for event in audit_events_for(procedure)[:50]:
        fields = [str(_RELATED_LABELS.get(name) or _field_label(name)) for name in event.changes]
        rows.append(
            {
                "at": event.at,
                "actor": event.actor_label,
                "action": ACTION_LABELS.get(event.action, event.action),
                "reason": event.reason,
                "fields": ", ".join(fields),
            }
        )
    return rows


def _act(request: HttpRequest, code: str, action: Callable[[], object], done: str) -> HttpResponse:
    run_action(request, action, done)
    return redirect("catalog_office:edit", code=code)


@office_required
@require_POST
def procedure_publish(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _get(request, code)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần số và ngày (dd/mm/yyyy) của quyết định công bố."))
        return redirect("catalog_office:edit", code=code)
    return _act(
        request,
        code,
        lambda: services.procedure_publish(actor=request.user, procedure=procedure, **form.cleaned_data),
        _("Đã công bố thủ tục."),
    )


@office_required
@require_POST
def procedure_suspend(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _get(request, code)
    form = SuspendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Cần ghi lý do tạm ngừng."))
        return redirect("catalog_office:edit", code=code)
    reason = form.cleaned_data["reason"]
    return _act(
        request,
        code,
        lambda: services.procedure_suspend(actor=request.user, procedure=procedure, reason=reason),
        _("Đã tạm ngừng thủ tục."),
    )


@office_required
def procedure_export(request: HttpRequest) -> HttpResponse:
    content = export_workbook(selectors.procedures_for_export(selectors.procedure_list_for_official(request.user)))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="danh-muc-thu-tuc.xlsx"'
    return response


@office_required
def procedure_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors: list[str] = []
    message = ""
    if request.method == "POST" and form.is_valid():
        try:
            rows = parse_workbook(form.cleaned_data["file"])
            counts = services.procedure_import(actor=request.user, rows=rows)
            messages.success(
                request,
                _("Đã nhập: %(created)s thủ tục mới, %(updated)s thủ tục cập nhật, %(unchanged)s không đổi.") % counts,
            )
            return redirect("catalog_office:list")
        except ImportRejected as exc:
            message, row_errors = exc.message, [str(e) for e in exc.errors]
        except DomainError as exc:
            message = exc.message
    status = 400 if message else 200
    return render(
        request,
        "catalog/office/import.html",
        {"form": form, "message": message, "row_errors": row_errors},
        status=status,
    )


@office_required
@require_POST
def component_form_upload(request: HttpRequest, code: str, component_id: int) -> HttpResponse:
    procedure = _get(request, code)
    component = procedure.components.filter(pk=component_id).first()
    form = FormUploadForm(request.POST, request.FILES)
    if component is None:
        raise Http404(_("Không có thành phần hồ sơ này."))
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp mẫu để tải lên."))
        return redirect("catalog_office:edit", code=code)
    upload = form.cleaned_data["file"]
    return _act(
        request,
        code,
        lambda: services.component_form_attach(actor=request.user, component=component, upload=upload),
        _("Đã tải lên mẫu đơn cho “%(name)s”.") % {"name": component.name},
    )


@office_required
def procedure_eform(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the procedure's e-form; each save that changes something is a new version."""
    procedure = _get(request, code)
    current = selectors.procedure_current_form(procedure)
    initial = [{**f, "choices": "; ".join(f["choices"])} for f in (current.fields if current else [])]
    formset = EFormFieldFormSet(request.POST or None, initial=initial, prefix="fields")
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [
            {**f.cleaned_data, "choices": [c for c in f.cleaned_data["choices"].split(";") if c.strip()]}
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            version = services.procedure_form_save(actor=request.user, procedure=procedure, fields=rows)
            if version is None:
                messages.info(request, _("Tờ khai không thay đổi."))
            else:
                messages.success(request, _("Đã lưu tờ khai, phiên bản %(n)s.") % {"n": version.number})
            return redirect("catalog_office:eform", code=code)
        except DomainError as exc:
            errors = exc.message.split("; ")
    return render(
        request,
        "catalog/office/eform.html",
        {
            "procedure": procedure,
            "formset": formset,
            "current": current,
            "errors": errors,
        },
    )


@office_required
def procedure_process(request: HttpRequest, code: str) -> HttpResponse:
    """Edit the internal process; each change is a new version, dossiers keep the one they were received under."""
    procedure = _get(request, code)
    current = selectors.procedure_current_process(procedure)
    initial = [
        {
            "name": st.name,
            "where": st.where,
            "agency": st.agency,
            "central_system": st.central_system,
            "actor": st.actor,
            "share_percent": st.share_percent,
        }
        for st in (current.steps.all() if current else [])
    ]
    formset = ProcessStepFormSet(request.POST or None, initial=initial, prefix="steps")
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            template = services.process_template_save(actor=request.user, procedure=procedure, steps=rows)
            if template is None:
                messages.info(request, _("Quy trình không thay đổi."))
            else:
                messages.success(request, _("Đã lưu quy trình, phiên bản %(n)s.") % {"n": template.number})
            return redirect("catalog_office:process", code=code)
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            errors = exc.message.split("; ")
    return render(
        request,
        "catalog/office/process.html",
        {
            "procedure": procedure,
            "formset": formset,
            "current": current,
            "errors": errors,
        },
    )
