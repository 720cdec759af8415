"""Autosave: after ``db.apply(pid, e)`` the stored packet equals the in-memory packet after ``apply_edit``."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable

import pytest

from app.domain.edits import Edit, InsertItem, RemoveItem, SetCell, apply_edit, insert_item, remove_item, set_cell
from app.domain.model import (
    Band,
    Building,
    Indicator,
    Packet,
    Project,
    ProjectFunds,
    ProjectLine,
    ReportSection,
    ScoringRule,
    Staff,
    SubLine,
    Target,
    Unit,
)
from app.domain.paths import PathError
from app.storage import Database, StorageError
from tests.storage.conftest import seed

Make = Callable[[Packet], list[Edit]]

SCENARIOS: dict[str, Make] = {
    "fund cell": lambda p: [set_cell(p, "basic.funds.three_public.prior", "１１.７２")],
    "staff int": lambda p: [set_cell(p, "basic.staff.actual", 67)],
    "austerity text": lambda p: [set_cell(p, "basic.austerity", "新的措施")],
    "income to blank": lambda p: [set_cell(p, "self_eval.income.general_budget", None)],
    "indicator score": lambda p: [set_cell(p, "self_eval.indicators[4].score", "4.5")],
    "indicator name": lambda p: [set_cell(p, "self_eval.indicators[0].name", "改过的指标")],
    "target text": lambda p: [set_cell(p, "self_eval.targets[0].actual", "已完成")],
    "project field": lambda p: [set_cell(p, "projects[0].supervisor", "市委组织部")],
    "project funds": lambda p: [set_cell(p, "projects[0].funds.carryover.executed", "3.5")],
    "project indicator": lambda p: [set_cell(p, "projects[0].indicators[1].actual", "98%")],
    "project line": lambda p: [set_cell(p, "basic.project_lines[1].budget", "900")],
    "building": lambda p: [set_cell(p, "basic.buildings[0].actual_area", "12.5")],
    "report text": lambda p: [set_cell(p, "report.sections[2].text", "第三章正文")],
    "notes": lambda p: [set_cell(p, "notes", "备注")],
    "catalogue": lambda p: [set_cell(p, "catalogue", "cost_level1")],
    "unit contact": lambda p: [set_cell(p, "unit.phone", "0730-1234567")],
    "whole unit": lambda p: [set_cell(p, "unit", Unit("中共岳阳市委组织部", "张三", "123", "李四", "2025-06-30"))],
    "rename unit": lambda p: [set_cell(p, "unit.name", "岳阳市委组织部（新）")],
    "year": lambda p: [set_cell(p, "year", 2023)],
    "scoring rule": lambda p: [
        set_cell(p, "scoring_rule", ScoringRule("bands", None, [Band("95%", "1"), Band("80%", 0.8)]))
    ],
    "scoring k": lambda p: [set_cell(p, "scoring_rule.kind", "deduct_per_point"), SetCell("scoring_rule.k", None, 2)],
    "whole fund row": lambda p: [set_cell(p, "basic.funds.reception", copy.deepcopy(p.basic.funds["office"]))],
    "whole staff": lambda p: [set_cell(p, "basic.staff", Staff(81, 70, "86.42%"))],
    "whole indicator": lambda p: [set_cell(p, "self_eval.indicators[2]", Indicator("效益指标", "30", "社会效益指标"))],
    "whole project": lambda p: [set_cell(p, "projects[0]", Project(name="新项目"))],
    "whole indicator list": lambda p: [set_cell(p, "self_eval.indicators", p.self_eval.indicators[:3])],
    "whole self_eval": lambda p: [set_cell(p, "self_eval", copy.deepcopy(seed(4).self_eval))],
    "whole basic": lambda p: [set_cell(p, "basic", copy.deepcopy(seed(4).basic))],
    "extra key": lambda p: [set_cell(p, "extra", {"future_field": [1, "x"]})],
    "insert indicator": lambda p: [insert_item(p, "self_eval.indicators", 2, Indicator("产出指标", "50", "数量指标"))],
    "remove indicator": lambda p: [remove_item(p, "self_eval.indicators", 0)],
    "insert project indicator": lambda p: [
        insert_item(p, "projects[0].indicators", 0, Indicator("产出指标", "50", "质量指标", "合格率", "100%"))
    ],
    "insert project": lambda p: [insert_item(p, "projects", 0, Project(name="甲", targets=[Target("a", "b")]))],
    "remove project": lambda p: [remove_item(p, "projects", 0)],
    "insert line": lambda p: [insert_item(p, "basic.project_lines", 1, ProjectLine("运行维护经费", "operation"))],
    "insert sub-line": lambda p: [insert_item(p, "basic.project_lines[1].lines", 0, SubLine("专项一", "1", 2, 3.5))],
    "insert building": lambda p: [insert_item(p, "basic.buildings", 1, Building(completed_year=2023))],
    "remove building": lambda p: [remove_item(p, "basic.buildings", 0)],
    "insert target": lambda p: [insert_item(p, "self_eval.targets", 1, Target("目标2", ""))],
    "insert section": lambda p: [insert_item(p, "report.sections", 0, ReportSection("前言", "……"))],
    "remove section": lambda p: [remove_item(p, "report.sections", 9)],
    "project funds extra row": lambda p: [
        set_cell(p, "projects[0].funds", {**p.projects[0].funds, "其他来源": ProjectFunds("1", "2", "3")})
    ],
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_stored_packet_follows_every_edit(db: Database, name: str) -> None:
    pid = db.import_packet(seed(0))
    packet = db.load_packet(pid)
    edits = SCENARIOS[name](packet)
    for edit in edits:
        db.apply(pid, edit)
        apply_edit(packet, edit)
        assert db.load_packet(pid) == packet
    assert db.load_packet(pid) != seed(0)  # the edit really changed something


def test_a_long_mixed_session_then_undo_everything(db: Database) -> None:
    from app.domain.edits import invert

    pid = db.import_packet(seed(0))
    packet = db.load_packet(pid)
    done: list[Edit] = []
    for name in SCENARIOS:
        if name in ("rename unit", "year"):
            continue
        for edit in SCENARIOS[name](packet):
            db.apply(pid, edit)
            apply_edit(packet, edit)
            done.append(edit)
    assert db.load_packet(pid) == packet
    for edit in reversed(done):
        db.apply(pid, invert(edit))
    assert db.load_packet(pid) == seed(0)


def test_apply_many_is_all_or_nothing(db: Database) -> None:
    pid = db.import_packet(seed(0))
    before = db.load_packet(pid)
    good = SetCell("basic.funds.three_public.prior", "11.72", "99")
    bad = SetCell("basic.funds.no_such_row.prior", None, "1")
    with pytest.raises(PathError):
        db.apply_many(pid, [good, bad])
    assert db.load_packet(pid) == before
    slow_then_bad = [InsertItem("report.sections", 0, ReportSection("x", "")), RemoveItem("projects", 7, None)]
    with pytest.raises(IndexError):  # what apply_edit says of a row that is not there
        db.apply_many(pid, slow_then_bad)
    assert db.load_packet(pid) == before


def test_a_pasted_block_lands_in_one_transaction(db: Database) -> None:
    pid = db.import_packet(seed(0))
    packet = db.load_packet(pid)
    block = [set_cell(packet, f"self_eval.indicators[{i}].score", str(i)) for i in range(6)]
    block.append(insert_item(packet, "self_eval.targets", 1, Target("粘贴的目标", "")))
    db.apply_many(pid, block)
    for edit in block:
        apply_edit(packet, edit)
    assert db.load_packet(pid) == packet


@pytest.mark.parametrize(
    ("edit", "error"),
    [
        (SetCell("self_eval.indicators[99].score", None, "1"), PathError),
        (SetCell("basic.nothing", None, "1"), PathError),
        (SetCell("self_eval.indicators[0].name", "", 5), StorageError),  # a text column gets a number
        (SetCell("basic.funds.office.prior", None, True), StorageError),
        (SetCell("notes", "", ["a list"]), StorageError),
        (SetCell("extra", {}, {"x": object()}), StorageError),
    ],
)
def test_bad_edits_are_refused_and_change_nothing(db: Database, edit: Edit, error: type[Exception]) -> None:
    pid = db.import_packet(seed(0))
    with pytest.raises(error):
        db.apply(pid, edit)
    assert db.load_packet(pid) == seed(0)


def test_year_or_name_clash_is_refused(db: Database) -> None:
    first = db.import_packet(seed(0))
    nxt = db.create_next_year(first)
    with pytest.raises(StorageError, match="已有"):
        db.apply(nxt, SetCell("year", 2025, 2024))
    other = db.import_packet(seed(4))
    with pytest.raises(StorageError, match="已有"):
        db.apply(other, SetCell("unit.name", seed(4).unit.name, seed(0).unit.name))
    assert db.load_packet(other).unit.name == seed(4).unit.name
    assert db.load_packet(nxt).year == 2025


def test_renaming_the_last_packet_of_a_unit_drops_the_old_unit(db: Database) -> None:
    pid = db.import_packet(seed(0))
    db.apply(pid, SetCell("unit.name", seed(0).unit.name, "新名称"))
    assert [u.name for u in db.list_units()] == ["新名称"]
    assert db.find_packet("新名称", 2024) == pid


def test_unit_contact_follows_the_newest_packet(db: Database) -> None:
    pid = db.import_packet(seed(0))
    nxt = db.create_next_year(pid)
    db.apply(nxt, SetCell("unit.preparer", "", "王五"))
    db.apply(pid, SetCell("unit.preparer", "", "旧人"))  # an older year's signature does not change the unit
    (unit,) = db.list_units()
    assert unit.preparer == "王五"
    assert db.load_packet(pid).unit.preparer == "旧人"


def test_each_apply_is_committed_before_it_returns(db: Database) -> None:
    pid = db.import_packet(seed(0))
    db.apply(pid, SetCell("self_eval.executed", "2328.48", "2400"))
    other = sqlite3.connect(str(db.path))  # a second connection sees only committed data
    try:
        (value,) = other.execute(
            "SELECT value FROM entries WHERE packet_id = ? AND path = 'self_eval.executed'", (pid,)
        ).fetchone()
    finally:
        other.close()
    assert value == "2400"


def test_status_and_delete(db: Database) -> None:
    pid = db.import_packet(seed(0))
    before = db.list_packets()[0].updated_at
    db.set_status(pid, "已审核")
    info = db.list_packets()[0]
    assert info.status == "已审核" and info.updated_at > before
    with pytest.raises(StorageError, match="状态"):
        db.set_status(pid, "作废")
    db.delete_packet(pid)
    assert db.is_empty() and db.list_units() == []
    with pytest.raises(StorageError, match="不存在"):
        db.load_packet(pid)
    with pytest.raises(StorageError, match="不存在"):
        db.apply(pid, SetCell("notes", "", "x"))
    counts = db.counts()
    assert counts["indicators"] == 0 and counts["projects"] == 0  # child rows went with the packet


def test_create_packet_has_the_layout_and_chapters(db: Database) -> None:
    from tests.hunan import PACK

    cost = PACK.catalogue("cost_level1")
    assert cost is not None and PACK.report is not None
    pid = db.create_packet("新单位", 2025, "cost_level1")
    packet = db.load_packet(pid)
    assert (packet.template, packet.catalogue, packet.template_version) == ("hunan-dept", "cost_level1", PACK.version)
    assert packet.year == 2025 and packet.unit.name == "新单位"
    weights = {i.level1: i.level1_weight for i in packet.self_eval.indicators}
    assert weights == {x.name: x.weight for x in cost.level1}
    assert [i.level2 for i in packet.self_eval.indicators] == [l2 for x in cost.level1 for l2 in x.level2]
    assert [s.title for s in packet.report.sections] == list(PACK.report.sections)
    assert [line.name for line in packet.basic.project_lines] == ["业务工作经费", "运行维护经费"]
    with pytest.raises(StorageError):
        db.create_packet("新单位", 2025)


def test_sample_is_imported_only_into_an_empty_database(db: Database) -> None:
    pid = db.import_sample_if_empty()
    assert pid is not None
    assert db.load_packet(pid) == seed(0)
    assert db.import_sample_if_empty() is None


def test_a_worker_thread_can_use_the_same_database(db: Database) -> None:
    """The GUI may import or export off its main thread while the main thread keeps saving edits."""
    import threading

    pid = db.import_packet(seed(0))
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for n in range(20):
                db.apply(pid, SetCell("self_eval.targets[0].actual", None, f"线程{n}"))
            for _ in range(5):  # reads, then deletes and writes: must not trip over the other thread's commits
                db.import_packet(seed(4), replace=True)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    for n in range(20):
        db.apply(pid, SetCell("notes", None, f"主线程{n}"))
    thread.join()
    assert errors == []
    packet = db.load_packet(pid)
    assert (packet.notes, packet.self_eval.targets[0].actual) == ("主线程19", "线程19")
    assert len(db.list_packets()) == 2
