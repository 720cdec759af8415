"""Wall time and peak memory of ``perfeval summary`` over a county's packets, run as a user runs it.

    python benchmarks/summary_bench.py [--packets 300] [--runs 5] [--xlsx-every 0] [--out xlsx|pdf] [--jobs N]
                                       [--in-process]

Generates N packets from the five seeds (tests/data/seed_00N.json) into a temporary folder: a different
unit name each (县 × 部门), year 2022–2024, every amount scaled by a per-packet factor and the 全年执行数
by another (so 执行率, 得分 and the error counts vary).  ``--xlsx-every K`` writes every K-th packet as a
filled .xlsx template (the app's own Excel export) instead of a .json package.

Then runs ``python -m app summary DIR -o OUT`` in a fresh process ``--runs`` times and reports the median
and the spread of the wall time, the peak RSS of the whole process tree (main + pool workers, sampled
every 20 ms from /proc) and the largest single process (getrusage, exact).  Linux only (/proc).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COUNTIES = ["平江县", "湘阴县", "华容县", "岳阳县", "临湘市", "汨罗市", "君山区", "云溪区", "屈原区", "岳阳楼区",
            "南县", "桃江县", "安化县", "沅江市", "资阳区", "赫山区", "大通湖区", "金口河区", "沙湾区", "五通桥区"]
DEPARTMENTS = ["财政局", "教育局", "卫生健康局", "农业农村局", "水利局", "交通运输局", "自然资源局", "住房和城乡建设局",
               "民政局", "人力资源和社会保障局", "司法局", "文化旅游广电体育局", "统计局", "审计局", "市场监督管理局",
               "应急管理局", "林业局", "商务局", "发展和改革局", "生态环境分局", "医疗保障局", "退役军人事务局",
               "档案馆", "机关事务服务中心", "融媒体中心", "委办公室", "人民政府办公室", "委组织部", "委宣传部",
               "委统战部", "科学技术局", "工业和信息化局", "城市管理局", "信访局", "乡村振兴局", "供销合作社联合社",
               "总工会", "妇女联合会", "共青团委员会", "残疾人联合会", "红十字会", "气象局", "疾病预防控制中心",
               "人民医院", "中医医院", "第一中学", "职业中专学校", "图书馆", "文化馆", "博物馆"]
#: not money: 编制/在职人数 ("actual" there is a head count), indicator values, texts
SKIP_KEYS = {"staff", "indicators", "targets", "report", "buildings"}
MONEY_KEYS = {"prior", "budget", "actual", "budget_initial", "budget_full_year", "initial", "full_year",
              "general_budget", "gov_fund", "special_account", "other", "basic", "project"}


def unit_names(n: int) -> list[str]:
    names = [c + d for d in DEPARTMENTS for c in COUNTIES]
    if n > len(names):
        names += [f"{name}（{k}）" for k in range(2, n // len(names) + 2) for name in names]
    return names[:n]


def _scale(value: Any, factor: Decimal) -> Any:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return value
    try:
        number = Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return value
    return str((number * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _scale_money(node: Any, factor: Decimal, executed: Decimal) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SKIP_KEYS:
                continue
            if key in MONEY_KEYS and not isinstance(value, dict | list):
                node[key] = _scale(value, factor)
            elif key == "executed" and not isinstance(value, dict | list):
                node[key] = _scale(value, factor * executed)
            else:
                _scale_money(value, factor, executed)
    elif isinstance(node, list):
        for item in node:
            _scale_money(item, factor, executed)


def generate(folder: Path, n: int, *, xlsx_every: int = 0, seed: int = 13) -> list[Path]:
    """Write ``n`` packets into ``folder`` (see the module docstring); returns their paths."""
    rng = random.Random(seed)
    seeds = [json.loads((ROOT / "tests" / "data" / f"seed_{k:03d}.json").read_text(encoding="utf-8"))
             for k in range(5)]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, name in enumerate(unit_names(n)):
        doc = copy.deepcopy(seeds[i % 5])
        doc["unit"]["name"] = name
        doc["year"] = rng.choice([2022, 2023, 2024])
        factor = Decimal(rng.randint(50, 200)) / 100
        executed = Decimal(rng.randint(70, 105)) / 100
        for part in ("basic", "self_eval", "projects"):
            if part in doc:
                _scale_money(doc[part], factor, executed)
        for project in doc.get("projects", []):
            project["supervisor"] = next(c for c in COUNTIES if name.startswith(c)) + "人民政府"
        path = folder / f"{i:03d}-{name}.json"
        if xlsx_every and i % xlsx_every == xlsx_every - 1:
            from app.domain.package import packet_from_dict
            from app.export import export_packet

            path = export_packet(packet_from_dict(doc), "xlsx", path.with_suffix(".xlsx"), draft=True)
        else:
            path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str]) -> tuple[float, int]:
    """(wall seconds, peak RSS bytes of the process tree) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.02)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"perfeval summary failed ({proc.returncode}): {err}")
    return wall, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packets", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--xlsx-every", type=int, default=0)
    parser.add_argument("--out", choices=("xlsx", "pdf"), default="xlsx")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--in-process", action="store_true", help="also time rows/xlsx/pdf inside this process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="summary-bench-") as tmp:
        folder = Path(tmp) / "packets"
        t0 = time.perf_counter()
        paths = generate(folder, args.packets, xlsx_every=args.xlsx_every)
        xlsx = sum(1 for p in paths if p.suffix == ".xlsx")
        print(f"generated {len(paths)} packets ({xlsx} as .xlsx) in {time.perf_counter() - t0:.1f} s")
        out = Path(tmp) / f"summary.{args.out}"
        cmd = [sys.executable, "-m", "app", "summary", str(folder), "-o", str(out)]
        if args.jobs:
            cmd += ["--jobs", str(args.jobs)]
        walls, peaks = [], []
        for _ in range(args.runs):
            wall, peak = measure(cmd)
            walls.append(wall)
            peaks.append(peak)
        largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
        load = os.getloadavg()
        print(f"perfeval summary {args.packets} packets -> .{args.out}"
              f"{f' --jobs {args.jobs}' if args.jobs else ''} ({args.runs} runs): "
              f"wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}); "
              f"peak RSS of the process tree median {statistics.median(peaks) / 2**20:.0f} MiB "
              f"(max {max(peaks) / 2**20:.0f}); largest single process {largest / 1024:.0f} MiB")
        if args.in_process:
            from app.export.summary import summary_rows, write_summary

            t0 = time.perf_counter()
            rows = summary_rows([folder], jobs=1)
            per_row = (time.perf_counter() - t0) / len(rows)
            for fmt in ("xlsx", "pdf"):
                times = []
                for _ in range(4):
                    t0 = time.perf_counter()
                    write_summary(rows, Path(tmp) / f"again.{fmt}")
                    times.append(time.perf_counter() - t0)
                print(f"in-process: write .{fmt} first {times[0]:.2f} s (imports, font), then median "
                      f"{statistics.median(times[1:]):.2f} s")
            print(f"in-process: one packet read + evaluated {per_row * 1000:.1f} ms")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"Python {platform.python_version()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
              f"{time.strftime('%Y-%m-%d %H:%M %Z')}")


if __name__ == "__main__":
    main()
