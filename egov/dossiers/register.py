"""The dossier tracking book (Sổ theo dõi hồ sơ, Mẫu số 06, TT 01/2018/TT-VPCP): a line per dossier an
agency's one-stop desk received in a period, read for the page and streamed into an Excel workbook."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange

from egov.accounts.models import Role
from egov.accounts.selectors import user_agencies, user_is_province_admin
from egov.core.calendar import Timeliness, WorkingCalendar, grade_finished, grade_open
from egov.core.clock import VN_TZ, ensure_aware
from egov.core.errors import PermissionDenied
from egov.core.excel import cell_as_data
from egov.org.models import Agency

from .models import Channel, Dossier, Status, TimelineEvent

# Who keeps the book: the desk's officers and the agency's leaders (a province administrator reads any).
REGISTER_ROLES = {Role.RECEIVER.value, Role.LEADER.value}
OPEN = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYING)
PROGRESS_LABELS = {
    Timeliness.EARLY: gettext_lazy("Trước hạn"),
    Timeliness.ON_TIME: gettext_lazy("Đúng hạn"),
    Timeliness.OVERDUE: gettext_lazy("Quá hạn"),
    Timeliness.IN_TIME: gettext_lazy("Đang xử lý, trong hạn"),
    Timeliness.DUE_SOON: gettext_lazy("Đang xử lý, sắp đến hạn"),
}


# --- who reads which book ---------------------------------------------------------------------------


def register_agencies(user: Any) -> list[Agency]:
    """The agencies whose book `user` may read: any for a province administrator, else their own desks."""
    if user_is_province_admin(user):
        return list(Agency.objects.filter(is_active=True).order_by("-level", "name_folded"))
    return user_agencies(user, REGISTER_ROLES)


def register_agency_for_user(user: Any, agency_id: str | int | None) -> Agency:
    """The agency whose book is asked for (the first allowed one when none is named); refused otherwise."""
    allowed = register_agencies(user)
    if not allowed:
        raise PermissionDenied(
            "dossiers.register_denied", _("Sổ theo dõi hồ sơ dành cho cán bộ Bộ phận Một cửa và lãnh đạo cơ quan.")
        )
    if agency_id in (None, ""):
        centre = [a for a in allowed if a.kind == Agency.Kind.SERVICE_CENTRE]
        return (centre or allowed)[0]
    chosen = next((a for a in allowed if str(a.pk) == str(agency_id)), None)
    if chosen is None:
        raise PermissionDenied("dossiers.register_denied", _("Bạn không xem được sổ theo dõi của cơ quan này."))
    return chosen


@dataclass(frozen=True)
class RegisterQuery:
    """Which book a request asks for: the agency and the period (this month by default)."""

    agency: Agency
    start: date
    end: date
    error: str = ""

    @property
    def params(self) -> str:
        return f"co_quan={self.agency.pk}&tu={self.start:%Y-%m-%d}&den={self.end:%Y-%m-%d}"


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def register_query(user: Any, params: Mapping[str, str], *, today: date) -> RegisterQuery:
    """Read `co_quan`, `tu`, `den` (YYYY-MM-DD) from a request; a bad or reversed period falls back to this
    month with an explanation. Raises PermissionDenied for an agency `user` may not read."""
    agency = register_agency_for_user(user, params.get("co_quan"))
    month_start = today.replace(day=1)
    raw_start, raw_end = params.get("tu"), params.get("den")
    start, end = _day(raw_start) or month_start, _day(raw_end) or today
    error = ""
    if (raw_start and _day(raw_start) is None) or (raw_end and _day(raw_end) is None) or start > end:
        start, end = month_start, today
        error = _("Khoảng thời gian không hợp lệ; đang hiển thị tháng này.")
    return RegisterQuery(agency=agency, start=start, end=end, error=error)


# --- the lines ------------------------------------------------------------------------------------------


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """From 00:00 of `start` to 00:00 after `end`, in Vietnam's time."""
    return datetime.combine(start, time.min, tzinfo=VN_TZ), datetime.combine(end + timedelta(days=1), time.min, VN_TZ)


def register_dossiers(*, agency: Agency, start: date, end: date) -> QuerySet[Dossier]:
    """The dossiers `agency` received from `start` to `end` (inclusive), in the order they were received,
    with the moments the book needs (handed to processing, result or supplement, ended) in the same query."""
    lo, hi = period_bounds(start, end)
    events = TimelineEvent.objects.filter(dossier=OuterRef("pk"))

    def first(status: str) -> Subquery:
        return Subquery(events.filter(status_to=status).order_by("at", "id").values("at")[:1])

    def last(*statuses: str) -> Subquery:
        return Subquery(events.filter(status_to__in=statuses).order_by("-at", "-id").values("at")[:1])

    return (
        Dossier.objects.filter(agency=agency, received_at__gte=lo, received_at__lt=hi)
        .select_related("procedure__owner", "extension")
        .annotate(
            transferred_at=first(Status.PROCESSING),
            resolved_at=last(Status.RESOLVED),
            supplement_at=last(Status.SUPPLEMENT),
            ended_at=last(Status.WITHDRAWN, Status.STOPPED),
        )
        .order_by("received_at", "id")
    )


