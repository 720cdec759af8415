"""``perfeval summary [PACKAGE|DIR ...] -o OUT.xlsx|OUT.pdf [--json]``: the finance bureau's 汇总表.

One row per packet (a folder: every .json package and filled .xlsx template in it; no argument: every
packet in the local database) with 单位, 年度, 模板, 执行率, 执行率得分, 总分, 错误数, 提示数; a file that
cannot be read gets its own row naming the problem and never stops the others.  Exit 0 when written,
2 when there is nothing to summarize or the file cannot be written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import EXIT_BAD_INPUT, EXIT_OK, UserError
from app.commands.progress import Progress

if TYPE_CHECKING:
    from app.domain.summary import SummaryRow


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", metavar="PACKAGE|DIR", nargs="*",
                        help="数据包（.json）、填好的模板（.xlsx）或文件夹，可多个；不给出则汇总本地数据库中的全部数据包")
    parser.add_argument("-o", "--output", metavar="OUT",
                        help="汇总表文件：.xlsx（可打印的Excel表）或 .pdf")
    parser.add_argument("--json", action="store_true", help="把各行以JSON输出到标准输出（供程序读取）")
    parser.add_argument("--group-by-supervisor", action="store_true",
                        help="按主管部门分组并给出小计（主管部门取自附件3的“主管部门”，或 --supervisors 对照表）")
    parser.add_argument("--supervisors", metavar="CSV",
                        help="单位与主管部门对照表（两列：单位,主管部门；UTF-8或GBK），给出时按主管部门分组")
    parser.add_argument("--jobs", "-j", type=int, metavar="N",
                        help="同时使用的进程数（默认：文件多时用全部CPU核）")


def run(args: argparse.Namespace) -> int:
    from app.domain.summary import build_table
    from app.export.summary import SummaryError, read_supervisors, write_table

    if not args.output and not args.json:
        raise UserError("请用 -o 指定汇总表文件（.xlsx 或 .pdf），或加 --json 输出到屏幕")
    out = Path(args.output) if args.output else None
    if out is not None and out.suffix.lower() not in (".xlsx", ".pdf"):
        raise UserError(f"{out}：汇总表只能保存为 .xlsx 或 .pdf")
    try:
        supervisors = read_supervisors(Path(args.supervisors)) if args.supervisors else None
    except SummaryError as exc:
        raise UserError(str(exc)) from None
    rows = _file_rows(args, out) if args.inputs else _database_rows()
    grouped = args.group_by_supervisor or supervisors is not None
    table = build_table(rows, group_by_supervisor=grouped, supervisors=supervisors)
    if out is not None:
        try:
            notes = write_table(table, out)
        except SummaryError as exc:
            raise UserError(str(exc)) from None
        for note in notes:
            print(f"perfeval：注意：{note}", file=sys.stderr)
    if args.json:
        ordered = [r for g in table.groups for r in g.rows] + table.problems
        json.dump([r.to_json() for r in ordered], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    if out is not None:
        t = table.total
        message = (f"已写出汇总表：{out}（{t.packets + len(table.problems)}份，有错误{t.with_errors}份，"
                   f"无法读取{len(table.problems)}份）")
        print(message, file=sys.stderr if args.json else sys.stdout)
    return EXIT_OK


def _file_rows(args: argparse.Namespace, out: Path | None) -> list[SummaryRow]:
    from app.export.summary import expand_inputs, summary_rows

    for arg in args.inputs:
        p = Path(arg)
        if p.is_dir() and not expand_inputs([p]):
            raise UserError(f"{p}：文件夹中没有数据包（.json）或模板（.xlsx）", EXIT_BAD_INPUT)
    paths = expand_inputs(args.inputs)
    if out is not None:  # last run's 汇总表 saved into the folder is not a packet
        paths = [p for p in paths if not _same_file(p, out)]
    bar = Progress.on_terminal("汇总")
    try:
        return summary_rows(paths, jobs=args.jobs, progress=bar.show if bar else None)
    finally:
        if bar:
            bar.close()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _database_rows() -> list[SummaryRow]:
    from app.export.summary import database_summary_rows
    from app.storage import StorageError, open_database

    try:
        with open_database() as db:
            if db.is_empty():
                raise UserError(f"本地数据库中还没有数据包（{db.path}）；请给出要汇总的数据包或文件夹")
            bar = Progress.on_terminal("汇总")
            try:
                return database_summary_rows(db, progress=bar.show if bar else None)
            finally:
                if bar:
                    bar.close()
    except StorageError as exc:
        raise UserError(str(exc)) from None
