"""A form's table as WordprocessingML, written out in one pass.

python-docx builds a table cell by cell through its element classes (``table.cell()`` rebuilds the cell list,
``merge`` walks the grid, every property is an XPath lookup): two thirds of a packet's Word export went there.
This writes the same ``w:tbl`` — the same elements and attributes in the same order as python-docx's
``add_table`` + ``merge`` + the properties :mod:`app.export.docx` sets — as text and parses it once.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from app.export.document import ALIGN_LEFT, ALIGN_RIGHT, Grid

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TBL_PR = (
    '<w:tblPr><w:tblStyle w:val="{style}"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
    '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)
_BOLD, _NOT_BOLD = "<w:b/>", '<w:b w:val="0"/>'
_JC = {ALIGN_LEFT: "left", ALIGN_RIGHT: "right"}  # anything else is centred


def _twips(points: float) -> int:
    """Points → twips the way python-docx rounds a length (via whole EMU)."""
    return round(int(points * 12700) / 635.0)


def run_xml(text: str, *, size_half_points: int, bold: bool, font: str) -> str:
    """A ``w:r`` with the fonts, weight and size; a tab or line break in ``text`` becomes ``w:tab``/``w:br``
    and a piece with spaces at either end keeps them (``xml:space``), as python-docx's run text does."""
    weight = _BOLD if bold else _NOT_BOLD
    props = (f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}" w:hint="eastAsia"/>'
             f'{weight}<w:sz w:val="{size_half_points}"/></w:rPr>')
    out = ["<w:r>", props]
    piece: list[str] = []

    def flush() -> None:
        if piece:
            t = "".join(piece)
            space = ' xml:space="preserve"' if len(t.strip()) < len(t) else ""
            out.append(f"<w:t{space}>{escape(t)}</w:t>")
            piece.clear()

    for ch in text:
        if ch == "\t":
            flush()
            out.append("<w:tab/>")
        elif ch in "\r\n":
            flush()
            out.append("<w:br/>")
        else:
            piece.append(ch)
    flush()
    out.append("</w:r>")
    return "".join(out)


def form_table_xml(grid: Grid, widths_pt: Sequence[float], *, heading: bool, style_id: str,
                   font: str, size: float = 9.0, row_height_twips: int = 340) -> str:
    """The ``w:tbl`` of ``grid``: fixed column widths, rows at least ``row_height_twips`` high, spans as
    ``gridSpan``/``vMerge``, each cell's text centred vertically in ``font`` at ``size`` points (bold for the
    form's headings), the first row repeated on a new page when ``heading``."""
    n = grid.ncols
    widths = [_twips(w) for w in widths_pt]
    half_points = round(size * 2)
    # which cell starts a vertical span over a position, so the rows below write a continuation there
    below: dict[tuple[int, int], int] = {}  # (row, col) → colspan of the span continued there
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            if cell is not None and cell.rowspan > 1:
                for rr in range(r + 1, r + cell.rowspan):
                    below[(rr, c)] = cell.colspan
    out = [f'<w:tbl xmlns:w="{W_NS}">', _TBL_PR.format(style=style_id), "<w:tblGrid>"]
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    tr_pr = f'<w:trPr><w:trHeight w:val="{row_height_twips}" w:hRule="atLeast"/>'
    for r, row in enumerate(grid.rows):
        out.append("<w:tr>" + tr_pr + ('<w:tblHeader w:val="true"/>' if heading and r == 0 else "") + "</w:trPr>")
        c = 0
        while c < n:
            cell = row[c]
            span = cell.colspan if cell is not None else below.get((r, c), 1)
            width = sum(widths[c:c + span])
            grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            if cell is None:
                merge = "<w:vMerge/>" if (r, c) in below else ""
                out.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{grid_span}{merge}</w:tcPr><w:p/></w:tc>')
                c += span
                continue
            merge = '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
            indent = f'<w:ind w:left="{_twips(9 * cell.indent)}"/>' if cell.indent else ""
            out.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{grid_span}{merge}<w:vAlign w:val="center"/>'
                f'</w:tcPr><w:p><w:pPr>{indent}<w:jc w:val="{_JC.get(cell.align, "center")}"/></w:pPr>'
                + run_xml(cell.text, size_half_points=half_points, bold=cell.header, font=font)
                + "</w:p></w:tc>"
            )
            c += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
