"""Last-resort crash log: the traceback goes to a file in the user's log directory, never to the clerk."""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
import traceback
from pathlib import Path


def log_dir() -> Path:
    try:
        from platformdirs import user_log_dir

        return Path(user_log_dir("PerfEvalDesk", appauthor=False))
    except Exception:
        return Path(tempfile.gettempdir()) / "PerfEvalDesk"


def report_crash(exc: BaseException) -> Path:
    directory = Path(os.environ.get("PERFEVAL_LOG_DIR") or log_dir())
    try:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "crash.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"\n=== {_dt.datetime.now().isoformat(timespec='seconds')}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return Path("（无法写入日志）")
