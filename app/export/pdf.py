"""PDF writer (reportlab): the official tables on A4 and the 附件4 report set like an official document
(GB/T 9704), every face embedded as a subset.

Tables are paginated here rather than by reportlab: a vertical span taller than what is left of a
page makes ``Table.split`` fail (tech-notes), and the official forms repeat their column headings on
every continuation page.  So rows are measured first, cut into pages, and each page becomes its own
table whose spans are clipped at the page edge (the label of a cut span is printed again at the top
of the next page, as clerks do by hand).  The last rows, 总分 and the signature line are kept together.
A page's table is drawn straight onto the canvas (:class:`_GridPage`), each cell's text broken once.

Text is broken by the Chinese rules (:mod:`app.export.linebreak`); columns are widened to their widest
unbreakable piece (“（万元）”, a number with its unit) so nothing overflows a cell rule.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from app import resources
from app.domain.numbers import Kind
from app.export.document import (
    ALIGN_LEFT,
    ALIGN_RIGHT,
    REVIEW_HEADER,
    REVIEW_TITLE,
    Cell,
    Grid,
    Part,
    PrintDocument,
    QuotedTable,
    ReportDoc,
    clip,
)
from app.export.fonts import FANG, HEI, KAI, Coverage, Face, load
from app.export.linebreak import breakable
from app.export.paging import grow_for_spans, paginate, redistribute
from app.export.pdf_text import CJKParagraph, line_shift, paragraph, text_width, widest_piece
from app.export.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

# the forms
MARGIN_X = 15 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
PAD_X, PAD_Y = 2.5, 1.8
MIN_ROW = 16.0
CELL_SIZE = 9.0
# the report (GB/T 9704-2012 §5.2: text block 156 × 225 mm, 22 lines of 28 characters in 三号 仿宋)
REPORT_TOP, REPORT_BOTTOM, REPORT_LEFT, REPORT_RIGHT = 37 * mm, 35 * mm, 28 * mm, 26 * mm
BODY_SIZE = 16.0  # 三号
BODY_LEADING = 225 * mm / 22
PAGE_NO_SIZE = 14.0  # 四号, “— 1 —” 7 mm under the text block, at the outer edge
WATERMARK = "草稿"
#: （一）…（十）: a second-level heading, printed in 楷体 up to its first full stop
_SUBHEAD = re.compile(r"^（[一二三四五六七八九十]+）[^。！？；]{0,40}[。！？]?")


def _style(name: str, size: float, align: int = TA_LEFT, face: Face = HEI, **kw: Any) -> ParagraphStyle:
    kw.setdefault("leading", size * 1.3)
    return ParagraphStyle(name, fontName=face.name, fontSize=size, alignment=align, wordWrap="CJK", **kw)


def _flate_fast(data: str | bytes) -> bytes:
    """reportlab's Flate filter at level 1 instead of zlib's default 6: the font subsets are most of a PDF's
    bytes, and level 1 compresses seed 004 in 14 ms instead of 36 ms for a file 7 % larger (522 KiB, not 488 KiB)."""
    return zlib.compress(data.encode("utf8") if isinstance(data, str) else data, 1)


@dataclass
class _Styles:
    cell: dict[str, ParagraphStyle]
    attachment: ParagraphStyle
    title: ParagraphStyle
    unit: ParagraphStyle
    note: ParagraphStyle
    footer: ParagraphStyle
    cover_attachment: ParagraphStyle
    cover_title: ParagraphStyle
    cover_line: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    caption: ParagraphStyle
    table_head: ParagraphStyle
    table_cell: ParagraphStyle

    @classmethod
    def make(cls, size: float = CELL_SIZE) -> _Styles:
        cell = {
            ALIGN_LEFT: _style("cell-l", size, TA_LEFT),
            "center": _style("cell-c", size, TA_CENTER),
            ALIGN_RIGHT: _style("cell-r", size, TA_RIGHT),
        }
        body = dict(leading=BODY_LEADING, firstLineIndent=2 * BODY_SIZE, allowWidows=0, allowOrphans=0)
        return cls(
            cell=cell,
            attachment=_style("attachment", 12),
            title=_style("title", 16, TA_CENTER, spaceBefore=2, spaceAfter=5),
            unit=_style("unit", 10.5, spaceAfter=4),
            note=_style("note", 9, spaceBefore=4),
            footer=_style("footer", 10.5),
            cover_attachment=_style("cover-attachment", BODY_SIZE, leading=BODY_LEADING),
            cover_title=_style("cover-title", 22, TA_CENTER, leading=36),
            cover_line=_style("cover-line", BODY_SIZE, TA_CENTER, FANG, leading=BODY_LEADING),
            heading=_style("heading", BODY_SIZE, TA_LEFT, HEI, **body),
            body=_style("body", BODY_SIZE, TA_JUSTIFY, FANG, **body),
            caption=_style("caption", 12, TA_CENTER, HEI, spaceBefore=6, spaceAfter=4, keepWithNext=1),
            table_head=_style("table-head", 12, TA_CENTER, HEI),
            table_cell=_style("table-cell", 12, TA_CENTER, FANG),
        )


class _Mark(Flowable):
    """A bookmark (PDF outline entry) where it is drawn; the canvas adds it when the page is written."""

    def __init__(self, key: str, title: str, level: int) -> None:
        super().__init__()
        self.key, self.title, self.level = key, title, level
        self.width = self.height = 0

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._pe_marks.append((self.key, self.title, self.level))


class _GridPage(Flowable):
    """One page's piece of a form grid, drawn straight onto the canvas: each cell's already broken paragraph,
    centred vertically, then the rules (not through merged cells).  Draws what a reportlab ``Table`` with GRID
    0.6, VALIGN MIDDLE and the padding above drew (tests/export/test_pdf_grid.py compares the two), without
    its per-cell styles and geometry and its second wrap of every paragraph: a third of an export's time."""

    def __init__(self, widths: list[float], heights: list[float],
                 cells: list[tuple[int, int, Cell, CJKParagraph]]) -> None:
        super().__init__()
        self.widths, self.heights, self.cells = widths, heights, cells
        self.width, self.height = sum(widths), sum(heights)
        self.hAlign = "CENTER"

    def wrap(self, *_: Any) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        xs = [0.0]
        for w in self.widths:
            xs.append(xs[-1] + w)
        ys = _row_positions(self.heights)
        nrows, ncols = len(self.heights), len(self.widths)
        owner = [[-1] * ncols for _ in range(nrows)]
        canv.saveState()
        canv.setFillColor(colors.black)
        tx = canv.beginText()  # one text object for every one-line cell
        face: tuple[str, float] | None = None
        for k, (r, c, cell, para) in enumerate(self.cells):
            for rr in range(r, min(r + cell.rowspan, nrows)):
                owner[rr][c : c + cell.colspan] = [k] * cell.colspan
            x, bottom = xs[c], ys[min(r + cell.rowspan, nrows)]
            x, y = x + PAD_X, bottom + (ys[r] - bottom - para.height) / 2
            line = _plain_line(para)
            if line is None:
                para.drawOn(canv, x, y)
                continue
            dx, dy, text = line
            if face != (para.blPara.fontName, para.blPara.fontSize):
                face = (para.blPara.fontName, para.blPara.fontSize)
                tx.setFont(*face, para.style.leading)
            tx.setTextOrigin(x + dx, y + dy)
            tx._textOut(text)
        canv.drawText(tx)
        canv.restoreState()
        canv.saveState()
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(0.6)
        canv.setLineCap(1)
        canv.setLineJoin(1)
        line = canv.line
        for b in range(nrows + 1):  # a rule between two rows, except through a cell spanning both
            for a, e in _runs(xs, [b in (0, nrows) or owner[b - 1][c] != owner[b][c] for c in range(ncols)]):
                line(a, ys[b], e, ys[b])
        for b in range(ncols + 1):
            for a, e in _runs(ys, [b in (0, ncols) or owner[r][b - 1] != owner[r][b] for r in range(nrows)]):
                line(xs[b], a, xs[b], e)
        canv.restoreState()


