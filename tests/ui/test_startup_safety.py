"""Start-up dialogs of issue 11: a restore that fails (full disk) leaves the database as it was; a file that
cannot be read is not called damaged and no restore is offered."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from app.storage import backups, open_database, probe


def _damaged_with_a_backup(path: Path) -> int:
    db = open_database(path)
    pid = db.import_sample_if_empty()
    assert pid is not None and db.rotate_backups() is not None
    db.close()
    with path.open("r+b") as fh:
        fh.seek(4096)
        fh.write(b"\xff" * 8192)
    return pid


def test_restore_on_a_full_disk_keeps_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import main

    path = tmp_path / "perfeval.db"
    _damaged_with_a_backup(path)
    before = path.read_bytes()
    shown: list[str] = []

    def disk_full(*_args: object) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "copy_to_temp", disk_full)
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: QMessageBox.StandardButton.Yes)
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: shown.append(f"{title}:{text}"))
    assert main.open_db_with_dialogs(path) is None
    assert shown and shown[-1].startswith("恢复失败") and "磁盘空间已满" in shown[-1]
    assert path.read_bytes() == before  # not renamed away, not a 0-byte file
    assert not list(tmp_path.glob("perfeval.db.damaged-*"))


def test_an_unreadable_database_is_not_offered_a_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import main

    path = tmp_path / "perfeval.db"
    db = open_database(path)
    db.import_sample_if_empty()
    db.close()
    shown: list[str] = []

    def denied(_path: Path) -> object:
        raise probe.Unreadable("没有访问权限")

    monkeypatch.setattr(probe, "_ask_sqlite", lambda *_a: denied(path))
    monkeypatch.setattr(QMessageBox, "question", lambda *_a: pytest.fail("a restore was offered"))
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: shown.append(f"{title}:{text}"))
    assert main.open_db_with_dialogs(path) is None
    assert shown and "无法打开数据库" in shown[0] and "这不是文件损坏" in shown[0] and "权限" in shown[0]


def test_a_qt_warning_is_caught_by_the_suites_handler(fail_on_qt_warnings: list[str]) -> None:
    """The handler of tests/ui/conftest.py sees Qt warnings (this one is then forgiven, so the test passes)."""
    from PySide6.QtCore import qWarning

    qWarning("PerfEval test: a deliberate warning")
    assert fail_on_qt_warnings == ["QtWarningMsg: PerfEval test: a deliberate warning"]
    fail_on_qt_warnings.clear()
