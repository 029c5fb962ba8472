"""The pages: the applicant pays through the fake gateway's pages; officials ask and take fees; who may not."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from egov.dossiers.models import Status
from egov.payments import services
from egov.payments.gateway import fake_callback_params, fake_finish
from egov.payments.models import FakeGatewayTransaction, GatewayCallback, Payment, Receipt
from tests.factories import UserFactory

from .conftest import paying_dossier, processing_dossier

pytestmark = pytest.mark.django_db


def test_the_applicant_pays_online_through_the_gateway_pages(
    client, setting, clock, django_capture_on_commit_callbacks
):
    dossier = paying_dossier(setting, clock)
    client.force_login(dossier.applicant)
    detail = client.get(reverse("dossiers:detail", args=[dossier.code])).content.decode()
    assert reverse("payments:dossier", args=[dossier.code]) in detail
    page = client.get(reverse("payments:dossier", args=[dossier.code])).content.decode()
    assert "Lệ phí cấp Giấy chứng nhận" in page and "120.000 đồng" in page and "Thanh toán trực tuyến" in page

    to_gateway = client.post(reverse("payments:pay_online", args=[dossier.code]))
    payment = Payment.objects.get()
    assert to_gateway.status_code == 302 and to_gateway.url == f"/thanh-toan/cong-gia-lap/{payment.order_id}/"
    gateway_page = client.get(to_gateway.url).content.decode()
    for shown in ("Cổng thanh toán giả lập (demo)", "120.000 đồng", "EGOVLAMDONG", payment.order_id, "Hủy giao dịch"):
        assert shown in gateway_page

    with django_capture_on_commit_callbacks(execute=True):  # the IPN leaves after the gateway's commit
        back = client.post(to_gateway.url, {"action": "pay"})
    assert back.status_code == 302 and back.url.startswith("http://testserver/thanh-toan/ket-qua/?")
    assert set(parse_qs(urlsplit(back.url).query)) >= {"order_id", "amount", "txn_no", "signature"}
    txn = FakeGatewayTransaction.objects.get()
    assert txn.ipn_answer == "ok"  # the IPN arrived first and applied the payment
    result = client.get(back.url)
    assert result.status_code == 200 and "Đã thanh toán 120.000 đồng" in result.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert list(GatewayCallback.objects.order_by("id").values_list("source", "answer")) == [
        ("ipn", "ok"),
        ("return", "already_confirmed"),
    ]

    # The same IPN posted again over HTTP: acknowledged, nothing more.
    again = client.post(reverse("payments:ipn"), fake_callback_params(txn))
    assert again.json() == {"code": "already_confirmed", "RspCode": "02", "Message": "Order already confirmed"}
    receipt = Receipt.objects.get()
    page = client.get(reverse("payments:dossier", args=[dossier.code])).content.decode()
    assert reverse("payments:receipt", args=[receipt.public_id]) in page
    pdf = client.get(reverse("payments:receipt", args=[receipt.public_id]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_return_page_applies_the_payment_when_it_comes_before_the_ipn(
    client, setting, clock, django_capture_on_commit_callbacks
):
    dossier = paying_dossier(setting, clock)
    client.force_login(dossier.applicant)
    to_gateway = client.post(reverse("payments:pay_online", args=[dossier.code]))
    with django_capture_on_commit_callbacks(execute=False) as pending:  # the IPN is late
        back = client.post(to_gateway.url, {"action": "pay"})
    assert "Đã thanh toán" in client.get(back.url).content.decode()
    for callback in pending:
        callback()
    assert FakeGatewayTransaction.objects.get().ipn_answer == "already_confirmed"
    assert Receipt.objects.count() == 1


def test_a_tampered_return_is_refused_and_changes_nothing(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    client.force_login(dossier.applicant)
    to_gateway = client.post(reverse("payments:pay_online", args=[dossier.code]))
    back = client.post(to_gateway.url, {"action": "pay"})  # (no IPN: callbacks are not run here)
    tampered = back.url.replace("amount=120000", "amount=1200")
    assert tampered != back.url
    page = client.get(tampered)
    assert page.status_code == 400 and "không hợp lệ" in page.content.decode()
    ipn = client.post(
        reverse("payments:ipn"), {**fake_callback_params(FakeGatewayTransaction.objects.get()), "txn_no": "X"}
    )
    assert ipn.json()["code"] == "bad_signature"
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and Payment.objects.get().status == Payment.Status.PENDING
    assert not Receipt.objects.exists()


def test_cancel_on_the_gateway_leaves_the_dossier_waiting(client, setting, clock, django_capture_on_commit_callbacks):
    dossier = paying_dossier(setting, clock)
    client.force_login(dossier.applicant)
    first = client.post(reverse("payments:pay_online", args=[dossier.code])).url
    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(first, {"action": "cancel"})
    assert "có thể thanh toán lại" in client.get(back.url).content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and Payment.objects.get().status == Payment.Status.CANCELLED
    second = client.post(reverse("payments:pay_online", args=[dossier.code])).url
    assert second != first
    with django_capture_on_commit_callbacks(execute=True):
        client.post(second, {"action": "pay"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and Receipt.objects.count() == 1


def test_nobody_else_sees_or_pays_the_applicants_fees(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    services.payment_record_at_desk(actor=setting.people["desk"], dossier=dossier, method="cash", amount=120000)
    receipt = Receipt.objects.get()
    for intruder in (UserFactory(citizen=True), setting.people["other_desk"], setting.people["other_leader"]):
        client.force_login(intruder)
        assert client.get(reverse("payments:dossier", args=[dossier.code])).status_code == 404
        assert client.post(reverse("payments:pay_online", args=[dossier.code])).status_code == 404
        assert client.get(reverse("payments:receipt", args=[receipt.public_id])).status_code == 404
    client.force_login(setting.people["desk"])  # officials of the dossier open the receipt
    assert client.get(reverse("payments:receipt", args=[receipt.public_id])).status_code == 200
    client.logout()
    assert client.get(reverse("payments:receipt", args=[receipt.public_id])).status_code == 302  # to sign in


def test_the_case_officer_asks_from_the_steps_page_and_others_cannot(client, setting, clock):
    dossier = processing_dossier(setting, clock)
    client.force_login(setting.people["specialist"])
    steps = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert reverse("payments:request", args=[dossier.code]) in steps
    form = client.get(reverse("payments:request", args=[dossier.code])).content.decode()
    assert "100.000 đồng" in form and f'name="amount_{setting.open_fee.pk}"' in form
    url = reverse("payments:request", args=[dossier.code])
    fixed, open_fee = f"include_{setting.fixed_fee.pk}", f"include_{setting.open_fee.pk}"
    for intruder, status in ((setting.people["other_leader"], 404), (setting.people["desk"], 403)):
        client.force_login(intruder)
        assert client.post(url, {fixed: "on"}).status_code == status
    client.force_login(dossier.applicant)
    assert client.get(url).status_code == 403  # officials' page
    client.force_login(setting.people["specialist"])
    missing = client.post(url, {fixed: "on", open_fee: "on"})
    assert missing.status_code == 400 and "Cần nhập số tiền" in missing.content.decode()
    done = client.post(url, {fixed: "on", open_fee: "on", f"amount_{setting.open_fee.pk}": "35.000"})
    assert done.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and dossier.payment_requests.get().total == 135000
    steps = client.get(reverse("workflow:steps", args=[dossier.code])).content.decode()
    assert reverse("payments:desk", args=[dossier.code]) in steps


def test_the_desk_takes_the_fee_at_the_counter(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    url = reverse("payments:desk", args=[dossier.code])
    client.force_login(setting.people["specialist"])  # sees the dossier, but does not work at the desk
    assert client.get(url).status_code == 403
    client.force_login(setting.people["other_desk"])
    assert client.get(url).status_code == 404
    client.force_login(setting.people["desk"])
    assert "120.000 đồng" in client.get(url).content.decode()
    client.post(url, {"method": "cash", "amount": "100.000"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING  # wrong amount: refused with a message
    page = client.post(url, {"method": "cash", "amount": "120.000"}, follow=True).content.decode()
    receipt = Receipt.objects.get()
    assert reverse("payments:receipt", args=[receipt.public_id]) in page
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_the_receipt_qr_code_checks_its_hash(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    services.payment_record_at_desk(actor=setting.people["desk"], dossier=dossier, method="cash", amount=120000)
    receipt = Receipt.objects.get()
    url = reverse("payments:receipt_verify")
    good = client.get(url, {"ma": str(receipt.public_id), "h": receipt.content_hash[:16]}).content.decode()
    assert "Biên lai hợp lệ" in good and "120.000 đồng" in good and dossier.applicant_name not in good
    assert "Không tìm thấy" in client.get(url, {"ma": str(receipt.public_id), "h": "0" * 16}).content.decode()
    assert "Không tìm thấy" in client.get(url, {"ma": "khong-phai-uuid", "h": "0" * 16}).content.decode()
    Receipt.objects.filter(pk=receipt.pk).update(data={**receipt.data, "total": 1})  # changed behind our back
    assert (
        "Không tìm thấy"
        in client.get(url, {"ma": str(receipt.public_id), "h": receipt.content_hash[:16]}).content.decode()
    )


def test_reconciliation_pages_for_administrators_only(client, setting, clock, province_admin):
    from datetime import date

    dossier = paying_dossier(setting, clock)
    payment, _url = services.payment_start_online(
        actor=dossier.applicant, dossier=dossier, return_url="http://testserver/thanh-toan/ket-qua/", clock=clock
    )
    fake_finish(order_id=payment.order_id, pay=True, clock=clock)  # paid at the gateway; the IPN never came
    report = services.reconciliation_run(actor=None, day=date(2026, 3, 10), clock=clock)
    for user, sees_line in (
        (province_admin, True),
        (setting.people["commune_admin"], True),
        (setting.people["other_admin"], False),
    ):
        client.force_login(user)
        listing = client.get(reverse("payments:reconciliations")).content.decode()
        assert "10/03/2026" in listing
        page = client.get(reverse("payments:reconciliation", args=[report.pk])).content.decode()
        assert (payment.order_id in page) is sees_line
    for user in (setting.people["specialist"], dossier.applicant):
        client.force_login(user)
        assert client.get(reverse("payments:reconciliations")).status_code == 403


def test_the_fake_gateway_page_exists_only_with_the_fake_backend(client, setting, clock, settings):
    dossier = paying_dossier(setting, clock)
    _payment, url = services.payment_start_online(
        actor=dossier.applicant, dossier=dossier, return_url="http://testserver/", clock=clock
    )
    settings.PAYMENT_GATEWAY_BACKEND = "tests.payments.test_pages.RealLookingGateway"
    assert client.get(url).status_code == 404
    assert FakeGatewayTransaction.objects.get().status == "pending"


class RealLookingGateway:
    name = "real"
