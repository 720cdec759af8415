"""Validation (审核): each rule has a stable code, a severity, the cells it concerns and a Chinese
message that quotes the figures.  Errors (强制) block a final print; warnings (提示) do not.
Nothing here changes a stated figure.

The relations checked come from the packet's template pack through its :class:`~app.domain.plan.Plan`:
sum rows, 其中 rows, stated figures, scorecards (执行率 + indicators) and the pack's own checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from app.domain.calc import Computed, IndicatorTotals, ratio
from app.domain.cells import Cells
from app.domain.model import Packet
from app.domain.numbers import Kind, differs_at_precision, format_money, format_rate, format_score, format_value
from app.domain.packs import Check
from app.domain.paths import get_or_blank
from app.domain.plan import Figure, Plan, ScorePlan, variables
from app.domain.scoring import rule_problems


class Severity(StrEnum):
    ERROR = "error"  # 强制
    WARNING = "warning"  # 提示

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "提示"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    field: str  # the figure or block concerned (a computed key or a cell path)
    message: str
    cells: tuple[str, ...] = ()  # input cells to mark and jump to

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def explanation_key(issue: Issue) -> str:
    """Where a warning's 合理性说明 is kept in ``Packet.explanations``: ``code@field``."""
    return f"{issue.code}@{issue.field}"


#: The codes and what they mean (the GUI's help and the README list them).
CODES: dict[str, str] = {
    "invalid_number": "单元格内容不是有效数字",
    "missing_required": "必填项未填写",
    "stated_mismatch": "填报的计算结果与按公式计算的结果不一致",
    "sum_mismatch": "合计数与各分项之和不一致",
    "part_exceeds_total": "“其中”项大于其所属项目",
    "weight_mismatch": "分值与一级指标标注的分值或总分100不一致",
    "score_exceeds_weight": "得分超过分值",
    "missing_deviation_reason": "得分低于分值但未填写偏差原因",
    "missing_execution_reason": "执行率低于模板规定的比例但未说明原因",
    "cross_table_mismatch": "不同表格之间的同一数字不一致",
    "over_execution": "执行率超过100%",
    "staff_over_quota": "实际在职人数超过编制数",
    "negative_value": "金额为负数",
    "invalid_rule": "计分规则设置有误",
    "indicator_score_rule": "得分与按指标值、实际完成值计算的建议得分不一致",
    "template_version": "材料填写时的模板版本与本机的模板版本不同",
}
WARNING_CODES = frozenset({"cross_table_mismatch", "over_execution", "staff_over_quota", "negative_value",
                           "indicator_score_rule", "template_version"})

MONEY_TOLERANCE = Decimal("0.005")  # money is compared at 2 decimals


def money_differs(a: Decimal, b: Decimal) -> bool:
    return abs(a - b) >= MONEY_TOLERANCE


@dataclass(frozen=True)
class Context:
    packet: Packet
    plan: Plan
    cells: Cells
    computed: Computed

    def describe(self, path: str) -> str:
        return describe(self.plan, path)


def check(packet: Packet, plan: Plan, cells: Cells, computed: Computed) -> list[Issue]:
    ctx = Context(packet, plan, cells, computed)
    issues: list[Issue] = []
    for rule in RULES:
        issues.extend(rule(ctx))
    return issues


def _severity(code: str, declared: str = "") -> Severity:
    if declared:
        return Severity(declared)
    return Severity.WARNING if code in WARNING_CODES else Severity.ERROR


# --- individual rules --------------------------------------------------------------------------


def invalid_numbers(ctx: Context) -> Iterator[Issue]:
    for path, parsed in ctx.cells.parsed.items():
        if parsed.error:
            yield Issue("invalid_number", Severity.ERROR, path, f"{ctx.describe(path)}：{parsed.error}", (path,))
    for problem in rule_problems(ctx.packet.scoring_rule):
        yield Issue("invalid_rule", Severity.ERROR, problem.field, problem.message, (problem.field,))


