"""Citizen pages: apply online, my dossiers, a dossier with its timeline and files; public tracking."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.core import get_usage

from egov.accounts.selectors import user_acts_for, user_businesses
from egov.catalog import eforms
from egov.catalog import selectors as catalog_selectors
from egov.core.errors import DomainError, NotFound
from egov.core.web import run_action
from egov.identity.selectors import user_assurance_level
from egov.records import selectors as records_selectors

from . import selectors, services
from .forms import ApplyForm, SupplementSubmitForm, TrackForm
from .models import Rating, Slip, Status
from .services import Applicant, Attachment
from .slips import render_slip, slip_from_json

SCORE_LABELS = [
    (5, gettext_lazy("Rất hài lòng")),
    (4, gettext_lazy("Hài lòng")),
    (3, gettext_lazy("Bình thường")),
    (2, gettext_lazy("Không hài lòng")),
    (1, gettext_lazy("Rất không hài lòng")),
]


def _uploads(form: Any, procedure: Any) -> list[tuple[Any, Any]]:
    return [
        (component, upload)
        for component in procedure.components.all()
        for upload in form.cleaned_data.get(f"component_{component.pk}") or []
    ]


def _attachments(form: Any, procedure: Any) -> list[Attachment]:
    return [Attachment(component=component, upload=upload) for component, upload in _uploads(form, procedure)]


def _save_draft(request: HttpRequest, procedure: Any, draft: Any, form: Any, agencies: Any, version: Any) -> Any:
    """Keep what has been typed and attached so far, checked only as files (a draft may be incomplete)."""
    raw = {name[3:]: request.POST.get(name, "") for name in form.fields if name.startswith("ef_")}
    agency = agencies.filter(pk=request.POST.get("agency") or 0).first()
    uploads = [
        (component, upload)
        for component in procedure.components.all()
        for upload in request.FILES.getlist(f"component_{component.pk}")
    ]
    return services.draft_save(
        actor=request.user,
        procedure=procedure,
        draft=draft,
        agency=agency,
        form_data=raw,
        form_version=version,
        uploads=uploads,
    )


@login_required
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """The online application: e-form (prefilled), files per component; save as a draft or submit."""
    try:
        procedure = catalog_selectors.procedure_get_published(code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if request.user.kind == "official":  # type: ignore[union-attr]
        messages.error(request, _("Cán bộ nhập hồ sơ cho công dân tại trang Một cửa."))
        return redirect("catalog:procedure_detail", code=code)
    if procedure.min_assurance_level > user_assurance_level(request.user):
        messages.info(
            request,
            _("Thủ tục này yêu cầu đăng nhập bằng tài khoản định danh điện tử VNeID mức %(level)s.")
            % {"level": procedure.min_assurance_level},
        )
        return redirect(f"{reverse('identity_account:vneid')}?next={request.path}")
    agencies = selectors.receiving_agencies(procedure)
    version = catalog_selectors.procedure_current_form(procedure)
    eform_fields = version.fields if version else []
    draft = selectors.draft_get_for_owner(
        request.user, request.POST.get("draft") or request.GET.get("nhap", ""), procedure=procedure
    )
    initial: dict[str, Any] = {"idempotency_key": uuid.uuid4().hex}
    if agencies.count() == 1:
        initial["agency"] = agencies.first()
    initial |= eforms.prefill(eform_fields, request.user)
    attached: set[int] = set()
    if draft is not None:
        initial |= {f"ef_{name}": value for name, value in draft.form_data.items() if value not in (None, "")}
        if draft.agency_id:
            initial["agency"] = draft.agency
        attached = {f.component_id for f in draft.files.all() if f.component_id}
    businesses = [b for b in user_businesses(request.user) if b.pk != request.user.pk]
    form = ApplyForm(
        request.POST or None,
        request.FILES or None,
        procedure=procedure,
        agencies=agencies,
        businesses=businesses,
        eform_fields=eform_fields,
        already_attached=attached,
        initial=initial,
    )
    error = ""
    if request.method == "POST" and "save_draft" in request.POST:
        try:
            draft = _save_draft(request, procedure, draft, form, agencies, version)
            messages.success(request, _("Đã lưu nháp. Bạn có thể quay lại hoàn thiện và nộp sau."))
            return redirect(f"{reverse('dossiers:apply', args=[code])}?nhap={draft.public_id}")
        except DomainError as exc:
            error = exc.message
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proxy = None
        if data["on_behalf"]:
            proxy = Applicant(
                name=data["principal_name"], phone=data["principal_phone"], personal_id=data["principal_personal_id"]
            )
        business = next((b for b in businesses if str(b.pk) == data.get("business")), None)
        values = eforms.form_values(eform_fields, data)
        try:
            if draft is not None:
                draft = services.draft_save(
                    actor=request.user,
                    procedure=procedure,
                    draft=draft,
                    agency=data["agency"],
                    form_data=values,
                    form_version=version,
                    uploads=_uploads(form, procedure),
                )
                dossier = services.draft_submit(
                    actor=request.user,
                    draft=draft,
                    proxy=proxy,
                    business=business,
                    idempotency_key=data["idempotency_key"],
                )
            else:
                dossier = services.dossier_submit_online(
                    actor=request.user,
                    procedure=procedure,
                    agency=data["agency"],
                    attachments=_attachments(form, procedure),
                    form_data=values,
                    form_version=version,
                    proxy=proxy,
                    business=business,
                    idempotency_key=data["idempotency_key"],
                )
            messages.success(
                request,
                _("Đã nộp hồ sơ %(code)s. Bộ phận Một cửa sẽ kiểm tra và báo kết quả tiếp nhận.")
                % {"code": dossier.code},
            )
            return redirect("dossiers:detail", code=dossier.code)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "dossiers/apply.html",
        {"procedure": procedure, "form": form, "error": error, "draft": draft},
        status=400 if error else 200,
    )


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.dossier_list_for_applicant(request.user), 20).get_page(request.GET.get("page"))
    return render(
        request, "dossiers/my_list.html", {"page": page, "drafts": selectors.draft_list_for_owner(request.user)}
    )


def _visible(request: HttpRequest, code: str) -> Any:
    try:
        return selectors.dossier_get_for_user(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _visible(request, code)
    mine = user_acts_for(request.user, dossier.applicant_id)  # the applicant, or a member of the applicant business
    form = SupplementSubmitForm(request.POST or None, request.FILES or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_supplement_submit(
                actor=request.user,
                dossier=dossier,
                note=form.cleaned_data["note"],
                attachments=[Attachment(component=None, upload=f) for f in form.cleaned_data["files"]],
            )
            messages.success(request, _("Đã gửi giấy tờ bổ sung."))
            return redirect("dossiers:detail", code=code)
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "dossiers/detail.html",
        {
            "dossier": dossier,
            "timeline": dossier.timeline.all(),
            "documents": dossier.documents.all(),
            "slips": dossier.slips.all(),
            "supplement_form": form,
            "error": error,
            "can_supplement": dossier.status == Status.SUPPLEMENT and mine,
            "can_withdraw": dossier.status in services.OPEN_STATUSES and mine,
            "score_labels": SCORE_LABELS,
            "result": records_selectors.result_signed_for_dossier(dossier),
            "can_rate": dossier.status == Status.RETURNED
            and mine
            and not Rating.objects.filter(dossier=dossier).exists(),
        },
    )


@login_required
def document_download(request: HttpRequest, public_id: str) -> FileResponse:
    try:
        document = selectors.document_get_for_user(request.user, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_filename,
        content_type=document.content_type,
    )


def _track_wait(request: HttpRequest, code: str, *, failed: bool = False) -> int:
    """Seconds before this code, or anything from this address, may be tracked again (0: now).

    `failed` counts one more wrong try first. Rates: settings.TRACK_FAILURES_PER_CODE and _PER_IP.
    """
    wait = 0
    for group, key, rate in (
        ("dossiers.track.code", lambda _group, _request: code, settings.TRACK_FAILURES_PER_CODE),
        ("dossiers.track.ip", "ip", settings.TRACK_FAILURES_PER_IP),
    ):
        usage = get_usage(request, group=group, key=key, rate=rate, increment=failed)
        if usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"]):
            wait = max(wait, usage["time_left"], 60)  # time_left is -1 when the cache could not count
    return wait


def track(request: HttpRequest) -> HttpResponse:
    """Public: the dossier code and the last 4 digits of the applicant's phone; verifies a slip's code too.

    Wrong tries are counted per code and per address; past the limit the page answers nothing (429).
    """
    form = TrackForm(request.GET or None)
    dossier, slip_check, wait = None, None, 0
    if request.GET and form.is_valid():
        code = form.cleaned_data["ma"].strip().upper()
        wait = _track_wait(request, code)
        if wait:
            form.add_error(
                None,
                _(
                    "Đã nhập sai quá nhiều lần. Hãy thử lại sau %(minutes)s phút, "
                    "hoặc đăng nhập để xem các hồ sơ của mình."
                )
                % {"minutes": -(-wait // 60)},
            )
        else:
            try:
                dossier = selectors.dossier_track(code, form.cleaned_data["so"])
            except NotFound:
                _track_wait(request, code, failed=True)
                form.add_error(None, _("Không tìm thấy hồ sơ với mã và số điện thoại này."))
    digest = request.GET.get("h", "").strip().lower()
    if digest and request.GET.get("ma"):
        slip_check = (
            Slip.objects.filter(
                dossier__code=request.GET["ma"].strip().upper(), content_hash__startswith=digest
            ).exists()
            if len(digest) >= 16
            else False
        )
    return render(
        request,
        "dossiers/track.html",
        {
            "form": form,
            "dossier": dossier,
            "timeline": dossier.timeline.all() if dossier else [],
            "slip_check": slip_check,
            "digest": digest,
            "locked": bool(wait),
        },
        status=429 if wait else 200,
    )


@login_required
def slip_pdf(request: HttpRequest, code: str, slip_id: int) -> HttpResponse:
    """A slip, printed again from the very data that was issued (so its verification code still matches)."""
    dossier = _visible(request, code)
    slip = dossier.slips.filter(pk=slip_id).first()
    if slip is None:
        raise Http404(_("Không tìm thấy phiếu."))
    response = HttpResponse(render_slip(slip_from_json(slip.data)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slip.kind}-{dossier.code}.pdf"'
    return response


@login_required
def result_pdf(request: HttpRequest, code: str) -> FileResponse:
    """The signed result, for the applicant and the officials of the agencies that handled the dossier."""
    dossier = _visible(request, code)
    result = records_selectors.result_signed_for_dossier(dossier)
    if result is None:
        raise Http404(_("Hồ sơ chưa có kết quả đã ký số."))
    return FileResponse(
        result.file.open("rb"),
        as_attachment=True,
        filename=f"ket-qua-{dossier.code}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _visible(request, code)
    reason = request.POST.get("reason", "")
    run_action(
        request,
        lambda: services.dossier_withdraw(actor=request.user, dossier=dossier, reason=reason),
        _("Đã rút hồ sơ; thông báo dừng giải quyết đã được lập."),
    )
    return redirect("dossiers:detail", code=code)


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _visible(request, code)
    try:
        score = int(request.POST.get("score", "0"))
    except ValueError:
        score = 0
    comment = request.POST.get("comment", "")
    run_action(
        request,
        lambda: services.dossier_rate(actor=request.user, dossier=dossier, score=score, comment=comment),
        _("Cảm ơn ông/bà đã đánh giá."),
    )
    return redirect("dossiers:detail", code=code)


def ratings_public(request: HttpRequest) -> HttpResponse:
    """Public aggregates: each agency's average satisfaction and how many rated it."""
    return render(request, "dossiers/ratings.html", {"agencies": selectors.rating_summary_by_agency()})
