"""Template packs: the forms of one publisher (a province, the Ministry of Finance), declared as data.

A pack is a JSON file (``resources/templates/*.json``, or a folder named by ``PERFEVAL_TEMPLATES``, or
``templates/`` in the user's data folder).  It declares the attachments (附件1…), their blocks, rows and typed
columns, the sum (``parts``) and 其中 (``members``) relations, the derived figures, the indicator table's shape,
the scoring rules, the checks, footers and print hints.  The GUI grids, the prints, the Excel formulas, the
template import and the validation are all generated from it (see :mod:`app.domain.layout`,
:mod:`app.domain.plan`, :mod:`app.domain.rules`), so a new province means a new file, not new code.

Reading a pack never raises for bad content: :func:`parse_pack` collects every problem with its place
(``attachments[1].blocks[2].rows[0][3].span``) and raises one :class:`PackError`; ``docs/templates.md`` is the
reference for authors.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.domain.numbers import Kind
from app.domain.paths import PathError, parse_path

FORMAT = "perfeval-pack/1"
PACK_KINDS = ("dept", "project")
SCOPES = ("packet", "project")
ONLY = ("", "screen", "print")
ALIGNS = ("", "left", "center", "right")
#: what a label may say: {year} 2024, {prior_year} 2023, {unit} 单位名称, {name} 项目名称, {n} 项目序号, and the
#: pack's own variables (e.g. {building_year}).
BUILTIN_VARIABLES = ("year", "prior_year", "unit", "name", "n")
SCOPE_ROOT = "$"  # in a project attachment, ``$.funds.total.initial`` is ``projects[N].funds.total.initial``
MAX_PACK_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True)
class PackProblem:
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}：{self.message}" if self.place else self.message


class PackError(Exception):
    """A pack file that cannot be used; the message names the file and every place."""

    def __init__(self, source: str, problems: list[PackProblem]) -> None:
        self.source = source
        self.problems = problems
        head = f"模板文件 {source}：" if source else "模板："
        shown = "；".join(str(p) for p in problems[:4])
        more = f"（另有{len(problems) - 4}处问题）" if len(problems) > 4 else ""
        super().__init__(f"{head}{shown}{more}")


# ---------------------------------------------------------------------------------------------------
# The declared form
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellSpec:
    """One cell of a ``form`` row (or the special cell of a table column)."""

    role: str  # label | header | input | figure | score | blank
    text: str = ""  # label/header text
    ref: str = ""  # input: field path; figure: figure key; score: the scorecard root
    kind: Kind = Kind.TEXT
    span: int = 1
    paragraph: bool = False  # a multi-line text input
    required: bool = False
    align: str = ""
    only: str = ""  # shown on screen only / printed only


@dataclass(frozen=True)
class FormRow:
    cells: tuple[CellSpec, ...]
    only: str = ""
    tall: bool = False  # holds paragraphs: a taller row on screen


@dataclass(frozen=True)
class Column:
    """A typed column of a table, list or indicator table."""

    key: str  # the item's field (``prior``, ``approved_area``, ``nature``…)
    label: str
    kind: Kind = Kind.TEXT
    span: int = 1
    #: a derived column of a list item: ("ratio", (num, den)) or ("product", (a, b)) over the item's own fields
    derive: tuple[str, tuple[str, ...]] | None = None
    stated: bool = False  # a derived column whose figure the clerk may also state (checked, never overwritten)
    #: table columns only: the rows that hold this column (others print ——) and the cell shown there
    rows: tuple[str, ...] = ()
    cell: CellSpec | None = None
    role: str = ""  # indicators: level1, level2, name, weight, score, reason, nature, value, unit, actual…
    paragraph: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    #: table columns: next year's packet starts this column with this year's ``carry_from`` (上年决算数 ← 决算数)
    carry_from: str = ""


@dataclass(frozen=True)
class Lines:
    """Rows listed under a table row from a list of the packet (附件1 项目支出: its lines and their 专项)."""

    list: str  # basic.project_lines
    sublist: str = ""  # lines (named sub-rows of a line; the line is then their sum)
    name: str = "name"
    add: str = ""  # the GUI's button that adds a line (添加项目支出行) …
    new: Mapping[str, Any] = field(default_factory=dict)  # … and what a new line holds
    add_sub: str = ""  # 添加专项明细
    new_sub: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    indent: int = 0
    parts: tuple[str, ...] = ()  # this row is the sum of these rows
    members: tuple[str, ...] = ()  # "其中" rows: each at most this row, not a sum
    na: tuple[str, ...] = ()  # columns printed —— (no input)
    lines: Lines | None = None
    align: str = ""


@dataclass(frozen=True)
class FormBlock:
    side: str
    rows: tuple[FormRow, ...]
    only: str = ""


@dataclass(frozen=True)
class TableBlock:
    side: str
    corner: str  # heading above the row labels
    label_span: int
    root: str  # basic.funds / $.funds: a row's cells are root.<row>.<column>
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    repeat: bool = False  # the heading row is repeated on continuation pages
    only: str = ""
    row_headers: bool = False  # row labels printed as headings (bold), as 附件3 prints 年度资金总额…

    def row(self, key: str) -> Row | None:
        return next((r for r in self.rows if r.key == key), None)


@dataclass(frozen=True)
class ListBlock:
    side: str
    list: str  # basic.buildings / $.targets
    columns: tuple[Column, ...]
    min_rows: int = 0  # printed with at least this many (blank) rows
    hint: str = ""  # shown on screen when the list is empty
    tall: bool = False
    only: str = ""
    name: str = ""  # how messages name a row's figures: 楼堂馆所（规模控制率）
    add: str = ""  # the GUI's button that adds an item (添加目标)


@dataclass(frozen=True)
class IndicatorBlock:
    side: str
    list: str  # self_eval.indicators / $.indicators
    shape: str  # tree | flat
    columns: tuple[Column, ...]
    total_label: str = "总分"  # the total row: this label over the columns before 分值/得分
    hint: str = ""
    only: str = ""

    def column(self, role: str) -> Column | None:
        return next((c for c in self.columns if c.role == role), None)


@dataclass(frozen=True)
class TextBlock:
    side: str
    path: str
    only: str = ""


Block = FormBlock | TableBlock | ListBlock | IndicatorBlock | TextBlock


@dataclass(frozen=True)
class Note:
    text: str  # printed under the table; may be overridden per packet by ``path``
    path: str = ""


@dataclass(frozen=True)
class Signature:
    label: str  # 填表人：
    path: str = ""  # unit.preparer: the value printed after the label (blank: a line to sign by hand)
    date: bool = False  # printed as 2025年6月25日


@dataclass(frozen=True)
class ReasonRule:
    """A reason required when the execution rate is below a threshold (四川: 执行率 < 90%)."""

    below: Decimal
    path: str
    label: str


@dataclass(frozen=True)
class Cap:
    """The total is capped at ``max`` when the execution rate is below ``below`` (一体化 deployments)."""

    below: Decimal
    max: Decimal


@dataclass(frozen=True)
class Scorecard:
    """执行率 + indicators = 总分: the scored part of 附件2 / each 附件3."""

    rate: tuple[str, str]  # executed, budget (paths or figure keys)
    weight: str  # 执行率分值
    score: str  # the stated (or, under a manual rule, entered) 执行率得分
    total: str  # the stated 总分
    indicators: str  # the indicator list
    levels: tuple[str, ...] = ("level1", "level2")  # the groups of a tree ("" levels for a flat list)
    #: weights labelled on a group level: {"level1": "level1_weight"} (产出指标（50分）)
    level_weights: Mapping[str, str] = field(default_factory=dict)
    indicator_score: str = "entered"  # entered | product
    indicator_product: tuple[str, str] = ("coefficient", "weight")
    suggest: str = ""  # national: 正向/反向 suggested score from 指标性质/指标值/实际完成值
    reason: ReasonRule | None = None
    caps: tuple[Cap, ...] = ()
    total_weight: Decimal = Decimal(100)
    required_weights: bool = True  # a named indicator needs 分值 and 得分


@dataclass(frozen=True)
class Attachment:
    key: str
    label: str  # 附件1
    title: str
    scope: str  # packet | project (one per project)
    blocks: tuple[Block, ...]
    widths: tuple[float, ...]  # print columns in millimetres (proportions)
    screen_widths: tuple[int, ...] = ()  # screen columns in pixels (default: from widths)
    orientation: str = "portrait"
    unit_line: str = ""  # printed between title and table: 填报单位（盖章）：{unit}
    notes: tuple[Note, ...] = ()
    footer: tuple[Signature, ...] = ()
    scorecard: Scorecard | None = None
    sheet: str = ""  # Excel sheet name; {n} for a project
    where: str = ""  # how messages name it: 附件2 / 附件3“{name}”

    @property
    def landscape(self) -> bool:
        return self.orientation == "landscape"

    @property
    def columns(self) -> int:
        return len(self.widths)


@dataclass(frozen=True)
class FigureSpec:
    """A derived figure named by ``key``: a sum or ratio of other figures or input cells."""

    key: str
    op: str  # sum | ratio | product
    refs: tuple[str, ...]
    kind: Kind
    stated: str = ""  # where a packet states the same figure
    label: str = ""  # 控制率 (for messages)
    terms: tuple[str, ...] = ()  # 在职人数, 编制数 (for messages)


@dataclass(frozen=True)
class Check:
    """A pack-level check.  ``sum_equals``: Σ refs = against; ``not_greater``: refs[0] ≤ refs[1];
    ``same``: refs[0] = refs[1] (across tables); ``quotes``: figures quoted in the report."""

    kind: str
    code: str
    at: str  # the field (a block or figure: self_eval.income)
    refs: tuple[str, ...] = ()
    against: str = ""
    labels: tuple[str, ...] = ()
    title: str = ""
    note: str = ""
    figure: str = ""  # a figure quoted after the message (控制率)
    quotes: Mapping[str, str] = field(default_factory=dict)  # report word → path (基本支出 → self_eval.spending.basic)
    severity: str = ""  # error | warning ("" = the code's usual severity)


@dataclass(frozen=True)
class Level1:
    name: str
    weight: str
    level2: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The 一级 → 二级 indicator catalogue offered when adding indicators (and the usual 一级 weights)."""

    key: str
    name: str
    level1: tuple[Level1, ...]
    #: indicators the pack offers by name (指标库), as (一级, 二级, 三级, 指标值, 度量单位)
    standard: tuple[tuple[str, str, str, str, str], ...] = ()

    def level2_names(self, level1: str) -> tuple[str, ...]:
        return next((x.level2 for x in self.level1 if x.name == level1), ())

    def weight_of(self, level1: str) -> str:
        return next((x.weight for x in self.level1 if x.name == level1), "")


