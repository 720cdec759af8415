"""单位总览: every unit × year in the database with its template, status, 执行率, 总分, error/warning counts and
last change; filter as you type; a double-click opens the packet.

The figures need each packet read and evaluated (≈25 ms each), so they are kept in a small cache file next
to the database (``<db>.overview.json``, derived data: deleting it only costs a recalculation), keyed by the
packet's last change.  Opening the overview reads the list and the cache; packets changed since are
recalculated in a worker thread and their rows fill in as they are done.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluate import Evaluation, evaluate
from app.domain.summary import scorecard_prefix, template_name
from app.storage.models import STATUSES
from app.ui.qtcompat import emit

if TYPE_CHECKING:
    from app.storage import Database, PacketInfo

COLUMNS = ("单位", "年度", "模板", "状态", "执行率", "总分", "错误", "提示", "最后修改")
CACHE_VERSION = 2  # 2: the pack's short name, figures of the pack's scorecard


def summary_of(ev: Evaluation) -> dict[str, Any]:
    """The row's figures: the packet's own scorecard (附件2), or its only project's (a project pack)."""
    prefix = scorecard_prefix(ev)
    return {
        "template": template_name(ev),
        "execution_rate": ev.computed.text(f"{prefix}.execution_rate") if prefix else "",
        "total_score": ev.computed.text(f"{prefix}.total_score") if prefix else "",
        "errors": len(ev.errors),
        "warnings": len(ev.warnings),
        "explained": len(ev.explained),
    }


