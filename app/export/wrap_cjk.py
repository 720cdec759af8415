"""Line breaks for the bureau's PDFs (汇总表, 退回意见), drawn line by line: the Chinese rules of
:mod:`app.export.linebreak` (no line starts with ，。；… or ends with （“…, numbers keep their units), measured
in the face the line is drawn in.  The caller joins the lines with ``<br/>``."""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.export.linebreak import breakable, line_ends, marks_allow


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    """Lines of ``text`` (its own newlines kept) that fit ``width`` points (the first line ``first_width``)."""
    chars = list(text)
    widths = [0.0 if ch == "\n" else stringWidth(ch, font, size) for ch in chars]
    hard = [ch == "\n" for ch in chars]
    first = width if first_width is None else first_width
    ends = line_ends(widths, breakable(chars), [first, width], hard, marks_allow(chars))
    lines, start = [], 0
    for end in ends:
        lines.append("".join(chars[start:end]).removesuffix("\n"))
        start = end
    if text.endswith("\n"):
        lines.append("")  # the empty line after a closing newline, as typed
    return lines
