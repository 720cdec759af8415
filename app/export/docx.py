"""Word writer (python-docx): 附件1–3 as tables with the official merges, then the 附件4 report with its
cover, chapters and the tables it quotes.  Page numbers are Word fields (第 N 页 共 M 页)."""

from __future__ import annotations

import io
import itertools
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.export.document import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    CHART_CAPTION,
    Grid,
    Part,
    PrintDocument,
    QuotedTable,
    ReportDoc,
    clip,
)
from app.export.fonts import SUBFONT_INDEX, font_path

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
    # Word repeats only a table's first rows on a new page: the form is cut into one table per heading
    # row (附件2: the budget block, then the indicator table headed by 一级指标…), a hairline apart
    cuts = sorted({0, *grid.repeat, len(grid.rows)})
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        if k:
            _hairline(doc)
        _table(doc, clip(grid, list(range(a, b))), widths, heading=a in grid.repeat)
    for note in part.notes:
        _para(doc, note, 9)
    if part.footer:
        _para(doc, "　　　".join(f"{label}{value}" for label, value in part.footer), 10.5)


def _table(doc: Any, grid: Grid, widths: list[Any], *, heading: bool) -> None:
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
    if heading:
        _repeat_header(table.rows[0])


def _hairline(doc: Any) -> None:
    """A 1-point paragraph: keeps two tables apart (Word would join touching tables) without a visible gap."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(1)
    _font(p.add_run(""), 1)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _quoted(doc: Any, t: QuotedTable) -> None:
    _para(doc, t.caption, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.keep_with_next = True
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


def _nice_step(raw: float) -> float:
    """1, 2 or 5 × 10ⁿ at or above ``raw``: axis ticks a reader can add up."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _chart_png(bars: list[tuple[str, Decimal, Decimal]]) -> bytes:
    """The budget-vs-execution bar chart as a PNG (Pillow, bundled font): Word has no drawing API here."""
    from PIL import Image, ImageDraw, ImageFont

    scale = 2  # drawn at twice the size for a crisp print
    w, h = 900 * scale, 360 * scale
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(font_path()), 13 * scale, index=SUBFONT_INDEX)
    small = ImageFont.truetype(str(font_path()), 11 * scale, index=SUBFONT_INDEX)
    left, right, top, bottom = 70 * scale, 20 * scale, 40 * scale, 50 * scale
    step = _nice_step(max(float(max(b, e)) for _, b, e in bars) / 4)
    ticks = 1 + int(max(float(max(b, e)) for _, b, e in bars) // step) + 1
    top_value = step * (ticks - 1)
    plot_h = h - top - bottom
    draw.line([(left, top), (left, h - bottom), (w - right, h - bottom)], fill="black", width=scale)
    for k in range(ticks):
        v = step * k
        y = h - bottom - plot_h * v / top_value
        draw.line([(left - 4 * scale, y), (left, y)], fill="black", width=scale)
        draw.text((left - 8 * scale, y), f"{v:.0f}", font=small, fill="black", anchor="rm")
    slot = (w - left - right) / len(bars)
    colors = ("#9bb7d4", "#2f5d8a")
    for i, (label, budget, executed) in enumerate(bars):
        x0 = left + slot * i + slot * 0.15
        bar_w = slot * 0.35
        for j, value in enumerate((budget, executed)):
            bh = plot_h * float(value) / top_value
            x = x0 + j * bar_w
            draw.rectangle([x, h - bottom - bh, x + bar_w - 2 * scale, h - bottom], fill=colors[j], outline="black")
            draw.text((x + bar_w / 2, h - bottom - bh - 2 * scale), f"{value:.2f}", font=small, fill="black",
                      anchor="mb")
        short = label if len(label) <= 8 else label[:7] + "…"
        draw.text((left + slot * (i + 0.5), h - bottom + 8 * scale), short, font=small, fill="black", anchor="mt")
    for j, name in enumerate(("预算数", "执行数")):
        x = w - right - (160 - 80 * j) * scale
        draw.rectangle([x, 12 * scale, x + 14 * scale, 24 * scale], fill=colors[j], outline="black")
        draw.text((x + 18 * scale, 18 * scale), name, font=font, fill="black", anchor="lm")
    draw.text((8 * scale, 18 * scale), "万元", font=font, fill="black", anchor="lm")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


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
        if ch.chart and rep.chart:
            caption = _para(doc, CHART_CAPTION, 10.5, align=WD_ALIGN_PARAGRAPH.CENTER)
            caption.paragraph_format.keep_with_next = True
            doc.add_picture(io.BytesIO(_chart_png(rep.chart)), width=Mm(165))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def _property(text: str) -> str:
    """Word's core properties hold at most 255 characters (python-docx refuses more); the pages keep the full text."""
    return text if len(text) <= 255 else text[:254] + "…"


def write_docx(doc: PrintDocument, out: Path) -> list[str]:
    word = Document()
    normal = word.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT_NAME)
    word.core_properties.title = _property(doc.title)
    word.core_properties.author = "PerfEval Desk"
    first = True
    for part in doc.parts:
        section = word.sections[0] if first else word.add_section(WD_SECTION.NEW_PAGE)
        _setup(section, part.landscape, doc.draft, first)
        _part(word, part)
        first = False
    if doc.report is not None:
        section = word.add_section(WD_SECTION.NEW_PAGE)
        _setup(section, False, doc.draft, False)
        _report(word, doc.report)
    word.save(str(out))
    return []
