"""E-forms: officials define the fields (versioned); citizens get them prefilled; answers are kept."""

import pytest

from egov.catalog.eforms import build_form, fields_clean, form_values
from egov.core.errors import DomainError

FIELDS = [
    {"name": "ho_ten_tre", "label": "Họ và tên trẻ", "type": "text", "required": True},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "gioi_tinh", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"], "required": True},
    {"name": "nguoi_khai", "label": "Người khai", "type": "text", "prefill": "full_name"},
    {"name": "dien_thoai", "label": "Điện thoại", "type": "phone", "prefill": "phone"},
]


def test_bad_definitions_are_listed():
    with pytest.raises(DomainError) as exc:
        fields_clean(
            [
                {"name": "Họ tên", "label": "x"},
                {"name": "a", "label": "", "type": "choice", "choices": ["một"]},
                {"name": "a", "label": "b", "type": "video", "prefill": "password"},
            ]
        )
    message = exc.value.message
    for expected in (
        "Trường 1: tên",
        "Trường 2: thiếu nhãn",
        "ít nhất 2 lựa chọn",
        "Trường 3: tên “a” bị trùng",
        "kiểu “video”",
        "không điền sẵn được từ “password”",
    ):
        assert expected in message


def test_answers_are_checked_by_type():
    form_class = build_form(fields_clean(FIELDS))
    form = form_class({"ef_ho_ten_tre": "Nguyễn Bảo An", "ef_ngay_sinh": "31/02/2026", "ef_gioi_tinh": "Khác"})
    assert not form.is_valid()
    assert set(form.errors) == {"ef_ngay_sinh", "ef_gioi_tinh"}
    ok = form_class({"ef_ho_ten_tre": "Nguyễn Bảo An", "ef_ngay_sinh": "01/02/2026", "ef_gioi_tinh": "Nữ"})
    assert ok.is_valid()
    assert form_values(fields_clean(FIELDS), ok.cleaned_data)["ngay_sinh"] == "2026-02-01"
