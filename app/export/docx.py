"""Word writer (python-docx): 附件1–3 as tables with the official merges, then the 附件4 report with its
cover, chapters and the tables it quotes.  Page numbers are Word fields (第 N 页 共 M 页)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.export.document import ALIGN_LEFT, ALIGN_RIGHT, Part, PrintDocument, QuotedTable, ReportDoc

FONT_NAME = "宋体"
_ALIGN = {ALIGN_LEFT: WD_ALIGN_PARAGRAPH.LEFT, ALIGN_RIGHT: WD_ALIGN_PARAGRAPH.RIGHT}


def _font(run: Any, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = FONT_NAME
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), FONT_NAME)


def _para(container: Any, text: str, size: float = 10.5, *, bold: bool = False,
          align: Any = None, indent_first: bool = False, space_after: float = 0) -> Any:
    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent_first:
        fmt.first_line_indent = Pt(size * 2)
        fmt.line_spacing = 1.5
    _font(p.add_run(text), size, bold)
    return p


def _field(paragraph: Any, instr: str) -> None:
    run = paragraph.add_run()
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    inner = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    inner.append(text)
    fld.append(inner)
    run._element.addnext(fld)


def _page_footer(section: Any, draft: bool) -> None:
    footer = section.footer
    p = footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # "第 " PAGE " 页 共 " NUMPAGES " 页" — runs and fields must stay in document order
    _font(p.add_run("第 "), 9)
    _field(p, "PAGE")
    _font(p.add_run(" 页 共 "), 9)
    _field(p, "NUMPAGES")
    _font(p.add_run(" 页"), 9)
    if draft:
        hp = section.header.paragraphs[0]
        hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = hp.add_run("草稿（未经审核，不得作为正式材料报送）")
        _font(run, 12, True)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _setup(section: Any, landscape: bool, draft: bool, first: bool) -> None:
    """Page size and margins; the footer (and draft header) is defined once, later sections link to it."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = Mm(210), Mm(297)
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(18)
    if first:
        _page_footer(section, draft)


def _part(doc: Any, part: Part) -> None:
    _para(doc, part.attachment, 12)
    _para(doc, part.title, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    if part.unit_line:
        _para(doc, part.unit_line, 10.5, space_after=4)
    grid = part.grid
    usable = (267 if part.landscape else 180)
    widths = [Mm(usable * w / sum(grid.widths)) for w in grid.widths]
    table = doc.add_table(rows=len(grid.rows), cols=grid.ncols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # table.cell() rebuilds the whole cell list on every call (quadratic); take the list once, before the
    # merges — merged regions never overlap, so the cached cells stay valid for the corners we use
    flat = table._cells
    n = grid.ncols
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the tblGrid widths: LibreOffice/WPS lay the table out from these
    for row in table.rows:  # like the official forms: rows at least 6 mm, taller when the text wraps
        row.height = Mm(6)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for i, docx_cell in enumerate(flat):
        docx_cell.width = widths[i % n]
    for r, c, cell in grid.cells():
        target = flat[r * n + c]
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(flat[(r + cell.rowspan - 1) * n + c + cell.colspan - 1])
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = target.paragraphs[0]
        p.alignment = _ALIGN.get(cell.align, WD_ALIGN_PARAGRAPH.CENTER)
        if cell.indent:
            p.paragraph_format.left_indent = Pt(9 * cell.indent)
        _font(p.add_run(cell.text), 9, cell.header)
    if grid.repeat and grid.repeat[0] == 0:
        _repeat_header(table.rows[0])
    for note in part.notes:
        _para(doc, note, 9)
    if part.footer:
        _para(doc, "　　　".join(f"{label}{value}" for label, value in part.footer), 10.5)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _quoted(doc: Any, t: QuotedTable) -> None:
    _para(doc, t.caption, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, text in enumerate(t.header):
        cell = table.cell(0, c)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), 9, True)
    for r, row in enumerate(t.rows, start=1):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _font(cell.paragraphs[0].add_run(text), 9)


def _report(doc: Any, rep: ReportDoc) -> None:
    _para(doc, rep.attachment, 12)
    for _ in range(8):
        _para(doc, "", 14)
    _para(doc, rep.title, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(10):
        _para(doc, "", 14)
    _para(doc, rep.unit_line, 15, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    _para(doc, rep.date_line, 15, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for ch in rep.chapters:
        if ch.title:
            _para(doc, ch.title, 14, bold=True, space_after=4)
        for text in ch.paragraphs:
            _para(doc, text, 12, indent_first=True)
        for t in ch.tables:
            _quoted(doc, t)


def write_docx(doc: PrintDocument, out: Path) -> list[str]:
    word = Document()
    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
    word.core_properties.title = doc.title
    word.core_properties.author = "PerfEval Desk"
    first = True
    for part in doc.parts:
        section = word.sections[0] if first else word.add_section(WD_SECTION.NEW_PAGE)
        _setup(section, part.landscape, doc.draft, first)
        _part(word, part)
        first = False
    section = word.add_section(WD_SECTION.NEW_PAGE)
    _setup(section, False, doc.draft, False)
    _report(word, doc.report)
    word.save(str(out))
    return []
