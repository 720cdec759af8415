"""The main window: unit/year navigator, one tab per 附件, the validation panel, the status bar, menus.

Every packet opened in a session of the window keeps its :class:`Session` (and so its undo history) until
the window closes.  Whatever the database refused is never dropped without asking (:mod:`app.ui.unsaved`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app.domain import registry
from app.domain.edits import Edit, set_cell
from app.domain.packs import Pack
from app.domain.rules import Issue
from app.storage.status import STATUSES  # 草稿 | 已审核 | 已打印 (no SQLAlchemy before the first paint)
from app.ui.issues_panel import IssuesPanel
from app.ui.questions import ask, error_lines
from app.ui.report_tab import ReportTab
from app.ui.session import Session
from app.ui.stores import SAMPLE_NOTICE, ReadOnlyStore, sample_packet
from app.ui.tabs import AttachmentTab, ProjectsTab
from app.ui.unsaved import recovery_files, settle_unsaved

if TYPE_CHECKING:
    from app.storage import Database, PacketInfo

APP_TITLE = "PerfEval Desk 绩效自评填报"
DRAFT, REVIEWED, PRINTED = STATUSES
SAMPLE_ID = -1  # the bundled 示例, shown read-only, never in the database
MIN_SIZE = (980, 600)  # fits a 1366×768 laptop with its task bar, status bar included


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


def settings() -> QSettings:
    """Per-user window settings (size, splitters, last tab)."""
    return QSettings("PerfEvalDesk", "PerfEvalDesk")


def _ok_cancel(dialog: QDialog, ok: str) -> QDialogButtonBox:
    """The dialog's 确定-style and 取消 buttons, wired to accept and reject."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


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
        form.addRow(_ok_cancel(self, "新建"))

    @property
    def pack(self) -> Pack:
        return self.packs[max(0, self.template.currentIndex())]

    def _catalogues(self) -> None:
        self.catalogue.clear()
        for cat in self.pack.catalogues:
            self.catalogue.addItem(cat.name, cat.key)
        self.catalogue.setEnabled(self.catalogue.count() > 1)


