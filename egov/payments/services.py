"""Writes to payments: ask for fees (`processing → paying`), pay online or at the desk, apply a gateway's
callback once, issue the electronic receipt (`paying → processing`), reconcile a day with the gateway.

Every service is atomic and writes the audit trail (and, through `dossier_transition`, the applicant's
timeline) in its transaction. Locks are taken in one order, dossier → request → payment, so an online
callback and a desk payment for the same dossier queue instead of deadlocking.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from egov.accounts.models import Role
from egov.accounts.selectors import user_acts_for, user_holds_role
from egov.catalog.models import Fee
from egov.core.audit import audit_record
from egov.core.clock import VN_TZ, Clock, ensure_aware, system_clock
from egov.core.errors import DomainError, PermissionDenied
from egov.core.templatetags.egov import vnd
from egov.dossiers.models import Dossier, Status
from egov.dossiers.services import dossier_clock_resume, dossier_notify, dossier_transition
from egov.workflow.selectors import open_step
from egov.workflow.services import step_may_act

from .gateway import RESPONSE_CANCELLED, BadSignature, CallbackData, Order, PaymentGateway, get_gateway
from .models import (
    DESK_METHODS,
    Discrepancy,
    GatewayCallback,
    Method,
    Payment,
    PaymentRequest,
    Receipt,
    ReceiptCounter,
    Reconciliation,
)
from .receipts import SERIES_FORMAT, amount_in_words, receipt_content_hash, receipt_normalized

# How the platform appears on the applicant's timeline and in the audit trail when it calls back.
GATEWAY_ACTOR = "Cổng thanh toán trực tuyến"
PAID_STATUSES = (Payment.Status.PAID, Payment.Status.REFUND_DUE)


@dataclass(frozen=True)
class LineInput:
    """One line of a request: a fee of the procedure (`fee_id`), or another obligation named by the officer."""

    fee_id: int | None = None
    amount: int | None = None
    name: str = ""
    kind: str = Fee.Kind.FEE


class Answer(StrEnum):
    """What we answer a callback; `ok` and `already_confirmed` tell the platform to stop retrying."""

    OK = "ok"
    ALREADY_CONFIRMED = "already_confirmed"
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_ORDER = "unknown_order"
    AMOUNT_MISMATCH = "amount_mismatch"


# VNPay-style response codes, for platforms that read a code rather than our words.
ANSWER_CODES = {
    Answer.OK: "00",
    Answer.ALREADY_CONFIRMED: "02",
    Answer.UNKNOWN_ORDER: "01",
    Answer.AMOUNT_MISMATCH: "04",
    Answer.BAD_SIGNATURE: "97",
}


@dataclass(frozen=True)
class CallbackOutcome:
    answer: Answer
    payment: Payment | None = None
    paid: bool = False  # this callback is the one that paid the request


def _lock(dossier: Dossier) -> Dossier:
    """The dossier row locked for this transaction (only that row), as dossiers.services does."""
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency__parent", "procedure__owner")
        .get(pk=dossier.pk)
    )


def _open_request(dossier: Dossier) -> PaymentRequest | None:
    return PaymentRequest.objects.select_for_update().filter(dossier=dossier, status=PaymentRequest.Status.OPEN).first()


def _lines_text(lines: Sequence[Mapping[str, Any]], total: int) -> str:
    rows = [f"- {line['name']}: {vnd(line['amount'])}" for line in lines]
    return "\n".join([*rows, _("Tổng cộng: %(total)s") % {"total": vnd(total)}])


def _payment_url(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('payments:dossier', args=[dossier.code])}"


# --- the request ---------------------------------------------------------------------------------------


# No fee of a provincial procedure comes near this; beyond it amounts stop being spelt out on receipts.
MAX_AMOUNT = 999_999_999_999


def may_take_cash(actor: Any, agency: Any) -> bool:
    """Whether `actor` is a reception officer of `agency` (a province administrator is not: the counter's
    cash and the receipt's collector are the desk's)."""
    return user_holds_role(actor, agency, {Role.RECEIVER.value})


def _build_lines(dossier: Dossier, lines: Sequence[LineInput]) -> list[dict[str, Any]]:
    """The catalogue's amount wherever it has one; the officer's only for a fee that depends on the case."""
    fees = {f.pk: f for f in dossier.procedure.fees.all()}
    built: list[dict[str, Any]] = []
    for line in lines:
        if line.fee_id is not None:
            fee = fees.get(line.fee_id)
            if fee is None:
                raise DomainError("payments.bad_fee", _("Khoản thu không thuộc thủ tục của hồ sơ này."))
            name, kind = fee.name, fee.kind
            amount = fee.amount if fee.amount is not None else line.amount
        else:
            name, kind, amount = line.name.strip(), line.kind, line.amount
            if not name:
                raise DomainError("payments.line_name", _("Cần ghi tên khoản thu."))
            if kind not in Fee.Kind.values:
                raise DomainError("payments.bad_kind", _("Loại khoản thu không hợp lệ."))
        if amount is None:
            raise DomainError(
                "payments.amount_required",
                _("Cần nhập số tiền cho khoản “%(name)s” (mức thu tùy trường hợp)."),
                name=name,
            )
        if int(amount) < 0:
            raise DomainError("payments.negative", _("Số tiền không được âm."))
        if int(amount) > MAX_AMOUNT:
            raise DomainError("payments.too_large", _("Số tiền quá lớn: kiểm tra lại khoản “%(name)s”."), name=name)
        built.append({"fee_id": line.fee_id, "name": name[:300], "kind": kind, "amount": int(amount)})
    return built


@transaction.atomic
def payment_request(
    *, actor: Any, dossier: Dossier, lines: Sequence[LineInput], note: str = "", clock: Clock = system_clock
) -> PaymentRequest:
    """Whoever handles the open step asks the applicant to pay: `processing → paying`, the applicant told.

    The legal clock stops too when the procedure says so (`Procedure.payment_pauses_clock`).
    """
    dossier = _lock(dossier)
    run = open_step(dossier)
    if dossier.status != Status.PROCESSING or run is None:
        raise DomainError(
            "payments.not_processing", _("Chỉ yêu cầu thực hiện nghĩa vụ tài chính khi hồ sơ đang được xử lý.")
        )
    if not step_may_act(actor, run):
        raise PermissionDenied("workflow.not_yours", _("Bạn không xử lý bước này."))
    if _open_request(dossier) is not None:
        raise DomainError("payments.already_requested", _("Hồ sơ đã có một yêu cầu thanh toán chưa hoàn thành."))
    built = _build_lines(dossier, lines)
    total = sum(line["amount"] for line in built)
    if total <= 0:
        raise DomainError(
            "payments.nothing_to_pay", _("Tổng số tiền phải lớn hơn 0 đồng; hồ sơ không có khoản nào phải nộp.")
        )
    now = clock.now()
    pauses = dossier.procedure.payment_pauses_clock
    request = PaymentRequest.objects.create(
        dossier=dossier,
        lines=built,
        total=total,
        pauses_clock=pauses,
        note=note.strip(),
        requested_by=actor,
        requested_at=now,
    )
    text = _lines_text(built, total)
    if pauses and dossier.due_at is not None:
        dossier.paused_at = now
        text += "\n" + _("Thời gian chờ thực hiện nghĩa vụ tài chính không tính vào thời hạn giải quyết.")
    dossier_transition(
        actor=actor,
        dossier=dossier,
        to=Status.PAYING,
        note=f"{note.strip()}\n{text}".strip(),
        also_save=("paused_at",),
        clock=clock,
    )
    audit_record(
        actor=actor,
        action="payments.request.create",
        obj=request,
        changes={"dossier": dossier.code, "total": total, "lines": len(built), "pauses_clock": pauses},
        clock=clock,
    )
    dossier_notify(
        dossier,
        f"paying-{request.pk}",
        _("Hồ sơ %(code)s: đề nghị thực hiện nghĩa vụ tài chính") % {"code": dossier.code},
        _(
            "Hồ sơ %(code)s cần nộp phí, lệ phí:\n%(lines)s\n"
            "Thanh toán trực tuyến tại %(link)s hoặc nộp tại Bộ phận Một cửa %(agency)s."
        )
        % {"code": dossier.code, "lines": text, "link": _payment_url(dossier), "agency": dossier.agency.name},
        clock,
    )
    return request


# --- paying ---------------------------------------------------------------------------------------------


def _order_id(now: datetime) -> str:
    # Opaque and unique: the platform shows it to the payer; the dossier code stays out of it.
    return f"{now:%y%m%d}{secrets.token_hex(6).upper()}"


def _waiting(dossier: Dossier) -> PaymentRequest:
    request = _open_request(dossier)
    if dossier.status != Status.PAYING or request is None:
        raise DomainError("payments.not_paying", _("Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính."))
    return request


@transaction.atomic
def payment_start_online(
    *, actor: Any, dossier: Dossier, return_url: str, gateway: PaymentGateway | None = None, clock: Clock = system_clock
) -> tuple[Payment, str]:
    """The applicant pays online: a new order at the platform (one per try), and the URL to send them to."""
    dossier = _lock(dossier)
    if not user_acts_for(actor, dossier.applicant_id):  # the applicant, or a member of the applicant business
        raise PermissionDenied("dossiers.not_yours", _("Đây không phải hồ sơ của bạn."))
    request = _waiting(dossier)
    gw = gateway or get_gateway()
    now = clock.now()
    payment = Payment.objects.create(
        request=request,
        order_id=_order_id(now),
        method=Method.ONLINE,
        gateway=gw.name,
        amount=request.total,
        created_by=actor,
        created_at=now,
    )
    url = gw.order_create(
        Order(
            order_id=payment.order_id,
            amount=payment.amount,
            description=_("Nộp phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code},
            return_url=return_url,
            created_at=now,
        )
    )
    audit_record(
        actor=actor,
        action="payments.payment.start",
        obj=payment,
        changes={"dossier": dossier.code, "amount": payment.amount, "gateway": gw.name},
        clock=clock,
    )
    return payment, url


@transaction.atomic
def payment_record_at_desk(
    *,
    actor: Any,
    dossier: Dossier,
    method: str,
    amount: int,
    reference: str = "",
    clock: Clock = system_clock,
) -> Payment:
    """A reception officer of the receiving agency records fees paid at the counter; the receipt is issued."""
    dossier = _lock(dossier)
    if not may_take_cash(actor, dossier.agency):
        raise PermissionDenied(
            "payments.desk_only",
            _("Chỉ cán bộ tiếp nhận của %(agency)s thu phí, lệ phí tại quầy."),
            agency=dossier.agency.name,
        )
    request = _waiting(dossier)
    if method not in DESK_METHODS:
        raise DomainError("payments.bad_method", _("Hình thức nộp tại quầy không hợp lệ."))
    if int(amount) != request.total:
        raise DomainError(
            "payments.amount_mismatch",
            _("Số tiền thu (%(amount)s) phải bằng số tiền đề nghị nộp (%(total)s)."),
            amount=vnd(int(amount)),
            total=vnd(request.total),
        )
    now = clock.now()
    payment = Payment.objects.create(
        request=request,
        order_id=f"Q{_order_id(now)}",
        method=method,
        amount=request.total,
        reference=reference.strip()[:100],
        created_by=actor,
        created_at=now,
    )
    _settle(actor=actor, dossier=dossier, request=request, payment=payment, paid_at=now, clock=clock)
    return payment


def _settle(
    *, actor: Any, dossier: Dossier, request: PaymentRequest, payment: Payment, paid_at: datetime, clock: Clock
) -> Receipt:
    """The request is paid: receipt, `paying → processing`, the paused office time given back, applicant told."""
    now = clock.now()
    payment.status, payment.paid_at, payment.confirmed_at = Payment.Status.PAID, paid_at, now
    payment.save(update_fields=["status", "paid_at", "confirmed_at", "gateway_txn", "response_code"])
    request.status, request.paid_at = PaymentRequest.Status.PAID, now
    request.save(update_fields=["status", "paid_at"])
    receipt = _receipt_issue(actor=actor, dossier=dossier, request=request, payment=payment, clock=clock)
    note = _("Đã nộp %(total)s (%(method)s); biên lai số %(number)s.") % {
        "total": vnd(payment.amount),
        "method": payment.get_method_display(),
        "number": f"{receipt.series}-{receipt.number}",
    }
    if dossier.paused_at is not None and dossier.due_at is not None:
        dossier_clock_resume(dossier, clock, actor=actor, reason=_("Đã nộp phí, lệ phí"))
        note += " " + _("Thời gian chờ thực hiện nghĩa vụ tài chính không tính: hẹn trả kết quả lùi đến %(due)s.") % {
            "due": f"{ensure_aware(dossier.due_at):%H:%M %d/%m/%Y}"
        }
    dossier_transition(actor=actor, dossier=dossier, to=Status.PROCESSING, note=note, clock=clock)
    audit_record(
        actor=actor,
        action="payments.payment.paid",
        obj=payment,
        changes={"dossier": dossier.code, "amount": payment.amount, "method": payment.method, "receipt": receipt.pk},
        clock=clock,
    )
    dossier_notify(
        dossier,
        f"paid-{payment.pk}",
        _("Hồ sơ %(code)s: đã nhận phí, lệ phí") % {"code": dossier.code},
        _("Đã nhận %(total)s cho hồ sơ %(code)s; biên lai điện tử tại %(link)s")
        % {
            "total": vnd(payment.amount),
            "code": dossier.code,
            "link": _payment_url(dossier),
        },
        clock,
    )
    return receipt


def _receipt_number(agency_id: int, year: int) -> int:
    """The agency's next receipt number for `year`; the counter row stays locked until commit (gap-free)."""
    table = connection.ops.quote_name(ReceiptCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, year, last) VALUES (%s, %s, 1) "
            f"ON CONFLICT (agency_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency_id, year],
        )
        (sequence,) = cursor.fetchone()
    return int(sequence)


