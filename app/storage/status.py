"""A packet's states in the list (no SQLAlchemy here: the window imports this before the database is open)."""

from __future__ import annotations

STATUSES: tuple[str, ...] = ("草稿", "已审核", "已打印")  # draft, reviewed, printed
DRAFT = STATUSES[0]