def _plain_line(para: CJKParagraph) -> tuple[float, float, str] | None:
    """Where a one-line, one-face paragraph (reportlab's line kind 0, see pdf_text) starts its text, relative
    to where it is drawn, and the text — the position reportlab's drawPara gives it; ``None`` for any other."""
    bl = para.blPara
    if bl.kind != 0 or len(bl.lines) != 1:
        return None
    extra, words = bl.lines[0]
    text = " ".join(words)
    if extra <= -1e-8 and "\u00a0" in text:  # reportlab would stretch its no-break spaces
        return None
    style = para.style
    if style.alignment not in (TA_LEFT, TA_CENTER, TA_RIGHT):
        return None
    dx = style.leftIndent + style.firstLineIndent + line_shift(style.alignment, extra)
    dy = para.height - (bl.fontSize if rl_config.paraFontSizeHeightOffset else getattr(bl, "ascent", bl.fontSize))
    return dx, dy, text


def _row_positions(heights: list[float]) -> list[float]:
    """The rows' top edges and the last bottom edge, from the bottom up with compensated sums, as reportlab's
    Table places them (so a grid prints exactly where a Table did)."""
    out: list[float] = []
    height = c = 0.0
    for h in reversed(heights):
        out.append(height)
        y = h - c
        t = height + y
        c = (t - height) - y
        height = t
    out.append(height)
    out.reverse()
    return out


