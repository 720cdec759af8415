"""Paragraphs for the PDF: Chinese line breaking (:mod:`app.export.linebreak`) in place of reportlab's,
and markup that prints each character in the first face of a fallback chain that has it."""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus.paragraph import Paragraph, ParaLines, cjkU, makeCJKParaLine

from app.export.fonts import Coverage, Face
from app.export.linebreak import breakable, line_ends, marks_allow

_SPACES = re.compile(" {2,}")


class CJKParagraph(Paragraph):
    """A paragraph broken by the Chinese rules: no closing mark starts a line, no opening mark ends one,
    numbers keep their units, and nothing hangs past the right edge (into a cell rule)."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # reportlab's method name
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        frags = self.frags
        style = self.style
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        glyphs: list[Any] = []
        for f in frags:
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            if text:
                glyphs.extend(cjkU(t, f, "utf8") for t in text)
            else:
                glyphs.append(cjkU(text, f, "utf8"))
        chars = [str(g) for g in glyphs]
        hard = [hasattr(g.frag, "lineBreak") for g in glyphs]
        widths = [float(g.width) for g in glyphs]
        ends = line_ends(widths, breakable(chars), list(maxWidths), hard, marks_allow(chars))
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto not in ("", "off")
        justify = style.alignment == TA_JUSTIFY
        lines = []
        start = 0
        for k, end in enumerate(ends):
            width = maxWidths[min(k, len(maxWidths) - 1)]
            seg = glyphs[start:end] or glyphs[start : start + 1]
            used = sum(widths[start:end])
            line = makeCJKParaLine(seg, width, used, width - used, bool(end and hard[end - 1]), calc_bounds)
            if justify:  # spread the line's slack between its characters (see beginText)
                line.wordCount = max(1, sum(1 for g in seg if str(g)))
            lines.append(line)
            start = end
        return ParaLines(kind=1, lines=lines)

    def beginText(self, x: float, y: float) -> Any:  # reportlab's method name
        """reportlab justifies a line by widening its spaces (word spacing); Chinese has none, so a
        justified line's slack goes between its characters (character spacing) instead."""
        tx = self.canv.beginText(x, y)
        if self.style.alignment == TA_JUSTIFY:
            tx.setWordSpace = tx.setCharSpace
        return tx


def markup(cov: Coverage, text: str, face: Face, *, keep_spaces: bool = False) -> str:
    """Paragraph markup for ``text`` in ``face``: characters it lacks in their fallback face's <font> tag.
    ``keep_spaces``: runs of spaces a clerk lined up (“年    月    日”) stay as wide as typed."""
    out: list[str] = []
    if keep_spaces:
        text = _SPACES.sub(lambda m: "\u00a0" * len(m.group()), text)
    for name, run in cov.runs(text, face):
        body = escape(run).replace("\n", "<br/>")
        out.append(body if name == face.name else f'<font name="{name}">{body}</font>')
    return "".join(out)


def text_width(cov: Coverage, text: str, face: Face, size: float) -> float:
    """Printed width of one line of ``text`` (with the fallback faces)."""
    return sum(stringWidth(run, name, size) for name, run in cov.runs(text, face))


def widest_piece(cov: Coverage, text: str, face: Face, size: float) -> float:
    """Width of the widest piece of ``text`` that may not be broken (a number with its unit, （万元）…)."""
    chars = list(text)
    ok = breakable(chars)
    best = 0.0
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or ok[i] or chars[i] == "\n":
            piece = "".join(chars[start:i]).strip()
            if piece:
                best = max(best, text_width(cov, piece, face, size))
            start = i
    return best