@dataclass(frozen=True)
class ReportInsert:
    """A table or chart the report can have generated where the clerk asks (a line 【caption】), from figures
    of the packet — the same the 审核 compares the report's text with."""

    caption: str
    kind: str  # table | chart
    columns: tuple[str, ...] = ()  # table: headings …
    cells: tuple[str, ...] = ()  # … and the figure or cell under each
    kinds: tuple[Kind, ...] = ()
    bars: tuple[tuple[str, str, str], ...] = ()  # chart: (label, budget, executed) figures
    projects: bool = False  # chart: a bar per project too (全年预算数, 全年执行数)


@dataclass(frozen=True)
class ReportSpec:
    label: str  # 附件4
    title: str  # {year}年度{unit}整体支出绩效自评报告
    unit_line: str
    date_line: str
    sections: tuple[str, ...]
    inserts: tuple[ReportInsert, ...] = ()

    def insert(self, caption: str) -> ReportInsert | None:
        return next((i for i in self.inserts if i.caption == caption), None)


@dataclass(frozen=True)
class Variable:
    """A label variable taken from the packet (the first filled path), else year + offset."""

    paths: tuple[str, ...]
    offset: int = 0


@dataclass(frozen=True)
class Pack:
    id: str
    name: str
    version: str
    kind: str  # dept | project
    attachments: tuple[Attachment, ...]
    region: str = ""
    description: str = ""
    short: str = ""  # a short name for narrow places (the bureau's 汇总表): 湖南 附件1–4
    path: str = ""  # the file it was read from
    figures: tuple[FigureSpec, ...] = ()
    checks: tuple[Check, ...] = ()
    catalogues: tuple[Catalogue, ...] = ()
    report: ReportSpec | None = None
    rules: tuple[str, ...] = ("proportional",)  # execution-rate rules offered; the first is the default
    variables: Mapping[str, Variable] = field(default_factory=dict)
    #: what a new packet starts with: path → JSON value (rows a new unit fills in, usual weights)
    new_packet: Mapping[str, Any] = field(default_factory=dict)
    required: tuple[tuple[str, str], ...] = ()  # (path, label) that must be filled
    #: top-level parts a packet on this pack has (a project pack has neither basic nor self_eval nor report)
    parts: tuple[str, ...] = ("basic", "self_eval", "projects", "report")

    @property
    def title(self) -> str:
        return f"{self.name}（{self.id} 第{self.version}版）"

    def attachment(self, key: str) -> Attachment | None:
        return next((a for a in self.attachments if a.key == key), None)

    @property
    def project_attachment(self) -> Attachment | None:
        return next((a for a in self.attachments if a.scope == "project"), None)

    def catalogue(self, key: str) -> Catalogue | None:
        if not self.catalogues:
            return None
        return next((c for c in self.catalogues if c.key == key), self.catalogues[0])

    @property
    def default_catalogue(self) -> str:
        return self.catalogues[0].key if self.catalogues else ""

    def scorecards(self) -> Iterator[Attachment]:
        return (a for a in self.attachments if a.scorecard is not None)


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def read_pack_file(path: str | Path) -> Pack:
    p = Path(path)
    try:
        if p.stat().st_size > MAX_PACK_BYTES:
            raise PackError(str(p), [PackProblem("", "文件过大，不是模板文件")])
        text = p.read_bytes().decode("utf-8-sig")
    except PackError:
        raise
    except UnicodeDecodeError:
        raise PackError(str(p), [PackProblem("", "不是UTF-8编码的JSON文件")]) from None
    except OSError as exc:
        raise PackError(str(p), [PackProblem("", f"无法读取（{exc.strerror or exc}）")]) from None
    return read_pack_text(text, source=str(p))


