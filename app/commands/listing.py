"""``perfeval list [--json]``: the units and years in the local database."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli import EXIT_BAD_INPUT, EXIT_OK, UserError
from app.commands.common import warn_backup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以JSON输出（供程序读取）")


def run(args: argparse.Namespace) -> int:
    from app.storage import StorageError, open_database

    try:
        with open_database() as db:
            warn_backup(db)
            packets = db.list_packets()
            where = db.path
    except StorageError as exc:
        raise UserError(str(exc), EXIT_BAD_INPUT) from None
    if args.json:
        rows = [
            {
                "id": p.id,
                "unit": p.unit_name,
                "year": p.year,
                "status": p.status,
                "template": p.template,
                "updated_at": p.updated_at.isoformat(timespec="seconds"),
            }
            for p in packets
        ]
        json.dump({"database": str(where), "packets": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    if not packets:
        sys.stdout.write(f"数据库中还没有数据包（{where}）\n")
        return EXIT_OK
    lines = [f"数据库：{where}", ""]
    width = max(_width(p.unit_name) for p in packets)
    for p in packets:
        when = p.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        pad = " " * (width - _width(p.unit_name))
        lines.append(f"  {p.unit_name}{pad}  {p.year}年度  {p.status}  最后修改 {when}  （编号{p.id}）")
    units = len({p.unit_name for p in packets})
    lines += ["", f"共{units}个单位，{len(packets)}个数据包"]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
