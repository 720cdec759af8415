"""Read a filled official template (.xlsx laid out like 附件1/附件2, 附件3 sheets too) into a packet; the
附件4 sheet and the file properties written by :mod:`app.export.xlsx` are read back as well.

The reader finds the forms by their printed labels (from :mod:`app.domain.forms`), not by fixed cell
addresses, so it reads the official template as clerks fill it and what :mod:`app.export.xlsx` writes.
Every cell it cannot read is reported at once (sheet, row, column) in one :class:`PackageError`.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.domain.forms import basic as basic_form
from app.domain.forms import project as project_form
from app.domain.forms import report as report_form
from app.domain.forms import self_eval as self_eval_form
from app.domain.model import (
    Building,
    Indicator,
    Packet,
    Project,
    ProjectFunds,
    ProjectLine,
    SubLine,
    Target,
)
from app.domain.numbers import Kind, Raw, parse_number
from app.domain.package import PackageError, Problem

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


def _apply_settings(packet: Packet, settings: dict[str, str]) -> None:
    """Settings this program's export keeps in the file properties (a hand-filled template has none)."""
    from app.domain.forms.self_eval import LAYOUTS
    from app.domain.model import Band, ScoringRule
    from app.domain.scoring import RULE_KINDS

    if settings.get("template") in LAYOUTS:
        packet.template = settings["template"]
    try:
        rule = json.loads(settings.get("scoring_rule", "null"))
    except ValueError:
        return
    if not isinstance(rule, dict) or rule.get("kind") not in RULE_KINDS:
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
# The forms
# ---------------------------------------------------------------------------------------------------

_YEAR_TITLE = re.compile(r"(\d{4})年度")
_LEVEL1 = re.compile(r"^(.*?)[（(]\s*([0-9.]+)\s*分\s*[)）]\s*$")
_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")


def _year_of(sheet: _Sheet) -> int | None:
    for (r, _c), v in sorted(sheet.values.items()):
        if r > 6 or not isinstance(v, str):
            continue
        m = _YEAR_TITLE.search(v)
        if m:
            return int(m.group(1))
    return None


def _kind_of(sheet: _Sheet) -> str | None:
    labels = {norm(v) for (r, _), v in sheet.values.items() if isinstance(v, str) and r <= 12}
    joined = "|".join(labels)
    if "整体支出绩效自评报告" in joined and _role_column(sheet):
        return "report"  # first: the report's opening paragraphs may quote any form's name
    if "基础数据表" in joined or any(norm(basic_form.FUNDS_HEADER) in x for x in labels):
        return "basic"
    if norm(project_form.NAME_LABEL) in joined or "项目支出绩效自评表" in joined:
        return "project"
    if "部门整体支出绩效自评表" in joined or norm(self_eval_form.UNIT_LABEL) in joined:
        return "self_eval"
    return None


def _fund_label(text: str) -> str:
    t = norm(text)
    t = re.sub(r"^\d+[、.．]", "", t)
    t = t.removeprefix("其中")
    return t


_FUND_LABELS = {_fund_label(spec.label): spec for spec in basic_form.FUND_ROWS}


