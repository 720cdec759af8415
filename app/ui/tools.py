"""工具 menu: 备份… and 从备份恢复… through the storage layer (a checked backup file; a staged restore that
keeps a copy of the current data first)."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.questions import ask

if TYPE_CHECKING:
    from app.storage import Database


def backup(parent: QWidget, db: Database) -> Path | None:
    from app.storage import StorageError

    name = f"绩效自评备份-{_dt.datetime.now():%Y%m%d-%H%M}.db"
    path, _ = QFileDialog.getSaveFileName(parent, "备份到", str(Path.home() / name), "备份文件 (*.db)")
    if not path:
        return None
    target = Path(path) if Path(path).suffix.lower() == ".db" else Path(path + ".db")
    try:
        written = db.backup_to(target)
    except StorageError as exc:
        QMessageBox.warning(parent, "备份失败", str(exc))
        return None
    QMessageBox.information(parent, "备份", f"已备份到：\n{written}")
    return written


def restore(parent: QWidget, db: Database) -> bool:
    """True when the data was replaced (the window must read everything again)."""
    from app.storage import StorageError

    start = db.path.parent / "backups"
    path, _ = QFileDialog.getOpenFileName(
        parent, "选择备份文件", str(start if start.is_dir() else Path.home()), "备份文件 (*.db);;所有文件 (*)"
    )
    if not path:
        return False
    if not ask(
        parent, "从备份恢复",
        f"用备份 {Path(path).name} 替换当前的全部数据吗？\n\n恢复前，当前数据会先自动备份到数据文件夹的 backups 中。",
        default_no=True,
    ):  # fmt: skip
        return False
    try:
        db.restore_from(Path(path))
    except StorageError as exc:
        QMessageBox.warning(parent, "恢复失败", str(exc))
        return False
    QMessageBox.information(parent, "从备份恢复", "已从备份恢复。恢复前的数据已保存在数据文件夹的 backups 中。")
    return True
