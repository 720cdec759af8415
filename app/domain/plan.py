"""The plan of a packet on its pack: every number cell with its kind, and every derived figure as a formula
over other cells and figures.

One plan serves everybody: :mod:`app.domain.calc` evaluates its formulas in Decimal, :mod:`app.domain.rules`
checks the relations it records (sums, 其中, stated figures), :mod:`app.domain.layout` puts its figures on the
Sheets, and the Excel writer turns the same formulas into Excel formulas.  Field paths of project attachments
are relative to their scope (``$.funds.total.initial``) and resolved here per project (``projects[0]…``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from app.domain.model import Indicator, Packet
from app.domain.numbers import Kind
from app.domain.packs import (
    SCOPE_ROOT,
    Attachment,
    Cap,
    CellSpec,
    Column,
    FormBlock,
    IndicatorBlock,
    ListBlock,
    Pack,
    Row,
    Scorecard,
    TableBlock,
    fill,
)
from app.domain.paths import get_or_blank, parse_path
from app.domain.scoring import ExecutionRule, IndicatorRule, rule_for

ONE = Decimal(1)

Value = Callable[[str], Decimal | None]
Coord = Callable[[str], str | None]


@dataclass(frozen=True)
class Formula:
    """A derived figure over other cells/figures named by key.

    ``sum`` Σ refs (when every part is blank, the ``stated`` total stands); ``ratio`` refs[0]/refs[1];
    ``product`` refs[0]·refs[1]; ``score`` the execution rule over (weight, rate); ``copy`` refs[0];
    ``cap`` refs[0] capped by the execution-rate band of refs[1].
    """

    op: str
    refs: tuple[str, ...]
    stated: str = ""
    rule: ExecutionRule | None = None
    caps: tuple[Cap, ...] = ()

    def evaluate(self, value: Value, cell: Value) -> Decimal | None:
        """``value`` reads a figure or cell by key; ``cell`` reads what was typed (a sum's stated total)."""
        op = self.op
        if op == "sum":
            filled = [v for v in (value(r) for r in self.refs) if v is not None]
            if not filled:
                return cell(self.stated) if self.stated else None
            return sum(filled, Decimal(0))
        if op == "ratio":
            num, den = value(self.refs[0]), value(self.refs[1])
            return None if num is None or den is None or den == 0 else num / den
        if op == "product":
            a, b = value(self.refs[0]), value(self.refs[1])
            return None if a is None or b is None else a * b
        if op == "score":
            assert self.rule is not None
            return self.rule.score(value(self.refs[1]), value(self.refs[0]))
        if op == "copy":
            return value(self.refs[0])
        if op == "cap":
            total, rate = value(self.refs[0]), value(self.refs[1])
            if total is None:
                return None
            if rate is not None:
                for cap in sorted(self.caps, key=lambda c: c.below):
                    if rate < cap.below:
                        return min(total, cap.max)
            return total
        raise ValueError(op)  # pragma: no cover - the plan builds only the ops above

    def excel(self, coord: Coord, kind: Kind) -> str | None:
        """The Excel formula over the cells' coordinates (None where a needed cell is not on the sheet)."""
        coords = [coord(r) for r in self.refs]
        if self.op == "sum":
            present = [c for c in coords if c]  # parts not on the sheet are blank rows (placeholders)
            return f"=SUM({','.join(present)})" if present else None
        if any(c is None for c in coords):
            return None
        if self.op == "ratio":
            num, den = coords
            return f'=IF(N({den})=0,"——",{num}/{den})'
        if self.op == "product":
            a, b = coords
            body = f"{a}*{b}" if kind is not Kind.SCORE else f"ROUND({a}*{b},2)"
            return f'=IF(AND(ISNUMBER({a}),ISNUMBER({b})),{body},"——")'
        if self.op == "score":
            assert self.rule is not None
            weight, rate = coords
            return self.rule.excel(str(weight), str(rate))
        if self.op == "copy":
            return f"={coords[0]}"
        if self.op == "cap":
            total, rate = coords
            body = str(total)
            for cap in sorted(self.caps, key=lambda c: c.below, reverse=True):
                body = f"IF(N({rate})<{cap.below},MIN({total},{cap.max}),{body})"
            return f'=IF(ISNUMBER({total}),{body},"——")'
        return None


@dataclass(frozen=True)
class Figure:
    key: str
    formula: Formula
    kind: Kind
    stated: str = ""  # the cell where a packet states this figure (checked, never overwritten)
    #: how a stated figure is checked: "sum" → sum_mismatch; "stated", "rate", "exec_score", "total" →
    #: stated_mismatch (the last three with the scorecard's own message); "" → not stated anywhere
    check: str = ""
    label: str = ""  # for messages: 控制率 / “三公”经费（2024年决算数）
    terms: tuple[str, ...] = ()
    where: str = ""  # 附件2 / 附件3“项目” (scorecard figures)


@dataclass(frozen=True)
class Member:
    """A 其中 row: at most its parent (公用经费 → 办公经费)."""

    parent: str
    member: str
    parent_label: str
    member_label: str
    column: str


@dataclass
class ScorePlan:
    """One scored attachment instance (附件2, or 附件3 of project N)."""

    prefix: str  # self_eval / projects[0]
    where: str  # "附件2 " / "附件3“项目名” "
    attachment: Attachment
    card: Scorecard
    rule: ExecutionRule
    count: int  # indicator rows when the plan was made (the plan is cached per packet shape)
    block: IndicatorBlock
    indicator_rule: IndicatorRule

    def items(self, packet: Packet) -> list[Indicator]:
        """The indicator rows of this scorecard in ``packet``."""
        items = get_or_blank(packet, self.path(self.card.indicators))
        return items if isinstance(items, list) else []

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def path(self, ref: str) -> str:
        return resolve(ref, self.prefix)

    @property
    def rate_refs(self) -> tuple[str, str]:
        return self.path(self.card.rate[0]), self.path(self.card.rate[1])

    @property
    def score_ref(self) -> str:
        """What the total adds for 执行率: the entered score under a manual rule, else the figure."""
        return self.path(self.card.score) if self.rule.entered else self.key("execution_score")


@dataclass
class Plan:
    pack: Pack
    figures: dict[str, Figure] = field(default_factory=dict)
    inputs: dict[str, Kind] = field(default_factory=dict)  # number cells, in form order
    texts: dict[str, str] = field(default_factory=dict)  # text cells → label (required checks)
    required: list[tuple[str, str]] = field(default_factory=list)  # (path, Chinese name)
    members: list[Member] = field(default_factory=list)
    scorecards: list[ScorePlan] = field(default_factory=list)
    #: (path, Chinese name) of each number cell, where the form names it (messages)
    names: dict[str, str] = field(default_factory=dict)

    _accessors: list[tuple[str, Kind, tuple[str | int, ...]]] | None = None

    def accessors(self) -> list[tuple[str, Kind, tuple[str | int, ...]]]:
        """(path, kind, parsed path) of every number cell, parsed once per plan."""
        if self._accessors is None:
            self._accessors = [(path, kind, tuple(parse_path(path))) for path, kind in self.inputs.items()]
        return self._accessors

    def put(self, fig: Figure) -> None:
        self.figures[fig.key] = fig

    def number(self, path: str, kind: Kind, name: str = "") -> None:
        if kind is Kind.TEXT:
            return
        self.inputs.setdefault(path, kind)
        if name:
            self.names.setdefault(path, name)


def resolve(ref: str, prefix: str) -> str:
    """``$.funds.total.initial`` → ``projects[0].funds.total.initial`` (absolute paths stay as written)."""
    if ref == SCOPE_ROOT:
        return prefix
    if ref.startswith(SCOPE_ROOT + "."):
        return f"{prefix}.{ref[2:]}" if prefix else ref[2:]
    return ref


def scopes(pack: Pack, packet: Packet) -> Iterator[tuple[Attachment, str, int | None]]:
    """(attachment, scope prefix, project index) of every printed form instance, in print order."""
    for att in pack.attachments:
        if att.scope == "project":
            for n in range(len(packet.projects)):
                yield att, f"projects[{n}]", n
        else:
            yield att, "", None


def variables(pack: Pack, packet: Packet, n: int | None = None) -> dict[str, object]:
    """The values a label may use: {year}, {prior_year}, {unit}, {name}/{n} of a project, the pack's own."""
    values: dict[str, object] = {"year": packet.year, "prior_year": packet.year - 1, "unit": packet.unit.name}
    if n is not None and n < len(packet.projects):
        values["name"] = packet.projects[n].name.strip() or f"项目{n + 1}"
        values["n"] = n + 1
    for name, var in pack.variables.items():
        found: object = None
        for path in var.paths:
            v = get_or_blank(packet, path)
            if v not in (None, "") and str(v).strip().isdigit():
                found = int(str(v).strip())
                break
        values[name] = found if found is not None else packet.year + var.offset
    return values


_CACHE: dict[tuple[object, ...], Plan] = {}
_CACHE_SIZE = 16


def make_plan(pack: Pack, packet: Packet) -> Plan:
    """The plan of ``packet`` on ``pack``; plans are cached by the packet's shape (what the plan depends on:
    list lengths, the names messages quote, the scoring rule), so a keystroke in a cell reuses it."""
    key = shape_key(pack, packet)
    plan = _CACHE.get(key)
    if plan is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        plan = _CACHE[key] = _make_plan(pack, packet)
    return plan


def shape_key(pack: Pack, packet: Packet) -> tuple[object, ...]:
    rule = packet.scoring_rule
    parts: list[object] = [id(pack), pack.version, packet.year, packet.unit.name, rule.kind, str(rule.k),
                           tuple((str(b.min), str(b.ratio)) for b in rule.bands),
                           tuple(p.name for p in packet.projects)]
    parts += [tuple(str(get_or_blank(packet, path)) for path in var.paths) for var in pack.variables.values()]
    for att, prefix, _n in scopes(pack, packet):
        for block in att.blocks:
            if isinstance(block, ListBlock | IndicatorBlock):
                items = get_or_blank(packet, resolve(block.list, prefix))
                parts.append(len(items) if isinstance(items, list) else -1)
            elif isinstance(block, TableBlock):
                for row in block.rows:
                    if row.lines is None:
                        continue
                    items = get_or_blank(packet, row.lines.list)
                    for item in items if isinstance(items, list) else ():
                        subs = getattr(item, row.lines.sublist, None) if row.lines.sublist else None
                        parts.append((getattr(item, row.lines.name, ""),
                                      tuple(getattr(x, row.lines.name, "") for x in subs or ())))
                    parts.append("|")
    return tuple(parts)


def _make_plan(pack: Pack, packet: Packet) -> Plan:
    plan = Plan(pack)
    for fig in pack.figures:  # first: their checks come first, as the forms do (附件1 控制率)
        plan.put(Figure(fig.key, Formula(fig.op, fig.refs), fig.kind, fig.stated, "stated" if fig.stated else "",
                        fig.label, fig.terms))
        if fig.stated:
            plan.number(fig.stated, fig.kind)
    rule = rule_for(packet.scoring_rule)
    for att, prefix, n in scopes(pack, packet):
        values = variables(pack, packet, n)
        where = fill(att.where, {**values, "name": _short(str(values.get("name", "")))}) + " "
        for block in att.blocks:
            if isinstance(block, FormBlock):
                _form(plan, block, prefix, where, values)
            elif isinstance(block, TableBlock):
                _table(plan, packet, block, prefix, values, where, att.scope == "project")
            elif isinstance(block, ListBlock):
                _list(plan, packet, block, prefix, values)
            elif isinstance(block, IndicatorBlock):
                _indicator_inputs(plan, packet, block, prefix, where)
        if att.scorecard is not None:
            block = next(b for b in att.blocks if isinstance(b, IndicatorBlock))
            items = get_or_blank(packet, resolve(att.scorecard.indicators, prefix))
            sp = ScorePlan(prefix or _root_of(att.scorecard), where, att, att.scorecard, rule,
                           len(items) if isinstance(items, list) else 0, block,
                           IndicatorRule(att.scorecard.indicator_score, att.scorecard.indicator_product))
            _scorecard(plan, sp)
            plan.scorecards.append(sp)
    for fig in pack.figures:  # refs no form shows are still cells to read (after the forms gave their kinds)
        for ref in fig.refs:
            if ref not in plan.figures and ref not in plan.inputs:
                plan.number(ref, Kind.MONEY)
    for path, label in pack.required:
        plan.required.append((path, label))
    return plan


def _root_of(card: Scorecard) -> str:
    """The prefix of a packet-scope scorecard: the common head of its paths (self_eval)."""
    return card.weight.split(".", 1)[0]


def _short(text: str, limit: int = 18) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


# --- blocks ------------------------------------------------------------------------------------------


def _plain_label(text: str) -> str:
    return text.strip().removeprefix("其中：").strip().rstrip("：:").strip()


def _form(plan: Plan, block: FormBlock, prefix: str, where: str, values: dict[str, object]) -> None:
    """Input cells of a form, each named by the label on its left or the heading above it."""
    headings: dict[int, str] = {}
    for row in block.rows:
        col = 0
        left = ""
        for cell in row.cells:
            if cell.only == "screen":
                continue
            if cell.role in ("label", "header") and cell.text.strip():
                left = _plain_label(fill(cell.text, values))
                if cell.role == "header":
                    for c in range(col, col + cell.span):
                        headings[c] = left
            elif cell.role == "input":
                name = headings.get(col) or left
                _form_cell(plan, cell, prefix, f"{where}{name}")
            elif cell.role == "figure":  # a figure a packet may state (控制率): its stated cell has its name
                fig = plan.figures.get(resolve(cell.ref, prefix))
                if fig is not None and fig.stated:
                    plan.names.setdefault(fig.stated, f"{where}{headings.get(col) or left}")
            col += cell.span


def _form_cell(plan: Plan, cell: CellSpec, prefix: str, name: str = "") -> None:
    if cell.role != "input":
        return
    path = resolve(cell.ref, prefix)
    if cell.kind is Kind.TEXT:
        plan.texts[path] = name
    else:
        plan.number(path, cell.kind, name)
    if cell.required:
        plan.required.append((path, ""))


def table_cell(block: TableBlock, row: Row, col: Column, prefix: str) -> CellSpec | None:
    """What a table shows at (row, column): its own input, the column's special cell, or None (——)."""
    if col.rows and row.key not in col.rows:
        return None
    if col.cell is not None:
        return col.cell
    if col.key in row.na:
        return None
    return CellSpec("input", ref=f"{resolve(block.root, prefix)}.{row.key}.{col.key}", kind=col.kind)


def _table(
    plan: Plan, packet: Packet, block: TableBlock, prefix: str, values: dict[str, object], where: str, scoped: bool
) -> None:
    """Rows × columns of a table; a project form's sums name the project (附件3“项目” 年度资金总额)."""
    root = resolve(block.root, prefix)
    head = where if scoped else ""
    labels = {r.key: r.label.removeprefix("其中：").rstrip("：").strip() for r in block.rows}
    for row in block.rows:
        for col in block.columns:
            cell = table_cell(block, row, col, prefix)
            if cell is None:
                continue
            if cell.role != "input" or cell.ref != f"{root}.{row.key}.{col.key}":
                _form_cell(plan, cell, prefix, f"{where}{fill(col.label, values)}")
                continue
            path = cell.ref
            col_label = fill(col.label, values)
            plan.number(path, col.kind, f"{where}{labels[row.key]}（{col_label}）")
            if row.parts:
                parts = tuple(f"{root}.{k}.{col.key}" for k in row.parts)
                plan.put(Figure(path, Formula("sum", parts, stated=path), col.kind, path, "sum",
                                f"{head}{labels[row.key]}（{col_label}）"))
            elif row.lines is not None:
                refs = _lines(plan, packet, row, col, root, col_label)
                plan.put(Figure(path, Formula("sum", refs, stated=path), col.kind, path, "sum",
                                f"{head}{labels[row.key]}（{col_label}）"))
            for member in row.members:
                plan.members.append(Member(path, f"{root}.{member}.{col.key}", row.label,
                                           labels[member], col_label))


def _lines(plan: Plan, packet: Packet, row: Row, col: Column, root: str, col_label: str) -> tuple[str, ...]:
    """The line rows under a table row (附件1 项目支出): each a cell, or the sum of its named sub-rows."""
    assert row.lines is not None
    items = get_or_blank(packet, row.lines.list)
    refs = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        p = f"{row.lines.list}[{i}]"
        path = f"{p}.{col.key}"
        name = str(getattr(item, row.lines.name, "") or "")
        plan.number(path, col.kind, f"附件1 项目支出“{name}”（{col_label}）")
        subs = getattr(item, row.lines.sublist, None) if row.lines.sublist else None
        if isinstance(subs, list) and subs:
            parts = []
            for j, sub in enumerate(subs):
                q = f"{p}.{row.lines.sublist}[{j}].{col.key}"
                plan.number(q, col.kind, f"附件1 项目支出“{getattr(sub, row.lines.name, '')}”（{col_label}）")
                parts.append(q)
            plan.put(Figure(path, Formula("sum", tuple(parts), stated=path), col.kind, path, "sum",
                            f"{name or '专项资金'}（{col_label}）"))
        refs.append(path)
    return tuple(refs)


def _list(plan: Plan, packet: Packet, block: ListBlock, prefix: str, values: dict[str, object]) -> None:
    list_path = resolve(block.list, prefix)
    items = get_or_blank(packet, list_path)
    for i in range(len(items) if isinstance(items, list) else 0):
        p = f"{list_path}[{i}]"
        for col in block.columns:
            path = f"{p}.{col.key}"
            label = f"{block.name or fill(block.side, values)}第{i + 1}行 {fill(col.label, values)}"
            if col.derive is not None:
                op, refs = col.derive
                stated = path if col.stated else ""
                plan.put(Figure(path, Formula(op, tuple(f"{p}.{r}" for r in refs)), col.kind, stated,
                                "stated" if stated else "", f"{block.name}{fill(col.label, values)}"))
                if stated:
                    plan.number(path, col.kind, label)
            elif col.kind is Kind.TEXT:
                plan.texts.setdefault(path, label)
            else:
                plan.number(path, col.kind, label)


def _indicator_inputs(plan: Plan, packet: Packet, block: IndicatorBlock, prefix: str, where: str) -> None:
    list_path = resolve(block.list, prefix)
    items = get_or_blank(packet, list_path)
    noun = "三级指标" if block.shape == "tree" else "指标"
    for i in range(len(items) if isinstance(items, list) else 0):
        for col in block.columns:
            name = f"{where}第{i + 1}个{noun}的{col.label}"
            if col.kind is Kind.TEXT:
                plan.texts.setdefault(f"{list_path}[{i}].{col.key}", name)
            else:
                plan.number(f"{list_path}[{i}].{col.key}", col.kind, name)


def _scorecard(plan: Plan, sp: ScorePlan) -> None:
    card = sp.card
    for ref, name in ((card.weight, "执行率分值"), (card.score, "执行率得分"), (card.total, "总分")):
        plan.number(sp.path(ref), Kind.SCORE, f"{sp.where}{name}")
    plan.number(sp.key("execution_rate"), Kind.RATE, f"{sp.where}执行率")
    for ref in sp.rate_refs:
        if ref not in plan.figures:
            plan.number(ref, Kind.MONEY)
    rate_key = sp.key("execution_rate")
    plan.put(Figure(rate_key, Formula("ratio", sp.rate_refs), Kind.RATE, rate_key, "rate", where=sp.where))
    weight = sp.path(card.weight)
    if sp.rule.entered:
        plan.put(Figure(sp.key("execution_score"), Formula("copy", (sp.path(card.score),)), Kind.SCORE,
                        where=sp.where))
    else:
        plan.put(Figure(sp.key("execution_score"), Formula("score", (weight, rate_key), rule=sp.rule), Kind.SCORE,
                        sp.path(card.score), "exec_score", where=sp.where))
    list_path = sp.path(card.indicators)
    weights, scores = [], []
    for i in range(sp.count):
        p = f"{list_path}[{i}]"
        for level in card.levels:
            weight_key = card.level_weights.get(level)
            if weight_key:
                noun = "一级" if level == "level1" else "二级"
                plan.number(f"{p}.{weight_key}", Kind.SCORE, f"{sp.where}第{i + 1}个三级指标的{noun}指标分值")
        weights.append(f"{p}.weight")
        score = f"{p}.score"
        if sp.indicator_rule.derived:
            a, b = sp.indicator_rule.refs
            plan.put(Figure(score, Formula("product", (f"{p}.{a}", f"{p}.{b}")), Kind.SCORE, score, "stated",
                            f"{sp.where}第{i + 1}个指标的得分"))
        scores.append(score)
        plan.number(f"{p}.weight", Kind.SCORE)
        plan.number(score, Kind.SCORE)
    plan.put(Figure(sp.key("indicator_weight_total"), Formula("sum", tuple(weights)), Kind.SCORE))
    plan.put(Figure(sp.key("indicator_score_total"), Formula("sum", tuple(scores)), Kind.SCORE))
    plan.put(Figure(sp.key("weight_total"), Formula("sum", (weight, *weights)), Kind.SCORE, where=sp.where))
    total = Formula("sum", (sp.score_ref, *scores))
    total_key = sp.key("total_score")
    if card.caps:
        plan.put(Figure(sp.key("uncapped_total_score"), total, Kind.SCORE))
        total = Formula("cap", (sp.key("uncapped_total_score"), rate_key), caps=card.caps)
    plan.put(Figure(total_key, total, Kind.SCORE, sp.path(card.total), "total", where=sp.where))
    if card.reason is not None:
        plan.texts[sp.path(card.reason.path)] = card.reason.label
