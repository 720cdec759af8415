"""``perfeval check PACKAGE [--json] [--letter OUT]``: recompute every derived figure and run every validation
rule; ``--letter`` also writes the 退回意见 to the unit (.docx or .pdf).  ``perfeval check DIR`` checks a
whole folder (:mod:`app.commands.check_folder`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from app.cli import EXIT_ISSUES, EXIT_OK, UserError
from app.commands.common import load_packet
from app.domain.evaluate import Evaluation, evaluate

#: Chinese names of the figures printed in the human-readable table.
FIGURE_NAMES: dict[str, str] = {
    "basic.control_rate": "附件1 控制率",
    "basic.funds.three_public.prior": "附件1 “三公”经费（上年决算数）",
    "basic.funds.three_public.budget": "附件1 “三公”经费（本年预算数）",
    "basic.funds.three_public.actual": "附件1 “三公”经费（本年决算数）",
    "basic.funds.vehicle.prior": "附件1 公务用车购置和维护经费（上年决算数）",
    "basic.funds.vehicle.budget": "附件1 公务用车购置和维护经费（本年预算数）",
    "basic.funds.vehicle.actual": "附件1 公务用车购置和维护经费（本年决算数）",
    "basic.funds.projects.prior": "附件1 项目支出（上年决算数）",
    "basic.funds.projects.budget": "附件1 项目支出（本年预算数）",
    "basic.funds.projects.actual": "附件1 项目支出（本年决算数）",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("package", metavar="PACKAGE",
                        help="数据包（.json）或填好的官方模板（.xlsx）；也可以是文件夹（逐个审核其中的文件）")
    parser.add_argument("--json", action="store_true", help="以JSON输出（供程序读取）")
    parser.add_argument("--letter", metavar="OUT", help="同时写出给填报单位的退回意见（.docx 或 .pdf）")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="审核文件夹时同时使用的进程数（默认自动）")


def run(args: argparse.Namespace) -> int:
    if Path(args.package).is_dir():
        if args.letter:
            raise UserError("--letter 只能用于单个数据包（退回意见按单位写出）")
        from app.commands.check_folder import run_folder

        return run_folder(args)
    letter = Path(args.letter) if args.letter else None
    if letter is not None and letter.suffix.lower() not in (".docx", ".pdf"):
        raise UserError(f"{letter}：退回意见只能保存为 .docx 或 .pdf")
    packet = load_packet(args.package)
    result = evaluate(packet)
    if letter is not None:
        from app.export.letter import LetterError, write_letter

        try:
            notes = write_letter(packet, result, letter)
        except LetterError as exc:
            raise UserError(str(exc)) from None
        for note in notes:
            print(f"perfeval：注意：{note}", file=sys.stderr)
    if args.json:
        json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(render_table(packet.unit.name, packet.year, result, len(packet.projects)))
    if letter is not None:
        print(f"已写出退回意见：{letter}", file=sys.stderr if args.json else sys.stdout)
    return EXIT_ISSUES if result.errors else EXIT_OK


def render_table(unit: str, year: int, result: Evaluation, n_projects: int) -> str:
    pack = result.pack
    lines = [f"{unit or '（未填单位名称）'}  {year}年度", f"模板：{pack.name}（{pack.id} 第{pack.version}版）", "",
             "计算结果："]
    keys = result.summary_keys(n_projects)
    width = max((_width(_figure_name(result, k)) for k in keys), default=0)
    for key in keys:
        name = _figure_name(result, key)
        lines.append(f"  {name}{' ' * (width - _width(name))}  {result.computed.text(key)}")
    errors, warnings = len(result.errors), len(result.warnings)
    lines += ["", f"审核结果：{errors}个错误，{warnings}个提示"]
    for issue in result.issues:
        lines.append(f"  [{issue.severity.label}] {issue.message}  （{issue.code} @ {issue.field}）")
    if not result.issues:
        lines.append("  未发现问题")
    return "\n".join(lines) + "\n"


_SCORECARD_FIGURES = {"execution_rate": "执行率", "execution_score": "执行率得分", "weight_total": "分值合计",
                      "total_score": "总分"}


def _figure_name(result: Evaluation, key: str) -> str:
    """附件1 “三公”经费（本年决算数）, 附件2 总分, 附件3“项目” 执行率: the pack names its forms."""
    if key in FIGURE_NAMES and key.startswith("basic."):
        return FIGURE_NAMES[key]
    prefix, _, name = key.rpartition(".")
    sp = next((x for x in result.plan.scorecards if x.prefix == prefix), None)
    if sp is not None and name in _SCORECARD_FIGURES:
        return f"{sp.where}{_SCORECARD_FIGURES[name]}"
    return FIGURE_NAMES.get(key, key)


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
