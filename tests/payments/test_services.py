"""Fees asked, paid online (callbacks applied once, whatever arrives) or at the desk; the clock; reconciliation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from egov.core.audit import AuditEvent
from egov.core.clock import VN_TZ
from egov.core.errors import DomainError, PermissionDenied
from egov.dossiers import services as dossier_services
from egov.dossiers.models import Status, TimelineEvent
from egov.notifications.models import Message
from egov.payments import services
from egov.payments.gateway import (
    FakeGateway,
    fake_callback_params,
    fake_finish,
    signed,
)
from egov.payments.models import (
    Discrepancy,
    FakeGatewayTransaction,
    GatewayCallback,
    Payment,
    PaymentRequest,
    Receipt,
    Reconciliation,
)
from egov.payments.services import Answer, LineInput
from egov.payments.tasks import reconcile_daily
from egov.workflow.models import StepRun
from tests.factories import UserFactory

from .conftest import paying_dossier, processing_dossier

pytestmark = pytest.mark.django_db
RETURN = "https://dichvucong.lamdong.gov.vn/thanh-toan/ket-qua/"


def start(dossier, clock):
    return services.payment_start_online(actor=dossier.applicant, dossier=dossier, return_url=RETURN, clock=clock)


def paid_at_gateway(payment, clock):
    """The payer presses "Thanh toán" on the fake's page; returns the signed parameters it sends back."""
    txn = fake_finish(order_id=payment.order_id, pay=True, clock=clock)
    return fake_callback_params(txn)


def transitions(dossier, to):
    return TimelineEvent.objects.filter(dossier=dossier, status_to=to).count()


# --- the request -------------------------------------------------------------------------------------------


