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


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[tuple[str, str, str]]:
    """No test may hang on a modal message box: every one is recorded (kind, title, text) instead of shown;
    a question is answered 是 unless a test patches it.  Window settings go to the test's folder."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str, str]] = []

    def record(kind: str, answer: QMessageBox.StandardButton):  # type: ignore[no-untyped-def]
        def box(_parent: object, title: str, text: str, *_a: object, **_k: object) -> QMessageBox.StandardButton:
            shown.append((kind, title, text))
            return answer

        return box

    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, record(kind, QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "about", lambda *_a: shown.append(("about", "", "")))

    def unexpected(self: QMessageBox) -> int:
        raise AssertionError(f"unexpected message box: {self.windowTitle()}: {self.text()}")

    monkeypatch.setattr(QMessageBox, "exec", unexpected)
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    return shown


@pytest.fixture
def clean_pid(db: Database) -> int:
    """Seed 004: no errors, one warning (附件2 项目支出 vs 附件1)."""
    return db.import_packet(read_package_file(DATA / "seed_004.json"))
