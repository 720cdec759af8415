"""What several commands share: reading a PACKAGE argument (a .json package or a filled .xlsx template)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli import EXIT_BAD_INPUT, UserError
from app.domain.model import Packet
from app.domain.package import PackageError, read_package_file

if TYPE_CHECKING:
    from app.storage import Database

TEMPLATE_SUFFIXES = (".xlsx", ".xlsm")


def load_packet(path: str) -> Packet:
    """Read a package or a filled template; any bad input becomes a one-line :class:`UserError`."""
    try:
        if Path(path).suffix.lower() in TEMPLATE_SUFFIXES:
            from app.export.template_import import read_template_file  # openpyxl only when needed

            return read_template_file(path)
        return read_package_file(path)
    except PackageError as exc:
        raise UserError(exc.one_line(), EXIT_BAD_INPUT) from None


def warn_backup(db: Database) -> None:
    """A failed automatic backup is said, on stderr, by every command that opens the database."""
    if db.backup_problem:
        print(f"perfeval：注意：{db.backup_problem}", file=sys.stderr)
