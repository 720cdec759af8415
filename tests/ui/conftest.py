"""GUI fixtures: a database in a temporary file holding the seed-000 packet, and a main window on it."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.domain.edits import Edit, apply_edit
from app.domain.model import Packet
from app.domain.package import read_package_file

DATA = Path(__file__).resolve().parents[1] / "data"


class FakeDB:
    """Stand-in until app.storage is merged (same methods)."""

    def __init__(self) -> None:
        self.packets: dict[int, Packet] = {1: read_package_file(DATA / "seed_000.json")}
        self.writes = 0
        self.pid = 1

    def load_packet(self, packet_id: int) -> Packet:
        return copy.deepcopy(self.packets[packet_id])

    def apply(self, packet_id: int, edit: Edit) -> None:
        apply_edit(self.packets[packet_id], edit)
        self.writes += 1

    def apply_many(self, packet_id: int, edits: Sequence[Edit]) -> None:
        for e in edits:
            apply_edit(self.packets[packet_id], e)
        self.writes += 1


@pytest.fixture
def db() -> FakeDB:
    return FakeDB()


@pytest.fixture
def pid(db: FakeDB) -> int:
    return db.pid


@pytest.fixture
def reopen(db: FakeDB) -> Callable[[], Packet]:
    """The packet as the database holds it now (what a restart would show)."""

    def read() -> Packet:
        QApplication.processEvents()  # the autosave runs in the next turn of the event loop
        return copy.deepcopy(db.packets[db.pid])

    return read
