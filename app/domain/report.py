"""附件4 自评报告: a chapter's text as printable blocks — paragraphs, the clerk's own tables, and the tables or
charts the pack offers to generate from the packet's figures.

A chapter is stored as text (what the clerk typed or pasted).  Two kinds of lines are more than paragraphs:

- a **table** is a run of lines holding cells separated by ``|`` (``预算项目 | 本年预算 | 本年决算``); a table
  copied from Excel/WPS (tab-separated) is turned into such lines when pasted, so every output prints it as a
  ruled table (the first row as its heading);
- an **insert** is a line ``【表1 一般公共预算支出情况（万元）】`` naming one of the pack's report inserts: the
  table or chart is generated there from the same figures the 审核 compares the text with (one source), so a
  quoted figure that disagrees with it is an issue before printing.  Nothing is generated where the clerk did not
  ask for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CELL_SEPARATOR = "|"
_INSERT = re.compile(r"^\s*【(?P<caption>[^【】]+)】\s*$")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class TextTable:
    """A table the clerk typed or pasted: rows of cells, the first row is the heading."""

    rows: tuple[tuple[str, ...], ...]

    @property
    def columns(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def padded(self) -> list[list[str]]:
        return [list(r) + [""] * (self.columns - len(r)) for r in self.rows]


@dataclass(frozen=True)
class Insert:
    """A generated table or chart, by its caption (one of the pack's ``report.inserts``)."""

    caption: str


Block = Paragraph | TextTable | Insert


def is_table_line(line: str) -> bool:
    return line.count(CELL_SEPARATOR) >= 1 and len(split_cells(line)) >= 2


def split_cells(line: str) -> list[str]:
    text = line.strip()
    if text.startswith(CELL_SEPARATOR):
        text = text[1:]
    if text.endswith(CELL_SEPARATOR):
        text = text[:-1]
    return [cell.strip() for cell in text.split(CELL_SEPARATOR)]


def blocks(text: str, captions: frozenset[str] = frozenset()) -> list[Block]:
    """The chapter's blocks: blank lines dropped, table lines grouped, known insert lines recognised."""
    out: list[Block] = []
    table: list[tuple[str, ...]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line and is_table_line(line):
            table.append(tuple(split_cells(line)))
            continue
        if table:
            out.append(TextTable(tuple(table)))
            table = []
        if not line:
            continue
        m = _INSERT.match(line)
        if m and m.group("caption").strip() in captions:
            out.append(Insert(m.group("caption").strip()))
        else:
            out.append(Paragraph(line))
    if table:
        out.append(TextTable(tuple(table)))
    return out


def insert_line(caption: str) -> str:
    """What the GUI puts into the text to ask for a generated table or chart."""
    return f"【{caption}】"


def from_clipboard(text: str) -> str:
    """A block copied from Excel/WPS (tab-separated) as table lines; other text unchanged."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not any("\t" in line for line in lines):
        return text
    while lines and not lines[-1].strip():
        lines.pop()  # Excel ends the block with a newline
    return "\n".join(" | ".join(cell.strip() for cell in line.split("\t")) if "\t" in line else line
                     for line in lines)
