"""The cells of an .xlsx file from outside (USB stick, e-mail), read without trusting anything in it.

A filled template is a zip of XML parts.  A hostile one can lie about its sizes (a 2 MB zip inflating to
gigabytes), hide a million rows behind a namespace prefix (``<x:row>``), declare XML entities, or simply be
large enough that a whole-workbook parser takes minutes.  So this reader:

- refuses anything that is not a regular file, or larger than :data:`MAX_FILE_BYTES`, before opening it;
- bounds the zip's central directory and entry count before :mod:`zipfile` parses it;
- reads only the parts it needs (workbook, its relationships, shared strings, styles, worksheets, custom
  properties), each through a stream that counts the bytes actually inflated and stops at
  :data:`MAX_PART_BYTES` / :data:`MAX_TOTAL_BYTES` and at an inflation ratio above :data:`MAX_RATIO`: the sizes
  the zip declares are checked too, but never trusted;
- parses with expat callbacks (no tree is built), refusing any DOCTYPE or ENTITY declaration, and counts rows,
  cells and elements as they stream by, whatever namespace prefix they carry, stopping at the limits;
- keeps a cell's formula and its cached result from one pass (the file is read once).

Values come back as openpyxl gives them (str, int, float, bool, an error text such as ``#DIV/0!``), except that a
number formatted as a date stays a number (no form cell of the templates is a date).  Time and memory are linear in
the (bounded) input: see docs/benchmarks.md for the hostile files measured.
Errors are :class:`XlsxRefused` with a Chinese message; the caller adds the file name.
"""

from __future__ import annotations

import posixpath
import re
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_CENTRAL_DIRECTORY = 1024 * 1024  # ≈ 2000 entries with long names
MAX_DECLARED_ENTRY = 60 * 1024 * 1024  # what an entry may claim (unread entries are judged by this alone)
MAX_DECLARED_TOTAL = 200 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024  # actually inflated, per part read
MAX_TOTAL_BYTES = 64 * 1024 * 1024  # actually inflated, all parts read
MAX_RATIO = 200  # inflated / compressed, for a part past 1 MB (real sheets compress ≈ 10-30:1)
MAX_SHEETS = 500
MAX_ROWS = 5000  # per sheet: a filled template has a few hundred
MAX_COLS = 200
MAX_CELLS = 100_000  # in the whole workbook, empty styled ones included (a packet with 100 projects has ≈ 20,000)
MAX_ELEMENTS = 1_000_000  # XML elements in all parts read: cells, rows, and whatever else a file stuffs in
MAX_STRINGS = 100_000  # entries of the shared-string table
MAX_TEXT = 100_000  # characters of one cell (Excel itself holds 32,767)
_CHUNK = 64 * 1024

_NS_SEP = "}"
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class XlsxRefused(Exception):
    """The file is not read; ``str()`` is a Chinese reason fit for the clerk."""


@dataclass
class RawSheet:
    name: str
    values: dict[tuple[int, int], Any] = field(default_factory=dict)  # (row, col) → value or formula's result
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) → "=…"
    styles: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, col) → index into cellXfs
    max_row: int = 1
    max_col: int = 1


@dataclass
class RawWorkbook:
    sheets: list[RawSheet]
    indents: list[float]  # cellXfs index → alignment indent
    properties: dict[str, str]  # custom document properties holding text


def read_workbook(path: Path) -> RawWorkbook:
    """Every worksheet's cells; raises :class:`XlsxRefused` (hostile, damaged or not an .xlsx)."""
    _check_file(path)
    try:
        with path.open("rb") as fh:
            _check_directory(fh)
            with zipfile.ZipFile(fh) as zf:
                return _Reader(zf).read()
    except XlsxRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, RuntimeError) as exc:
        raise XlsxRefused(f"Excel文件已损坏，无法读取（{exc}）") from None
    except OSError as exc:
        raise XlsxRefused(f"无法读取文件（{exc.strerror or exc}）") from None