def _receipt_issue(*, actor: Any, dossier: Dossier, request: PaymentRequest, payment: Payment, clock: Clock) -> Receipt:
    now = clock.now()
    agency = dossier.agency
    sequence = _receipt_number(agency.pk, now.year)
    series, number = SERIES_FORMAT.format(yy=f"{now:%y}"), f"{sequence:07d}"
    online = payment.method == Method.ONLINE
    data = receipt_normalized(
        {
            "series": series,
            "number": number,
            "issued_at": now.isoformat(),
            "agency_name": agency.name,
            "agency_eid_code": agency.eid_code,
            "parent_agency_name": agency.parent.name if agency.parent_id else "",  # type: ignore[union-attr]
            "payer_name": dossier.applicant_name,
            "payer_address": dossier.applicant_address,
            "dossier_code": dossier.code or "",
            "procedure_name": dossier.procedure_name,
            "lines": [
                {"name": line["name"], "kind": str(Fee.Kind(line["kind"]).label), "amount": line["amount"]}
                for line in request.lines
            ],
            "total": payment.amount,
            "total_in_words": amount_in_words(payment.amount),
            "method": payment.method,
            "method_label": str(payment.get_method_display()),
            "order_id": payment.order_id,
            "gateway_txn": payment.gateway_txn,
            "reference": payment.reference,
            "paid_at": ensure_aware(payment.paid_at or now).isoformat(),
            "collector": "" if online else (getattr(actor, "full_name", "") or str(actor)),
        }
    )
    receipt = Receipt.objects.create(
        payment=payment,
        dossier=dossier,
        agency=agency,
        year=now.year,
        sequence=sequence,
        series=series,
        number=number,
        total=payment.amount,
        issued_at=now,
        data=data,
        content_hash=receipt_content_hash(data),
    )
    audit_record(
        actor=actor,
        action="payments.receipt.issue",
        obj=receipt,
        changes={"dossier": dossier.code, "number": f"{series}-{number}", "total": payment.amount},
        clock=clock,
    )
    return receipt


