"""Printable exports of a packet: PDF (reportlab), Excel (openpyxl), Word (python-docx).

``import app.export`` stays light: the writers import their libraries only when called, so the GUI
and ``perfeval check`` never pay for reportlab/openpyxl/docx at start-up.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.domain.model import Packet
    from app.domain.rules import Issue

#: format → file suffix
FORMATS: dict[str, str] = {"pdf": ".pdf", "xlsx": ".xlsx", "docx": ".docx"}


class ExportRefused(Exception):
    """A final (non-draft) print of a packet that still has error-severity issues."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__(f"还有{len(issues)}个错误未改正，不能打印正式材料（可打印草稿）")


class ExportError(Exception):
    """The file could not be written (disk full, no permission…); the message is Chinese."""


def export_packet(
    packet: Packet, fmt: str, out: Path, *, draft: bool = False, warnings: list[str] | None = None
) -> Path:
    """Write the printable packet (all 附件 in one file) to ``out``; returns the path written.

    ``warnings`` (optional) collects notes for the clerk, e.g. characters the font cannot print.

    Raises :class:`ExportRefused` for a final print while errors remain, :class:`ValueError` for an
    unknown format, :class:`ExportError` when the file cannot be written.  The file is written to a
    temporary name and renamed, so a crash never leaves half a file under the real name.
    """
    from app.domain.evaluate import evaluate
    from app.export.document import build_document

    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式“{fmt}”（可选：{'、'.join(FORMATS)}）")
    evaluation = evaluate(packet)
    if not draft and evaluation.errors:
        raise ExportRefused(evaluation.errors)
    doc = build_document(packet, evaluation, draft=draft)
    from app.atomic import write_replacing

    out = Path(out)

    def write(tmp: Path) -> list[str]:
        if fmt == "pdf":
            from app.export.pdf import write_pdf

            return write_pdf(doc, tmp)
        if fmt == "xlsx":
            from app.export.xlsx import write_xlsx

            return write_xlsx(doc, tmp)
        from app.export.docx import write_docx

        return write_docx(doc, tmp)

    try:
        notes = write_replacing(out, write)
        if warnings is not None:
            warnings.extend(notes)
    except OSError as exc:
        raise ExportError(f"无法写入 {out}（{exc.strerror or exc}）") from exc
    except UnicodeEncodeError:  # a lone surrogate: no file format can hold it (the readers refuse it on the way in)
        raise ExportError(f"无法写入 {out}：材料中含有无效字符（不成对的Unicode代理项），请删除后再导出") from None
    return out


__all__ = ["FORMATS", "ExportError", "ExportRefused", "export_packet"]