def _read_basic(sheet: _Sheet, packet: Packet) -> None:
    b = packet.basic
    year = packet.year
    # 财政供养人员情况
    for col in basic_form.STAFF_COLUMNS:
        label = norm(col.title(year)).removeprefix(str(year) + "年")
        pos = sheet.find_label(label, suffix=True)
        if pos is None:
            sheet.problems.append(Problem(f"工作表“{sheet.name}”", f"找不到“{col.title(year)}”栏"))
            continue
        r, c = pos
        value = sheet.number(r + 1, c, col.kind, stated=col.computed)
        setattr(b.staff, col.key, value)
    # 经费控制情况
    head = sheet.find(lambda t: t.startswith(norm(basic_form.FUNDS_HEADER)[:6]))
    if head is None:
        sheet.problems.append(Problem(f"工作表“{sheet.name}”", f"找不到“{basic_form.FUNDS_HEADER}”表头"))
        return
    hr = head[0]
    cols: dict[str, int] = {}
    for c, v in sheet.row_cells(hr):
        t = norm(str(v))
        for col in basic_form.FUND_COLUMNS:
            if t == norm(col.title(year)):
                cols[col.key] = c
    if len(cols) < 3:
        found = [str(v) for _, v in sheet.row_cells(hr)]
        expected = f"{year - 1}年决算数/{year}年预算数/{year}年决算数"
        sheet.problems.append(Problem(sheet.where(hr, head[1]), f"经费表头应为{expected}，实际为“{'、'.join(found)}”"))
        return
    label_col = head[1]
    in_projects = False
    end = sheet.find(lambda t: t.startswith("楼堂馆所"), range(hr + 1, sheet.max_row + 1))
    last = end[0] if end else sheet.max_row + 1
    for r in range(hr + 1, last):
        raw_label = sheet.text(r, label_col)
        if not raw_label:
            continue
        spec = _FUND_LABELS.get(_fund_label(raw_label))
        if spec is not None:
            in_projects = spec.expands_project_lines
            row = b.funds[spec.key]
            for key, c in cols.items():
                if spec.no_prior and key == "prior":
                    continue
                setattr(row, key, sheet.number(r, c, Kind.MONEY, stated=bool(spec.parts or spec.expands_project_lines)))
            continue
        if in_projects:
            values = {key: sheet.number(r, c, Kind.MONEY, stated=True) for key, c in cols.items()}
            name = sheet.text(r, label_col)
            if sheet.indent(r, label_col) >= 2 and b.project_lines:
                b.project_lines[-1].lines.append(SubLine(name=name, **values))
            else:
                plain = re.sub(r"^\d+[、.．]", "", norm(name))
                kind = {"业务工作经费": "business", "运行维护经费": "operation"}.get(plain, "special")
                b.project_lines.append(ProjectLine(name=name, kind=kind, prior=values.get("prior"),
                                                   budget=values.get("budget"), actual=values.get("actual")))
        else:
            sheet.problems.append(Problem(sheet.where(r, label_col), f"无法识别的经费行“{raw_label}”"))
    if end is not None:
        _read_buildings(sheet, packet, end)
    aus = sheet.find(lambda t: t == norm(basic_form.AUSTERITY_LABEL))
    if aus is not None:
        cells = [v for c, v in sheet.row_cells(aus[0]) if c > aus[1]]
        b.austerity = str(cells[0]).strip() if cells else ""


def _read_buildings(sheet: _Sheet, packet: Packet, head: tuple[int, int]) -> None:
    hr, hc = head
    m = re.search(r"(\d{4})年", sheet.text(hr, hc))
    completed = int(m.group(1)) if m else packet.year - 2
    cols: dict[str, int] = {}
    for c, v in sheet.row_cells(hr):
        t = norm(str(v))
        for col in basic_form.BUILDING_COLUMNS:
            if t.startswith(norm(col.label)[:4]):
                cols.setdefault(col.key, c)
    stop = sheet.find(lambda t: t == norm(basic_form.AUSTERITY_LABEL), range(hr + 1, sheet.max_row + 1))
    for r in range(hr + 1, stop[0] if stop else min(hr + 50, sheet.max_row + 1)):
        values: dict[str, Raw] = {}
        for col in basic_form.BUILDING_COLUMNS:
            if col.key in cols:
                values[col.key] = sheet.number(r, cols[col.key], col.kind, stated=col.computed)
        if any(v is not None for v in values.values()):
            packet.basic.buildings.append(Building(completed_year=completed, **values))


def _header_cols(sheet: _Sheet, r: int, labels: dict[str, str]) -> dict[str, int]:
    """Columns of a heading row: key → column of the cell whose text is that label."""
    out: dict[str, int] = {}
    for c, v in sheet.row_cells(r):
        t = norm(str(v))
        for key, label in labels.items():
            if t == norm(label) and key not in out:
                out[key] = c
    return out