# --- the platform's callbacks ------------------------------------------------------------------------------


def _logged(
    gw: PaymentGateway, source: str, params: Mapping[str, str], order_id: str, answer: Answer, now: Any
) -> None:
    GatewayCallback.objects.create(
        received_at=now,
        source=source[:10],
        gateway=gw.name,
        order_id=order_id[:40],
        params={str(k): str(v)[:200] for k, v in list(params.items())[:30]},
        answer=answer.value,
    )


def payment_callback_apply(
    *,
    params: Mapping[str, str],
    source: str,
    gateway: PaymentGateway | None = None,
    clock: Clock = system_clock,
) -> CallbackOutcome:
    """Apply a callback from the platform (the IPN, or the payer's browser coming back): the one path both take.

    Idempotent: a duplicate or replayed callback changes nothing and issues no second receipt. A callback
    that fails its signature, names an unknown order or another amount changes nothing either. Every
    callback is kept (`GatewayCallback`) with our answer. An exception (our side failed) rolls everything
    back and reaches the caller, so the platform tries again.
    """
    gw = gateway or get_gateway()
    with transaction.atomic():
        now = clock.now()
        try:
            data = gw.callback_verify(params)
        except BadSignature:
            _logged(gw, source, params, str(params.get("order_id", "")), Answer.BAD_SIGNATURE, now)
            return CallbackOutcome(Answer.BAD_SIGNATURE)
        found = Payment.objects.filter(order_id=data.order_id, gateway=gw.name).select_related("request").first()
        if found is None:
            _logged(gw, source, params, data.order_id, Answer.UNKNOWN_ORDER, now)
            return CallbackOutcome(Answer.UNKNOWN_ORDER)
        dossier = _lock(found.request.dossier)
        request = PaymentRequest.objects.select_for_update().get(pk=found.request_id)
        payment = Payment.objects.select_for_update().get(pk=found.pk)
        outcome = _apply(data, dossier, request, payment, clock)
        _logged(gw, source, params, data.order_id, outcome.answer, now)
        return outcome


