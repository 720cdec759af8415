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

import bisect
import functools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.model import Packet
from app.domain.numbers import Kind, Raw, parse_number
from app.domain.package import PackageError, Problem
from app.domain.packs import Pack
from app.export import xlsx_reader
from app.export.xlsx_reader import MAX_CELLS, MAX_COLS, MAX_ROWS, XlsxRefused, column_letter

__all__ = ["MAX_CELLS", "MAX_COLS", "MAX_ROWS", "check_container", "read_template", "read_template_file"]


# ---------------------------------------------------------------------------------------------------
# Loading: the safety checks are in xlsx_reader
# ---------------------------------------------------------------------------------------------------


def check_container(path: Path, source: str) -> xlsx_reader.RawWorkbook:
    """Read the workbook's cells, refusing hostile, damaged or foreign files with a :class:`PackageError`."""
    try:
        return xlsx_reader.read_workbook(path)
    except XlsxRefused as exc:
        raise PackageError(source, [Problem("", str(exc))]) from None


def _refuse(source: str, message: str) -> PackageError:
    return PackageError(source, [Problem("", message)])


# ---------------------------------------------------------------------------------------------------
# A sheet as label → cells
# ---------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)
def norm(text: str) -> str:
    """A label as compared: NFKC, no spaces, no colons, ASCII quotes/brackets unified (cached: readers ask for the
    same cells' labels again and again)."""
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
    # indexes built on first use, so that a lookup per row stays linear in the sheet (not quadratic)
    _index_size: int = field(default=-1, init=False, repr=False, compare=False)
    _order: list[tuple[int, int]] = field(default_factory=list, init=False, repr=False, compare=False)
    _rows: dict[int, list[tuple[int, Any]]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _indexed(self) -> None:
        if self._index_size == len(self.values):
            return
        self._order = sorted(k for k, v in self.values.items() if isinstance(v, str))
        rows: dict[int, list[tuple[int, Any]]] = {}
        for (r, c), v in self.values.items():
            if v is not None and v != "":
                rows.setdefault(r, []).append((c, v))
        for cells in rows.values():
            cells.sort(key=lambda cv: cv[0])
        self._rows = rows
        self._index_size = len(self.values)

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
        return f"工作表“{self.name}”{column_letter(c)}{r}（第{r}行第{c}列）"

    def find(self, pred: Callable[[str], bool], rows: range | None = None) -> tuple[int, int] | None:
        """The first text cell (row by row) whose normalized text satisfies ``pred``."""
        self._indexed()
        keys = self._order
        start = 0
        if rows is not None and rows.step == 1:
            start = bisect.bisect_left(keys, (rows.start, 0))
        for i in range(start, len(keys)):
            r, c = keys[i]
            if rows is not None and r not in rows:
                if rows.step == 1 and r >= rows.stop:
                    break
                continue
            if pred(norm(self.values[(r, c)])):
                return r, c
        return None

    def find_label(self, label: str, rows: range | None = None, *, suffix: bool = False) -> tuple[int, int] | None:
        """The first cell whose normalized text equals (or ends with) ``label`` (already normalized)."""
        if suffix:
            return self.find(lambda t: t.endswith(label), rows)
        return self.find(lambda t: t == label, rows)

    def row_cells(self, r: int) -> list[tuple[int, Any]]:
        self._indexed()
        return list(self._rows.get(r, ()))

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
    book = check_container(path, source)
    sheets: list[_Sheet] = []
    for raw in book.sheets:
        indents: dict[tuple[int, int], float] = {}
        for key, style in raw.styles.items():
            if key in raw.values and 0 <= style < len(book.indents) and book.indents[style]:
                indents[key] = book.indents[style]
        sheets.append(_Sheet(raw.name, raw.values, raw.formulas, indents, raw.max_row, raw.max_col))
    settings = {
        name.removeprefix("PerfEval."): value
        for name, value in book.properties.items()
        if name.startswith("PerfEval.")
    }
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
        sheets, settings = _load(p, source)  # check_container: hostile files are refused before parsing
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
