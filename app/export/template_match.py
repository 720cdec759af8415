"""Reading a filled workbook by a template pack: which pack, which sheet is which attachment, then every
block of every sheet (:mod:`app.export.template_blocks`), found by the headings the pack declares (never by
fixed cell addresses).

The same code reads every pack (there is no per-attachment code): this program's own Excel export, and the
official templates as clerks fill them by hand (figures typed into the label cell after “：”, labels with a
prefix such as 市级预算部门名称, numbering, brackets, indentation by spaces; see
:mod:`app.export.template_labels`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.model import DEFAULT_TEMPLATE, Packet, ReportSection
from app.domain.package import Problem
from app.domain.packs import Attachment, FormBlock, IndicatorBlock, ListBlock, Pack, TableBlock, fill
from app.domain.shape import materialize
from app.export.template_blocks import TITLE_ROWS, Filler, printed
from app.export.template_labels import SheetView, loose, nfkc, template_regex

if TYPE_CHECKING:
    from app.export.template_import import _Sheet

#: role of a 附件4 row in a hidden column (written by app.export.xlsx): I since the report's tables are ruled
#: tables over columns A–H, B in earlier exports; a paragraph longer than one cell holds goes on in 续 rows
ROLE_COLUMNS, ROLE_TITLE, ROLE_TEXT, ROLE_MORE = (9, 2), "章", "文", "续"
#: a report table's row and a generated table's/chart's caption row: their line as written is in the column
#: after the role (a | b | c; 【表1 …】) — see app.export.xlsx
ROLE_TABLE, ROLE_INSERT = "表", "插"
_TITLE_YEAR = re.compile(r"^\{year\}年度?")


# ---------------------------------------------------------------------------------------------------
# Which pack, which attachment
# ---------------------------------------------------------------------------------------------------


def signature(att: Attachment) -> list[str]:
    """The texts a printed attachment shows whatever the packet (headings, side labels, row labels)."""
    out: list[str] = []
    for block in att.blocks:
        if not printed(block.only):
            continue
        if block.side:
            out.append(block.side)
        if isinstance(block, FormBlock):
            out += [c.text for row in block.rows if printed(row.only) for c in row.cells
                    if c.role in ("label", "header") and printed(c.only)]
        elif isinstance(block, TableBlock):
            out += [block.corner, *(c.label for c in block.columns), *(r.label for r in block.rows)]
        elif isinstance(block, ListBlock | IndicatorBlock):
            out += [c.label for c in block.columns]
    texts = [t for t in out if t.strip() and not re.search(r"\{(unit|name|n)\}", t)]
    seen: set[str] = set()
    unique = []
    for t in texts:
        rough = loose(fill(t, {"year": 2000, "prior_year": 1999}))
        if "{" in rough:
            continue  # a pack variable outside brackets: its value is not known before reading
        if len(rough) >= 2 and rough not in seen:
            seen.add(rough)
            unique.append(rough)
    return unique


def _sheet_keys(view: SheetView) -> set[str]:
    """Every label of a sheet as compared (also the part before a “：” of a label holding its figure)."""
    out: set[str] = set()
    for r in view.rows:
        for _, v in view.strings(r):
            out.add(loose(v))
            text = nfkc(v)
            for m in re.finditer(":", text):
                out.add(loose(text[: m.start()]))
    return out


@dataclass
class _Fit:
    attachment: Attachment | None  # None: the 自评报告 sheet
    score: float
    year: int | None = None


def _title_year(view: SheetView, template: str) -> tuple[bool, int | None]:
    pattern = template_regex(template)
    for r in sorted(view.rows)[:TITLE_ROWS]:
        for _, v in view.strings(r):
            m = pattern.search(nfkc(v))
            if m:
                year = m.groupdict().get("year")
                return True, int(year) if year else None
    return False, None


def fit(view: SheetView, att: Attachment, keys: set[str]) -> _Fit:
    """How well a sheet looks like an attachment: its title, then each heading found (missing ones count
    against it)."""
    titled, year = _title_year(view, att.title)
    sig = signature(att)
    found = sum(1 for s in sig if s in keys)
    score = found - 0.5 * (len(sig) - found) + (5 if titled else 0)
    if template_regex(att.sheet).fullmatch(nfkc(view.name).strip()):
        score += 1
    enough = titled or (sig and found >= max(3, math.ceil(len(sig) / 2)))
    return _Fit(att, score if enough else 0.0, year)


def _is_report(view: SheetView, pack: Pack) -> tuple[bool, int | None]:
    if pack.report is None:
        return False, None
    if _role_column(view) is None:
        return False, None
    return _title_year(view, pack.report.title)


def classify(views: list[SheetView], pack: Pack) -> list[_Fit | None]:
    out: list[_Fit | None] = []
    for view in views:
        report, year = _is_report(view, pack)
        if report:
            out.append(_Fit(None, 10, year))
            continue
        keys = _sheet_keys(view)
        fits = [fit(view, att, keys) for att in pack.attachments]
        best = max(fits, key=lambda f: f.score, default=None)
        out.append(best if best is not None and best.score > 0 else None)
    return out


def detect_pack(views: list[SheetView], packs: list[Pack]) -> Pack | None:
    """The pack whose attachments the sheets look most like (the default pack on a tie)."""
    best: tuple[float, int, Pack] | None = None
    for pack in packs:
        total = sum(f.score for f in classify(views, pack) if f is not None and f.attachment is not None)
        rank = (total, 1 if pack.id == DEFAULT_TEMPLATE else 0, pack)
        if total > 0 and (best is None or rank[:2] > best[:2]):
            best = rank
    return best[2] if best else None


# ---------------------------------------------------------------------------------------------------
# Reading one workbook
# ---------------------------------------------------------------------------------------------------


def read_workbook(sheets: list[_Sheet], packs: list[Pack], chosen: Pack | None) -> tuple[Packet | None, list[Problem]]:
    """The packet a loaded workbook holds on ``chosen`` (None: the one of ``packs`` it looks like), and every
    problem (sheet, row, column).  The packet has every row its pack declares (materialized)."""
    views = [SheetView(s) for s in sheets]
    pack = chosen or detect_pack(views, packs) or next((p for p in packs if p.id == DEFAULT_TEMPLATE), None)
    if pack is None:
        return None, [Problem("", "本机没有可用的模板")]
    fits = classify(views, pack)
    forms = [(v, f) for v, f in zip(views, fits, strict=True) if f is not None]
    if not any(f.attachment is not None for _, f in forms):
        names = "、".join(f"{a.label} {_TITLE_YEAR.sub('', a.title)}" for a in pack.attachments)
        return None, [Problem("", f"没有找到{names}（请使用官方模板）")]
    year = next((f.year for _, f in forms if f.year), None) or _any_year(v for v, _ in forms)
    if year is None:
        return None, [Problem("", "表头中找不到年度（如“2024年度…”）")]
    packet = Packet(year=year, template=pack.id, template_version=pack.version)
    materialize(pack, packet)
    reader = Filler(pack, packet)
    projects = [f for _, f in forms if f.attachment is not None and f.attachment.scope == "project"]
    reader.prepare(len(projects))
    done: set[str] = set()
    n = 0
    for view, f in forms:
        if f.attachment is None:
            _read_report(view, packet)
        elif f.attachment.scope == "project":
            reader.sheet(view, f.attachment, n)
            n += 1
        elif f.attachment.key not in done:  # a second copy of a packet-wide form is left alone
            done.add(f.attachment.key)
            reader.sheet(view, f.attachment)
    reader.finish()
    problems = [p for v in views for p in v.sheet.problems]
    return packet, problems


def _any_year(views: Iterable[SheetView]) -> int | None:
    for view in views:
        for r in sorted(view.rows)[:TITLE_ROWS]:
            for _, v in view.strings(r):
                m = re.search(r"(\d{4})\s*年度", nfkc(v))
                if m:
                    return int(m.group(1))
    return None


def _role_column(view: SheetView) -> int | None:
    return next((c for c in ROLE_COLUMNS if any(view.text(r, c) == ROLE_TITLE for r in view.rows)), None)


def _read_report(view: SheetView, packet: Packet) -> None:
    """附件4 as this program's export writes it: row roles in a hidden column (章 title, 文 paragraph, 续 its
    continuation, 表 a table row, 插 a generated table or chart: the line the clerk wrote is read back)."""
    sections: list[ReportSection] = []
    role_col = _role_column(view) or ROLE_COLUMNS[-1]
    for r in range(1, view.last + 1):
        role = view.text(r, role_col)
        text = str(view.sheet.get(r, 1) or "")
        if role == ROLE_TITLE:
            sections.append(ReportSection(title=text.strip()))
        elif role == ROLE_TEXT and sections:
            para = text.lstrip("\u3000 ")
            para = para if view.text(r + 1, role_col) == ROLE_MORE else para.rstrip()
            sections[-1].text = f"{sections[-1].text}\n{para}" if sections[-1].text else para
        elif role == ROLE_MORE and sections:  # the rest of a paragraph longer than one Excel cell holds
            sections[-1].text += text if view.text(r + 1, role_col) == ROLE_MORE else text.rstrip()
        elif role in (ROLE_TABLE, ROLE_INSERT) and sections:
            line = str(view.sheet.get(r, role_col + 1) or "").strip()
            if line:
                sections[-1].text = f"{sections[-1].text}\n{line}" if sections[-1].text else line
    packet.report.sections = sections
