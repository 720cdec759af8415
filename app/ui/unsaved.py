"""What the database has refused is never dropped without the clerk's word: before closing or switching,
the clerk chooses between a recovery file next to the database, trying again, and discarding."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.ui.session import Session

RECOVERY_GLOB = "*-恢复-*.json"


def recovery_name(session: Session) -> str:
    p = session.packet
    from app.export.batch import safe_name

    return f"{safe_name(p.unit.name or '未命名单位')}-{p.year}-恢复-{_dt.datetime.now():%Y%m%d-%H%M%S}.json"


def write_recovery(session: Session, folder: Path) -> Path:
    """The whole packet as the window holds it (every edit, saved or not) as a data package."""
    from app.domain.package import write_package_file

    target = folder / recovery_name(session)
    write_package_file(session.packet, target)
    return target


def recovery_files(db_path: Path) -> list[Path]:
    """Recovery files left next to the database, newest first."""
    try:
        found = [p for p in db_path.parent.glob(RECOVERY_GLOB) if p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def settle_unsaved(parent: QWidget, session: Session, db_path: Path, doing: str) -> bool:
    """Before ``doing`` (关闭窗口, 切换材料…) with edits the database refused: True to go on (saved to a
    recovery file, or discarded on purpose), False to stay (keep trying)."""
    while session.pending:
        n = sum(len(g) for g in session.unsaved) + sum(len(r.group) for r in session.refused)
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("有修改未保存")
        box.setText(f"有{n}处修改还没有存入数据库：\n{session.save_text()}\n\n{doing}之前，请选择如何处理这些修改。")
        box.setInformativeText(
            "“保存到恢复文件”把整份材料（含这些修改）存为数据包，放在数据库旁边，以后可用“文件→导入…”找回。"
        )
        keep = box.addButton("保存到恢复文件", QMessageBox.ButtonRole.AcceptRole)
        retry = box.addButton("继续尝试保存", QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton("放弃这些修改", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(keep)
        box.exec()
        clicked = box.clickedButton()
        if clicked is retry or clicked is None:
            return session.flush(wait_ms=2000)  # still refused: the window stays, the timer keeps retrying
        if clicked is drop:
            sure = QMessageBox.question(
                parent, "放弃修改", f"确定放弃这{n}处修改吗？放弃后无法找回。",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
            )  # fmt: skip
            if sure == QMessageBox.StandardButton.Yes:
                session.discard_unsaved()
                return True
            continue
        if clicked is keep and _save_recovery(parent, session, db_path):
            session.discard_unsaved()
            return True
    return True


def _save_recovery(parent: QWidget, session: Session, db_path: Path) -> bool:
    folder = db_path.parent
    while True:
        try:
            written = write_recovery(session, folder)
        except OSError as exc:
            answer = QMessageBox.warning(
                parent, "恢复文件",
                f"无法在 {folder} 写入恢复文件（{exc.strerror or exc}）。\n请换一个位置（例如U盘）。",
                QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            )  # fmt: skip
            if answer != QMessageBox.StandardButton.Ok:
                return False
            chosen = QFileDialog.getExistingDirectory(parent, "选择保存恢复文件的文件夹", str(Path.home()))
            if not chosen:
                return False
            folder = Path(chosen)
            continue
        QMessageBox.information(parent, "恢复文件", f"整份材料已保存为：\n{written}\n以后可用“文件→导入…”找回。")
        return True