def _texts_after(sheet: _Sheet, r: int, c0: int, n: int) -> list[str]:
    return [str(v).strip() for c, v in sheet.row_cells(r) if c > c0][:n]


def _read_targets(sheet: _Sheet, rows: range) -> tuple[list[Target], int | None]:
    head = sheet.find(lambda t: t == norm(self_eval_form.TARGET_COLUMNS[0].label), rows)
    if head is None:
        return [], None
    hr = head[0]
    cols = _header_cols(sheet, hr, {c.key: c.label for c in self_eval_form.TARGET_COLUMNS})
    ind = sheet.find(lambda t: t == norm(self_eval_form.INDICATOR_COLUMNS[0].label), range(hr + 1, sheet.max_row + 1))
    end = ind[0] if ind else sheet.max_row + 1
    targets: list[Target] = []
    for r in range(hr + 1, end):
        expected = sheet.text(r, cols["expected"]) if "expected" in cols else ""
        actual = sheet.text(r, cols["actual"]) if "actual" in cols else ""
        if expected or actual:
            targets.append(Target(expected=expected, actual=actual))
    return targets, end


def _read_indicators(sheet: _Sheet, start: int | None) -> tuple[list[Indicator], Raw]:
    """The 绩效指标 tree; merged 一级/二级 cells carry down.  Returns (indicators, stated 总分)."""
    head = sheet.find(lambda t: t == norm(self_eval_form.INDICATOR_COLUMNS[0].label),
                      range(start or 1, sheet.max_row + 1))
    if head is None:
        return [], None
    hr = head[0]
    cols = _header_cols(sheet, hr, {c.key: c.label for c in self_eval_form.INDICATOR_COLUMNS})
    out: list[Indicator] = []
    level1, level1_weight, level2 = "", None, ""
    total: Raw = None
    for r in range(hr + 1, sheet.max_row + 1):
        first = [str(v) for c, v in sheet.row_cells(r) if c <= cols.get("name", 3)]
        if any(norm(x) == norm(self_eval_form.TOTAL_LABEL) for x in first):
            if "score" in cols:
                total = sheet.number(r, cols["score"], Kind.SCORE, stated=True)
            break
        if any(_fund_label(x).startswith(norm(report_form.FOOTER_LABELS[0][1])) for x in first):
            break
        l1 = sheet.text(r, cols["level1"]) if "level1" in cols else ""
        if l1:
            m = _LEVEL1.match(unicodedata.normalize("NFKC", l1).replace(" ", ""))
            level1, level1_weight = (m.group(1), m.group(2)) if m else (l1, None)
            level2 = ""
        l2 = sheet.text(r, cols["level2"]) if "level2" in cols else ""
        if l2:
            level2 = l2
        values = {key: sheet.text(r, cols[key]) if key in cols else "" for key in ("name", "target", "actual",
                                                                                      "deviation")}
        weight = sheet.number(r, cols["weight"], Kind.SCORE) if "weight" in cols else None
        score = sheet.number(r, cols["score"], Kind.SCORE) if "score" in cols else None
        if not any(values.values()) and weight is None and score is None:
            continue
        if not level1:
            sheet.problems.append(Problem(sheet.where(r, cols.get("level1", 1)), "三级指标缺少所属的一级指标"))
        out.append(Indicator(level1=level1, level1_weight=level1_weight, level2=level2, weight=weight, score=score,
                             **values))
    return out, total


def _score_rule_from(sheet: _Sheet, r: int, c: int, packet: Packet) -> None:
    """Our own export writes the scoring rule into the 得分 formula; recover it when it is there."""
    formula = sheet.formulas.get((r, c))
    if formula is None:
        return
    m = re.search(r"MAX\(0,[A-Z]+\d+-([0-9.]+)\*", formula)
    if m:
        packet.scoring_rule.kind = "deduct_per_point"
        packet.scoring_rule.k = m.group(1)
    elif "MIN(" in formula:
        packet.scoring_rule.kind = "proportional"


