"""Entry script of both bundled executables (one PyInstaller Analysis, two EXEs sharing one folder).

``perfeval`` (console) is the command line of contract.md: ``perfeval check|export|import|list …``, and the GUI
when no command is given.  ``PerfEvalDesk`` (windowed, what the shortcuts start) opens the GUI and hands its
arguments (``--db``, ``--quit-after MS`` …) to ``run_gui`` unparsed, so GUI-only options need not be known to
the command-line parser; a sub-command given to it still runs as on the command line.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _gui_args(argv: list[str]) -> list[str] | None:
    """The arguments for run_gui, or None when argv names a sub-command (then app.cli handles it)."""
    from app.cli import COMMANDS

    rest = list(argv)
    while rest and rest[0].startswith("-"):
        option = rest.pop(0)
        if option == "--db" and rest:
            os.environ["PERFEVAL_DB"] = rest.pop(0)  # as app.cli does for the command line
        elif option.startswith("--db="):
            os.environ["PERFEVAL_DB"] = option.split("=", 1)[1]
        elif option in ("-h", "--help"):
            return None
    if rest and rest[0] in COMMANDS:
        return None
    return argv


def _run_gui(args: list[str]) -> int:
    """As app.cli does for the GUI: no traceback ever reaches the clerk, it goes to the crash log."""
    import importlib.util

    if importlib.util.find_spec("app.ui.main") is None:
        print("PerfEvalDesk：此版本未包含图形界面，请使用 perfeval 命令", file=sys.stderr)
        return 2
    try:
        from app.ui.main import run_gui  # type: ignore[import-not-found,unused-ignore]

        return int(run_gui(args))
    except Exception as exc:
        from app.crash import report_crash

        log = report_crash(exc)
        print(f"PerfEvalDesk：程序内部错误（{type(exc).__name__}），详情已记录到 {log}", file=sys.stderr)
        return 3


def main() -> int:
    # Batch exports run in worker processes (app.export.batch); in a frozen program those are this executable
    # started again with multiprocessing's own arguments, which freeze_support() recognises and serves.
    import multiprocessing

    multiprocessing.freeze_support()
    argv = sys.argv[1:]
    # The name it was started as: on Linux `perfeval` is a symlink to PerfEvalDesk, and sys.executable is resolved.
    started_as = Path(sys.argv[0] or sys.executable).stem.lower()
    if started_as == "perfevaldesk":
        gui_args = _gui_args(argv)
        if gui_args is not None:
            return _run_gui(gui_args)
    from app.cli import run as cli_run

    cli_run(argv)


if __name__ == "__main__":
    import multiprocessing

    # A process-pool worker of the bundled program (app.parallel: spawn on Windows, or from the GUI) is this
    # executable started again; freeze_support() runs the worker and exits instead of starting main().
    multiprocessing.freeze_support()
    raise SystemExit(main())
