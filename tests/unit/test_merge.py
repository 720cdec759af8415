"""合并: blanks filled from the incoming packet, typed cells kept, rows matched by name."""

from __future__ import annotations

import copy

from app.domain.merge import merge_packets
from app.domain.model import Indicator, Packet, Project
from tests.conftest import DATA


def _seed() -> Packet:
    from app.domain.package import read_package_file

    return read_package_file(DATA / "seed_000.json")


def test_blanks_are_filled_and_typed_cells_kept() -> None:
    full = _seed()
    mine = copy.deepcopy(full)
    mine.basic.staff.actual = None
    mine.self_eval.executed = "1"
    mine.self_eval.indicators[0].actual = ""
    merged = merge_packets(mine, full)
    assert merged.basic.staff.actual == full.basic.staff.actual
    assert merged.self_eval.executed == "1", "what the clerk typed stays"
    assert merged.self_eval.indicators[0].actual == full.self_eval.indicators[0].actual
    assert len(merged.self_eval.indicators) == len(full.self_eval.indicators)
    assert mine.basic.staff.actual is None, "inputs are not changed"


def test_unmatched_rows_are_added() -> None:
    mine = _seed()
    theirs = copy.deepcopy(mine)
    theirs.projects.append(Project(name="新项目", weight="10"))
    theirs.self_eval.indicators.append(Indicator(level1="产出指标", level2="数量指标", name="新指标"))
    theirs.explanations = {"over_execution@self_eval.execution_rate": "追加预算"}
    merged = merge_packets(mine, theirs)
    assert [p.name for p in merged.projects][-1] == "新项目"
    assert merged.self_eval.indicators[-1].name == "新指标"
    assert merged.explanations == theirs.explanations
    assert merged.unit.name == mine.unit.name and merged.year == mine.year
