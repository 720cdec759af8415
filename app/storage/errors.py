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
