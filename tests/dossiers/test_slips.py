"""The desk's slips as PDF: what a citizen reads on them, their verification code, and their pages."""

from __future__ import annotations

import dataclasses
import re
import socket
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from weasyprint.formatting_structure.boxes import TextBox

from egov.core.clock import VN_TZ
from egov.dossiers.slips import (
    SLIP_FORMS,
    SLIP_TITLES,
    SlipComponent,
    SlipData,
    SlipKind,
    render_slip,
    render_slip_document,
    slip_content_hash,
    slip_html,
    slip_verification_url,
)

CODE = "000.00.04.H39-261124-0007"
APPLICANT = "Nguyễn Thị Hồng Nhung"
TRACKING = "https://dichvucong.lamdong.gov.vn/tra-cuu/"

COMPONENTS = (
    SlipComponent("Tờ khai đăng ký khai sinh theo mẫu", 1, 0),
    SlipComponent("Giấy chứng sinh do cơ sở y tế nơi trẻ em sinh ra cấp", 1, 0),
    SlipComponent("Giấy chứng nhận kết hôn của cha, mẹ trẻ em (nếu cha, mẹ đã đăng ký kết hôn)", 0, 1),
    SlipComponent("Căn cước công dân hoặc hộ chiếu của người đi đăng ký khai sinh", 0, 1),
    SlipComponent("Văn bản ủy quyền có chứng thực (trường hợp ủy quyền đăng ký khai sinh)", 1, 0),
    SlipComponent("Giấy tờ chứng minh nơi cư trú của cha hoặc mẹ", 0, 2),
)
ITEMS = (
    "Giấy chứng sinh: bản đã nộp bị mờ, không đọc được họ tên người mẹ; nộp bản chính rõ nét.",
    "Tờ khai đăng ký khai sinh: thiếu chữ ký của người đi đăng ký ở mục cuối.",
    "Bổ sung văn bản ủy quyền có chứng thực vì người nộp không phải là cha hoặc mẹ của trẻ.",
)
REFUSAL_REASON = "Thửa đất nằm trong khu vực đã có quyết định thu hồi đất để thực hiện dự án hồ Tuyền Lâm."


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


def make_slip(kind: SlipKind = SlipKind.RECEIPT, **changes: Any) -> SlipData:
    """A birth registration at the ward of Xuân Hương - Đà Lạt, as the desk would issue it."""
    data = SlipData(
        kind=kind,
        dossier_code=CODE,
        procedure_code="1.001193",
        procedure_name="Đăng ký khai sinh",
        agency_name="Ủy ban nhân dân Phường Xuân Hương - Đà Lạt",
        parent_agency_name="UBND TỈNH LÂM ĐỒNG",
        applicant_name=APPLICANT,
        applicant_address="Số 12 đường Trần Hưng Đạo, Phường Xuân Hương - Đà Lạt, tỉnh Lâm Đồng",
        applicant_phone="0912 345 678",
        applicant_email="hongnhung.nguyen@gmail.com",
        channel_label="Trực tiếp",
        issued_at=at(2026, 11, 24, 15, 20),
        officer_name="Trần Văn Quý",
        tracking_url=TRACKING,
    )
    if kind == SlipKind.RECEIPT:
        data = dataclasses.replace(
            data,
            received_at=at(2026, 11, 24, 15, 20),
            due_at=at(2026, 11, 25, 17, 0),
            due_explanation="Hồ sơ nhận lúc 15:20 thứ Ba nên được tính từ 7:00 thứ Tư; 1 ngày làm việc.",
            components=COMPONENTS,
            location_for_result="Bộ phận Một cửa, Ủy ban nhân dân Phường Xuân Hương - Đà Lạt",
        )
    elif kind == SlipKind.SUPPLEMENT:
        data = dataclasses.replace(data, items=ITEMS, reason="Hồ sơ chưa đầy đủ, chưa hợp lệ.")
    elif kind == SlipKind.APOLOGY:
        data = dataclasses.replace(
            data,
            reason="Phải lấy ý kiến Sở Xây dựng.",
            received_at=at(2026, 11, 10, 9, 0),
            due_at=at(2026, 12, 4, 17, 0),
        )
    else:
        data = dataclasses.replace(data, reason=REFUSAL_REASON)
    return dataclasses.replace(data, **changes)


def text_of(document: Any) -> str:
    """The words laid out on every page (body and margins), whitespace collapsed: what a reader sees."""
    words = [box.text for page in document.pages for box in page._page_box.descendants() if isinstance(box, TextBox)]
    return " ".join(" ".join(words).split())


def pages_text(document: Any) -> list[str]:
    return [
        " ".join(" ".join(b.text for b in page._page_box.descendants() if isinstance(b, TextBox)).split())
        for page in document.pages
    ]


