"""附件4 自评报告: the section editor, and the figures from the tables that the report quotes.

The side panel shows the current 基本支出/项目支出/执行数/执行率/得分/总分 (from the evaluation, so it follows
every edit of the tables), inserts them at the cursor in the wording the checker reads, lists the
cross_table_mismatch issues of the report, and can rewrite stale quoted figures with the table's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.edits import Edit, insert_item, remove_item, set_cell
from app.domain.model import ReportSection
from app.domain.numbers import format_money
from app.domain.packs import fill
from app.ui.session import Session, list_edit_index

#: (label, where the figure comes from, how it reads in the report)
_MONEY_FIGURES = (("基本支出", "self_eval.spending.basic"), ("项目支出", "self_eval.spending.project"))
_OTHER_FIGURES = (
    ("全年执行数", "self_eval.executed", "全年执行数{}万元"),
    ("执行率", "self_eval.execution_rate", "预算执行率{}"),
    ("执行率得分", "self_eval.execution_score", "执行率得分{}分"),
    ("总分", "self_eval.total_score", "自评总分{}分"),
)
# Same wording as the checker's cross-table rule: 基本支出为123.45万元
_EDIT_KEYS = frozenset({Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter})


def _changes_text(event: QKeyEvent) -> bool:
    """A keystroke that types or deletes (not an arrow, not a shortcut such as Ctrl+C)."""
    if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
        return event.key() in (Qt.Key.Key_V, Qt.Key.Key_X)
    return bool(event.text()) or event.key() in _EDIT_KEYS


_QUOTED = re.compile(r"(基本支出|项目支出)((?:为|共计|合计|共|总计)?\s*)([0-9][0-9,]*(?:\.[0-9]+)?)(\s*万元)")


class ReportTab(QWidget):
    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._own = False
        self._shown = -1
        self.sections = QListWidget()
        self.sections.setMaximumWidth(260)
        add = QPushButton("添加章节")
        add.setToolTip("在当前章节后添加一章（标题按自评报告的标准章节依次给出）")
        add.clicked.connect(self.add_section)
        remove = QPushButton("删除章节")
        remove.setToolTip("删除当前章节（有内容时会先确认；可用Ctrl+Z撤销）")
        remove.clicked.connect(self.remove_section)
        left = QVBoxLayout()
        left.addWidget(QLabel(fill("{year}年度自评报告章节", {"year": session.packet.year})))
        left.addWidget(self.sections, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        left.addLayout(buttons)

        self.title = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("在此撰写本章内容；右侧的数字可直接插入。")
        middle = QVBoxLayout()
        middle.addWidget(QLabel("章节标题"))
        middle.addWidget(self.title)
        middle.addWidget(self.text, 1)

        self.figure_values: dict[str, QLabel] = {}
        figures = QGroupBox("表格中的数字（随表格自动更新）")
        grid = QGridLayout(figures)
        rows = [(name, key) for name, key in _MONEY_FIGURES] + [(n, k) for n, k, _ in _OTHER_FIGURES]
        for r, (name, key) in enumerate(rows):
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            insert = QPushButton("插入")
            insert.setToolTip(f"在光标处插入{name}")
            insert.clicked.connect(lambda _=False, k=key: self.insert_figure(k))
            grid.addWidget(QLabel(name), r, 0)
            grid.addWidget(value, r, 1)
            grid.addWidget(insert, r, 2)
            self.figure_values[key] = value
        self.mismatches = QLabel()
        self.mismatches.setWordWrap(True)
        self.sync = QPushButton("用表格数字更新报告中的金额")
        self.sync.setToolTip("把报告中引用的基本支出、项目支出金额改为附件2中的数字")
        self.sync.clicked.connect(self.sync_figures)
        right = QVBoxLayout()
        right.addWidget(figures)
        right.addWidget(self.mismatches)
        right.addWidget(self.sync)
        right.addStretch(1)

        split = QSplitter()
        for lay in (left, middle, right):
            w = QWidget()
            w.setLayout(lay)
            split.addWidget(w)
        split.setStretchFactor(1, 1)
        QVBoxLayout(self).addWidget(split)

        # Typing is saved after a short pause (and when leaving the section), not per character.
        self.pending = QTimer(self)
        self.pending.setSingleShot(True)
        self.pending.setInterval(700)
        self.pending.timeout.connect(self.commit_text)
        self.text.textChanged.connect(self.pending.start)
        self.title.editingFinished.connect(self.commit_title)
        # A reviewed (已审核/已打印) or read-only packet: asked before the first keystroke, not after typing.
        self.text.installEventFilter(self)
        self.title.installEventFilter(self)
        self.sections.currentRowChanged.connect(self.show_section)
        session.changed.connect(self.on_changed)
        self.fill_list()
        self.refresh_figures()

    @property
    def current(self) -> int:
        return self.sections.currentRow()

    def fill_list(self) -> None:
        row = self.current
        self.sections.blockSignals(True)
        self.sections.clear()
        for sec in self.session.packet.report.sections:
            self.sections.addItem(sec.title or "（无标题）")
        self.sections.blockSignals(False)
        if self.sections.count():
            self.sections.blockSignals(True)
            self.sections.setCurrentRow(min(max(row, 0), self.sections.count() - 1))
            self.sections.blockSignals(False)
        self.load_section(self.current)

    def show_section(self, row: int) -> None:
        """The clerk picked another section: save the one being edited, show the new one."""
        self.commit_text()
        self.load_section(row)

    def load_section(self, row: int) -> None:
        """Show section ``row`` as the packet holds it (after undo, a sync, a new list)."""
        secs = self.session.packet.report.sections
        enabled = 0 <= row < len(secs)
        self.title.setEnabled(enabled)
        self.text.setEnabled(enabled)
        self.title.setText(secs[row].title if enabled else "")
        self.text.blockSignals(True)
        self.text.setPlainText(secs[row].text if enabled else "")
        self.text.blockSignals(False)
        self._shown = row

    def commit_text(self) -> None:
        self.pending.stop()
        row = self._shown
        secs = self.session.packet.report.sections
        if 0 <= row < len(secs) and secs[row].text != self.text.toPlainText():
            self._commit_own([set_cell(self.session.packet, f"report.sections[{row}].text", self.text.toPlainText())])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.text, self.title) and (
            (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and _changes_text(event))
            or event.type() == QEvent.Type.InputMethod
        ):
            return not self.session.may_change()  # True swallows the keystroke: nothing typed is lost later
        return super().eventFilter(watched, event)

    def _commit_own(self, edits: list[Edit]) -> None:
        """Commit what the editor holds without reloading the editor (the cursor stays where it is)."""
        self._own = True
        try:
            done = self.session.commit(edits)
        finally:
            self._own = False
        if not done:
            self.load_section(self._shown)  # refused: the editor shows what the packet holds

    def commit_title(self) -> None:
        row = self.current
        secs = self.session.packet.report.sections
        if 0 <= row < len(secs) and secs[row].title != self.title.text():
            self._commit_own([set_cell(self.session.packet, f"report.sections[{row}].title", self.title.text())])
            item = self.sections.item(row)
            if item is not None:
                item.setText(self.title.text() or "（无标题）")

    def add_section(self) -> None:
        self.commit_text()
        secs = self.session.packet.report.sections
        used = {s.title for s in secs}
        defaults = self.session.pack.report.sections if self.session.pack.report else ()
        title = next((t for t in defaults if t not in used), "新章节")
        index = self.current + 1 if self.current >= 0 else len(secs)
        self.session.commit([insert_item(self.session.packet, "report.sections", index, ReportSection(title=title))])

    def remove_section(self) -> None:
        if 0 <= self.current < len(self.session.packet.report.sections):
            self.commit_text()
            section = self.session.packet.report.sections[self.current]
            if section.text.strip():
                from app.ui.tabs import confirm_removal

                if not confirm_removal(self, section, "这一章"):
                    return
            self.pending.stop()
            self.session.commit([remove_item(self.session.packet, "report.sections", self.current)])

    def on_changed(self, edits: Sequence[Edit], structural: int) -> None:
        touched_report = any(getattr(e, "path", getattr(e, "list_path", "")).startswith("report.") for e in edits)
        if touched_report and not self._own and not self.pending.isActive():
            target = next((t for e in edits if (t := list_edit_index(e)) is not None), None)
            self.fill_list()
            if target is not None and self.sections.count():
                self.sections.blockSignals(True)
                self.sections.setCurrentRow(min(target[1], self.sections.count() - 1))
                self.sections.blockSignals(False)
                self.load_section(self.current)
        self.refresh_figures()

    # --- figures ---------------------------------------------------------------------------------

    def figure_text(self, key: str) -> str:
        ev = self.session.evaluation
        if key in dict(_MONEY_FIGURES).values() or key == "self_eval.executed":
            return format_money(ev.cells.value(key))
        return ev.computed.text(key)

    def refresh_figures(self) -> None:
        for key, label in self.figure_values.items():
            label.setText(self.figure_text(key))
        issues = [
            i
            for i in self.session.evaluation.issues
            if i.code == "cross_table_mismatch" and i.field.startswith("report.")
        ]
        self.mismatches.setText(
            "报告与表格不一致：\n" + "\n".join(f"· {i.message}" for i in issues)
            if issues
            else "报告中引用的金额与附件2一致。"
        )
        self.mismatches.setStyleSheet("color: #a40000;" if issues else "color: #2a6a2a;")
        self.sync.setEnabled(bool(issues))

    def insert_figure(self, key: str) -> None:
        names = {k: n for n, k in _MONEY_FIGURES}
        if key in names:
            snippet = f"{names[key]}{self.figure_text(key)}万元"
        else:
            pattern = next(p for _n, k, p in _OTHER_FIGURES if k == key)
            snippet = pattern.format(self.figure_text(key))
        self.text.insertPlainText(snippet)
        self.commit_text()

    def sync_figures(self) -> None:
        """Rewrite 基本支出/项目支出 amounts quoted in every section with the figures of 附件2."""
        self.commit_text()
        values = {name: self.session.evaluation.cells.value(key) for name, key in _MONEY_FIGURES}
        edits: list[Edit] = []
        for i, sec in enumerate(self.session.packet.report.sections):

            def repl(m: re.Match[str]) -> str:
                value = values.get(m.group(1))
                return m.group(0) if value is None else f"{m.group(1)}{m.group(2)}{format_money(value)}{m.group(4)}"

            new = _QUOTED.sub(repl, sec.text)
            if new != sec.text:
                edits.append(set_cell(self.session.packet, f"report.sections[{i}].text", new))
        self.session.commit(edits)

    def locate(self, path: str) -> bool:
        m = re.match(r"^report\.sections\[(\d+)\]", path)
        if not m or int(m.group(1)) >= self.sections.count():
            return False
        self.sections.setCurrentRow(int(m.group(1)))
        self.text.setFocus()
        return True
