"""Word writer (python-docx): 附件1–3 as tables with the official merges, then the 附件4 report with its
cover, chapters and the tables it quotes, set after GB/T 9704.

The forms are cut into pages here (estimated row heights, :mod:`app.export.paging`), one table per page
with an explicit break, so a continuation page repeats the column headings and the cut 一级/二级 labels,
and the last rows, 总分 and the signature line stay together.  The report uses Word's heading styles
(标题 1 for 一、, 标题 2 for （一）: the navigation pane lists the chapters), 仿宋/黑体/楷体 with
fallbacks in the font table, zh-CN as the East Asian language, GB/T 9704 margins (the wider left one is
the binding side) and page numbers “— 1 —” at the outer edge from the first page after the cover.
Page numbers of the forms are Word fields (第 N 页 共 M 页)."""

from __future__ import annotations

import io
import math
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.export.document import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    REVIEW_HEADER,
    REVIEW_TITLE,
    Chart,
    Grid,
    Part,
    PrintDocument,
    QuotedTable,
    ReportDoc,
    clip,
)
from app.export.docx_table import form_table_xml
from app.export.fonts import SUBFONT_INDEX, font_path
from app.export.paging import estimate_heights, fit_widths, paginate, title_lines

FONT_NAME = "宋体"
FANG, HEI, KAI = "仿宋", "黑体", "楷体"
#: font table entries: the name Word looks for, the names it tries when that is missing (Windows XP's
#: 仿宋_GB2312/楷体_GB2312, the English names), and a GB2312 charset so a viewer substitutes a Chinese face
_FONT_TABLE = {
    FONT_NAME: ("SimSun", "roman", "02010600030101010101"),
    FANG: ("仿宋_GB2312,FangSong", "modern", "02010609060101010101"),
    HEI: ("SimHei", "modern", "02010609060101010101"),
    KAI: ("楷体_GB2312,KaiTi", "modern", "02010609060101010101"),
}
_ALIGN = {ALIGN_LEFT: WD_ALIGN_PARAGRAPH.LEFT, ALIGN_RIGHT: WD_ALIGN_PARAGRAPH.RIGHT}
BODY_SIZE = 16.0  # 三号
BODY_STYLE = "Body Text"  # 正文
HEADING_1, HEADING_2, TABLE_STYLE = "Heading 1", "Heading 2", "Table Grid"  # 标题 1 (一、), 标题 2 (（一）)
BODY_LINE = Pt(225 / 22 * 72 / 25.4)  # 22 lines on a 225 mm text block (GB/T 9704)
CELL_SIZE = 9.0
#: forms: page room (points) a landscape/portrait page gives the table, with room for a viewer whose rows
#: come out taller than estimated
_FORM_ROOM = {True: (210 - 15 - 18) * 72 / 25.4 * 0.95, False: (297 - 15 - 18) * 72 / 25.4 * 0.95}


def _font(run: Any, size: float | None, bold: bool = False, name: str = FONT_NAME) -> None:
    if size is not None:
        run.font.size = Pt(size)
    run.font.bold = bold
    _names(run._element.get_or_add_rPr(), name)


def _names(rpr: Any, name: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font would win
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia"):
        fonts.set(qn(attr), name)
    fonts.set(qn("w:hint"), "eastAsia")


def _para(container: Any, text: str, size: float | None = 10.5, *, bold: bool = False,
          align: Any = None, space_after: float = 0, name: str = FONT_NAME, style: str | None = None) -> Any:
    """A paragraph of one run; ``style`` is a style id (:func:`_style_ids`)."""
    p = container.add_paragraph()
    if style is not None:
        p._p.style = style
    if align is not None:
        p.alignment = align
    fmt = p.paragraph_format
    if style is None:
        fmt.space_after = Pt(space_after)
        fmt.space_before = Pt(0)
    _font(p.add_run(text), size, bold, name)
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
    # odd and even pages have their own footers (the report's numbers sit at the outer edge): the forms' even
    # pages get the same "第 " PAGE " 页 共 " NUMPAGES " 页" — runs and fields must stay in document order
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run("第 "), 9)
        _field(p, "PAGE")
        _font(p.add_run(" 页 共 "), 9)
        _field(p, "NUMPAGES")
        _font(p.add_run(" 页"), 9)
    _draft_header(section, draft)


