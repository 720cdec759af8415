"""Hostile .xlsx files for the tests and for benchmarks/xlsx_hostile.py (each returns the path it wrote)."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _content_types(sheets: int) -> str:
    """[Content_Types].xml as Excel writes it, so that openpyxl (the old reader) opens these files too."""
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="{SHEET_TYPE}"/>'
                        for i in range(sheets))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{BOOK_TYPE}"/>{overrides}</Types>'
    )
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _workbook(n: int) -> tuple[str, str]:
    sheets = "".join(f'<sheet name="附件{i + 1}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i in range(n))
    book = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
            f"<sheets>{sheets}</sheets></workbook>")
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{REL}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(n)
    )
    return book, f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL}">{rels}</Relationships>'


def _col(c: int) -> str:
    out = ""
    while c:
        c, rem = divmod(c - 1, 26)
        out = chr(65 + rem) + out
    return out


def sheet_rows(rows: int, cols: int, *, prefix: str = "", title: str = "2024年度部门整体支出绩效评价基础数据表"
               ) -> Iterator[bytes]:
    """A worksheet streamed in pieces: ``rows`` × ``cols`` numbers (``prefix`` "x:" hides the element names)."""
    p = prefix
    ns = f' xmlns:{prefix[:-1]}="{MAIN}"' if prefix else f' xmlns="{MAIN}"'
    yield f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet{ns}><{p}sheetData>'.encode()
    yield f'<{p}row r="1"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>{title}</{p}t></{p}is></{p}c></{p}row>'.encode()
    letters = [_col(c) for c in range(1, cols + 1)]
    for r in range(2, rows + 2):
        cells = "".join(f'<{p}c r="{letters[c]}{r}"><{p}v>{r + c}</{p}v></{p}c>' for c in range(cols))
        yield f'<{p}row r="{r}">{cells}</{p}row>'.encode()
    yield f"</{p}sheetData></{p}worksheet>".encode()


def write_xlsx(path: Path, sheets: list[Iterator[bytes]]) -> Path:
    """A minimal workbook whose worksheets are the given byte streams (deflated as they come)."""
    book, rels = _workbook(len(sheets))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _content_types(len(sheets)))
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        for i, pieces in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as fh:
                for piece in pieces:
                    fh.write(piece)
    return path


def namespaced_million_rows(path: Path) -> Path:
    """1,000,000 (empty) rows spelled ``<x:row>``: a byte count of ``<row`` sees none of them, and the part stays
    under the old reader's 60 MB limit."""
    return write_xlsx(path, [sheet_rows(1_000_000, 0, prefix="x:")])


def wide_sheets(path: Path, sheets: int = 4, rows: int = 4990, cols: int = 60) -> Path:
    """Each sheet inside the per-sheet limits of the old reader; together 1.2 million cells."""
    return write_xlsx(path, [sheet_rows(rows, cols) for _ in range(sheets)])


def lying_sizes(path: Path, inflated: int = 512 * 1024 * 1024) -> Path:
    """A sheet that inflates to ``inflated`` bytes while the zip declares 1,000: the old check trusted the
    declared size (under 1 MB, no ratio check) and openpyxl's parser then took what came."""
    book, rels = _workbook(1)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = next(sheet_rows(0, 0))
    body = [comp.compress(head)]
    filler = b"<!-- " + b" " * (1024 * 1024 - 9) + b" -->"
    for _ in range(inflated // len(filler)):
        body.append(comp.compress(filler))
    body.append(comp.compress(b"</sheetData></worksheet>"))
    body.append(comp.flush())
    data = b"".join(body)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _content_types(1))
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", book)
        zf.writestr("xl/_rels/workbook.xml.rels", rels)
        zf.writestr("xl/worksheets/sheet1.xml", b"x")  # placeholder, replaced below
    return _replace_entry(path, "xl/worksheets/sheet1.xml", data, declared=1000)


def _replace_entry(path: Path, name: str, deflated: bytes, *, declared: int) -> Path:
    """Rewrite the archive with ``name`` holding ``deflated`` while both headers declare ``declared`` bytes."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    out = bytearray()
    central = bytearray()
    for info, content in items:
        raw_name = info.filename.encode()
        if info.filename == name:
            comp, crc, size = deflated, 0, declared
        else:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            comp = c.compress(content) + c.flush()
            crc, size = zlib.crc32(content), len(content)
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(comp), size, len(raw_name), 0)
        out += raw_name + comp
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(comp), size,
                               len(raw_name), 0, 0, 0, 0, 0, offset)
        central += raw_name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(items), len(items), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def many_entries(path: Path, entries: int = 100_000) -> Path:
    """A valid workbook followed by ``entries`` empty files: zipfile would build one object per entry."""
    wide_sheets(path, 1, 2, 2)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as zf:
        for i in range(entries):
            zf.writestr(f"x/{i}", b"")
    return path


def element_flood(path: Path, elements: int = 3_000_000) -> Path:
    """A sheet stuffed with millions of elements that are neither rows nor cells."""

    def pieces() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><extLst>'.encode()
        chunk = b"<a/>" * 10_000
        for _ in range(elements // 10_000):
            yield chunk
        yield b"</extLst><sheetData/></worksheet>"

    return write_xlsx(path, [pieces()])
