"""A one-line progress bar on stderr for the folder commands, only when stderr is a terminal
(a script or a pipe reading the output never sees it)."""

from __future__ import annotations

import sys


class Progress:
    WIDTH = 30

    def __init__(self, verb: str) -> None:
        self.verb = verb
        self.shown = False

    @classmethod
    def on_terminal(cls, verb: str) -> Progress | None:
        return cls(verb) if sys.stderr.isatty() else None

    def show(self, done: int, total: int, name: str) -> None:
        filled = self.WIDTH * done // max(total, 1)
        bar = "█" * filled + "░" * (self.WIDTH - filled)
        sys.stderr.write(f"\r{self.verb} {bar} {done}/{total} {name[:40]:<40}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * (self.WIDTH + 60) + "\r")  # leave the terminal clean for the report
            sys.stderr.flush()
            self.shown = False