def _draft_header(section: Any, draft: bool) -> None:
    """The section's own headers, odd and even pages alike; a draft's say so in red."""
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        if draft:
            hp = header.paragraphs[0]
            hp.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = hp.add_run("草稿（未经审核，不得作为正式材料报送）")
            _font(run, 12, True)
            run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)


def _setup(section: Any, landscape: bool, draft: bool, first: bool) -> None:
    """Page size and margins; the footer (and draft header) is defined once, later form sections link to it."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    w, h = Mm(210), Mm(297)
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(18)
    if first:
        _page_footer(section, draft)


def _report_setup(section: Any, draft: bool, cover: bool) -> None:
    """GB/T 9704 margins: top 37, bottom 35, left (binding side) 28, right 26 mm; the cover has no page
    number, the report's pages are numbered “— 1 —” from the first after the cover, at the outer edge."""
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(35 - 7 - 5)
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    _draft_header(section, draft)
    if cover:
        return
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        section._sectPr.append(pg)
    pg.set(qn("w:start"), "1")
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                      WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        p.alignment = align
        fmt = p.paragraph_format
        fmt.left_indent = fmt.right_indent = Pt(14)  # one character in from the edge
        _font(p.add_run("— "), 14, name=FONT_NAME)
        _field(p, "PAGE")
        _font(p.add_run(" —"), 14, name=FONT_NAME)


def _part(doc: Any, part: Part, styles: dict[str, str]) -> None:
    _para(doc, part.attachment, 12)
    _para(doc, part.title, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    if part.unit_line:
        _para(doc, part.unit_line, 10.5, space_after=4)
    grid = part.grid
    usable = (267 if part.landscape else 180)
    widths_pt = fit_widths(grid, [usable * w / sum(grid.widths) * 72 / 25.4 for w in grid.widths], size=CELL_SIZE,
                           pad=5.5)  # Word's default cell margins: 0.19 cm a side
    heights = estimate_heights(grid, widths_pt, size=CELL_SIZE, leading=CELL_SIZE * 1.35, pad=2,
                               minimum=6 * 72 / 25.4)
    room = _FORM_ROOM[part.landscape]
    head = 12 * 1.4 + 16 * 1.6 + 6 + (10.5 * 1.4 + 4 if part.unit_line else 0)
    tail = len(part.notes) * 9 * 1.4 * 2 + (10.5 * 1.5 * 2 if part.footer else 0)
    repeat = max((heights[r] for r in grid.repeat), default=0.0)
    pages = paginate(grid, heights, first=room - head, other=room - repeat, tail=tail)
    # Word repeats only a table's first rows on a page it breaks itself: each page's rows are cut into one
    # table per heading row (附件2: the budget block, then the indicator table headed by 一级指标…), a
    # hairline apart; a page of ours starts with an explicit break and repeats the heading row and the cut
    # 一级/二级 labels (clip)
    for n, rows in enumerate(pages):
        cuts = [k for k, r in enumerate(rows) if r in grid.repeat and k] + [len(rows)]
        start = 0
        for k, end in enumerate(cuts):
            if end <= start:
                continue
            if n or k:
                _hairline(doc, page_break=bool(n and not k))
            chunk = rows[start:end]
            _table(doc, clip(grid, chunk), widths_pt, heading=chunk[0] in grid.repeat,
                   style=styles[TABLE_STYLE])
            start = end
    for note in part.notes:
        _para(doc, note, 9).paragraph_format.keep_with_next = True
    if part.footer:
        _para(doc, "　　　".join(f"{label}{value}" for label, value in part.footer), 10.5)


def _table(doc: Any, grid: Grid, widths_pt: list[float], *, heading: bool, style: str) -> None:
    """One page's piece of a form: written as XML in one pass (:mod:`app.export.docx_table`), then placed at
    the end of the body like ``add_table``."""
    tbl = parse_xml(form_table_xml(grid, widths_pt, heading=heading, style_id=style,
                                   font=FONT_NAME, size=CELL_SIZE))
    doc.element.body._insert_tbl(tbl)


def _hairline(doc: Any, *, page_break: bool = False) -> None:
    """A 1-point paragraph: keeps two tables apart (Word would join touching tables) without a visible gap;
    ``page_break``: the next table starts a new page."""
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(1)
    fmt.page_break_before = page_break
    _font(p.add_run(""), 1)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _quoted(doc: Any, t: QuotedTable, styles: dict[str, str]) -> None:
    """A table in the report: 小四 text, roomy cells, the heading row in 黑体 and repeated; the caption of a
    generated one above it (the clerk's own table has its caption in the paragraph before it)."""
    if t.caption:
        cap = _para(doc, t.caption, 12, align=WD_ALIGN_PARAGRAPH.CENTER, name=HEI, space_after=4)
        cap.paragraph_format.keep_with_next = True
        cap.paragraph_format.space_before = Pt(6)
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.header))
    table._tbl.tblPr.style = styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table, top=Mm(1.5), bottom=Mm(1.5), side=Mm(2))
    for r, row in enumerate([t.header, *t.rows]):
        table.rows[r].height = Mm(9)
        table.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            _font(p.add_run(text), 12, False, HEI if r == 0 else FANG)
    _repeat_header(table.rows[0])
    after = doc.add_paragraph()
    after.paragraph_format.space_after = Pt(6)


