"""The periodic report on handling administrative procedures (Excel, PDF), from the indicator counts only.

Layout: the form "Tình hình, kết quả giải quyết thủ tục hành chính" that agencies send upward (Biểu số
II.06a/VPCP/KSTT of Thông tư 01/2020/TT-VPCP, which replaced the forms of Thông tư 01/2018/TT-VPCP); the
column set is the one in `COLUMNS` (docs/reports.md, "Exports and the national report", says what is not
confirmed). Every figure is one of `selectors.indicator_counts`' counts, per sector; nothing is counted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from egov.catalog.models import Sector
from egov.core.excel import workbook_as_data
from egov.org.models import Agency

from . import selectors
from .indicators import Period

FORM_NUMBER = "Biểu số II.06a/VPCP/KSTT"
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
PROVINCE_NAME = "ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG"
UNIT_NOTE = "Đơn vị tính: Số hồ sơ TTHC"


@dataclass(frozen=True)
class Column:
    """One numeric column of the form: its key in the payload, its heading, and how it comes from counts."""

    key: str
    label: str
    source: tuple[str, ...]  # count keys; the first minus the rest ("desk" = new − online − postal)


# In the form's order, after "STT" and "Lĩnh vực". Column numbers printed under the headers: (3)…(14).
COLUMNS: tuple[Column, ...] = (
    Column("received", "Tổng số", ("handled",)),
    Column("received_online", "Trực tuyến", ("received_online",)),
    Column("received_desk", "Trực tiếp", ("received_new", "received_online", "received_postal")),
    Column("received_postal", "Dịch vụ bưu chính", ("received_postal",)),
    Column("carried_over", "Từ kỳ trước chuyển qua", ("carried_over",)),
    Column("resolved", "Tổng số", ("resolved",)),
    Column("resolved_early", "Trước hạn", ("resolved_early",)),
    Column("resolved_on_time", "Đúng hạn", ("resolved_on_time",)),
    Column("resolved_overdue", "Quá hạn", ("resolved_overdue",)),
    Column("in_progress", "Tổng số", ("open_end",)),
    Column("in_progress_on_time", "Trong hạn", ("open_end_on_time",)),
    Column("in_progress_overdue", "Quá hạn", ("open_end_overdue",)),
)
COLUMN_KEYS = tuple(c.key for c in COLUMNS)
# The identities the national receiver checks (and a test re-checks on every export).
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received", ("received_online", "received_desk", "received_postal", "carried_over")),
    ("resolved", ("resolved_early", "resolved_on_time", "resolved_overdue")),
    ("in_progress", ("in_progress_on_time", "in_progress_overdue")),
)


def form_figures(counts: Mapping[str, int]) -> dict[str, int]:
    """The form's twelve figures from one group's indicator counts."""
    figures = {}
    for column in COLUMNS:
        first, *rest = column.source
        figures[column.key] = int(counts.get(first, 0)) - sum(int(counts.get(k, 0)) for k in rest)
    return figures


@dataclass(frozen=True)
class SectorRow:
    number: int
    sector_slug: str
    sector_name: str
    figures: dict[str, int]


@dataclass(frozen=True)
class PeriodicReport:
    """The report as data: what the Excel, the PDF and the national payload are all made from."""

    subject: str  # the reporting agency's name (or the province's, for a province-wide report)
    agency: Agency | None
    period: Period
    generated_at: datetime
    rows: tuple[SectorRow, ...]
    total: dict[str, int]

    @property
    def period_text(self) -> str:
        return f"Từ ngày {self.period.start:%d/%m/%Y} đến ngày {self.period.end:%d/%m/%Y}"

    @property
    def date_line(self) -> str:
        d = self.generated_at
        return f"Lâm Đồng, ngày {d:%d} tháng {d:%m} năm {d:%Y}"


def periodic_report(
    *, period: Period, scope: selectors.Scope, now: datetime, subject: str, agency: Agency | None = None
) -> PeriodicReport:
    """The report for `scope`: one row per sector (in the order of their names) and the total."""
    groups = selectors.indicator_counts(period=period, scope=scope, now=now, group_by="sector")
    sectors = {s.pk: s for s in Sector.objects.filter(pk__in=[pk for pk in groups if pk is not None])}
    ordered = sorted(groups.items(), key=lambda item: sectors[item[0]].name_folded if item[0] in sectors else "~")
    rows = tuple(
        SectorRow(
            number=i,
            sector_slug=sectors[pk].slug if pk in sectors else "",
            sector_name=sectors[pk].name if pk in sectors else "(không rõ lĩnh vực)",
            figures=form_figures(counts),
        )
        for i, (pk, counts) in enumerate(ordered, start=1)
    )
    total = form_figures(selectors.province_counts(groups))
    return PeriodicReport(subject=subject, agency=agency, period=period, generated_at=now, rows=rows, total=total)


def report_subject(agencies: list[Agency], *, agency: Agency | None, sees_all: bool) -> str:
    """Whose report it is: the agency asked for, the province for a province role, else the user's agencies."""
    if agency is not None:
        return agency.name
    if sees_all:
        return "Tỉnh Lâm Đồng"
    return "; ".join(a.name for a in agencies)


# --- Excel ------------------------------------------------------------------------------------------------

FIRST_HEADER_ROW = 8
LAST_COLUMN = 2 + len(COLUMNS)  # STT, Lĩnh vực, then the figures


