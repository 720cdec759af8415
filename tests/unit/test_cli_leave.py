"""The ``perfeval`` program leaves without the interpreter's teardown after a sub-command (app.cli.run/leave):
nothing it wrote may be lost on the way — the output file, everything printed (also through a pipe), the exit
status, the exit handlers' work — and a thread still running is waited for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, ROOT

# buffered output, as a clerk's shell has it (this one may set PYTHONUNBUFFERED)
ENV = {**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, "PYTHONPATH": str(ROOT)}


def _python(*args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=ENV, cwd=ROOT,
                          timeout=120, **kw)  # type: ignore[call-overload]


def test_a_command_prints_everything_and_keeps_its_status(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for k in range(8):
        for n in range(5):
            (inbox / f"{k}_seed_00{n}.json").write_bytes((DATA / f"seed_00{n}.json").read_bytes())
    done = _python("-m", "app", "check", str(inbox), "--json")
    rows = json.loads(done.stdout)  # more than a pipe holds (64 KB): all of it arrived
    assert len(rows) == 40 and len(done.stdout) > 100_000
    assert done.returncode == max(r["exit"] for r in rows) == 1, done.stderr  # the seeds have errors


def test_the_export_is_whole_when_the_process_has_left(tmp_path: Path) -> None:
    out = tmp_path / "p.pdf"
    done = _python("-m", "app", "export", str(DATA / "seed_004.json"), "-f", "pdf", "--draft", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert "已导出" in done.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert not list(tmp_path.glob(".*"))  # no temporary left beside it


def test_exit_handlers_run_and_a_running_thread_is_waited_for(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    script = f"""
import atexit, threading, time
from pathlib import Path
from app.cli import leave
marks = Path({str(marks)!r})
atexit.register(lambda: marks.open("a").write("atexit\\n"))
def late():
    time.sleep(0.3)
    marks.open("a").write("thread\\n")
threading.Thread(target=late).start()
print("printed", end="")  # no newline: still in the buffer when leave() is called
leave(7)
"""
    done = _python("-c", script)
    assert done.returncode == 7 and done.stdout == "printed"
    assert marks.read_text().split() == ["thread", "atexit"]  # the normal exit: thread joined, then handlers
    script = script.replace("threading.Thread(target=late).start()", "")
    marks.unlink()
    done = _python("-c", script)
    assert done.returncode == 7 and done.stdout == "printed" and marks.read_text().split() == ["atexit"]