def grouped_code(data: SlipData) -> str:
    head = slip_content_hash(data)[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """A slip renders offline: any attempt to open a connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rendering a slip tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def documents() -> dict[SlipKind, Any]:
    # Rendered once for the module: layout is the slow part, and every check below only reads it.
    return {kind: render_slip_document(make_slip(kind)) for kind in SlipKind}


class TestEverySlip:
    @pytest.mark.parametrize("kind", list(SlipKind))
    def test_is_a_pdf(self, kind: SlipKind) -> None:
        pdf = render_slip(make_slip(kind))
        assert pdf.startswith(b"%PDF-")
        assert b"%%EOF" in pdf[-32:]

    @pytest.mark.parametrize("kind", list(SlipKind))
    def test_shows_title_code_applicant_and_verification(self, documents: dict, kind: SlipKind) -> None:
        data = make_slip(kind)
        text = text_of(documents[kind])
        assert len(documents[kind].pages) >= 1
        assert SLIP_TITLES[kind] in text
        assert CODE in text
        assert APPLICANT in text
        assert f"Mã xác thực: {grouped_code(data)}" in text
        assert "Để kiểm tra phiếu này là thật, quét mã QR" in text
        assert TRACKING in text

    @pytest.mark.parametrize("kind", list(SlipKind))
    def test_has_the_national_header_and_the_agency(self, documents: dict, kind: SlipKind) -> None:
        text = text_of(documents[kind])
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "UBND TỈNH LÂM ĐỒNG" in text
        assert "ỦY BAN NHÂN DÂN PHƯỜNG XUÂN HƯƠNG - ĐÀ LẠT" in text
        assert "Lâm Đồng, ngày 24 tháng 11 năm 2026" in text
        assert "Trần Văn Quý" in text
        assert SLIP_FORMS[kind].number in text

    def test_titles_are_the_model_forms(self) -> None:
        assert SLIP_TITLES == {
            SlipKind.RECEIPT: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            SlipKind.SUPPLEMENT: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            SlipKind.REFUSAL: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            SlipKind.STOP: "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
            SlipKind.APOLOGY: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        }
        kinds = (SlipKind.RECEIPT, SlipKind.SUPPLEMENT, SlipKind.REFUSAL, SlipKind.APOLOGY)
        assert [SLIP_FORMS[k].number for k in kinds] == ["Mẫu số 01", "Mẫu số 02", "Mẫu số 03", "Mẫu số 04"]

    def test_early_days_and_months_take_a_leading_zero(self) -> None:
        html = slip_html(make_slip(SlipKind.REFUSAL, issued_at=at(2026, 2, 5, 9, 0)))
        assert "Lâm Đồng, ngày 05 tháng 02 năm 2026" in html
        html = slip_html(make_slip(SlipKind.REFUSAL, issued_at=at(2026, 3, 5, 9, 0)))
        assert "Lâm Đồng, ngày 05 tháng 3 năm 2026" in html

    def test_the_date_is_the_vietnamese_one_even_from_a_utc_moment(self) -> None:
        # 18:00 UTC on the 24th is 01:00 on the 25th in Lâm Đồng.
        html = slip_html(make_slip(SlipKind.REFUSAL, issued_at=datetime(2026, 11, 24, 18, 0, tzinfo=UTC)))
        assert "ngày 25 tháng 11 năm 2026" in html

    def test_text_typed_with_markup_is_printed_as_text_and_fetches_nothing(self) -> None:
        name = 'Lê Văn A <img src="http://example.invalid/x.png">'
        text = text_of(render_slip_document(make_slip(SlipKind.REFUSAL, applicant_name=name)))
        # A long name may wrap anywhere; what matters is that the markup is there, as characters.
        assert name.replace(" ", "") in text.replace(" ", "")


class TestReceipt:
    def test_fits_one_a5_page_with_six_documents(self, documents: dict) -> None:
        document = documents[SlipKind.RECEIPT]
        assert len(document.pages) == 1
        # A5 portrait in CSS pixels (148 × 210 mm at 96 px per inch).
        assert round(document.pages[0].width * 25.4 / 96) == 148
        assert round(document.pages[0].height * 25.4 / 96) == 210

    def test_lists_received_documents_and_times(self, documents: dict) -> None:
        text = text_of(documents[SlipKind.RECEIPT])
        for column in ("STT", "Tên giấy tờ", "Bản chính", "Bản sao"):
            assert column in text
        for component in COMPONENTS:
            assert component.name in text
        assert "Thời gian nhận hồ sơ: 15:20, ngày 24/11/2026" in text
        assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 25 tháng 11 năm 2026" in text
        assert "Hồ sơ nhận lúc 15:20 thứ Ba nên được tính từ 7:00 thứ Tư" in text
        assert "Nhận kết quả tại: Bộ phận Một cửa" in text
        assert "NGƯỜI NỘP HỒ SƠ" in text
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text

    def test_online_receipt_has_no_applicant_signature(self) -> None:
        html = slip_html(make_slip(channel_label="Trực tuyến"))
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in html
        assert "NGƯỜI NỘP HỒ SƠ" not in html

    def test_twenty_five_documents_run_onto_a_second_page_with_the_header_repeated(self) -> None:
        names = [f"Giấy tờ số {n}: bản vẽ thiết kế mặt bằng công trình trên lô đất" for n in range(1, 26)]
        data = make_slip(components=tuple(SlipComponent(name, 1, 1) for name in names))
        document = render_slip_document(data)
        assert len(document.pages) == 2
        first, second = pages_text(document)
        assert "Tên giấy tờ" in first
        assert "Tên giấy tờ" in second
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in second
        assert CODE in second
        assert re.search(r"Trang 2\s*/\s*2", second)
        everything = first + " " + second
        assert all(name in everything for name in names)

    def test_a_receipt_without_a_due_moment_is_refused(self) -> None:
        with pytest.raises(ValueError, match="hẹn trả"):
            render_slip(make_slip(due_at=None))


class TestSupplement:
    def test_numbers_every_item_and_says_it_is_asked_once(self, documents: dict) -> None:
        document = documents[SlipKind.SUPPLEMENT]
        text = text_of(document)
        for item in ITEMS:
            assert item in text
        assert "Lý do: Hồ sơ chưa đầy đủ, chưa hợp lệ." in text
        assert "một lần tất cả các nội dung cần bổ sung" in text
        for number, item in enumerate(ITEMS, start=1):
            assert f"{number}. {item}" in text

    def test_without_items_is_refused(self) -> None:
        with pytest.raises(ValueError, match="bổ sung"):
            render_slip(make_slip(SlipKind.SUPPLEMENT, items=("  ",)))


class TestRefusal:
    def test_states_the_reason(self, documents: dict) -> None:
        text = text_of(documents[SlipKind.REFUSAL])
        assert "từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau" in text
        assert REFUSAL_REASON in text
        assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text

    def test_without_reason_is_refused(self) -> None:
        with pytest.raises(ValueError, match="lý do"):
            render_slip(make_slip(SlipKind.REFUSAL, reason=""))


def changed(value: Any) -> Any:
    """A different value of the same type."""
    if isinstance(value, SlipKind):
        return SlipKind.REFUSAL if value != SlipKind.REFUSAL else SlipKind.RECEIPT
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, datetime):
        return value + timedelta(minutes=1)
    if value is None:
        return at(2026, 12, 1, 8, 0)
    if isinstance(value, tuple) and value and isinstance(value[0], SlipComponent):
        return (dataclasses.replace(value[0], copies=value[0].copies + 1), *value[1:])
    if isinstance(value, tuple):
        return (*value, "Một nội dung khác")
    raise AssertionError(f"no change for {value!r}")


class TestContentHash:
    def test_is_stable(self) -> None:
        digest = slip_content_hash(make_slip())
        assert digest == slip_content_hash(make_slip())
        assert len(digest) == 64
        assert int(digest, 16) >= 0

    @pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(SlipData)])
    def test_changes_when_any_field_changes(self, field: str) -> None:
        for kind in SlipKind:
            data = make_slip(kind)
            other = dataclasses.replace(data, **{field: changed(getattr(data, field))})
            assert slip_content_hash(other) != slip_content_hash(data), (kind, field)

    def test_changes_when_a_component_count_changes(self) -> None:
        data = make_slip()
        fewer = (dataclasses.replace(COMPONENTS[0], originals=0), *COMPONENTS[1:])
        assert slip_content_hash(dataclasses.replace(data, components=fewer)) != slip_content_hash(data)

    def test_same_text_and_moment_written_differently_give_the_same_hash(self) -> None:
        data = make_slip()
        decomposed = unicodedata.normalize("NFD", APPLICANT)
        assert decomposed != APPLICANT
        assert slip_content_hash(dataclasses.replace(data, applicant_name=decomposed)) == slip_content_hash(data)
        in_utc = data.issued_at.astimezone(UTC)
        assert slip_content_hash(dataclasses.replace(data, issued_at=in_utc)) == slip_content_hash(data)


class TestVerificationUrl:
    def test_carries_the_dossier_code_and_the_short_hash(self) -> None:
        data = make_slip()
        url = slip_verification_url(data)
        assert url.startswith(TRACKING + "?")
        query = parse_qs(urlsplit(url).query)
        assert query == {"ma": [CODE], "h": [slip_content_hash(data)[:16]]}

    def test_encodes_the_code_and_keeps_an_existing_query(self) -> None:
        data = make_slip(
            dossier_code="H39 26/0007&x", tracking_url="https://dichvucong.lamdong.gov.vn/tra-cuu/?lang=vi"
        )
        url = slip_verification_url(data)
        assert "H39+26%2F0007%26x" in url
        assert parse_qs(urlsplit(url).query) == {
            "lang": ["vi"],
            "ma": ["H39 26/0007&x"],
            "h": [slip_content_hash(data)[:16]],
        }
