"""Where the database lives (no SQLAlchemy here: cheap to import)."""

from __future__ import annotations

import os
from pathlib import Path

DB_FILENAME = "perfeval.db"
APP_DIR_NAME = "PerfEvalDesk"


def default_db_path() -> Path:
    """``$PERFEVAL_DB``, else ``perfeval.db`` in the user's data directory (platformdirs)."""
    env = os.environ.get("PERFEVAL_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_DIR_NAME, appauthor=False)) / DB_FILENAME
