"""The finance bureau's 汇总表 of many packets: rows from files or the database, written as xlsx or PDF.

Library use (``perfeval summary`` and the GUI's 单位总览 both go through these)::

    from app.export.summary import database_summary_rows, summary_rows, write_summary

    rows = summary_rows([Path("收件箱")])            # files and folders (.json packages, filled .xlsx)
    rows = database_summary_rows(db, packet_ids)     # packets of the local database (all when None)
    write_summary(rows, Path("汇总表.xlsx"))          # or .pdf; group_by_supervisor=True for 小计 per 主管部门

A row is an :class:`app.domain.summary.SummaryRow`; an unreadable file is a row with ``problem`` set,
never an exception.  Both row functions take ``progress(done, total, name)`` and ``cancelled()``
callbacks for a progress dialog; call them from a worker thread in the GUI.  ``summary_rows`` uses a
process pool when the files are worth it (:func:`app.parallel.workers_for`; ``jobs=1`` forces one process).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.atomic import write_replacing
from app.domain.numbers import NOT_APPLICABLE
from app.domain.summary import (
    SummaryRow,
    SummaryTable,
    Totals,
    build_table,
    packet_row,
    problem_row,
    rate_value,
    score_value,
)
from app.parallel import Progress, map_files, workers_for

if TYPE_CHECKING:
    from app.storage import Database

#: the files a folder contributes (what ``perfeval export DIR`` reads too)
INPUT_SUFFIXES = (".json", ".xlsx", ".xlsm")
#: output suffix → writer format
SUMMARY_FORMATS = {".xlsx": "xlsx", ".pdf": "pdf"}


class SummaryError(Exception):
    """The 汇总表 could not be written, or a supervisors list could not be read (Chinese message)."""


def expand_inputs(args: Iterable[str | Path]) -> list[Path]:
    """Files named, and the packages/templates in folders named (not their sub-folders; hidden files and
    Office lock files ``~$…`` skipped), each once, in the order given (a folder's files by name)."""
    out: dict[Path, None] = {}
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            for x in sorted(p.iterdir()):
                if x.is_file() and x.suffix.lower() in INPUT_SUFFIXES and not x.name.startswith((".", "~$")):
                    out.setdefault(x)
        else:
            out.setdefault(p)
    return list(out)


def row_of_file(path: Path) -> SummaryRow:
    """Read and evaluate one file; any failure becomes a row naming the problem (never raises)."""
    from app.commands.common import load_packet  # the same reading as ``perfeval check``
    from app.domain.evaluate import evaluate

    source = str(path)
    try:
        packet = load_packet(source)
        return packet_row(packet, evaluate(packet), source)
    except Exception as exc:  # one broken file never stops the others
        return problem_row(source, problem_text(source, exc))


def problem_text(source: str, exc: Exception) -> str:
    """The Chinese reason without the file name in front (the row already names the file)."""
    from app.cli import UserError

    if isinstance(exc, UserError):
        return str(exc).removeprefix(f"{source}：")
    from app.crash import report_crash

    log = report_crash(exc)
    return f"程序内部错误（{type(exc).__name__}），详情已记录到 {log}"


def summary_rows(
    inputs: Iterable[str | Path],
    *,
    jobs: int | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[SummaryRow]:
    """One row per file in ``inputs`` (files and folders, see :func:`expand_inputs`), in input order."""
    paths = expand_inputs(inputs)
    return list(map_files(row_of_file, paths, workers=workers_for(paths, jobs), progress=progress,
                          cancelled=cancelled, name=lambda p: p.name))


def database_summary_rows(
    db: Database,
    packet_ids: Sequence[int] | None = None,
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[SummaryRow]:
    """One row per stored packet (``packet_ids``, or every packet); ``source`` is ``数据库#id``.

    Runs in the calling thread with the caller's :class:`~app.storage.Database` (≈4 ms a packet: load +
    evaluate); a packet that cannot be loaded becomes a problem row."""
    from app.domain.evaluate import evaluate

    ids = [p.id for p in db.list_packets()] if packet_ids is None else list(packet_ids)
    rows: list[SummaryRow] = []
    for n, pid in enumerate(ids):
        if cancelled is not None and cancelled():
            break
        source = f"数据库#{pid}"
        try:
            packet = db.load_packet(pid)
            rows.append(packet_row(packet, evaluate(packet), source))
        except Exception as exc:
            rows.append(problem_row(source, f"无法读取（{exc}）"))
        if progress is not None:
            progress(n + 1, len(ids), source)
    return rows


def read_supervisors(path: Path) -> dict[str, str]:
    """A bureau's list of units and their 主管部门: a CSV file with two columns 单位, 主管部门 (a heading
    row is allowed), UTF-8 or GBK as Excel/WPS save it."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SummaryError(f"{path}：无法读取主管部门对照表（{exc.strerror or exc}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence
        raise SummaryError(f"{path}：主管部门对照表不是文本文件")
    out: dict[str, str] = {}
    for n, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0]:
            raise SummaryError(f"{path}：第{n}行应为“单位,主管部门”两列")
        if n == 1 and cells[0] in ("单位", "单位名称"):
            continue
        out[cells[0]] = cells[1]
    return out


def write_summary(
    rows: Iterable[SummaryRow],
    out: Path,
    *,
    group_by_supervisor: bool = False,
    supervisors: Mapping[str, str] | None = None,
    today: dt.date | None = None,
) -> SummaryTable:
    """Write the 汇总表 of ``rows`` to ``out`` (.xlsx or .pdf, by its suffix); returns the table printed.

    Rows are sorted by unit (unreadable files last); ``group_by_supervisor`` prints one group per 主管部门
    with its 小计 (see :func:`app.domain.summary.build_table` for where the 主管部门 comes from).  The file
    is written under a temporary name and renamed, so a failure never leaves half a file.
    Raises :class:`SummaryError` (unknown suffix, cannot write)."""
    table = build_table(rows, group_by_supervisor=group_by_supervisor, supervisors=supervisors, today=today)
    write_table(table, out)
    return table


def write_table(table: SummaryTable, out: Path) -> list[str]:
    """Write an arranged table (:func:`app.domain.summary.build_table`) to ``out``; returns warnings
    (characters the PDF font lacks)."""
    fmt = SUMMARY_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise SummaryError(f"{out}：汇总表只能保存为 .xlsx 或 .pdf")
    def write(tmp: Path) -> list[str]:
        if fmt == "xlsx":
            from app.export.summary_xlsx import write_summary_xlsx

            write_summary_xlsx(table, tmp)
            return []
        from app.export.summary_pdf import write_summary_pdf

        return write_summary_pdf(table, tmp)

    try:
        return write_replacing(out, write)
    except OSError as exc:
        raise SummaryError(f"无法写入 {out}（{exc.strerror or exc}）") from None


# --- the printed lines, shared by the xlsx and PDF writers -----------------------------------------

#: (heading, kind, width in Excel character units); kinds: text, int, rate, score
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("序号", "int", 5),
    ("单位", "text", 30),
    ("年度", "int", 7),
    ("模板", "text", 12),
    ("执行率", "rate", 10),
    ("执行率得分", "score", 10),
    ("总分", "score", 9),
    ("错误数", "int", 7),
    ("提示数", "int", 7),
    ("说明", "text", 38),
)
NOTE = ("注：执行率、执行率得分、总分按填报数据重新计算（与 perfeval check 一致），“——”表示无法计算（如全年预算数"
        "未填）；小计、平均行为有数字的单位的算术平均，错误数、提示数为合计。")
SIGNATURES = ("制表人：", "审核人：", "制表单位（盖章）：")

Value = str | int | Decimal | None


@dataclass(frozen=True)
class Line:
    """One printed line: ``kind`` is heading | group | row | subtotal | total | average | problems | problem;
    ``values`` has one entry per column (a group/problems line has only its title in ``values[0]``)."""

    kind: str
    values: tuple[Value, ...]


def table_lines(table: SummaryTable) -> list[Line]:
    lines = [Line("heading", tuple(c[0] for c in COLUMNS))]
    number = 0
    for group in table.groups:
        if table.grouped:
            lines.append(Line("group", (f"主管部门：{group.title}（{len(group.rows)}份）",)))
        for r in group.rows:
            number += 1
            lines.append(Line("row", _row_values(number, r)))
        if table.grouped:
            lines.append(Line("subtotal", _totals_values(f"小计（{group.subtotal.packets}份）", group.subtotal)))
    total = table.total
    lines.append(Line("total", ("", f"合计（{total.packets}份，其中有错误{total.with_errors}份）", "", "", None,
                                None, None, total.errors, total.warnings, "")))
    lines.append(Line("average", _totals_values("平均", total, counts=False)))
    if table.problems:
        lines.append(Line("problems", (f"无法读取的文件（{len(table.problems)}个）",)))
        for r in table.problems:
            number += 1
            lines.append(Line("problem", (number, Path(r.source).name, None, None, None, None, None, None, None,
                                          r.problem)))
    return lines


def _row_values(number: int, r: SummaryRow) -> tuple[Value, ...]:
    return (number, r.unit or "（未填单位名称）", r.year, r.template_name or r.template, _rate(r.execution_rate),
            _score(r.execution_score), _score(r.total_score), r.errors, r.warnings, r.note)


def _totals_values(label: str, t: Totals, *, counts: bool = True) -> tuple[Value, ...]:
    """Averages as printed (85.32%, 8.53): the xlsx cell holds the rounded figure, not 8.954…"""
    return ("", label, "", "", _rate(t.rate_text), _score(t.score_text), _score(t.total_text),
            t.errors if counts else None, t.warnings if counts else None, "")


def _rate(text: str | None) -> Value:
    return _or_dash(rate_value(text))


def _score(text: str | None) -> Value:
    return _or_dash(score_value(text))


def _or_dash(v: Decimal | None) -> Value:
    return NOT_APPLICABLE if v is None else v