# --- the container ------------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise XlsxRefused("文件不存在") from None
    except OSError as exc:
        raise XlsxRefused(f"无法读取文件（{exc.strerror or exc}）") from None
    if stat.S_ISDIR(info.st_mode):
        raise XlsxRefused("这是一个文件夹，不是Excel文件")
    if not stat.S_ISREG(info.st_mode):
        raise XlsxRefused("不是普通文件（可能是管道或设备），不能作为Excel文件读取")
    if info.st_size > MAX_FILE_BYTES:
        raise XlsxRefused(f"文件过大（{info.st_size // 1024 // 1024} MB），不是填好的绩效自评模板")
    try:
        ok = zipfile.is_zipfile(path)
    except OSError:
        ok = False
    if not ok:
        raise XlsxRefused("不是Excel（.xlsx）文件，或文件已损坏（旧版.xls请先在Excel/WPS中另存为.xlsx）")


def _check_directory(fh: BinaryIO) -> None:
    """Bound the central directory before zipfile builds one object per entry of it."""
    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # pragma: no cover - every CPython since 2.x has it; the entry count is checked below
        return
    rec = end_record(fh)
    fh.seek(0)
    if not rec:
        raise XlsxRefused("不是Excel（.xlsx）文件，或文件已损坏（找不到压缩包目录）")
    entries, size = rec[getattr(zipfile, "_ECD_ENTRIES_TOTAL", 4)], rec[getattr(zipfile, "_ECD_SIZE", 5)]
    if entries > MAX_ENTRIES or size > MAX_CENTRAL_DIRECTORY:
        raise XlsxRefused(f"压缩包内文件过多（{entries}个），不是绩效自评模板")


def _refuse_bomb(name: str, what: str = "解压后过大") -> XlsxRefused:
    return XlsxRefused(f"{what}（{name}），可能是恶意文件（压缩炸弹）")