def _runs(edges: list[float], drawn: list[bool]) -> list[tuple[float, float]]:
    """One line per run of consecutive drawn segments (segment k is ``edges[k]`` to ``edges[k + 1]``)."""
    out: list[tuple[float, float]] = []
    k = 0
    while k < len(drawn):
        if not drawn[k]:
            k += 1
            continue
        j = k
        while j < len(drawn) and drawn[j]:
            j += 1
        out.append((edges[k], edges[j]))
        k = j
    return out


class _Writer:
    def __init__(self, doc: PrintDocument) -> None:
        self.doc = doc
        self.cov = Coverage()
        self._paras: dict[tuple[str, str, int, float], CJKParagraph] = {}
        self._pieces: dict[str, float] = {}
        self.st = _Styles.make()
        self.portrait = (A4[0] - 2 * MARGIN_X, A4[1] - MARGIN_TOP - MARGIN_BOTTOM)
        wide = landscape(A4)
        self.wide = (wide[0] - 2 * MARGIN_X, wide[1] - MARGIN_TOP - MARGIN_BOTTOM)
        self.report_frame = (A4[0] - REPORT_LEFT - REPORT_RIGHT, A4[1] - REPORT_TOP - REPORT_BOTTOM)
        self._marks = 0

    def p(self, text: str, style: ParagraphStyle, face: Face | None = None, *,
          keep_spaces: bool = False) -> CJKParagraph:
        return paragraph(self.cov, text, style, face or _face(style.fontName), keep_spaces=keep_spaces)

    def mark(self, title: str, level: int) -> _Mark:
        self._marks += 1
        return _Mark(f"m{self._marks}", self.cov.printable(title), level)

    # -- a form --------------------------------------------------------------------------------
    def part(self, part: Part) -> list[Flowable]:
        width, height = self.wide if part.landscape else self.portrait
        label = f"{part.attachment} {part.title}" if part.sheet == part.attachment else \
            f"{part.attachment} {part.grid.rows[0][2].text if part.grid.rows[0][2] else part.sheet}"
        head: list[Flowable] = [self.mark(label, 0), self.p(part.attachment, self.st.attachment),
                                self.p(part.title, self.st.title)]
        if part.unit_line:
            head.append(self.p(part.unit_line, self.st.unit))
        head_h = sum(_height(f, width) for f in head)
        widths = self._fit_widths(part.grid, _scaled(part.grid, width))
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
        chunks = paginate(grid, heights, first=height - head_h - 4, other=height - 4, tail=tail_h)
        out: list[Flowable] = list(head)
        for n, rows in enumerate(chunks):
            if n:
                out.append(PageBreak())
            out.append(self._table(grid, rows, widths, heights))
        out.append(KeepTogether(tail))
        return out

    def _laid(self, cell: Cell, width: float) -> CJKParagraph:
        """The cell's paragraph broken into lines at ``width``: built and wrapped once per text and width (the
        heights, the page cuts and the drawing all use it; building and breaking is the costly part)."""
        key = (cell.text, cell.align, cell.indent, round(width, 2))
        para = self._paras.get(key)
        if para is None:
            style = self.st.cell[cell.align]
            if cell.indent:  # leading spaces are dropped by Paragraph: indent through the style
                style = ParagraphStyle(f"{style.name}-{cell.indent}", parent=style,
                                       leftIndent=cell.indent * style.fontSize)
            para = self._paras[key] = self.p(cell.text, style, HEI)
            para.wrap(width, 10_000)
        return para

    def _fit_widths(self, grid: Grid, widths: list[float]) -> list[float]:
        """Widen columns too narrow for their widest unbreakable piece (“（万元）”, 联系电话, a number with
        its unit), taking the room from the columns with most to spare."""
        need = [0.0] * grid.ncols
        for _, c, cell in grid.cells():
            if cell.colspan == 1 and cell.text:
                piece = self._pieces.get(cell.text)
                if piece is None:
                    piece = self._pieces[cell.text] = widest_piece(self.cov, cell.text, HEI, CELL_SIZE)
                need[c] = max(need[c], piece + 2 * PAD_X + cell.indent * CELL_SIZE + 0.5)
        return redistribute(widths, need)

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
        return grow_for_spans(heights, spans)

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
        """Height a cell needs at ``width`` (its text at ``width``, plus the padding)."""
        return float(self._laid(cell, width).height) + 2 * PAD_Y + 1

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
            lo = _cut_point(rest, lo)
            out.append(rest[:lo])
            rest = rest[lo:]
        return out

    def _table(self, grid: Grid, rows: list[int], widths: list[float], heights: list[float]) -> _GridPage:
        sub = clip(grid, rows)
        row_heights = [heights[r] for r in rows]
        cells: list[tuple[int, int, Cell, CJKParagraph]] = []
        for r, c, cell in sub.cells():
            width = sum(widths[c : c + cell.colspan]) - 2 * PAD_X
            cells.append((r, c, cell, self._laid(cell, width)))
            # a span cut at the page edge keeps its label: make sure the clipped span is tall enough
            need = self._cell_height(cell, width)
            have = sum(row_heights[r : r + cell.rowspan])
            if need > have:
                row_heights[r + cell.rowspan - 1] += need - have
        return _GridPage(widths, row_heights, cells)

    def _footer(self, footer: list[tuple[str, str]], width: float) -> Table:
        """The signature line: each field on one line (联系电话 never wraps); the signature gets the rest
        of the width, at least room for a hand signature.  Two rows when one line cannot hold them."""
        st = self.st.footer
        texts = [f"{label}{value}" for label, value in footer]
        natural = [text_width(self.cov, t, HEI, st.fontSize) + 14 for t in texts]
        sign_room = 30 * mm
        natural[-1] += sign_room
        cols = len(texts)
        if sum(natural) > width and cols >= 4:
            cols = 2
        rows = [texts[i : i + cols] for i in range(0, len(texts), cols)]
        col_w = [max(natural[r * cols + c] for r in range(len(rows)) if r * cols + c < len(texts))
                 for c in range(cols)]
        spare = max(0.0, width - sum(col_w))
        col_w = [w + spare * w / sum(col_w) for w in col_w]
        if sum(col_w) > width:  # a very long name: shrink proportionally, the cell wraps
            col_w = [w * width / sum(col_w) for w in col_w]
        data = [[self.p(t, st) for t in row] + [""] * (cols - len(row)) for row in rows]
        t = Table(data, colWidths=col_w)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), HEI.name), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    # -- 附件4 -----------------------------------------------------------------------------------
    def cover(self, rep: ReportDoc) -> list[Flowable]:
        st = self.st
        width = self.report_frame[0]
        return [
            self.mark(f"{rep.attachment} 自评报告", 0),
            self.p(rep.attachment, st.cover_attachment),
            Spacer(1, 50 * mm),
            self._title(rep, width),
            Spacer(1, 80 * mm),
            self.p(rep.unit_line, st.cover_line, keep_spaces=True),
            Spacer(1, 4 * mm),
            self.p(rep.date_line, st.cover_line, keep_spaces=True),
        ]

    def _title(self, rep: ReportDoc, width: float) -> CJKParagraph:
        """The cover title; broken after the unit's name when both halves fit a line, else balanced."""
        st = self.st.cover_title
        cut = rep.title.find(rep.unit_name) + len(rep.unit_name) if rep.unit_name else -1
        if 0 < cut < len(rep.title):
            head, tail = rep.title[:cut], rep.title[cut:]
            if text_width(self.cov, rep.title, HEI, st.fontSize) > width and all(
                    text_width(self.cov, t, HEI, st.fontSize) <= width for t in (head, tail)):
                return self.p(f"{head}\n{tail}", st)
        return self._balanced(rep.title, st, width)

    def _balanced(self, text: str, style: ParagraphStyle, width: float) -> CJKParagraph:
        """A centred title whose lines are about equally long (no “报告” alone on the second line)."""
        probe = self.p(text, style)
        probe.wrap(width, 10_000)
        n = len(probe.blPara.lines)
        if n <= 1:
            return probe
        lo, hi = width / n, width
        for _ in range(20):  # the narrowest width that still needs only n lines
            mid = (lo + hi) / 2
            trial = self.p(text, style)
            trial.wrap(mid, 10_000)
            if len(trial.blPara.lines) > n:
                lo = mid
            else:
                hi = mid
        margin = (width - hi) / 2 - 1
        balanced = ParagraphStyle(f"{style.name}-balanced", parent=style, leftIndent=margin, rightIndent=margin)
        return self.p(text, balanced)

    def report(self, rep: ReportDoc) -> list[Flowable]:
        st = self.st
        width = self.report_frame[0]
        out: list[Flowable] = []
        for ch in rep.chapters:
            if ch.title:
                out.append(CondPageBreak(4 * BODY_LEADING))
                out.append(self.mark(ch.title, 1))
                out.append(self.p(ch.title, st.heading, HEI))
            for block in ch.blocks:
                if isinstance(block, str):
                    if _SUBHEAD.match(block):  # a heading keeps two lines of what follows on its page
                        out.append(CondPageBreak(3 * BODY_LEADING))
                    out.append(self._body(block))
                elif isinstance(block, QuotedTable):
                    table = self._quoted(block.header, block.rows, width)
                    if block.caption:
                        out.append(KeepTogether([self.p(block.caption, st.caption), table]))
                    else:  # the clerk's own table: its caption is the paragraph before it
                        out += [Spacer(0, 4), table, Spacer(0, 6)]
                else:
                    out.append(KeepTogether([self.p(block.caption, st.caption), self._chart(block.bars, width)]))
        return out

    def _body(self, text: str) -> CJKParagraph:
        """A body paragraph in 仿宋; a leading （一） heading in 楷体."""
        m = _SUBHEAD.match(text)
        if not m:
            return self.p(text, self.st.body, FANG)
        head, rest = text[: m.end()], text[m.end():]
        return paragraph(self.cov, text, self.st.body, FANG, runs=[(KAI, head), (FANG, rest)])

    def review(self, lines: list[tuple[str, str, str, str]]) -> list[Flowable]:
        """审核结果: every warning with the clerk's 合理性说明 (and, on a draft, the errors still open, each under
        the mark its cell carries)."""
        width = self.portrait[0]
        st = self.st
        marked = any(m for m, *_ in lines)
        header = REVIEW_HEADER if marked else REVIEW_HEADER[1:]
        fractions = (0.07, 0.08, 0.50, 0.35) if marked else (0.08, 0.52, 0.40)
        head = [self.p(h, st.cell["center"], HEI) for h in header]
        rows = []
        for m, kind, msg, why in lines:
            row = [self.p(kind, st.cell["center"]), self.p(msg, st.cell[ALIGN_LEFT]), self.p(why, st.cell[ALIGN_LEFT])]
            rows.append([self.p(m, st.cell["center"]), *row] if marked else row)
        t = Table([head, *rows], colWidths=[width * f for f in fractions], repeatRows=1)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), HEI.name),  # else reportlab names Helvetica
                               ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))  # fmt: skip
        return [self.p(REVIEW_TITLE, st.title, HEI), t]

    def _quoted(self, header: list[str], rows: list[list[str]], width: float) -> Table:
        st = self.st
        data = [[self.p(h, st.table_head, HEI) for h in header]] + \
            [[self.p(x, st.table_cell, FANG) for x in r] for r in rows]
        need = [max(widest_piece(self.cov, x, HEI, st.table_head.fontSize) for x in col) + 2 * 6 + 1
                for col in zip(header, *rows, strict=False)]
        widths = redistribute([width / len(header)] * len(header), need)
        t = Table(data, colWidths=widths, repeatRows=1)
        t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), HEI.name),
                               ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                               ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6)]))
        return t

    def _chart(self, bars: list[tuple[str, Decimal, Decimal]], width: float) -> Flowable:
        from reportlab.graphics import shapes
        from reportlab.graphics.charts.barcharts import VerticalBarChart
        from reportlab.graphics.charts.legends import Legend
        from reportlab.graphics.shapes import Drawing, String

        shapes.STATE_DEFAULTS["fontName"] = HEI.name  # the renderer's initial state: else it names Helvetica
        height = 72 * mm
        d = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 40, 42
        chart.width, chart.height = width - 60, height - 70
        chart.data = [[float(b) for _, b, _ in bars], [float(e) for _, _, e in bars]]
        chart.bars[0].fillColor = colors.HexColor("#9bb7d4")
        chart.bars[1].fillColor = colors.HexColor("#2f5d8a")
        chart.categoryAxis.categoryNames = [self.cov.printable(_short(label)) for label, _, _ in bars]
        chart.categoryAxis.labels.fontName = HEI.name
        chart.categoryAxis.labels.fontSize = 8
        chart.categoryAxis.labels.angle = 0 if len(bars) <= 5 else 20
        chart.categoryAxis.labels.boxAnchor = "n" if len(bars) <= 5 else "ne"
        chart.valueAxis.labels.fontName = HEI.name
        chart.valueAxis.labels.fontSize = 8
        chart.valueAxis.valueMin = 0
        chart.barLabels.fontName = HEI.name
        chart.barLabels.fontSize = 6.5
        chart.barLabelFormat = "%.2f"
        chart.barLabels.nudge = 6
        d.add(chart)
        legend = Legend()
        legend.x, legend.y = width - 150, height - 8
        legend.fontName = HEI.name
        legend.fontSize = 8
        legend.columnMaximum = 1
        legend.alignment = "right"
        legend.colorNamePairs = [(chart.bars[0].fillColor, "预算数"), (chart.bars[1].fillColor, "执行数")]
        d.add(legend)
        d.add(String(0, height - 8, "万元", fontName=HEI.name, fontSize=8))
        return d

    # -- the whole file ----------------------------------------------------------------------------
    def build(self, out: Path) -> None:
        for face in (HEI, FANG, KAI):
            load(face)
        rl_config.useA85 = 0  # binary (compressed) streams: ASCII85 only makes the file larger and slower
        pdfdoc.PDFZCompress.encode = _flate_fast
        draft = self.doc.draft

        def decorate(kind: str) -> Any:
            def on_page(canvas: Canvas, _doc: Any) -> None:
                canvas._pe_kind = kind
                if draft:
                    _watermark(canvas)
            return on_page

        frames = {
            "portrait": Frame(MARGIN_X, MARGIN_BOTTOM, *self.portrait, 0, 0, 0, 0, id="p"),
            "landscape": Frame(MARGIN_X, MARGIN_BOTTOM, *self.wide, 0, 0, 0, 0, id="l"),
            "cover": Frame(REPORT_LEFT, REPORT_BOTTOM, *self.report_frame, 0, 0, 0, 0, id="c"),
            "report": Frame(REPORT_LEFT, REPORT_BOTTOM, *self.report_frame, 0, 0, 0, 0, id="r"),
            "review": Frame(MARGIN_X, MARGIN_BOTTOM, *self.portrait, 0, 0, 0, 0, id="v"),
        }
        # the 审核结果 pages are not forms of the packet: they do not count in the forms' 第 N 页 共 M 页
        kinds = {"portrait": "form", "landscape": "form", "cover": "cover", "report": "report", "review": "review"}
        templates = [PageTemplate(name, [frame], onPage=decorate(kinds[name]),
                                  pagesize=landscape(A4) if name == "landscape" else A4)
                     for name, frame in frames.items()]
        story: list[Flowable] = []
        if self.doc.parts and self.doc.parts[0].landscape:  # the document starts on the first form's page
            templates.sort(key=lambda t: t.id != "landscape")  # template (no blank portrait page before it)
        for i, part in enumerate(self.doc.parts):
            orient = "landscape" if part.landscape else "portrait"
            if i:
                story += [NextPageTemplate(orient), PageBreak()]
            story += self.part(part)
        if self.doc.report is not None:  # a project pack prints no 自评报告
            story += [NextPageTemplate("cover"), PageBreak()]
            story += self.cover(self.doc.report)
            story += [NextPageTemplate("report"), PageBreak()]
            story += self.report(self.doc.report)
        if self.doc.review:  # 审核结果: the last page
            story += [NextPageTemplate("review"), PageBreak(), *self.review(self.doc.review)]
        title = self.doc.title + ("（草稿）" if draft else "")
        doc = BaseDocTemplate(
            str(out), pagesize=A4, pageTemplates=templates, title=self.cov.printable(title),
            author=self.cov.printable(self.doc.unit), creator="PerfEval Desk", subject="部门整体支出绩效自评",
            leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
            initialFontName=HEI.name,
        )
        doc.build(story, canvasmaker=NumberedCanvas)


