"""Pages of payments: the applicant's fees page, the officials' request and desk forms, the platform's
callbacks (browser return, IPN), the fake platform's page, receipts and their public check, reconciliation."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.accounts.selectors import user_acts_for, user_agencies
from egov.core.errors import DomainError, NotFound
from egov.core.web import allowed_only, run_action
from egov.dossiers import selectors as dossier_selectors
from egov.dossiers.models import Status
from egov.workflow.selectors import open_step
from egov.workflow.services import step_may_act

from . import selectors, services
from .gateway import FAKE_MERCHANT, FAKE_MERCHANT_NAME, fake_finish, fake_return_url, gateway_is_fake
from .models import DESK_METHODS, FakeGatewayTransaction, Method, Payment, Reconciliation
from .receipts import receipt_intact, receipt_pdf, receipt_verification_code
from .services import ANSWER_CODES, Answer, LineInput

official_required = allowed_only(
    lambda user: bool(user_agencies(user)), gettext_lazy("Trang này dành cho cán bộ, công chức.")
)
admin_required = allowed_only(
    selectors.user_may_reconcile, gettext_lazy("Trang này dành cho quản trị cấp tỉnh và quản trị cơ quan.")
)


def _applicant_dossier(request: HttpRequest, code: str) -> Any:
    try:
        return selectors.dossier_get_for_applicant(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _official_dossier(request: HttpRequest, code: str) -> Any:
    try:
        return dossier_selectors.dossier_get_for_user(request.user, code)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- the applicant ----------------------------------------------------------------------------------------


@login_required
def dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    """Fees of one of my dossiers: what to pay, "Thanh toán trực tuyến", earlier tries, receipts."""
    dossier = _applicant_dossier(request, code)
    open_request = selectors.request_open(dossier)
    return render(
        request,
        "payments/dossier.html",
        {
            "dossier": dossier,
            "open_request": open_request if dossier.status == Status.PAYING else None,
            "requests": selectors.requests_for_dossier(dossier),
            "receipts": selectors.receipts_for_dossier(dossier),
        },
    )


@login_required
@require_POST
def pay_online(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _applicant_dossier(request, code)
    try:
        _payment, url = services.payment_start_online(
            actor=request.user, dossier=dossier, return_url=request.build_absolute_uri(reverse("payments:return"))
        )
    except DomainError as exc:
        if exc.status == 403:
            raise DjangoPermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("payments:dossier", code=code)
    return redirect(url)


@login_required
def receipt_download(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        receipt = selectors.receipt_get_for_user(request.user, public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(receipt_pdf(receipt), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{receipt.series}-{receipt.number}.pdf"'
    return response


def receipt_verify(request: HttpRequest) -> HttpResponse:
    """Public: the QR code on a receipt leads here; the stored data must still give the printed code."""
    receipt = selectors.receipt_find(request.GET.get("ma", "").strip())
    digest = request.GET.get("h", "").strip().lower()
    valid = (
        receipt is not None
        and len(digest) >= 16
        and receipt.content_hash.startswith(digest)
        and receipt_intact(receipt)
    )
    return render(
        request,
        "payments/receipt_verify.html",
        {
            "receipt": receipt if valid else None,
            "asked": bool(request.GET),
            "code": receipt_verification_code(receipt) if valid and receipt else "",
        },
    )


# --- the platform calling back ----------------------------------------------------------------------------


def payment_return(request: HttpRequest) -> HttpResponse:
    """The payer's browser back from the platform, with the signed result: applied like the IPN (once)."""
    outcome = services.payment_callback_apply(params=request.GET.dict(), source="return")
    payment = outcome.payment
    dossier = payment.request.dossier if payment is not None else None
    if outcome.answer in (Answer.OK, Answer.ALREADY_CONFIRMED) and payment is not None:
        payment.refresh_from_db()
    return render(
        request,
        "payments/return.html",
        {
            "answer": outcome.answer.value,
            "payment": payment,
            "dossier": dossier if dossier and user_acts_for(request.user, dossier.applicant_id) else None,
            "paid": payment is not None and payment.status == Payment.Status.PAID,
        },
        status=400 if outcome.answer == Answer.BAD_SIGNATURE else 200,
    )


@csrf_exempt
@require_POST
def ipn(request: HttpRequest) -> JsonResponse:
    """Server-to-server callback (IPN): form-encoded parameters; answers with a code, 200 unless we failed."""
    outcome = services.payment_callback_apply(params=request.POST.dict(), source="ipn")
    messages_by_answer = {
        Answer.OK: "Confirm Success",
        Answer.ALREADY_CONFIRMED: "Order already confirmed",
        Answer.BAD_SIGNATURE: "Invalid signature",
        Answer.UNKNOWN_ORDER: "Order not found",
        Answer.AMOUNT_MISMATCH: "Invalid amount",
    }
    return JsonResponse(
        {
            "code": outcome.answer.value,
            "RspCode": ANSWER_CODES[outcome.answer],
            "Message": messages_by_answer[outcome.answer],
        }
    )


