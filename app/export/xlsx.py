"""Excel writer (openpyxl): one sheet per 附件 (附件3: one per project), laid out like the official template.

Derived cells (控制率, “三公”经费 and 项目支出 sums, 执行率, 得分, 总分) are Excel formulas, as in the
official template, so the file still recalculates when a clerk edits it in Excel or WPS.  openpyxl cannot
store a formula together with its result, and a viewer that does not recalculate (file previewers, some
mobile apps, pandas) would then show empty cells.  So after openpyxl has written the file, the computed
figures are put into the formula cells' cached ``<v>`` values (the same Decimal figures the PDF prints),
and the workbook asks Excel to recalculate on load anyway.  A test recalculates the file in LibreOffice
and checks that its results equal the cached ones.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.numbers import Kind, round_half_up
from app.domain.plan import Formula
from app.export import ExportError
from app.export.celltext import TooLong, chunks, write_text
from app.export.document import ALIGN_LEFT, ALIGN_RIGHT, Cell, Part, PrintDocument, ReportDoc

FONT_NAME = "宋体"  # the official forms' face; present on every Chinese Windows
NUMBER_FORMATS: dict[Kind, str] = {
    Kind.MONEY: "0.00",
    Kind.AREA: "0.00",
    Kind.RATE: "0.00%",
    Kind.COUNT: "0",
    Kind.SCORE: "General",  # scores print as typed: 10, 4.9, 8.53 (formulas round to 2 decimals)
}
MM_PER_CHAR = 2.0  # Excel column width unit (a "0" of the default font) in mm, roughly
LINE_HEIGHT = 13.5  # points per wrapped line at 10 pt
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
#: the first table row of every form sheet (after 附件N, the title and the unit line); the import relies on
#: labels, not on this, but keeping it fixed makes the files easy to compare
SETTINGS_PREFIX = "PerfEval."
DRAFT_HEADER = "草稿（未经审核，不得作为正式材料报送）"


class _Sheet:
    def __init__(self, ws: Worksheet, part: Part, draft: bool) -> None:
        self.ws = ws
        self.part = part
        self.draft = draft
        self.refs: dict[str, str] = {}
        self.cached: dict[str, Decimal | str] = {}  # coordinate → result of a formula cell

    def write(self) -> None:
        ws, part = self.ws, self.part
        grid = part.grid
        ncols = grid.ncols
        for c, mm in enumerate(grid.widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = round(mm / MM_PER_CHAR * (1.0 if part.landscape
                                                                                         else 1.1), 1)
        _text(ws, 1, 1, part.attachment).font = Font(name=FONT_NAME, size=12)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        title = _text(ws, 2, 1, part.title, "标题")
        title.font = Font(name=FONT_NAME, size=16, bold=True)
        title.alignment = Alignment(horizontal="center", vertical="center")
        ws.row_dimensions[2].height = 30
        top = 3
        if part.unit_line:
            ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=ncols)
            _text(ws, 3, 1, part.unit_line, "单位名称").font = Font(name=FONT_NAME, size=11)
            top = 4
        cells = grid.cells()
        for r, c, cell in cells:
            if cell.ref:
                self.refs[cell.ref] = f"{get_column_letter(c + 1)}{top + r}"
        for r, c, cell in cells:
            self._cell(top + r, c + 1, cell)
        self._heights(top)
        end = top + len(grid.rows)
        row = end
        for note in part.notes:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            x = _text(ws, row, 1, note, "说明")
            x.font = Font(name=FONT_NAME, size=9)
            x.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = LINE_HEIGHT * _lines(note, sum(grid.widths))
            row += 1
        if part.footer:
            row += 1
            self._footer(row, part.footer, ncols)
        self._print_setup(top, row)

    def _cell(self, r: int, c: int, cell: Cell) -> None:
        ws = self.ws
        x = ws.cell(r, c)
        formula = self._formula(cell.formula, cell.kind) if cell.formula else None
        if formula is not None:
            x.value = formula
            self.cached[x.coordinate] = _cached(cell)
        elif cell.value is not None:
            x.value = cell.value
        elif cell.text:
            write_text(x, cell.text, f"工作表“{ws.title}”{x.coordinate}（{cell.path or cell.key or '表头'}）")
        if cell.kind in NUMBER_FORMATS and (cell.value is not None or formula):
            x.number_format = NUMBER_FORMATS[cell.kind]
        x.font = Font(name=FONT_NAME, size=10, bold=cell.header)
        horizontal = {ALIGN_LEFT: "left", ALIGN_RIGHT: "right"}.get(cell.align, "center")
        x.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=cell.indent * 2)
        if cell.colspan > 1 or cell.rowspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
        for rr in range(r, r + cell.rowspan):
            for cc in range(c, c + cell.colspan):
                ws.cell(rr, cc).border = BORDER

    def _formula(self, f: Formula, kind: Kind) -> str | None:
        """The plan's formula over this sheet's cells (None where it needs a cell of another sheet)."""
        return f.excel(self.refs.get, kind)

    def _heights(self, top: int) -> None:
        grid = self.part.grid
        for r, row in enumerate(grid.rows):
            lines = 1
            for c, cell in enumerate(row):
                if cell is None or cell.rowspan > 1:
                    continue
                lines = max(lines, _lines(cell.text, sum(grid.widths[c : c + cell.colspan]) - 2 - cell.indent * 4))
            self.ws.row_dimensions[top + r].height = max(18.0, LINE_HEIGHT * lines + 5)

    def _footer(self, row: int, footer: list[tuple[str, str]], ncols: int) -> None:
        # spread the four signature fields over the width: column groups of about ncols/4
        starts = [1 + (ncols * i) // len(footer) for i in range(len(footer))] + [ncols + 1]
        for i, (label, value) in enumerate(footer):
            a, b = starts[i], starts[i + 1] - 1
            if b > a:
                self.ws.merge_cells(start_row=row, start_column=a, end_row=row, end_column=b)
            x = _text(self.ws, row, a, f"{label}{value}", label.rstrip("：:"))
            x.font = Font(name=FONT_NAME, size=11)
            x.alignment = Alignment(horizontal="left", vertical="center")
        self.ws.row_dimensions[row].height = 24

    def _print_setup(self, top: int, last: int) -> None:
        ws, part = self.ws, self.part
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if part.landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=0.55, right=0.55, top=0.6, bottom=0.75, header=0.3, footer=0.35)
        ws.print_area = f"A1:{get_column_letter(part.grid.ncols)}{last}"
        if part.grid.repeat:
            first = top + part.grid.repeat[-1]
            ws.print_title_rows = f"{first}:{first}"
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"
        ws.oddFooter.center.size = 9
        if self.draft:
            ws.oddHeader.center.text = DRAFT_HEADER
            ws.oddHeader.center.color = "C00000"


def _text(ws: Worksheet, r: int, c: int, text: str, where: str = "") -> Any:
    """A cell holding ``text`` as text (never a formula), see :mod:`app.export.celltext`."""
    x = ws.cell(r, c)
    write_text(x, text, f"工作表“{ws.title}”{x.coordinate}" + (f"（{where}）" if where else ""))
    return x


def _cached(cell: Cell) -> Decimal | str:
    if cell.value is None:
        return cell.text  # ——, what the formula gives when there is nothing to compute
    if cell.kind is Kind.SCORE:
        return round_half_up(cell.value, 2)  # the formula rounds scores to 2 decimals
    return cell.value


def _lines(text: str, width_mm: float) -> int:
    """Lines a wrapped text takes in a column of ``width_mm`` at 10 pt (CJK ≈ 3.6 mm, Latin ≈ 1.9 mm)."""
    if not text:
        return 1
    usable = max(width_mm - 2, 4)
    total = 0
    for para in text.split("\n"):
        w = sum(3.6 if ord(ch) > 0x2E80 else 1.9 for ch in para)
        total += max(1, -(-int(w * 10) // int(usable * 10)))
    return total


#: role of a 附件4 row, kept in hidden column B so the import can read the chapters back
ROLE_TITLE, ROLE_TEXT, ROLE_TABLE, ROLE_MORE = "章", "文", "表", "续"


def _report_sheet(ws: Worksheet, rep: ReportDoc, draft: bool) -> None:
    ws.column_dimensions["A"].width = 90
    ws.column_dimensions["B"].hidden = True
    _text(ws, 1, 1, rep.attachment).font = Font(name=FONT_NAME, size=12)
    rows: list[tuple[str, Font, Alignment, str]] = [
        (rep.title, Font(name=FONT_NAME, size=18, bold=True), Alignment(horizontal="center", wrap_text=True), ""),
        (rep.unit_line, Font(name=FONT_NAME, size=14), Alignment(horizontal="center"), ""),
        (rep.date_line, Font(name=FONT_NAME, size=14), Alignment(horizontal="center"), ""),
    ]
    body = Font(name=FONT_NAME, size=11)
    wrap = Alignment(wrap_text=True, vertical="top")
    small = Font(name=FONT_NAME, size=10)
    for ch in rep.chapters:
        # every chapter has its title row, also an untitled opening section (a short empty row)
        rows.append((ch.title, Font(name=FONT_NAME, size=13, bold=True), Alignment(), ROLE_TITLE))
        for p in ch.paragraphs:  # a paragraph longer than a cell holds goes on in ROLE_MORE rows
            first, *rest = chunks("\u3000\u3000" + p)
            rows.append((first, body, wrap, ROLE_TEXT))
            rows += [(more, body, wrap, ROLE_MORE) for more in rest]
        for t in ch.tables:
            rows.append((t.caption, Font(name=FONT_NAME, size=10.5), Alignment(horizontal="center"), ROLE_TABLE))
            rows.append(("　".join(t.header), small, wrap, ROLE_TABLE))
            rows += [("　".join(r), small, wrap, ROLE_TABLE) for r in t.rows]
    for i, (text, font, align, role) in enumerate(rows, start=2):
        x = _text(ws, i, 1, text, "自评报告")
        x.font, x.alignment = font, align
        if role:
            _text(ws, i, 2, role)
        ws.row_dimensions[i].height = 8.0 if not text else max(18.0, 16.0 * _lines(text, 170))
    ws.print_area = f"A1:A{len(rows) + 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    if draft:
        ws.oddHeader.center.text = DRAFT_HEADER


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', re.S)


def _inject_cached(path: Path, cached: dict[str, dict[str, Decimal | str]]) -> None:
    """Put computed figures into the formula cells' cached values (see the module docstring)."""
    # a fixed name beside the file being written (itself export_packet's ".<name>.part"): a process killed here
    # leaves one file that the next export of the same name replaces, not a new random one each time
    tmp = path.with_name(f"{path.name}.cache")
    try:
        with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                values = cached.get(item.filename)
                if values:
                    def put(m: re.Match[bytes], values: dict[str, Decimal | str] = values) -> bytes:
                        v = values.get(m.group(1).decode())
                        if v is None:
                            return m.group(0)
                        if isinstance(v, str):  # a text result: the cell type says so
                            return b'<c r="%s"%s t="str"><f>%s</f><v>%s</v></c>' % (
                                m.group(1), m.group(2), m.group(3), xml_escape(v).encode())
                        return b'<c r="%s"%s><f>%s</f><v>%s</v></c>' % (
                            m.group(1), m.group(2), m.group(3), _number(v).encode())

                    data = _FORMULA_CELL.sub(put, data)
                zout.writestr(item, data)
        shutil.move(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _number(v: Decimal) -> str:
    text = format(v.normalize(), "f") if v == v.to_integral_value() else format(float(v), ".15g")
    return text


def write_xlsx(doc: PrintDocument, out: Path) -> list[str]:
    try:
        return _write_xlsx(doc, out)
    except TooLong as exc:
        raise ExportError(str(exc)) from None


def _write_xlsx(doc: PrintDocument, out: Path) -> list[str]:
    wb = Workbook()
    default = wb.active
    cached: dict[str, dict[str, Decimal | str]] = {}
    sheets: list[_Sheet] = []
    for part in doc.parts:
        ws = wb.create_sheet(part.sheet)
        sheet = _Sheet(ws, part, doc.draft)
        sheet.write()
        sheets.append(sheet)
    if doc.report is not None:
        _report_sheet(wb.create_sheet(doc.report.attachment), doc.report, doc.draft)
    if default is not None:
        wb.remove(default)
    wb.calculation = CalcProperties(fullCalcOnLoad=True)
    for key, value in doc.settings.items():  # read back by the template import
        wb.custom_doc_props.append(StringProperty(name=f"{SETTINGS_PREFIX}{key}", value=value))
    props: Any = wb.properties
    props.title = doc.title
    props.creator = "PerfEval Desk"
    wb.save(out)
    for n, sheet in enumerate(sheets, start=1):
        if sheet.cached:
            cached[f"xl/worksheets/sheet{n}.xml"] = sheet.cached
    _inject_cached(out, cached)
    return []