class RenameDialog(QDialog):
    """重命名: the unit's name (on every year, or on this packet only) and the packet's year."""

    def __init__(self, parent: QWidget, unit: str, year: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("重命名单位或更改年度")
        self.unit = QLineEdit(unit)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.all_years = QCheckBox("这个单位的所有年度都改用新名称")
        self.all_years.setChecked(True)
        form = QFormLayout(self)
        form.addRow("单位名称：", self.unit)
        form.addRow("", self.all_years)
        form.addRow("本材料的年度：", self.year)
        form.addRow(_ok_cancel(self, "确定"))


class BrokenPage(QWidget):
    """A packet the program cannot read: what went wrong, and what the clerk can still do with it."""

    def __init__(self, text: str, export: Callable[[], None], delete: Callable[[], None]) -> None:
        super().__init__()
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton("导出原始数据…")
        self.export_button.setToolTip("把这份材料在数据库中的全部内容存为一个文件，可发给技术支持或以后找回")
        self.export_button.clicked.connect(export)
        self.delete_button = QPushButton("删除（移到回收站）")
        self.delete_button.setToolTip("把这份无法打开的材料移到回收站；其他材料不受影响")
        self.delete_button.clicked.connect(delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    def __init__(self, db: Database, packet_id: int | None, *, readonly: str = "") -> None:
        super().__init__()
        self.db = db
        #: not "" when this window must not write (another window edits this database): why, in Chinese
        self.readonly = readonly
        self.session: Session | None = None
        self.sessions: dict[int, Session] = {}  # every packet opened: its undo history lives as long as the window
        self.infos: dict[int, PacketInfo] = {}
        self.broken: dict[int, str] = {}  # packets that failed to load → why
        self._told: set[str] = set()  # failure kinds already explained in a dialog
        self.settings = settings()
        self.setMinimumSize(*MIN_SIZE)
        self.setAcceptDrops(True)
        self._initial_size()

        nav = QToolBar("单位与年度")
        nav.setObjectName("navigator")
        nav.setMovable(False)
        nav.addWidget(QLabel(" 单位/年度："))
        self.packets = QComboBox()
        self.packets.setMinimumWidth(300)
        self.packets.setToolTip("选择要填写的单位和年度（全部单位见“视图→单位总览”）")
        self.packets.activated.connect(self._switch)
        nav.addWidget(self.packets)
        nav.addWidget(QLabel(" 状态："))
        self.status = QComboBox()
        self.status.addItems(list(STATUSES))
        self.status.setToolTip("草稿 → 已审核（没有错误时才可标记）→ 已打印（正式打印后自动标记）")
        self.status.activated.connect(self.set_status)
        nav.addWidget(self.status)
        nav.addSeparator()
        self.addToolBar(nav)
        self.nav = nav

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff4ce; border: 1px solid #e0c870; padding: 6px;")
        self.banner.hide()
        self.tabs = QTabWidget()
        self.tabs.currentChanged.connect(self._remember_tab)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.tabs)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.issues_dock = QDockWidget("审核结果（错误必须改正；提示请核实或填写合理性说明）")
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
        self._menus(nav)
        self._restore_settings()
        self.fill_navigator()
        if packet_id is None or packet_id == SAMPLE_ID:
            self.open_sample()
        else:
            self.open_packet(packet_id)

    # --- size and settings ---------------------------------------------------------------------

    def _initial_size(self) -> None:
        screen = QApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        width, height = 1280, 800
        if room is not None:
            width, height = min(width, room.width() - 20), min(height, room.height() - 40)
        self.resize(max(width, MIN_SIZE[0]), max(height, MIN_SIZE[1]))

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def _save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._save_splitters()
        self.settings.sync()

    def _splitters(self) -> dict[str, QSplitter]:
        found: dict[str, QSplitter | None] = {}
        if getattr(self, "projects_tab", None) is not None:
            assert self.projects_tab is not None
            found["splitter/projects"] = self.projects_tab.findChild(QSplitter)
        if getattr(self, "report_tab", None) is not None:
            assert self.report_tab is not None
            found["splitter/report"] = self.report_tab.findChild(QSplitter)
        return {k: v for k, v in found.items() if isinstance(v, QSplitter)}

    def _save_splitters(self) -> None:
        for key, splitter in self._splitters().items():
            self.settings.setValue(key, splitter.saveState())

    def _restore_splitters(self) -> None:
        for key, splitter in self._splitters().items():
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                splitter.restoreState(state)

    def _remember_tab(self, index: int) -> None:
        if index >= 0 and not getattr(self, "_building", False):
            self.settings.setValue("window/tab", index)

    # --- menus -----------------------------------------------------------------------------------

    def _act(self, menu: QMenu, text: str, slot: Callable[[], Any], key: str | QKeySequence.StandardKey = "",
             tip: str = "") -> QAction:  # fmt: skip
        action = QAction(text, self)
        if key:
            action.setShortcut(QKeySequence(key))
        action.setToolTip(tip or text)
        action.setStatusTip(tip or text)
        action.triggered.connect(lambda _=False: slot())
        menu.addAction(action)
        return action

    def _menus(self, nav: QToolBar) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("文件(&F)")
        act = self._act
        self.new_action = act(file_menu, "新建单位/年度…", self.new_packet, "Ctrl+N",
                              "新建一个单位或一个年度的空白材料")  # fmt: skip
        self.next_action = act(file_menu, "新建下一年度（结转上年数）…", self.next_year, "",
                               "以当前材料为基础新建下一年度：上年决算数、指标体系、报告章节等结转过去")  # fmt: skip
        act(file_menu, "导入…", self.import_file, "Ctrl+O",
            "导入数据包（.json）或填好的Excel模板（.xlsx），先预览再保存")  # fmt: skip
        act(file_menu, "查看示例（只读）", self.open_sample, "", "打开随程序附带的示例材料，只能查看")
        file_menu.addSeparator()
        self.print_action = act(file_menu, "打印…", self.print_packet, "Ctrl+P",
                                "预览并打印全部附件（与导出的PDF一致）")  # fmt: skip
        for fmt, text in (("pdf", "导出PDF…"), ("xlsx", "导出Excel…"), ("docx", "导出Word…"), ("json", "导出数据包…")):
            self._act(file_menu, text, functools.partial(self.export, fmt))
        act(file_menu, "批量导出…", self.export_all, "", "把全部单位、年度的材料各导出一个文件（后台进行，可取消）")
        file_menu.addSeparator()
        self.rename_action = self._act(file_menu, "重命名单位或更改年度…", self.rename_packet)
        self.delete_action = self._act(file_menu, "删除本材料（移到回收站）…", self.delete_packet)
        self._act(file_menu, "删除整个单位（所有年度，移到回收站）…", self.delete_unit)
        self._act(file_menu, "回收站…", self.show_trash, "", "恢复或永久删除已删除的材料")
        file_menu.addSeparator()
        self._act(file_menu, "退出", self.close, "Ctrl+Q")

        edit_menu = bar.addMenu("编辑(&E)")
        self.undo_action = self._act(edit_menu, "撤销", self.undo, "Ctrl+Z", "撤销上一步修改（每份材料各自记录）")
        self.redo_action = self._act(edit_menu, "重做", self.redo, "Ctrl+Y")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        edit_menu.addSeparator()
        self._act(edit_menu, "保存", self.save_now, "Ctrl+S", "每一处修改都已自动保存；此命令立即确认")
        self.explain_action = self._act(edit_menu, "填写提示的合理性说明…", self.explain_selected, "",
                                        "为审核结果中选中的提示写一句合理性说明；说明后的提示算作已核实")  # fmt: skip

        view_menu = bar.addMenu("视图(&V)")
        act(view_menu, "单位总览…", self.show_overview, "Ctrl+L", "全部单位、年度的状态、执行率、总分和错误/提示数")
        self._act(view_menu, "下一个附件", lambda: self._step_tab(1), "Ctrl+PgDown")
        self._act(view_menu, "上一个附件", lambda: self._step_tab(-1), "Ctrl+PgUp")

        review_menu = bar.addMenu("审核(&R)")
        self._act(review_menu, "标记为已审核", lambda: self.change_status(REVIEWED), "", "没有错误时可标记为已审核")
        self._act(review_menu, "退回草稿", lambda: self.change_status(DRAFT))

        tools = bar.addMenu("工具(&T)")
        self._act(tools, "备份…", self.backup, "", "把整个数据库复制到一个文件（例如U盘）")
        self._act(tools, "从备份恢复…", self.restore, "", "用备份文件替换当前数据；当前数据会先自动备份")
        self._act(tools, "打开数据文件夹", self.open_data_folder, "", "在文件管理器中打开数据库和自动备份所在的文件夹")
        self._act(tools, "指标库…", self.show_library, "", "查看以前用过的三级指标；可把本材料的指标存入指标库")

        help_menu = bar.addMenu("帮助(&H)")
        act(help_menu, "填报说明", self.show_help, QKeySequence.StandardKey.HelpContents,
            "如何填写、审核代码的含义、如何打印")  # fmt: skip
        self._act(help_menu, "关于", self.show_about)

        for action in (self.new_action, self.next_action, self.print_action):
            nav.addAction(action)

    def _step_tab(self, step: int) -> None:
        if self.tabs.count():
            self.tabs.setCurrentIndex((self.tabs.currentIndex() + step) % self.tabs.count())

    def undo(self) -> None:
        if self.session is not None and self.session.undo():
            self.statusBar().showMessage("已撤销", 2000)

    def redo(self) -> None:
        if self.session is not None and self.session.redo():
            self.statusBar().showMessage("已重做", 2000)

    def save_now(self) -> None:
        """Ctrl+S: every edit is saved as it is made; say so (or why not)."""
        if self.session is None:
            return
        self.flush()
        text = "已自动保存：每一处修改都已存入数据库"
        if self.session.pending or self.session.readonly:
            text = self.session.save_text()
        self.statusBar().showMessage(text, 5000)

    # --- packets ---------------------------------------------------------------------------------

    @property
    def packet_id(self) -> int | None:
        return None if self.session is None else self.session.packet_id

    def fill_navigator(self) -> None:
        self.packets.blockSignals(True)
        self.packets.clear()
        try:
            infos = self.db.list_packets()
        except Exception as exc:  # the database itself fails: say so, keep the window
            self.statusBar().showMessage(f"无法读取材料列表：{exc}")
            infos = []
        self.infos = {info.id: info for info in infos}
        for info in infos:
            problem = "，无法打开" if info.id in self.broken else ""
            self.packets.addItem(f"{info.unit_name} — {info.year}年（{info.status}{problem}）", info.id)
        if self.packet_id == SAMPLE_ID:
            self.packets.addItem("示例：中共岳阳市委组织部 — 2024年（只读）", SAMPLE_ID)
        current = self.packet_id if self.packet_id is not None else getattr(self, "_broken_id", None)
        if current is not None:
            self.packets.setCurrentIndex(self.packets.findData(current))
        self.status.setCurrentText(self.current_status())
        self.status.setEnabled(self.packet_id in self.infos and not self.readonly)
        self.packets.blockSignals(False)

    def current_status(self) -> str:
        info = self.infos.get(self.packet_id or 0)
        return info.status if info is not None else DRAFT

    def set_status(self, _index: int) -> None:
        """The status box: 草稿 ↔ 已审核 by hand; 已打印 only by a final print."""
        self.change_status(self.status.currentText())

    def change_status(self, wanted: str) -> bool:
        from app.storage import StorageError

        session = self.session
        current = self.current_status()
        if session is None or self.packet_id not in self.infos or wanted == current:
            self.fill_navigator()
            return wanted == current
        if session.readonly:
            QMessageBox.information(self, "状态", session.readonly)
            self.fill_navigator()
            return False
        if wanted == PRINTED:
            text = "“已打印”在正式打印（文件→打印…，没有错误时）之后自动标记，不能手动选择。"
            QMessageBox.information(self, "状态", text)
            self.fill_navigator()
            return False
        if wanted == REVIEWED:
            self.flush()
            errors = session.evaluation.errors
            if errors:
                QMessageBox.warning(
                    self, "不能标记为已审核", f"还有错误没有改正，不能标记为“已审核”：\n{error_lines(errors, 6)}"
                )
                self.fill_navigator()
                return False
            open_warnings = session.evaluation.unexplained
            if open_warnings and not ask(
                self, "标记为已审核",
                f"还有{len(open_warnings)}个提示没有填写合理性说明。\n仍然标记为“已审核”吗？",
                default_no=True,
            ):  # fmt: skip
                self.fill_navigator()
                return False
        try:
            self.db.set_status(session.packet_id, wanted)
        except StorageError as exc:
            QMessageBox.warning(self, "状态", str(exc))
            return False
        finally:
            self.fill_navigator()
        self.statusBar().showMessage(f"状态已改为“{wanted}”", 4000)
        return True

    def ensure_editable(self) -> bool:
        """Asked before every change of the packet: a 已审核/已打印 packet returns to 草稿 only if the clerk
        agrees; a read-only packet (示例, a second window) is never changed."""
        session = self.session
        if session is None:
            return False
        if session.readonly:
            self.statusBar().showMessage(session.readonly, 8000)
            QApplication.beep()
            return False
        status = self.current_status()
        if status == DRAFT or self.packet_id not in self.infos:
            return True
        again = "重新审核和打印" if status == PRINTED else "重新审核"
        if not ask(
            self, f"修改{status}的材料",
            f"这份材料的状态是“{status}”。\n修改后它将退回“草稿”，需要{again}。\n\n确定要修改吗？",
            default_no=True,
        ):  # fmt: skip
            return False
        return self.change_status(DRAFT)

    def _switch(self, index: int) -> None:
        pid = self.packets.itemData(index)
        if isinstance(pid, int) and pid != self.packet_id:
            if pid == SAMPLE_ID:
                self.open_sample()
            elif not self.open_packet(pid):
                self.fill_navigator()  # stayed where it was: the list shows it again

    def leave_current(self, doing: str) -> bool:
        """Before switching or closing: write what is pending; ask about whatever the database refuses."""
        session = self.session
        if session is None:
            return True
        self.commit_report_text()
        if session.flush() or settle_unsaved(self, session, self.db.path, doing):
            if session.discarded:  # what it held is now in a recovery file or dropped: read it again next time
                self.sessions.pop(session.packet_id, None)
            return True
        return False

    def open_sample(self) -> None:
        """The bundled 示例, read-only (never imported as the clerk's own data)."""
        if not self.leave_current("打开示例"):
            return
        session = Session(ReadOnlyStore(sample_packet()), SAMPLE_ID, readonly=SAMPLE_NOTICE)
        self.sessions.pop(SAMPLE_ID, None)
        self._wire(session)
        self.show_session(session)

    def open_packet(self, packet_id: int) -> bool:
        """Show a packet; False when it stayed on the current one (the clerk kept unsaved edits, or the packet
        could not be read — then a page says why and offers export and delete)."""
        if self.session is not None and packet_id == self.session.packet_id:
            return True
        if not self.leave_current("切换到另一份材料"):
            return False
        session = self.sessions.get(packet_id)
        if session is None:
            try:
                session = Session(self.db, packet_id, readonly=self.readonly)
            except Exception as exc:
                from app.crash import report_crash

                report_crash(exc)
                self.show_broken(packet_id, str(exc) or type(exc).__name__)
                return True
            self._wire(session)
            self.sessions[packet_id] = session
        self.show_session(session)
        return True

    def _wire(self, session: Session) -> None:
        session.may_change = self.ensure_editable
        session.changed.connect(lambda edits, structural, s=session: self._on_changed(s, edits, structural))
        session.saved.connect(lambda ok, text, s=session: self._on_saved(s, ok, text))
        session.failed.connect(lambda kind, message, s=session: self._on_failed(s, kind, message))

    def show_session(self, session: Session) -> None:
        if hasattr(self, "form_tabs"):
            self._save_splitters()
        self._building = True
        self.session = session
        self._broken_id: int | None = None
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
        self.pack_label.setText(f"模板：{pack.name}（第{pack.version}版）")
        self.pack_label.setToolTip(f"{pack.description}\n{pack.path}")
        last = str(self.settings.value("window/tab", 0))
        self.tabs.setCurrentIndex(int(last) if last.isdigit() and int(last) < self.tabs.count() else 0)
        self._building = False
        self._restore_splitters()
        self.stack.setCurrentWidget(self.tabs)
        self.issues = IssuesPanel(session, self.jump)
        old_panel = self.issues_dock.widget()
        self.issues_dock.setWidget(self.issues)
        if old_panel is not None:
            old_panel.deleteLater()
        notice = session.readonly
        self.banner.setText(notice)
        self.banner.setVisible(bool(notice))
        for action in (self.rename_action, self.delete_action, self.next_action):
            action.setEnabled(not session.readonly)
        self.fill_navigator()
        self._on_changed(session, [], 0)
        self._on_saved(session, int(not session.pending), session.save_text() if session.pending else "")

    @property
    def basic_tab(self) -> AttachmentTab:
        return self.form_tabs["basic"]

    @property
    def self_eval_tab(self) -> AttachmentTab:
        return self.form_tabs["self_eval"]

    def show_broken(self, packet_id: int, problem: str) -> None:
        """A packet that fails to load: listed with its problem; the rest of the window keeps working."""
        self.broken[packet_id] = problem
        self._broken_id = packet_id
        if self.session is not None and self.session.packet_id == packet_id:
            self.session = None
        info = self.infos.get(packet_id)
        name = f"{info.unit_name} {info.year}年度" if info else f"编号{packet_id}"
        page = BrokenPage(
            f"无法打开“{name}”的材料：{problem}\n\n其他材料不受影响。可以把这份材料的原始数据导出保存（以便找回或请人帮助），"
            "或把它移到回收站。",
            functools.partial(self.export_raw, packet_id),
            functools.partial(self.delete_packet, packet_id),
        )
        while self.stack.count() > 1:
            w = self.stack.widget(1)
            if w is None:
                break
            self.stack.removeWidget(w)
            w.deleteLater()
        self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        self.broken_page = page
        self.session = None
        self.banner.hide()
        self.fill_navigator()
        self.setWindowTitle(f"{name}（无法打开） — {APP_TITLE}")

    def export_raw(self, packet_id: int) -> None:
        import json

        path, _ = QFileDialog.getSaveFileName(
            self, "导出原始数据", str(Path.home() / f"材料{packet_id}-原始数据.json"), "*.json"
        )
        if not path:
            return
        target = _with_suffix(path, ".json")
        try:
            rows = self.db.raw_rows(packet_id)
            target.write_text(json.dumps(rows, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        except Exception as exc:
            QMessageBox.warning(self, "导出原始数据", f"导出没有完成：{exc}")
            return
        self.statusBar().showMessage(f"已导出：{target}", 8000)

    def commit_report_text(self) -> None:
        tab = getattr(self, "report_tab", None)
        if tab is not None:
            tab.commit_text()

    def flush(self) -> bool:
        """Save what an editor still holds (report text typed less than a moment ago); False if refused."""
        if self.session is None:
            return True
        self.commit_report_text()
        return self.session.flush()

    def new_packet(self) -> None:
        from app.storage import StorageError

        if self.readonly:
            QMessageBox.information(self, "新建", self.readonly)
            return
        year = self.session.packet.year if self.session else 2024
        dialog = NewPacketDialog(self, year, self.session.packet.template if self.session else "")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name = dialog.unit.text().strip()
        if not name:
            QMessageBox.warning(self, "新建", "请填写单位名称。")
            return
        year = dialog.year.value()
        if self.db.find_packet(name, year) is not None:
            QMessageBox.information(self, "新建", f"“{name}”{year}年度的材料已经存在，现在切换过去。")
            self.open_packet(self.db.find_packet(name, year) or 0)
            return
        trashed = self.db.find_packet(name, year, trash=True)
        if trashed is not None:
            if ask(
                self, "新建", f"回收站中有“{name}”{year}年度的材料。\n要把它恢复出来吗？（选“否”则不新建）",
            ):  # fmt: skip
                self.db.restore_packet(trashed)
                self.open_packet(trashed)
            return
        try:
            pid = self.db.create_packet(name, year, dialog.pack.id, str(dialog.catalogue.currentData() or ""))
        except StorageError as exc:
            QMessageBox.warning(self, "新建", str(exc))
            return
        self.open_packet(pid)

    def next_year(self) -> None:
        from app.storage import StorageError

        session = self.session
        if session is None or session.readonly:
            return
        self.flush()
        packet = session.packet
        name, year = packet.unit.name, packet.year + 1
        existing = self.db.find_packet(name, year)
        if existing is not None:
            QMessageBox.information(self, "新建下一年度", f"{name} {year}年度已存在，现在切换过去。")
            self.open_packet(existing)
            return
        if self.db.find_packet(name, year, trash=True) is not None:
            text = f"{name} {year}年度的材料在回收站中；请先从回收站恢复或永久删除它。"
            QMessageBox.information(self, "新建下一年度", text)
            return
        if not ask(
            self, "新建下一年度",
            f"以{packet.year}年度的材料为基础新建“{name}”{year}年度的材料吗？\n\n"
            "结转：单位和联系人、编制数、上年决算数、项目支出行、指标体系（不含完成值和得分）、项目、"
            "计分规则、报告章节标题、厉行节约保障措施。\n其余（预算数、执行数、完成值、报告正文等）为空白。",
        ):  # fmt: skip
            return
        try:
            pid = self.db.create_next_year(session.packet_id)
        except StorageError as exc:
            QMessageBox.warning(self, "新建下一年度", str(exc))
            return
        self.open_packet(pid)

    def rename_packet(self) -> None:
        from app.storage import StorageError

        session = self.session
        if session is None or session.readonly or not self.flush():
            return
        packet = session.packet
        old_name, old_year = packet.unit.name, packet.year
        dialog = RenameDialog(self, old_name, old_year)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        name, year = dialog.unit.text().strip(), dialog.year.value()
        if not name:
            QMessageBox.warning(self, "重命名", "单位名称不能为空。")
            return
        if (name, year) == (old_name, old_year):
            return
        clash = self.db.find_packet(name, year) or self.db.find_packet(name, year, trash=True)
        if clash is not None and clash != session.packet_id and (year != old_year or not dialog.all_years.isChecked()):
            QMessageBox.warning(self, "重命名", f"已有“{name}”{year}年度的材料（或在回收站中），未作修改。")
            return
        if not self.ensure_editable():
            return
        try:
            if dialog.all_years.isChecked() and name != old_name:
                self.db.rename_unit(old_name, name)
                for other in self.sessions.values():  # the same unit's other years, as the database now has them
                    if other.packet.unit.name == old_name:
                        other.packet.unit.name = name
        except StorageError as exc:
            QMessageBox.warning(self, "重命名", str(exc))
            return
        edits: list[Edit] = []
        if packet.unit.name != name:
            edits.append(set_cell(packet, "unit.name", name))
        if year != old_year:
            edits.append(set_cell(packet, "year", year))
        if edits:
            session.commit(edits)
            self.flush()
        self.fill_navigator()
        self.setWindowTitle(window_title(session.packet.unit.name, session.packet.year))
        self.statusBar().showMessage("已重命名", 4000)

    def _after_removal(self, gone: set[int]) -> None:
        for pid in gone:
            self.sessions.pop(pid, None)
            self.broken.pop(pid, None)
        if (self.session is not None and self.session.packet_id in gone) or getattr(self, "_broken_id", None) in gone:
            self.session = None
            self._broken_id = None
            self.fill_navigator()
            if self.infos:
                self.open_packet(next(iter(self.infos)))
            else:
                self.open_sample()
        else:
            self.fill_navigator()

    def delete_packet(self, packet_id: int | None = None) -> None:
        from app.storage import StorageError

        pid = packet_id if packet_id is not None else self.packet_id
        info = self.infos.get(pid or 0)
        if pid is None or info is None or self.readonly:
            return
        if not ask(
            self, "删除材料",
            f"把“{info.unit_name}”{info.year}年度的材料移到回收站吗？\n在回收站中可以恢复，清空回收站后才真正删除。",
            default_no=True,
        ):  # fmt: skip
            return
        if self.session is not None and self.session.packet_id == pid and not self.leave_current("删除"):
            return
        try:
            self.db.trash_packet(pid)
        except StorageError as exc:
            QMessageBox.warning(self, "删除材料", str(exc))
            return
        self._after_removal({pid})
        self.statusBar().showMessage(f"已移到回收站：{info.unit_name} {info.year}年度", 6000)

    def delete_unit(self) -> None:
        from app.storage import StorageError

        info = self.infos.get(self.packet_id or 0)
        if info is None or self.readonly:
            return
        years = [i for i in self.infos.values() if i.unit_name == info.unit_name]
        listed = "、".join(str(i.year) for i in sorted(years, key=lambda i: i.year))
        if not ask(
            self, "删除整个单位",
            f"把“{info.unit_name}”的全部材料（{listed}年度）移到回收站吗？\n在回收站中可以恢复。",
            default_no=True,
        ) or not self.leave_current("删除"):  # fmt: skip
            return
        try:
            for i in years:
                self.db.trash_packet(i.id)
        except StorageError as exc:
            QMessageBox.warning(self, "删除整个单位", str(exc))
        self._after_removal({i.id for i in years})

    def show_trash(self) -> None:
        from app.ui.trash import TrashDialog

        dialog = TrashDialog(self, self.db, readonly=bool(self.readonly))
        dialog.exec()
        if dialog.restored:
            self.fill_navigator()
            self.open_packet(dialog.restored[-1])
        else:
            self.fill_navigator()

    # --- reacting to edits -----------------------------------------------------------------------

    def _on_changed(self, session: Session, edits: Sequence[Edit], _structural: int) -> None:
        if session is not self.session:
            return
        packet = session.packet
        title = window_title(packet.unit.name, packet.year)
        if session.readonly:
            title = f"{title}（只读）"
        if title != self.windowTitle():
            self.setWindowTitle(title)
        ev = session.evaluation
        errors, warnings, explained = len(ev.errors), len(ev.warnings), len(ev.explained)
        counts = f"错误 {errors} 个　提示 {warnings} 个"
        if explained:
            counts += f"（已说明 {explained} 个）"
        if counts != self.counts.text():
            self.counts.setText(counts)
            self.counts.setStyleSheet("color: #b00020;" if errors else "color: #2a6a2a;")
        self.undo_action.setEnabled(bool(session.undo_stack))
        self.redo_action.setEnabled(bool(session.redo_stack))

    def _on_saved(self, session: Session, ok: int, text: str) -> None:
        if session is not self.session:
            return
        if text:
            self.save_state.setText(text)
        self.save_state.setStyleSheet("" if ok else "color: #b00020; font-weight: bold;")
        if session.last_saved & {"unit.name", "year", "unit"}:
            self.fill_navigator()  # a rename the database took: the list shows the new name

    def on_saved(self, ok: int, text: str) -> None:
        """Kept for callers of the former single-session window."""
        if self.session is not None:
            self._on_saved(self.session, ok, text)

    def _on_failed(self, session: Session, kind: str, message: str) -> None:
        """A write refused for a new reason: the status bar says it always; a dialog says it once."""
        if session is not self.session or kind in self._told:
            return
        self._told.add(kind)
        more = (
            "标出的单元格（橙色斜纹）仍保留您输入的内容，程序会自动重试保存；关闭窗口或切换材料前会询问如何处理。"
            if kind != "refused"
            else "标出的单元格（橙色斜纹）仍保留您输入的内容，但不能这样保存：请改正它。其他修改照常保存。"
        )
        QTimer.singleShot(0, lambda: QMessageBox.warning(self, "修改未保存", f"{message}\n\n{more}"))

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

    def explain_selected(self) -> None:
        if hasattr(self, "issues"):
            self.issues.explain_current()

    # --- export and print ------------------------------------------------------------------------

    def _default_name(self, suffix: str) -> str:
        assert self.session is not None
        p = self.session.packet
        from app.export.batch import safe_name

        return str(Path.home() / f"{safe_name(p.unit.name)}{p.year}年度绩效自评{suffix}")

    def export(self, fmt: str) -> None:
        import copy

        if self.session is None:
            return
        self.flush()
        from app import export  # imported on first use: keeps reportlab/openpyxl out of start-up

        suffix = export.FORMATS.get(fmt, ".json")
        kinds = {".pdf": "PDF文件", ".xlsx": "Excel工作簿", ".docx": "Word文档", ".json": "数据包"}
        path, _ = QFileDialog.getSaveFileName(
            self, "导出", self._default_name(suffix), f"{kinds[suffix]} (*{suffix})"
        )
        if not path:
            return
        target = _with_suffix(path, suffix)
        packet = copy.deepcopy(self.session.packet)
        draft = False
        if fmt != "json":
            errors = self.session.evaluation.errors
            if errors:
                if not ask(
                    self,
                    "不能导出正式材料",
                    f"还有错误没有改正，正式材料不能导出：\n{error_lines(errors, 8)}\n\n要导出带“草稿”字样的草稿吗？",
                ):
                    return
                draft = True

        def work(progress: Callable[[int, int, str], None], _cancelled: Callable[[], bool]) -> Path:
            progress(0, 1, target.name)
            if fmt == "json":
                from app.domain.package import write_package_file

                write_package_file(packet, target)
                return target
            return export.export_packet(packet, fmt, target, draft=draft)

        from app.ui.worker import run_with_progress

        try:
            written, cancelled = run_with_progress(self, "正在导出", work, total=1)
        except Exception as exc:
            self._export_failed(exc)
            return
        if cancelled:  # the file was finished before the cancel could stop it: the clerk did not want it
            Path(written).unlink(missing_ok=True)
            self.statusBar().showMessage("已取消导出", 5000)
            return
        self.statusBar().showMessage(f"已导出：{written}", 8000)

    def export_all(self) -> None:
        from app.ui.batch import export_everything

        self.flush()
        export_everything(self, self.db, list(self.infos.values()))

    def print_packet(self) -> None:
        """打印…: an in-window preview of exactly the PDF pages, then the system print dialog."""
        if self.session is None:
            return
        self.flush()
        from app.ui.printing import PrintDialog

        session = self.session
        dialog = PrintDialog(self, session.packet, session.evaluation)
        if dialog.pages is None:
            return
        dialog.exec()
        if dialog.printed_final and not session.readonly and session.packet_id in self.infos:
            self.db.set_status(session.packet_id, PRINTED)
            self.fill_navigator()
            self.statusBar().showMessage("已打印，状态已改为“已打印”", 6000)

    def print_preview(self) -> None:
        """Kept for the former menu entry: the same as 打印…."""
        self.print_packet()

    def _export_failed(self, exc: Exception) -> None:
        from app.crash import report_crash

        log = report_crash(exc)
        QMessageBox.warning(self, "导出失败", f"导出没有完成：{exc}\n详情已记录到 {log}")

    # --- import, overview, tools, help ----------------------------------------------------------

    def import_file(self, path: str | None = None) -> None:
        from app.ui.importer import ImportDialog

        if self.readonly:
            QMessageBox.information(self, "导入", self.readonly)
            return
        if not self.leave_current("导入"):
            return
        start = str(self.db.path.parent) if recovery_files(self.db.path) else str(Path.home())
        dialog = ImportDialog(self, self.db, Path(path) if path else None, start_folder=start)
        if path is None and not dialog.choose():
            return
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved_id is not None:
            pid = dialog.saved_id
            self.sessions.pop(pid, None)  # replaced or merged: read it again
            if self.session is not None and self.session.packet_id == pid:
                self.session = None
            self.fill_navigator()
            self.open_packet(pid)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls() if event.mimeData() else []
        if urls and Path(urls[0].toLocalFile()).suffix.lower() in (".json", ".xlsx"):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if urls:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_file(urls[0].toLocalFile()))

    def show_overview(self) -> None:
        from app.ui.overview import OverviewDialog

        self.flush()
        live = {pid: s for pid, s in self.sessions.items() if not s.readonly}
        dialog = OverviewDialog(self, self.db, lambda pid: live[pid].evaluation if pid in live else None)
        def open_it(pid: int) -> None:
            dialog.accept()
            self.open_packet(pid)

        dialog.open_packet.connect(open_it)
        dialog.exec()

    def backup(self) -> None:
        from app.ui.tools import backup

        self.flush()
        backup(self, self.db)

    def restore(self) -> None:
        from app.ui.tools import restore

        if self.readonly:
            QMessageBox.information(self, "从备份恢复", self.readonly)
            return
        if not self.leave_current("从备份恢复"):
            return
        if restore(self, self.db):
            self.sessions.clear()
            self.session = None
            self.broken.clear()
            self.fill_navigator()
            if self.infos:
                self.open_packet(next(iter(self.infos)))
            else:
                self.open_sample()

    def open_data_folder(self) -> None:
        folder = self.db.path.parent
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            QMessageBox.information(self, "数据文件夹", f"数据文件夹：{folder}")

    def show_library(self) -> None:
        from app.ui.library import LibraryDialog

        session = self.session
        remember = None
        if session is not None and not session.readonly:
            remember = functools.partial(self.db.remember_indicators, session.packet)
        LibraryDialog(self, self.db.library_indicators, session, remember=remember).exec()

    def show_help(self) -> None:
        from app.ui.help import HelpDialog

        HelpDialog(self).exec()

    def show_about(self) -> None:
        QMessageBox.about(
            self, "关于", f"{APP_TITLE}\n部门整体支出绩效自评填报（离线）\n数据库：{self.db.path}",
        )  # fmt: skip

    def bring_forward(self) -> None:
        """Another start on this database asked this window to come forward."""
        self.setWindowState((self.windowState() & ~Qt.WindowState.WindowMinimized) | Qt.WindowState.WindowActive)
        self.show()
        if QApplication.platformName() != "offscreen":  # nothing to raise without a screen (Qt warns)
            self.raise_()
            self.activateWindow()
        self.statusBar().showMessage("程序已在运行：这就是它的窗口", 5000)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_current("关闭窗口"):
            event.ignore()
            return
        for session in list(self.sessions.values()):  # other packets whose writes were still being retried
            if session.pending and not session.flush(wait_ms=1000):
                self.session = session
                if not settle_unsaved(self, session, self.db.path, "关闭窗口"):
                    event.ignore()
                    return
        self._save_settings()
        if not self.readonly:
            from app.ui.overview import remember_figures

            saved = {pid: s.evaluation for pid, s in self.sessions.items() if not s.readonly and not s.pending}
            try:
                remember_figures(self.db, saved)
            except Exception as exc:  # a cache of derived figures: never a reason to keep the window open
                from app.crash import report_crash

                report_crash(exc)
        super().closeEvent(event)


def _with_suffix(path: str, suffix: str) -> Path:
    """The name typed with the right extension (a wrong one typed by hand is kept and the right one added)."""
    p = Path(path)
    return p if p.suffix.lower() == suffix else p.with_name(p.name + suffix)
