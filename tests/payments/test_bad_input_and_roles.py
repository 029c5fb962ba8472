"""Payments: forged receipt rows, odd amounts and who may take cash at the counter."""

import pytest
from django.urls import reverse

from egov.dossiers.models import Status
from egov.payments import services
from egov.payments.models import PaymentRequest, Receipt
from egov.payments.receipts import receipt_verification_url
from tests.payments.conftest import paying_dossier, processing_dossier

pytestmark = pytest.mark.django_db


def test_the_receipt_check_refuses_a_row_whose_amount_was_changed(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    services.payment_record_at_desk(
        actor=setting.people["desk"], dossier=dossier, method="cash", amount=120000, clock=clock
    )
    receipt = Receipt.objects.get()
    url = receipt_verification_url(receipt).split("8000", 1)[1]
    assert "Biên lai hợp lệ" in client.get(url).content.decode()
    Receipt.objects.filter(pk=receipt.pk).update(total=1_000)  # changed in the database, the data left alone
    page = client.get(url).content.decode()
    assert "Biên lai hợp lệ" not in page and "1.000 đồng" not in page


@pytest.mark.parametrize("typed", ["²", "¹²⁰⁰⁰⁰", "9" * 20, "12a"])
def test_an_amount_that_is_not_a_number_is_explained(client, setting, clock, typed):
    dossier = processing_dossier(setting, clock)
    client.force_login(setting.people["specialist"])
    response = client.post(
        reverse("payments:request", args=[dossier.code]),
        {f"include_{setting.open_fee.pk}": "on", f"amount_{setting.open_fee.pk}": typed},
    )
    assert response.status_code == 400 and not PaymentRequest.objects.exists()


def test_an_amount_too_large_to_write_on_a_receipt_is_refused(client, setting, clock):
    dossier = processing_dossier(setting, clock)
    client.force_login(setting.people["specialist"])
    response = client.post(
        reverse("payments:request", args=[dossier.code]),
        {f"include_{setting.open_fee.pk}": "on", f"amount_{setting.open_fee.pk}": "1" + "0" * 14},
    )
    assert response.status_code == 400 and "Số tiền quá lớn" in response.content.decode()
    assert not PaymentRequest.objects.exists()


def test_the_desk_form_explains_a_strange_amount(client, setting, clock):
    dossier = paying_dossier(setting, clock)
    client.force_login(setting.people["desk"])
    client.post(reverse("payments:desk", args=[dossier.code]), {"method": "cash", "amount": "¹²⁰⁰⁰⁰"})
    dossier.refresh_from_db()
    assert dossier.status == Status.PAYING and not Receipt.objects.exists()


def test_a_province_administrator_does_not_take_cash_at_the_counter(client, setting, clock, province_admin):
    dossier = paying_dossier(setting, clock)
    client.force_login(province_admin)
    response = client.post(reverse("payments:desk", args=[dossier.code]), {"method": "cash", "amount": "120000"})
    dossier.refresh_from_db()
    assert response.status_code == 403 and dossier.status == Status.PAYING and not Receipt.objects.exists()


def test_the_reconciliation_command_explains_a_bad_day():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("payments_reconcile", "--day", "2026-13-45")


def test_an_agency_administrator_does_not_see_the_provinces_takings(client, setting, clock, province_admin):
    from datetime import date

    from egov.payments.gateway import fake_callback_params, fake_finish

    dossier = paying_dossier(setting, clock)
    payment, _ = services.payment_start_online(
        actor=dossier.applicant, dossier=dossier, return_url="http://testserver/thanh-toan/ket-qua/", clock=clock
    )
    txn = fake_finish(order_id=payment.order_id, pay=True, clock=clock)
    services.payment_callback_apply(params=fake_callback_params(txn), source="ipn", clock=clock)
    report = services.reconciliation_run(actor=None, day=date(2026, 3, 10), clock=clock)
    pages = (reverse("payments:reconciliations"), reverse("payments:reconciliation", args=[report.pk]))
    client.force_login(setting.people["other_admin"])  # another agency's administrator
    for url in pages:
        assert "120.000 đồng" not in client.get(url).content.decode()
    client.force_login(province_admin)
    for url in pages:
        assert "120.000 đồng" in client.get(url).content.decode()