def _blank(ctx: Context, path: str) -> bool:
    if path in ctx.cells.parsed:
        return ctx.cells.get(path).blank
    value = get_or_blank(ctx.packet, path)
    return value is None or not str(value).strip()


def required_fields(ctx: Context) -> Iterator[Issue]:
    for path, label in ctx.plan.required:
        if _blank(ctx, path):
            message = label if "填写" in label else f"{label or ctx.describe(path)}未填写"
            yield Issue("missing_required", Severity.ERROR, path, message, (path,))
    for sp in ctx.plan.scorecards:
        if not sp.card.required_weights:
            continue
        list_path = sp.path(sp.card.indicators)
        needed = (("weight", "分值"), ("score", "得分"))
        if sp.indicator_rule.derived:
            coef = sp.indicator_rule.refs[0]
            names = {c.key: c.label for c in sp.block.columns}
            needed = (("weight", names.get("weight", "权重")), (coef, names.get(coef, coef)))
        for i, ind in enumerate(sp.items(ctx.packet)):
            if not ind.name.strip():
                continue
            for attr, label in needed:
                path = f"{list_path}[{i}].{attr}"
                if ctx.cells.get(path).blank:
                    yield Issue("missing_required", Severity.ERROR, path,
                                f"{sp.where}{_noun(sp)}“{_short(ind.name)}”的{label}未填写", (path,))


def _noun(sp: ScorePlan) -> str:
    return "三级指标" if sp.block.shape == "tree" else "指标"


def stated_figures(ctx: Context) -> Iterator[Issue]:
    """A stated derived figure must equal the computed one at its own printed precision."""
    for key, fig in ctx.plan.figures.items():
        if fig.check not in ("stated", "rate", "exec_score", "total") or not fig.stated:
            continue
        stated = ctx.cells.get(fig.stated)
        value = ctx.computed.value(key)
        if stated.value is None or value is None or not differs_at_precision(stated, value, fig.kind):
            continue
        shown = ctx.cells.shown(fig.stated)
        computed = ctx.computed.text(key)
        message, related = _stated_message(ctx, fig, shown, computed)
        yield Issue("stated_mismatch", Severity.ERROR, key, message, (fig.stated, *related))


def _stated_message(ctx: Context, fig: Figure, s: str, c: str) -> tuple[str, tuple[str, ...]]:
    sp = next((x for x in ctx.plan.scorecards if fig.key.startswith(x.prefix + ".")), None)
    if fig.check == "rate" and sp is not None:
        return (f"{sp.where}执行率填报为{s}，按全年执行数/全年预算数（{_money_pair(ctx, sp)}）计算应为{c}", ())
    if fig.check == "exec_score" and sp is not None:
        return (f"{sp.where}执行率得分填报为{s}分，执行率{ctx.computed.text(sp.key('execution_rate'))}"
                f"按“{sp.rule.title}”规则应得{c}分", (sp.path(sp.card.weight),))
    if fig.check == "total" and sp is not None:
        return (f"{sp.where}总分填报为{s}，按执行率得分{ctx.computed.text(sp.key('execution_score'))}"
                f"+{_noun(sp)}得分合计{ctx.computed.text(sp.key('indicator_score_total'))}计算应为{c}", ())
    refs = fig.formula.refs
    if fig.terms and len(fig.terms) == len(refs) == 2 and fig.formula.op == "ratio":
        a, b = (_n(ctx.cells.value(r), ctx.cells.kinds.get(r, Kind.COUNT)) for r in refs)
        return f"{fig.label}填报为{s}，按{fig.terms[0]}{a}/{fig.terms[1]}{b}计算应为{c}", refs
    return f"{fig.label}填报为{s}，按公式计算应为{c}", ()


