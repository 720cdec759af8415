"""The one-line shortcut of the PDF's Chinese line breaking gives exactly what the general path gives."""

from __future__ import annotations

from typing import Any

import pytest
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from app.export import fonts
from app.export.pdf_text import CJKParagraph, paragraph

TEXTS = [
    "总分", "100.00%", "项目支出预算执行率（%）", "部门整体支出绩效自评表（万元）", "其中：基本支出",
    "全年执行数 329.47 万元，执行率 98.6%。", "Abc def 12", "", "说明\n第二行", "“引号”与（括号）；",
    "𠀀生僻字", "非常长的一段文字非常长的一段文字非常长的一段文字非常长的一段文字非常长的一段文字",
]


def _lines(para: CJKParagraph, width: float) -> list[tuple[Any, ...]]:
    out = para.breakLinesCJK(width)
    if out.kind == 0:  # one run in one face: (slack, [text]) lines; the rest is the paragraph's
        return [((text,), (out.fontName,), round(extra, 6), 1, out.fontSize, out.ascent, out.descent, False)
                for extra, (text,) in out.lines]
    return [(tuple(w.text for w in line.words), tuple(w.fontName for w in line.words), round(line.extraSpace, 6),
             line.wordCount, line.fontSize, line.ascent, line.descent, line.lineBreak) for line in out.lines]


@pytest.mark.parametrize("alignment", [TA_LEFT, TA_JUSTIFY])
@pytest.mark.parametrize("text", TEXTS)
def test_one_line_shortcut_matches_the_general_path(text: str, alignment: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for face in (fonts.HEI, fonts.FANG):
        fonts.load(face)
    style = ParagraphStyle("t", fontName=fonts.FANG.name, fontSize=10.5, leading=14, alignment=alignment)
    for width in (12.0, 40.0, 95.5, 180.0, 1000.0):
        fast = _lines(paragraph(fonts.Coverage(), text, style, fonts.FANG), width)
        with monkeypatch.context() as m:
            m.setattr(CJKParagraph, "_one_line", lambda self, frags, w: None)
            general = _lines(paragraph(fonts.Coverage(), text, style, fonts.FANG), width)
        assert fast == general, (text, width)


def test_short_cells_take_the_shortcut() -> None:
    fonts.load(fonts.FANG)
    style = ParagraphStyle("t", fontName=fonts.FANG.name, fontSize=10.5, leading=14)
    para = paragraph(fonts.Coverage(), "项目支出预算执行率（%）", style, fonts.FANG)
    assert para._one_line(para.frags, 300.0) is not None
    assert para._one_line(para.frags, 30.0) is None  # does not fit: the general path breaks it


def test_bureau_pdf_lines_keep_the_rules_and_fit() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.export.linebreak import CLOSING, OPENING
    from app.export.wrap_cjk import wrap

    fonts.load(fonts.HEI)
    text = "请于2025年3月31日前改正，并重新报送。附件1基础数据表（万元）中的控制率应为81.48%；“三公”经费……\n第二段"
    for width in (60.0, 100.0, 140.0):
        lines = wrap(text, fonts.HEI.name, 10.5, width, width - 21)
        assert "".join(lines) == text.replace("\n", "")
        for k, line in enumerate(lines):
            assert stringWidth(line, fonts.HEI.name, 10.5) <= (width - 21 if k == 0 else width) + 1e-6
            assert line[:1] not in CLOSING and line[-1:] not in OPENING, (width, lines)
    assert wrap("甲\n", fonts.HEI.name, 10.5, 100) == ["甲", ""]