class _Reader:
    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.inflated = 0
        self.elements = 0
        self.cells = 0
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise XlsxRefused(f"压缩包内文件过多（{len(infos)}个）")
        declared = 0
        for info in infos:  # cheap first line: what the zip claims
            declared += info.file_size
            if info.file_size > MAX_DECLARED_ENTRY or declared > MAX_DECLARED_TOTAL:
                raise _refuse_bomb(info.filename)
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse_bomb(info.filename, "压缩比异常")
        self.names = {info.filename for info in infos}

    # -- parts ---------------------------------------------------------------------------------------

    def stream(self, name: str) -> Iterator[bytes]:
        """The part's bytes as actually inflated, stopping at the limits whatever the zip declares."""
        info = self.zf.getinfo(name)
        seen = 0
        with self.zf.open(info) as fh:
            while chunk := fh.read(_CHUNK):
                seen += len(chunk)
                self.inflated += len(chunk)
                if seen > MAX_PART_BYTES or self.inflated > MAX_TOTAL_BYTES:
                    raise _refuse_bomb(name)
                if seen > 1024 * 1024 and seen > MAX_RATIO * max(info.compress_size, 1):
                    raise _refuse_bomb(name, "压缩比异常")
                yield chunk

    def parse(self, name: str, handler: _Handler) -> None:
        """Parse a small part (relationships, workbook, styles…) through ``handler``, every element counted."""

        def start(tag: str, attrs: dict[str, str]) -> None:
            self.elements += 1
            if self.elements > MAX_ELEMENTS:
                raise XlsxRefused("文件内容过多（XML元素超过限制），不是绩效自评模板")
            handler.start(_LOCAL.get(tag) or _local(tag), attrs)

        self.parse_raw(name, start, handler.end, handler.text)

    def parse_raw(
        self,
        name: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None],
        text: Callable[[str], None],
    ) -> None:
        """Stream part ``name`` through expat; DOCTYPE and ENTITY declarations are refused."""
        parser = expat.ParserCreate(namespace_separator=_NS_SEP)
        parser.buffer_text = True
        parser.buffer_size = _CHUNK

        def no_dtd(*_args: Any) -> None:
            raise XlsxRefused(f"{name} 含有DOCTYPE/ENTITY声明，出于安全原因拒绝读取")

        parser.StartDoctypeDeclHandler = no_dtd
        parser.EntityDeclHandler = no_dtd
        parser.ExternalEntityRefHandler = no_dtd  # type: ignore[assignment]
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = text
        try:
            for chunk in self.stream(name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise XlsxRefused(f"Excel文件已损坏（{name}：{expat.ErrorString(exc.code)}）") from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target part) of ``part``'s relationships."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if rels not in self.names:
            return found

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                joined = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                found[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(joined))

        self.parse(rels, _Handler(on_start))
        return found

    # -- the workbook --------------------------------------------------------------------------------

    def read(self) -> RawWorkbook:
        root = {t.rsplit("/", 1)[-1]: target for t, target in self.relationships("").values()}
        book = root.get("officeDocument", "xl/workbook.xml")
        if book not in self.names:
            raise XlsxRefused("不是Excel工作簿（缺少 xl/workbook.xml）")
        rels = self.relationships(book)
        listed: list[tuple[str, str]] = []

        def on_sheet(tag: str, attrs: dict[str, str]) -> None:
            if tag == "sheet":
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                listed.append((attrs.get("name", ""), rid))
                if len(listed) > MAX_SHEETS:
                    raise XlsxRefused(f"工作表过多（超过{MAX_SHEETS}个），不是绩效自评模板")

        self.parse(book, _Handler(on_sheet))
        kinds = {rid: (t.rsplit("/", 1)[-1], target) for rid, (t, target) in rels.items()}
        by_kind = {kind: target for kind, target in kinds.values()}
        strings = self.shared_strings(by_kind.get("sharedStrings"))
        indents = self.indents(by_kind.get("styles"))
        sheets: list[RawSheet] = []
        for name, rid in listed:
            kind, target = kinds.get(rid, ("", ""))
            if kind != "worksheet":
                continue  # a chart sheet or a macro sheet holds no form
            if target not in self.names:
                raise XlsxRefused(f"Excel文件已损坏（缺少工作表“{name}”的内容 {target}）")
            sheets.append(self.sheet(name, target, strings))
        return RawWorkbook(sheets, indents, self.properties(root.get("custom-properties")))

    def shared_strings(self, part: str | None) -> list[str]:
        out: list[str] = []
        if part is None or part not in self.names:
            return out
        state = {"depth_rph": 0, "in_t": False}
        buf = _Text()

        def on_start(tag: str, _attrs: dict[str, str]) -> None:
            if tag == "si":
                buf.clear()
            elif tag == "rPh":
                state["depth_rph"] += 1  # phonetic guide (furigana): not part of the text
            elif tag == "t" and not state["depth_rph"]:
                state["in_t"] = True

        def on_end(tag: str) -> None:
            if tag == "si":
                out.append(_unescape(buf.joined()))
                if len(out) > MAX_STRINGS:
                    raise XlsxRefused("共享文字表过大，不是绩效自评模板")
            elif tag == "rPh":
                state["depth_rph"] -= 1
            elif tag == "t":
                state["in_t"] = False

        def on_text(data: str) -> None:
            if state["in_t"]:
                buf.add(data)

        self.parse(part, _Handler(on_start, on_end, on_text))
        return out

    def indents(self, part: str | None) -> list[float]:
        out: list[float] = []
        if part is None or part not in self.names:
            return out
        depth = {"cellXfs": 0}

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "cellXfs":
                depth["cellXfs"] += 1
            elif depth["cellXfs"] and tag == "xf":
                out.append(0.0)
            elif depth["cellXfs"] and tag == "alignment" and out:
                out[-1] = _float(attrs.get("indent"))

        def on_end(tag: str) -> None:
            if tag == "cellXfs":
                depth["cellXfs"] -= 1

        self.parse(part, _Handler(on_start, on_end))
        return out

    def properties(self, part: str | None) -> dict[str, str]:
        out: dict[str, str] = {}
        if part is None or part not in self.names:
            return out
        current: dict[str, Any] = {"name": None, "text": None}

        def on_start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "property":
                current["name"], current["text"] = attrs.get("name"), None
            elif tag in ("lpwstr", "lpstr", "bstr") and current["name"] is not None:
                current["text"] = _Text()

        def on_end(tag: str) -> None:
            if tag == "property":
                if isinstance(current["name"], str) and current["text"] is not None:
                    out[current["name"]] = current["text"].joined()
                current["name"], current["text"] = None, None

        def on_text(data: str) -> None:
            if current["text"] is not None:
                current["text"].add(data)

        self.parse(part, _Handler(on_start, on_end, on_text))
        return out

    def sheet(self, name: str, part: str, strings: list[str]) -> RawSheet:
        """One worksheet's cells.  The handlers are one closure with plain local state: this is the loop a
        hostile file makes long, so it is kept tight."""
        sheet = RawSheet(name)
        values, formulas, styles = sheet.values, sheet.formulas, sheet.styles
        columns: dict[str, int] = {}
        shared: dict[str, str] = {}  # shared-formula index → the master's text
        local = _LOCAL
        budget = MAX_ELEMENTS - self.elements
        cells_left = MAX_CELLS - self.cells
        elements = rows = row = col = 0
        max_row = max_col = 1
        in_cell = False
        ctype = "n"
        style: str | None = None
        into: list[str] | None = None
        text_len = 0
        v_parts: list[str] | None = None
        f_parts: list[str] | None = None
        is_parts: list[str] | None = None
        shared_index: str | None = None
        phonetic = 0

        def start(tag: str, attrs: dict[str, str]) -> None:
            nonlocal elements, rows, row, col, in_cell, ctype, style, into, text_len, v_parts, f_parts, is_parts
            nonlocal shared_index, phonetic, cells_left
            elements += 1
            if elements > budget:
                raise XlsxRefused("文件内容过多（XML元素超过限制），不是绩效自评模板")
            t = local.get(tag) or _local(tag)
            if in_cell:
                if t == "v":
                    into = v_parts = []
                elif t == "f":
                    into = f_parts = []
                    if attrs.get("t") == "shared":
                        shared_index = attrs.get("si")
                elif t == "rPh":
                    phonetic += 1
                elif t == "t" and not phonetic:
                    if is_parts is None:
                        is_parts = []
                    into = is_parts
            elif t == "c":
                cells_left -= 1
                if cells_left < 0:
                    raise XlsxRefused(f"工作簿过大（超过{MAX_CELLS}个单元格），不是绩效自评模板")
                ref = attrs.get("r")
                if ref is None:
                    col += 1
                else:
                    m = _CELL_REF.match(ref)
                    if m is None:
                        raise XlsxRefused(f"Excel文件已损坏（工作表“{name}”的单元格地址“{ref[:20]}”无效）")
                    letters = m.group(1)
                    col = columns.get(letters) or columns.setdefault(letters, _column(letters))
                    row = int(m.group(2))
                if row > MAX_ROWS or col > MAX_COLS:
                    raise XlsxRefused(f"工作表“{name}”过大（{row}行×{col}列），不是绩效自评模板")
                in_cell = True
                ctype = attrs.get("t", "n")
                style = attrs.get("s")
                into = v_parts = f_parts = is_parts = None
                shared_index = None
                text_len = phonetic = 0
            elif t == "row":
                rows += 1
                number = attrs.get("r")
                row = _int(number, "行号") if number is not None else row + 1
                col = 0
                if rows > MAX_ROWS or row > MAX_ROWS:
                    raise XlsxRefused(f"工作表“{name}”过大（超过{MAX_ROWS}行），不是绩效自评模板")

        def end(tag: str) -> None:
            nonlocal in_cell, into, phonetic, max_row, max_col
            if not in_cell:
                return
            t = local.get(tag) or _local(tag)
            if t == "c":
                in_cell = False
                into = None
                key = (max(row, 1), col)
                max_row = max(max_row, key[0])
                max_col = max(max_col, col)
                if style and style != "0":
                    styles[key] = _int(style, "样式编号")
                if f_parts is not None:
                    text = "".join(f_parts)
                    if shared_index is not None:
                        if text:
                            shared[shared_index] = text
                        else:  # a dependent cell of a shared formula: the master's text (enough to tell it is one)
                            text = shared.get(shared_index, "")
                    formulas[key] = "=" + text
                value = _value(ctype, v_parts, is_parts, strings, name)
                if value is not None or f_parts is not None:
                    values[key] = value
            elif t == "rPh":
                phonetic -= 1
            elif t in ("v", "f", "t"):
                into = None

        def text(data: str) -> None:
            nonlocal text_len
            if into is not None:
                text_len += len(data)
                if text_len > MAX_TEXT:
                    raise XlsxRefused(f"单元格文字过长（超过{MAX_TEXT}字），不是绩效自评模板")
                into.append(data)

        self.parse_raw(part, start, end, text)
        self.elements += elements
        self.cells = MAX_CELLS - cells_left
        sheet.max_row, sheet.max_col = max_row, max_col
        return sheet


