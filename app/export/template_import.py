"""Read a filled official template (.xlsx laid out like 附件1/附件2, 附件3 sheets too) into a packet; the
附件4 sheet and the file properties written by :mod:`app.export.xlsx` are read back as well.

The reader finds the forms by the headings and labels their template pack declares (the pack named in the
file properties, else the pack the sheets look like; see :mod:`app.export.template_match`), not by fixed
cell addresses, so it reads the official template as clerks fill it and what :mod:`app.export.xlsx` writes,
for any pack.  Every cell it cannot read is reported at once (sheet, row, column).

A derived cell holding a formula (控制率, sums, 执行率, 得分, 总分) is not a stated figure: the packet
recomputes it.  A derived cell holding a plain value is the clerk's stated figure and is kept, so that
``perfeval check`` can compare it with the computed one.

The file comes from outside (e-mail, USB stick), so it is checked before openpyxl sees it: zip entry
count, sizes and compression ratio (zip bombs), DOCTYPE/ENTITY declarations in any XML part (entity
expansion, external entities), and the number of rows/cells of every sheet.
"""

from __future__ import annotations

import json
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.model import Packet
from app.domain.numbers import Kind, Raw, parse_number
from app.domain.package import PackageError, Problem
from app.domain.packs import Pack

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 60 * 1024 * 1024  # uncompressed size of one part
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed of a part larger than 1 MB
MAX_ROWS = 5000
MAX_COLS = 200
MAX_CELLS = 300_000
_DANGEROUS_XML = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)


# ---------------------------------------------------------------------------------------------------
# Safety checks before openpyxl opens the file
# ---------------------------------------------------------------------------------------------------


def check_container(path: Path, source: str) -> None:
    """Reject files that would exhaust memory or abuse the XML parser, before they are parsed."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise PackageError(source, [Problem("", "文件不存在")]) from None
    except OSError as exc:
        raise PackageError(source, [Problem("", f"无法读取文件（{exc.strerror or exc}）")]) from None
    if path.is_dir():
        raise PackageError(source, [Problem("", "这是一个文件夹，不是Excel文件")])
    if size > MAX_FILE_BYTES:
        raise PackageError(source, [Problem("", f"文件过大（{size // 1024 // 1024} MB），不是填好的绩效自评模板")])
    if not zipfile.is_zipfile(path):
        raise PackageError(source, [Problem("", "不是Excel（.xlsx）文件，或文件已损坏"
                                                "（旧版.xls请先在Excel/WPS中另存为.xlsx）")])
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ENTRIES:
                raise _refuse(source, f"压缩包内文件过多（{len(infos)}个）")
            total = 0
            for info in infos:
                total += info.file_size
                if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES:
                    raise _refuse(source, f"解压后过大（{info.filename}），可能是恶意文件（压缩炸弹）")
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise _refuse(source, f"压缩比异常（{info.filename}），可能是恶意文件（压缩炸弹）")
            if "xl/workbook.xml" not in zf.namelist():
                raise PackageError(source, [Problem("", "不是Excel工作簿（缺少 xl/workbook.xml）")])
            for info in infos:
                name = info.filename.lower()
                if not (name.endswith(".xml") or name.endswith(".rels") or name.endswith(".vml")):
                    continue
                # zipfile never inflates past the declared (already bounded) size
                data = zf.read(info)
                if _DANGEROUS_XML.search(data):
                    raise _refuse(source, f"{info.filename} 含有DOCTYPE/ENTITY声明，出于安全原因拒绝读取")
                if name.startswith("xl/worksheets/sheet"):
                    rows = data.count(b"<row ") + data.count(b"<row>")
                    cells = data.count(b"<c ") + data.count(b"<c>")
                    if rows > MAX_ROWS or cells > MAX_CELLS:
                        raise _refuse(source, f"工作表过大（{rows}行、{cells}个单元格），不是绩效自评模板")
    except PackageError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise PackageError(source, [Problem("", f"Excel文件已损坏，无法读取（{exc}）")]) from None


def _refuse(source: str, message: str) -> PackageError:
    return PackageError(source, [Problem("", message)])


# ---------------------------------------------------------------------------------------------------
# A sheet as label → cells
# ---------------------------------------------------------------------------------------------------


def norm(text: str) -> str:
    """A label as compared: NFKC, no spaces, no colons, ASCII quotes/brackets unified."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t)
    for a, b in (("“", '"'), ("”", '"'), ("(", "（"), (")", "）")):
        t = t.replace(unicodedata.normalize("NFKC", a), b)
    return t.replace(":", "").replace('"', "").replace("（", "(").replace("）", ")")


