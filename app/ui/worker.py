"""Long work (an export, a batch) off the GUI thread, behind a progress dialog with 取消."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from app.ui.qtcompat import emit

#: what the work calls to report: (done, total, what it is doing)
Progress = Callable[[int, int, str], None]


class _Worker(QObject):
    progress = Signal(int, int, str)
    finished = Signal()

    def __init__(self, work: Callable[[Progress, Callable[[], bool]], Any], cancel: threading.Event) -> None:
        super().__init__()
        self.work = work
        self.cancel = cancel
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work(lambda d, t, text: emit(self.progress, d, t, text), self.cancel.is_set)
        except BaseException as exc:  # handed back to the GUI thread, which reports it
            self.error = exc
        emit(self.finished)


class _Bridge(QObject):
    """Lives in the GUI thread, so the worker's progress reaches the dialog through the event queue."""

    def __init__(self, dialog: QProgressDialog, title: str) -> None:
        super().__init__()
        self.dialog = dialog
        self.title = title

    @Slot(int, int, str)
    def progress(self, done: int, total: int, text: str) -> None:
        if total:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))
        if text:
            self.dialog.setLabelText(f"{self.title}：{text}")


def run_with_progress(
    parent: QWidget | None, title: str, work: Callable[[Progress, Callable[[], bool]], Any], *, total: int = 0
) -> tuple[Any, bool]:
    """Run ``work(progress, cancelled)`` in a worker thread while a modal progress dialog shows; returns
    (its result, whether the clerk pressed 取消).  An exception inside ``work`` is raised here."""
    cancel = threading.Event()
    dialog = QProgressDialog(title, "取消", 0, max(total, 0), parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    thread = QThread()
    worker = _Worker(work, cancel)
    worker.moveToThread(thread)
    done = threading.Event()
    bridge = _Bridge(dialog, title)
    worker.progress.connect(bridge.progress)
    worker.finished.connect(done.set, Qt.ConnectionType.DirectConnection)
    dialog.canceled.connect(cancel.set)
    thread.started.connect(worker.run)
    thread.start()
    while not done.is_set():
        QApplication.processEvents()
        done.wait(0.02)
    QApplication.processEvents()
    thread.quit()
    thread.wait()
    cancelled = cancel.is_set()
    dialog.canceled.disconnect(cancel.set)  # closing the dialog emits canceled too
    dialog.close()
    dialog.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result, cancelled