def sums(ctx: Context) -> Iterator[Issue]:
    """A total row (三公, 公务用车, 项目支出, a 专项 group, 附件3 资金) must equal the sum of its parts."""
    for key, fig in ctx.plan.figures.items():
        if fig.check != "sum":
            continue
        stated = ctx.cells.value(fig.stated)
        total = ctx.computed.value(key)
        parts = fig.formula.refs
        if stated is None or total is None or not any(
            ctx.cells.value(c) is not None or ctx.computed.value(c) is not None for c in parts
        ):
            continue
        if money_differs(stated, total):
            yield Issue(
                "sum_mismatch", Severity.ERROR, key,
                f"{fig.label}填报{format_money(stated)}，各分项合计为{format_money(total)}，"
                f"相差{format_money(stated - total)}",
                (fig.stated, *parts),
            )  # fmt: skip


def member_limits(ctx: Context) -> Iterator[Issue]:
    """“其中” rows (公用经费 → 办公经费 …) are parts of the parent, so none may exceed it."""
    for m in ctx.plan.members:
        parent = ctx.cells.value(m.parent)
        part = ctx.cells.value(m.member)
        if parent is not None and part is not None and part - parent >= MONEY_TOLERANCE:
            yield Issue(
                "part_exceeds_total", Severity.ERROR, m.member,
                f"其中{m.member_label}（{m.column}）{format_money(part)}大于{m.parent_label}{format_money(parent)}",
                (m.member, m.parent),
            )  # fmt: skip


def pack_checks(ctx: Context) -> Iterator[Issue]:
    """The pack's own checks: a breakdown adds up (按收入性质分), a count within its quota (在职 ≤ 编制),
    the same figure in two tables (附件2 项目支出 = 附件1), figures the report quotes."""
    values = variables(ctx.plan.pack, ctx.packet)
    for chk in ctx.plan.pack.checks:
        if chk.kind == "sum_equals":
            yield from _sum_equals(ctx, chk)
        elif chk.kind == "not_greater":
            yield from _not_greater(ctx, chk)
        elif chk.kind == "same":
            yield from _same(ctx, chk, values)
        elif chk.kind == "quotes":
            yield from _quotes(ctx, chk)


def _value(ctx: Context, ref: str) -> Decimal | None:
    return ctx.computed.value(ref) if ref in ctx.plan.figures else ctx.cells.value(ref)


def _sum_equals(ctx: Context, chk: Check) -> Iterator[Issue]:
    filled = [(r, v) for r in chk.refs if (v := _value(ctx, r)) is not None]
    target = _value(ctx, chk.against)
    if not filled or target is None:
        return
    total = sum((v for _, v in filled), Decimal(0))
    if not money_differs(total, target):
        return
    labels = dict(zip(chk.refs, chk.labels, strict=False))
    terms = "+".join(f"{_plain(labels.get(r, r))}{format_money(v)}" for r, v in filled)
    yield Issue(
        chk.code, _severity(chk.code, chk.severity), chk.at,
        f"{chk.title}：{terms}={format_money(total)}，不等于{chk.note}{format_money(target)}"
        f"（相差{format_money(total - target)}）",
        (*chk.refs, chk.against),
    )  # fmt: skip


def _not_greater(ctx: Context, chk: Check) -> Iterator[Issue]:
    a, b = (_value(ctx, r) for r in chk.refs[:2])
    if a is None or b is None or a <= b:
        return
    ka, kb = (ctx.cells.kinds.get(r, Kind.COUNT) for r in chk.refs[:2])
    la, lb = (*chk.labels, "", "")[:2]
    tail = f"，{chk.note}{format_rate(ratio(a, b))}" if chk.note else ""
    yield Issue(chk.code, _severity(chk.code, chk.severity), chk.at,
                f"{la}{_n(a, ka)}超过{lb}{_n(b, kb)}{tail}", tuple(chk.refs[:2]))


def _same(ctx: Context, chk: Check, values: dict[str, object]) -> Iterator[Issue]:
    from app.domain.packs import fill

    a, b = (_value(ctx, r) for r in chk.refs[:2])
    if a is None or b is None or not money_differs(a, b):
        return
    la, lb = (fill(x, values) for x in (*chk.labels, "", "")[:2])
    note = f"（{chk.note}）" if chk.note else ""
    yield Issue(chk.code, _severity(chk.code, chk.severity), chk.at,
                f"{la}{format_money(a)}与{lb}{format_money(b)}不一致{note}", tuple(chk.refs[:2]))