@dataclass
class _Sheet:
    name: str
    values: dict[tuple[int, int], Any]  # (row, col) → value (cached value for formulas)
    formulas: dict[tuple[int, int], str]  # (row, col) → formula text
    indents: dict[tuple[int, int], float]
    max_row: int
    max_col: int
    problems: list[Problem] = field(default_factory=list)

    def get(self, r: int, c: int) -> Any:
        return self.values.get((r, c))

    def text(self, r: int, c: int) -> str:
        v = self.get(r, c)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v).strip()

    def where(self, r: int, c: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"工作表“{self.name}”{get_column_letter(c)}{r}（第{r}行第{c}列）"

    def find(self, pred: Callable[[str], bool], rows: range | None = None) -> tuple[int, int] | None:
        for r, c in sorted(self.values, key=lambda rc: rc):
            if rows is not None and r not in rows:
                continue
            v = self.values[(r, c)]
            if isinstance(v, str) and pred(norm(v)):
                return r, c
        return None

    def find_label(self, label: str, rows: range | None = None, *, suffix: bool = False) -> tuple[int, int] | None:
        """The first cell whose normalized text equals (or ends with) ``label`` (already normalized)."""
        if suffix:
            return self.find(lambda t: t.endswith(label), rows)
        return self.find(lambda t: t == label, rows)

    def row_cells(self, r: int) -> list[tuple[int, Any]]:
        return sorted((c, v) for (rr, c), v in self.values.items() if rr == r and v is not None and v != "")

    def number(self, r: int, c: int, kind: Kind, *, stated: bool = False) -> Raw:
        """The raw figure of a cell (None when blank); unreadable text is recorded as a problem.

        ``stated``: a derived cell: a formula means "computed", not a stated figure."""
        if stated and (r, c) in self.formulas:
            return None
        v = self.get(r, c)
        if v is None and (r, c) in self.formulas:
            self.problems.append(Problem(self.where(r, c), "公式没有保存计算结果，请在Excel/WPS中打开并保存后再导入"))
            return None
        if v is None or v == "":
            return None
        if isinstance(v, bool):
            self.problems.append(Problem(self.where(r, c), f"“{v}”不是数字"))
            return None
        if isinstance(v, int | float):
            raw: Raw = _plain_number(v)
        else:
            raw = str(v).strip()
        parsed = parse_number(raw, kind)
        if parsed.error:
            self.problems.append(Problem(self.where(r, c), parsed.error))
            return None
        if parsed.value is None:
            return None
        return raw

    def indent(self, r: int, c: int) -> int:
        level = self.indents.get((r, c), 0)
        raw = self.get(r, c)
        spaces = len(raw) - len(raw.lstrip(" \u3000\t")) if isinstance(raw, str) else 0
        if level >= 4 or spaces >= 6:
            return 2
        return 1 if level >= 1 or spaces >= 2 else 0


def _plain_number(v: float | int) -> str:
    if isinstance(v, int):
        return str(v)
    if v.is_integer():
        return str(int(v))
    return repr(v)  # shortest round-trip text: 11.72, not 11.7199999


def _load(path: Path, source: str) -> tuple[list[_Sheet], dict[str, str]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about unknown extensions/data validation
        try:
            wb_f = openpyxl.load_workbook(path, data_only=False)
            wb_v = openpyxl.load_workbook(path, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise PackageError(source, [Problem("", f"Excel文件无法读取（{type(exc).__name__}）")]) from None
    sheets: list[_Sheet] = []
    for ws_f in wb_f.worksheets:
        ws_v = wb_v[ws_f.title]
        if ws_f.max_row > MAX_ROWS or ws_f.max_column > MAX_COLS:
            raise _refuse(source, f"工作表“{ws_f.title}”过大（{ws_f.max_row}行×{ws_f.max_column}列）")
        values: dict[tuple[int, int], Any] = {}
        formulas: dict[tuple[int, int], str] = {}
        indents: dict[tuple[int, int], float] = {}
        for row in ws_f.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                key = (cell.row, cell.column)
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                    formulas[key] = str(cell.value)
                    values[key] = ws_v.cell(cell.row, cell.column).value
                else:
                    values[key] = cell.value
                if cell.alignment is not None and cell.alignment.indent:
                    indents[key] = cell.alignment.indent
        sheets.append(_Sheet(ws_f.title, values, formulas, indents, ws_f.max_row, ws_f.max_column))
    settings: dict[str, str] = {}
    for prop in getattr(wb_f, "custom_doc_props", None) or []:
        name, value = getattr(prop, "name", ""), getattr(prop, "value", None)
        if isinstance(name, str) and name.startswith("PerfEval.") and isinstance(value, str):
            settings[name.removeprefix("PerfEval.")] = value
    return sheets, settings


def _apply_settings(packet: Packet, settings: dict[str, str], pack: Pack) -> None:
    """Settings this program's export keeps in the file properties (a hand-filled template has none)."""
    from app.domain.model import Band, ScoringRule
    from app.domain.scoring import EXECUTION_RULES

    catalogue = settings.get("catalogue")
    if catalogue is not None and (catalogue == "" or any(c.key == catalogue for c in pack.catalogues)):
        packet.catalogue = catalogue
    try:
        rule = json.loads(settings.get("scoring_rule", "null"))
    except ValueError:
        return
    if not isinstance(rule, dict) or rule.get("kind") not in EXECUTION_RULES:
        return
    k = rule.get("k")
    bands = rule.get("bands") or []
    if not isinstance(bands, list) or not all(isinstance(b, dict) for b in bands):
        return
    raw = (str, int, float, type(None))
    if not isinstance(k, raw) or isinstance(k, bool):
        return
    if not all(isinstance(b.get("min"), raw) and isinstance(b.get("ratio"), raw) for b in bands):
        return
    packet.scoring_rule = ScoringRule(kind=rule["kind"], k=k,
                                      bands=[Band(min=b.get("min"), ratio=b.get("ratio")) for b in bands])


# ---------------------------------------------------------------------------------------------------
# The forms (matched against a template pack: app.export.template_match)
# ---------------------------------------------------------------------------------------------------


def _chosen_pack(settings: dict[str, str]) -> tuple[Pack | None, str, list[Problem]]:
    """The pack our export named in the file properties (None: detect it), the catalogue an old value
    names (standard/cost_level1), and the problem of a pack this computer does not have."""
    from app.domain import registry

    name = settings.get("template", "")
    if not name:
        return None, "", []
    pack_id, catalogue, problem = registry.resolve_template(name)
    if problem is not None:
        known = "、".join(registry.default().ids()) or "无"
        return None, "", [Problem("", f"此文件按模板“{pack_id}”填写，本机没有这个模板（已有的模板：{known}）")]
    return registry.default().get(pack_id, settings.get("template_version", "")), catalogue, []


def read_template(path: str | Path) -> tuple[Packet | None, list[Problem]]:
    """Read a filled template (or this program's Excel export) on the pack it names or looks like.

    Returns the packet (None when the file holds no form of any pack) and every problem: each unreadable
    cell with its sheet, row and column; those cells are left blank in the packet."""
    p = Path(path)
    source = str(path)
    try:
        check_container(p, source)
        sheets, settings = _load(p, source)
    except PackageError as exc:
        return None, exc.problems
    from app.domain import registry
    from app.domain.shape import materialize
    from app.export.template_match import read_workbook

    chosen, catalogue, problems = _chosen_pack(settings)
    if problems:
        return None, problems
    packet, problems = read_workbook(sheets, registry.default().all(), chosen)
    if packet is None:
        return None, problems
    packet.catalogue = packet.catalogue or catalogue
    pack = registry.default().get(packet.template, packet.template_version)
    _apply_settings(packet, settings, pack)
    return materialize(pack, packet), problems


def read_template_file(path: str | Path) -> Packet:
    """Read a filled official template; raises :class:`PackageError` listing every unreadable cell."""
    packet, problems = read_template(path)
    if problems or packet is None:
        raise PackageError(str(path), problems or [Problem("", "无法读取")])
    return packet
