"""Read a PDF back as a reader sees it: where its lines start, and whether a glyph crosses a table rule."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

#: may not start a line (the issue's list and the rest of the closing marks)
CLOSING = "，。、；：！？）》”’」』】〕"


@dataclass
class Crossing:
    page: int
    char: str
    x0: float
    x1: float
    rule_x: float


def line_starts(path: Path) -> list[tuple[int, str]]:
    """(page, text) of every printed line whose first character is a closing mark.  A printed line is a
    run of characters on one baseline without a gap wider than half a character (cells side by side on
    one baseline are separate lines)."""
    bad: list[tuple[int, str]] = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            for seg in _segments(page.chars):
                text = "".join(c["text"] for c in seg).strip()
                if text and text[0] in CLOSING:
                    bad.append((n, text))
    return bad


def _segments(chars: list[dict]) -> list[list[dict]]:
    rows: dict[int, list[dict]] = {}
    for c in chars:
        if c["text"].strip() and abs(c.get("matrix", (1, 0, 0, 1))[1]) < 1e-6:  # upright text only
            rows.setdefault(round(c["bottom"]), []).append(c)
    out: list[list[dict]] = []
    for row in rows.values():
        row.sort(key=lambda c: c["x0"])
        seg = [row[0]]
        for prev, c in itertools.pairwise(row):
            if c["x0"] - prev["x1"] > 0.5 * c["size"]:
                out.append(seg)
                seg = []
            seg.append(c)
        out.append(seg)
    return out


def crossings(path: Path, eps: float = 0.3) -> list[Crossing]:
    """Glyphs whose box a vertical table rule passes through."""
    found: list[Crossing] = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            rules = [e for e in page.edges if e["orientation"] == "v"]
            for c in page.chars:
                if not c["text"].strip():
                    continue
                for e in rules:
                    if c["x0"] + eps < e["x0"] < c["x1"] - eps and e["top"] < c["bottom"] - eps \
                            and e["bottom"] > c["top"] + eps:
                        found.append(Crossing(n, c["text"], c["x0"], c["x1"], e["x0"]))
                        break
    return found