def report_xlsx(report: PeriodicReport) -> bytes:
    """The report as an .xlsx workbook: title block, grouped headers, one row per sector, the total."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws: Any = wb.active
    ws.title = "II.06a"
    bold = Font(name="Times New Roman", bold=True, size=11)
    plain = Font(name="Times New Roman", size=11)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    last = get_column_letter(LAST_COLUMN)

    def line(
        row: int, text: str, *, first: str = "A", end: str = last, font: Font = bold, align: str = "center"
    ) -> None:
        ws.merge_cells(f"{first}{row}:{end}{row}")
        cell = ws[f"{first}{row}"]
        cell.value = text
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)

    line(1, FORM_NUMBER, first="L", align="right", font=Font(name="Times New Roman", italic=True, size=10))
    line(2, PROVINCE_NAME, end="E", font=plain)
    line(3, report.subject.upper(), end="E")
    line(2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first="G")
    line(3, "Độc lập - Tự do - Hạnh phúc", first="G")
    line(4, report.date_line, first="G", font=Font(name="Times New Roman", italic=True, size=11))
    line(5, TITLE, font=Font(name="Times New Roman", bold=True, size=13))
    line(6, f"Kỳ báo cáo: {report.period.label} ({report.period_text})", font=plain)
    line(7, UNIT_NOTE, first="L", align="right", font=Font(name="Times New Roman", italic=True, size=10))

    h = FIRST_HEADER_ROW
    headers = [
        (f"A{h}:A{h + 2}", "STT"),
        (f"B{h}:B{h + 2}", "Lĩnh vực giải quyết"),
        (f"C{h}:G{h}", "Số hồ sơ nhận giải quyết"),
        (f"H{h}:N{h}", "Kết quả giải quyết"),
        (f"C{h + 1}:C{h + 2}", "Tổng số"),
        (f"D{h + 1}:F{h + 1}", "Trong kỳ"),
        (f"G{h + 1}:G{h + 2}", "Từ kỳ trước chuyển qua"),
        (f"H{h + 1}:K{h + 1}", "Số hồ sơ đã giải quyết"),
        (f"L{h + 1}:N{h + 1}", "Số hồ sơ đang giải quyết"),
    ]
    for span, text in headers:
        ws.merge_cells(span)
        ws[span.split(":")[0]] = text
    for column_index, column in enumerate(COLUMNS, start=3):
        if column.key not in ("received", "carried_over"):
            ws.cell(row=h + 2, column=column_index, value=column.label)
    for column_index in range(1, LAST_COLUMN + 1):
        ws.cell(row=h + 3, column=column_index, value=f"({column_index})")
    for row in ws.iter_rows(min_row=h, max_row=h + 3, max_col=LAST_COLUMN):
        for cell in row:
            cell.font = bold if cell.row < h + 3 else Font(name="Times New Roman", italic=True, size=10)
            cell.alignment = center
            cell.border = box

    r = h + 4
    for sector in report.rows:
        _figure_row(ws, r, sector.number, sector.sector_name, sector.figures, font=plain, border=box)
        r += 1
    _figure_row(ws, r, None, "Tổng cộng", report.total, font=bold, border=box)

    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 42
    for column_index in range(3, LAST_COLUMN + 1):
        ws.column_dimensions[get_column_letter(column_index)].width = 11.5
    ws.row_dimensions[h + 2].height = 32
    ws.freeze_panes = f"C{h + 4}"
    ws.print_title_rows = f"{h}:{h + 3}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    wb.properties.title = f"{TITLE} – {report.subject} – {report.period.label}"
    workbook_as_data(wb)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _figure_row(
    ws: Any, r: int, number: int | None, name: str, figures: Mapping[str, int], *, font: Any, border: Any
) -> None:
    from openpyxl.styles import Alignment

    ws.cell(row=r, column=1, value=number).alignment = Alignment(horizontal="center")
    ws.cell(row=r, column=2, value=name).alignment = Alignment(wrap_text=True, vertical="center")
    for column_index, column in enumerate(COLUMNS, start=3):
        cell = ws.cell(row=r, column=column_index, value=int(figures[column.key]))
        cell.number_format = "#,##0"
    for column_index in range(1, LAST_COLUMN + 1):
        cell = ws.cell(row=r, column=column_index)
        cell.font = font
        cell.border = border


# --- PDF ---------------------------------------------------------------------------------------------------


def _grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def report_html(report: PeriodicReport) -> str:
    def cells(figures: Mapping[str, int]) -> list[str]:
        return [_grouped(figures[k]) for k in COLUMN_KEYS]

    context = {
        "report": report,
        "rows": [(row, cells(row.figures)) for row in report.rows],
        "total": cells(report.total),
        "columns": COLUMNS,
        "form_number": FORM_NUMBER,
        "title": TITLE,
        "province": PROVINCE_NAME,
        "unit_note": UNIT_NOTE,
        "numbers": range(1, LAST_COLUMN + 1),
    }
    return render_to_string("reports/exports/periodic.html", context)


def report_pdf(report: PeriodicReport) -> bytes:
    """The same report as PDF, A4 landscape, through the slips' offline WeasyPrint rendering."""
    from egov.dossiers.slips import render_html

    return render_html(report_html(report))


def export_filename(report: PeriodicReport, extension: str) -> str:
    code = report.agency.slug if report.agency else getattr(settings, "REPORTS_EXPORT_PROVINCE_SLUG", "lam-dong")
    return f"bao-cao-tthc-{code}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{extension}"
