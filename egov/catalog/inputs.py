"""One validated shape for a procedure's content, whatever it came from (form, Excel, demo data, API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import CharField, Model
from django.utils.translation import gettext as _

from egov.core.calendar import DurationUnit
from egov.core.errors import DomainError

from .models import Component, Fee, OnlineLevel, Procedure

MAX_DURATION_DAYS = 365


@dataclass(frozen=True)
class FeeInput:
    kind: str
    name: str
    amount: int | None
    note: str = ""


@dataclass(frozen=True)
class ComponentInput:
    name: str
    originals: int = 0
    copies: int = 0
    required: bool = True
    form_name: str = ""


@dataclass(frozen=True)
class ProcedureInput:
    code: str
    name: str
    sector: str
    at_province: bool
    at_commune: bool
    owner_eid_code: str
    implementing_agency: str
    receiving_agency: str
    online_level: str
    duration_value: int
    duration_unit: str
    duration_note: str = ""
    applicants: str = ""
    eligibility: str = ""
    steps: str = ""
    result: str = ""
    legal_basis: str = ""
    decision_number: str = ""
    decision_date: date | None = None
    min_assurance_level: int = 0
    fees: tuple[FeeInput, ...] = field(default_factory=tuple)
    components: tuple[ComponentInput, ...] = field(default_factory=tuple)


class InputErrors(DomainError):
    """Several things wrong with one input; `errors` lists each in Vietnamese."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        super().__init__("catalog.invalid", "; ".join(errors))


