"""Paragraphs for the PDF: Chinese line breaking (:mod:`app.export.linebreak`) in place of reportlab's,
each character in the first face of a fallback chain that has it, and no markup parsing.

A form prints hundreds of short cells and the report hundreds of lines, so the usual reportlab path (an
XML parse per paragraph, one object per character while wrapping) is most of an export's time.  Here a
paragraph's fragments are cloned from one parsed template per style, and lines are cut from the
characters' widths read straight from the font's width table.
"""

from __future__ import annotations

import re
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import getAscentDescent, getFont
from reportlab.rl_config import paraFontSizeHeightOffset

from app.export.fonts import Coverage, Face
from app.export.linebreak import LINE_FUZZ, breakable, line_ends, marks_allow, unbreakable_pieces
from app.export.platypus import FragLine, Paragraph, ParaLines

_SPACES = re.compile(" {2,}")
_WHITE = re.compile(r"[ \t\r\f\v]+")
_TEMPLATES: dict[int, Any] = {}
_WIDTHS: dict[str, tuple[dict[int, float], float]] = {}


def _template(style: ParagraphStyle) -> Any:
    """A parsed fragment carrying the style's attributes (font, size, colour…), cloned for every run."""
    frag = _TEMPLATES.get(id(style))
    if frag is None or frag._style is not style:
        frag = Paragraph("x", style).frags[0]
        frag._style = style
        _TEMPLATES[id(style)] = frag
    return frag


def _widths(font_name: str) -> tuple[dict[int, float], float]:
    """The face's advance widths (1/1000 em) by code point, and the width of a character it lacks."""
    w = _WIDTHS.get(font_name)
    if w is None:
        face = getFont(font_name).face
        w = _WIDTHS[font_name] = (face.charWidths, face.defaultWidth)
    return w


