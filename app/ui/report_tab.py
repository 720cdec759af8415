"""附件4 自评报告: the section editor, and the figures from the tables that the report quotes.

The side panel shows the figures the pack lets the report quote (its ``quotes`` check: 基本支出/项目支出) and
the packet's scorecard (执行数/执行率/得分/总分), from the evaluation so they follow every edit of the tables;
inserts them at the cursor in the wording the checker reads; lists the cross_table_mismatch issues of the
report and can rewrite stale quoted figures with the table's.  A table copied from Excel/WPS is pasted as
table lines (``a | b | c``, printed as a ruled table), and the pack's generated tables and charts are asked
for with a line 【表1 …】 (:mod:`app.domain.report`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QMimeData, QObject, Qt, QTimer
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
from app.domain.report import from_clipboard, insert_line
from app.ui.session import Session, list_edit_index


@dataclass(frozen=True)
class QuotedFigure:
    """A figure the report may quote: its name, where it comes from, how it reads in the text."""

    name: str
    ref: str  # a field path or a figure key
    wording: str  # 基本支出{}万元 — the checker's wording for the quoted money figures
    checked: bool = False  # the pack's quotes check compares the text's figure with the table's


def quoted_figures(session: Session) -> list[QuotedFigure]:
    """The pack's quoted figures (checked against the text) and the packet's own scorecard figures."""
    out = [QuotedFigure(word, ref, f"{word}{{}}万元", checked=True)
           for chk in session.pack.checks if chk.kind == "quotes" for word, ref in chk.quotes.items()]
    for sp in session.evaluation.plan.scorecards:
        if sp.prefix.startswith("projects["):
            continue
        out += [QuotedFigure("全年执行数", sp.rate_refs[0], "全年执行数{}万元"),
                QuotedFigure("执行率", sp.key("execution_rate"), "预算执行率{}"),
                QuotedFigure("执行率得分", sp.key("execution_score"), "执行率得分{}分"),
                QuotedFigure("总分", sp.key("total_score"), "自评总分{}分")]
    return out


class ReportEditor(QPlainTextEdit):
    """The chapter's text; a block copied from Excel/WPS (tab-separated) is pasted as table lines."""

    def insertFromMimeData(self, source: QMimeData) -> None:  # Qt's name
        text = source.text() if source.hasText() else ""
        if "\t" in text:
            self.insertPlainText(from_clipboard(text))
            return
        super().insertFromMimeData(source)

_EDIT_KEYS = frozenset({Qt.Key.Key_Backspace, Qt.Key.Key_Delete, Qt.Key.Key_Return, Qt.Key.Key_Enter})


def _changes_text(event: QKeyEvent) -> bool:
    """A keystroke that types or deletes (not an arrow, not a shortcut such as Ctrl+C)."""
    if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
        return event.key() in (Qt.Key.Key_V, Qt.Key.Key_X)
    return bool(event.text()) or event.key() in _EDIT_KEYS


_QUOTE_TAIL = r"((?:为|共计|合计|共|总计)?\s*)([0-9][0-9,]*(?:\.[0-9]+)?)(\s*万元)"


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
        self.text = ReportEditor()
        self.text.setPlaceholderText(
            "在此撰写本章内容；右侧的数字可直接插入。\n从Excel或WPS复制的表格可直接粘贴，打印时成为表格（各列以“|”分隔）。"
        )
        middle = QVBoxLayout()
        middle.addWidget(QLabel("章节标题"))
        middle.addWidget(self.title)
        middle.addWidget(self.text, 1)

        self.figure_values: dict[str, QLabel] = {}
        self.figures = quoted_figures(session)
        figures = QGroupBox("表格中的数字（随表格自动更新）")
        grid = QGridLayout(figures)
        for r, fig in enumerate(self.figures):
            value = QLabel()
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            insert = QPushButton("插入")
            insert.setToolTip(f"在光标处插入{fig.name}")
            insert.clicked.connect(lambda _=False, f=fig: self.insert_figure(f))
            grid.addWidget(QLabel(fig.name), r, 0)
            grid.addWidget(value, r, 1)
            grid.addWidget(insert, r, 2)
            self.figure_values[fig.ref] = value
        inserts = session.pack.report.inserts if session.pack.report is not None else ()
        self.insert_buttons: dict[str, QPushButton] = {}
        generated = QGroupBox("生成表格或图表（按表格中的数字）")
        box = QVBoxLayout(generated)
        for ins in inserts:
            b = QPushButton(f"插入{ins.caption.split(' ')[0]}")
            b.setToolTip(f"在光标处另起一行写入“{insert_line(ins.caption)}”：打印时在此生成{ins.caption}，"
                         "数字取自表格，与报告的审核一致")
            b.clicked.connect(lambda _=False, c=ins.caption: self.insert_block(c))
            box.addWidget(b)
            self.insert_buttons[ins.caption] = b
        generated.setVisible(bool(inserts))
        self.mismatches = QLabel()
        self.mismatches.setWordWrap(True)
        self.sync = QPushButton("用表格数字更新报告中的金额")
        self.sync.setToolTip("把报告中引用的基本支出、项目支出金额改为附件2中的数字")
        self.sync.clicked.connect(self.sync_figures)
        right = QVBoxLayout()
        right.addWidget(figures)
        right.addWidget(generated)
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

    def figure_text(self, ref: str) -> str:
        ev = self.session.evaluation
        if ref in ev.plan.figures:
            return ev.computed.text(ref)
        return format_money(ev.cells.value(ref))

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

    def insert_figure(self, fig: QuotedFigure) -> None:
        self.text.insertPlainText(fig.wording.format(self.figure_text(fig.ref)))
        self.commit_text()

    def insert_block(self, caption: str) -> None:
        """【caption】 on a line of its own at the cursor: the generated table or chart goes there."""
        cursor = self.text.textCursor()
        before = "" if cursor.atBlockStart() else "\n"
        after = "" if cursor.atBlockEnd() and cursor.atEnd() else "\n"
        self.text.insertPlainText(f"{before}{insert_line(caption)}{after}")
        self.commit_text()

    def sync_figures(self) -> None:
        """Rewrite the checked money figures quoted in every section (基本支出/项目支出) with the tables'."""
        self.commit_text()
        money = [f for f in self.figures if f.checked]
        if not money:
            return
        ev = self.session.evaluation
        values = {f.name: ev.computed.value(f.ref) if f.ref in ev.plan.figures else ev.cells.value(f.ref)
                  for f in money}
        pattern = re.compile(f"({'|'.join(re.escape(f.name) for f in money)}){_QUOTE_TAIL}")
        edits: list[Edit] = []
        for i, sec in enumerate(self.session.packet.report.sections):

            def repl(m: re.Match[str]) -> str:
                value = values.get(m.group(1))
                return m.group(0) if value is None else f"{m.group(1)}{m.group(2)}{format_money(value)}{m.group(4)}"

            new = pattern.sub(repl, sec.text)
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
