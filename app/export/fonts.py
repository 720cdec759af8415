"""The bundled CJK fonts: which face prints what, loading them cheaply, and text made safe to print.

Faces (resources/fonts/, licences beside them):

- :data:`HEI` — WenQuanYi Micro Hei (sans, 黑体-like): the forms, the report's 一、 headings, and the
  fallback for any character another face lacks (it has ≈ 34 600 characters);
- :data:`FANG` — Fandol Fang (仿宋): the report body (GB/T 9704), GB2312 and the usual symbols;
- :data:`KAI` — Fandol Kai (楷体): the report's （一） headings, GB2312's 3755 common hanzi.

Parsing a TrueType file is the slow part of a small export (the 5 MB Micro Hei takes ≈ 0.4 s in
reportlab), so each face is parsed at most once per process, and its parsed tables (character map,
widths, glyph offsets) are kept in the user's cache folder as a ``marshal`` file keyed by the font file's
size, a hash of its first and last 64 KB and the reportlab version: a later process reads them in a few
milliseconds, and a changed font file is parsed again.  The coverage
check uses the same character map (no second parse with fontTools).

reportlab silently prints a blank for a character the font lacks (tech-notes), so every printed string
goes through :meth:`Coverage.printable` (and, in the PDF, :meth:`Coverage.runs`): a character no face
has is replaced by its compatibility form (NFKC) when that prints, else by a visible stand-in, and
recorded so the caller can warn the clerk.
"""

from __future__ import annotations

import hashlib
import marshal
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import resources
from app.atomic import write_replacing
from app.resources import FONT_FILE

if TYPE_CHECKING:
    from reportlab.pdfbase.ttfonts import TTFont

#: printed instead of a character no face can draw (a blank would hide the loss)
STAND_IN = "□"
#: bump when the cached state's layout changes
_CACHE_FORMAT = 2


@dataclass(frozen=True)
class Face:
    name: str  # the name reportlab registers it under
    file: str  # in resources/fonts/
    subfont: int = 0
    fallback: str | None = None  # the face that prints characters this one lacks


HEI = Face("WenQuanYiMicroHei", FONT_FILE, 0)
FANG = Face("FandolFang", "fandol-fang.ttf", fallback=HEI.name)
KAI = Face("FandolKai", "fandol-kai.ttf", fallback=FANG.name)
FACES: dict[str, Face] = {f.name: f for f in (HEI, FANG, KAI)}

# kept for callers of the single-font API
FONT_NAME = HEI.name
SUBFONT_INDEX = HEI.subfont


def face_path(face: Face) -> Path:
    """A face's file in resources/fonts/ (also inside a PyInstaller bundle); a missing font is an error."""
    path = resources.font_file(face.file)
    if path.is_file():
        return path
    raise FileNotFoundError(f"找不到字体文件 {face.file}（应在 resources/fonts/ 下），请重新安装程序")


def font_path() -> Path:
    """The fallback face (WenQuanYi Micro Hei), which has every character the others have."""
    return face_path(HEI)


def cache_dir() -> Path | None:
    """``$PERFEVAL_CACHE_DIR``, else the user's cache folder; ``None`` when caching is switched off (``""``)."""
    return resources.cache_dir("fonts")


_LOADED: dict[str, TTFont] = {}


def load(face: Face) -> TTFont:
    """The face as a reportlab font, registered with pdfmetrics; parsed once per process, cached across."""
    font = _LOADED.get(face.name)
    if font is not None:
        return font
    from reportlab import Version
    from reportlab.pdfbase import pdfmetrics

    path = face_path(face)
    data = path.read_bytes()
    # the file's size and a hash of its head and tail: a replaced font is noticed without hashing 14 MB
    digest = hashlib.blake2b(data[:65536] + data[-65536:], digest_size=12).hexdigest()
    key = f"{face.name}-{len(data)}-{digest}-rl{Version}-{_CACHE_FORMAT}"
    folder = cache_dir()
    cached = folder / f"{key}.marshal" if folder else None
    font = _from_cache(face, data, cached) if cached else None
    if font is None:
        font = _parse(face, data)
        if cached:
            _store(font, cached)
    pdfmetrics.registerFont(font)
    # the faces have no bold or italic: <b> in a paragraph prints the same face
    pdfmetrics.registerFontFamily(face.name, normal=face.name, bold=face.name, italic=face.name,
                                  boldItalic=face.name)
    _LOADED[face.name] = font
    return font


