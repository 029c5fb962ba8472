from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from egov.accounts.validation import normalize_personal_id, normalize_tax_code
from egov.core.errors import DomainError


@pytest.mark.parametrize("value", ["068190000123", "001203012345", " 079 085 001 234 "])
def test_valid_personal_ids(value):
    assert normalize_personal_id(value, today=date(2026, 1, 1)) == value.replace(" ", "")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("06819000012", "accounts.personal_id_shape"),  # 11 digits
        ("0681900001234", "accounts.personal_id_shape"),  # 13 digits
        ("06819000012a", "accounts.personal_id_shape"),
        ("000190000123", "accounts.personal_id_province"),
        ("099190000123", "accounts.personal_id_province"),
        ("068299000123", "accounts.personal_id_year"),  # born 2099
    ],
)
def test_invalid_personal_ids_say_why(value, code):
    with pytest.raises(DomainError) as exc:
        normalize_personal_id(value, today=date(2026, 1, 1))
    assert exc.value.code == code
    assert exc.value.message  # a Vietnamese sentence, not a code


@given(st.text(alphabet="0123456789", min_size=0, max_size=11))
def test_short_numbers_are_never_accepted(value):
    with pytest.raises(DomainError):
        normalize_personal_id(value)


@pytest.mark.parametrize("value", ["0100109106", "0100109106-001", "5800000167"])
def test_valid_tax_codes(value):
    assert normalize_tax_code(value) == value.replace("-", "")


@pytest.mark.parametrize("value", ["0100109107", "12345", "abcdefghij"])
def test_invalid_tax_codes(value):
    with pytest.raises(DomainError) as exc:
        normalize_tax_code(value)
    assert exc.value.code == "accounts.tax_code_invalid"
    assert "Mã số thuế" in exc.value.message
