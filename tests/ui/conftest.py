"""GUI fixtures: a real database (app.storage) in a temporary file holding the seed-000 packet."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.domain.model import Packet
from app.domain.package import read_package_file
from app.storage import Database, open_database

if TYPE_CHECKING:
    from app.ui.main_window import MainWindow

DATA = Path(__file__).resolve().parents[1] / "data"

#: Qt messages that are not a problem of ours, each with the reason; anything else at warning level or above
#: fails the test that caused it (a leak, a bad signal connection or a deprecation is seen the day it appears)
QT_MESSAGES_ALLOWED: tuple[tuple[re.Pattern[str], str], ...] = (
    # the offscreen platform plugin (QT_QPA_PLATFORM=offscreen) has no window manager to pass size hints to
    (re.compile(r"^This plugin does not support propagateSizeHints\(\)$"), "offscreen platform"),
)
_FAILING = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)


@pytest.fixture(autouse=True)
def fail_on_qt_warnings() -> Iterator[list[str]]:
    """A Qt message handler for the whole test, set-up and tear-down included: a Qt warning fails the test."""
    seen: list[str] = []

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if kind in _FAILING and not any(pattern.search(message) for pattern, _why in QT_MESSAGES_ALLOWED):
            seen.append(f"{kind.name}: {message}")
        if previous is not None:  # pytest-qt's capture still sees everything
            previous(kind, context, message)

    previous = qInstallMessageHandler(handler)
    yield seen
    QApplication.processEvents()  # deleteLater'd widgets of this test go now, inside its own check
    qInstallMessageHandler(previous)
    if seen:
        pytest.fail("Qt warnings during the test:\n" + "\n".join(seen), pytrace=False)


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


@pytest.fixture
def window(qtbot: QtBot, db: Database, pid: int) -> MainWindow:
    """The main window on seed 000, shown (test_lifecycle's own takes the error-free seed 004)."""
    from app.ui.main_window import MainWindow

    w = MainWindow(db, pid)
    qtbot.addWidget(w)
    w.show()
    return w
