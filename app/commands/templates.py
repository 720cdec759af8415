"""``perfeval templates [--json]``: the template packs this installation knows (shipped, ``PERFEVAL_TEMPLATES``,
the user data folder's ``templates/``)."""

from __future__ import annotations

import argparse
import json
import sys

from app.cli import EXIT_BAD_INPUT, EXIT_OK
from app.domain import registry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="以JSON输出（供程序读取）")


def run(args: argparse.Namespace) -> int:
    reg = registry.default()
    packs = [v for pid in reg.ids() for v in sorted(reg.packs[pid].values(), key=lambda p: p.version)]
    if args.json:
        rows = [
            {"id": p.id, "name": p.name, "version": p.version, "kind": p.kind, "region": p.region,
             "attachments": [a.label for a in p.attachments] + ([p.report.label] if p.report else []),
             "path": p.path}
            for p in packs
        ]
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        lines = ["模板（template pack）：", ""]
        for p in packs:
            kind = "项目" if p.kind == "project" else "部门整体"
            forms = "、".join([a.label for a in p.attachments] + ([p.report.label] if p.report else []))
            lines.append(f"  {p.id}  第{p.version}版  {p.name}（{kind}；{forms}）")
            lines.append(f"      {p.path}")
        lines += ["", "模板文件夹：" + "；".join(str(f) for f in registry.folders())]
        sys.stdout.write("\n".join(lines) + "\n")
    for error in reg.errors:  # a broken file: one line each, and the exit status says so
        print(f"perfeval：{error}", file=sys.stderr)
    return EXIT_BAD_INPUT if reg.errors else EXIT_OK
