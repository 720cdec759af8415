"""文件 → 导入…: a colleague's data package (.json) or a filled official template (.xlsx), previewed before
anything is saved — what was read, every problem found — with 替换/合并 when the packet exists already."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluate import Evaluation, evaluate
from app.domain.model import Packet

if TYPE_CHECKING:
    from app.storage import Database

SUFFIXES = (".json", ".xlsx", ".xlsm")


def read_any(path: Path) -> Packet:
    """A package or a filled template; raises PackageError with every problem found."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from app.export.template_import import read_template_file

        return read_template_file(path)
    from app.domain.package import read_package_file

    return read_package_file(path)


class ImportDialog(QDialog):
    def __init__(
        self, parent: QWidget | None, db: Database, path: Path | None = None, *, start_folder: str = ""
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.path: Path | None = None
        self.packet: Packet | None = None
        self.evaluation: Evaluation | None = None
        self.saved_id: int | None = None
        self.start_folder = start_folder or str(Path.home())
        self.setWindowTitle("导入材料")
        screen = self.screen().availableGeometry()
        self.resize(min(720, screen.width() - 40), min(600, screen.height() - 60))

        self.file_label = QLabel()
        self.file_label.setWordWrap(True)
        self.summary = QFormLayout()
        box = QGroupBox("读到的内容")
        box.setLayout(self.summary)
        self.problems = QListWidget()
        self.problems.setWordWrap(True)
        self.problems_label = QLabel("发现的问题")
        self.choice_box = QGroupBox("数据库中已有这个单位这一年度的材料")
        self.replace = QRadioButton("替换：用导入的材料覆盖现有材料（现有内容不再保留，每日自动备份中仍有）")
        self.merge = QRadioButton("合并：保留现有材料中已填的内容，只补入空白单元格和新增的行")
        self.merge.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.replace)
        group.addButton(self.merge)
        choice = QVBoxLayout(self.choice_box)
        choice.addWidget(self.replace)
        choice.addWidget(self.merge)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存到数据库", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip("把预览中的材料存入本机数据库")
        other = self.buttons.addButton("选择其他文件…", QDialogButtonBox.ButtonRole.ActionRole)
        other.setToolTip("重新选择要导入的文件")
        other.clicked.connect(self.choose)
        cancel = self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不导入，什么也不保存")
        self.save_button.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(box)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.choice_box)
        layout.addWidget(self.buttons)
        self.choice_box.hide()
        self.save_button.setEnabled(False)
        if path is not None:
            self.load(path)

    def choose(self) -> bool:
        path, _ = QFileDialog.getOpenFileName(
            self, "选择要导入的文件", self.start_folder, "数据包或Excel模板 (*.json *.xlsx *.xlsm);;所有文件 (*)"
        )
        if not path:
            return False
        self.load(Path(path))
        return True

    def load(self, path: Path) -> None:
        """Read ``path`` and show what was read and every problem; nothing is saved yet."""
        from app.domain.package import PackageError

        self.path = path
        self.packet = None
        self.evaluation = None
        while self.summary.rowCount():
            self.summary.removeRow(0)
        self.problems.clear()
        self.file_label.setText(f"文件：{path}")
        if path.suffix.lower() not in SUFFIXES:
            kind = path.suffix or "无扩展名"
            self._refuse([f"不能导入“{kind}”文件：请选择数据包（.json）或填好的Excel模板（.xlsx）"])
            return
        try:
            packet = read_any(path)
        except PackageError as exc:
            self._refuse([str(p) for p in exc.problems] or [exc.one_line()])
            return
        except Exception as exc:  # a file no reader expected: say so, never a traceback
            from app.crash import report_crash

            report_crash(exc)
            self._refuse([f"无法读取：{exc}"])
            return
        self.packet = packet
        ev = self.evaluation = evaluate(packet)
        rows = (
            ("单位：", packet.unit.name or "（未填写）"),
            ("年度：", str(packet.year)),
            ("模板：", packet.template),
            ("附件2 三级指标：", f"{len(packet.self_eval.indicators)} 项"),
            ("附件3 项目：", f"{len(packet.projects)} 个"),
            ("附件4 报告章节：", f"{len(packet.report.sections)} 章"),
            ("执行率：", ev.computed.text("self_eval.execution_rate")),
            ("总分：", ev.computed.text("self_eval.total_score")),
            ("审核：", f"错误 {len(ev.errors)} 个，提示 {len(ev.warnings)} 个（已说明 {len(ev.explained)} 个）"),
        )
        for label, value in rows:
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.summary.addRow(label, shown)
        self.problems_label.setText(
            "审核发现的问题（可以先导入，再在窗口中改正）：" if ev.issues else "审核没有发现问题。"
        )
        for issue in ev.issues:
            self.problems.addItem(f"【{issue.severity.label}】{issue.message}")
        if not packet.unit.name.strip():
            self._refuse(["没有填写单位名称（预算部门名称），无法保存；请在文件中填写后再导入"], keep=True)
            return
        existing = self.db.find_packet(packet.unit.name, packet.year)
        trashed = self.db.find_packet(packet.unit.name, packet.year, trash=True)
        self.choice_box.setVisible(existing is not None or trashed is not None)
        self.merge.setEnabled(existing is not None)
        if existing is None and trashed is not None:
            self.choice_box.setTitle("回收站中有这个单位这一年度的材料")
            self.replace.setText("替换：永久删除回收站中的那份材料，再导入")
            self.replace.setChecked(True)
        self.save_button.setEnabled(True)

    def _refuse(self, problems: list[str], *, keep: bool = False) -> None:
        if not keep:
            self.problems_label.setText("文件无法导入，发现以下问题（没有保存任何内容）：")
            self.problems.clear()
        for text in problems:
            self.problems.addItem(text)
        self.choice_box.hide()
        self.save_button.setEnabled(False)

    def save(self) -> None:
        from app.domain.merge import merge_packets
        from app.storage import StorageError

        packet = self.packet
        if packet is None:
            return
        try:
            existing = self.db.find_packet(packet.unit.name, packet.year)
            trashed = self.db.find_packet(packet.unit.name, packet.year, trash=True)
            if existing is not None and self.merge.isChecked():
                packet = merge_packets(self.db.load_packet(existing), packet)
            # one transaction: the old packet (live or in the 回收站) goes, the new one comes, or nothing changes
            self.saved_id = self.db.import_packet(packet, replace=existing is not None or trashed is not None)
        except StorageError as exc:
            QMessageBox.warning(self, "导入", f"没有导入：{exc}")
            return
        self.accept()