def _apply(
    data: CallbackData, dossier: Dossier, request: PaymentRequest, payment: Payment, clock: Clock
) -> CallbackOutcome:
    if data.amount != payment.amount:
        audit_record(
            actor=GATEWAY_ACTOR,
            action="payments.callback.amount_mismatch",
            obj=payment,
            changes={"expected": payment.amount, "received": data.amount},
            clock=clock,
        )
        return CallbackOutcome(Answer.AMOUNT_MISMATCH, payment)
    if payment.status in PAID_STATUSES or (payment.status != Payment.Status.PENDING and not data.success):
        return CallbackOutcome(Answer.ALREADY_CONFIRMED, payment)
    payment.gateway_txn, payment.response_code = data.gateway_txn[:60], data.response_code[:10]
    if not data.success:
        payment.status = Payment.Status.CANCELLED if data.response_code == RESPONSE_CANCELLED else Payment.Status.FAILED
        payment.confirmed_at = clock.now()
        payment.save(update_fields=["status", "gateway_txn", "response_code", "confirmed_at"])
        audit_record(
            actor=GATEWAY_ACTOR,
            action=f"payments.payment.{payment.status}",
            obj=payment,
            changes={"dossier": dossier.code, "response_code": data.response_code},
            clock=clock,
        )
        return CallbackOutcome(Answer.OK, payment)
    paid_at = data.paid_at or clock.now()
    if request.status != PaymentRequest.Status.OPEN or dossier.status != Status.PAYING:
        # Paid twice (another tab, or at the desk meanwhile), or the dossier ended: the money goes back.
        payment.status, payment.paid_at, payment.confirmed_at = Payment.Status.REFUND_DUE, paid_at, clock.now()
        payment.save(update_fields=["status", "paid_at", "confirmed_at", "gateway_txn", "response_code"])
        audit_record(
            actor=GATEWAY_ACTOR,
            action="payments.payment.refund_due",
            obj=payment,
            changes={"dossier": dossier.code, "amount": payment.amount, "dossier_status": dossier.status},
            clock=clock,
        )
        return CallbackOutcome(Answer.OK, payment)
    _settle(actor=GATEWAY_ACTOR, dossier=dossier, request=request, payment=payment, paid_at=paid_at, clock=clock)
    return CallbackOutcome(Answer.OK, payment, paid=True)


