"""The catalogue as an Excel workbook (openpyxl): the export, and the parser for the import.

Three sheets, one row per procedure / fee / component, joined by the procedure code. The import
reads the same layout the export writes, so an agency can export, edit and import again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import IO, Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from egov.core.calendar import DurationUnit
from egov.core.errors import DomainError
from egov.core.excel import workbook_as_data
from egov.core.text import fold

from .inputs import InputErrors, ProcedureInput, procedure_input
from .models import Fee, OnlineLevel, Procedure

PROCEDURE_SHEET = "Thủ tục"
FEE_SHEET = "Phí, lệ phí"
COMPONENT_SHEET = "Thành phần hồ sơ"

# (header, key) in column order.
PROCEDURE_COLUMNS = [
    ("Mã thủ tục", "code"),
    ("Tên thủ tục", "name"),
    ("Lĩnh vực", "sector"),
    ("Cấp tỉnh", "at_province"),
    ("Cấp xã", "at_commune"),
    ("Mã cơ quan quản lý", "owner_eid_code"),
    ("Cơ quan thực hiện", "implementing_agency"),
    ("Nơi tiếp nhận", "receiving_agency"),
    ("Mức độ trực tuyến", "online_level"),
    ("Thời hạn", "duration_value"),
    ("Đơn vị thời hạn", "duration_unit"),
    ("Ghi chú thời hạn", "duration_note"),
    ("Đối tượng thực hiện", "applicants"),
    ("Yêu cầu, điều kiện", "eligibility"),
    ("Trình tự thực hiện", "steps"),
    ("Kết quả", "result"),
    ("Căn cứ pháp lý", "legal_basis"),
    ("Số QĐ công bố", "decision_number"),
    ("Ngày QĐ công bố", "decision_date"),
    ("Mức định danh tối thiểu", "min_assurance_level"),
    ("Trạng thái", "status"),
]
FEE_COLUMNS = [
    ("Mã thủ tục", "code"),
    ("Loại", "kind"),
    ("Tên khoản thu", "name"),
    ("Mức thu (đồng)", "amount"),
    ("Ghi chú", "note"),
]
COMPONENT_COLUMNS = [
    ("Mã thủ tục", "code"),
    ("Tên giấy tờ", "name"),
    ("Bản chính", "originals"),
    ("Bản sao", "copies"),
    ("Bắt buộc", "required"),
    ("Mẫu đơn, tờ khai", "form_name"),
]

ONLINE_LABELS = {OnlineLevel.FULL: "Toàn trình", OnlineLevel.PARTIAL: "Một phần", OnlineLevel.NONE: "Không"}
UNIT_LABELS = {DurationUnit.WORKING_DAYS: "ngày làm việc", DurationUnit.CALENDAR_DAYS: "ngày"}
KIND_LABELS = {Fee.Kind.FEE: "Phí", Fee.Kind.CHARGE: "Lệ phí"}
STATUS_LABELS = {"draft": "Dự thảo", "published": "Đã công bố", "suspended": "Tạm ngừng"}
_YES = {"x", "co", "1", "true", "yes"}


def _reverse(labels: dict[Any, str]) -> dict[str, str]:
    return {fold(label): str(value) for value, label in labels.items()} | {str(v): str(v) for v in labels}


def export_workbook(procedures: Iterable[Procedure]) -> bytes:
    """The workbook for `procedures` (prefetch fees, components, sector and owner)."""
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = PROCEDURE_SHEET
    fees_ws, comps_ws = wb.create_sheet(FEE_SHEET), wb.create_sheet(COMPONENT_SHEET)
    for ws, cols in ((sheet, PROCEDURE_COLUMNS), (fees_ws, FEE_COLUMNS), (comps_ws, COMPONENT_COLUMNS)):
        ws.append([header for header, _key in cols])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
    for p in procedures:
        sheet.append(
            [
                p.code,
                p.name,
                p.sector.name,
                "x" if p.at_province else "",
                "x" if p.at_commune else "",
                p.owner.eid_code,
                p.implementing_agency,
                p.receiving_agency,
                ONLINE_LABELS[OnlineLevel(p.online_level)],
                p.duration_value,
                UNIT_LABELS[DurationUnit(p.duration_unit)],
                p.duration_note,
                p.applicants,
                p.eligibility,
                p.steps,
                p.result,
                p.legal_basis,
                p.decision_number,
                p.decision_date.strftime("%d/%m/%Y") if p.decision_date else "",
                p.min_assurance_level,
                STATUS_LABELS[p.status],
            ]
        )
        for f in p.fees.all():
            fees_ws.append([p.code, KIND_LABELS[Fee.Kind(f.kind)], f.name, f.amount, f.note])
        for c in p.components.all():
            comps_ws.append([p.code, c.name, c.originals, c.copies, "x" if c.required else "", c.form_name])
    for ws in (sheet, fees_ws, comps_ws):
        for index, column in enumerate(ws.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = min(60, max(10, *(len(str(c.value or "")) for c in column[:50])))
    workbook_as_data(wb)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    code: str
    reason: str

    def __str__(self) -> str:
        where = _("Trang “%(sheet)s”, dòng %(row)s") % {"sheet": self.sheet, "row": self.row}
        code = f" ({self.code})" if self.code else ""
        return f"{where}{code}: {self.reason}"


class ImportRejected(DomainError):
    """The workbook has bad rows; nothing was imported. `errors` has one entry per bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(
            "catalog.import_rejected",
            _("Tệp có %(count)s dòng lỗi; chưa nhập thủ tục nào. Sửa các dòng dưới đây rồi nhập lại."),
            count=len(errors),
        )


