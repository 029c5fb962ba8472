"""Writing workbooks: every cell is data, never a formula.

openpyxl stores any text that starts with "=" as a formula, so a procedure, a sector or an applicant
named "=HYPERLINK(…)" would run in the Excel of whoever downloads the export. The exports pass their
cells through here before saving.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook


def cell_as_data(cell: Any) -> Any:
    """The cell, its text kept as text if openpyxl took it for a formula."""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def workbook_as_data(wb: Workbook) -> None:
    """Every cell of every sheet as data (for workbooks built in memory, not write-only ones)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                cell_as_data(cell)