def _cell_margins(table: Any, *, top: Any, bottom: Any, side: Any) -> None:
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for edge, value in (("top", top), ("left", side), ("bottom", bottom), ("right", side)):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:w"), str(int(value.twips)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _nice_step(raw: float) -> float:
    """1, 2 or 5 × 10ⁿ at or above ``raw``: axis ticks a reader can add up."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def chart_png(bars: list[tuple[str, Decimal, Decimal]]) -> bytes:
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


_SUBHEAD = re.compile(r"^（[一二三四五六七八九十]+）[^。！？；]{0,40}[。！？]?")


def _review(word: Any, doc: PrintDocument, styles: dict[str, str]) -> None:
    """审核结果 on its own pages (not numbered with the forms or the report): mark, 类型, message, 合理性说明."""
    section = word.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin, section.bottom_margin = Mm(15), Mm(18)
    section.different_first_page_header_footer = False
    for footer in (section.footer, section.even_page_footer):  # the document has odd and even footers
        footer.is_linked_to_previous = False
        foot = footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(foot.add_run("审核结果"), 9, False)
    _draft_header(section, doc.draft)
    _para(word, REVIEW_TITLE, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6, name=HEI)
    marked = any(m for m, *_ in doc.review)
    header = REVIEW_HEADER if marked else REVIEW_HEADER[1:]
    widths = (12, 14, 90, 64) if marked else (14, 100, 66)
    rows = [header, *(x if marked else x[1:] for x in doc.review)]
    table = word.add_table(rows=len(rows), cols=len(header))
    table._tbl.tblPr.style = styles[TABLE_STYLE]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    for r, line in enumerate(rows):
        for c, text in enumerate(line):
            cell = table.cell(r, c)
            cell.width = Mm(widths[c])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if c >= len(line) - 2 and r else WD_ALIGN_PARAGRAPH.CENTER
            _font(p.add_run(text), 9, r == 0)
    _repeat_header(table.rows[0])


def _report(word: Any, rep: ReportDoc, draft: bool, styles: dict[str, str]) -> None:
    cover = word.add_section(WD_SECTION.NEW_PAGE)
    _report_setup(cover, draft, cover=True)
    _para(word, rep.attachment, BODY_SIZE, name=HEI)
    for _ in range(6):
        _para(word, "", BODY_SIZE)
    title = _para(word, "", 22, align=WD_ALIGN_PARAGRAPH.CENTER, name=HEI)
    lines = title_lines(rep.title, rep.unit_name, 156 * 72 / 25.4, 22)
    for k, line in enumerate(lines):
        run = title.add_run(line)
        _font(run, 22, False, HEI)
        if k < len(lines) - 1:
            run.add_break()
    title.paragraph_format.line_spacing = Pt(36)
    for _ in range(9):
        _para(word, "", BODY_SIZE)
    _para(word, rep.unit_line, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8, name=FANG)
    _para(word, rep.date_line, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, name=FANG)
    body = word.add_section(WD_SECTION.NEW_PAGE)
    _report_setup(body, draft, cover=False)
    for ch in rep.chapters:
        if ch.title:
            _para(word, ch.title, None, style=styles[HEADING_1])
        for block in ch.blocks:
            if isinstance(block, QuotedTable):
                _quoted(word, block, styles)
                continue
            if isinstance(block, Chart):
                caption = _para(word, block.caption, 12, align=WD_ALIGN_PARAGRAPH.CENTER, name=HEI)
                caption.paragraph_format.keep_with_next = True
                pic = word.add_paragraph()
                pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
                pic.paragraph_format.first_line_indent = Pt(0)
                pic.paragraph_format.line_spacing = 1.0
                pic.add_run().add_picture(io.BytesIO(chart_png(block.bars)), width=Mm(150))
                continue
            text = block
            m = _SUBHEAD.match(text)
            if m and m.end() == len(text):
                _para(word, text, None, style=styles[HEADING_2])
                continue
            p = word.add_paragraph()
            p._p.style = styles[BODY_STYLE]
            if m:  # （一）标题。followed by text: the heading words in 楷体, the rest in 仿宋
                _font(p.add_run(text[: m.end()]), None, False, KAI)
                text = text[m.end():]
            _font(p.add_run(text), None, False, FANG)


def _styles(word: Any) -> None:
    """The report's body (正文, Word's Body Text) in 仿宋 三号 on a 22-line grid; 标题 1 (一、) in 黑体 and
    标题 2 (（一）) in 楷体, 三号, black, indented like the body (GB/T 9704); Normal (the forms) in 宋体;
    zh-CN as the East Asian language; the font table's fallbacks."""
    styles = word.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10.5)
    _names(normal.element.get_or_add_rPr(), FONT_NAME)
    body = styles[BODY_STYLE]
    body.font.size = Pt(BODY_SIZE)
    _names(body.element.get_or_add_rPr(), FANG)
    fmt = body.paragraph_format
    fmt.first_line_indent = Pt(BODY_SIZE * 2)
    fmt.line_spacing = BODY_LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = True
    for name, face in ((HEADING_1, HEI), (HEADING_2, KAI)):
        st = styles[name]
        st.font.size = Pt(BODY_SIZE)
        st.font.bold = False
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        _names(st.element.get_or_add_rPr(), face)
        pf = st.paragraph_format
        pf.first_line_indent = Pt(BODY_SIZE * 2)
        pf.line_spacing = BODY_LINE
        pf.space_before = pf.space_after = Pt(0)
        pf.keep_with_next = True
    for st_name in ("Header", "Footer"):
        styles[st_name].paragraph_format.first_line_indent = Pt(0)
    root = styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is not None:
        for lang in defaults.iter(qn("w:lang")):
            lang.set(qn("w:val"), "zh-CN")
            lang.set(qn("w:eastAsia"), "zh-CN")
    settings = word.settings.element
    for lang in settings.iter(qn("w:themeFontLang")):
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    word.settings.odd_and_even_pages_header_footer = True
    _font_table(word)


