"""PDF writer (reportlab): the official tables on A4, the bundled font embedded as a subset.

Tables are paginated here rather than by reportlab: a vertical span taller than what is left of a
page makes ``Table.split`` fail (tech-notes), and the official forms repeat their column headings on
every continuation page.  So rows are measured first, cut into pages, and each page becomes its own
table whose spans are clipped at the page edge (the label of a cut span is printed again at the top
of the next page, as clerks do by hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from app.domain.numbers import Kind
from app.export.document import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    CHART_CAPTION,
    REVIEW_HEADER,
    REVIEW_TITLE,
    Cell,
    Grid,
    Part,
    PrintDocument,
    ReportDoc,
    clip,
)
from app.export.fonts import FONT_NAME, SUBFONT_INDEX, Coverage, font_path

MARGIN_X = 15 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
PAD_X, PAD_Y = 2.5, 1.8
MIN_ROW = 16.0
WATERMARK = "草稿"


def register_font() -> str:
    """Register the bundled face once; bold/italic map to the same face (it has no bold)."""
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=SUBFONT_INDEX))
        pdfmetrics.registerFontFamily(FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME,
                                      boldItalic=FONT_NAME)
    return FONT_NAME


def _style(name: str, size: float, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=FONT_NAME, fontSize=size, alignment=align, wordWrap="CJK", **kw)


@dataclass
class _Styles:
    cell: dict[str, ParagraphStyle]
    attachment: ParagraphStyle
    title: ParagraphStyle
    unit: ParagraphStyle
    note: ParagraphStyle
    footer: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    caption: ParagraphStyle
    small: ParagraphStyle

    @classmethod
    def make(cls, size: float = 9) -> _Styles:
        cell = {
            ALIGN_LEFT: _style("cell-l", size, TA_LEFT),
            "center": _style("cell-c", size, TA_CENTER),
            ALIGN_RIGHT: _style("cell-r", size, TA_RIGHT),
        }
        return cls(
            cell=cell,
            attachment=_style("attachment", 12),
            title=_style("title", 16, TA_CENTER, spaceBefore=2, spaceAfter=5),
            unit=_style("unit", 10.5, spaceAfter=4),
            note=_style("note", 9, spaceBefore=4),
            footer=_style("footer", 10.5),
            cover_title=_style("cover-title", 24, TA_CENTER, leading=38),
            cover_line=_style("cover-line", 15, TA_CENTER, leading=26),
            heading=_style("heading", 14, spaceBefore=10, spaceAfter=4),
            body=_style("body", 11.5, TA_JUSTIFY, leading=21, firstLineIndent=23),
            caption=_style("caption", 10.5, TA_CENTER, spaceBefore=6, spaceAfter=3),
            small=_style("small", 9, TA_CENTER),
        )


class _Writer:
    def __init__(self, doc: PrintDocument) -> None:
        self.doc = doc
        self.cov = Coverage()
        self._heights: dict[tuple[str, str, int, float], float] = {}
        self.st = _Styles.make()
        self.portrait = (A4[0] - 2 * MARGIN_X, A4[1] - MARGIN_TOP - MARGIN_BOTTOM)
        wide = landscape(A4)
        self.wide = (wide[0] - 2 * MARGIN_X, wide[1] - MARGIN_TOP - MARGIN_BOTTOM)

    def p(self, text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape(self.cov.printable(text)).replace("\n", "<br/>"), style)

    # -- a form --------------------------------------------------------------------------------
    def part(self, part: Part) -> list[Flowable]:
        width, height = self.wide if part.landscape else self.portrait
        head: list[Flowable] = [self.p(part.attachment, self.st.attachment), self.p(part.title, self.st.title)]
        if part.unit_line:
            head.append(self.p(part.unit_line, self.st.unit))
        head_h = sum(_height(f, width) for f in head)
        widths = _scaled(part.grid, width)
        heights = self._row_heights(part.grid, widths)
        repeat_h = max((heights[r] for r in part.grid.repeat), default=0.0)
        grid = self._split_tall_rows(part.grid, widths, heights, height - repeat_h - 12)
        if grid is not part.grid:
            heights = self._row_heights(grid, widths)
        tail: list[Flowable] = [self.p(note, self.st.note) for note in part.notes]
        if part.footer:
            tail.append(Spacer(1, 5))
            tail.append(self._footer(part.footer, width))
        tail_h = sum(_height(f, width) for f in tail)
        chunks = _paginate(grid, heights, first=height - head_h - 4, other=height - 4, tail=tail_h)
        out: list[Flowable] = list(head)
        for n, rows in enumerate(chunks):
            if n:
                out.append(PageBreak())
            out.append(self._table(grid, rows, widths, heights))
        out.append(KeepTogether(tail))
        return out

    def _cell_para(self, cell: Cell) -> Paragraph:
        style = self.st.cell[cell.align]
        if cell.indent:  # leading spaces are dropped by Paragraph: indent through the style
            style = ParagraphStyle(f"{style.name}-{cell.indent}", parent=style, leftIndent=cell.indent * style.fontSize)
        text = self.cov.printable(cell.text)
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    def _row_heights(self, grid: Grid, widths: list[float]) -> list[float]:
        heights = [MIN_ROW] * len(grid.rows)
        spans: list[tuple[int, int, float]] = []
        for r, c, cell in grid.cells():
            w = sum(widths[c : c + cell.colspan]) - 2 * PAD_X
            h = self._cell_height(cell, w)
            if cell.rowspan == 1:
                heights[r] = max(heights[r], h)
            else:
                spans.append((r, cell.rowspan, h))
        for r, n, h in spans:
            have = sum(heights[r : r + n])
            if h > have:
                heights[r + n - 1] += h - have
        return heights

    def _split_tall_rows(self, grid: Grid, widths: list[float], heights: list[float], limit: float) -> Grid:
        """A row taller than a page (a pasted essay in 偏差原因) cannot be placed: cut its long cells into
        pieces that fit and continue them in inserted rows; spans over the row grow with it."""
        if all(h <= limit for h in heights):
            return grid
        rows = [list(row) for row in grid.rows]
        repeat = list(grid.repeat)
        r = 0
        while r < len(rows):
            pieces: dict[int, list[str]] = {}
            for c, cell in enumerate(rows[r]):
                if cell is None or cell.rowspan > 1:
                    continue
                w = sum(widths[c : c + cell.colspan]) - 2 * PAD_X
                if self._cell_height(cell, w) > limit:
                    pieces[c] = self._cut(cell, w, limit)
            extra = max((len(p) for p in pieces.values()), default=1) - 1
            if extra <= 0:
                r += 1
                continue
            for rr in range(r + 1):  # spans covering row r (starting at or above it) grow
                for cell in rows[rr]:
                    if cell is not None and cell.rowspan > 1 and rr + cell.rowspan > r:
                        cell.rowspan += extra
            new_rows: list[list[Cell | None]] = [[None] * grid.ncols for _ in range(extra)]
            for c, cell in enumerate(rows[r]):
                if cell is None or cell.rowspan > 1:
                    continue
                if c not in pieces and cell.kind is Kind.TEXT:
                    cell.rowspan = extra + 1  # a short label spans the pieces: printed again on each page
                    continue
                parts = pieces.get(c, [cell.text])  # figures print once, on the first piece
                cell.text = parts[0]
                for k in range(extra):
                    text = parts[k + 1] if k + 1 < len(parts) else ""
                    new_rows[k][c] = Cell(text, cell.kind, align=cell.align, indent=cell.indent, colspan=cell.colspan)
            rows[r + 1 : r + 1] = new_rows
            repeat = [x + extra if x > r else x for x in repeat]
            r += extra + 1
        return Grid(list(grid.widths), rows, repeat)

    def _cell_height(self, cell: Cell, width: float) -> float:
        """Height a cell needs at ``width``; measured once per text (cells are measured, then clipped copies
        are checked again, then reportlab lays them out: building a Paragraph is the costly part)."""
        key = (cell.text, cell.align, cell.indent, round(width, 2))
        h = self._heights.get(key)
        if h is None:
            h = self._heights[key] = float(self._cell_para(cell).wrap(width, 10_000)[1]) + 2 * PAD_Y + 1
        return h

    def _cut(self, cell: Cell, width: float, limit: float) -> list[str]:
        """The cell's text in pieces that each fit ``limit`` points (binary search on the length)."""
        out: list[str] = []
        rest = cell.text
        while rest:
            probe = Cell(rest, align=cell.align, indent=cell.indent)
            if self._cell_height(probe, width) <= limit:
                out.append(rest)
                break
            lo, hi = 1, len(rest)
            while lo < hi:
                mid = (lo + hi + 1) // 2
                probe.text = rest[:mid]
                if self._cell_height(probe, width) <= limit:
                    lo = mid
                else:
                    hi = mid - 1
            out.append(rest[:lo])
            rest = rest[lo:]
        return out

    def _table(self, grid: Grid, rows: list[int], widths: list[float], heights: list[float]) -> Table:
        sub = clip(grid, rows)
        data: list[list[Any]] = [["" for _ in widths] for _ in rows]
        style: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD_X),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
            ("TOPPADDING", (0, 0), (-1, -1), PAD_Y),
            ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
        ]
        for r, c, cell in sub.cells():
            data[r][c] = self._cell_para(cell)
            if cell.rowspan > 1 or cell.colspan > 1:
                style.append(("SPAN", (c, r), (c + cell.colspan - 1, r + cell.rowspan - 1)))
        row_heights = [heights[r] for r in rows]
        # a span cut at the page edge keeps its label: make sure the clipped span is tall enough
        for r, c, cell in sub.cells():
            w = sum(widths[c : c + cell.colspan]) - 2 * PAD_X
            need = self._cell_height(cell, w)
            have = sum(row_heights[r : r + cell.rowspan])
            if need > have:
                row_heights[r + cell.rowspan - 1] += need - have
        table = Table(data, colWidths=widths, rowHeights=row_heights, style=TableStyle(style))
        table.hAlign = "CENTER"
        return table

    def _footer(self, footer: list[tuple[str, str]], width: float) -> Table:
        cells = [self.p(f"{label}{value}", self.st.footer) for label, value in footer]
        # 单位负责人签字 needs room for a hand signature
        shares = [0.2, 0.32, 0.22, 0.26]
        t = Table([cells], colWidths=[width * s for s in shares])
        t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    # -- 附件4 -----------------------------------------------------------------------------------
    def report(self, rep: ReportDoc) -> list[Flowable]:
        st = self.st
        width = self.portrait[0]
        out: list[Flowable] = [
            self.p(rep.attachment, st.attachment),
            Spacer(1, 70 * mm),
            self.p(rep.title, st.cover_title),
            Spacer(1, 75 * mm),
            self.p(rep.unit_line, st.cover_line),
            Spacer(1, 6 * mm),
            self.p(rep.date_line, st.cover_line),
            PageBreak(),
        ]
        for ch in rep.chapters:
            if ch.title:
                out.append(CondPageBreak(40 * mm))
                out.append(self.p(ch.title, st.heading))
            out += [self.p(text, st.body) for text in ch.paragraphs]
            for t in ch.tables:
                out.append(KeepTogether([self.p(t.caption, st.caption), self._quoted(t.header, t.rows, width)]))
            if ch.chart and rep.chart:
                out.append(KeepTogether([self.p(CHART_CAPTION, st.caption),
                                         self._chart(rep.chart, width)]))
        return out

    def review(self, lines: list[tuple[str, str, str]]) -> list[Flowable]:
        """审核结果: every warning with the clerk's 合理性说明 (and, on a draft, the errors still open)."""
        width = self.portrait[0]
        st = self.st
        head = [self.p(h, st.small) for h in REVIEW_HEADER]
        rows = [[self.p(kind, st.small), self.p(msg, st.small), self.p(why, st.small)] for kind, msg, why in lines]
        t = Table([head, *rows], colWidths=[width * 0.08, width * 0.52, width * 0.40], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))  # fmt: skip
        return [self.p(REVIEW_TITLE, st.heading), t]

    def _quoted(self, header: list[str], rows: list[list[str]], width: float) -> Table:
        data = [[self.p(h, self.st.small) for h in header]] + [[self.p(x, self.st.small) for x in r] for r in rows]
        t = Table(data, colWidths=[width / len(header)] * len(header))
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        return t

    def _chart(self, bars: list[tuple[str, Decimal, Decimal]], width: float) -> Drawing:
        height = 72 * mm
        d = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 40, 42
        chart.width, chart.height = width - 60, height - 70
        chart.data = [[float(b) for _, b, _ in bars], [float(e) for _, _, e in bars]]
        chart.bars[0].fillColor = colors.HexColor("#9bb7d4")
        chart.bars[1].fillColor = colors.HexColor("#2f5d8a")
        chart.categoryAxis.categoryNames = [self.cov.printable(_short(label)) for label, _, _ in bars]
        chart.categoryAxis.labels.fontName = FONT_NAME
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.angle = 0 if len(bars) <= 5 else 20
        chart.categoryAxis.labels.boxAnchor = "n" if len(bars) <= 5 else "ne"
        chart.valueAxis.labels.fontName = FONT_NAME
        chart.valueAxis.labels.fontSize = 8
        chart.valueAxis.valueMin = 0
        chart.barLabels.fontName = FONT_NAME
        chart.barLabels.fontSize = 6.5
        chart.barLabelFormat = "%.2f"
        chart.barLabels.nudge = 6
        d.add(chart)
        legend = Legend()
        legend.x, legend.y = width - 150, height - 8
        legend.fontName = FONT_NAME
        legend.fontSize = 8
        legend.columnMaximum = 1
        legend.alignment = "right"
        legend.colorNamePairs = [(chart.bars[0].fillColor, "预算数"), (chart.bars[1].fillColor, "执行数")]
        d.add(legend)
        d.add(String(0, height - 8, "万元", fontName=FONT_NAME, fontSize=8))
        return d

    # -- the whole file ----------------------------------------------------------------------------
    def build(self, out: Path) -> None:
        register_font()
        draft = self.doc.draft

        def decorate(canvas: Canvas, _doc: Any) -> None:
            if draft:
                _watermark(canvas)

        portrait_frame = Frame(MARGIN_X, MARGIN_BOTTOM, *self.portrait, 0, 0, 0, 0, id="p")
        wide_frame = Frame(MARGIN_X, MARGIN_BOTTOM, *self.wide, 0, 0, 0, 0, id="l")
        templates = [
            PageTemplate("portrait", [portrait_frame], onPage=decorate, pagesize=A4),
            PageTemplate("landscape", [wide_frame], onPage=decorate, pagesize=landscape(A4)),
        ]
        story: list[Flowable] = []
        for i, part in enumerate(self.doc.parts):
            orient = "landscape" if part.landscape else "portrait"
            if i == 0:
                if part.landscape:
                    story.append(NextPageTemplate(orient))
                    story.append(PageBreak())
            else:
                story += [NextPageTemplate(orient), PageBreak()]
            story += self.part(part)
        story += [NextPageTemplate("portrait"), PageBreak()]
        story += self.report(self.doc.report)
        if self.doc.review:
            story += [PageBreak(), *self.review(self.doc.review)]
        doc = BaseDocTemplate(
            str(out), pagesize=A4, pageTemplates=templates, title=self.cov.printable(self.doc.title),
            author=self.cov.printable(self.doc.unit), creator="PerfEval Desk", subject="部门整体支出绩效自评",
            leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        )
        doc.build(story, canvasmaker=NumberedCanvas)


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _height(f: Flowable, width: float) -> float:
    _, h = f.wrap(width, 10_000)
    return float(h) + f.getSpaceBefore() + f.getSpaceAfter()


