"""指标库 in the window: 三级 indicators used before (earlier years, other units, imported packets) and the
template's standard 二级 groups, searchable as you type; the chosen one fills 一级/二级/三级/指标值/分值."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.model import Indicator
from app.ui.session import Session


def describe(ind: Indicator) -> str:
    name = ind.name or "（新三级指标）"
    extra = "，".join(x for x in (f"指标值 {ind.target}" if ind.target else "",
                                   f"{ind.weight}分" if ind.weight not in (None, "") else "") if x)  # fmt: skip
    return f"{ind.level1} › {ind.level2} › {name}" + (f"（{extra}）" if extra else "")


class LibraryDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        library: Callable[[], list[Indicator]] | None,
        session: Session | None,
        *,
        pick: bool = False,
        remember: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("从指标库添加三级指标" if pick else "指标库")
        self.resize(720, 520)
        self.chosen: Indicator | None = None
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入指标名称、一级或二级指标的一部分…")
        self.search.setToolTip("列表随输入筛选")
        self.search.textChanged.connect(self.apply_filter)
        self.list = QListWidget()
        self.list.itemDoubleClicked.connect(lambda _item: self.take() if pick else None)
        items: list[Indicator] = []
        seen: set[tuple[str, str, str]] = set()
        for ind in library() if library is not None else []:
            key = (ind.level1, ind.level2, ind.name)
            if key not in seen:
                seen.add(key)
                items.append(ind)
        catalogue = session.pack.catalogue(session.packet.catalogue) if session is not None else None
        for level1 in catalogue.level1 if catalogue is not None else ():  # the pack's groups, for a new name
            for level2 in level1.level2:
                items.append(Indicator(level1=level1.name, level2=level2))
        for ind in items:
            item = QListWidgetItem(describe(ind))
            item.setData(Qt.ItemDataRole.UserRole, ind)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)
        buttons = QHBoxLayout()
        if remember is not None:
            save = QPushButton("把本材料的指标存入指标库")
            save.setToolTip("本材料中已填写名称的三级指标存入指标库，以后新建材料时可直接选用")
            save.clicked.connect(lambda: (remember(), QMessageBox.information(self, "指标库", "已存入指标库。")))
            buttons.addWidget(save)
        buttons.addStretch(1)
        if pick:
            add = QPushButton("添加")
            add.setToolTip("把选中的指标添加到表中（在相同一级/二级指标之后）")
            add.clicked.connect(self.take)
            add.setDefault(True)
            buttons.addWidget(add)
        close = QPushButton("取消" if pick else "关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout_box = QVBoxLayout(self)
        layout_box.addWidget(QLabel("以前用过的指标（本单位往年、其他单位、导入的材料）和模板的标准分组："))
        layout_box.addWidget(self.search)
        layout_box.addWidget(self.list, 1)
        layout_box.addLayout(buttons)

    def apply_filter(self) -> None:
        words = self.search.text().split()
        first = -1
        for r in range(self.list.count()):
            item = self.list.item(r)
            hidden = not all(w in item.text() for w in words)
            item.setHidden(hidden)
            if not hidden and first < 0:
                first = r
        if first >= 0:
            self.list.setCurrentRow(first)

    def take(self) -> None:
        item = self.list.currentItem()
        if item is None or item.isHidden():
            return
        found = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(found, Indicator):
            self.chosen = Indicator(
                level1=found.level1, level2=found.level2, name=found.name, target=found.target, weight=found.weight
            )
            self.accept()
