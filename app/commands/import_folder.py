"""``perfeval import DIR [--replace]``: every package and filled template in a folder into the database.

One line per file: 已导入 (new), 已覆盖 (replaced, with ``--replace``) or 未导入 and why (unreadable, or the
unit already has a packet for that year and ``--replace`` was not given).  Exit 0 when every file was
imported, 2 when any was refused; one refused file never stops the others.  Files are read on every
core when that pays (filled .xlsx templates); the database is written from this process only.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import EXIT_BAD_INPUT, EXIT_OK, UserError
from app.commands.progress import Progress
from app.export.summary import expand_inputs, problem_text
from app.parallel import map_files, workers_for
from app.storage import StorageError

if TYPE_CHECKING:
    from app.domain.model import Packet
    from app.storage import Database


@dataclass(frozen=True)
class Loaded:
    path: Path
    packet: Packet | None
    problem: str | None


def load_file(path: Path) -> Loaded:
    """Read one file; never raises (an unreadable file comes back with ``problem``)."""
    from app.commands.common import load_packet

    try:
        return Loaded(path, load_packet(str(path)), None)
    except Exception as exc:
        return Loaded(path, None, problem_text(str(path), exc))


def run_folder(args: argparse.Namespace) -> int:
    from app.storage import open_database

    folder = Path(args.file)
    paths = expand_inputs([folder])
    if not paths:
        raise UserError(f"{folder}：文件夹中没有数据包（.json）或模板（.xlsx）")
    done = {"imported": 0, "replaced": 0, "refused": 0}
    bar = Progress.on_terminal("导入")
    try:
        with open_database() as db:
            where = db.path
            loaded = map_files(load_file, paths, workers=workers_for(paths, getattr(args, "jobs", None)),
                               progress=bar.show if bar else None, name=lambda p: p.name)
            for item in loaded:
                line, outcome = _import_one(db, item, args.replace)
                done[outcome] += 1
                if bar:
                    bar.close()
                print(line, flush=True)
    except StorageError as exc:  # the database itself cannot be opened
        raise UserError(str(exc)) from None
    finally:
        if bar:
            bar.close()
    print(f"\n共{len(paths)}个文件：导入{done['imported']}个，覆盖{done['replaced']}个，未导入{done['refused']}个"
          f" → {where}")
    return EXIT_BAD_INPUT if done["refused"] else EXIT_OK


def _import_one(db: Database, item: Loaded, replace: bool) -> tuple[str, str]:
    """(the report line, imported | replaced | refused)"""
    name = item.path.name
    packet = item.packet
    if packet is None:
        return f"未导入：{name}：{item.problem}", "refused"
    what = f"{packet.unit.name} {packet.year}年度"
    try:
        exists = db.find_packet(packet.unit.name, packet.year) is not None
        if exists and not replace:
            reason = f"数据库中已有“{packet.unit.name}”{packet.year}年度的数据包；如要覆盖，请加 --replace"
            return f"未导入：{name}：{reason}", "refused"
        pid = db.import_packet(packet, replace=replace)
    except StorageError as exc:
        return f"未导入：{name}：{exc}", "refused"
    if exists:
        return f"已覆盖：{name} → {what}（编号{pid}）", "replaced"
    return f"已导入：{name} → {what}（编号{pid}）", "imported"