def _scaled(grid: Grid, width: float) -> list[float]:
    """Column widths in points, scaled to the frame (the grid's mm widths are proportions)."""
    total = sum(grid.widths)
    return [width * w / total for w in grid.widths]


def _paginate(grid: Grid, heights: list[float], *, first: float, other: float, tail: float = 0) -> list[list[int]]:
    """Cut the rows into pages; a continuation page starts with the latest repeated header row.  The notes
    and signature footer (``tail`` points) stay on the page of the last row, never alone on a page."""
    pages: list[list[int]] = []
    i, n = 0, len(heights)
    while i < n:
        cap = first if not pages else other
        header = [h for h in grid.repeat if h < i][-1:] if pages else []
        used = sum(heights[h] for h in header)
        j = i
        while j < n and used + heights[j] <= cap:
            used += heights[j]
            j += 1
        # never leave a heading row alone at the bottom of a page
        while j - 1 > i and j < n and (j - 1) in grid.repeat:
            j -= 1
        # nor a lone total row on a page of its own
        if j == n - 1 and j - i > 2:
            j -= 1
        # the signature footer goes with the last rows: move rows over until it fits
        while j == n and j - i > 1 and used + tail > cap:
            j -= 1
            used -= heights[j]
        if j == i:
            j = i + 1  # a single row taller than a page: printed on its own page, clipped by the frame
        pages.append(header + list(range(i, j)))
        i = j
    return pages


def _watermark(canvas: Canvas) -> None:
    w, h = canvas._pagesize
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.13))
    canvas.setFont(FONT_NAME, min(w, h) * 0.28)
    canvas.translate(w / 2, h / 2)
    canvas.rotate(35)
    canvas.drawCentredString(0, -min(w, h) * 0.1, WATERMARK)
    canvas.restoreState()


class NumberedCanvas(Canvas):
    """Draws "第 N 页 共 M 页" once the page count is known (two passes over saved page states)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's method name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            w, _ = self._pagesize
            self.setFont(FONT_NAME, 9)
            self.drawCentredString(w / 2, 8 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            super().showPage()
        super().save()


def write_pdf(doc: PrintDocument, out: Path) -> list[str]:
    """Write the PDF; returns warnings for the clerk (characters the font lacks)."""
    writer = _Writer(doc)
    writer.build(out)
    warning = writer.cov.warning()
    return [warning] if warning else []
