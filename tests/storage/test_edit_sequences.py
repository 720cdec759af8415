"""Random sequences of edits: the stored packet always equals the in-memory one (hypothesis)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from app.domain.edits import Edit, apply_edit, insert_item, remove_item, set_cell
from app.domain.model import Building, Indicator, Packet, Project, ProjectLine, ReportSection, SubLine, Target
from app.domain.paths import get_value
from app.storage import Database
from tests.storage.conftest import seed

raw = st.one_of(st.none(), st.integers(-1000, 10**6), st.text(max_size=8), st.floats(-1e6, 1e6))
text = st.text(max_size=8)

#: list path (may contain {p} for a project index) → (new item strategy, a raw field, a text field)
LISTS: dict[str, tuple[Any, str, str]] = {
    "self_eval.indicators": (st.builds(Indicator, text, raw, text, text), "score", "actual"),
    "self_eval.targets": (st.builds(Target, text, text), "", "expected"),
    "basic.project_lines": (st.builds(ProjectLine, text, st.just("special"), raw), "budget", "name"),
    "basic.buildings": (st.builds(Building, raw, raw), "actual_area", ""),
    "report.sections": (st.builds(ReportSection, text, text), "", "text"),
    "projects": (st.builds(Project, text), "weight", "supervisor"),
    "projects[{p}].indicators": (st.builds(Indicator, text, raw, text, text), "weight", "name"),
    "projects[{p}].targets": (st.builds(Target, text, text), "", "actual"),
    "basic.project_lines[{p}].lines": (st.builds(SubLine, text, raw), "actual", "name"),
}
CELLS = ("basic.funds.office.budget", "self_eval.executed", "self_eval.spending.basic", "basic.staff.authorized")


@st.composite
def edit_step(draw: st.DrawFn) -> tuple[str, str, int, Any, Any]:
    kind = draw(st.sampled_from(["insert", "insert", "remove", "set_raw", "set_text", "cell"]))
    list_path = draw(st.sampled_from(sorted(LISTS)))
    return kind, list_path, draw(st.integers(0, 30)), draw(raw), draw(LISTS[list_path][0])


def make_edit(packet: Packet, step: tuple[str, str, int, Any, Any], n: int) -> Edit | None:
    kind, list_path, index, value, item = step
    if "{p}" in list_path:
        owners = get_value(packet, list_path.split("[{p}]")[0])
        if not owners:
            return None
        list_path = list_path.format(p=index % len(owners))
    items = get_value(packet, list_path)
    _, raw_field, text_field = LISTS[list_path if list_path in LISTS else _shape(list_path)]
    if kind == "cell":
        return set_cell(packet, CELLS[index % len(CELLS)], value)
    if kind == "insert":
        return insert_item(packet, list_path, index, item)
    if not items:
        return None
    row = index % len(items)
    if kind == "remove":
        return remove_item(packet, list_path, row)
    field = raw_field if kind == "set_raw" else text_field
    if not field:
        return None
    new = f"第{n}次" if kind == "set_text" else value
    return set_cell(packet, f"{list_path}[{row}].{field}", new)


def _shape(path: str) -> str:
    import re

    return re.sub(r"^(projects|basic\.project_lines)\[\d+\]", r"\1[{p}]", path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(edit_step(), min_size=1, max_size=12))
def test_random_edit_sequences(db: Database, steps: list[tuple[str, str, int, Any, Any]]) -> None:
    pid = db.find_packet(seed(0).unit.name, 2024)
    if pid is not None:
        db.delete_packet(pid)
    pid = db.import_packet(seed(0))
    packet = db.load_packet(pid)
    for n, step in enumerate(steps):
        edit = make_edit(packet, step, n)
        if edit is None:
            continue
        event(type(edit).__name__)
        db.apply(pid, edit)
        apply_edit(packet, edit)
    assert db.load_packet(pid) == packet
