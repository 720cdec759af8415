"""Files written whole or not at all: through a hidden temporary name beside the target, then renamed.

Every file the program writes for the clerk (exports, letters, summaries) and every cache file (unpacked fonts,
parsed font tables, the start snapshot) goes through here; standard library only, so the bottom layer
(:mod:`app.resources`) can use it too."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_replacing(out: Path, write: Callable[[Path], T], *, shared: bool = False) -> T:
    """``write(tmp)`` to ``.<name>.part`` beside ``out``, then rename it over ``out``: a crash or a failed write
    never leaves half a file under the real name (nor a stray temporary).  ``shared``: other processes may write
    the same file at the same moment (a cache the batch export's workers fill), so the temporary name carries
    this process's id and the last rename wins.  Exceptions propagate."""
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part" if shared else f".{out.name}.part")
    try:
        result = write(tmp)
        tmp.replace(out)
        return result
    finally:
        tmp.unlink(missing_ok=True)