@dataclass(frozen=True)
class RegisterLine:
    """One line of the book, as printed (Vietnam time)."""

    number: int
    code: str
    procedure: str
    sets: int
    applicant: str
    contact: str
    deciding_agency: str
    received_at: datetime | None
    due_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    status: str
    progress: str
    progress_code: str
    note: str


def _vn(moment: datetime | None) -> datetime | None:
    return ensure_aware(moment) if moment is not None else None


def _progress(d: Any, now: datetime, cal: WorkingCalendar, due_soon: timedelta) -> tuple[str, str]:
    if d.resolved_at is not None and d.due_at is not None:
        grade = grade_finished(d.resolved_at, d.due_at)
    elif d.status in OPEN and d.paused_at is not None:
        return "paused", _("Tạm dừng tính thời hạn")
    elif d.status in OPEN and d.due_at is not None:
        grade = grade_open(now, d.due_at, cal, due_soon)
    else:
        return "", ""
    return grade.value, str(PROGRESS_LABELS[grade])


def _note(d: Any) -> str:
    parts = []
    if d.channel != Channel.DESK:
        parts.append(str(Channel(d.channel).label))
    if d.resolved_at is None and d.supplement_at is not None:
        parts.append(_("Yêu cầu bổ sung hồ sơ"))
    extension = getattr(d, "extension", None)
    if extension is not None:
        parts.append(
            _("Hẹn lại (hạn ban đầu %(due)s)") % {"due": f"{ensure_aware(extension.original_due_at):%d/%m/%Y %H:%M}"}
        )
    if d.ended_at is not None:
        parts.append(f"{Status(d.status).label} {ensure_aware(d.ended_at):%d/%m/%Y}")
    if d.return_waybill:
        parts.append(_("Vận đơn trả kết quả %(waybill)s") % {"waybill": d.return_waybill})
    return "; ".join(parts)


def register_line(
    number: int, dossier: Any, *, now: datetime, cal: WorkingCalendar, due_soon: timedelta
) -> RegisterLine:
    """The book's line for a dossier from `register_dossiers`."""
    d = dossier
    progress_code, progress = _progress(d, now, cal, due_soon)
    contact = ", ".join(part for part in (d.applicant_address, d.applicant_phone) if part)
    return RegisterLine(
        number=number,
        code=d.code or "",
        procedure=d.procedure_name,
        sets=1,
        applicant=d.applicant_name,
        contact=contact,
        deciding_agency=d.procedure.owner.name,
        received_at=_vn(d.received_at),
        due_at=_vn(d.due_at),
        transferred_at=_vn(d.transferred_at),
        result_at=_vn(d.resolved_at or d.supplement_at),
        returned_at=_vn(d.returned_at),
        status=str(Status(d.status).label),
        progress=progress,
        progress_code=progress_code,
        note=_note(d),
    )


def register_lines(
    dossiers: Iterable[Any], *, first_number: int = 1, now: datetime, cal: WorkingCalendar, due_soon: timedelta
) -> Iterator[RegisterLine]:
    for number, dossier in enumerate(dossiers, start=first_number):
        yield register_line(number, dossier, now=now, cal=cal, due_soon=due_soon)


# --- the workbook -------------------------------------------------------------------------------------

