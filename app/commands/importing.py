"""``perfeval import FILE|DIR [--replace]``: put a data package (or a filled template) into the local database;
a folder imports every package and template in it with a line per file (:mod:`app.commands.import_folder`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli import EXIT_BAD_INPUT, EXIT_OK, UserError
from app.commands.common import load_packet, warn_backup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="数据包（.json）或填好的官方模板（.xlsx）；也可以是文件夹")
    parser.add_argument("--replace", action="store_true", help="数据库中已有同一单位同一年度的数据包时覆盖它")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="导入文件夹时读取文件的进程数（默认自动）")


def run(args: argparse.Namespace) -> int:
    if Path(args.file).is_dir():
        from app.commands.import_folder import run_folder

        return run_folder(args)
    suffix = Path(args.file).suffix.lower()
    if suffix == ".docx":
        raise UserError(
            f"{args.file}：本版本还不能导入Word模板，请导入数据包（.json）或填好的Excel模板（.xlsx）", EXIT_BAD_INPUT
        )
    packet = load_packet(args.file)

    from app.storage import StorageError, open_database

    try:
        with open_database() as db:
            warn_backup(db)
            exists = db.find_packet(packet.unit.name, packet.year) is not None
            if exists and not args.replace:
                raise UserError(
                    f"{args.file}：数据库中已有“{packet.unit.name}”{packet.year}年度的数据包；如要覆盖，请加 --replace",
                    EXIT_BAD_INPUT,
                )
            pid = db.import_packet(packet, replace=args.replace)
            where = db.path
    except StorageError as exc:
        raise UserError(f"{args.file}：{exc}", EXIT_BAD_INPUT) from None
    verb = "已覆盖" if exists else "已导入"
    sys.stdout.write(f"{verb}：{packet.unit.name} {packet.year}年度（编号{pid}）→ {where}\n")
    return EXIT_OK