def _value(ctype: str, v_parts: list[str] | None, is_parts: list[str] | None, strings: list[str], sheet: str) -> Any:
    """A cell's value as openpyxl gives it: str, int, float, bool, an error text; None when empty."""
    if ctype == "inlineStr":
        return _unescape("".join(is_parts)) if is_parts is not None else None
    if v_parts is None:
        return None
    raw = "".join(v_parts)
    if ctype == "s":
        index = _int(raw, "共享文字编号")
        if index >= len(strings):
            raise XlsxRefused(f"Excel文件已损坏（工作表“{sheet}”引用了不存在的共享文字）")
        return strings[index]
    if ctype == "str":
        return _unescape(raw)
    if ctype in ("e", "d"):
        return raw
    if ctype == "b":
        return raw.strip() in ("1", "true")
    number = raw.strip()
    if not number:
        return None
    try:
        return float(number) if ("." in number or "e" in number or "E" in number) else int(number)
    except ValueError:
        raise XlsxRefused(f"Excel文件已损坏（工作表“{sheet}”中的数字“{number[:20]}”无效）") from None


class _Handler:
    def __init__(
        self,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        text: Callable[[str], None] | None = None,
    ) -> None:
        self.start = start
        self._end = end
        self._text = text

    def end(self, tag: str) -> None:
        if self._end is not None:
            self._end(_LOCAL.get(tag) or _local(tag))

    def text(self, data: str) -> None:
        if self._text is not None:
            self._text(data)


