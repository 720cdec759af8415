"""What several commands share: reading a PACKAGE argument (a .json package or a filled .xlsx template)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.cli import EXIT_BAD_INPUT, UserError
from app.domain.model import Packet
from app.domain.package import PackageError, read_package_file

TEMPLATE_SUFFIXES = (".xlsx", ".xlsm")


def load_packet(path: str) -> Packet:
    """Read a package or a filled template; any bad input becomes a one-line :class:`UserError`."""
    try:
        if Path(path).suffix.lower() in TEMPLATE_SUFFIXES and importlib.util.find_spec("app.export.template_import"):
            from app.export.template_import import (  # type: ignore[import-not-found,unused-ignore]
                read_template_file,
            )

            return read_template_file(path)
        return read_package_file(path)
    except PackageError as exc:
        raise UserError(exc.one_line(), EXIT_BAD_INPUT) from None