def _face(name: str) -> Face:
    return {f.name: f for f in (HEI, FANG, KAI)}[name]


def _short(label: str, limit: int = 8) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _height(f: Flowable, width: float) -> float:
    _, h = f.wrap(width, 10_000)
    return float(h) + f.getSpaceBefore() + f.getSpaceAfter()


def _scaled(grid: Grid, width: float) -> list[float]:
    """Column widths in points, scaled to the frame (the grid's mm widths are proportions)."""
    total = sum(grid.widths)
    return [width * w / total for w in grid.widths]


def _cut_point(text: str, fits: int) -> int:
    """Where to cut a text of which ``fits`` characters fit: after a sentence if one ends in the last
    fifth, else at the last place a line may break (so a page never ends inside “第34条”)."""
    ok = breakable(list(text[: fits + 1]))
    for k in range(fits, max(0, fits * 4 // 5), -1):
        if text[k - 1] in "。；！？\n" and (k == len(text) or ok[k]):
            return k
    for k in range(fits, max(0, fits // 2), -1):
        if k == len(text) or ok[k]:
            return k
    return fits


_WATERMARK_PATHS: dict[str, list[tuple[str, tuple[float, ...]]]] = {}


#: the outlines of 草稿 read once from the font (``outlines_from_font``) and shipped: reading them from the
#: font costs ≈0.4 s (its whole cmap and glyph order), once per process — most of a one-file export
WATERMARK_FILE = "watermark.json"


def _glyph_outlines(text: str) -> list[tuple[str, tuple[float, ...]]]:
    """Path operations drawing ``text`` in Micro Hei at 1 unit per em (from its outlines, so the watermark
    is a picture, not text a reader copies along with the page)."""
    cached = _WATERMARK_PATHS.get(text)
    if cached is None:
        cached = _WATERMARK_PATHS[text] = _shipped_outlines(text) or outlines_from_font(text)
    return cached


def _shipped_outlines(text: str) -> list[tuple[str, tuple[float, ...]]] | None:
    import json

    from app.export.fonts import face_path

    try:
        doc = json.loads(resources.resource_path("fonts", WATERMARK_FILE).read_text(encoding="utf-8"))
        if doc.get("text") != text or doc.get("font") != face_path(HEI).name:
            return None
        return [(str(op), tuple(float(v) for v in args)) for op, args in doc["ops"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None  # read from the font instead


def outlines_from_font(text: str) -> list[tuple[str, tuple[float, ...]]]:
    """``text``'s outlines read from the font with fontTools (remakes resources/fonts/watermark.json)."""
    from fontTools.pens.basePen import BasePen  # type: ignore[import-untyped]
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

    from app.export.fonts import face_path

    ops: list[tuple[str, tuple[float, ...]]] = []
    with TTCollection(str(face_path(HEI)), lazy=True) as collection:
        font = collection.fonts[HEI.subfont]
        upem = font["head"].unitsPerEm
        cmap = font.getBestCmap()
        glyphs = font.getGlyphSet()
        hmtx = font["hmtx"]
        x = 0.0

        class Pen(BasePen):
            def _moveTo(self, p: tuple[float, float]) -> None:
                ops.append(("m", ((x + p[0]) / upem, p[1] / upem)))

            def _lineTo(self, p: tuple[float, float]) -> None:
                ops.append(("l", ((x + p[0]) / upem, p[1] / upem)))

            def _curveToOne(self, a: Any, b: Any, c: Any) -> None:
                ops.append(("c", tuple(v / upem for pt in (a, b, c) for v in ((x + pt[0]), pt[1]))))

            def _closePath(self) -> None:
                ops.append(("z", ()))

        for ch in text:
            name = cmap.get(ord(ch))
            if name is None:
                continue
            glyphs[name].draw(Pen(glyphs))
            x += hmtx[name][0]
        ops.append(("w", (x / upem,)))
    return ops


def _watermark(canvas: Canvas) -> None:
    """The 草稿 mark across the page: drawn once per page size as a form (XObject) that every page of that
    size then references, instead of the outlines written into each page again."""
    w, h = canvas._pagesize
    name = f"pe-draft-{w:.0f}x{h:.0f}"
    if not canvas.hasForm(name):
        canvas.beginForm(name, 0, 0, w, h)
        _watermark_shape(canvas, w, h)
        canvas.endForm()
    canvas.saveState()
    canvas.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.13))
    canvas.doForm(name)
    canvas.restoreState()


def _watermark_shape(canvas: Canvas, w: float, h: float) -> None:
    size = min(w, h) * 0.28
    ops = _glyph_outlines(WATERMARK)
    advance = ops[-1][1][0] if ops and ops[-1][0] == "w" else 2.0
    canvas.translate(w / 2, h / 2)
    canvas.rotate(35)
    canvas.translate(-advance * size / 2, -size * 0.1 - size * 0.35)
    canvas.scale(size, size)
    path = canvas.beginPath()
    for op, args in ops:
        if op == "m":
            path.moveTo(*args)
        elif op == "l":
            path.lineTo(*args)
        elif op == "c":
            path.curveTo(*args)
        elif op == "z":
            path.close()
    canvas.drawPath(path, stroke=0, fill=1, fillMode=0)


class NumberedCanvas(Canvas):
    """Page numbers once the page count is known (two passes over saved page states): the forms
    “第 N 页 共 M 页”, the report “— n —” at the outer edge from its first page after the cover (GB/T 9704),
    the 审核结果 “审核结果 第 n 页”, none on the cover.  Bookmarks are added as their pages are written (a
    deferred page has no number yet)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._pe_marks: list[tuple[str, str, int]] = []
        self._pe_kind = "form"

    def showPage(self) -> None:  # reportlab's method name
        self._pages.append(dict(self.__dict__))
        self._pe_marks = []
        self._startPage()

    def save(self) -> None:
        forms = sum(1 for s in self._pages if s.get("_pe_kind") == "form")
        form_no = report_no = review_no = 0
        for state in self._pages:
            self.__dict__.update(state)
            w, _ = self._pagesize
            kind = state.get("_pe_kind")
            if kind == "form":
                form_no += 1
                self.setFont(HEI.name, 9)
                self.drawCentredString(w / 2, 8 * mm, f"第 {form_no} 页 共 {forms} 页")
            elif kind == "review":
                review_no += 1
                self.setFont(HEI.name, 9)
                self.drawCentredString(w / 2, 8 * mm, f"审核结果 第 {review_no} 页")
            elif kind == "report":
                report_no += 1
                self.setFont(FANG.name, PAGE_NO_SIZE)
                text = f"— {report_no} —"
                y = REPORT_BOTTOM - 7 * mm - PAGE_NO_SIZE
                if report_no % 2:
                    self.drawRightString(w - REPORT_RIGHT - PAGE_NO_SIZE, y, text)
                else:
                    self.drawString(REPORT_LEFT + PAGE_NO_SIZE, y, text)
            for key, title, level in state.get("_pe_marks", []):
                self.bookmarkPage(key, fit="XYZ", top=self._pagesize[1])
                self.addOutlineEntry(title, key, level)
            super().showPage()
        self.showOutline()
        super().save()


def register_font() -> str:
    """The forms' face (WenQuanYi 黑体) registered with reportlab, for other PDFs (汇总表, 退回意见); its name."""
    load(HEI)
    return HEI.name


def write_pdf(doc: PrintDocument, out: Path) -> list[str]:
    """Write the PDF; returns warnings for the clerk (characters the fonts lack)."""
    writer = _Writer(doc)
    writer.build(out)
    warning = writer.cov.warning()
    return [warning] if warning else []