# --- the fake platform's own page ------------------------------------------------------------------------------


def fake_gateway(request: HttpRequest, order_id: str) -> HttpResponse:
    """The demo platform's payment page (a real one is on the platform's site): pay or cancel."""
    if not gateway_is_fake():
        raise Http404(_("Cổng thanh toán giả lập không bật."))
    txn = get_object_or_404(FakeGatewayTransaction, order_id=order_id)
    if request.method == "POST":
        txn = fake_finish(order_id=order_id, pay=request.POST.get("action") == "pay")
        return redirect(fake_return_url(txn))
    return render(
        request,
        "payments/fake_gateway.html",
        {"txn": txn, "merchant": FAKE_MERCHANT, "merchant_name": FAKE_MERCHANT_NAME},
    )


# --- officials ------------------------------------------------------------------------------------------------


def _amount(raw: str) -> int | None:
    """An amount as typed ("120.000", "120 000"): whole đồng in ASCII digits, else None."""
    digits = raw.replace(".", "").replace(" ", "").strip()
    return int(digits) if re.fullmatch(r"[0-9]{1,15}", digits) else None


def _lines_from_post(request: HttpRequest, prefill: list[dict[str, Any]]) -> list[LineInput]:
    lines = []
    for fee in prefill:
        if request.POST.get(f"include_{fee['fee_id']}") != "on":
            continue  # left out: exempt in this case (miễn)
        lines.append(LineInput(fee_id=fee["fee_id"], amount=_amount(request.POST.get(f"amount_{fee['fee_id']}", ""))))
    other_name = request.POST.get("other_name", "").strip()
    other_amount = request.POST.get("other_amount", "").strip()
    if other_name or other_amount:
        lines.append(
            LineInput(
                name=other_name,
                amount=_amount(other_amount),
                kind=request.POST.get("other_kind", "fee"),
            )
        )
    return lines


@official_required
def request_fees(request: HttpRequest, code: str) -> HttpResponse:
    """Whoever handles the open step asks the applicant to pay (Yêu cầu thực hiện nghĩa vụ tài chính)."""
    dossier = _official_dossier(request, code)
    run = open_step(dossier)
    if run is None or not step_may_act(request.user, run):
        raise DjangoPermissionDenied(_("Bạn không xử lý bước này."))
    prefill = selectors.fee_lines_prefill(dossier.procedure)
    error = ""
    if request.method == "POST":
        try:
            services.payment_request(
                actor=request.user,
                dossier=dossier,
                lines=_lines_from_post(request, prefill),
                note=request.POST.get("note", ""),
            )
            messages.success(request, _("Đã gửi yêu cầu thực hiện nghĩa vụ tài chính cho người nộp."))
            return redirect("workflow:steps", code=code)
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            error = exc.message
    return render(
        request,
        "payments/request.html",
        {"dossier": dossier, "lines": prefill, "error": error, "pauses": dossier.procedure.payment_pauses_clock},
        status=400 if error else 200,
    )


@official_required
def desk(request: HttpRequest, code: str) -> HttpResponse:
    """The desk records fees paid at the counter and prints the receipt."""
    dossier = _official_dossier(request, code)
    if not services.may_take_cash(request.user, dossier.agency):
        raise DjangoPermissionDenied(_("Chỉ cán bộ tiếp nhận của cơ quan tiếp nhận hồ sơ thu phí tại quầy."))
    if request.method == "POST":
        typed = _amount(request.POST.get("amount", ""))
        run_action(
            request,
            lambda: services.payment_record_at_desk(
                actor=request.user,
                dossier=dossier,
                method=request.POST.get("method", ""),
                amount=-1 if typed is None else typed,
                reference=request.POST.get("reference", ""),
            ),
            _("Đã ghi nhận nộp phí, lệ phí tại quầy; in biên lai cho người nộp."),
        )
        return redirect("payments:desk", code=code)
    return render(
        request,
        "payments/desk.html",
        {
            "dossier": dossier,
            "open_request": selectors.request_open(dossier) if dossier.status == Status.PAYING else None,
            "requests": selectors.requests_for_dossier(dossier),
            "methods": [(m.value, m.label) for m in DESK_METHODS],
        },
    )


@admin_required
def reconciliations(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "payments/reconciliations.html",
        {
            "reports": selectors.reconciliation_list_for_user(request.user)[:90],
            "totals": selectors.reconciliation_totals_visible(request.user),
        },
    )


@admin_required
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(Reconciliation, pk=pk)
    return render(
        request,
        "payments/reconciliation.html",
        {
            "report": report,
            "discrepancies": selectors.discrepancies_for_user(request.user, report),
            "totals": selectors.reconciliation_totals_visible(request.user),
            "Method": Method,
        },
    )
