"""The validation panel: errors and warnings with their Chinese messages; a click jumps to the cell."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.domain.rules import Issue
from app.ui.session import Session


class IssuesPanel(QTreeWidget):
    def __init__(self, session: Session, jump: Callable[[Issue], None]) -> None:
        super().__init__()
        self.session = session
        self.jump = jump
        self.setColumnCount(2)
        self.setHeaderLabels(["类型", "说明（单击跳转到对应单元格）"])
        self.setRootIsDecorated(False)
        self.setColumnWidth(0, 60)
        self.setUniformRowHeights(True)  # one line per issue (full text in the tooltip): cheap to update
        self.shown: list[Issue] = []
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)
        self.refresh()
        session.changed.connect(self.refresh)

    def refresh(self, *_args: object) -> None:
        issues = sorted(self.session.evaluation.issues, key=lambda i: not i.is_error)
        if issues == self.shown:
            return  # most keystrokes change no issue: keep the list (and its selection) as it is
        self.shown = issues
        # Update rows in place: a figure quoted in a message changes with nearly every keystroke, and
        # rebuilding the whole list each time would cost more than the recalculation itself.
        while self.topLevelItemCount() > len(issues):
            self.takeTopLevelItem(self.topLevelItemCount() - 1)
        for row, issue in enumerate(issues):
            item = self.topLevelItem(row)
            if item is None:
                item = QTreeWidgetItem()
                self.addTopLevelItem(item)
            elif item.data(0, Qt.ItemDataRole.UserRole) == issue:
                continue
            item.setText(0, issue.severity.label)
            item.setText(1, issue.message)
            item.setData(0, Qt.ItemDataRole.UserRole, issue)
            item.setToolTip(1, issue.message)
            item.setForeground(0, QBrush(QColor("#b00020") if issue.is_error else QColor("#8a5a00")))

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        issue = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(issue, Issue):
            self.jump(issue)
