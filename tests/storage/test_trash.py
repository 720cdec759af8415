"""回收站 (packets.deleted_at), renaming units, raw rows of a packet, default rows of a new packet."""

from __future__ import annotations

import pytest

from app.storage import Database, StorageError
from tests.storage.conftest import seed


def test_trash_keeps_the_packet_until_emptied(db: Database) -> None:
    pid = db.import_packet(seed(0))
    db.trash_packet(pid)
    assert db.list_packets() == [] and db.find_packet(seed(0).unit.name, 2024) is None
    assert [i.id for i in db.list_packets(trash=True)] == [pid]
    assert db.find_packet(seed(0).unit.name, 2024, trash=True) == pid
    assert db.load_packet(pid) == seed(0), "everything typed is kept in the 回收站"
    with pytest.raises(StorageError, match="回收站"):
        db.import_packet(seed(0))  # the same unit and year is still taken, and the message says where
    db.restore_packet(pid)
    assert [i.id for i in db.list_packets()] == [pid] and db.list_packets(trash=True) == []
    db.trash_packet(pid)
    assert db.empty_trash() == 1
    assert db.list_packets(trash=True) == [] and db.counts()["units"] == 0


def test_rename_unit_moves_every_year(db: Database) -> None:
    pid = db.import_packet(seed(0))
    nxt = db.create_next_year(pid)
    db.rename_unit(seed(0).unit.name, "新名称")
    assert {(i.unit_name, i.year) for i in db.list_packets()} == {("新名称", 2024), ("新名称", 2025)}
    assert db.load_packet(nxt).unit.name == "新名称"
    with pytest.raises(StorageError, match="不能为空"):
        db.rename_unit("新名称", "  ")
    other = seed(4)
    other.year = 2024
    db.import_packet(other)
    with pytest.raises(StorageError, match="2024"):
        db.rename_unit("新名称", other.unit.name)  # both have a 2024 packet: refused, nothing changed
    assert {i.unit_name for i in db.list_packets()} == {"新名称", other.unit.name}


def test_raw_rows_of_a_packet(db: Database) -> None:
    pid = db.import_packet(seed(0))
    rows = db.raw_rows(pid)
    assert rows["packets"][0]["id"] == pid
    assert len(rows["indicators"]) >= len(seed(0).self_eval.indicators)
    assert rows["project_funds"] and rows["entries"]


def test_new_packet_has_the_default_project_lines(db: Database) -> None:
    packet = db.load_packet(db.create_packet("某某县财政局", 2025))
    assert [(line.kind, line.name) for line in packet.basic.project_lines] == [
        ("business", "业务工作经费"),
        ("operation", "运行维护经费"),
    ]