def _read_self_eval(sheet: _Sheet, packet: Packet) -> None:
    s = packet.self_eval
    pos = sheet.find(lambda t: t.endswith(norm(self_eval_form.UNIT_LABEL)))
    if pos is not None:
        texts = _texts_after(sheet, pos[0], pos[1], 1)
        if texts and not packet.unit.name:
            packet.unit.name = texts[0]
    head = sheet.find(lambda t: t == norm(self_eval_form.FUNDS_COLUMNS[0].label))
    if head is None:
        sheet.problems.append(Problem(f"工作表“{sheet.name}”", "找不到“年初预算数”表头"))
        return
    cols = _header_cols(sheet, head[0], {c.key: c.label for c in self_eval_form.FUNDS_COLUMNS})
    row = sheet.find(lambda t: t == norm(self_eval_form.FUNDS_ROW_LABEL), range(head[0] + 1, head[0] + 4))
    if row is not None:
        r = row[0]
        for col in self_eval_form.FUNDS_COLUMNS:
            if col.key in cols:
                setattr(s, col.key, sheet.number(r, cols[col.key], col.kind, stated=col.computed))
        if "score" in cols:
            _score_rule_from(sheet, r, cols["score"], packet)
    for labels, store in ((self_eval_form.INCOME_LABELS, s.income), (self_eval_form.SPENDING_LABELS, s.spending)):
        for key, label in labels.items():
            store[key] = _labelled_number(sheet, label)
    targets, end = _read_targets(sheet, range(head[0], sheet.max_row + 1))
    s.targets = targets
    s.indicators, s.total_score = _read_indicators(sheet, end)


def _labelled_number(sheet: _Sheet, label: str) -> Raw:
    """附件2 income/spending: the figure is in the label's own cell ("其他资金：16.02", the official form)
    or in the next cell to the right (this program's export)."""
    want = _fund_label(label)
    for (r, c), v in sorted(sheet.values.items()):
        if not isinstance(v, str):
            continue
        t = _fund_label(v)
        if not t.startswith(want):
            continue
        plain = unicodedata.normalize("NFKC", v)
        rest = plain.rsplit(":", 1)[-1].strip() if ":" in plain else ""
        if rest:
            parsed = parse_number(rest, Kind.MONEY)
            if parsed.error:
                sheet.problems.append(Problem(sheet.where(r, c), parsed.error))
                return None
            return rest
        right = [(cc, vv) for cc, vv in sheet.row_cells(r) if cc > c]
        if right and not (isinstance(right[0][1], str) and re.search("[:：]", right[0][1])):
            return sheet.number(r, right[0][0], Kind.MONEY)
        return None  # the neighbour is the next label (“项目支出：949.09”): this one is blank
    return None


def _read_project(sheet: _Sheet, packet: Packet) -> None:
    proj = Project()
    for label, attr in ((project_form.NAME_LABEL, "name"), (project_form.SUPERVISOR_LABEL, "supervisor"),
                        (project_form.IMPLEMENTER_LABEL, "implementer")):
        pos = sheet.find_label(norm(label))
        if pos is not None:
            texts = _texts_after(sheet, pos[0], pos[1], 1)
            value = texts[0] if texts and norm(texts[0]) not in (norm(project_form.IMPLEMENTER_LABEL),) else ""
            setattr(proj, attr, value)
    head = sheet.find(lambda t: t == norm(project_form.FUND_COLUMNS[0].label))
    if head is None:
        sheet.problems.append(Problem(f"工作表“{sheet.name}”", "找不到“年初预算数”表头"))
        return
    cols = _header_cols(sheet, head[0], {c.key: c.label for c in (*project_form.FUND_COLUMNS,
                                                                  *project_form.SCORE_COLUMNS)})
    for row_key, label in project_form.FUND_ROW_LABELS.items():
        pos = sheet.find_label(norm(label), range(head[0] + 1, head[0] + 6))
        if pos is None and label.startswith("其中："):
            pos = sheet.find_label(norm(label.removeprefix("其中：")), range(head[0] + 1, head[0] + 6))
        if pos is None:
            continue
        r = pos[0]
        funds = ProjectFunds(**{col.key: sheet.number(r, cols[col.key], Kind.MONEY, stated=row_key == "total")
                                for col in project_form.FUND_COLUMNS if col.key in cols})
        proj.funds[row_key] = funds
        if row_key == "total":
            for col in project_form.SCORE_COLUMNS:
                if col.key in cols:
                    setattr(proj, col.key, sheet.number(r, cols[col.key], col.kind, stated=col.computed))
            if "score" in cols:
                _score_rule_from(sheet, r, cols["score"], packet)
    proj.targets, end = _read_targets(sheet, range(head[0], sheet.max_row + 1))
    proj.indicators, proj.total_score = _read_indicators(sheet, end)
    packet.projects.append(proj)


