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

import copy
import io
import itertools
import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.properties import CalcProperties
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.numbers import Kind, round_half_up
from app.domain.plan import Formula
from app.domain.report import insert_line
from app.export import ExportError
from app.export.celltext import TooLong, chunks, write_text
from app.export.document import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    REVIEW_HEADER,
    REVIEW_TITLE,
    Cell,
    Chart,
    Part,
    PrintDocument,
    QuotedTable,
    ReportDoc,
)
from app.export.paging import (
    char_width,
    estimate_heights,
    fit_widths,
    page_grids,
    paginate,
    text_lines,
    title_lines,
)

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
CELL_SIZE, CELL_PAD, MIN_ROW, FOOTER_ROW = 10.0, 3.0, 18.0, 24.0
MARGINS = (0.55, 0.55, 0.6, 0.75)  # inches: left, right, top, bottom
_A4_SHORT, _A4_LONG = 595.0, 842.0
#: the rows' heights are set, so Excel/WPS paginate as estimated; a little room for rounding.  (LibreOffice
#: without Calibri's metric twin Carlito measures columns wider, prints smaller and so leaves room.)
PAGE_SAFETY = 0.97
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
#: the first table row of every form sheet (after 附件N, the title and the unit line); the import relies on
#: labels, not on this, but keeping it fixed makes the files easy to compare
SETTINGS_PREFIX = "PerfEval."
DRAFT_HEADER = "草稿（未经审核，不得作为正式材料报送）"


