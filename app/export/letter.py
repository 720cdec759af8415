"""The 退回意见: a short letter from the finance bureau to a unit listing every error and warning that
``perfeval check`` found in its packet, with the message that says what to fix and where (附件, cell).

:func:`letter_for` builds the text (shared by both formats); :func:`write_letter` writes it as Word
(.docx, python-docx) or PDF (reportlab, bundled font embedded): a red letterhead-style title and rule,
the unit as addressee, numbered errors (须改正) and warnings (请核实), and a signature/stamp block
with the date.  The stamp and the reviewer's name are left blank to sign by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.atomic import write_replacing
from app.domain.evaluate import Evaluation
from app.domain.model import Packet
from app.domain.rules import Issue, describe

RED = "C00000"
SIGN_INDENT_MM = 55  # the signature block sits in the right part of the page
#: seal area and blanks to fill by hand
SIGNATURE = ("审核单位（盖章）：", "审核人：________　联系电话：________")


_UNTRANSLATED = re.compile(r"[a-z_]{3,}")


class LetterError(Exception):
    """The letter could not be written (Chinese message)."""


@dataclass(frozen=True)
class Letter:
    title: str
    addressee: str
    opening: str
    sections: list[tuple[str, list[str]]]  # (heading, numbered items)
    closing: str
    date: str


def place(evaluation: Evaluation, issue: Issue) -> str:
    """Where the clerk finds the figure: the Chinese name of the first cell concerned (as the pack's forms
    name it)."""
    for path in (*issue.cells, issue.field):
        label = describe(evaluation.plan, path)
        if label and not _UNTRANSLATED.search(label):  # a field path the forms do not name
            return label
        if path.startswith("report."):
            return "附件4 自评报告"
    return ""


def letter_for(packet: Packet, evaluation: Evaluation, *, today: dt.date | None = None) -> Letter:
    day = today or dt.date.today()
    errors, warnings = evaluation.errors, evaluation.warnings
    unit = packet.unit.name or "（未填单位名称）"
    what = f"你单位报送的{packet.year}年度绩效自评材料"
    if errors:
        title = "绩效自评材料退回意见"
        opening = (f"{what}经审核，发现{len(errors)}个错误" + (f"、{len(warnings)}个提示" if warnings else "")
                   + "，现予退回。请按下列意见逐项修改，改正全部错误后重新报送（数据包或Excel模板）。")
    elif warnings:
        title = "绩效自评材料审核意见"
        opening = f"{what}经审核，未发现错误，有{len(warnings)}个提示。请逐项核实，确需修改的请修改后重新报送。"
    else:
        title = "绩效自评材料审核意见"
        opening = f"{what}经审核，未发现错误或需要核实的问题。"
    sections: list[tuple[str, list[str]]] = []
    if errors:
        sections.append((f"一、须改正的错误（{len(errors)}个）", [_item(evaluation, i) for i in errors]))
    if warnings:
        number = "二" if errors else "一"
        sections.append((f"{number}、请核实的提示（{len(warnings)}个）", [_item(evaluation, i) for i in warnings]))
    closing = ("提示所列情况如确属实际，请在自评报告中说明原因。如有疑问，请与我们联系。" if warnings
               else "如有疑问，请与我们联系。")
    return Letter(title, f"{unit}：", opening, sections, closing, f"{day.year}年{day.month}月{day.day}日")


def _item(evaluation: Evaluation, issue: Issue) -> str:
    where = place(evaluation, issue)
    return f"{issue.message}" + (f"（位置：{where}）" if where and where not in issue.message else "")


def write_letter(packet: Packet, evaluation: Evaluation, out: Path, *, today: dt.date | None = None) -> list[str]:
    """Write the letter to ``out`` (.docx or .pdf by its suffix), via a temporary file renamed at the end;
    returns warnings for the clerk (characters the PDF font lacks, printed as □)."""
    letter = letter_for(packet, evaluation, today=today)
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise LetterError(f"{out}：退回意见只能保存为 .docx 或 .pdf")
    def write(tmp: Path) -> list[str]:
        if suffix == ".docx":
            _write_docx(letter, tmp)
            return []
        return _write_pdf(letter, tmp)

    try:
        return write_replacing(out, write)
    except OSError as exc:
        raise LetterError(f"无法写入 {out}（{exc.strerror or exc}）") from None


# --- Word ---------------------------------------------------------------------------------------------


def _write_docx(letter: Letter, out: Path) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    font_name = "宋体"

    def para(text: str, size: float = 14, *, bold: bool = False, align: Any = None, red: bool = False,
             first_indent: bool = False, hanging: float = 0, space_after: float = 0) -> Any:
        p = doc.add_paragraph()
        fmt = p.paragraph_format
        if align is not None:
            p.alignment = align
        fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
        fmt.line_spacing = 1.4
        if first_indent:
            fmt.first_line_indent = Pt(size * 2)
        if hanging:
            fmt.left_indent, fmt.first_line_indent = Pt(size * hanging), Pt(-size * (hanging - 2))
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, font_name
        if red:
            run.font.color.rgb = RGBColor.from_string(RED)
        rpr = run._element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), font_name)
        return p

    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(28)
    section.top_margin, section.bottom_margin = Mm(30), Mm(28)
    doc.core_properties.title = letter.title
    doc.core_properties.author = "PerfEval Desk"

    title = para(letter.title, 22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, red=True, space_after=4)
    # the red rule under a letterhead: a bottom border on the title paragraph
    ppr = title._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "6"), ("color", RED)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    ppr.append(borders)
    para("", 10)
    para(letter.addressee, 14)
    para(letter.opening, 14, first_indent=True, space_after=4)
    for heading, items in letter.sections:
        para(heading, 14, bold=True, first_indent=True)
        for n, item in enumerate(items, start=1):
            para(f"{n}．{item}", 12, hanging=3.5)
    para(letter.closing, 14, first_indent=True)
    para("", 14)
    for n, line in enumerate(SIGNATURE):
        para(line, 14).paragraph_format.left_indent = Mm(SIGN_INDENT_MM)
        if n == 0:
            para("", 14)  # room for the seal
    para(letter.date, 14, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(str(out))


# --- PDF ----------------------------------------------------------------------------------------------


def _write_pdf(letter: Letter, out: Path) -> list[str]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

    from app.export.fonts import Coverage
    from app.export.pdf import register_font
    from app.export.platypus import HRFlowable, Paragraph, SimpleDocTemplate, Spacer
    from app.export.wrap_cjk import wrap

    font = register_font()
    cov = Coverage()
    red = colors.HexColor(f"#{RED}")
    left_margin, right_margin = 28 * mm, 26 * mm
    # the frame's own 6 pt paddings, and 1 pt slack: reportlab must not re-break our lines
    frame = A4[0] - left_margin - right_margin - 12 - 1

    def style(size: float, align: int = TA_LEFT, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.6)
        return ParagraphStyle("l", fontName=font, fontSize=size, alignment=align, wordWrap="CJK", **kw)

    def para(text: str, st: ParagraphStyle) -> Paragraph:
        width = frame - st.leftIndent - st.rightIndent
        lines = wrap(cov.printable(text), font, st.fontSize, width, width - st.firstLineIndent)
        safe = "<br/>".join(x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for x in lines)
        return Paragraph(safe, st)

    body = style(14, firstLineIndent=28)
    item = style(12, leftIndent=36, firstLineIndent=-18)
    sign = style(14, leftIndent=SIGN_INDENT_MM * mm)
    story: list[Any] = [
        para(letter.title, style(22, TA_CENTER, textColor=red, leading=30)),
        HRFlowable(width="100%", thickness=1.8, color=red, spaceBefore=4, spaceAfter=14),
        para(letter.addressee, style(14)),
        para(letter.opening, body),
        Spacer(1, 4),
    ]
    for heading, items in letter.sections:
        story.append(para(heading, body))
        story += [para(f"{n}．{text}", item) for n, text in enumerate(items, start=1)]
    story += [para(letter.closing, body), Spacer(1, 24), para(SIGNATURE[0], sign), Spacer(1, 18),
              para(SIGNATURE[1], sign), para(letter.date, style(14, TA_RIGHT))]
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=left_margin, rightMargin=right_margin, topMargin=30 * mm,
                            bottomMargin=25 * mm, title=letter.title, author="PerfEval Desk")
    doc.build(story)
    warning = cov.warning()
    return [warning] if warning else []