_QUOTE_TAIL = r"(?:为|共计|合计|共|总计)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*万元"


def _quotes(ctx: Context, chk: Check) -> Iterator[Issue]:
    """Figures in 万元 that the report's text quotes (基本支出 1379.39万元) against the tables."""
    if not chk.quotes:
        return
    pattern = re.compile(f"({'|'.join(re.escape(w) for w in chk.quotes)}){_QUOTE_TAIL}")
    for i, section in enumerate(ctx.packet.report.sections):
        for m in pattern.finditer(section.text):
            table_value = _value(ctx, chk.quotes[m.group(1)])
            if table_value is None:
                continue
            value = Decimal(m.group(2).replace(",", ""))
            if money_differs(value, table_value):
                path = f"report.sections[{i}].text"
                yield Issue(
                    chk.code, _severity(chk.code, chk.severity), path,
                    f"自评报告“{section.title}”写{m.group(1)}{m.group(2)}万元，{chk.note}为"
                    f"{format_money(table_value)}万元",
                    (path,),
                )  # fmt: skip


def weights(ctx: Context) -> Iterator[Issue]:
    for sp in ctx.plan.scorecards:
        totals = ctx.computed.indicator_totals.get(sp.prefix)
        if totals is None or not sp.count:
            continue
        yield from _level_weights(sp, totals)
        whole = ctx.computed.value(sp.key("weight_total"))
        if whole is not None and whole != sp.card.total_weight:
            exec_w = ctx.cells.value(sp.path(sp.card.weight))
            yield Issue(
                "weight_mismatch", Severity.ERROR, sp.key("weight_total"),
                f"{sp.where}分值合计为{format_score(whole)}分（执行率{format_score(exec_w)}分+"
                f"{_noun(sp)}{format_score(totals.weight_sum)}分），应为{format_score(sp.card.total_weight)}分",
                (sp.path(sp.card.weight),),
            )  # fmt: skip


def _level_weights(sp: ScorePlan, totals: IndicatorTotals) -> Iterator[Issue]:
    list_path = sp.path(sp.card.indicators)
    for group in totals.groups:
        if group.label_weight is None or group.weight_sum == group.label_weight:
            continue
        rows = tuple(f"{list_path}[{i}].weight" for i in group.rows)
        below = "三级指标" if group.level == "level1" and sp.block.shape == "tree" else "下级指标"
        yield Issue(
            "weight_mismatch", Severity.ERROR, f"{list_path}.{group.level}[{group.name}]",
            f"{sp.where}{group.name}标注{format_score(group.label_weight)}分，"
            f"其{below}分值合计为{format_score(group.weight_sum)}分",
            (*group.label_paths[:1], *rows),
        )  # fmt: skip


def indicator_scores(ctx: Context) -> Iterator[Issue]:
    for sp in ctx.plan.scorecards:
        list_path = sp.path(sp.card.indicators)
        reason = sp.block.column("reason")
        for i, ind in enumerate(sp.items(ctx.packet)):
            p = f"{list_path}[{i}]"
            w = ctx.cells.value(f"{p}.weight")
            s = _value(ctx, f"{p}.score")
            if w is None or s is None:
                continue
            path = f"{p}.score"
            if s > w:
                yield Issue(
                    "score_exceeds_weight", Severity.ERROR, path,
                    f"{sp.where}{_noun(sp)}“{_short(ind.name)}”得分{format_score(s)}超过分值{format_score(w)}",
                    (path,),
                )  # fmt: skip
            elif s < w and reason is not None and not str(get_or_blank(ctx.packet, f"{p}.{reason.key}") or "").strip():
                dev = f"{p}.{reason.key}"
                yield Issue(
                    "missing_deviation_reason", Severity.ERROR, dev,
                    f"{sp.where}{_noun(sp)}“{_short(ind.name)}”得分{format_score(s)}低于分值{format_score(w)}，"
                    f"须填写{reason.label or '偏差原因'}",
                    (dev, path),
                )  # fmt: skip
            if sp.card.suggest:
                suggested = ctx.computed.value(f"{p}.rule_score")
                if suggested is not None and format_score(suggested) != format_score(s):
                    yield Issue(
                        "indicator_score_rule", Severity.WARNING, path,
                        f"{sp.where}{_noun(sp)}“{_short(ind.name)}”得分{format_score(s)}，按指标值"
                        f"{ind.fields.get('value')}、实际完成值{ind.actual}计算建议得分{format_score(suggested)}",
                        (path,),
                    )  # fmt: skip
        w = ctx.cells.value(sp.path(sp.card.weight))
        s = ctx.cells.value(sp.path(sp.card.score))
        if w is not None and s is not None and s > w:
            yield Issue(
                "score_exceeds_weight", Severity.ERROR, sp.path(sp.card.score),
                f"{sp.where}执行率得分{format_score(s)}超过分值{format_score(w)}",
                (sp.path(sp.card.score), sp.path(sp.card.weight)),
            )  # fmt: skip