class _Sheet:
    def __init__(self, ws: Worksheet, part: Part, draft: bool, looks: dict[Any, Any]) -> None:
        self.ws = ws
        self.looks = looks  # the workbook's cell formats by key (see _look)
        self.part = part
        self.draft = draft
        self.refs: dict[str, str] = {}
        self.cached: dict[str, Decimal | str] = {}  # coordinate → result of a formula cell

    def write(self) -> None:
        ws, part = self.ws, self.part
        grid = part.grid
        ncols = grid.ncols
        scale = 1.0 if part.landscape else 1.1
        units = [mm / MM_PER_CHAR * scale for mm in grid.widths]
        widths_pt = fit_widths(grid, [_points(u) for u in units], size=CELL_SIZE, pad=CELL_PAD)
        for c, w in enumerate(widths_pt, start=1):
            ws.column_dimensions[get_column_letter(c)].width = round(_units(w), 1)
        total = sum(widths_pt)
        _text(ws, 1, 1, part.attachment).font = Font(name=FONT_NAME, size=12)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
        title = _text(ws, 2, 1, part.title, "标题")
        title.font = Font(name=FONT_NAME, size=16, bold=True)
        title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.row_dimensions[2].height = max(30.0, text_lines(part.title, total - 8, 16) * 16 * 1.35 + 8)
        head_h = 18.0 + (ws.row_dimensions[2].height or 30.0)
        top = 3
        if part.unit_line:
            ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=ncols)
            _text(ws, 3, 1, part.unit_line, "单位名称").font = Font(name=FONT_NAME, size=11)
            ws.row_dimensions[3].height = 18
            head_h += 18
            top = 4
        heights = estimate_heights(grid, widths_pt, size=CELL_SIZE, leading=LINE_HEIGHT, pad=CELL_PAD,
                                   minimum=MIN_ROW)
        notes_h = [LINE_HEIGHT * text_lines(note, total - 4, 9) + 4 for note in part.notes]
        tail_h = sum(notes_h) + (FOOTER_ROW + 15 if part.footer else 0)
        # pages as the viewer will print them at the fit-to-width scale; the breaks are set by hand, so the
        # spans can be cut there with their labels repeated (Excel prints a merged label once)
        page_w, page_h = (_A4_LONG, _A4_SHORT) if part.landscape else (_A4_SHORT, _A4_LONG)
        fit = min(1.0, (page_w - 72 * (MARGINS[0] + MARGINS[1])) / total)
        cap = (page_h - 72 * (MARGINS[2] + MARGINS[3])) / fit * PAGE_SAFETY
        repeat_h = max((heights[r] for r in grid.repeat), default=0.0)
        pages = paginate(grid, heights, first=cap - head_h, other=cap - repeat_h, tail=tail_h)
        paged = page_grids(grid, pages) if len(pages) > 1 else grid
        cells = paged.cells()
        for r, c, cell in cells:
            if cell.ref:
                self.refs.setdefault(cell.ref, f"{get_column_letter(c + 1)}{top + r}")
        for r, c, cell in cells:
            self._cell(top + r, c + 1, cell)
        for r, h in enumerate(heights):
            ws.row_dimensions[top + r].height = round(h, 1)
        seen: set[int] = set()
        for k, rows in enumerate(pages):
            own = [r for r in rows if r not in seen]
            seen.update(own)
            if k and own:
                ws.row_breaks.append(Break(id=top + own[0] - 1))
        end = top + len(grid.rows)
        row = end
        for note, h in zip(part.notes, notes_h, strict=True):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
            x = _text(ws, row, 1, note, "说明")
            x.font = Font(name=FONT_NAME, size=9)
            x.alignment = Alignment(wrap_text=True, vertical="top")
            ws.row_dimensions[row].height = h
            row += 1
        if part.footer:
            row += 1
            self._footer(row, part.footer, widths_pt)
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
            text = cell.text if cell.typed is None else cell.typed  # a draft's marks are in the comment
            if text:
                write_text(x, text, f"工作表“{ws.title}”{x.coordinate}（{cell.path or cell.key or '表头'}）")
        if cell.comment:
            x.comment = Comment(cell.comment, "PerfEval Desk", width=260, height=110)
        if cell.colspan > 1 or cell.rowspan > 1:
            ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
        number_format = NUMBER_FORMATS[cell.kind] if cell.kind in NUMBER_FORMATS and (
            cell.value is not None or formula) else None
        horizontal = {ALIGN_LEFT: "left", ALIGN_RIGHT: "right"}.get(cell.align, "center")
        self._look(x, (number_format, cell.header, horizontal, cell.indent, bool(x.quotePrefix)))
        for rr in range(r, r + cell.rowspan):
            for cc in range(c, c + cell.colspan):
                if (rr, cc) != (r, c):
                    self._look(ws.cell(rr, cc), None)  # a position the span covers: its border only

    def _look(self, x: Any, key: tuple[str | None, bool, str, int, bool] | None) -> None:
        """A form cell's format: the number format, font, alignment (and quote prefix) of ``key``, and the
        thin border.  openpyxl hashes every style object on each assignment (≈0.1 ms a cell), so a format is
        built once per workbook and copied to the next cell that has the same key (openpyxl's own way of
        copying a cell's format: its ``_style`` array of indices into the workbook's style lists)."""
        known = self.looks.get(key)
        if known is not None:
            x._style = copy.copy(known)
            return
        if key is not None:
            number_format, header, horizontal, indent, _ = key
            if number_format is not None:
                x.number_format = number_format
            x.font = Font(name=FONT_NAME, size=10, bold=header)
            x.alignment = Alignment(horizontal=horizontal, vertical="center", wrap_text=True, indent=indent * 2)
        x.border = BORDER
        self.looks[key] = copy.copy(x._style)

    def _formula(self, f: Formula, kind: Kind) -> str | None:
        """The plan's formula over this sheet's cells (None where it needs a cell of another sheet)."""
        return f.excel(self.refs.get, kind)

    def _footer(self, row: int, footer: list[tuple[str, str]], widths_pt: list[float]) -> None:
        """The signature fields side by side, each over columns wide enough for its text (联系电话 on one
        line), the signature over the widest rest: the best of all ways to group the columns."""
        ncols = len(widths_pt)
        texts = [f"{label}{value}" for label, value in footer]
        need = [sum(char_width(ch) for ch in text) * 11 + 12 for text in texts]
        need[-1] += 60  # room for the hand signature
        best: tuple[float, float, tuple[int, ...]] | None = None
        for cuts in itertools.combinations(range(1, ncols), len(texts) - 1):
            bounds = (0, *cuts, ncols)
            got = [sum(widths_pt[a:b]) for a, b in itertools.pairwise(bounds)]
            short = sum(max(0.0, n - g) for n, g in zip(need, got, strict=True))
            key = (short, -got[-1], bounds)
            if best is None or key[:2] < best[:2]:
                best = key
        starts = list(best[2]) if best else [min(i, ncols - 1) for i in range(len(texts))] + [ncols]
        for i, text in enumerate(texts):
            a, b = starts[i] + 1, starts[i + 1]
            if b < a:
                continue
            if b > a:
                self.ws.merge_cells(start_row=row, start_column=a, end_row=row, end_column=b)
            x = _text(self.ws, row, a, text, "签字栏")
            x.font = Font(name=FONT_NAME, size=11)
            x.alignment = Alignment(horizontal="left", vertical="center", shrink_to_fit=True)
        self.ws.row_dimensions[row].height = FOOTER_ROW

    def _print_setup(self, top: int, last: int) -> None:
        ws, part = self.ws, self.part
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if part.landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=MARGINS[0], right=MARGINS[1], top=MARGINS[2], bottom=MARGINS[3],
                                      header=0.3, footer=0.35)
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


def _points(units: float) -> float:
    """An Excel column width (characters of the default font, 7 px) in points."""
    return (units * 7 + 5) * 0.75


def _units(points: float) -> float:
    return max(1.0, (points / 0.75 - 5) / 7)


