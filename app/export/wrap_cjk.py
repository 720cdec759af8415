"""Line breaks for the bureau's PDFs (汇总表, 退回意见) that keep the basic Chinese rules (禁则).

reportlab's CJK wrapping knows only the Japanese list of closing marks, so a line may start with
``，`` or ``：``.  :func:`wrap` breaks a text itself: no line starts with a closing mark and none ends
with an opening one, numbers and Latin words stay whole; the caller joins the lines with ``<br/>``.
(The "print" work adds a fuller rule set in ``app.export.linebreak``; once it is merged this module
can delegate to it.)
"""

from __future__ import annotations

from reportlab.pdfbase.pdfmetrics import stringWidth

CLOSING = set("，。、；：！？）》」』】〕〉］｝”’…—～·,.;:!?)]}%％‰℃")
OPENING = set("（《「『【〔〈［｛“‘([{¥￥$")
#: a number after these belongs to them: 附件1, 第3, 附表2
NUMBERED = set("件第表")


def _glued(prev: str, ch: str) -> bool:
    """No break between ``prev`` and ``ch``."""
    if ch in CLOSING or prev in OPENING or (prev in NUMBERED and ch.isdigit()):
        return True
    word = (prev.isascii() and prev.isalnum()) or prev == "."
    return word and (ch.isascii() and (ch.isalnum() or ch in ".%"))


def wrap(text: str, font: str, size: float, width: float, first_width: float | None = None) -> list[str]:
    """Lines of ``text`` (its own newlines kept) that fit ``width`` points (the first line ``first_width``)."""
    lines: list[str] = []
    for para in text.split("\n"):
        limit = first_width if first_width is not None and not lines else width
        start, used = 0, 0.0
        i = 0
        while i < len(para):
            w = stringWidth(para[i], font, size)
            if used + w > limit and i > start:
                cut = i
                while cut > start + 1 and _glued(para[cut - 1], para[cut]):
                    cut -= 1
                if cut == start + 1 and _glued(para[cut - 1], para[cut]):
                    cut = i  # one piece wider than the line: cut where it overflows
                lines.append(para[start:cut])
                start, used, i = cut, 0.0, cut
                limit = width
                continue
            used += w
            i += 1
        lines.append(para[start:])
    return lines