# (header, group, width); consecutive columns of one group sit under a merged group header.
COLUMNS: list[tuple[str, str, int]] = [
    (gettext_noop("STT"), "", 6),
    (gettext_noop("Mã hồ sơ"), "", 24),
    (gettext_noop("Tên thủ tục hành chính"), "", 40),
    (gettext_noop("Số lượng hồ sơ (bộ)"), "", 9),
    (gettext_noop("Tên cá nhân, tổ chức"), "", 24),
    (gettext_noop("Địa chỉ, số điện thoại"), "", 30),
    (gettext_noop("Cơ quan chủ trì giải quyết"), "", 26),
    (gettext_noop("Ngày, giờ nhận hồ sơ"), gettext_noop("Nhận và chuyển hồ sơ"), 17),
    (gettext_noop("Ngày, giờ hẹn trả kết quả"), gettext_noop("Nhận và chuyển hồ sơ"), 17),
    (gettext_noop("Chuyển hồ sơ đến cơ quan giải quyết"), gettext_noop("Nhận và chuyển hồ sơ"), 17),
    (gettext_noop("Ngày có kết quả / yêu cầu bổ sung"), gettext_noop("Kết quả giải quyết hồ sơ"), 17),
    (gettext_noop("Trả kết quả cho cá nhân, tổ chức"), gettext_noop("Kết quả giải quyết hồ sơ"), 17),
    (gettext_noop("Trạng thái"), "", 20),
    (gettext_noop("Tiến độ (trước / đúng / quá hạn)"), "", 20),
    (gettext_noop("Ghi chú"), "", 34),
]
HEADER_ROW = 6  # after the title rows; the headers take two rows, then the column numbers
DATE_FORMAT = "dd/mm/yyyy hh:mm"
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRE = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _cell(ws: WriteOnlyWorksheet, value: Any, *, bold: bool = False, centre: bool = False, box: bool = False) -> Any:
    cell = cell_as_data(WriteOnlyCell(ws, value=value))
    if bold:
        cell.font = Font(bold=True)
    if centre:
        cell.alignment = _CENTRE
    if box:
        cell.border = _BOX
    return cell


def _excel_time(moment: datetime | None) -> datetime | None:
    """Excel has no time zones: the wall-clock time in Vietnam."""
    return moment.astimezone(VN_TZ).replace(tzinfo=None) if moment is not None else None


def _line_cells(ws: WriteOnlyWorksheet, line: RegisterLine) -> list[Any]:
    values: list[Any] = [
        line.number,
        line.code,
        line.procedure,
        line.sets,
        line.applicant,
        line.contact,
        line.deciding_agency,
        _excel_time(line.received_at),
        _excel_time(line.due_at),
        _excel_time(line.transferred_at),
        _excel_time(line.result_at),
        _excel_time(line.returned_at),
        line.status,
        line.progress,
        line.note,
    ]
    cells = []
    for value in values:
        cell = cell_as_data(WriteOnlyCell(ws, value=value))
        cell.border, cell.alignment = _BOX, _WRAP
        if isinstance(value, datetime):
            cell.number_format = DATE_FORMAT
        cells.append(cell)
    return cells


def register_workbook(
    out: IO[bytes],
    *,
    agency: Agency,
    start: date,
    end: date,
    now: datetime,
    cal: WorkingCalendar,
    due_soon: timedelta,
) -> int:
    """Write the book of `agency` for the period into `out` as an .xlsx; returns the number of lines.

    A write-only workbook reading the dossiers in chunks: a year of a busy centre does not sit in memory.
    """
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Sổ theo dõi hồ sơ")[:31])
    last = get_column_letter(len(COLUMNS))
    for index, (_header, _group, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"C{HEADER_ROW + 3}"
    parent = agency.parent.name.upper() if agency.parent_id and agency.parent else ""
    titles = [
        parent,
        agency.name.upper(),
        _("SỔ THEO DÕI HỒ SƠ"),
        _("Từ ngày %(start)s đến ngày %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        _("Lập lúc %(now)s") % {"now": f"{ensure_aware(now):%H:%M %d/%m/%Y}"},
    ]
    for row, title in enumerate(titles, start=1):
        ws.merged_cells.add(CellRange(f"A{row}:{last}{row}"))
        ws.append([_cell(ws, title, bold=row <= 3, centre=True)])

    groups = [group for _h, group, _w in COLUMNS]
    top: list[Any] = []
    for index, (header, group, _width) in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        if not group:
            ws.merged_cells.add(CellRange(f"{letter}{HEADER_ROW}:{letter}{HEADER_ROW + 1}"))
            top.append(_cell(ws, _(header), bold=True, centre=True, box=True))
        elif index == 1 or groups[index - 2] != group:
            span = groups.count(group)
            ws.merged_cells.add(CellRange(f"{letter}{HEADER_ROW}:{get_column_letter(index + span - 1)}{HEADER_ROW}"))
            top.append(_cell(ws, _(group), bold=True, centre=True, box=True))
        else:
            top.append(_cell(ws, None, box=True))
    ws.append(top)
    ws.append(
        [_cell(ws, _(header) if group else None, bold=True, centre=True, box=True) for header, group, _w in COLUMNS]
    )
    ws.append([_cell(ws, f"({i})", centre=True, box=True) for i in range(1, len(COLUMNS) + 1)])

    count = 0
    dossiers = register_dossiers(agency=agency, start=start, end=end).iterator(chunk_size=2000)
    for line in register_lines(dossiers, now=now, cal=cal, due_soon=due_soon):
        ws.append(_line_cells(ws, line))
        count += 1
    wb.save(out)
    return count