def _parse(face: Face, data: bytes) -> TTFont:
    import io

    from reportlab.pdfbase.ttfonts import TTFont

    stream = io.BytesIO(data)
    stream.name = str(face_path(face))  # reportlab names the file after it
    return TTFont(face.name, stream, subfontIndex=face.subfont)


_NAMES = ("name", "familyName", "styleName", "fullName", "uniqueFontID")


def _store(font: TTFont, path: Path) -> None:
    """Keep the parsed tables (a cache: a failure to write it only costs the next process a parse)."""
    # glyphToChar only serves the parse itself; the file's bytes are read anew; the scale is a function
    state = {k: v for k, v in font.face.__dict__.items() if k not in ("_ttf_data", "_pdfScale", "glyphToChar")}
    for k in _NAMES:
        if k in state:
            state[k] = getattr(state[k], "ustr", state[k])
    try:
        blob = marshal.dumps(state)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_replacing(path, lambda tmp: tmp.write_bytes(blob), shared=True)
        face = path.name.split("-", 1)[0]
        for old in path.parent.glob(f"{face}-*.marshal"):  # tables of a replaced font or older reportlab
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, ValueError):
        pass


def _from_cache(face: Face, data: bytes, path: Path) -> TTFont | None:
    """The font rebuilt from cached tables, or ``None`` (no cache yet, unreadable, another layout)."""
    try:
        state: dict[str, Any] = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    try:
        from weakref import WeakKeyDictionary

        from reportlab import rl_config
        from reportlab.pdfbase.ttfonts import TTEncoding, TTFNameBytes, TTFont, TTFontFace

        for k in _NAMES:
            if isinstance(state.get(k), str):
                state[k] = TTFNameBytes(state[k].encode("utf8"))
        tt_face = TTFontFace.__new__(TTFontFace)
        tt_face.__dict__.update(state)
        tt_face._ttf_data = data
        tt_face.glyphToChar = {}
        upem = state["unitsPerEm"]
        tt_face._pdfScale = (lambda x: x) if upem == 1000 else (lambda x, m=1000 / upem: x * m)
        font = TTFont.__new__(TTFont)
        font.fontName = face.name
        font.face = tt_face
        font.encoding = TTEncoding()
        font.state = WeakKeyDictionary()
        font._asciiReadable = rl_config.ttfAsciiReadable
        font.shapable = True
        return font
    except (KeyError, AttributeError, TypeError):
        return None


def covered(face: Face = HEI) -> frozenset[int] | dict[int, int]:
    """Code points the face maps to a glyph (its cmap, from the one parse)."""
    return load(face).face.charToGlyph


_CHARS: dict[str, frozenset[str]] = {}


def _chars(face: Face) -> frozenset[str]:
    """The face's characters as strings (plus tab and newline), so a whole text is checked at C speed."""
    chars = _CHARS.get(face.name)
    if chars is None:
        chars = _CHARS[face.name] = frozenset(map(chr, covered(face))) | {"\n", "\t"}
    return chars


class Coverage:
    """Makes strings printable and remembers the characters it had to replace."""

    def __init__(self) -> None:
        self.missing: set[str] = set()

    def printable(self, text: str) -> str:
        """``text`` with every character the fallback face (Micro Hei) lacks replaced."""
        if _chars(HEI).issuperset(text):
            return text
        cmap = covered(HEI)
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

    def runs(self, text: str, face: Face) -> list[tuple[str, str]]:
        """``text`` (made printable) cut into (face name, text) runs: each character in the first face of
        ``face``'s fallback chain that has it."""
        text = self.printable(text)
        if _chars(face).issuperset(text):
            return [(face.name, text)] if text else []
        chain = [face]
        while chain[-1].fallback:
            chain.append(FACES[chain[-1].fallback])
        maps = [covered(f) for f in chain]
        out: list[tuple[str, str]] = []
        for ch in text:
            name = next((f.name for f, m in zip(chain, maps, strict=True) if ord(ch) in m or ch in "\n\t"),
                        chain[-1].name)
            if out and out[-1][0] == name:
                out[-1] = (name, out[-1][1] + ch)
            else:
                out.append((name, ch))
        return out

    def warning(self) -> str | None:
        if not self.missing:
            return None
        chars = "".join(sorted(self.missing))
        return f"字体缺少{len(self.missing)}个字符（{chars}），打印时以“{STAND_IN}”代替，请核对"
