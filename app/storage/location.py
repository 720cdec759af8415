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
    return user_data_dir() / DB_FILENAME


def user_data_dir() -> Path:
    from platformdirs import user_data_dir as _dir

    return Path(_dir(APP_DIR_NAME, appauthor=False))


def user_templates_dir() -> Path:
    """``templates/`` in the user's data folder: extra template packs (``*.json``) read at start-up."""
    return user_data_dir() / "templates"
