"""Benchmarks (run as scripts: ``python benchmarks/NAME.py``); see docs/benchmarks.md."""

from __future__ import annotations

import compileall
import platform
from pathlib import Path


def as_installed(env: dict[str, str], root: Path) -> dict[str, str]:
    """``env`` for timing whole processes of the app as a clerk's copy runs them: its byte code compiled
    once, as pip and the bundle do, and loaded from ``__pycache__`` — not compiled from source in every
    process because the shell happens to set PYTHONDONTWRITEBYTECODE (which added ≈0.13 s to each start)."""
    compileall.compile_dir(str(root / "app"), quiet=1)
    return {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cpu_model() -> str:
    """The processor's name for a benchmark's heading (``/proc/cpuinfo``; elsewhere what platform knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