class SummaryCache:
    """Figures per packet, valid while the packet's ``updated_at`` is unchanged."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".overview.json")
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("version") == CACHE_VERSION and isinstance(doc.get("packets"), dict):
                self.entries = doc["packets"]
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: recalculated

    def get(self, info: PacketInfo) -> dict[str, Any] | None:
        found = self.entries.get(str(info.id))
        if found is not None and found.get("updated_at") == info.updated_at.isoformat():
            return found
        return None

    def put(self, info: PacketInfo, summary: dict[str, Any]) -> None:
        self.entries[str(info.id)] = {**summary, "updated_at": info.updated_at.isoformat()}

    def save(self, keep: set[int]) -> None:
        doc = {"version": CACHE_VERSION, "packets": {k: v for k, v in self.entries.items() if int(k) in keep}}
        with contextlib.suppress(OSError):
            fd, tmp = tempfile.mkstemp(prefix=".overview-", suffix=".json", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(doc, fh, ensure_ascii=False)
                os.replace(tmp, self.path)
            except OSError:
                Path(tmp).unlink(missing_ok=True)


def remember_figures(db: Database, evaluations: dict[int, Evaluation]) -> None:
    """Put the figures of packets the window has open (and saved) into the cache: the next 单位总览 needs
    not read them again."""
    cache = SummaryCache(db.path)
    infos = db.list_packets()
    for info in infos:
        if info.id in evaluations:
            cache.put(info, summary_of(evaluations[info.id]))
    cache.save({i.id for i in infos})


class _Filler(QObject):
    """Reads and evaluates the packets whose cached figures are stale, one by one, in a worker thread."""

    done_one = Signal(int, object)  # packet id, summary dict (or {"problem": text})
    finished = Signal()

    def __init__(self, db: Database, ids: list[int]) -> None:
        super().__init__()
        self.db = db
        self.ids = ids
        self.stop = threading.Event()

    def run(self) -> None:
        for pid in self.ids:
            if self.stop.is_set():
                break
            try:
                summary = summary_of(evaluate(self.db.load_packet(pid)))
            except Exception as exc:  # a packet that cannot be read: its row says so
                summary = {"problem": str(exc) or type(exc).__name__}
            emit(self.done_one, pid, summary)
        emit(self.finished)


class OverviewDialog(QDialog):
    #: the packet id the clerk wants to open
    open_packet = Signal(int)

    def __init__(
        self, parent: QWidget | None, db: Database, live: Callable[[int], Evaluation | None] | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("单位总览")
        self.resize(1040, 600)
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找单位名称或年度…")
        self.search.setToolTip("输入单位名称的一部分或年度，列表随输入筛选")
        self.search.textChanged.connect(self.apply_filter)
        self.status_filter = QComboBox()
        self.status_filter.addItem("全部状态", "")
        for status in STATUSES:
            self.status_filter.addItem(status, status)
        self.status_filter.setToolTip("只显示某一状态的材料")
        self.status_filter.currentIndexChanged.connect(self.apply_filter)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(COLUMNS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.note = QLabel()
        open_button = QPushButton("打开")
        open_button.setToolTip("打开选中的材料（也可双击）")
        open_button.clicked.connect(lambda: self._open_row(self.table.currentRow()))
        self.summary_button = QPushButton("导出汇总表…")
        self.summary_button.setToolTip("把列表导出为财政局的绩效自评汇总表")
        self.summary_button.clicked.connect(self.export_summary)
        self.by_supervisor = QCheckBox("按主管部门小计")
        self.by_supervisor.setToolTip("汇总表按主管部门分组，每组后加小计行")
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status_filter)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 1)
        bottom.addWidget(open_button)
        bottom.addWidget(self.by_supervisor)
        bottom.addWidget(self.summary_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.cache = SummaryCache(db.path)
        self.infos = db.list_packets()
        self.rows: dict[int, int] = {}
        stale: list[int] = []
        self.table.setRowCount(len(self.infos))
        for r, info in enumerate(self.infos):
            self.rows[info.id] = r
            ev = live(info.id) if live is not None else None
            summary = summary_of(ev) if ev is not None else self.cache.get(info)
            if ev is not None and summary is not None:
                self.cache.put(info, summary)  # what the window holds is what the database holds (flushed)
            if summary is None:
                stale.append(info.id)
            self._fill_row(r, info, summary)
        self.table.resizeColumnsToContents()
        self.pending = len(stale)
        self._update_note()
        if not stale:
            self.cache.save({i.id for i in self.infos})
        self._thread: QThread | None = None
        self._filler: _Filler | None = None
        if stale:
            self._start(stale)

    def _fill_row(self, r: int, info: PacketInfo, summary: dict[str, Any] | None) -> None:
        template = str(summary.get("template") or info.template) if summary is not None else info.template
        when = f"{info.updated_at.astimezone():%Y-%m-%d %H:%M}"
        if summary is None:
            figures = ["…", "…", "…", "…"]
        elif "problem" in summary:
            figures = ["无法打开", "", "", ""]
        else:
            explained = f"（已说明{summary['explained']}）" if summary.get("explained") else ""
            figures = [summary["execution_rate"], summary["total_score"], str(summary["errors"]),
                       f"{summary['warnings']}{explained}"]  # fmt: skip
        values = [info.unit_name, str(info.year), template, info.status, *figures, when]
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            if c == 0:
                item.setData(Qt.ItemDataRole.UserRole, info.id)
                if summary is not None and "problem" in summary:
                    item.setToolTip(f"无法打开：{summary['problem']}")
            if c not in (0, 2, 3):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if c == 6 and value not in ("", "0", "…"):
                item.setForeground(Qt.GlobalColor.red)
            self.table.setItem(r, c, item)

    def _start(self, ids: list[int]) -> None:
        self._thread = QThread()
        self._filler = _Filler(self.db, ids)
        self._filler.moveToThread(self._thread)
        self._thread.started.connect(self._filler.run)
        self._filler.done_one.connect(self._one_done)
        self._filler.finished.connect(self._all_done)
        self._thread.start()

    def _one_done(self, pid: int, summary: dict[str, Any]) -> None:
        r = self.rows.get(pid)
        info = next((i for i in self.infos if i.id == pid), None)
        if r is None or info is None:
            return
        if "problem" not in summary:
            self.cache.put(info, summary)
        self._fill_row(r, info, summary)
        self.pending -= 1
        self._update_note()
        self.apply_filter()

    def _all_done(self) -> None:
        self.cache.save({i.id for i in self.infos})
        self._stop_thread()

    def _stop_thread(self) -> None:
        if self._filler is not None:
            self._filler.stop.set()
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
            self._thread = None

    def wait_filled(self, timeout_s: float = 30) -> None:
        """Tests and benchmarks: until every row has its figures."""
        import time

        from PySide6.QtWidgets import QApplication

        end = time.monotonic() + timeout_s
        while self.pending > 0 and time.monotonic() < end:
            QApplication.processEvents()
            time.sleep(0.005)
        QApplication.processEvents()

    def _update_note(self) -> None:
        n = len(self.infos)
        units = len({i.unit_name for i in self.infos})
        more = f"，正在计算 {self.pending} 份的数字…" if self.pending > 0 else ""
        self.note.setText(f"共 {units} 个单位、{n} 份材料{more}")

    def apply_filter(self) -> None:
        text = self.search.text().strip()
        status = str(self.status_filter.currentData() or "")
        for r in range(self.table.rowCount()):
            unit, year, state = (self._text(r, c) for c in (0, 1, 3))
            shown = (not text or text in unit or text in year) and (not status or state == status)
            self.table.setRowHidden(r, not shown)

    def _text(self, r: int, c: int) -> str:
        item = self.table.item(r, c)
        return item.text() if item is not None else ""

    def visible_rows(self) -> list[list[str]]:
        return [
            [self._text(r, c) for c in range(len(COLUMNS))]
            for r in range(self.table.rowCount())
            if not self.table.isRowHidden(r)
        ]

    def _open_row(self, r: int) -> None:
        item = self.table.item(r, 0) if r >= 0 else None
        if item is not None:
            emit(self.open_packet, int(item.data(Qt.ItemDataRole.UserRole)))

    def export_summary(self) -> None:
        """导出汇总表: the packets the list shows (after search and status filter), as xlsx or PDF."""
        from PySide6.QtWidgets import QApplication, QFileDialog

        from app.export.summary import SummaryError, database_summary_rows, write_summary

        ids = [info.id for info in self.infos if not self.table.isRowHidden(self.rows[info.id])]
        if not ids:
            QMessageBox.information(self, "导出汇总表", "列表中没有材料可以汇总。")
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出汇总表", str(Path.home() / "绩效自评汇总表.xlsx"),
                                              "Excel工作簿 (*.xlsx);;PDF文件 (*.pdf)")  # fmt: skip
        if not path:
            return
        out = Path(path)
        if out.suffix.lower() not in (".xlsx", ".pdf"):
            out = out.with_suffix(".xlsx")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            rows = database_summary_rows(self.db, ids)
            write_summary(rows, out, group_by_supervisor=self.by_supervisor.isChecked())
        except SummaryError as exc:
            QMessageBox.warning(self, "导出汇总表", f"导出没有完成：{exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        QMessageBox.information(self, "导出汇总表", f"已导出{len(ids)}个单位的汇总表：{out}")

    def done(self, result: int) -> None:
        self._stop_thread()
        super().done(result)
