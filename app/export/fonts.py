"""The bundled CJK font: where it is, which characters it has, and text made safe to print with it.

reportlab silently prints a blank for a character the font lacks (tech-notes), so every printed string
goes through :func:`printable`: a missing character is replaced by its compatibility form (NFKC) when
the font has that, else by a visible stand-in, and recorded so the caller can warn the clerk.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from app import resources
from app.resources import FONT_FILE

FONT_NAME = "WenQuanYiMicroHei"
SUBFONT_INDEX = 0
#: printed instead of a character the font cannot draw (the font has it; a blank would hide the loss)
STAND_IN = "□"


def font_path() -> Path:
    """resources/fonts/wqy-microhei.ttc (also inside a PyInstaller bundle); a missing font is an error."""
    path = resources.font_path()
    if path.is_file():
        return path
    raise FileNotFoundError(f"找不到字体文件 {FONT_FILE}（应在 resources/fonts/ 下），请重新安装程序")


@cache
def covered() -> frozenset[int]:
    """Code points the bundled face maps to a glyph (its cmap)."""
    from fontTools.ttLib import TTCollection  # type: ignore[import-untyped]

    with TTCollection(str(font_path()), lazy=True) as collection:
        cmap = collection.fonts[SUBFONT_INDEX].getBestCmap()
        return frozenset(cmap)


class Coverage:
    """Makes strings printable and remembers the characters it had to replace."""

    def __init__(self) -> None:
        self.missing: set[str] = set()

    def printable(self, text: str) -> str:
        cmap = covered()
        if all(ord(ch) in cmap or ch in "\n\t" for ch in text):
            return text
        out: list[str] = []
        for ch in text:
            if ord(ch) in cmap or ch in "\n\t":
                out.append(ch)
                continue
            alt = unicodedata.normalize("NFKC", ch)
            if alt != ch and all(ord(a) in cmap for a in alt):
                out.append(alt)
                continue
            if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp"):  # zero-width/control: nothing to draw
                continue
            self.missing.add(ch)
            out.append(STAND_IN)
        return "".join(out)

    def warning(self) -> str | None:
        if not self.missing:
            return None
        chars = "".join(sorted(self.missing))
        return f"字体缺少{len(self.missing)}个字符（{chars}），打印时以“{STAND_IN}”代替，请核对"