def _local(tag: str) -> str:
    """``{namespace}row`` or ``row`` → ``row``: prefixes (``x:row``) never hide an element from the counts."""
    name = tag.rsplit(_NS_SEP, 1)[-1]
    if len(_LOCAL) < 10_000:  # a file inventing names cannot grow the cache without end
        _LOCAL[tag] = name
    return name


_LOCAL: dict[str, str] = {}


def _column(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _int(text: str, what: str) -> int:
    t = text.strip()
    if not (t.isascii() and t.isdigit()) or len(t) > 9:
        raise XlsxRefused(f"Excel文件已损坏（{what}“{t[:20]}”无效）")
    return int(t)


def _float(text: str | None) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        return 0.0


class _Text:
    """Character data of one element, refused past :data:`MAX_TEXT`."""

    __slots__ = ("length", "parts")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, data: str) -> None:
        self.length += len(data)
        if self.length > MAX_TEXT:
            raise XlsxRefused(f"单元格文字过长（超过{MAX_TEXT}字），不是绩效自评模板")
        self.parts.append(data)

    def clear(self) -> None:
        self.parts.clear()
        self.length = 0

    def joined(self) -> str:
        return "".join(self.parts)


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as ``_xHHHH_`` (and a literal ``_x`` as ``_x005F_x``)."""
    if "_x" not in text:
        return text
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def column_letter(col: int) -> str:
    """1 → A, 27 → AA (without importing openpyxl)."""
    out = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out

