"""Shape checks for personal identification numbers (CCCD) and tax codes (MST)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

from egov.core.errors import DomainError

# Century digit (4th) → (century start, sex); DESIGN.md §5.
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


def normalize_personal_id(value: str, *, today: date | None = None) -> str:
    """Return the 12-digit CCCD/personal ID, or raise DomainError saying what is wrong with it.

    The number has no check digit: we check its shape (12 digits), the birth-registration
    province part (001–096) and that the encoded birth year is not in the future.
    """
    digits = "".join(value.split())
    if not digits.isdigit() or len(digits) != 12:
        raise DomainError("accounts.personal_id_shape", _("Số định danh cá nhân phải gồm đúng 12 chữ số."))
    province = int(digits[:3])
    if not 1 <= province <= 96:
        raise DomainError(
            "accounts.personal_id_province", _("Ba chữ số đầu của số định danh cá nhân không phải mã tỉnh hợp lệ.")
        )
    year = _CENTURY[int(digits[3])] + int(digits[4:6])
    if today is not None and year > today.year:
        raise DomainError("accounts.personal_id_year", _("Năm sinh mã hóa trong số định danh cá nhân không hợp lệ."))
    return digits


def normalize_tax_code(value: str) -> str:
    """Return the 10- or 13-digit tax code (no dash), or raise DomainError if its check digit is wrong."""
    try:
        return str(mst.validate(value))
    except StdnumError as exc:
        raise DomainError(
            "accounts.tax_code_invalid", _("Mã số thuế không hợp lệ (10 hoặc 13 chữ số, đúng chữ số kiểm tra).")
        ) from exc