def test_the_case_officer_asks_for_the_catalogue_fees_and_the_applicant_is_told(setting, clock):
    dossier = processing_dossier(setting, clock)
    with pytest.raises(DomainError, match="Phí thẩm định hồ sơ"):  # a fee that depends on the case needs an amount
        services.payment_request(
            actor=setting.people["specialist"],
            dossier=dossier,
            lines=[LineInput(fee_id=setting.fixed_fee.pk), LineInput(fee_id=setting.open_fee.pk)],
            clock=clock,
        )
    with pytest.raises(DomainError, match="lớn hơn 0"):
        services.payment_request(actor=setting.people["specialist"], dossier=dossier, lines=[], clock=clock)
    request = services.payment_request(
        actor=setting.people["specialist"],
        dossier=dossier,
        # The catalogue's 100.000 đ stands whatever the form sends; the officer fills the open one.
        lines=[LineInput(fee_id=setting.fixed_fee.pk, amount=1), LineInput(fee_id=setting.open_fee.pk, amount=250000)],
        clock=clock,
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and dossier.paused_at is None  # this procedure does not pause
    assert request.total == 350000
    assert [(line["name"], line["amount"]) for line in request.lines] == [
        ("Lệ phí cấp Giấy chứng nhận", 100000),
        ("Phí thẩm định hồ sơ", 250000),
    ]
    note = dossier.timeline.last().note
    assert "Lệ phí cấp Giấy chứng nhận: 100.000 đồng" in note and "Tổng cộng: 350.000 đồng" in note
    told = Message.objects.filter(key__startswith=f"dossier:{dossier.pk}:paying-")
    assert sorted(told.values_list("channel", flat=True)) == ["email", "sms"]
    assert "/thanh-toan/ho-so/" in told.get(channel="email").body
    assert AuditEvent.objects.filter(action="payments.request.create").count() == 1
    with pytest.raises(DomainError):  # one open request: the dossier is no longer processing
        services.payment_request(
            actor=setting.people["specialist"], dossier=dossier, lines=[LineInput(fee_id=setting.fixed_fee.pk)]
        )


def test_only_whoever_handles_the_open_step_asks(setting, clock):
    dossier = processing_dossier(setting, clock)
    for intruder in (setting.people["other_leader"], setting.people["desk"], dossier.applicant):
        with pytest.raises(PermissionDenied):
            services.payment_request(
                actor=intruder, dossier=dossier, lines=[LineInput(fee_id=setting.fixed_fee.pk)], clock=clock
            )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and not PaymentRequest.objects.exists()


# --- callbacks ----------------------------------------------------------------------------------------------


def test_a_paid_callback_issues_one_receipt_however_often_it_arrives(setting, clock):
    dossier = paying_dossier(setting, clock)
    payment, url = start(dossier, clock)
    assert url == f"/thanh-toan/cong-gia-lap/{payment.order_id}/"
    params = paid_at_gateway(payment, clock)
    answers = [
        services.payment_callback_apply(params=params, source=source, clock=clock).answer
        for source in ("ipn", "return", "ipn", "ipn")
    ]
    assert answers == [Answer.OK, Answer.ALREADY_CONFIRMED, Answer.ALREADY_CONFIRMED, Answer.ALREADY_CONFIRMED]
    dossier.refresh_from_db()
    payment.refresh_from_db()
    assert dossier.status == Status.PROCESSING and payment.status == Payment.Status.PAID
    assert Receipt.objects.count() == 1 and transitions(dossier, Status.PROCESSING) == 2  # start + this one
    assert AuditEvent.objects.filter(action="payments.payment.paid").count() == 1
    assert Message.objects.filter(key__startswith=f"dossier:{dossier.pk}:paid-").count() == 2  # e-mail and SMS
    assert GatewayCallback.objects.count() == 4
    receipt = Receipt.objects.get()
    assert (receipt.number, receipt.total, receipt.data["gateway_txn"]) == ("0000001", 120000, payment.gateway_txn)
    assert receipt.data["total_in_words"] == "Một trăm hai mươi nghìn đồng"
    assert PaymentRequest.objects.get().status == PaymentRequest.Status.PAID


def test_a_tampered_or_unsigned_callback_changes_nothing(setting, clock):
    dossier = paying_dossier(setting, clock)
    payment, _url = start(dossier, clock)
    params = paid_at_gateway(payment, clock)
    for forged in (
        {**params, "amount": "1000"},  # changed after signing
        {**params, "signature": "0" * 64},
        {k: v for k, v in params.items() if k != "signature"},
        signed({**params, "signature": ""}, "not-the-platform-key"),
    ):
        assert services.payment_callback_apply(params=forged, source="ipn", clock=clock).answer == Answer.BAD_SIGNATURE
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and dossier.status == Status.PAYING
    assert not Receipt.objects.exists()
    assert set(GatewayCallback.objects.values_list("answer", flat=True)) == {"bad_signature"}


def test_an_unknown_order_and_another_amount_are_refused(setting, clock):
    dossier = paying_dossier(setting, clock)
    payment, _url = start(dossier, clock)
    params = paid_at_gateway(payment, clock)
    secret = FakeGateway().secret
    # Correctly signed by the platform, but not what we asked for (a platform bug, or a mixed-up merchant).
    other_amount = signed({**params, "amount": "99000", "signature": ""}, secret)
    unknown = signed({**params, "order_id": "KHONGCO", "signature": ""}, secret)
    assert services.payment_callback_apply(params=other_amount, source="ipn", clock=clock).answer == (
        Answer.AMOUNT_MISMATCH
    )
    assert services.payment_callback_apply(params=unknown, source="ipn", clock=clock).answer == Answer.UNKNOWN_ORDER
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING and not Receipt.objects.exists()
    assert AuditEvent.objects.filter(action="payments.callback.amount_mismatch").count() == 1
    # The genuine callback still goes through afterwards.
    assert services.payment_callback_apply(params=params, source="ipn", clock=clock).answer == Answer.OK


def test_a_callback_that_fails_on_our_side_is_retried_then_applied(
    setting, clock, monkeypatch, django_capture_on_commit_callbacks
):
    dossier = paying_dossier(setting, clock)
    payment, _url = start(dossier, clock)
    real_issue, calls = services._receipt_issue, []

    def failing_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("ổ đĩa đầy")  # our side fails midway, after the status had been changed
        return real_issue(**kwargs)

    monkeypatch.setattr(services, "_receipt_issue", failing_once)
    with django_capture_on_commit_callbacks(execute=True):  # the IPN task runs after commit (eager: retries at once)
        fake_finish(order_id=payment.order_id, pay=True, clock=clock)
    txn = FakeGatewayTransaction.objects.get(order_id=payment.order_id)
    assert (txn.ipn_attempts, txn.ipn_answer) == (2, "ok") and txn.ipn_delivered_at is not None
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.PAID and dossier.status == Status.PROCESSING
    assert Receipt.objects.count() == 1
    assert list(GatewayCallback.objects.values_list("answer", flat=True)) == ["ok"]  # the failed try left nothing


def test_a_cancelled_payment_leaves_the_dossier_waiting_and_a_new_order_pays(setting, clock):
    dossier = paying_dossier(setting, clock)
    first, _url = start(dossier, clock)
    cancelled = fake_callback_params(fake_finish(order_id=first.order_id, pay=False, clock=clock))
    assert services.payment_callback_apply(params=cancelled, source="return", clock=clock).answer == Answer.OK
    assert services.payment_callback_apply(params=cancelled, source="ipn", clock=clock).answer == (
        Answer.ALREADY_CONFIRMED
    )
    first.refresh_from_db()
    dossier.refresh_from_db()
    assert first.status == Payment.Status.CANCELLED and dossier.status == Status.PAYING
    second, _url = start(dossier, clock)
    assert second.order_id != first.order_id
    services.payment_callback_apply(params=paid_at_gateway(second, clock), source="ipn", clock=clock)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and Receipt.objects.get().payment == second


def test_paid_after_the_dossier_was_withdrawn_is_kept_for_refund(setting, clock):
    dossier = paying_dossier(setting, clock)
    payment, _url = start(dossier, clock)
    dossier_services.dossier_withdraw(actor=dossier.applicant, dossier=dossier, reason="Không làm nữa", clock=clock)
    services.payment_callback_apply(params=paid_at_gateway(payment, clock), source="ipn", clock=clock)
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.REFUND_DUE and dossier.status == Status.WITHDRAWN
    assert not Receipt.objects.exists()


def test_only_the_applicant_pays_online(setting, clock):
    dossier = paying_dossier(setting, clock)
    for intruder in (UserFactory(citizen=True), setting.people["desk"]):
        with pytest.raises(PermissionDenied):
            services.payment_start_online(actor=intruder, dossier=dossier, return_url=RETURN, clock=clock)
    assert not Payment.objects.exists()


# --- at the desk ---------------------------------------------------------------------------------------------


def test_the_desk_records_a_payment_at_the_counter(setting, clock):
    dossier = paying_dossier(setting, clock)
    desk = setting.people["desk"]
    for intruder in (setting.people["specialist"], setting.people["other_desk"], dossier.applicant):
        with pytest.raises(PermissionDenied):
            services.payment_record_at_desk(actor=intruder, dossier=dossier, method="cash", amount=120000, clock=clock)
    with pytest.raises(DomainError, match="phải bằng số tiền đề nghị nộp"):
        services.payment_record_at_desk(actor=desk, dossier=dossier, method="cash", amount=100000, clock=clock)
    with pytest.raises(DomainError):
        services.payment_record_at_desk(actor=desk, dossier=dossier, method="online", amount=120000, clock=clock)
    payment = services.payment_record_at_desk(
        actor=desk, dossier=dossier, method="card", amount=120000, reference="POS 004512", clock=clock
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and payment.status == Payment.Status.PAID
    receipt = payment.receipt
    assert receipt.data["collector"] == "Nguyễn Thị Mai" and receipt.data["method_label"] == "Thẻ (POS) tại quầy"
    assert receipt.data["reference"] == "POS 004512" and receipt.agency == setting.commune
    with pytest.raises(DomainError):  # nothing left to pay
        services.payment_record_at_desk(actor=desk, dossier=dossier, method="cash", amount=120000, clock=clock)


# --- the clock ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pauses", [True, False])
def test_paying_stops_the_clock_only_where_the_procedure_says_so(setting, clock, pauses):
    setting.procedure.payment_pauses_clock = pauses
    setting.procedure.save()
    dossier = processing_dossier(setting, clock)
    run = StepRun.objects.get(finished_at__isnull=True)
    due, step_due = dossier.due_at, run.due_at
    assert due == datetime(2026, 3, 24, 9, 30, tzinfo=VN_TZ)
    # Tue 10/3 09:30 asked; paid Thu 12/3 at 09:30: 16 office hours (two working days) waiting.
    services.payment_request(
        actor=setting.people["specialist"], dossier=dossier, lines=[LineInput(fee_id=setting.fixed_fee.pk)], clock=clock
    )
    dossier.refresh_from_db()
    assert (dossier.paused_at is not None) is pauses
    clock.advance(timedelta(days=2))
    services.payment_record_at_desk(
        actor=setting.people["desk"], dossier=dossier, method="cash", amount=100000, clock=clock
    )
    dossier.refresh_from_db()
    run.refresh_from_db()
    moved = timedelta(days=2) if pauses else timedelta(0)
    assert dossier.due_at - due == moved and run.due_at - step_due == moved and dossier.paused_at is None
    if pauses:
        assert dossier.due_at == datetime(2026, 3, 26, 9, 30, tzinfo=VN_TZ)
        assert "hẹn trả kết quả lùi đến 09:30 26/03/2026" in dossier.timeline.last().note


def test_a_pause_overnight_adds_only_the_office_time_inside_it(setting, clock):
    setting.procedure.payment_pauses_clock = True
    setting.procedure.save()
    dossier = processing_dossier(setting, clock)
    due = dossier.due_at
    clock.set(datetime(2026, 3, 10, 16, 0, tzinfo=VN_TZ))
    services.payment_request(
        actor=setting.people["specialist"], dossier=dossier, lines=[LineInput(fee_id=setting.fixed_fee.pk)], clock=clock
    )
    clock.set(datetime(2026, 3, 11, 8, 15, tzinfo=VN_TZ))  # 16:00-17:00 and 07:00-08:15: 2 h 15 min of office time
    services.payment_record_at_desk(
        actor=setting.people["desk"], dossier=dossier, method="cash", amount=100000, clock=clock
    )
    dossier.refresh_from_db()
    # Due Tue 24/3 09:30 + 2 h 15 min of office time: 2 h to the lunch break, 15 min after it.
    assert due == datetime(2026, 3, 24, 9, 30, tzinfo=VN_TZ)
    assert dossier.due_at == datetime(2026, 3, 24, 13, 45, tzinfo=VN_TZ)


# --- reconciliation --------------------------------------------------------------------------------------------


def test_the_daily_reconciliation_finds_each_kind_of_discrepancy(setting, clock):
    orders = {}
    for name in ("matched", "missing_here", "missing_at_gateway", "amount_differs"):
        dossier = paying_dossier(setting, clock, key=name)
        payment, _url = start(dossier, clock)
        params = paid_at_gateway(payment, clock)
        if name != "missing_here":  # that one's IPN never arrived and the payer closed the browser
            services.payment_callback_apply(params=params, source="ipn", clock=clock)
        orders[name] = payment.order_id
    # The platform's own book says otherwise for two of them.
    FakeGatewayTransaction.objects.filter(order_id=orders["missing_at_gateway"]).update(status="reversed")
    FakeGatewayTransaction.objects.filter(order_id=orders["amount_differs"]).update(amount=12000)
    # A desk payment is not the platform's business.
    desk_paid = paying_dossier(setting, clock, key="desk")
    services.payment_record_at_desk(
        actor=setting.people["desk"], dossier=desk_paid, method="cash", amount=120000, clock=clock
    )

    report = services.reconciliation_run(actor=None, day=date(2026, 3, 10), clock=clock)
    assert (report.matched_count, report.matched_amount) == (1, 120000)
    assert (report.ours_count, report.gateway_count) == (3, 3)
    found = {(d.kind, d.order_id, d.our_amount, d.gateway_amount) for d in report.discrepancies.all()}
    assert found == {
        (Discrepancy.Kind.MISSING_HERE, orders["missing_here"], None, 120000),
        (Discrepancy.Kind.MISSING_AT_GATEWAY, orders["missing_at_gateway"], 120000, None),
        (Discrepancy.Kind.AMOUNT_DIFFERS, orders["amount_differs"], 120000, 12000),
    }
    assert all(d.agency == setting.commune and d.dossier_code for d in report.discrepancies.all())
    # Receipts are numbered per agency and year, without gaps.
    assert sorted(Receipt.objects.values_list("number", flat=True)) == ["0000001", "0000002", "0000003", "0000004"]

    # Beat runs it again (or an operator does, after the late IPN arrives): still one report for the day.
    services.payment_callback_apply(
        params=fake_callback_params(FakeGatewayTransaction.objects.get(order_id=orders["missing_here"])),
        source="ipn",
        clock=clock,
    )
    assert reconcile_daily("2026-03-10") == report.pk
    report = Reconciliation.objects.get()
    assert report.matched_count == 2 and report.discrepancies.count() == 2
    assert services.reconciliation_run(actor=None, day=date(2026, 3, 11), clock=clock).discrepancies.count() == 0
