"""The 汇总表 as a PDF (reportlab): A4 landscape, the bundled font embedded (subset), the column headings
repeated on every page, "第 N 页 共 M 页" at the foot, signature line at the end."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.domain.numbers import format_rate, format_score
from app.domain.summary import SummaryTable
from app.export.fonts import Coverage
from app.export.pdf import register_font
from app.export.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from app.export.summary import COLUMNS, NOTE, SIGNATURES, Line, table_lines
from app.export.wrap_cjk import wrap

MARGIN = 12 * mm
PAD = 3.0
SHADE = {"heading": colors.HexColor("#D9D9D9"), "group": colors.HexColor("#EDEDED"),
         "problems": colors.HexColor("#EDEDED"), "subtotal": colors.HexColor("#F5F5F5"),
         "total": colors.HexColor("#F5F5F5"), "average": colors.HexColor("#F5F5F5")}
BOLD_KINDS = ("heading", "group", "problems", "subtotal", "total", "average")


def write_summary_pdf(table: SummaryTable, out: Path) -> list[str]:
    """Write the PDF; returns warnings (characters the font lacks, printed as □)."""
    font = register_font()
    cov = Coverage()
    page = landscape(A4)
    width = page[0] - 2 * MARGIN - 12  # the frame's own 6 pt paddings

    def style(size: float, align: int = TA_LEFT, leading: float | None = None) -> ParagraphStyle:
        return ParagraphStyle("s", fontName=font, fontSize=size, leading=leading or size * 1.3, alignment=align,
                              wordWrap="CJK")

    cell, cell_c = style(9), style(9, TA_CENTER)

    def para(text: str, st: ParagraphStyle, bold: bool = False, room: float = width) -> Paragraph:
        lines = wrap(cov.printable(text), font, st.fontSize, room - 1)
        safe = "<br/>".join(x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines)
        return Paragraph(f"<b>{safe}</b>" if bold else safe, st)

    scale = width / sum(c[2] for c in COLUMNS)
    widths = [c[2] * scale for c in COLUMNS]

    def cell_para(text: str, st: ParagraphStyle, bold: bool, column: int) -> Paragraph:
        return para(text, st, bold, widths[column] - 2 * PAD)

    data: list[list[Any]] = []
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONT", (0, 0), (-1, -1), font, 9),
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    for n, line in enumerate(table_lines(table)):
        bold = line.kind in BOLD_KINDS
        if line.kind in ("group", "problems"):
            data.append([para(str(line.values[0]), cell, True)] + [""] * (len(COLUMNS) - 1))
            commands.append(("SPAN", (0, n), (-1, n)))
        else:
            data.append(_cells(line, cell_para, cell, cell_c, bold))
        if line.kind in SHADE:
            commands.append(("BACKGROUND", (0, n), (-1, n), SHADE[line.kind]))
    grid = Table(data, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle(commands))

    sign = Table([[para(s, style(10.5), room=width / 3) for s in SIGNATURES]], colWidths=[width / 3] * 3)
    story = [
        para(table.title, style(16, TA_CENTER, 22), True),
        Spacer(1, 2 * mm),
        para(table.subtitle, style(9, TA_RIGHT)),
        Spacer(1, 2 * mm),
        grid,
        Spacer(1, 2 * mm),
        para(NOTE, style(8)),
        Spacer(1, 8 * mm),
        sign,
    ]
    doc = SimpleDocTemplate(str(out), pagesize=page, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=table.title, author="PerfEval Desk")
    doc.build(story, canvasmaker=_numbered(font))
    warning = cov.warning()
    return [warning] if warning else []


def _cells(line: Line, para: Any, left: ParagraphStyle, centre: ParagraphStyle, bold: bool) -> list[Any]:
    """Text columns as wrapping paragraphs; figures (short, never wrapped) as plain strings, which
    reportlab lays out ≈10× faster than paragraphs."""
    out: list[Any] = []
    for column, ((_, kind, _), value) in enumerate(zip(COLUMNS, line.values, strict=True)):
        if isinstance(value, Decimal):
            text = format_rate(value) if kind == "rate" else format_score(value)
        elif value is None:
            text = ""
        else:
            text = str(value)
        if kind == "text":
            out.append(para(text, centre if line.kind == "heading" else left, bold, column))
        else:
            out.append(text)
    return out


def _numbered(font: str) -> type[Canvas]:
    class NumberedPages(Canvas):
        """Draws "第 N 页 共 M 页" once the page count is known (page states kept until save)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._states: list[dict[str, Any]] = []

        def showPage(self) -> None:  # reportlab's method name
            self._states.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._states)
            for state in self._states:
                self.__dict__.update(state)
                self.setFont(font, 9)
                self.drawCentredString(self._pagesize[0] / 2, 8 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
                super().showPage()
            super().save()

    return NumberedPages