class CJKParagraph(Paragraph):
    """A paragraph broken by the Chinese rules: no closing mark starts a line, no opening mark ends one,
    numbers keep their units, and nothing hangs past the right edge (into a cell rule).  Justified lines
    spread their slack between the characters."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # reportlab's method name
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        key = tuple(maxWidths)
        done = self.__dict__.get("_pe_lines")
        if done is not None and done[0] == key:  # platypus wraps a paragraph again to place and to split it
            return done[1]
        lines = self._break(key)
        self._pe_lines = (key, lines)
        return lines

    def _break(self, maxWidths: tuple[float, ...]) -> Any:
        frags = self.frags
        style = self.style
        if not frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName, textColor=style.textColor,
                             lines=[], ascent=style.fontSize, descent=-0.2 * style.fontSize)
        one_line = self._one_line(frags, maxWidths[0])
        if one_line is not None:
            return one_line
        chars: list[str] = []
        widths: list[float] = []
        owner: list[int] = []  # the fragment each character comes from
        hard: list[bool] = []
        for k, f in enumerate(frags):
            text = f.text.decode("utf8") if isinstance(f.text, bytes) else f.text
            if getattr(f, "lineBreak", False):
                chars.append("\n")
                widths.append(0.0)
                owner.append(k)
                hard.append(True)
                continue
            table, missing = _widths(f.fontName)
            scale = 0.001 * f.fontSize
            chars.extend(text)
            widths.extend([table.get(o, missing) * scale for o in map(ord, text)])
            owner.extend([k] * len(text))
            hard.extend([False] * len(text))
        if not chars:
            chars, widths, owner, hard = [""], [0.0], [0], [False]
        ends = line_ends(widths, breakable(chars), list(maxWidths), hard, marks_allow(chars))
        metrics = [getAscentDescent(f.fontName, f.fontSize) for f in frags]
        lines = []
        start = 0
        for n, end in enumerate(ends):
            width = maxWidths[min(n, len(maxWidths) - 1)]
            used = sum(widths[start:end])
            words: list[Any] = []
            size = ascent = descent = 0.0
            i = start
            while i < end:
                k = owner[i]
                j = i
                while j < end and owner[j] == k:
                    j += 1
                f = frags[k]
                size = max(size, f.fontSize)
                ascent = max(ascent, metrics[k][0])
                descent = min(descent, metrics[k][1])
                text = "".join(chars[i:j]).replace("\n", "")
                if text:
                    words.append(f.clone(text=text))
                i = j
            if not words:
                f = frags[owner[min(start, len(owner) - 1)]]
                words = [f.clone(text="")]
                size, (ascent, descent) = f.fontSize, getAscentDescent(f.fontName, f.fontSize)
            lines.append(self._frag_line(words, width, used, size, ascent, descent, bool(end and hard[end - 1])))
            start = end
        return ParaLines(kind=1, lines=lines)

    def _one_line(self, frags: list[Any], max_width: float) -> Any:
        """The lines when the whole text fits on the first line (most table cells): the same result as the
        general path, from the C-accelerated width of each fragment instead of a width per character."""
        used = 0.0
        for f in frags:
            if getattr(f, "lineBreak", False) or not isinstance(f.text, str) or "\n" in f.text:
                return None
            used += getFont(f.fontName).stringWidth(f.text, f.fontSize)
        if used > max_width + LINE_FUZZ:
            return None
        shown = [f for f in frags if f.text]
        if not shown:
            return None
        if len(shown) == 1 and self.style.alignment != TA_JUSTIFY:
            # one run in one face: reportlab's plain line kind, drawn with one text call instead of the
            # per-fragment machinery (a form has thousands of such cells)
            f = shown[0]
            ascent, descent = getAscentDescent(f.fontName, f.fontSize)
            return f.clone(kind=0, lines=[(max_width - used, [f.text])], ascent=ascent, descent=descent,
                           fontSize=f.fontSize)
        metrics = [getAscentDescent(f.fontName, f.fontSize) for f in shown]
        return ParaLines(kind=1, lines=[self._frag_line(
            [f.clone(text=f.text) for f in shown], max_width, used, max(f.fontSize for f in shown),
            max(0.0, *(m[0] for m in metrics)), min(0.0, *(m[1] for m in metrics)), False)])

    def _frag_line(self, words: list[Any], width: float, used: float, size: float, ascent: float, descent: float,
                   line_break: bool) -> Any:
        """One line of fragments; a justified one spreads its slack over its characters (see beginText)."""
        count = max(1, sum(len(w.text) for w in words)) if self.style.alignment == TA_JUSTIFY else 1
        return FragLine(kind=1, extraSpace=width - used, wordCount=count, words=words, fontSize=size, ascent=ascent,
                        descent=descent, maxWidth=width, currentWidth=used, lineBreak=line_break)

    def drawPara(self, debug: int = 0) -> None:  # reportlab's method name
        """The lines of a plain paragraph (ours: no markup, bullets, links or backgrounds) written with the same
        text operators reportlab's drawPara writes, without its per-fragment bookkeeping for underlines, links
        and images (a report has hundreds of lines); anything else goes to reportlab's."""
        bl = self.blPara
        style = self.style
        if (debug or bl.kind != 1 or not bl.lines or self.bulletText or style.backColor
                or (style.borderColor and style.borderWidth) or style.wordWrap == "RTL"
                or getattr(self, "autoLeading", getattr(style, "autoLeading", "")) in ("min", "max")
                or any(_fancy(w) for line in bl.lines for w in line.words)):
            super().drawPara(debug)
            return
        canvas = self.canv
        lines = bl.lines
        offsets = list(getattr(self, "_offsets", [0]))
        offsets += (len(lines) - len(offsets)) * [offsets[-1]]
        first = lines[0]
        cur_y = self.height - (first.fontSize if paraFontSizeHeightOffset else getattr(first, "ascent", first.fontSize))
        canvas.saveState()
        tx = self.beginText(style.leftIndent, cur_y)
        tx.setLeading(style.leading)
        tx._fontname = tx._fontsize = None
        color = None
        alignment = style.alignment
        last_no = len(lines) - 1 if not getattr(self, "_JustifyLast", False) else -1
        for i, line in enumerate(lines):
            offset = style.firstLineIndent + offsets[0] if i == 0 else offsets[i]
            extra = line.extraSpace
            words = line.words
            last = i == last_no and not (style.justifyLastLine and line.wordCount > style.justifyLastLine)
            spaces = line.wordCount + sum(w.text.count("\u00a0") for w in words) - 1
            if alignment == TA_JUSTIFY:
                simple = line.lineBreak or -1e-8 < extra <= 1e-8 or (last and extra > -1e-8) or spaces <= 0
            else:
                simple = extra > -1e-8 or spaces <= 0
            move = offset + (line_shift(alignment, extra) if simple else 0.0)
            _move(tx, move)
            if not simple:
                tx.setWordSpace(extra / float(spaces))
            for w in words:
                if (tx._fontname, tx._fontsize) != (w.fontName, w.fontSize):
                    tx._setFont(w.fontName, w.fontSize)
                if color != w.textColor:
                    color = w.textColor
                    tx.setFillColor(color)
                tx._textOut(w.text, w is words[-1])
            if not simple:
                tx.setWordSpace(0)
            _move(tx, -move)
        canvas.drawText(tx)
        canvas.restoreState()

    def beginText(self, x: float, y: float) -> Any:  # reportlab's method name
        """reportlab justifies a line by widening its spaces (word spacing); Chinese has none, so a
        justified line's slack goes between its characters (character spacing) instead."""
        tx = self.canv.beginText(x, y)
        if self.style.alignment == TA_JUSTIFY:
            tx.setWordSpace = tx.setCharSpace
        return tx