def _date(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        return str(value)  # procedure_input reports it


def _rows(
    wb: Any, title: str, columns: list[tuple[str, str]], errors: list[RowError]
) -> list[tuple[int, dict[str, Any]]]:
    if title not in wb.sheetnames:
        errors.append(RowError(title, 1, "", _("Thiếu trang “%(sheet)s”") % {"sheet": title}))
        return []
    ws = wb[title]
    rows = ws.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    expected = [h for h, _key in columns]
    if header[: len(expected)] != expected:
        errors.append(RowError(title, 1, "", _("Dòng tiêu đề phải là: %(cols)s") % {"cols": ", ".join(expected)}))
        return []
    result = []
    for number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        result.append((number, {key: values[i] if i < len(values) else None for i, (_h, key) in enumerate(columns)}))
    return result


def parse_workbook(stream: IO[bytes]) -> list[tuple[int, ProcedureInput]]:
    """Every procedure in the workbook with its row number, checked; raise ImportRejected listing each bad row."""
    errors: list[RowError] = []
    online, units, kinds = _reverse(ONLINE_LABELS), _reverse(UNIT_LABELS), _reverse(KIND_LABELS)
    try:  # in read-only mode cells are parsed while the rows are read: a damaged cell fails here too
        wb = load_workbook(stream, read_only=True, data_only=True)
        procedures = _rows(wb, PROCEDURE_SHEET, PROCEDURE_COLUMNS, errors)
        fee_rows = _rows(wb, FEE_SHEET, FEE_COLUMNS, errors)
        comp_rows = _rows(wb, COMPONENT_SHEET, COMPONENT_COLUMNS, errors)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError("catalog.not_excel", _("Tệp không phải bảng tính Excel (.xlsx) đọc được.")) from exc
    if errors:
        raise ImportRejected(errors)

    codes = [str(raw["code"] or "").strip() for _n, raw in procedures]
    fees: dict[str, list[dict[str, Any]]] = {}
    for number, raw in fee_rows:
        code = str(raw["code"] or "").strip()
        if code not in codes:
            errors.append(RowError(FEE_SHEET, number, code, _("mã thủ tục không có trong trang “Thủ tục”")))
            continue
        kind_label = fold(str(raw["kind"] or ""))
        fees.setdefault(code, []).append({**raw, "kind": kinds.get(kind_label, kind_label)})
    comps: dict[str, list[dict[str, Any]]] = {}
    for number, raw in comp_rows:
        code = str(raw["code"] or "").strip()
        if code not in codes:
            errors.append(RowError(COMPONENT_SHEET, number, code, _("mã thủ tục không có trong trang “Thủ tục”")))
            continue
        comps.setdefault(code, []).append({**raw, "required": fold(str(raw["required"] or "")) in _YES})

    seen: dict[str, int] = {}
    inputs = []
    for (number, raw), code in zip(procedures, codes, strict=True):
        if code and code in seen:
            errors.append(
                RowError(PROCEDURE_SHEET, number, code, _("mã thủ tục trùng với dòng %(row)s") % {"row": seen[code]})
            )
            continue
        seen[code] = number
        online_label, unit_label = fold(str(raw["online_level"] or "")), fold(str(raw["duration_unit"] or ""))
        data = {
            **raw,
            "at_province": fold(str(raw["at_province"] or "")) in _YES,
            "at_commune": fold(str(raw["at_commune"] or "")) in _YES,
            "online_level": online.get(online_label, online_label),
            "duration_unit": units.get(unit_label, unit_label),
            "decision_date": _date(raw["decision_date"]),
            "fees": fees.get(code, []),
            "components": comps.get(code, []),
        }
        try:
            inputs.append((number, procedure_input(data)))
        except InputErrors as exc:
            errors.append(RowError(PROCEDURE_SHEET, number, code, "; ".join(exc.errors)))
    if errors:
        raise ImportRejected(errors)
    return inputs
