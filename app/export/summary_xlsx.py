"""The 汇总表 as a print-ready Excel sheet (openpyxl): A4 landscape, fitted to the page width, the column
headings repeated on every printed page, page numbers in the footer, signature line at the end.

Figures are plain values (a 汇总表 is a snapshot of what was checked, not a form to recalculate): rates are
numbers shown as percentages, scores numbers, ``——`` text where nothing could be computed.
"""

from __future__ import annotations

from copy import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.summary import SummaryTable
from app.export.summary import COLUMNS, NOTE, SIGNATURES, Line, table_lines

FONT_NAME = "宋体"  # as the packet exports: present on every Chinese Windows
SHEET_TITLE = "汇总表"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILLS = {
    "heading": PatternFill("solid", fgColor="D9D9D9"),
    "group": PatternFill("solid", fgColor="EDEDED"),
    "problems": PatternFill("solid", fgColor="EDEDED"),
    "subtotal": PatternFill("solid", fgColor="F5F5F5"),
    "total": PatternFill("solid", fgColor="F5F5F5"),
    "average": PatternFill("solid", fgColor="F5F5F5"),
}
FORMATS = {"rate": "0.00%", "score": "General", "int": "0"}
HEADING_ROW = 3
POINTS_PER_LINE = 14.0


def write_summary_xlsx(table: SummaryTable, out: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET_TITLE
    ncols = len(COLUMNS)
    last_col = get_column_letter(ncols)
    for c, (_, _, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width

    ws.merge_cells(f"A1:{last_col}1")
    title = ws.cell(1, 1, table.title)
    title.font = Font(name=FONT_NAME, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(f"A2:{last_col}2")
    sub = ws.cell(2, 1, table.subtitle)
    sub.font = Font(name=FONT_NAME, size=10)
    sub.alignment = Alignment(horizontal="right", vertical="center")
    ws.row_dimensions[2].height = 20

    r = HEADING_ROW
    styler = _Styler()
    for line in table_lines(table):
        _line(ws, r, line, styler)
        r += 1
    last_table_row = r - 1

    ws.merge_cells(f"A{r}:{last_col}{r}")
    note = ws.cell(r, 1, NOTE)
    note.font = Font(name=FONT_NAME, size=9)
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[r].height = POINTS_PER_LINE * _lines(NOTE, sum(c[2] for c in COLUMNS)) + 2
    r += 2
    # signature line: three fields spread over the width
    starts = (1, 4, 8)
    for start, label in zip(starts, SIGNATURES, strict=True):
        x = ws.cell(r, start, label)
        x.font = Font(name=FONT_NAME, size=11)
    ws.row_dimensions[r].height = 24

    ws.freeze_panes = f"A{HEADING_ROW + 1}"
    if not table.grouped and not table.problems:
        ws.auto_filter.ref = f"A{HEADING_ROW}:{last_col}{last_table_row - 2}"  # the rows, not 合计/平均
    ws.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    ws.print_area = f"A1:{last_col}{r}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.7, header=0.3, footer=0.3)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    ws.oddFooter.center.size = 9
    wb.properties.title = table.title
    wb.properties.creator = "PerfEval Desk"
    wb.save(out)


class _Styler:
    """Applies cell styles.  openpyxl looks every new Font/Alignment/Border up in the workbook's style
    tables (≈0.3 ms a cell); a 300-row table has only a few distinct styles, so each is built once and
    its style indices copied to the other cells (10× faster for 300 rows)."""

    def __init__(self) -> None:
        self.done: dict[tuple[str, int, str], Any] = {}

    def apply(self, x: Cell, kind: str, column: int, number_format: str, left: bool) -> None:
        key = (kind, column, number_format)
        cached = self.done.get(key)
        if cached is not None:
            x._style = copy(cached)
            return
        bold = kind in ("heading", "group", "problems", "total", "average", "subtotal")
        x.font = Font(name=FONT_NAME, size=10, bold=bold)
        x.border = BORDER
        if kind in FILLS:
            x.fill = FILLS[kind]
        x.number_format = number_format
        x.alignment = Alignment(horizontal="left" if left else "center", vertical="center", wrap_text=True)
        self.done[key] = copy(x._style)


def _line(ws: Worksheet, r: int, line: Line, styler: _Styler) -> None:
    ncols = len(COLUMNS)
    if line.kind in ("group", "problems"):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        ws.cell(r, 1, line.values[0])
        for c in range(1, ncols + 1):
            styler.apply(ws.cell(r, c), line.kind, c, "General", True)
        ws.row_dimensions[r].height = 20
        return
    lines = 1
    for c, ((_, kind, width), value) in enumerate(zip(COLUMNS, line.values, strict=True), start=1):
        x = ws.cell(r, c)
        number_format = "General"
        if isinstance(value, Decimal):
            x.value = float(value)
            number_format = FORMATS.get(kind, "General")
        elif isinstance(value, int) and not isinstance(value, bool):
            x.value = value
            number_format = "0"
        elif value is not None and value != "":
            x.value = str(value)
            lines = max(lines, _lines(x.value, width))
        styler.apply(x, line.kind, c, number_format, kind == "text" and line.kind != "heading")
    ws.row_dimensions[r].height = max(20.0, POINTS_PER_LINE * lines + 4)


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (a CJK character is two)."""
    used = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    usable = max(width - 1, 2)
    return max(1, -(-used // int(usable)))