def execution(ctx: Context) -> Iterator[Issue]:
    for sp in ctx.plan.scorecards:
        rate = ctx.computed.value(sp.key("execution_rate"))
        if rate is None:
            continue
        if rate > 1:
            yield Issue(
                "over_execution", Severity.WARNING, sp.key("execution_rate"),
                f"{sp.where}执行率{format_rate(rate)}超过100%（全年执行数"
                f"{_money_pair(ctx, sp)}），请说明原因",
                sp.rate_refs,
            )  # fmt: skip
        reason = sp.card.reason
        if reason is not None and rate < reason.below and _blank(ctx, sp.path(reason.path)):
            yield Issue(
                "missing_execution_reason", Severity.ERROR, sp.path(reason.path),
                f"{sp.where}执行率{format_rate(rate)}低于{format_rate(reason.below)}，须填写{reason.label}",
                (sp.path(reason.path), *sp.rate_refs),
            )  # fmt: skip


def negatives(ctx: Context) -> Iterator[Issue]:
    for path, parsed in ctx.cells.parsed.items():
        if parsed.value is not None and parsed.value < 0 and ctx.cells.kinds[path] is Kind.MONEY:
            yield Issue(
                "negative_value", Severity.WARNING, path,
                f"{ctx.describe(path)}为负数（{ctx.cells.shown(path)}），请核实",
                (path,),
            )  # fmt: skip


def template_version(ctx: Context) -> Iterator[Issue]:
    pack, packet = ctx.plan.pack, ctx.packet
    if packet.template_version and packet.template_version != pack.version:
        yield Issue(
            "template_version", Severity.WARNING, "template",
            f"本材料按模板“{pack.name}”第{packet.template_version}版填写，本机只有第{pack.version}版，"
            "已按本机版本显示，请核对表格",
            (),
        )


RULES = (
    invalid_numbers,
    required_fields,
    stated_figures,
    sums,
    member_limits,
    pack_checks,
    weights,
    indicator_scores,
    execution,
    negatives,
    template_version,
)


# --- helpers ------------------------------------------------------------------------------------


def _money_pair(ctx: Context, sp: ScorePlan) -> str:
    ex, fy = (_value(ctx, r) for r in sp.rate_refs)
    return f"{format_money(ex)}/{format_money(fy)}"


def _n(value: Decimal | None, kind: Kind = Kind.COUNT) -> str:
    if value is None:
        return "——"
    return f"{value:.0f}" if kind is Kind.COUNT else format_value(value, kind)


def _plain(label: str) -> str:
    return label.removeprefix("其中：").rstrip("：").strip()


def _short(text: str, limit: int = 18) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def describe(plan: Plan, path: str) -> str:
    """A Chinese name for a cell, for messages: ``附件1 “三公”经费（2024年决算数）``."""
    name = plan.names.get(path) or plan.texts.get(path)
    if name:
        return name.strip()
    if path.startswith("scoring_rule"):
        return "计分规则"
    return path


__all__ = ["CODES", "Issue", "Severity", "check", "describe"]
