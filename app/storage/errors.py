"""Storage errors: each has a Chinese ``str()`` fit to show the clerk as it is."""

from __future__ import annotations

from pathlib import Path


class StorageError(Exception):
    """The database cannot be used (not a database, unreadable, a unit×year that already exists…)."""


class DatabaseTooNew(StorageError):
    """A database written by a newer PerfEval Desk: refused, the file is left as it is."""

    def __init__(self, path: Path, version: int, supported: int) -> None:
        self.path = path
        self.version = version
        self.supported = supported
        super().__init__(
            f"数据库文件 {path} 由更新版本的PerfEval Desk创建（数据结构版本{version}，本程序支持到{supported}），"
            "请升级程序后再打开；文件未作任何改动。"
        )


class DatabaseCorrupt(StorageError):
    """A damaged database; ``backups`` lists the good backups, newest first."""

    def __init__(self, path: Path, detail: str, backups: list[Path]) -> None:
        self.path = path
        self.detail = detail
        self.backups = backups
        offer = f"可从最近的备份恢复：{backups[0].name}" if backups else "没有找到可用的备份"
        super().__init__(f"数据库文件 {path} 已损坏（{detail}），文件未作任何改动。{offer}。")


class DatabaseUnreadable(StorageError):
    """The file could not be read at all (permissions, an I/O error, a lock): not damage, no restore offered."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        super().__init__(f"无法读取数据库文件 {path}（{detail}）。这不是文件损坏，文件未作任何改动。")


class PacketUnreadable(StorageError):
    """One stored packet cannot be rebuilt (a damaged or foreign row); the others are not affected."""

    def __init__(self, packet_id: int, name: str, detail: str) -> None:
        self.packet_id = packet_id
        self.name = name
        self.detail = detail
        super().__init__(f"数据包“{name}”（编号{packet_id}）无法读取（{detail}）；其他数据包不受影响。")


class PacketChanged(StorageError):
    """An edit made on a packet as it was before someone else (another window or program) changed it.

    Refused so that an edit addressed to "the 4th indicator" never lands on a different indicator that moved into
    that place; reopening the packet shows the current content."""

    def __init__(self, packet_id: int, name: str) -> None:
        self.packet_id = packet_id
        self.name = name
        super().__init__(
            f"数据包“{name}”已在另一个窗口或程序中被修改，为免改错位置，本次修改未保存；请重新打开这个数据包后再修改。"
        )
