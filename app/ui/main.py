"""``perfeval`` with no sub-command: open the local database and show the main window.

Known storage problems become Chinese dialogs (a newer program's database is refused; a damaged one is
restored from its newest good backup if the clerk agrees); anything unexpected is logged by
:func:`app.crash.report_crash` and reported in a dialog — never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import shutil
import sys
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app.resources import font_path, resource_path

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


def _restore_backup(path: Path, backup: Path) -> None:
    """Put the damaged file aside (never delete it) and copy the backup in its place."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm", "-journal"):
        damaged = Path(f"{path}{suffix}")
        if damaged.exists():
            damaged.rename(damaged.with_name(f"{damaged.name}.damaged-{stamp}"))
    shutil.copy2(backup, path)


def open_db_with_dialogs(path: Path | None) -> Database | None:
    from app.storage import (
        DatabaseCorrupt,
        DatabaseTooNew,
        StorageError,
        default_db_path,
        open_database,
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
        answer = QMessageBox.question(
            None,
            "数据库已损坏",
            f"{exc}\n\n找到最新的完好备份：{newest.name}（{when}）。\n是否用它恢复？损坏的文件会改名保留，不会删除。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            try:
                _restore_backup(Path(target), newest)
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
    db = open_db_with_dialogs(Path(args.db) if args.db else None)
    if db is None:
        return 1
    from app.ui.instance import claim_database
    from app.ui.main_window import MainWindow

    try:
        lock, readonly = claim_database(db.path)
        if lock is None and not readonly:
            return 0  # the window already editing this database came forward
        packets = db.list_packets()
        # where the clerk left off; none yet: the 示例, read-only (never imported as the clerk's own data)
        latest = max(packets, key=lambda info: info.updated_at).id if packets else None
        window = MainWindow(db, latest, readonly=readonly)
        if lock is not None:
            lock.on_raise = window.bring_forward
        window.show()
        if args.quit_after is not None:
            QTimer.singleShot(max(0, args.quit_after), window.close)
        return app.exec()
    finally:
        db.close()


if __name__ == "__main__":
    raise SystemExit(run_gui(sys.argv[1:]))
