"""The main window: unit/year navigator, one tab per 附件, the validation panel, the status bar, menus."""

from __future__ import annotations

import functools
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSpinBox,
    QTabWidget,
    QToolBar,
    QWidget,
)

from app.domain import registry
from app.domain.edits import Edit
from app.domain.packs import Pack
from app.domain.rules import Issue
from app.storage.status import STATUSES  # 草稿 | 已审核 | 已打印 (no SQLAlchemy before the first paint)
from app.ui.issues_panel import IssuesPanel
from app.ui.report_tab import ReportTab
from app.ui.session import Session
from app.ui.tabs import AttachmentTab, ProjectsTab

if TYPE_CHECKING:
    from app.storage import Database

APP_TITLE = "PerfEval Desk 绩效自评填报"


def tab_title(label: str, title: str) -> str:
    """附件1 + {year}年度部门整体支出绩效评价基础数据表 → 附件1 基础数据表 (short enough for a tab); a form
    whose label is its name (项目支出绩效自评表) keeps just that."""
    if not label.startswith("附件"):
        return label
    text = title.replace("{year}年度", "").replace("{year}年", "")
    for long, short in (("部门整体支出绩效评价", ""), ("部门整体支出绩效", "部门整体"), ("绩效自评表", "自评表")):
        text = text.replace(long, short)
    return f"{label} {text}".strip()


def window_title(unit: str, year: int) -> str:
    return f"{unit or '（未命名单位）'} — {year} — {APP_TITLE}"


