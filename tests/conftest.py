"""Shared fixtures.  Qt tests run offscreen: without a display Qt would abort."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the exports' parsed-font cache and the GUI's start snapshots (app.ui.startup) go to a folder of this run,
# not the user's cache folder
os.environ.setdefault("PERFEVAL_CACHE_DIR", tempfile.mkdtemp(prefix="perfeval-test-cache-"))

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
SEEDS = sorted(DATA.glob("seed_00[0-9].json"))


@pytest.fixture
def seed_path() -> Path:
    return DATA / "seed_000.json"