def read_pack_text(text: str, *, source: str = "") -> Pack:
    try:
        doc = json.loads(text, parse_float=str, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise PackError(source, [PackProblem(f"第{exc.lineno}行第{exc.colno}列", "JSON格式错误")]) from None
    except _DuplicateKey as exc:
        raise PackError(source, [PackProblem("", f"键“{exc.key}”重复出现")]) from None
    except (ValueError, RecursionError):
        raise PackError(source, [PackProblem("", "不是有效的JSON")]) from None
    return parse_pack(doc, source=source)


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def parse_pack(doc: Any, *, source: str = "") -> Pack:
    reader = _Reader(source)
    pack = reader.pack(doc)
    if reader.problems or pack is None:
        raise PackError(source, reader.problems or [PackProblem("", "不是模板文件")])
    _validate(pack, reader)
    if reader.problems:
        raise PackError(source, reader.problems)
    return pack


_KINDS = {k.value: k for k in Kind}
_VAR = re.compile(r"\{([a-z_]+)\}")


class _Reader:
    """Turns the JSON document into the dataclasses above, recording every problem with its place."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[PackProblem] = []
        self.variables: set[str] = set(BUILTIN_VARIABLES)

    def bad(self, place: str, message: str) -> None:
        self.problems.append(PackProblem(place, message))

    # -- primitives ------------------------------------------------------------------------------
    def obj(self, value: Any, place: str) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        self.bad(place, "应为对象 {…}")
        return {}

    def lst(self, value: Any, place: str) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.bad(place, "应为列表 […]")
        return []

    def text(self, d: dict[str, Any], key: str, place: str, *, required: bool = False, default: str = "") -> str:
        value = d.get(key)
        if value is None:
            if required:
                self.bad(_at(place, key), "必须填写")
            return default
        if isinstance(value, str | int) and not isinstance(value, bool):
            text = str(value)
            for name in _VAR.findall(text):
                if name not in self.variables:
                    self.bad(_at(place, key), f"未知的变量{{{name}}}（可用：{'、'.join(sorted(self.variables))}）")
            return text
        self.bad(_at(place, key), "应为文字")
        return default

    def integer(self, d: dict[str, Any], key: str, place: str, default: int, lo: int = 0, hi: int = 99) -> int:
        value = d.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and lo <= value <= hi:
            return value
        self.bad(_at(place, key), f"应为{lo}到{hi}之间的整数")
        return default

    def flag(self, d: dict[str, Any], key: str, place: str) -> bool:
        value = d.get(key, False)
        if isinstance(value, bool):
            return value
        self.bad(_at(place, key), "应为 true 或 false")
        return False

    def number(self, d: dict[str, Any], key: str, place: str, default: str | None = None) -> Decimal:
        value = d.get(key, default)
        try:
            text = str(value).strip()
            if text.endswith("%"):
                return Decimal(text[:-1]) / 100
            if isinstance(value, bool) or value is None:
                raise InvalidOperation
            return Decimal(text)
        except (InvalidOperation, ValueError):
            self.bad(_at(place, key), "应为数字（如 90 或 90%）")
            return Decimal(0)

    def choice(self, d: dict[str, Any], key: str, place: str, options: tuple[str, ...], default: str) -> str:
        value = d.get(key, default)
        if value in options:
            return str(value)
        self.bad(_at(place, key), f"应为{'、'.join(o or '（空）' for o in options)}之一，实际为“{value}”")
        return default

    def kind(self, d: dict[str, Any], key: str, place: str, default: Kind = Kind.TEXT) -> Kind:
        value = d.get(key)
        if value is None:
            return default
        if value in _KINDS:
            return _KINDS[value]
        self.bad(_at(place, key), f"未知的类型“{value}”（可用：{'、'.join(_KINDS)}）")
        return default

    def strings(self, d: dict[str, Any], key: str, place: str) -> tuple[str, ...]:
        out = []
        for i, v in enumerate(self.lst(d.get(key), _at(place, key))):
            if isinstance(v, str):
                out.append(v)
            else:
                self.bad(f"{_at(place, key)}[{i}]", "应为文字")
        return tuple(out)

    def path(self, value: str, place: str) -> str:
        """A field path, possibly relative to the attachment's scope (``$.name``)."""
        bare = value[2:] if value.startswith(SCOPE_ROOT + ".") else value
        try:
            parse_path(bare.replace("[*]", "[0]"))
        except PathError:
            self.bad(place, f"“{value}”不是有效的字段路径")
        return value

    # -- the pack ----------------------------------------------------------------------------------
    def pack(self, doc: Any) -> Pack | None:
        d = self.obj(doc, "")
        if not d:
            return None
        if d.get("format") != FORMAT:
            self.bad("format", f"应为“{FORMAT}”（不是PerfEval Desk的模板文件，或模板格式比本程序新）")
            return None
        pack_id = self.text(d, "id", "", required=True)
        if pack_id and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", pack_id):
            self.bad("id", "只能由小写字母、数字和“-”组成")
        variables = {}
        for name, spec in self.obj(d.get("variables", {}), "variables").items():
            s = self.obj(spec, f"variables.{name}")
            where = f"variables.{name}"
            paths = tuple(self.path(p, f"{where}.paths") for p in self.strings(s, "paths", where))
            variables[name] = Variable(paths, self.integer(s, "offset", f"variables.{name}", 0, -10, 10))
            self.variables.add(name)
        attachments = tuple(
            self.attachment(a, f"attachments[{i}]") for i, a in enumerate(self.lst(d.get("attachments"), "attachments"))
        )
        if not attachments:
            self.bad("attachments", "至少要有一个附件")
        report = self.report(d["report"], "report") if d.get("report") is not None else None
        rules = self.strings(d, "rules", "") or ("proportional",)
        return Pack(
            id=pack_id,
            name=self.text(d, "name", "", required=True),
            version=self.text(d, "version", "", required=True),
            kind=self.choice(d, "kind", "", PACK_KINDS, "dept"),
            region=self.text(d, "region", ""),
            description=self.text(d, "description", ""),
            short=self.text(d, "short", ""),
            path=self.source,
            attachments=attachments,
            figures=tuple(self.figure(f, f"figures[{i}]") for i, f in enumerate(self.lst(d.get("figures"), "figures"))),
            checks=tuple(self.check(c, f"checks[{i}]") for i, c in enumerate(self.lst(d.get("checks"), "checks"))),
            catalogues=tuple(
                self.catalogue(c, f"catalogues[{i}]") for i, c in enumerate(self.lst(d.get("catalogues"), "catalogues"))
            ),
            report=report,
            rules=rules,
            variables=variables,
            new_packet=self.obj(d.get("new_packet", {}), "new_packet"),
            required=tuple(
                (self.path(self.text(r, "path", f"required[{i}]", required=True), f"required[{i}].path"),
                 self.text(r, "label", f"required[{i}]"))
                for i, r in ((i, self.obj(r, f"required[{i}]")) for i, r in enumerate(self.lst(d.get("required"),
                                                                                                "required")))
            ),
            parts=self.strings(d, "parts", "") or (("projects",) if d.get("kind") == "project"
                                                  else ("basic", "self_eval", "projects", "report")),
        )

    def attachment(self, doc: Any, place: str) -> Attachment:
        d = self.obj(doc, place)
        widths = []
        for i, w in enumerate(self.lst(d.get("widths"), _at(place, "widths"))):
            try:
                widths.append(float(w))
                if float(w) <= 0:
                    raise ValueError
            except (TypeError, ValueError):
                self.bad(f"{place}.widths[{i}]", "应为正数（毫米）")
        if not widths:
            self.bad(_at(place, "widths"), "必须给出各列宽度（毫米）")
            widths = [10.0]
        screen = []
        for i, w in enumerate(self.lst(d.get("screen_widths"), _at(place, "screen_widths"))):
            if isinstance(w, int) and not isinstance(w, bool) and 10 <= w <= 2000:
                screen.append(w)
            else:
                self.bad(f"{place}.screen_widths[{i}]", "应为10到2000之间的整数（像素）")
        if screen and len(screen) != len(widths):
            self.bad(_at(place, "screen_widths"), f"应有{len(widths)}列（与widths相同）")
            screen = []
        blocks = tuple(self.block(b, f"{place}.blocks[{i}]") for i, b in enumerate(self.lst(d.get("blocks"),
                                                                                           _at(place, "blocks"))))
        notes = []
        for i, n in enumerate(self.lst(d.get("notes"), _at(place, "notes"))):
            where = f"{place}.notes[{i}]"
            if isinstance(n, str):
                notes.append(Note(n))
            else:
                nd = self.obj(n, where)
                notes.append(Note(self.text(nd, "text", where), self.path(self.text(nd, "path", where), where)
                                  if nd.get("path") else ""))
        footer = []
        for i, s in enumerate(self.lst(d.get("footer"), _at(place, "footer"))):
            where = f"{place}.footer[{i}]"
            sd = self.obj(s, where)
            footer.append(Signature(self.text(sd, "label", where, required=True),
                                    self.path(self.text(sd, "path", where), where) if sd.get("path") else "",
                                    self.flag(sd, "date", where)))
        scorecard = self.scorecard(d["scorecard"], _at(place, "scorecard")) if d.get("scorecard") else None
        key = self.text(d, "key", place, required=True)
        label = self.text(d, "label", place, required=True)
        return Attachment(
            key=key,
            label=label,
            title=self.text(d, "title", place, required=True),
            scope=self.choice(d, "scope", place, SCOPES, "packet"),
            blocks=blocks,
            widths=tuple(widths),
            screen_widths=tuple(screen),
            orientation=self.choice(d, "orientation", place, ("portrait", "landscape"), "portrait"),
            unit_line=self.text(d, "unit_line", place),
            notes=tuple(notes),
            footer=tuple(footer),
            scorecard=scorecard,
            sheet=self.text(d, "sheet", place) or label,
            where=self.text(d, "where", place) or label,
        )

    def cell(self, doc: Any, place: str) -> CellSpec:
        d = self.obj(doc, place)
        roles = [r for r in ("label", "header", "input", "figure", "score", "blank") if r in d]
        if len(roles) != 1:
            self.bad(place, "单元格应当且只能有 label、header、input、figure、score、blank 之一")
            return CellSpec("blank")
        role = roles[0]
        text = ref = ""
        if role in ("label", "header"):
            text = self.text(d, role, place)
        elif role in ("input", "figure", "score"):
            ref = self.text(d, role, place, required=True)
            if role == "input":
                ref = self.path(ref, _at(place, role))
        kind = self.kind(d, "kind", place, Kind.TEXT if role == "input" else Kind.MONEY)
        return CellSpec(
            role=role, text=text, ref=ref, kind=kind,
            span=self.integer(d, "span", place, 1, 1, 60),
            paragraph=self.flag(d, "paragraph", place),
            required=self.flag(d, "required", place),
            align=self.choice(d, "align", place, ALIGNS, ""),
            only=self.choice(d, "only", place, ONLY, ""),
        )  # fmt: skip

    def column(self, doc: Any, place: str, *, table: bool = False) -> Column:
        d = self.obj(doc, place)
        derive = None
        for op in ("ratio", "product"):
            if op in d:
                refs = self.strings(d, op, place)
                if len(refs) != 2:
                    self.bad(_at(place, op), "应为两个字段名")
                derive = (op, refs)
        cell = self.cell(d["cell"], _at(place, "cell")) if table and d.get("cell") else None
        return Column(
            key=self.text(d, "key", place, required=True),
            label=self.text(d, "label", place),
            kind=self.kind(d, "kind", place, Kind.MONEY if table else Kind.TEXT),
            span=self.integer(d, "span", place, 1, 1, 60),
            derive=derive,
            stated=self.flag(d, "stated", place),
            rows=self.strings(d, "rows", place) if table else (),
            cell=cell,
            role=self.text(d, "role", place),
            paragraph=self.flag(d, "paragraph", place),
            required=self.flag(d, "required", place),
            choices=self.strings(d, "choices", place),
            carry_from=self.text(d, "carry_from", place),
        )

    def block(self, doc: Any, place: str) -> Block:
        d = self.obj(doc, place)
        kind = d.get("type")
        side = self.text(d, "side", place)
        only = self.choice(d, "only", place, ONLY, "")
        if kind == "form":
            rows = []
            for i, r in enumerate(self.lst(d.get("rows"), _at(place, "rows"))):
                where = f"{place}.rows[{i}]"
                if isinstance(r, list):
                    rows.append(FormRow(tuple(self.cell(c, f"{where}[{j}]") for j, c in enumerate(r))))
                else:
                    rd = self.obj(r, where)
                    cells = tuple(self.cell(c, f"{where}.cells[{j}]")
                                  for j, c in enumerate(self.lst(rd.get("cells"), _at(where, "cells"))))
                    rows.append(FormRow(cells, self.choice(rd, "only", where, ONLY, ""), self.flag(rd, "tall", where)))
            return FormBlock(side, tuple(rows), only)
        if kind == "table":
            columns = tuple(self.column(c, f"{place}.columns[{i}]", table=True)
                            for i, c in enumerate(self.lst(d.get("columns"), _at(place, "columns"))))
            rows_: list[Row] = []
            for i, r in enumerate(self.lst(d.get("rows"), _at(place, "rows"))):
                where = f"{place}.rows[{i}]"
                rd = self.obj(r, where)
                lines = None
                if rd.get("lines") is not None:
                    ld = self.obj(rd["lines"], _at(where, "lines"))
                    lw = _at(where, "lines")
                    lines = Lines(self.path(self.text(ld, "list", lw, required=True), _at(lw, "list")),
                                  self.text(ld, "sublist", lw), self.text(ld, "name", lw, default="name"),
                                  self.text(ld, "add", lw), self.obj(ld.get("new", {}), _at(lw, "new")),
                                  self.text(ld, "add_sub", lw), self.obj(ld.get("new_sub", {}), _at(lw, "new_sub")))
                rows_.append(Row(
                    key=self.text(rd, "key", where, required=True),
                    label=self.text(rd, "label", where),
                    indent=self.integer(rd, "indent", where, 0, 0, 4),
                    parts=self.strings(rd, "parts", where),
                    members=self.strings(rd, "members", where),
                    na=self.strings(rd, "na", where),
                    lines=lines,
                    align=self.choice(rd, "align", where, ALIGNS, ""),
                ))  # fmt: skip
            return TableBlock(side, self.text(d, "corner", place), self.integer(d, "label_span", place, 1, 1, 60),
                              self.path(self.text(d, "root", place, required=True), _at(place, "root")),
                              columns, tuple(rows_), self.flag(d, "repeat", place), only,
                              self.flag(d, "row_headers", place))
        if kind == "list":
            columns = tuple(self.column(c, f"{place}.columns[{i}]")
                            for i, c in enumerate(self.lst(d.get("columns"), _at(place, "columns"))))
            return ListBlock(side, self.path(self.text(d, "list", place, required=True), _at(place, "list")), columns,
                             self.integer(d, "min_rows", place, 0, 0, 20), self.text(d, "hint", place),
                             self.flag(d, "tall", place), only, self.text(d, "name", place), self.text(d, "add", place))
        if kind == "indicators":
            columns = tuple(self.column(c, f"{place}.columns[{i}]")
                            for i, c in enumerate(self.lst(d.get("columns"), _at(place, "columns"))))
            return IndicatorBlock(side, self.path(self.text(d, "list", place, required=True), _at(place, "list")),
                                  self.choice(d, "shape", place, ("tree", "flat"), "tree"), columns,
                                  self.text(d, "total_label", place, default="总分"), self.text(d, "hint", place), only)
        if kind == "text":
            return TextBlock(side, self.path(self.text(d, "path", place, required=True), _at(place, "path")), only)
        self.bad(_at(place, "type"), f"未知的块类型“{kind}”（可用：form、table、list、indicators、text）")
        return FormBlock(side, ())

    def scorecard(self, doc: Any, place: str) -> Scorecard:
        d = self.obj(doc, place)
        rate = self.strings(d, "rate", place)
        if len(rate) != 2:
            self.bad(_at(place, "rate"), "应为[全年执行数, 全年预算数]两个字段")
            rate = ("", "")
        levels = self.strings(d, "levels", place) if "levels" in d else ("level1", "level2")
        weights = self.obj(d.get("level_weights", {}), _at(place, "level_weights"))
        level_weights = {k: str(v) for k, v in weights.items()}
        reason = None
        if d.get("reason"):
            rd = self.obj(d["reason"], _at(place, "reason"))
            reason = ReasonRule(self.number(rd, "below", _at(place, "reason")),
                                self.path(self.text(rd, "path", _at(place, "reason"), required=True),
                                          _at(place, "reason.path")),
                                self.text(rd, "label", _at(place, "reason"), default="原因"))
        caps = tuple(
            Cap(self.number(c, "below", f"{place}.caps[{i}]"), self.number(c, "max", f"{place}.caps[{i}]"))
            for i, c in ((i, self.obj(c, f"{place}.caps[{i}]")) for i, c in enumerate(self.lst(d.get("caps"),
                                                                                              _at(place, "caps"))))
        )
        product = self.strings(d, "indicator_product", place) or ("coefficient", "weight")
        return Scorecard(
            rate=(self.path(rate[0], _at(place, "rate")), self.path(rate[1], _at(place, "rate"))),
            weight=self.path(self.text(d, "weight", place, required=True), _at(place, "weight")),
            score=self.path(self.text(d, "score", place, required=True), _at(place, "score")),
            total=self.path(self.text(d, "total", place, required=True), _at(place, "total")),
            indicators=self.path(self.text(d, "indicators", place, required=True), _at(place, "indicators")),
            levels=levels,
            level_weights=level_weights,
            indicator_score=self.choice(d, "indicator_score", place, ("entered", "product"), "entered"),
            indicator_product=(product[0], product[-1]),
            suggest=self.choice(d, "suggest", place, ("", "national"), ""),
            reason=reason,
            caps=caps,
            total_weight=self.number(d, "total_weight", place, "100"),
            required_weights=d.get("required_weights", True) is not False,
        )

    def figure(self, doc: Any, place: str) -> FigureSpec:
        d = self.obj(doc, place)
        ops = [op for op in ("sum", "ratio", "product") if op in d]
        if len(ops) != 1:
            self.bad(place, "应当且只能有 sum、ratio、product 之一")
            return FigureSpec("", "sum", (), Kind.MONEY)
        refs = tuple(self.path(r, _at(place, ops[0])) for r in self.strings(d, ops[0], place))
        if ops[0] != "sum" and len(refs) != 2:
            self.bad(_at(place, ops[0]), "应为两个字段")
        return FigureSpec(
            key=self.path(self.text(d, "key", place, required=True), _at(place, "key")),
            op=ops[0],
            refs=refs,
            kind=self.kind(d, "kind", place, Kind.RATE if ops[0] == "ratio" else Kind.MONEY),
            stated=self.path(self.text(d, "stated", place), _at(place, "stated")) if d.get("stated") else "",
            label=self.text(d, "label", place),
            terms=self.strings(d, "terms", place),
        )

    def check(self, doc: Any, place: str) -> Check:
        d = self.obj(doc, place)
        kind = self.choice(d, "type", place, ("sum_equals", "not_greater", "same", "quotes"), "same")
        quotes = {str(k): self.path(str(v), f"{place}.quotes.{k}")
                  for k, v in self.obj(d.get("quotes", {}), _at(place, "quotes")).items()}
        return Check(
            kind=kind,
            code=self.text(d, "code", place, required=True),
            at=self.text(d, "field", place),
            refs=tuple(self.path(r, _at(place, "refs")) for r in self.strings(d, "refs", place)),
            against=self.path(self.text(d, "against", place), _at(place, "against")) if d.get("against") else "",
            labels=self.strings(d, "labels", place),
            title=self.text(d, "title", place),
            note=self.text(d, "note", place),
            figure=self.text(d, "figure", place),
            quotes=quotes,
            severity=self.choice(d, "severity", place, ("", "error", "warning"), ""),
        )

    def catalogue(self, doc: Any, place: str) -> Catalogue:
        d = self.obj(doc, place)
        level1 = []
        for i, l1 in enumerate(self.lst(d.get("level1"), _at(place, "level1"))):
            where = f"{place}.level1[{i}]"
            ld = self.obj(l1, where)
            level1.append(Level1(self.text(ld, "name", where, required=True), self.text(ld, "weight", where),
                                 self.strings(ld, "level2", where)))
        standard = []
        for i, s in enumerate(self.lst(d.get("standard"), _at(place, "standard"))):
            where = f"{place}.standard[{i}]"
            sd = self.obj(s, where)
            standard.append(tuple(self.text(sd, k, where) for k in ("level1", "level2", "name", "value", "unit")))
        return Catalogue(self.text(d, "key", place, required=True), self.text(d, "name", place), tuple(level1),
                         tuple(standard))  # type: ignore[arg-type]

    def report(self, doc: Any, place: str) -> ReportSpec:
        d = self.obj(doc, place)
        inserts = []
        for i, raw in enumerate(self.lst(d.get("inserts"), _at(place, "inserts"))):
            where = f"{place}.inserts[{i}]"
            ins = self.obj(raw, where)
            kind = self.choice(ins, "kind", where, ("table", "chart"), "table")
            cells = tuple(self.path(c, _at(where, "cells")) for c in self.strings(ins, "cells", where))
            columns = self.strings(ins, "columns", where)
            if kind == "table" and len(cells) != len(columns):
                self.bad(where, f"columns（{len(columns)}个）与cells（{len(cells)}个）应一一对应")
            kinds = tuple(_KINDS.get(k, Kind.MONEY) for k in self.strings(ins, "kinds", where)) or \
                tuple(Kind.MONEY for _ in cells)
            bars = []
            for j, bar in enumerate(self.lst(ins.get("bars"), _at(where, "bars"))):
                bd = self.obj(bar, f"{where}.bars[{j}]")
                bars.append((self.text(bd, "label", f"{where}.bars[{j}]"),
                             self.path(self.text(bd, "budget", f"{where}.bars[{j}]"), f"{where}.bars[{j}].budget"),
                             self.path(self.text(bd, "actual", f"{where}.bars[{j}]"), f"{where}.bars[{j}].actual")))
            inserts.append(ReportInsert(self.text(ins, "caption", where, required=True), kind, columns, cells,
                                        kinds, tuple(bars), self.flag(ins, "projects", where)))
        return ReportSpec(
            label=self.text(d, "label", place, required=True),
            title=self.text(d, "title", place, required=True),
            unit_line=self.text(d, "unit_line", place),
            date_line=self.text(d, "date_line", place, default="年    月    日"),
            sections=self.strings(d, "sections", place),
            inserts=tuple(inserts),
        )


def _at(place: str, key: str) -> str:
    return f"{place}.{key}" if place else key


# ---------------------------------------------------------------------------------------------------
# Consistency of a parsed pack (what the reader could not see field by field)
# ---------------------------------------------------------------------------------------------------


def _validate(pack: Pack, reader: _Reader) -> None:
    keys: set[str] = set()
    for i, att in enumerate(pack.attachments):
        place = f"attachments[{i}]"
        if att.key in keys:
            reader.bad(_at(place, "key"), f"附件键“{att.key}”重复")
        keys.add(att.key)
        width = att.columns
        for j, block in enumerate(att.blocks):
            where = f"{place}.blocks[{j}]"
            inner = width - (1 if block.side else 0)
            for problem in _block_width(block, inner):
                reader.bad(where, problem)
            if isinstance(block, TableBlock):
                row_keys = {r.key for r in block.rows}
                for r in block.rows:
                    for ref in (*r.parts, *r.members):
                        if ref not in row_keys:
                            reader.bad(where, f"第“{r.label}”行引用了不存在的行“{ref}”")
                    for col in r.na:
                        if col not in {c.key for c in block.columns}:
                            reader.bad(where, f"第“{r.label}”行的na引用了不存在的列“{col}”")
            if isinstance(block, IndicatorBlock):
                roles = {c.role for c in block.columns}
                if block.shape == "tree" and not {"level1", "level2"} <= roles:
                    reader.bad(where, "树形指标表需要 role 为 level1 和 level2 的列")
                if "name" not in roles:
                    reader.bad(where, "指标表需要 role 为 name 的列（指标名称）")
        if att.scorecard is not None and not any(isinstance(b, IndicatorBlock) for b in att.blocks):
            reader.bad(_at(place, "scorecard"), "有计分（scorecard）的附件需要一个 indicators 块")
    from app.domain.scoring import EXECUTION_RULES

    for i, kind in enumerate(pack.rules):
        if kind not in EXECUTION_RULES:
            reader.bad(f"rules[{i}]", f"未知的计分规则“{kind}”（可用：{'、'.join(EXECUTION_RULES)}）")
    if pack.kind == "project" and not pack.project_attachment:
        reader.bad("attachments", "项目模板（kind=project）需要一个 scope 为 project 的附件")


def _block_width(block: Block, width: int) -> Iterator[str]:
    """A block may be narrower than the form (its last cell takes the rest), never wider."""
    if isinstance(block, FormBlock):
        for i, row in enumerate(block.rows):
            for only in ("screen", "print"):
                n = sum(c.span for c in row.cells if c.only in ("", only))
                if n > width and row.only in ("", only):
                    yield f"第{i + 1}行的单元格共占{n}列，超过了{width}列"
                    break
    elif isinstance(block, TableBlock):
        n = block.label_span + sum(c.span for c in block.columns)
        if n > width:
            yield f"行标签（{block.label_span}列）与各列共占{n}列，超过了{width}列"
    elif isinstance(block, ListBlock | IndicatorBlock):
        n = sum(c.span for c in block.columns)
        if n > width:
            yield f"各列共占{n}列，超过了{width}列"


def fill(label: str, values: Mapping[str, object]) -> str:
    """Put the variables into a label: ``{year}年决算数`` → ``2024年决算数`` (unknown names stay as written)."""
    if "{" not in label:
        return label
    return _VAR.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), label)
