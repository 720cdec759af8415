"""``perfeval`` with no sub-command: open the local database and show the main window.

Known storage problems become Chinese dialogs (a newer program's database is refused; a damaged one is
restored from its newest good backup if the clerk agrees); anything unexpected is logged by
:func:`app.crash.report_crash` and reported in a dialog — never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app.resources import font_path, resource_path
from app.ui.questions import ask
from app.ui.startup import DeferredDatabase, Snapshot, StartTrace, read_snapshot, write_snapshot

if TYPE_CHECKING:
    from app.storage import Database

def load_font(app: QApplication, point_size: float = 10.0) -> str | None:
    """Register the bundled CJK font and make it the application font; returns its family."""
    font_id = QFontDatabase.addApplicationFont(str(font_path()))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    font = QFont(families[0])
    font.setPointSizeF(point_size)
    app.setFont(font)
    return families[0]


def set_app_icon(app: QApplication) -> None:
    """Window/taskbar icon (resources/icons, drawn by installer/make_icon.py); the desktop file name lets
    Linux docks (Wayland) match the window to the installed perfeval-desk.desktop entry."""
    icon = resource_path("icons", "perfeval.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    app.setDesktopFileName("perfeval-desk")


def load_qt_translation(app: QApplication) -> QTranslator | None:
    """Qt's own zh_CN catalogue, so standard dialog buttons read 确定/取消/是/否 instead of OK/Cancel."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        app.installTranslator(translator)
        return translator
    return None


def install_excepthook() -> None:
    """An unexpected error inside a Qt slot: log it and tell the clerk in Chinese, keep the window open."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        from app.crash import report_crash

        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        log = report_crash(exc.with_traceback(tb))
        QMessageBox.critical(
            None,
            "程序内部错误",
            f"程序遇到一个内部错误（{exc_type.__name__}）。\n已保存的内容不受影响；详情已记录到：\n{log}",
        )

    sys.excepthook = hook


def open_db_with_dialogs(path: Path | None) -> Database | None:
    from app.storage import (
        DatabaseCorrupt,
        DatabaseTooNew,
        StorageError,
        default_db_path,
        open_database,
        restore_database,
    )

    target = path or default_db_path()
    try:
        return open_database(target)
    except DatabaseTooNew as exc:
        QMessageBox.critical(None, "无法打开数据库", f"{exc}\n\n为保护数据，本程序不会修改这个文件。请安装新版程序。")
    except DatabaseCorrupt as exc:
        if not exc.backups:
            QMessageBox.critical(None, "数据库已损坏", f"{exc}\n\n没有找到可用的备份。文件未作任何改动。")
            return None
        newest = exc.backups[0]
        when = _dt.datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        if ask(
            None,
            "数据库已损坏",
            f"{exc}\n\n找到最新的完好备份：{newest.name}（{when}）。\n是否用它恢复？损坏的文件会改名保留，不会删除。",
        ):
            try:
                restore_database(target, newest)  # staged and atomic; the damaged file is kept aside
                return open_database(target)
            except (StorageError, OSError) as again:
                QMessageBox.critical(None, "恢复失败", f"用备份恢复没有成功：{again}")
    except StorageError as exc:
        QMessageBox.critical(None, "无法打开数据库", str(exc))
    return None


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="perfeval", add_help=False)
    parser.add_argument("--db")
    parser.add_argument("--quit-after", type=int, metavar="MS")
    ns, _rest = parser.parse_known_args(argv)
    return ns


def run_gui(argv: list[str]) -> int:
    trace = StartTrace()
    args = _parse(argv)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        from app.ui.display import display_problem

        problem = display_problem()
        if problem is not None:  # Qt would abort in English
            sys.stderr.write(problem + "\n")
            return 1
        app = QApplication([sys.argv[0] if sys.argv else "perfeval"])
    app.setApplicationName("PerfEval Desk")
    load_font(app)
    load_qt_translation(app)
    set_app_icon(app)
    install_excepthook()
    from app.storage.location import default_db_path

    path = Path(args.db).expanduser() if args.db else default_db_path()
    from app.ui.instance import claim_database

    # one editing window per database: a second start brings the first forward (or opens read-only)
    lock, readonly = claim_database(path)
    if lock is None and not readonly:
        return 0  # the window already editing this database came forward
    snapshot = read_snapshot(path) if not readonly else None
    if snapshot is not None:
        return _run_from_snapshot(app, path, snapshot, args.quit_after, trace, lock)
    db = open_db_with_dialogs(path)
    if db is None:
        return 1
    trace.mark("database")
    from app.ui.main_window import MainWindow

    window: MainWindow | None = None
    try:
        packets = db.list_packets()
        # where the clerk left off; none yet: the 示例, read-only (never imported as the clerk's own data)
        latest = max(packets, key=lambda info: info.updated_at).id if packets else None
        window = MainWindow(db, latest, readonly=readonly)
        if lock is not None:
            lock.on_raise = window.bring_forward
        window.show()
        app.processEvents()
        trace.mark("painted")
        if args.quit_after is not None:
            QTimer.singleShot(max(0, args.quit_after), window.close)
        return app.exec()
    finally:
        _close_and_remember(db, path, window)


def _run_from_snapshot(
    app: QApplication, path: Path, snapshot: Snapshot, quit_after: int | None, trace: StartTrace, lock: Any
) -> int:
    """The window from the start snapshot first, the database right after the first paint (app.ui.startup)."""
    from app.ui.main_window import MainWindow

    db = DeferredDatabase(path, snapshot, lambda: open_db_with_dialogs(path))
    window = MainWindow(db, snapshot.packet_id)  # type: ignore[arg-type]  # stands in for Database
    if lock is not None:
        lock.on_raise = window.bring_forward

    def open_database_now() -> None:
        if db.real is not None or db.failed:
            return
        try:
            db.attach()
        except Exception:  # refused (a dialog said why) or failed: nothing was changed, nothing to show
            window.close()
            app.exit(1)
            return
        trace.mark("database")
        if not db.matches_snapshot():  # the file was replaced by one of the same size and time: trust the file
            window.open_packet(snapshot.packet_id)

    first_paint = _FirstPaint(window, lambda: QTimer.singleShot(0, open_database_now))
    window.show()
    app.processEvents()
    trace.mark("painted")
    QTimer.singleShot(300, open_database_now)  # in case no paint event comes (minimised, odd platforms)
    if quit_after is not None:
        QTimer.singleShot(max(0, quit_after), window.close)
    try:
        return app.exec()
    finally:
        first_paint.remove()
        _close_and_remember(db.real, path, window)


class _FirstPaint(QObject):
    """Calls ``then`` once, when the window first paints."""

    def __init__(self, window: QWidget, then: Callable[[], None]) -> None:
        super().__init__(window)
        self.window, self.then, self.done = window, then, False
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.done and event.type() == QEvent.Type.Paint:
            self.done = True
            self.then()
        return False

    def remove(self) -> None:
        with contextlib.suppress(RuntimeError):  # the window may already be gone
            self.window.removeEventFilter(self)


def _close_and_remember(db: Database | None, path: Path, window: QWidget | None) -> None:
    """Close the database and write the start snapshot of the packet shown (never fails the exit)."""
    if db is None:
        return
    session = getattr(window, "session", None)
    shown = None
    try:
        if session is not None and session.packet_id >= 0:  # not the bundled 示例 (never in the database)
            shown = (session.packet_id, db.load_packet(session.packet_id), db.list_packets())
    except Exception:
        shown = None
    db.close()
    if shown is not None:
        write_snapshot(path, *shown)


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv[1:]))
