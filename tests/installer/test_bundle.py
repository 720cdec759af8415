"""Build the Linux bundle with PyInstaller and run it as a clerk would (installer/smoke_test.py).

Slow (≈1½ min) and deselected by default: ``QT_QPA_PLATFORM=offscreen python -m pytest -m slow tests/installer``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_linux_bundle_builds_and_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "installer" / "smoke_test.py"), "--runs", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=2400,  # a loaded 2-core machine has taken 7 min for the build alone
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "perfeval check 示例数据包：退出码1，控制率 81.48%" in result.stdout
    assert "perfeval import + list：新数据库建表、导入示例数据包并读回" in result.stdout
    assert "图形界面离屏打开并在1.5秒后正常关闭：退出码0" in result.stdout
    assert "PDF 导出（草稿）" in result.stdout
    assert "docx 导出（草稿）" in result.stdout
    if shutil.which("makensis"):  # installer/bundle_test.sh installs it (CI)
        assert "Windows 安装脚本 perfeval.nsi 用 makensis 编译通过" in result.stdout
