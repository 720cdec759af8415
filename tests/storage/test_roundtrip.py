"""Package → database → package loses nothing, for every seed and for every kind of raw value."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.edits import SetCell, apply_edit
from app.domain.package import packet_to_dict, write_package_text
from app.storage import Database, StorageError, open_database
from tests.conftest import SEEDS
from tests.storage.conftest import seed


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_seed_round_trips(db: Database, path: Path) -> None:
    packet = seed(int(path.stem[-3:]))
    pid = db.import_packet(packet)
    back = db.load_packet(pid)
    assert packet_to_dict(back) == packet_to_dict(packet)
    assert write_package_text(back) == write_package_text(packet)  # same key order too


def test_round_trip_survives_reopening(db_path: Path) -> None:
    with open_database(db_path) as first:
        ids = {n: first.import_packet(seed(n)) for n in range(5)}
    with open_database(db_path) as again:
        for n, pid in ids.items():
            assert packet_to_dict(again.load_packet(pid)) == packet_to_dict(seed(n))


def test_list_packets_and_units(db: Database) -> None:
    for n in range(5):
        db.import_packet(seed(n))
    infos = db.list_packets()
    assert [(i.unit_name, i.year) for i in infos] == sorted((i.unit_name, i.year) for i in infos)
    assert {i.status for i in infos} == {"草稿"}
    assert {i.template for i in infos} == {seed(n).template for n in range(5)}
    assert sorted(u.name for u in db.list_units()) == sorted(seed(n).unit.name for n in range(5))
    assert db.find_packet(seed(0).unit.name, 2024) == next(i.id for i in infos if i.unit_name == seed(0).unit.name)
    assert db.find_packet(seed(0).unit.name, 1999) is None


def test_duplicate_unit_year_is_refused_unless_replaced(db: Database) -> None:
    first = db.import_packet(seed(0))
    changed = seed(0)
    changed.notes = "第二次导入"
    with pytest.raises(StorageError, match="已有"):
        db.import_packet(changed)
    assert db.load_packet(first).notes == ""
    second = db.import_packet(changed, replace=True)
    assert db.load_packet(second).notes == "第二次导入"
    assert len(db.list_packets()) == 1


def test_packet_without_unit_name_is_refused(db: Database) -> None:
    packet = seed(0)
    packet.unit.name = " "
    with pytest.raises(StorageError, match="单位名称"):
        db.import_packet(packet)
    assert db.is_empty()


raw_values = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
CELL_PATHS = (
    "basic.funds.three_public.prior",
    "basic.staff.authorized",
    "self_eval.income.other",
    "self_eval.indicators[2].weight",
    "projects[0].funds.carryover.initial",
    "basic.buildings[0].approved_area",
    "scoring_rule.k",
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(raw_values, min_size=len(CELL_PATHS), max_size=len(CELL_PATHS)))
def test_raw_values_keep_their_type_and_text(db: Database, values: list[object]) -> None:
    pid = db.find_packet(seed(0).unit.name, 2024) or db.import_packet(seed(0))
    packet = db.load_packet(pid)
    for path, value in zip(CELL_PATHS, values, strict=True):
        edit = SetCell(path, None, value)
        db.apply(pid, edit)
        apply_edit(packet, edit)
    back = db.load_packet(pid)
    assert back == packet
    for path, value in zip(CELL_PATHS, values, strict=True):
        from app.domain.paths import get_value

        stored = get_value(back, path)
        assert type(stored) is type(value) and stored == value


def test_keys_a_package_added_keep_their_place(db: Database) -> None:
    from app.domain.model import FundRow, ProjectFunds

    packet = seed(0)
    packet.basic.funds["zz_extra_row"] = FundRow("1", 2, 3.5)
    packet.basic.funds["aa_extra_row"] = FundRow(None, "x", None)
    packet.self_eval.income["其他来源"] = "5"
    packet.projects[0].funds["上级补助"] = ProjectFunds("1", "1", "1")
    packet.extra = {"future": {"b": 1, "a": [1, "2"]}}
    back = db.load_packet(db.import_packet(packet))
    assert back == packet
    assert write_package_text(back) == write_package_text(packet)


def test_stored_packet_exports_back_to_the_same_package_file(db: Database, tmp_path: Path) -> None:
    from app.domain.package import read_package_file, write_package_file
    from tests.conftest import DATA

    pid = db.import_packet(read_package_file(DATA / "seed_003.json"))
    out = tmp_path / "export.json"
    write_package_file(db.load_packet(pid), out)
    assert out.read_text(encoding="utf-8") == write_package_text(seed(3))
    assert read_package_file(out) == seed(3)