def _cached(cell: Cell) -> Decimal | str:
    if cell.value is None:
        return cell.text  # ——, what the formula gives when there is nothing to compute
    if cell.kind is Kind.SCORE:
        return round_half_up(cell.value, 2)  # the formula rounds scores to 2 decimals
    return cell.value


#: role of a 附件4 row, kept in a hidden column so the import can read the chapters back; a paragraph longer
#: than one Excel cell holds goes on in 续 rows
ROLE_TITLE, ROLE_TEXT, ROLE_TABLE, ROLE_MORE = "章", "文", "表", "续"
#: a generated table or chart (its caption row; column J holds the 【caption】 line the import puts back) and
#: the rows it generated (not read back: they are made again from the figures)
ROLE_INSERT, ROLE_MADE = "插", "生"


#: the report's columns A–H: a paragraph spans them all, a quoted table spreads its columns over them;
#: the row roles go into hidden column I, outside the print area
_REPORT_COLS = (1, 2, 3, 4, 5, 6, 7, 8)
_ROLE_COL = 9
_SOURCE_COL = 10  # hidden too: a table row's line as the clerk wrote it (a | b | c), an insert's 【caption】
_REPORT_COL_UNITS = 10.5
_REPORT_MARGINS = (28 / 25.4, 26 / 25.4, 37 / 25.4, 35 / 25.4)  # GB/T 9704: left, right, top, bottom


def _report_sheet(ws: Worksheet, rep: ReportDoc, draft: bool) -> None:
    for c in _REPORT_COLS:
        ws.column_dimensions[get_column_letter(c)].width = _REPORT_COL_UNITS
    for hidden in (_ROLE_COL, _SOURCE_COL):
        ws.column_dimensions[get_column_letter(hidden)].hidden = True
    last_col = _REPORT_COLS[-1]
    width_pt = _points(_REPORT_COL_UNITS) * len(_REPORT_COLS)
    _text(ws, 1, 1, rep.attachment).font = Font(name=FONT_NAME, size=12)
    row = 2

    def text_row(text: str, font: Font, align: Alignment, role: str = "", *, indent: bool = False) -> None:
        nonlocal row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
        x = _text(ws, row, 1, text, "自评报告")
        x.font, x.alignment = font, align
        if role:
            ws.cell(row, _ROLE_COL, role)
        size = float(font.sz or 11)
        lines = text_lines(text, width_pt - 6, size) if text else 0
        ws.row_dimensions[row].height = 8.0 if not text else max(18.0, lines * size * 1.35 + 4)
        row += 1

    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # the title broken by hand (Excel would leave “告” alone on a line), the import does not read this row
    text_row("\n".join(title_lines(rep.title, rep.unit_name, width_pt - 12, 18)),
             Font(name=FONT_NAME, size=18, bold=True), center)
    text_row(rep.unit_line, Font(name=FONT_NAME, size=14), center)
    text_row(rep.date_line, Font(name=FONT_NAME, size=14), center)
    body = Font(name=FONT_NAME, size=12)
    wrap = Alignment(wrap_text=True, vertical="top")
    for ch in rep.chapters:
        # every chapter has its title row, also an untitled opening section (a short empty row)
        text_row(ch.title, Font(name=FONT_NAME, size=14, bold=True), Alignment(wrap_text=True, vertical="center"),
                 ROLE_TITLE)
        for block in ch.blocks:
            if isinstance(block, str):  # a paragraph longer than a cell holds goes on in ROLE_MORE rows
                first, *rest = chunks("\u3000\u3000" + block)
                text_row(first, body, wrap, ROLE_TEXT)
                for more in rest:
                    text_row(more, body, wrap, ROLE_MORE)
                continue
            if isinstance(block, QuotedTable) and not block.generated:
                row = _ruled_table(ws, row, [block.header, *block.rows], width_pt, ROLE_TABLE)
                continue
            ws.cell(row, _SOURCE_COL, insert_line(block.caption))
            text_row(block.caption, Font(name=FONT_NAME, size=11, bold=True), center, ROLE_INSERT)
            if isinstance(block, QuotedTable):
                row = _ruled_table(ws, row, [block.header, *block.rows], width_pt, ROLE_MADE)
            else:
                row = _chart_rows(ws, row, block, width_pt)
    ws.print_area = f"A1:{get_column_letter(last_col)}{row - 1}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    left, right, top, bottom = _REPORT_MARGINS
    ws.page_margins = PageMargins(left=left, right=right, top=top, bottom=bottom, header=0.5, footer=0.6)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
    if draft:
        ws.oddHeader.center.text = DRAFT_HEADER


