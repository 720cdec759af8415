"""``perfeval export``: printable packets (PDF/Excel/Word) from packages, a folder of them, or the database.

    perfeval export PACKAGE... --format pdf|xlsx|docx -o OUT [--draft]
    perfeval export --unit NAME --year Y --format json|pdf|xlsx|docx -o OUT [--draft]

A final print is refused (exit 1, the errors listed) while error-severity issues remain; ``--draft``
prints anyway with a 草稿 watermark.  Several packages or a folder write one file each into OUT (a
folder), with a progress bar on stderr when it is a terminal.  Bad input: exit 2.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.cli import EXIT_BAD_INPUT, EXIT_ISSUES, EXIT_OK, UserError
from app.commands.common import TEMPLATE_SUFFIXES, load_packet
from app.domain.model import Packet
from app.domain.rules import Issue
from app.export import FORMATS, ExportError, ExportRefused, export_packet

ALL_FORMATS = (*FORMATS, "json")
INPUT_SUFFIXES = (".json", *TEMPLATE_SUFFIXES)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("packages", metavar="PACKAGE", nargs="*",
                        help="数据包（.json）或填好的官方模板（.xlsx），可多个，也可以是文件夹")
    parser.add_argument("--format", "-f", dest="fmt", required=True, choices=ALL_FORMATS,
                        help="pdf、xlsx、docx，或 json（数据包）")
    parser.add_argument("-o", "--output", metavar="OUT", required=True,
                        help="输出文件；批量导出时为文件夹（不存在则新建）")
    parser.add_argument("--draft", action="store_true", help="打印草稿（带“草稿”水印，有错误也可打印）")
    parser.add_argument("--unit", metavar="NAME", help="从本地数据库导出：单位名称")
    parser.add_argument("--year", metavar="Y", type=int, help="从本地数据库导出：年度")


@dataclass
class _Outcome:
    written: list[Path] = field(default_factory=list)
    refused: list[tuple[str, list[Issue]]] = field(default_factory=list)
    bad: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def code(self) -> int:
        if self.bad:
            return EXIT_BAD_INPUT
        return EXIT_ISSUES if self.refused else EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.unit is not None or args.year is not None:
        if args.packages:
            raise UserError("--unit/--year 从本地数据库导出，不能同时给出数据包文件")
        if not args.unit or args.year is None:
            raise UserError("从本地数据库导出需要同时给出 --unit 单位名称 和 --year 年度")
        packet = _stored_packet(args.unit, args.year)
        out = Path(args.output)
        if out.is_dir():
            out = out / f"{_safe_name(args.unit)}-{args.year}{_suffix(args.fmt)}"
        outcome = _Outcome()
        _export_one(packet, f"{args.unit} {args.year}年度", args.fmt, out, args.draft, outcome)
        return _report(outcome)
    if not args.packages:
        raise UserError("请给出要导出的数据包（.json/.xlsx）或文件夹，或用 --unit/--year 从本地数据库导出")
    inputs = _expand(args.packages)
    batch = len(inputs) > 1 or any(Path(p).is_dir() for p in args.packages)
    out = Path(args.output)
    if batch:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"无法创建输出文件夹 {out}（{exc.strerror or exc}）") from None
    outcome = _Outcome()
    progress = _Progress(len(inputs)) if batch and sys.stderr.isatty() else None
    taken: set[Path] = {p.resolve() for p in inputs}  # never write over an input, nor twice to one name
    for n, path in enumerate(inputs, start=1):
        if progress:
            progress.show(n - 1, path.name)
        target = _unique(out / (path.stem + _suffix(args.fmt)), taken) if batch or out.is_dir() else out
        if _same_file(target, path):
            outcome.bad.append(f"{path}：输出文件与输入文件相同，未导出（请用 -o 指定另一个文件或文件夹）")
            continue
        try:
            packet = load_packet(str(path))
        except UserError as exc:
            if not batch:
                raise
            outcome.bad.append(str(exc))
            continue
        _export_one(packet, str(path), args.fmt, target, args.draft, outcome)
    if progress:
        progress.show(len(inputs), "")
        progress.close()
    return _report(outcome)


def _export_one(packet: Packet, name: str, fmt: str, out: Path, draft: bool, outcome: _Outcome) -> None:
    try:
        if fmt == "json":
            from app.domain.package import write_package_file

            write_package_file(packet, out)
        else:
            export_packet(packet, fmt, out, draft=draft, warnings=outcome.warnings)
        outcome.written.append(out)
    except ExportRefused as exc:
        outcome.refused.append((name, exc.issues))
    except (ExportError, OSError) as exc:
        message = str(exc) if isinstance(exc, ExportError) else f"无法写入 {out}（{exc.strerror or exc}）"
        outcome.bad.append(message)


def _report(outcome: _Outcome) -> int:
    for path in outcome.written:
        print(f"已导出：{path}")
    for warning in dict.fromkeys(outcome.warnings):
        print(f"perfeval：注意：{warning}", file=sys.stderr)
    for name, issues in outcome.refused:
        print(f"perfeval：{name}：还有{len(issues)}个错误，不能打印正式材料（改正后重新导出，或加 --draft 打印草稿）：",
              file=sys.stderr)
        for issue in issues:
            print(f"  [{issue.severity.label}] {issue.message}", file=sys.stderr)
    for message in outcome.bad:
        print(f"perfeval：{message}", file=sys.stderr)
    if len(outcome.written) + len(outcome.refused) + len(outcome.bad) > 1:
        print(f"共导出{len(outcome.written)}个文件，{len(outcome.refused)}个因错误未导出，{len(outcome.bad)}个无法读取或写入")
    return outcome.code


def _expand(args: list[str]) -> list[Path]:
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() in INPUT_SUFFIXES
                           and not x.name.startswith((".", "~$")))
            if not found:
                raise UserError(f"{p}：文件夹中没有数据包（.json）或模板（.xlsx）")
            out += found
        else:
            out.append(p)
    return out


def _unique(target: Path, taken: set[Path]) -> Path:
    """a.json and a.xlsx in one batch must not write the same a.pdf, nor a.json's a.xlsx over the input."""
    candidate, n = target, 2
    while candidate.resolve() in taken:
        candidate = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    taken.add(candidate.resolve())
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _suffix(fmt: str) -> str:
    return FORMATS.get(fmt, ".json")


def _safe_name(name: str) -> str:
    return "".join("_" if ch in '<>:"/\\|?*' else ch for ch in name).strip() or "packet"


def _stored_packet(unit: str, year: int) -> Packet:
    try:
        from app.storage import StorageError, open_database  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        raise UserError("此版本尚未包含本地数据库功能，无法按单位导出；请导出数据包文件（PACKAGE）") from None
    try:
        db = open_database()
        try:
            packet_id = db.find_packet(unit, year)
            if packet_id is None:
                raise UserError(f"本地数据库中没有“{unit}”{year}年度的材料（可用 perfeval list 查看）")
            packet: Packet = db.load_packet(packet_id)
            return packet
        finally:
            db.close()
    except StorageError as exc:
        raise UserError(str(exc)) from None


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    WIDTH = 30

    def __init__(self, total: int) -> None:
        self.total = max(total, 1)

    def show(self, done: int, name: str) -> None:
        filled = self.WIDTH * done // self.total
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        sys.stderr.write(f"\r导出 {bar} {done}/{self.total} {name[:40]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