class NewPacketDialog(QDialog):
    """新建单位/年度: the unit name, the year, the template pack (region and kind) and its indicator catalogue."""

    def __init__(self, parent: QWidget, year: int, template: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle("新建单位或年度")
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("预算部门（单位）全称")
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.template = QComboBox()
        self.template.setToolTip("按本地财政部门要求的表格选择：地区与表格类型（部门整体/项目）")
        self.packs: list[Pack] = registry.default().all()
        for pack in self.packs:
            kind = "项目支出" if pack.kind == "project" else "部门整体"
            self.template.addItem(f"{pack.region or '通用'} · {kind} · {pack.name}（第{pack.version}版）", pack.id)
        self.template.setCurrentIndex(max(0, self.template.findData(template)))
        self.catalogue = QComboBox()
        self.catalogue.setToolTip("一级、二级指标的目录（新建时按它生成指标行）")
        self.template.currentIndexChanged.connect(self._catalogues)
        self._catalogues()
        form = QFormLayout(self)
        form.addRow("单位名称：", self.unit)
        form.addRow("年度：", self.year)
        form.addRow("模板：", self.template)
        form.addRow("指标目录：", self.catalogue)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("新建")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def pack(self) -> Pack:
        return self.packs[max(0, self.template.currentIndex())]

    def _catalogues(self) -> None:
        self.catalogue.clear()
        for cat in self.pack.catalogues:
            self.catalogue.addItem(cat.name, cat.key)
        self.catalogue.setEnabled(self.catalogue.count() > 1)


class MainWindow(QMainWindow):
    def __init__(self, db: Database, packet_id: int) -> None:
        super().__init__()
        self.db = db
        self.session: Session | None = None
        self.resize(1260, 780)

        nav = QToolBar("单位与年度")
        nav.setObjectName("navigator")
        nav.setMovable(False)
        nav.addWidget(QLabel(" 单位/年度："))
        self.packets = QComboBox()
        self.packets.setMinimumWidth(360)
        self.packets.activated.connect(self._switch)
        nav.addWidget(self.packets)
        nav.addWidget(QLabel(" 状态："))
        self.status = QComboBox()
        self.status.addItems(list(STATUSES))
        self.status.activated.connect(self.set_status)
        nav.addWidget(self.status)
        nav.addSeparator()
        nav.addAction("新建单位/年度…", self.new_packet)
        nav.addAction("新建下一年度（结转上年数）", self.next_year)
        self.addToolBar(nav)

        self.tabs = QTabWidget()
        self.setCentralWidget(self.tabs)
        self.issues_dock = QDockWidget("审核结果（错误必须改正；提示请核实）")
        self.issues_dock.setObjectName("issues")
        self.issues_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.issues_dock)
        self.resizeDocks([self.issues_dock], [150], Qt.Orientation.Vertical)  # the forms get the room

        self.save_state = QLabel(f"数据库：{getattr(db, 'path', '')}")
        self.counts = QLabel()
        self.pack_label = QLabel()
        self.statusBar().addWidget(self.save_state, 1)
        self.statusBar().addPermanentWidget(self.pack_label)
        self.statusBar().addPermanentWidget(self.counts)
        self._menus()
        self.open_packet(packet_id)

    # --- menus -----------------------------------------------------------------------------------

    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        for fmt, text in (("pdf", "导出PDF…"), ("xlsx", "导出Excel…"), ("docx", "导出Word…")):
            file_menu.addAction(text, functools.partial(self.export, fmt))
        file_menu.addAction("打印预览", self.print_preview)
        file_menu.addSeparator()
        file_menu.addAction("退出", QKeySequence.StandardKey.Quit, self.close)
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        self.undo_action = QAction("撤销", self)
        self.undo_action.setShortcuts([QKeySequence("Ctrl+Z")])
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("重做", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.triggered.connect(self.redo)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)

    def undo(self) -> None:
        if self.session is not None and self.session.undo():
            self.statusBar().showMessage("已撤销", 2000)

    def redo(self) -> None:
        if self.session is not None and self.session.redo():
            self.statusBar().showMessage("已重做", 2000)

    # --- packets ---------------------------------------------------------------------------------

    def fill_navigator(self) -> None:
        self.packets.blockSignals(True)
        self.packets.clear()
        for info in self.db.list_packets():
            self.packets.addItem(f"{info.unit_name} — {info.year}年（{info.status}）", info.id)
            if self.session is not None and info.id == self.session.packet_id:
                self.status.setCurrentText(info.status)
        if self.session is not None:
            self.packets.setCurrentIndex(self.packets.findData(self.session.packet_id))
        self.packets.blockSignals(False)

    def set_status(self, _index: int) -> None:
        """草稿 → 已审核 → 已打印: the packet's state in the list (the forms stay editable)."""
        from app.storage import StorageError

        if self.session is None:
            return
        try:
            self.db.set_status(self.session.packet_id, self.status.currentText())
        except StorageError as exc:
            QMessageBox.warning(self, "状态", str(exc))
        self.fill_navigator()

    def _switch(self, index: int) -> None:
        pid = self.packets.itemData(index)
        if isinstance(pid, int) and (self.session is None or pid != self.session.packet_id):
            self.open_packet(pid)

    def open_packet(self, packet_id: int) -> None:
        self.flush()
        session = Session(self.db, packet_id)
        self.session = session
        current = self.tabs.currentIndex()
        old = [self.tabs.widget(i) for i in range(self.tabs.count())]
        self.tabs.clear()
        for w in old:
            if w is not None:
                w.deleteLater()
        # one tab per attachment of the packet's template pack, then its report
        self.form_tabs: dict[str, AttachmentTab] = {}
        self.projects_tab: ProjectsTab | None = None
        self.report_tab: ReportTab | None = None
        pack = session.pack
        for att in pack.attachments:
            tab: QWidget
            if att.scope == "project":
                tab = self.projects_tab = ProjectsTab(session, att.key)
            else:
                tab = self.form_tabs[att.key] = AttachmentTab(session, att.key)
            self.tabs.addTab(tab, tab_title(att.label, att.title))
        if pack.report is not None:
            self.report_tab = ReportTab(session)
            self.tabs.addTab(self.report_tab, tab_title(pack.report.label, "自评报告"))
        self.tabs.setCurrentIndex(max(0, min(current, self.tabs.count() - 1)))
        self.pack_label.setText(f"模板：{pack.name}（第{pack.version}版）")
        self.pack_label.setToolTip(f"{pack.description}\n{pack.path}")
        self.issues = IssuesPanel(session, self.jump)
        old_panel = self.issues_dock.widget()
        self.issues_dock.setWidget(self.issues)
        if old_panel is not None:
            old_panel.deleteLater()
        session.changed.connect(self.on_changed)
        session.saved.connect(self.on_saved)
        self.fill_navigator()
        self.on_changed([], False)

    @property
    def basic_tab(self) -> AttachmentTab:
        return self.form_tabs["basic"]

    @property
    def self_eval_tab(self) -> AttachmentTab:
        return self.form_tabs["self_eval"]

    def flush(self) -> None:
        """Save what an editor still holds (report text typed less than a moment ago)."""
        if self.session is not None:
            if self.report_tab is not None:
                self.report_tab.commit_text()
            self.session.flush()

    def new_packet(self) -> None:
        from app.storage import StorageError

        year = self.session.packet.year if self.session else 2024
        dialog = NewPacketDialog(self, year, self.session.packet.template if self.session else "")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name = dialog.unit.text().strip()
        if not name:
            QMessageBox.warning(self, "新建", "请填写单位名称。")
            return
        try:
            pid = self.db.create_packet(name, dialog.year.value(), dialog.pack.id,
                                        str(dialog.catalogue.currentData() or ""))
        except StorageError as exc:
            QMessageBox.warning(self, "新建", str(exc))
            return
        self.open_packet(pid)

    def next_year(self) -> None:
        from app.storage import StorageError

        if self.session is None:
            return
        self.flush()
        packet = self.session.packet
        existing = self.db.find_packet(packet.unit.name, packet.year + 1)
        if existing is not None:
            text = f"{packet.unit.name} {packet.year + 1}年度已存在，现在切换过去。"
            QMessageBox.information(self, "新建下一年度", text)
            self.open_packet(existing)
            return
        try:
            pid = self.db.create_next_year(self.session.packet_id)
        except StorageError as exc:
            QMessageBox.warning(self, "新建下一年度", str(exc))
            return
        self.open_packet(pid)

    # --- reacting to edits -----------------------------------------------------------------------

    def on_changed(self, edits: Sequence[Edit], _structural: int) -> None:
        session = self.session
        if session is None:
            return
        packet = session.packet
        title = window_title(packet.unit.name, packet.year)
        if title != self.windowTitle():
            self.setWindowTitle(title)
        ev = session.evaluation
        errors, warnings = len(ev.errors), len(ev.warnings)
        counts = f"错误 {errors} 个　提示 {warnings} 个"
        if counts != self.counts.text():
            self.counts.setText(counts)
            self.counts.setStyleSheet("color: #b00020;" if errors else "color: #2a6a2a;")
        self.undo_action.setEnabled(bool(session.undo_stack))
        self.redo_action.setEnabled(bool(session.redo_stack))
        if any(getattr(e, "path", "") == "unit.name" for e in edits):
            self.fill_navigator()

    def on_saved(self, ok: int, text: str) -> None:
        self.save_state.setText(text)
        self.save_state.setStyleSheet("" if ok else "color: #b00020; font-weight: bold;")

    def jump(self, issue: Issue) -> None:
        """Show the first cell of an issue that a form shows."""
        for path in (*issue.cells, issue.field):
            if self._show(path):
                return

    def _show(self, path: str) -> bool:
        if path.startswith("scoring_rule"):
            for tab in [*self.form_tabs.values(), self.projects_tab]:
                if tab is not None and tab.scoring is not None:
                    self.tabs.setCurrentWidget(tab)
                    tab.scoring.kind.setFocus()
                    return True
            return False
        order: list[Any]
        if path.startswith("projects["):
            order = [self.projects_tab]
        elif path.startswith("report."):
            order = [self.report_tab]
        else:  # the form that shows the cell (a cell may show on two forms: 单位名称 on 附件1 and 附件2)
            order = list(self.form_tabs.values())
        for tab in order:
            if tab is None:
                continue
            if tab.locate(path):
                self.tabs.setCurrentWidget(tab)
                tab.locate(path)  # again, now visible: scrolls and focuses
                return True
        return False

    # --- export ----------------------------------------------------------------------------------

    def _default_name(self, suffix: str) -> str:
        assert self.session is not None
        p = self.session.packet
        return str(Path.home() / f"{p.unit.name}{p.year}年度绩效自评{suffix}")

    def export(self, fmt: str) -> None:
        if self.session is None:
            return
        self.flush()
        from app import export  # imported on first use: keeps reportlab/openpyxl out of start-up
        suffix = export.FORMATS[fmt]
        path, _ = QFileDialog.getSaveFileName(self, "导出", self._default_name(suffix), f"*{suffix}")
        if not path:
            return
        draft = False
        while True:
            try:
                written = export.export_packet(self.session.packet, fmt, Path(path), draft=draft)
            except export.ExportRefused as exc:
                lines = "\n".join(f"· {i.message}" for i in exc.issues[:8])
                more = f"\n……共 {len(exc.issues)} 个错误" if len(exc.issues) > 8 else ""
                answer = QMessageBox.question(
                    self,
                    "不能导出正式材料",
                    f"还有错误没有改正，正式材料不能导出：\n{lines}{more}\n\n要导出带“草稿”字样的草稿吗？",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    return
                draft = True
                continue
            except Exception as exc:
                self._export_failed(exc)
                return
            self.statusBar().showMessage(f"已导出：{written}", 8000)
            return

    def print_preview(self) -> None:
        """A draft PDF in a temporary folder, opened with the system's PDF viewer."""
        if self.session is None:
            return
        self.flush()
        from app import export  # imported on first use: keeps reportlab/openpyxl out of start-up
        out = Path(tempfile.mkdtemp(prefix="perfeval-preview-")) / "打印预览.pdf"
        try:
            written = export.export_packet(self.session.packet, "pdf", out, draft=True)
        except Exception as exc:
            self._export_failed(exc)
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(written))):
            QMessageBox.information(self, "打印预览", f"预览文件已生成：{written}\n请用PDF阅读器打开。")

    def _export_failed(self, exc: Exception) -> None:
        from app.crash import report_crash

        log = report_crash(exc)
        QMessageBox.warning(self, "导出失败", f"导出没有完成：{exc}\n详情已记录到 {log}")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        super().closeEvent(event)
