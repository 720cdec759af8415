"""Storage tests use real SQLite files in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain.model import Packet
from app.domain.package import read_package_file
from app.storage import Database, open_database
from tests.conftest import DATA


def seed(n: int) -> Packet:
    return read_package_file(DATA / f"seed_{n:03d}.json")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "perfeval.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()