def _style_ids(word: Any) -> dict[str, str]:
    """The ids of the styles the writer assigns, looked up by name once: python-docx searches every style by
    name, and again for the type's default, on each assignment (≈1 ms a paragraph or table)."""
    return {name: str(word.styles[name].style_id) for name in (BODY_STYLE, HEADING_1, HEADING_2, TABLE_STYLE)}


def _font_table(word: Any) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = word.part.part_related_by(RT.FONT_TABLE)
    from lxml import etree  # type: ignore[import-untyped]

    root = etree.fromstring(part.blob)
    ns = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    for name, (alt, family, panose) in _FONT_TABLE.items():
        font = etree.SubElement(root, f"{{{ns}}}font", {f"{{{ns}}}name": name})
        for tag, val in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family),
                         ("pitch", "variable")):
            etree.SubElement(font, f"{{{ns}}}{tag}", {f"{{{ns}}}val": val})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _property(text: str) -> str:
    """Word's core properties hold at most 255 characters (python-docx refuses more); the pages keep the full text."""
    return text if len(text) <= 255 else text[:254] + "…"


def write_docx(doc: PrintDocument, out: Path) -> list[str]:
    word = Document()
    _styles(word)
    word.core_properties.title = _property(doc.title)
    word.core_properties.author = "PerfEval Desk"
    word.core_properties.language = "zh-CN"
    styles = _style_ids(word)
    first = True
    for part in doc.parts:
        section = word.sections[0] if first else word.add_section(WD_SECTION.NEW_PAGE)
        _setup(section, part.landscape, doc.draft, first)
        _part(word, part, styles)
        first = False
    if doc.report is not None:  # a project pack prints no 自评报告
        _report(word, doc.report, doc.draft, styles)
    if doc.review:
        _review(word, doc, styles)
    word.save(str(out))
    return []
