"""Invariants of the "sum of parts" figures, over generated packets."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.evaluate import evaluate
from app.domain.model import FundRow, Indicator, Packet, ProjectLine, SubLine
from app.domain.numbers import format_money

money = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)
maybe_money = st.one_of(st.none(), money)


def _txt(v: Decimal | None) -> str | None:
    return None if v is None else format_money(v, grouping=True)


@given(maybe_money, maybe_money, maybe_money, maybe_money)
def test_three_public_is_the_sum_of_its_filled_parts(
    purchase: Decimal | None, operation: Decimal | None, overseas: Decimal | None, reception: Decimal | None
) -> None:
    p = Packet()
    p.basic.funds["vehicle_purchase"] = FundRow(actual=_txt(purchase))
    p.basic.funds["vehicle_operation"] = FundRow(actual=_txt(operation))
    p.basic.funds["overseas"] = FundRow(actual=_txt(overseas))
    p.basic.funds["reception"] = FundRow(actual=_txt(reception))
    c = evaluate(p).computed
    parts = [v for v in (purchase, operation, overseas, reception) if v is not None]
    got = c.value("basic.funds.three_public.actual")
    assert got == (sum(parts, Decimal(0)) if parts else None)
    vehicle = [v for v in (purchase, operation) if v is not None]
    assert c.value("basic.funds.vehicle.actual") == (sum(vehicle, Decimal(0)) if vehicle else None)


@given(st.lists(st.lists(money, max_size=4), max_size=5))
def test_projects_total_is_the_sum_of_lines_and_sub_lines(groups: list[list[Decimal]]) -> None:
    p = Packet()
    for i, subs in enumerate(groups):
        line = ProjectLine(name=f"专项{i}", actual=str(sum(subs, Decimal(0))) if subs else "1")
        line.lines = [SubLine(name=f"子项{j}", actual=str(v)) for j, v in enumerate(subs)]
        p.basic.project_lines.append(line)
    result = evaluate(p)
    expected = sum((sum(s, Decimal(0)) if s else Decimal(1) for s in groups), Decimal(0))
    assert result.computed.value("basic.funds.projects.actual") == (expected if groups else None)
    assert not [i for i in result.issues if i.code == "sum_mismatch"]


@settings(max_examples=50)
@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=30))
def test_total_score_and_weight_total(rows: list[tuple[int, int]]) -> None:
    p = Packet()
    p.self_eval.budget_full_year, p.self_eval.executed, p.self_eval.weight = "100", "100", "10"
    for w, s in rows:
        p.self_eval.indicators.append(
            Indicator(level1="产出指标", name="x", weight=str(w), score=str(min(s, w)), deviation="原因")
        )
    c = evaluate(p).computed
    assert c.value("self_eval.weight_total") == 10 + sum(w for w, _ in rows)
    assert c.value("self_eval.total_score") == 10 + sum(min(s, w) for w, s in rows)


def test_stated_total_stands_when_parts_are_blank() -> None:
    p = Packet()
    p.basic.funds["three_public"] = FundRow(prior="1.64", budget="1.59", actual="1.59")
    c = evaluate(p).computed
    assert c.text("basic.funds.three_public.actual") == "1.59"
