"""GUI fixtures: a real database (app.storage) in a temporary file holding the seed-000 packet."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.domain.model import Packet
from app.domain.package import read_package_file
from app.storage import Database, open_database

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "perfeval.db")
    yield database
    database.close()


@pytest.fixture
def pid(db: Database) -> int:
    return db.import_packet(read_package_file(DATA / "seed_000.json"))


@pytest.fixture
def reopen(db: Database, pid: int) -> Callable[[], Packet]:
    """The packet as a fresh connection to the file reads it (what a restart would show)."""

    def read() -> Packet:
        QApplication.processEvents()  # the autosave runs in the next turn of the event loop
        other = open_database(db.path)
        try:
            return other.load_packet(pid)
        finally:
            other.close()

    return read