def _review_sheet(ws: Worksheet, doc: PrintDocument) -> None:
    """审核结果 as a last sheet (the import does not read it): mark, 类型, the message, the 合理性说明."""
    marked = any(m for m, *_ in doc.review)
    header = REVIEW_HEADER if marked else REVIEW_HEADER[1:]
    units = (6.0, 7.0, 60.0, 36.0) if marked else (7.0, 64.0, 38.0)
    for c, w in enumerate(units, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    _text(ws, 1, 1, REVIEW_TITLE).font = Font(name=FONT_NAME, size=16, bold=True)
    ws.cell(1, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    for r, line in enumerate([header, *(x if marked else x[1:] for x in doc.review)], start=2):
        lines = 1
        for c, (text, w) in enumerate(zip(line, units, strict=True), start=1):
            x = _text(ws, r, c, text, REVIEW_TITLE)
            x.font = Font(name=FONT_NAME, size=10, bold=r == 2)
            x.alignment = Alignment(horizontal="center" if c < len(header) - 1 or r == 2 else "left",
                                    vertical="center", wrap_text=True)
            x.border = BORDER
            lines = max(lines, text_lines(text, _points(w) - 6, 10))
        ws.row_dimensions[r].height = max(20.0, lines * 14 + 6)
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "审核结果"  # &P would count on from the forms when the whole workbook prints
    if doc.draft:
        ws.oddHeader.center.text = DRAFT_HEADER


def _chart_rows(ws: Worksheet, row: int, chart: Chart, width_pt: float) -> int:
    """A generated chart as a picture in one tall row (the caption row is above it).  Returns the row after it."""
    from openpyxl.drawing.image import Image

    from app.export.docx import chart_png

    img = Image(io.BytesIO(chart_png(chart.bars)))
    w_px = width_pt * 4 / 3 * 0.9
    img.height, img.width = img.height * w_px / img.width, w_px
    img.anchor = f"{get_column_letter(_REPORT_COLS[0])}{row}"
    ws.add_image(img)
    ws.cell(row, _ROLE_COL, ROLE_MADE)
    ws.row_dimensions[row].height = img.height * 3 / 4 + 6
    return row + 1


def _ruled_table(ws: Worksheet, row: int, rows: list[list[str]], width_pt: float, role: str) -> int:
    """A report table as a table: its columns spread over the report's visible columns, every cell ruled;
    the first row (the heading) bold.  Each row's cells as written go into the hidden source column (the
    import reads them back from there: a merged or folded cell would not say where a column ends).
    Returns the row after it."""
    source = [" | ".join(r) for r in rows]
    ncols = max(len(r) for r in rows)
    slots = len(_REPORT_COLS)
    if ncols > slots:  # more columns than slots: one column each, the rest folded into the last
        rows = [[*r[: slots - 1], "　".join(r[slots - 1 :])] for r in rows]
        ncols = slots
    # column k covers slots [bounds[k], bounds[k+1])
    bounds = [round(k * slots / ncols) for k in range(ncols + 1)]
    slot_pt = width_pt / slots
    for i, cells in enumerate(rows):
        lines = 1
        for k in range(ncols):
            a, b = _REPORT_COLS[bounds[k]], _REPORT_COLS[bounds[k + 1] - 1]
            text = cells[k] if k < len(cells) else ""
            if b > a:
                ws.merge_cells(start_row=row, start_column=a, end_row=row, end_column=b)
            x = _text(ws, row, a, text, "自评报告表格")
            x.font = Font(name=FONT_NAME, size=10.5, bold=i == 0)
            x.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            for c in range(a, b + 1):
                ws.cell(row, c).border = BORDER
            lines = max(lines, text_lines(text, slot_pt * (bounds[k + 1] - bounds[k]) - 6, 10.5))
        ws.cell(row, _ROLE_COL, role)
        ws.cell(row, _SOURCE_COL, source[i])
        ws.row_dimensions[row].height = max(20.0, lines * 14.5 + 6)
        row += 1
    return row


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', re.S)


def _inject_cached(path: Path, cached: dict[str, dict[str, Decimal | str]]) -> None:
    """Put computed figures into the formula cells' cached values (see the module docstring)."""
    # a fixed name beside the file being written (itself export_packet's ".<name>.part"): a process killed here
    # leaves one file that the next export of the same name replaces, not a new random one each time; a plain
    # new file (not mkstemp's 0600): the finished export gets the mode the user's umask gives
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
    looks: dict[Any, Any] = {}
    for part in doc.parts:
        ws = wb.create_sheet(part.sheet)
        sheet = _Sheet(ws, part, doc.draft, looks)
        sheet.write()
        sheets.append(sheet)
    if doc.report is not None:
        _report_sheet(wb.create_sheet(doc.report.attachment), doc.report, doc.draft)
    if doc.review:
        _review_sheet(wb.create_sheet(REVIEW_TITLE), doc)
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
