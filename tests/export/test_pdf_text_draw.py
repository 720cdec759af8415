"""CJKParagraph draws its lines itself (pdf_text.CJKParagraph.drawPara): every glyph must land where reportlab's
own drawPara puts it — justified lines with their character spacing, a first-line indent, two faces in one line,
centred and right-aligned lines, a hard line break."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus.paragraph import Paragraph

from app.export.fonts import FANG, HEI, KAI, Coverage, load
from app.export.pdf_text import CJKParagraph, paragraph

TEXT = ("（一）部门职能职责。本单位主要负责全县党的建设、组织人事和干部教育培训工作，2024年度预算执行率为98.50%，"
        "较上年提高1.2个百分点；“三公”经费支出12.34万元。\n第二段：严格执行中央八项规定精神，厉行节约。")


def _chars(path: Path) -> list[list[tuple[str, float, float, str]]]:
    with pdfplumber.open(path) as pdf:
        return [[(c["text"], round(c["x0"], 2), round(c["top"], 2), c["fontname"]) for c in page.chars]
                for page in pdf.pages]


@pytest.mark.parametrize("alignment", [TA_JUSTIFY, TA_LEFT, TA_CENTER, TA_RIGHT])
def test_lines_land_where_reportlab_puts_them(tmp_path: Path, alignment: int) -> None:
    for face in (HEI, FANG, KAI):
        load(face)
    style = ParagraphStyle("t", fontName=FANG.name, fontSize=16, leading=29, alignment=alignment,
                           firstLineIndent=32, wordWrap="CJK")
    cov = Coverage()
    out = tmp_path / "p.pdf"
    canvas = Canvas(str(out), pagesize=A4)
    drawers: list[Any] = [CJKParagraph.drawPara, Paragraph.drawPara]  # ours, then reportlab's
    for draw in drawers:
        para = paragraph(cov, TEXT, style, FANG, runs=[(KAI, TEXT[:9]), (FANG, TEXT[9:])])
        _, height = para.wrap(440, 10_000)
        assert len(para.blPara.lines) >= 4 and para.blPara.kind == 1
        canvas.saveState()
        canvas.translate(80, 780 - height)
        para.canv = canvas
        draw(para)
        del para.canv
        canvas.restoreState()
        canvas.showPage()
    canvas.save()
    ours, theirs = _chars(out)
    assert len(ours) > 100
    assert ours == theirs
