"""`perfeval import` of hostile packages: what the reader accepts is stored whole and comes back equal, or is
refused by storage in Chinese with nothing stored (tests/fuzzing.py's mutated seeds)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from app.domain.package import PackageError, read_package_bytes
from app.storage import StorageError, open_database
from tests.fuzzing import mutated_seeds


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated_seeds())
def test_whatever_the_reader_accepts_is_stored_and_read_back(data: bytes) -> None:
    try:
        packet = read_package_bytes(data)
    except PackageError:
        return
    with tempfile.TemporaryDirectory() as folder, open_database(Path(folder) / "f.db") as db:
        try:
            pid = db.import_packet(packet)
        except StorageError as exc:  # e.g. a blank unit name
            assert "\n" not in str(exc)
            assert db.list_packets() == []
            return
        assert db.load_packet(pid) == packet
