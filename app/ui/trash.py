"""回收站: packets moved there by 删除, kept with everything typed until the clerk empties it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.questions import ask

if TYPE_CHECKING:
    from app.storage import Database


class TrashDialog(QDialog):
    def __init__(self, parent: QWidget | None, db: Database, *, readonly: bool = False) -> None:
        super().__init__(parent)
        self.db = db
        self.restored: list[int] = []
        self.setWindowTitle("回收站")
        self.resize(560, 380)
        self.list = QListWidget()
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.restore_button = QPushButton("恢复")
        self.restore_button.setToolTip("把选中的材料放回单位/年度列表")
        self.restore_button.clicked.connect(self.restore)
        self.purge_button = QPushButton("永久删除…")
        self.purge_button.setToolTip("永久删除选中的材料，无法恢复")
        self.purge_button.clicked.connect(self.purge)
        self.empty_button = QPushButton("清空回收站…")
        self.empty_button.setToolTip("永久删除回收站中的全部材料，无法恢复")
        self.empty_button.clicked.connect(self.empty)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        for b in (self.restore_button, self.purge_button, self.empty_button):
            b.setEnabled(not readonly)
        buttons = QHBoxLayout()
        for b in (self.restore_button, self.purge_button, self.empty_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("已删除的材料保留在这里，可以恢复；清空回收站后才真正删除。"))
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.fill()

    def fill(self) -> None:
        self.list.clear()
        for info in self.db.list_packets(trash=True):
            when = f"{info.deleted_at.astimezone():%Y-%m-%d %H:%M}" if info.deleted_at else ""
            item = QListWidgetItem(f"{info.unit_name} — {info.year}年（{info.status}）　删除于 {when}")
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            self.list.addItem(item)
        if not self.list.count():
            self.list.addItem("（回收站是空的）")
            self.list.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        self.empty_button.setEnabled(self.empty_button.isEnabled() and bool(self.ids(all_items=True)))

    def ids(self, *, all_items: bool = False) -> list[int]:
        items = [self.list.item(i) for i in range(self.list.count())] if all_items else self.list.selectedItems()
        return [int(i.data(Qt.ItemDataRole.UserRole)) for i in items if i.data(Qt.ItemDataRole.UserRole) is not None]

    def restore(self) -> None:
        from app.storage import StorageError

        for pid in self.ids():
            try:
                self.db.restore_packet(pid)
                self.restored.append(pid)
            except StorageError as exc:
                QMessageBox.warning(self, "恢复", str(exc))
        self.fill()

    def purge(self) -> None:
        chosen = self.ids()
        if not chosen:
            return
        if ask(
            self, "永久删除", f"永久删除选中的{len(chosen)}份材料吗？删除后无法恢复。",
            default_no=True,
        ):  # fmt: skip
            for pid in chosen:
                self.db.delete_packet(pid)
            self.fill()

    def empty(self) -> None:
        n = len(self.ids(all_items=True))
        if ask(
            self, "清空回收站", f"永久删除回收站中的全部{n}份材料吗？删除后无法恢复。",
            default_no=True,
        ):  # fmt: skip
            self.db.empty_trash()
            self.fill()
