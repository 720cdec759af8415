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
from functools import partial
from pathlib import Path

from app.cli import EXIT_BAD_INPUT, EXIT_ISSUES, EXIT_OK, UserError
from app.commands.common import TEMPLATE_SUFFIXES, load_packet, warn_backup
from app.domain.model import Packet
from app.export import FORMATS
from app.export.batch import BatchItem, BatchResult, export_many, export_one, safe_name

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


def run(args: argparse.Namespace) -> int:
    if args.unit is not None or args.year is not None:
        if args.packages:
            raise UserError("--unit/--year 从本地数据库导出，不能同时给出数据包文件")
        if not args.unit or args.year is None:
            raise UserError("从本地数据库导出需要同时给出 --unit 单位名称 和 --year 年度")
        packet = _stored_packet(args.unit, args.year)
        out = Path(args.output)
        if out.is_dir():
            out = out / f"{safe_name(args.unit)}-{args.year}{_suffix(args.fmt)}"
        result = BatchResult()
        export_one(packet, f"{args.unit} {args.year}年度", args.fmt, out, args.draft, result)
        return _report(result)
    if not args.packages:
        raise UserError("请给出要导出的数据包（.json/.xlsx）或文件夹，或用 --unit/--year 从本地数据库导出")
    inputs = _expand(args.packages)
    out = Path(args.output)
    if len(inputs) == 1 and not any(Path(p).is_dir() for p in args.packages):
        path = inputs[0]
        target = out / (path.stem + _suffix(args.fmt)) if out.is_dir() else out
        if _same_file(target, path):
            raise UserError(f"{path}：输出文件与输入文件相同，未导出（请用 -o 指定另一个文件或文件夹）")
        packet = load_packet(str(path))  # bad input: UserError, exit 2
        result = BatchResult()
        export_one(packet, str(path), args.fmt, target, args.draft, result)
        return _report(result)
    items = [BatchItem(path.stem, partial(load_packet, str(path)), source=path) for path in inputs]
    bar = _Progress() if sys.stderr.isatty() else None
    try:
        result = export_many(items, args.fmt, out, draft=args.draft, progress=bar.show if bar else None)
    except OSError as exc:
        raise UserError(f"无法创建输出文件夹 {out}（{exc.strerror or exc}）") from None
    finally:
        if bar:
            bar.close()
    return _report(result)


def _report(result: BatchResult) -> int:
    for path in result.written:
        print(f"已导出：{path}")
    for warning in dict.fromkeys(result.warnings):
        print(f"perfeval：注意：{warning}", file=sys.stderr)
    for name, issues in result.refused:
        print(f"perfeval：{name}：还有{len(issues)}个错误，不能打印正式材料（改正后重新导出，或加 --draft 打印草稿）：",
              file=sys.stderr)
        for issue in issues:
            print(f"  [{issue.severity.label}] {issue.message}", file=sys.stderr)
    for _name, message in result.failed:
        print(f"perfeval：{message}", file=sys.stderr)
    if len(result.written) + len(result.refused) + len(result.failed) > 1:
        print(f"共导出{len(result.written)}个文件，{len(result.refused)}个因错误未导出，{len(result.failed)}个无法读取或写入")
    if result.failed:
        return EXIT_BAD_INPUT
    return EXIT_ISSUES if result.refused else EXIT_OK


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


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _suffix(fmt: str) -> str:
    return FORMATS.get(fmt, ".json")


def _stored_packet(unit: str, year: int) -> Packet:
    from app.storage import StorageError, open_database  # SQLAlchemy only for --unit/--year
    try:
        db = open_database()
        try:
            warn_backup(db)
            packet_id = db.find_packet(unit, year)
            if packet_id is None:
                raise UserError(f"本地数据库中没有“{unit}”{year}年度的材料（可用 perfeval list 查看）")
            packet: Packet = db.load_packet(packet_id, track=False)
            return packet
        finally:
            db.close()
    except StorageError as exc:
        raise UserError(str(exc)) from None


class _Progress:
    """A one-line progress bar on stderr (only used when stderr is a terminal)."""

    WIDTH = 30

    def show(self, done: int, total: int, name: str) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        sys.stderr.write(f"\r导出 {bar} {done}/{total} {name[:40]:<40}")
        sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()