def _text(raw: dict[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _int(value: Any, label: str, errors: list[str], *, minimum: int = 0) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = int(str(value).replace(".", "").replace(",", "").strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a cell holding 1E999 reads as infinity
        errors.append(_("%(label)s phải là số nguyên (đang là “%(value)s”)") % {"label": label, "value": value})
        return None
    if isinstance(value, float) and value != int(value):
        errors.append(_("%(label)s phải là số nguyên (đang là “%(value)s”)") % {"label": label, "value": value})
        return None
    if number >= 2**31:
        errors.append(_("%(label)s quá lớn (đang là “%(value)s”)") % {"label": label, "value": value})
        return None
    if number < minimum:
        errors.append(_("%(label)s không được nhỏ hơn %(min)s") % {"label": label, "min": minimum})
        return None
    return number


_PROCEDURE_TEXTS = (
    "name",
    "implementing_agency",
    "receiving_agency",
    "duration_note",
    "applicants",
    "decision_number",
)


def _too_long(model: type[Model], raw: dict[str, Any], names: tuple[str, ...], prefix: str) -> list[str]:
    """One message per text longer than its column allows."""
    errors = []
    for name in names:
        field = model._meta.get_field(name)
        assert isinstance(field, CharField)
        limit, value = field.max_length, _text(raw, name)
        if limit and len(value) > limit:
            field_label = str(field.verbose_name)
            errors.append(
                prefix
                + _("“%(field)s” dài %(length)s ký tự, tối đa %(max)s")
                % {"field": field_label, "length": len(value), "max": limit}
            )
    return errors


def procedure_input(raw: dict[str, Any]) -> ProcedureInput:
    """Check a procedure's content; raise InputErrors listing everything that is wrong at once."""
    errors: list[str] = []
    code, name, sector = _text(raw, "code"), _text(raw, "name"), _text(raw, "sector")
    if not code:
        errors.append(_("Thiếu mã thủ tục"))
    elif len(code) > 40 or " " in code:
        errors.append(_("Mã thủ tục “%(code)s” không hợp lệ (không dấu cách, tối đa 40 ký tự)") % {"code": code})
    if not name:
        errors.append(_("Thiếu tên thủ tục"))
    if not sector:
        errors.append(_("Thiếu lĩnh vực"))
    at_province, at_commune = bool(raw.get("at_province")), bool(raw.get("at_commune"))
    if not (at_province or at_commune):
        errors.append(_("Phải chọn ít nhất một cấp thực hiện (tỉnh hoặc xã)"))
    owner = _text(raw, "owner_eid_code")
    if not owner:
        errors.append(_("Thiếu cơ quan quản lý thủ tục"))
    online = _text(raw, "online_level")
    if online not in OnlineLevel.values:
        errors.append(_("Mức độ trực tuyến “%(value)s” không hợp lệ") % {"value": online})
    unit = _text(raw, "duration_unit")
    if unit not in {u.value for u in DurationUnit}:
        errors.append(_("Đơn vị thời hạn “%(value)s” không hợp lệ (ngày làm việc hoặc ngày)") % {"value": unit})
    duration = _int(raw.get("duration_value"), _("Thời hạn giải quyết"), errors)
    if duration is None and not any("Thời hạn" in e for e in errors):
        errors.append(_("Thiếu thời hạn giải quyết"))
    elif duration is not None and duration > MAX_DURATION_DAYS:
        errors.append(
            _("Thời hạn giải quyết %(value)s ngày vượt quá %(max)s ngày")
            % {"value": duration, "max": MAX_DURATION_DAYS}
        )
    decision_date = raw.get("decision_date")
    if decision_date is not None and not isinstance(decision_date, date):
        errors.append(_("Ngày quyết định công bố không hợp lệ"))
        decision_date = None

    assurance = _int(raw.get("min_assurance_level"), _("Mức định danh tối thiểu"), errors) or 0
    if assurance not in (0, 1, 2):
        errors.append(_("Mức định danh tối thiểu là 0 (tài khoản Cổng), 1 hoặc 2 (VNeID)"))
    fees = []
    for i, fee in enumerate(raw.get("fees") or [], start=1):
        kind = _text(fee, "kind")
        if kind not in Fee.Kind.values:
            errors.append(
                _("Khoản thu %(n)s: loại “%(value)s” không hợp lệ (phí hoặc lệ phí)") % {"n": i, "value": kind}
            )
        fee_name = _text(fee, "name")
        if not fee_name:
            errors.append(_("Khoản thu %(n)s: thiếu tên") % {"n": i})
        amount = _int(fee.get("amount"), _("Khoản thu %(n)s: mức thu") % {"n": i}, errors)
        fees.append(FeeInput(kind=kind, name=fee_name, amount=amount, note=_text(fee, "note")))
    components = []
    for i, comp in enumerate(raw.get("components") or [], start=1):
        comp_name = _text(comp, "name")
        if not comp_name:
            errors.append(_("Thành phần hồ sơ %(n)s: thiếu tên giấy tờ") % {"n": i})
        originals = _int(comp.get("originals"), _("Thành phần %(n)s: số bản chính") % {"n": i}, errors) or 0
        copies = _int(comp.get("copies"), _("Thành phần %(n)s: số bản sao") % {"n": i}, errors) or 0
        components.append(
            ComponentInput(
                name=comp_name,
                originals=originals,
                copies=copies,
                required=comp.get("required", True) not in (False, "không", "0", 0),
                form_name=_text(comp, "form_name"),
            )
        )
    errors.extend(_too_long(Procedure, raw, _PROCEDURE_TEXTS, ""))
    for i, fee in enumerate(raw.get("fees") or [], start=1):
        errors.extend(_too_long(Fee, fee, ("name", "note"), _("Khoản thu %(n)s: ") % {"n": i}))
    for i, comp in enumerate(raw.get("components") or [], start=1):
        errors.extend(_too_long(Component, comp, ("name", "form_name"), _("Thành phần %(n)s: ") % {"n": i}))
    if errors:
        raise InputErrors(errors)
    return ProcedureInput(
        code=code,
        name=name,
        sector=sector,
        at_province=at_province,
        at_commune=at_commune,
        owner_eid_code=owner,
        implementing_agency=_text(raw, "implementing_agency"),
        receiving_agency=_text(raw, "receiving_agency"),
        online_level=online,
        duration_value=duration or 0,
        duration_unit=unit,
        duration_note=_text(raw, "duration_note"),
        applicants=_text(raw, "applicants"),
        eligibility=_text(raw, "eligibility"),
        steps=_text(raw, "steps"),
        result=_text(raw, "result"),
        legal_basis=_text(raw, "legal_basis"),
        decision_number=_text(raw, "decision_number"),
        decision_date=decision_date,
        min_assurance_level=assurance,
        fees=tuple(fees),
        components=tuple(components),
    )
