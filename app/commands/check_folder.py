"""``perfeval check DIR [--json]``: every package and filled template in a folder, one line per file.

Exit status is the worst of the files (0 no errors, 1 errors found, 2 a file unreadable); one broken
file never stops the others.  ``--json`` prints a list, one object per file: ``file``, ``unit``,
``year``, ``exit`` (that file's own status), ``problem`` (null, or why the file could not be read) and,
for a file that could be read, the ``check --json`` keys ``template``, ``computed``, ``issues``, ``summary``.
A progress bar goes to stderr when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from app.cli import EXIT_BAD_INPUT, EXIT_ISSUES, EXIT_OK, UserError
from app.commands.progress import Progress
from app.export.summary import expand_inputs, problem_text
from app.parallel import map_files, workers_for


@dataclass(frozen=True)
class FileCheck:
    """What ``check`` found in one file (picklable: it comes back from a pool worker)."""

    file: str
    unit: str | None = None
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    problem: str | None = None
    report: dict[str, object] | None = None  # the ``check --json`` document

    @property
    def exit(self) -> int:
        if self.problem is not None:
            return EXIT_BAD_INPUT
        return EXIT_ISSUES if self.errors else EXIT_OK

    def to_json(self) -> dict[str, object]:
        doc: dict[str, object] = {"file": self.file, "unit": self.unit, "year": self.year, "exit": self.exit,
                                  "problem": self.problem}
        if self.report is not None:
            doc.update(self.report)
        return doc


def check_file(path: Path) -> FileCheck:
    """Load and evaluate one file; never raises (an unreadable file is a result with ``problem``)."""
    from app.commands.common import load_packet
    from app.domain.evaluate import evaluate

    try:
        packet = load_packet(str(path))
        result = evaluate(packet)
    except Exception as exc:
        return FileCheck(str(path), problem=problem_text(str(path), exc))
    return FileCheck(str(path), packet.unit.name, packet.year, len(result.errors), len(result.warnings),
                     report=result.to_json())


def run_folder(args: argparse.Namespace) -> int:
    folder = Path(args.package)
    paths = expand_inputs([folder])
    if not paths:
        raise UserError(f"{folder}：文件夹中没有数据包（.json）或模板（.xlsx）")
    bar = Progress.on_terminal("审核")
    worst = EXIT_OK
    counts = {EXIT_OK: 0, EXIT_ISSUES: 0, EXIT_BAD_INPUT: 0}
    width = max(_width(p.name) for p in paths)
    out = sys.stdout
    if args.json:
        out.write("[")
    try:
        results = map_files(check_file, paths, workers=workers_for(paths, args.jobs),
                            progress=bar.show if bar else None, name=lambda p: p.name)
        for n, item in enumerate(results):
            worst = max(worst, item.exit)
            counts[item.exit] += 1
            if bar:
                bar.close()  # the line below must not land in the middle of the bar
            if args.json:
                out.write(("," if n else "") + "\n" + json.dumps(item.to_json(), ensure_ascii=False, indent=2))
            else:
                out.write(_line(item, width) + "\n")
            out.flush()
    finally:
        if bar:
            bar.close()
    if args.json:
        out.write("\n]\n")
    else:
        out.write(f"\n共{len(paths)}个文件：无错误{counts[EXIT_OK]}个，有错误{counts[EXIT_ISSUES]}个，"
                  f"无法读取{counts[EXIT_BAD_INPUT]}个\n")
    return worst


def _line(item: FileCheck, width: int) -> str:
    name = Path(item.file).name
    pad = " " * (width - _width(name))
    if item.problem is not None:
        return f"{name}{pad}  无法读取：{item.problem}"
    verdict = "通过" if not item.errors else "有错误"
    counts = f"{item.errors}个错误，{item.warnings}个提示"
    return f"{name}{pad}  {item.unit or '（未填单位名称）'} {item.year}年度  {verdict}：{counts}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
