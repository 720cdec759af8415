"""How the template import compares labels, and a loaded sheet indexed by row.

A label in a filled workbook rarely reads exactly as the pack prints it: full-width letters and colons,
spaces, quotes, numbering (``1、``, ``（二）``), a leading ``其中``, notes in brackets (``（万元）``,
``（50分）``), years, ``预算部门、单位名称`` for ``预算部门名称``, or a prefix (``市级预算部门名称``).
:class:`Label` says how well a cell matches a declared label; :class:`SheetView` finds cells by label.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.domain.package import Problem

if TYPE_CHECKING:
    from app.export.template_import import _Sheet

_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_ORDINAL = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_NUMBERING = re.compile(rf"^(?:{_ORDINAL}[、.．)]|\({_ORDINAL}\))")


@functools.lru_cache(maxsize=16384)
def nfkc(text: str) -> str:
    """Full-width letters, digits, colons and brackets as ASCII (what every comparison starts from)."""
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=16384)
def compact(text: str) -> str:
    """NFKC without any whitespace."""
    return "".join(nfkc(text).split())


@functools.lru_cache(maxsize=16384)
def key(text: str) -> str:
    """A label as compared: NFKC, no spaces, quotes or colons, without numbering (1、 (一)) or 其中."""
    t = compact(text).translate(_QUOTES)
    t = _NUMBERING.sub("", t).lstrip(":")
    t = t.removeprefix("其中").lstrip(":")
    return t.replace(":", "")


@functools.lru_cache(maxsize=16384)
def loose(text: str) -> str:
    """A label with what varies between printings removed: bracketed notes ((万元), (50分)), years (2024年),
    “、单位” after 部门, enumeration commas."""
    t = re.sub(r"\([^()]*\)", "", key(text))
    t = re.sub(r"\d{4}年度?", "", t)
    t = re.sub(r"部门[、/]?单位", "部门", t)
    return t.replace("、", "")


@dataclass(frozen=True)
class Label:
    """A declared label (variables filled in) and how a cell's text may match it."""

    text: str
    exact: str = field(init=False)
    rough: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "exact", key(self.text))
        object.__setattr__(self, "rough", loose(self.text))

    def __bool__(self) -> bool:
        return bool(self.rough or self.exact)

    def level(self, cell: str, *, suffix: bool = False) -> int:
        """0 = no match; 3 = the same label; 2 = the same up to notes and years; 1 = a prefixed variant
        (市级预算部门名称 for 预算部门名称; only where ``suffix``)."""
        k = key(cell)
        if not k:
            return 0
        if k == self.exact:
            return 3
        rough = loose(cell)
        if rough and rough == self.rough:
            return 2
        if suffix and self.rough and len(self.rough) >= 2 and rough.endswith(self.rough) \
                and len(rough) - len(self.rough) <= 4:
            return 1
        return 0

    def inline(self, cell: str, *, suffix: bool = False) -> str | None:
        """The value typed after the label in its own cell (“其他资金：16.02” → “16.02”), else None."""
        text = nfkc(cell)
        for m in re.finditer(":", text):
            if self.level(text[: m.start()], suffix=suffix):
                rest = text[m.end():].strip()
                return rest or None
        return None


def template_regex(template: str, names: Iterable[str] = ()) -> re.Pattern[str]:
    """A label with variables as a pattern over NFKC text: ``{year}`` → four digits, others → any text
    (captured by name where listed in ``names``); spaces may appear anywhere."""
    out = []
    seen: set[str] = set()
    wanted = set(names) | {"year"}
    parts = [p for p in re.split(r"(\{[a-z_]+\})", nfkc(template)) if p.strip()]
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            body = r"\d{4}" if name in ("year", "prior_year") else r"[\s\S]+?"  # a title may be broken by hand
            if name in wanted and name not in seen:
                seen.add(name)
                out.append(f"(?P<{name}>{body})")
            else:
                out.append(f"(?:{body})")
        else:
            out.append(r"\s*".join(re.escape(ch) for ch in "".join(part.split())))
    ends_in_value = bool(parts) and parts[-1].startswith("{")  # 填报单位：{unit}: the value runs to the end
    return re.compile(r"\s*".join(out) + (r"\s*$" if ends_in_value else ""))


class SheetView:
    """A loaded sheet with its cells indexed by row (the reader looks at rows many times)."""

    def __init__(self, sheet: _Sheet) -> None:
        self.sheet = sheet
        self.name = sheet.name
        rows: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), v in sheet.values.items():
            if v is None or (isinstance(v, str) and not v.strip()):
                continue
            rows.setdefault(r, []).append((c, v))
        for cells in rows.values():
            cells.sort(key=lambda cv: cv[0])
        self.rows = rows
        self.texts = {r: [(c, v) for c, v in cells if isinstance(v, str)] for r, cells in rows.items()}
        self.last = max(rows, default=0)

    def cells(self, r: int) -> list[tuple[int, Any]]:
        return self.rows.get(r, [])

    def strings(self, r: int) -> list[tuple[int, str]]:
        return self.texts.get(r, [])

    def text(self, r: int, c: int) -> str:
        return self.sheet.text(r, c)

    def where(self, r: int, c: int) -> str:
        return self.sheet.where(r, c)

    @property
    def place(self) -> str:
        return f"工作表“{self.name}”"

    def problem(self, place: str, message: str) -> None:
        if not any(p.place == place and p.message == message for p in self.sheet.problems):
            self.sheet.problems.append(Problem(place, message))

    def find(self, label: Label, rows: range, *, suffix: bool = False,
             inline: bool = False) -> tuple[int, int, str | None] | None:
        """The best-matching cell of ``rows`` (first of the best level): (row, column, inline value)."""
        best: tuple[int, int, int, str | None] | None = None
        for r in rows:
            for c, v in self.strings(r):
                lv = label.level(v, suffix=suffix)
                value = None
                if not lv and inline:
                    value = label.inline(v, suffix=suffix)
                    lv = 1 if value is not None else 0
                if lv == 3 and value is None:
                    return r, c, None
                if lv and (best is None or lv > best[0]):
                    best = (lv, r, c, value)
        return None if best is None else best[1:]

    def count_in(self, r: int, keys: set[str]) -> int:
        """How many cells of row ``r`` read as one of ``keys`` (labels as :func:`loose` gives them)."""
        return sum(1 for _, v in self.strings(r) if loose(v) in keys)