def line_shift(alignment: int, extra: float) -> float:
    """How far reportlab moves a line with ``extra`` points to spare (and no stretched spaces) for its alignment."""
    return 0.5 * extra if alignment == TA_CENTER else extra if alignment == TA_RIGHT else 0.0


def _fancy(frag: Any) -> bool:
    """A fragment reportlab's own drawing must handle (an image or callback, a link, underline, rise, background)."""
    return bool(hasattr(frag, "cbDefn") or getattr(frag, "link", None) or getattr(frag, "us_lines", None)
                or getattr(frag, "rise", 0) or getattr(frag, "backColor", None))


def _move(tx: Any, dx: float) -> None:
    if dx > 1e-6 or dx < -1e-6:  # as reportlab's setXPos: no zero moves in the stream
        tx.setXPos(dx)


def paragraph(cov: Coverage, text: str, style: ParagraphStyle, face: Face, *, keep_spaces: bool = False,
              runs: list[tuple[Face, str]] | None = None) -> CJKParagraph:
    """A paragraph of ``text`` in ``face`` (``runs``: several texts, each in its own face), without markup:
    characters a face lacks print in its fallback; whitespace collapses as in HTML unless ``keep_spaces``
    (“年    月    日”, spaces a clerk lined up, stay as wide as typed)."""
    tmpl = _template(style)
    frags: list[Any] = []
    for run_face, run_text in runs or [(face, text)]:
        if keep_spaces:
            run_text = _SPACES.sub(lambda m: "\u00a0" * len(m.group()), run_text)
        else:
            run_text = "\n".join(_WHITE.sub(" ", line).strip() for line in run_text.split("\n"))
        for name, run in cov.runs(run_text, run_face):
            for k, piece in enumerate(run.split("\n")):
                if k:
                    frags.append(tmpl.clone(text="", lineBreak=True))
                if piece:
                    frags.append(tmpl.clone(text=piece, fontName=name))
    if not frags:
        frags = [tmpl.clone(text="")]
    return CJKParagraph(None, style, frags=frags)


def text_width(cov: Coverage, text: str, face: Face, size: float) -> float:
    """Printed width of one line of ``text`` (with the fallback faces)."""
    total = 0.0
    for name, run in cov.runs(text, face):
        table, missing = _widths(name)
        total += sum(table.get(ord(ch), missing) for ch in run) * 0.001 * size
    return total


def widest_piece(cov: Coverage, text: str, face: Face, size: float) -> float:
    """Width of the widest piece of ``text`` that may not be broken (a number with its unit, （万元）…)."""
    return max((text_width(cov, piece, face, size) for piece in unbreakable_pieces(text)), default=0.0)
