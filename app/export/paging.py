"""Cutting a form's rows into printed pages, shared by the writers: the PDF measures its rows exactly, Excel
and Word estimate them (:func:`estimate_heights`) and fix the page breaks themselves, so that all three
print the cut 一级/二级 labels again on a continuation page and keep the last rows, 总分 and the signature
line together.  Pure Python: no reportlab, openpyxl or docx here."""

from __future__ import annotations

from app.export.document import Grid, clip
from app.export.linebreak import unbreakable_pieces, wrap

#: the last page of a table keeps at least this many of its rows besides 总分, with the signature line
MIN_LAST_ROWS = 3


def char_width(ch: str) -> float:
    """A character's advance in ems, roughly (CJK and full-width forms 1, Latin and digits about half)."""
    return 0.55 if ord(ch) < 0x2E80 and not ("\uFF00" <= ch <= "\uFFEF") else 1.0


def text_lines(text: str, width_pt: float, size_pt: float) -> int:
    """Lines ``text`` takes in a cell ``width_pt`` wide at ``size_pt``, broken by the Chinese rules."""
    if not text:
        return 1
    widths = {ch: char_width(ch) for ch in set(text)}
    return max(1, len(wrap(text, widths, max(width_pt / size_pt, 1.0))))


def title_lines(title: str, unit_name: str, width_pt: float, size: float) -> list[str]:
    """A report's cover title in lines: broken after the unit's name when both halves fit (never “报告” alone
    on the second line), else in two halves."""
    def width(text: str) -> float:
        return sum(char_width(ch) for ch in text) * size

    if width(title) <= width_pt:
        return [title]
    cut = title.find(unit_name) + len(unit_name) if unit_name else -1
    if 0 < cut < len(title) and width(title[:cut]) <= width_pt and width(title[cut:]) <= width_pt:
        return [title[:cut], title[cut:]]
    half = len(title) // 2 + 1
    return [title[:half], title[half:]]


def estimate_heights(grid: Grid, widths_pt: list[float], *, size: float, leading: float, pad: float,
                     minimum: float) -> list[float]:
    """Row heights (points) as a viewer lays the rows out: the tallest single-row cell, and rows grown at the
    bottom of a span for a span's text."""
    heights = [minimum] * len(grid.rows)
    spans: list[tuple[int, int, float]] = []
    for r, c, cell in grid.cells():
        w = sum(widths_pt[c : c + cell.colspan]) - 2 * pad - cell.indent * size
        h = text_lines(cell.text, w, size) * leading + 2 * pad
        if cell.rowspan == 1:
            heights[r] = max(heights[r], h)
        else:
            spans.append((r, cell.rowspan, h))
    return grow_for_spans(heights, spans)


def grow_for_spans(heights: list[float], spans: list[tuple[int, int, float]]) -> list[float]:
    """Rows grown at the bottom of each span (first row, rows, height) for the span's text; ``heights`` is
    changed and returned."""
    for r, n, h in spans:
        have = sum(heights[r : r + n])
        if h > have:
            heights[r + n - 1] += h - have
    return heights


def redistribute(widths: list[float], need: list[float]) -> list[float]:
    """``widths`` with every column at least its ``need``, the total kept: the room comes from the other
    columns in proportion to what they have to spare.  When the needs exceed the total, nothing changes."""
    if sum(need) > sum(widths) or all(w >= n for w, n in zip(widths, need, strict=True)):
        return list(widths)
    out = list(widths)
    for _ in range(len(out)):
        short = sum(max(0.0, n - w) for w, n in zip(out, need, strict=True))
        if short <= 1e-6:
            break
        spare = [max(0.0, w - n) for w, n in zip(out, need, strict=True)]
        total = sum(spare)
        out = [max(w, n) - (s * short / total if total else 0) for w, n, s in zip(out, need, spare, strict=True)]
    return out


def fit_widths(grid: Grid, widths_pt: list[float], *, size: float, pad: float) -> list[float]:
    """Column widths (points) widened to each column's widest unbreakable piece (estimated)."""
    need = [0.0] * grid.ncols
    for _, c, cell in grid.cells():
        if cell.colspan == 1 and cell.text:
            need[c] = max(need[c], widest_piece(cell.text) * size + 2 * pad + cell.indent * size + 1)
    return redistribute(widths_pt, need)


def widest_piece(text: str) -> float:
    """Width in ems of the widest piece of ``text`` that may not be broken."""
    return max((sum(char_width(ch) for ch in piece) for piece in unbreakable_pieces(text)), default=0.0)


def page_grids(grid: Grid, pages: list[list[int]]) -> Grid:
    """The grid again, its spans cut at the page breaks with the label of a cut span printed again in the
    first row of the next page.  The rows stay as they are, in order (a continuation page's heading row is
    repeated by the viewer: Excel's print titles, Word's header rows)."""
    out = Grid(list(grid.widths), repeat=list(grid.repeat))
    seen: set[int] = set()
    for rows in pages:
        own = [r for r in rows if r not in seen]
        seen.update(own)
        out.rows.extend(clip(grid, own).rows)
    return out


def paginate(grid: Grid, heights: list[float], *, first: float, other: float, tail: float = 0,
              min_last: int = MIN_LAST_ROWS) -> list[list[int]]:
    """Cut the rows into pages; a continuation page starts with the latest repeated header row.  The notes
    and signature footer (``tail`` points) stay on the page of the last row, and that page keeps at least
    ``min_last`` rows of the table (the last indicators and 总分 never stand alone)."""
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
            used -= heights[j]
        # the rows after this page will be the last page: make it hold min_last rows (and the tail)
        if j < n:
            rest_header = [h for h in grid.repeat if h < j][-1:]
            rest = sum(heights[h] for h in rest_header) + sum(heights[j:n]) + tail
            if rest <= other:
                while j - i > min_last and (n - j < min_last + 1 or rest > other) and j - 1 not in grid.repeat:
                    j -= 1
                    rest += heights[j]
                    if rest > other:
                        j += 1
                        break
        # the signature footer goes with the last rows: move rows over until it fits
        while j == n and j - i > 1 and used + tail > cap:
            j -= 1
            used -= heights[j]
        # nor the total row with fewer than min_last rows above it alone on the last page
        if i < j < n and n - j < min_last + 1 and j - i > min_last:
            j = max(i + min_last, n - (min_last + 1))
        if j == i:
            j = i + 1  # a single row taller than a page: printed on its own page, clipped by the frame
        pages.append(header + list(range(i, j)))
        i = j
    return pages
