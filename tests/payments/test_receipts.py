"""The electronic receipt: amount in words, its hash, and the A5 PDF a payer reads."""

from __future__ import annotations

import unicodedata

import pytest
from weasyprint.formatting_structure.boxes import TextBox

from egov.dossiers.slips import render_html_document
from egov.payments import services
from egov.payments.receipts import amount_in_words, receipt_content_hash, receipt_html, receipt_intact

from .conftest import paying_dossier


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (105, "Một trăm linh năm đồng"),
        (50000, "Năm mươi nghìn đồng"),
        (100000, "Một trăm nghìn đồng"),
        (1005000, "Một triệu không trăm linh năm nghìn đồng"),
        (2350000, "Hai triệu ba trăm năm mươi nghìn đồng"),
        (1000000000, "Một tỷ đồng"),
    ],
)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_the_hash_ignores_how_a_name_was_typed_and_sees_any_change():
    data = {"payer_name": "Trần Thị Thu Hà", "total": 120000}
    decomposed = {**data, "payer_name": unicodedata.normalize("NFD", data["payer_name"])}
    assert decomposed != data
    assert receipt_content_hash(decomposed) == receipt_content_hash(data)
    assert receipt_content_hash({**data, "total": 120001}) != receipt_content_hash(data)


def _text(document) -> str:
    words = []
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, TextBox):
                words.append(box.text)
            stack.extend(reversed(getattr(box, "children", [])))
    return " ".join(words)


@pytest.mark.django_db
def test_the_receipt_prints_on_one_a5_page(setting, clock, tmp_path):
    dossier = paying_dossier(setting, clock, amount=1005000)
    payment = services.payment_record_at_desk(
        actor=setting.people["desk"], dossier=dossier, method="cash", amount=1105000, clock=clock
    )
    receipt = payment.receipt
    assert receipt_intact(receipt)
    document = render_html_document(receipt_html(receipt))
    assert len(document.pages) == 1
    width_mm = document.pages[0].width * 25.4 / 96
    assert round(width_mm) == 148  # A5 portrait
    text = " ".join(_text(document).split())
    for shown in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "BL26E",
        "0000001",
        "Trần Thị Thu Hà",
        dossier.code,
        "Lệ phí: Lệ phí cấp Giấy chứng nhận",
        "1.105.000",
        "Một triệu một trăm linh năm nghìn đồng",
        "Tiền mặt tại quầy",
        "Nguyễn Thị Mai",
        "Lâm Đồng, ngày 10 tháng 3 năm 2026",
    ):
        assert shown in text, shown
    code = receipt.content_hash[:16].upper()
    assert "-".join(code[i : i + 4] for i in range(0, 16, 4)) in text
    (tmp_path / "receipt.pdf").write_bytes(document.write_pdf())
