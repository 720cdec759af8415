"""The form grids are drawn straight onto the canvas (pdf._GridPage): the rules and the text must land where a
reportlab Table with the same spans, GRID and VALIGN MIDDLE put them, which the printed forms were checked by."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pdfplumber
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.platypus import Table, TableStyle

from app.export.document import Cell, PrintDocument
from app.export.fonts import HEI, load
from app.export.pdf import PAD_X, PAD_Y, _GridPage, _Writer

WIDTHS = [60.0, 80.0, 70.0]
HEIGHTS = [24.0, 30.0, 18.0]
#: (row, col, rowspan, colspan, text): a merged heading over two columns, a label down two rows, a long text
LAYOUT = [
    (0, 0, 1, 2, "合并的表头"), (0, 2, 1, 1, "金额"),
    (1, 0, 2, 1, "一级指标"), (1, 1, 1, 1, "预算执行率（%）"), (1, 2, 1, 1, "98.50"),
    (2, 1, 1, 1, "短"), (2, 2, 1, 1, ""),
]


def _segments(page: pdfplumber.page.Page) -> set[tuple[float, float, float, float]]:
    """Every ruled unit of the page: lines cut at every coordinate any line starts or ends at, rounded."""
    lines = [(round(ln["x0"], 1), round(ln["top"], 1), round(ln["x1"], 1), round(ln["bottom"], 1))
             for ln in page.lines]
    xs = sorted({v for x0, _, x1, _ in lines for v in (x0, x1)})
    ys = sorted({v for _, y0, _, y1 in lines for v in (y0, y1)})
    out = set()
    for x0, y0, x1, y1 in lines:
        if y0 == y1:
            cuts = [x for x in xs if x0 <= x <= x1]
            out |= {(a, y0, b, y0) for a, b in pairwise(cuts)}
        else:
            cuts = [y for y in ys if y0 <= y <= y1]
            out |= {(x0, a, x0, b) for a, b in pairwise(cuts)}
    return out


def _draw_both(tmp_path: Path) -> Path:
    from reportlab.pdfgen.canvas import Canvas

    load(HEI)
    writer = _Writer(PrintDocument(title="t", unit="u", year=2024, draft=False, parts=[], report=None))
    cells = []
    data: list[list[object]] = [["" for _ in WIDTHS] for _ in HEIGHTS]
    style: list[tuple[object, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), HEI.name), ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD_X), ("RIGHTPADDING", (0, 0), (-1, -1), PAD_X),
        ("TOPPADDING", (0, 0), (-1, -1), PAD_Y), ("BOTTOMPADDING", (0, 0), (-1, -1), PAD_Y),
    ]
    for r, c, rs, cs, text in LAYOUT:
        cell = Cell(text, rowspan=rs, colspan=cs)
        width = sum(WIDTHS[c : c + cs]) - 2 * PAD_X
        cells.append((r, c, cell, writer._laid(cell, width)))
        data[r][c] = writer._laid(cell, width)
        if rs > 1 or cs > 1:
            style.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
    out = tmp_path / "grid.pdf"
    canvas = Canvas(str(out), pagesize=A4)
    table = Table(data, colWidths=WIDTHS, rowHeights=HEIGHTS, style=TableStyle(style))
    table.wrapOn(canvas, 500, 500)
    table.drawOn(canvas, 100, 500)
    canvas.showPage()
    grid = _GridPage(WIDTHS, HEIGHTS, cells)
    grid.wrapOn(canvas, 500, 500)
    grid.drawOn(canvas, 100, 500)
    canvas.showPage()
    canvas.save()
    return out


def test_grid_rules_and_text_land_where_a_table_put_them(tmp_path: Path) -> None:
    with pdfplumber.open(_draw_both(tmp_path)) as pdf:
        table_page, grid_page = pdf.pages
        assert _segments(grid_page) == _segments(table_page)
        chars = [[(ch["text"], round(ch["x0"], 2), round(ch["top"], 2)) for ch in page.chars]
                 for page in (table_page, grid_page)]
        assert chars[0] == chars[1] and len(chars[0]) == len("合并的表头金额一级指标预算执行率（%）98.50短")


def test_no_rule_runs_through_a_merged_cell(tmp_path: Path) -> None:
    with pdfplumber.open(_draw_both(tmp_path)) as pdf:
        grid = _segments(pdf.pages[1])
    top = 841.89 - 500 - sum(HEIGHTS)  # the grid's top edge, from the page top
    x_between = round(100 + WIDTHS[0], 1)  # between column 0 and 1
    # inside the merged heading (row 0) there is no vertical rule between columns 0 and 1; in row 1 there is
    assert not any(s[0] == s[2] == x_between and s[1] < round(top + HEIGHTS[0], 1) for s in grid)
    assert any(s[0] == s[2] == x_between and s[1] >= round(top + HEIGHTS[0], 1) for s in grid)
    # no horizontal rule crosses 一级指标 (rows 1–2 of column 0) between its rows
    y_between = round(top + HEIGHTS[0] + HEIGHTS[1], 1)
    assert not any(s[1] == s[3] == y_between and s[0] < x_between for s in grid)
    assert any(s[1] == s[3] == y_between and s[0] >= x_between for s in grid)
