"""Edits of a packet: the unit of autosave (one edit, one transaction) and of undo/redo.

The GUI turns every committed keystroke, paste or row operation into edits, applies them to the
in-memory :class:`~app.domain.model.Packet`, hands them to storage, and keeps their inverses for undo.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from app.domain.model import Packet
from app.domain.paths import get_or_blank, get_value, set_value


@dataclass(frozen=True)
class SetCell:
    """Set the value at ``path`` (a cell, or a whole object such as ``scoring_rule``)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class InsertItem:
    """Insert ``item`` into the list at ``list_path`` (e.g. ``self_eval.indicators``) at ``index``."""

    list_path: str
    index: int
    item: Any


@dataclass(frozen=True)
class RemoveItem:
    list_path: str
    index: int
    item: Any  # the removed item, kept for undo


Edit = SetCell | InsertItem | RemoveItem


def set_cell(packet: Packet, path: str, new: Any) -> SetCell:
    """The edit that sets ``path`` to ``new`` (records the current value as ``old``; a cell the packet does not
    hold yet, such as a pack's new row, was blank)."""
    return SetCell(path, copy.deepcopy(get_or_blank(packet, path)), new)


def insert_item(packet: Packet, list_path: str, index: int, item: Any) -> InsertItem:
    items = get_value(packet, list_path)
    return InsertItem(list_path, max(0, min(index, len(items))), item)


def remove_item(packet: Packet, list_path: str, index: int) -> RemoveItem:
    return RemoveItem(list_path, index, copy.deepcopy(get_value(packet, list_path)[index]))


def apply_edit(packet: Packet, edit: Edit) -> None:
    if isinstance(edit, SetCell):
        set_value(packet, edit.path, copy.deepcopy(edit.new))
    elif isinstance(edit, InsertItem):
        get_value(packet, edit.list_path).insert(edit.index, copy.deepcopy(edit.item))
    else:
        del get_value(packet, edit.list_path)[edit.index]


def invert(edit: Edit) -> Edit:
    if isinstance(edit, SetCell):
        return SetCell(edit.path, edit.new, edit.old)
    if isinstance(edit, InsertItem):
        return RemoveItem(edit.list_path, edit.index, edit.item)
    return InsertItem(edit.list_path, edit.index, edit.item)
