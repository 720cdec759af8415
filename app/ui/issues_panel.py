"""The validation panel: errors and warnings with their Chinese messages; a click jumps to the cell.

A warning (提示) can be explained in a sentence (合理性说明: right-click, or 编辑 → 填写提示的合理性说明…);
the explanation is stored with the packet (an undoable edit of ``explanations``) and the warning then counts
as explained.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMenu, QTreeWidget, QTreeWidgetItem

from app.domain.edits import set_cell
from app.domain.rules import Issue, explanation_key
from app.ui.session import Session


class IssuesPanel(QTreeWidget):
    def __init__(self, session: Session, jump: Callable[[Issue], None]) -> None:
        super().__init__()
        self.session = session
        self.jump = jump
        self.setColumnCount(3)
        self.setHeaderLabels(["类型", "说明（单击跳转到对应单元格）", "合理性说明（提示：右键填写）"])
        self.setRootIsDecorated(False)
        self.setColumnWidth(0, 60)
        self.setColumnWidth(1, 640)
        self.setUniformRowHeights(True)  # one line per issue (full text in the tooltip): cheap to update
        self.setToolTip("单击跳转到单元格；对“提示”右键可填写合理性说明")
        self.shown: list[tuple[Issue, str]] = []
        self.itemClicked.connect(self._clicked)
        self.itemActivated.connect(self._clicked)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.refresh()
        session.changed.connect(self.refresh)

    def refresh(self, *_args: object) -> None:
        ev = self.session.evaluation
        issues = [(i, ev.explanation(i)) for i in sorted(ev.issues, key=lambda i: not i.is_error)]
        if issues == self.shown:
            return  # most keystrokes change no issue: keep the list (and its selection) as it is
        self.shown = issues
        # Update rows in place: a figure quoted in a message changes with nearly every keystroke, and
        # rebuilding the whole list each time would cost more than the recalculation itself.
        while self.topLevelItemCount() > len(issues):
            self.takeTopLevelItem(self.topLevelItemCount() - 1)
        for row, (issue, why) in enumerate(issues):
            item = self.topLevelItem(row)
            if item is None:
                item = QTreeWidgetItem()
                self.addTopLevelItem(item)
            elif item.data(0, Qt.ItemDataRole.UserRole) == issue and item.text(2) == why:
                continue
            item.setText(0, issue.severity.label + ("（已说明）" if why else ""))
            item.setText(1, issue.message)
            item.setText(2, why)
            item.setData(0, Qt.ItemDataRole.UserRole, issue)
            item.setToolTip(1, issue.message)
            item.setToolTip(2, why or ("提示：右键填写合理性说明" if not issue.is_error else "错误必须改正，不能说明"))
            colour = "#b00020" if issue.is_error else ("#5a7a5a" if why else "#8a5a00")
            item.setForeground(0, QBrush(QColor(colour)))
            item.setForeground(1, QBrush(QColor("#666666" if why else "#000000")))

    def current_issue(self) -> Issue | None:
        item = self.currentItem()
        issue = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        return issue if isinstance(issue, Issue) else None

    def _menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        self.setCurrentItem(item)
        issue = self.current_issue()
        if issue is None or issue.is_error:
            return
        menu = QMenu(self)
        menu.addAction("填写合理性说明…", self.explain_current)
        if self.session.evaluation.explanation(issue):
            menu.addAction("删除合理性说明", lambda: self.explain(issue, ""))
        menu.exec(self.viewport().mapToGlobal(pos))

    def explain_current(self) -> None:
        issue = self.current_issue()
        if issue is None or issue.is_error:
            return
        old = self.session.evaluation.explanation(issue)
        text, ok = QInputDialog.getText(
            self, "合理性说明", f"{issue.message}\n\n请用一句话说明这一情况为什么合理：", QLineEdit.EchoMode.Normal, old
        )
        if ok:
            self.explain(issue, text)

    def explain(self, issue: Issue, text: str) -> bool:
        """Store (or with "" remove) the 合理性说明 of a warning, as one undoable edit."""
        packet = self.session.packet
        new = dict(packet.explanations)
        key = explanation_key(issue)
        if text.strip():
            new[key] = text.strip()
        else:
            new.pop(key, None)
        if new == packet.explanations:
            return False
        return self.session.commit([set_cell(packet, "explanations", new)])

    def _clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        issue = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(issue, Issue):
            self.jump(issue)
