"""批量导出…: every packet of the database, one file each, in a worker thread behind a progress dialog."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from app.export.batch import BatchResult
    from app.storage import Database, PacketInfo

FORMAT_NAMES = {"PDF": "pdf", "Excel": "xlsx", "Word": "docx", "数据包（.json）": "json"}


def export_everything(parent: QWidget, db: Database, infos: list[PacketInfo]) -> BatchResult | None:
    if not infos:
        QMessageBox.information(parent, "批量导出", "数据库中还没有材料。")
        return None
    name, ok = QInputDialog.getItem(parent, "批量导出", "导出格式：", list(FORMAT_NAMES), 0, False)
    if not ok:
        return None
    folder = QFileDialog.getExistingDirectory(parent, "导出到文件夹", str(Path.home()))
    if not folder:
        return None
    return run_batch(parent, db, infos, FORMAT_NAMES[name], Path(folder))


def run_batch(parent: QWidget | None, db: Database, infos: list[PacketInfo], fmt: str, folder: Path) -> BatchResult:
    from app.export.batch import BatchItem, export_many
    from app.ui.worker import run_with_progress

    items = [
        BatchItem(f"{info.unit_name}{info.year}年度绩效自评", functools.partial(db.load_packet, info.id))
        for info in infos
    ]

    def work(progress: Any, cancelled: Any) -> BatchResult:
        # a packet with errors is exported as a draft (marked 草稿): a batch never stops half-way to ask
        return export_many(items, fmt, folder, draft=True, progress=progress, cancelled=cancelled)

    result: BatchResult
    result, _cancelled = run_with_progress(parent, "批量导出", work, total=len(items))
    lines = [f"已导出 {len(result.written)} 个文件到 {folder}"]
    if result.cancelled:
        lines.append("已取消，其余材料没有导出")
    lines += [f"· {name}：{why}" for name, why in result.failed[:10]]
    if parent is not None:
        QMessageBox.information(parent, "批量导出", "\n".join(lines))
    return result