def _read_footer(sheet: _Sheet, packet: Packet) -> None:
    fields = dict(report_form.FOOTER_LABELS)
    for (_r, _c), v in sheet.values.items():
        if not isinstance(v, str):
            continue
        text = unicodedata.normalize("NFKC", v).strip()
        for key, label in fields.items():
            lab = unicodedata.normalize("NFKC", label)
            if text.startswith(lab) and key != "head":
                value = text[len(lab):].strip()
                m = _DATE.match(value)
                if key == "date" and m:
                    value = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
                if value and not getattr(packet.unit, key):
                    setattr(packet.unit, key, value)


def _role_column(sheet: _Sheet) -> int | None:
    """The hidden column of row roles in our 附件4 export: I (since the report's tables are ruled tables
    over columns A–H), B in earlier exports."""
    for col in (9, 2):
        if any(v == "章" for (_r, c), v in sheet.values.items() if c == col):
            return col
    return None


def _read_report(sheet: _Sheet, packet: Packet) -> None:
    """附件4 as this program's export writes it: row roles in a hidden column (章 title, 文 paragraph)."""
    from app.domain.model import ReportSection

    sections: list[ReportSection] = []
    role_col = _role_column(sheet) or 2
    for r in range(1, sheet.max_row + 1):
        role = sheet.text(r, role_col)
        text = str(sheet.get(r, 1) or "")
        if role == "章":
            sections.append(ReportSection(title=text.strip()))
        elif role == "文" and sections:
            para = text.lstrip("\u3000 ").rstrip()
            sections[-1].text = f"{sections[-1].text}\n{para}" if sections[-1].text else para
    packet.report.sections = sections


def _iter_kinds(sheets: list[_Sheet]) -> Iterator[tuple[str, _Sheet]]:
    for sheet in sheets:
        kind = _kind_of(sheet)
        if kind:
            yield kind, sheet


def read_template_file(path: str | Path) -> Packet:
    """Read a filled official template; raises :class:`PackageError` listing every unreadable cell."""
    p = Path(path)
    source = str(path)
    check_container(p, source)
    sheets, settings = _load(p, source)
    forms = list(_iter_kinds(sheets))
    if not any(kind in ("basic", "self_eval") for kind, _ in forms):
        missing = "没有找到附件1 基础数据表或附件2 部门整体支出绩效自评表（请使用官方模板）"
        raise PackageError(source, [Problem("", missing)])
    packet = Packet()
    packet.basic.project_lines = []
    years = [y for _, sheet in forms if (y := _year_of(sheet)) is not None]
    if not years:
        raise PackageError(source, [Problem("", "表头中找不到年度（如“2024年度…”）")])
    packet.year = years[0]
    problems: list[Problem] = []
    readers = {"basic": _read_basic, "self_eval": _read_self_eval, "project": _read_project, "report": _read_report}
    for kind, sheet in forms:
        readers[kind](sheet, packet)
        _read_footer(sheet, packet)
        problems += sheet.problems
    if any(ind.level1 == "成本指标" for ind in packet.self_eval.indicators):
        packet.template = "cost_level1"  # 成本指标 as its own 一级 (seed 004)
    _apply_settings(packet, settings)
    if problems:
        raise PackageError(source, problems)
    return packet