# --- reconciliation ------------------------------------------------------------------------------------


def _day_range(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0, 0), tzinfo=VN_TZ)
    return start, start + timedelta(days=1)


@transaction.atomic
def reconciliation_run(
    *, actor: Any, day: date, gateway: PaymentGateway | None = None, clock: Clock = system_clock
) -> Reconciliation:
    """Compare our online payments paid on `day` with the platform's statement for `day` and keep the report.

    One report per platform and day: running again recomputes it in place (after a late IPN, say).
    """
    gw = gateway or get_gateway()
    statement = gw.statement(day)
    start, end = _day_range(day)
    ours = {
        p.order_id: p
        for p in Payment.objects.filter(
            method=Method.ONLINE, gateway=gw.name, status__in=PAID_STATUSES, paid_at__gte=start, paid_at__lt=end
        ).select_related("request__dossier")
    }
    known = {
        p.order_id: p
        for p in Payment.objects.filter(gateway=gw.name, order_id__in=[line.order_id for line in statement])
        .exclude(order_id__in=list(ours))
        .select_related("request__dossier")
    }
    report, _created = Reconciliation.objects.select_for_update().get_or_create(
        gateway=gw.name, day=day, defaults={"created_at": clock.now()}
    )
    report.discrepancies.all().delete()
    found: list[Discrepancy] = []
    matched_count = matched_amount = 0

    def where(payment: Payment | None) -> dict[str, Any]:
        if payment is None:
            return {}
        dossier = payment.request.dossier
        return {"agency_id": dossier.agency_id, "dossier_code": dossier.code or ""}

    on_statement = set()
    for line in statement:
        on_statement.add(line.order_id)
        payment = ours.get(line.order_id) or known.get(line.order_id)
        if payment is None or payment.status not in PAID_STATUSES:
            kind, our_amount = Discrepancy.Kind.MISSING_HERE, None
        elif payment.amount != line.amount:
            kind, our_amount = Discrepancy.Kind.AMOUNT_DIFFERS, payment.amount
        else:
            matched_count, matched_amount = matched_count + 1, matched_amount + line.amount
            continue
        found.append(
            Discrepancy(
                reconciliation=report,
                kind=kind,
                order_id=line.order_id,
                gateway_txn=line.gateway_txn,
                our_amount=our_amount,
                gateway_amount=line.amount,
                **where(payment),
            )
        )
    for order_id, payment in ours.items():
        if order_id not in on_statement:
            found.append(
                Discrepancy(
                    reconciliation=report,
                    kind=Discrepancy.Kind.MISSING_AT_GATEWAY,
                    order_id=order_id,
                    gateway_txn=payment.gateway_txn,
                    our_amount=payment.amount,
                    **where(payment),
                )
            )
    Discrepancy.objects.bulk_create(found)
    report.created_at = clock.now()
    report.matched_count, report.matched_amount = matched_count, matched_amount
    report.ours_count, report.ours_amount = len(ours), sum(p.amount for p in ours.values())
    report.gateway_count, report.gateway_amount = len(statement), sum(line.amount for line in statement)
    report.save()
    audit_record(
        actor=actor,
        action="payments.reconciliation.run",
        obj=report,
        changes={"matched": matched_count, "discrepancies": len(found)},
        clock=clock,
    )
    return report
