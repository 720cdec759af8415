"""Chinese line breaking (禁则, after GB/T 15834 and the W3C's clreq): where a line of printed text may end.

reportlab's CJK wrapping breaks anywhere and lets one closing mark *hang* past the right edge — in a
table cell that puts the mark across the cell rule — and its list of closing marks is the Japanese one
(no ，；：！？》”).  This module decides the breaks instead; :mod:`app.export.pdf` hands it the glyphs
and their widths.  The rules:

- no line starts with a closing mark (，。、；：！？）》」』】〕〉”’…%‰℃ …) and none ends with an
  opening one (（《「『【〔〈“‘¥ …): the mark moves together with its neighbour;
- a number stays in one piece with its sign, decimals, ``%`` and a following unit (万元, ㎡, 个, 分…);
  Latin words stay whole and break at spaces;
- a short bracketed group such as （㎡） or （万元） stays whole, so a heading breaks before it, not in it;
- nothing hangs: a mark that does not fit moves to the next line together with the character before it;
  only a single unbreakable piece wider than the line is cut (at the last place that keeps the rules
  above, else where it overflows).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

#: may not start a line (GB/T 15834 点号 and closing 标号, plus units that follow a number)
CLOSING = set("，。、；：！？）》」』】〕〉］｝”’…‥—～·・,.;:!?)]}%％‰℃°′″㎡㎏㎞㎝㎜")
#: may not end a line
OPENING = set("（《「『【〔〈［｛“‘([{¥￥$＄#＃")
#: characters of a number: digits, decimal point and separators, signs (a sign only leads)
_NUMBER = set("0123456789０１２３４５６７８９.,")
_SIGN = set("+-−－±")
#: units that follow a number (kept on the number's line): 50万元, 12个, 3.5分, 100人次, 200㎡
_UNITS = set("万亿千百十元角个人次项条款章节页号分天年月日辆台套份件户家所座平方米里吨亩小时岁名位篇期批场%％‰㎡℃")
_MAX_UNIT = 3
#: a bracketed group up to this many characters is one piece: （㎡） （万元） （50分）
_MAX_GROUP = 8
#: how far a line may exceed its width (float noise), here and in :func:`line_ends`
LINE_FUZZ = 1e-6
_PAIRS = {"（": "）", "(": ")", "《": "》", "【": "】", "〔": "〕", "“": "”", "[": "]"}


def _latin(ch: str) -> bool:
    return (ch.isascii() and (ch.isalnum() or ch in "_@&'/-")) or ch in _NUMBER


def breakable(text: Sequence[str]) -> list[bool]:
    """``out[i]``: a line may start at ``text[i]`` (break between ``i - 1`` and ``i``); ``out[0]`` is False."""
    return list(_breakable("".join(text))) if all(len(ch) == 1 for ch in text) else _rules(text)


@lru_cache(maxsize=4096)
def _breakable(text: str) -> tuple[bool, ...]:
    """(cached: a cell's text is measured, then drawn, often more than once)"""
    return tuple(_rules(text))


def _rules(text: Sequence[str]) -> list[bool]:
    n = len(text)
    ok = [True] * n
    if n:
        ok[0] = False
    for i in range(1, n):
        prev, ch = text[i - 1], text[i]
        if ch in CLOSING or prev in OPENING:
            ok[i] = False
        elif _latin(prev) and _latin(ch):
            ok[i] = False  # a word or a number
        elif (prev in _SIGN and ch in _NUMBER) or (
                ch in _SIGN and i + 1 < n and text[i + 1] in _NUMBER and prev in "（("):
            ok[i] = False  # a sign with its number
        elif ch.isspace() or prev.isspace():
            ok[i] = not ch.isspace()  # break after a space, never before one
    # a number's unit stays with it
    i = 0
    while i < n:
        if text[i] in _NUMBER and text[i] not in ",.":
            j = i
            while j < n and text[j] in _NUMBER:
                j += 1
            k = j
            while k < n and k - j < _MAX_UNIT and text[k] in _UNITS:
                ok[k] = False
                k += 1
            i = max(k, i + 1)
        else:
            i += 1
    # a short bracketed group stays whole
    for i, ch in enumerate(text):
        close = _PAIRS.get(ch)
        if close is None:
            continue
        for j in range(i + 1, min(n, i + _MAX_GROUP + 2)):
            if text[j] == close:
                for k in range(i + 1, j + 1):
                    ok[k] = False
                break
            if text[j] in _PAIRS or text[j] == "\n":
                break
    return ok


def marks_allow(text: Sequence[str]) -> list[bool]:
    """The punctuation rule alone: where an unbreakable piece wider than a line may be cut."""
    return [i > 0 and text[i] not in CLOSING and text[i - 1] not in OPENING for i in range(len(text))]


def line_ends(widths: Sequence[float], allowed: Sequence[bool], max_widths: Sequence[float],
              hard: Sequence[bool] = (), cut: Sequence[bool] = (), fuzz: float = LINE_FUZZ) -> list[int]:
    """Greedy line filling: the index after the last glyph of every line.

    ``allowed[i]``: a line may start at glyph ``i`` (:func:`breakable`); ``cut[i]``: a piece wider than the
    line may be cut before ``i`` (:func:`marks_allow`); ``hard[i]``: glyph ``i`` ends its line (an explicit
    line break); ``max_widths[k]``: line ``k``'s width (the last one repeats).
    """
    n = len(widths)
    ends: list[int] = []
    start = 0
    used = 0.0
    i = 0
    while i < n:
        limit = max_widths[min(len(ends), len(max_widths) - 1)]
        used += widths[i]
        if hard and hard[i]:
            ends.append(i + 1)
            start, used, i = i + 1, 0.0, i + 1
            continue
        if used > limit + fuzz and i > start:
            b = i
            while b > start and not allowed[b]:
                b -= 1
            if b == start:  # one piece wider than the line: cut it where it overflows, marks kept
                b = i
                while b > start + 1 and cut and not cut[b]:
                    b -= 1
            ends.append(b)
            start, used, i = b, 0.0, b
            continue
        i += 1
    if start < n or not ends:
        ends.append(n)
    # a last line of one character (“投资概算控制/率”) takes one more from the line above when that may break
    if len(ends) >= 2:
        a = ends[-3] if len(ends) >= 3 else 0
        b = ends[-2]
        last = [k for k in range(b, n) if not (hard and hard[k])]
        if len(last) == 1 and b - a >= 3 and allowed[b - 1] and not (hard and hard[b - 1]):
            ends[-2] = b - 1
    return ends


def wrap(text: str, width_of: dict[str, float] | None, max_width: float) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` (tests and Excel's row heights);
    ``width_of`` gives a character's width, 1.0 when absent (or for every character when ``None``)."""
    chars = list(text)
    widths = [(width_of or {}).get(ch, 1.0) for ch in chars]
    hard = [ch == "\n" for ch in chars]
    ends = line_ends(widths, breakable(chars), [max_width], hard, marks_allow(chars))
    out, start = [], 0
    for end in ends:
        out.append("".join(chars[start:end]).rstrip("\n"))
        start = end
    return out


def unbreakable_pieces(text: str) -> list[str]:
    """The pieces of ``text`` a line may not be broken inside (a number with its unit, （万元）…), stripped."""
    chars = list(text)
    ok = breakable(chars)
    pieces: list[str] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or ok[i] or chars[i] == "\n":
            piece = "".join(chars[start:i]).strip()
            if piece:
                pieces.append(piece)
            start = i
    return pieces
