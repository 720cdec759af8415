"""Files written whole or not at all: through a hidden temporary name beside the target, then renamed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_replacing(out: Path, write: Callable[[Path], T]) -> T:
    """``write(tmp)`` to ``.<name>.part`` beside ``out``, then rename it over ``out``: a crash or a failed write
    never leaves half a file under the real name (nor a stray temporary).  Exceptions propagate."""
    tmp = out.with_name(f".{out.name}.part")
    try:
        result = write(tmp)
        tmp.replace(out)
        return result
    finally:
        tmp.unlink(missing_ok=True)
