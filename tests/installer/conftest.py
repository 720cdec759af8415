"""The bundle smoke test builds with PyInstaller (≈1½ min): deselected unless asked for with ``-m slow``.

Only this folder's ``slow`` tests are affected (the icon test here is fast and always runs).

Deselected (not skipped): the default run stays fast and reports "N deselected", and ``pytest -m slow
tests/installer`` runs it.  Only this folder's tests are affected; other slow tests keep their own policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("markexpr") or ""):
        return
    mine = [
        item
        for item in items
        if HERE in Path(str(item.path)).resolve().parents and item.get_closest_marker("slow") is not None
    ]
    if mine:
        config.hook.pytest_deselected(items=mine)
        items[:] = [item for item in items if item not in mine]
