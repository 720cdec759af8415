"""The :class:`Database`: packets in a local SQLite file, every edit its own short transaction (autosave)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, Engine, case, delete, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.domain import registry
from app.domain.edits import Edit, SetCell, apply_edit
from app.domain.model import (
    CATALOGUE_ALIASES,
    DEFAULT_TEMPLATE,
    Building,
    Indicator,
    Packet,
    Project,
    ProjectFunds,
    ProjectLine,
    ReportSection,
    SubLine,
    Target,
    Unit,
)
from app.domain.package import PackageError, read_package_file
from app.domain.packs import Pack
from app.domain.paths import parse_path
from app.domain.shape import declare, new_packet
from app.resources import resource_path
from app.storage import backups, mapping, migrations, probe, rawvalues
from app.storage.carryover import next_year
from app.storage.engine import BUSY_TIMEOUT_MS, WRITE_OPTION, make_engine
from app.storage.errors import (
    DatabaseCorrupt,
    DatabaseTooNew,
    DatabaseUnreadable,
    PacketChanged,
    PacketUnreadable,
    StorageError,
)
from app.storage.location import default_db_path
from app.storage.models import (
    DRAFT,
    SCHEMA_VERSION,
    STATUSES,
    Base,
    BuildingRow,
    EntryRow,
    IndicatorRow,
    LibraryIndicatorRow,
    PacketRow,
    ProjectFundsRow,
    ProjectLineRow,
    ProjectRow,
    ReportSectionRow,
    SubLineRow,
    TargetRow,
    UnitRow,
)

SAMPLE_PACKAGE = ("sample", "yueyang-2024.json")


@dataclass(frozen=True)
class PacketInfo:
    id: int
    unit_name: str
    year: int
    status: str  # 草稿 | 已审核 | 已打印
    template: str
    updated_at: dt.datetime
    deleted_at: dt.datetime | None = None  # in the 回收站 since


def open_database(
    path: str | os.PathLike[str] | None = None,
    *,
    check_integrity: bool = True,
    keep_backups: int = backups.KEEP_DAILY,
) -> Database:
    """Open (creating or upgrading if needed) the database; refuses a newer, damaged or foreign file untouched."""
    target = Path(path).expanduser() if path is not None else default_db_path()
    if target.is_dir():
        raise StorageError(f"{target} 是一个文件夹，不是数据库文件")
    try:
        state = probe.inspect(target, check_integrity=check_integrity)
    except probe.NotADatabase as exc:
        raise StorageError(f"{target} 不是PerfEval Desk的数据库文件（{exc}），文件未作任何改动") from None
    except probe.Foreign:
        raise StorageError(f"{target} 是其他程序的数据库，不是PerfEval Desk的数据库；文件未作任何改动") from None
    except probe.Damaged as exc:
        raise DatabaseCorrupt(target, str(exc), backups.good_backups(target)) from None
    except (probe.Unreadable, probe.Busy) as exc:
        raise DatabaseUnreadable(target, str(exc)) from None
    except OSError as exc:
        raise DatabaseUnreadable(target, probe.describe_os_error(exc)) from None
    if state.version > SCHEMA_VERSION:
        raise DatabaseTooNew(target, state.version, SCHEMA_VERSION)
    kept: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if state.version < SCHEMA_VERSION:
            if state.version >= 1:  # an older program's database: keep a copy as it was before upgrading
                name = f"{target.stem}-v{state.version}-before-upgrade-{backups.stamp()}.db"
                kept = backups.copy_file(target, backups.backup_dir(target) / name)
            migrations.upgrade(target, state.version)
    except OSError as exc:
        raise StorageError(f"无法创建或升级数据库文件 {target}（{probe.describe_os_error(exc)}）") from None
    except sqlite3.Error as exc:
        raise StorageError(f"无法创建或升级数据库文件 {target}（{exc}）") from None
    backups.clean_temporary(target)  # what a killed process left (never the database's own -wal/-shm)
    db = Database(target, keep_backups=keep_backups)
    if kept is not None:
        db.upgraded_from, db.upgrade_backup = state.version, kept
    try:
        db.rotate_backups()
    except (OSError, sqlite3.Error, StorageError) as exc:
        # a failed backup must not keep the clerk from working, but it is said (the GUI shows backup_problem)
        why = probe.describe_os_error(exc) if isinstance(exc, OSError) else str(exc)
        db.backup_problem = f"今天的自动备份没有做成（{why}），数据本身未受影响；请检查磁盘空间或备份文件夹的权限"
    return db


def restore_database(path: str | os.PathLike[str], backup: Path) -> None:
    """Replace a damaged database file (one :func:`open_database` refused) by a copy of ``backup``.

    The one way a file is restored (the GUI's start-up dialog calls it too): staged and atomic, see
    :func:`app.storage.backups.replace_damaged`.  The damaged file is kept beside it as ``<name>.damaged-<time>``;
    on any failure (a full disk) the database file is left exactly as it was.
    """
    target = Path(path)
    if not probe.is_good_copy(backup, SCHEMA_VERSION):
        raise StorageError(f"{backup} 不是可用的备份（已损坏、不是本程序的数据库或版本过新）")
    try:
        backups.replace_damaged(target, backup)
    except OSError as exc:
        raise StorageError(f"恢复失败（{probe.describe_os_error(exc)}），数据库文件未作改动") from None
    except sqlite3.Error as exc:
        raise StorageError(f"恢复失败（{exc}），数据库文件未作改动") from None


class Database:
    """Packets stored in one SQLite file.  Every method is one transaction, committed before it returns."""

    def __init__(self, path: Path, *, keep_backups: int = backups.KEEP_DAILY) -> None:
        self.path = path
        self.keep_backups = keep_backups
        #: set when opening upgraded an older schema: its version and the copy made before (for a GUI notice)
        self.upgraded_from: int | None = None
        self.upgrade_backup: Path | None = None
        #: set when today's automatic backup failed at opening: a Chinese sentence for the GUI/CLI to show
        self.backup_problem: str | None = None
        #: packet id → its updated_at as this object last loaded or wrote it (see :meth:`_touch`)
        self._seen: dict[int, str] = {}
        self._engine: Engine = make_engine(path)
        self._writer: Engine = self._engine.execution_options(**{WRITE_OPTION: True})

    # --- lifecycle --------------------------------------------------------------------------------

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error, SQLAlchemyError), self._raw() as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _session(self, *, write: bool = False, wait_ms: int | None = None) -> Iterator[Session]:
        """One transaction; any database failure becomes a :class:`StorageError` with a Chinese message.

        ``wait_ms``: how long a write waits for a database another program holds locked (default: the
        connection's busy timeout, 5 s).  The GUI's autosave waits briefly and retries later instead, so a
        locked file never freezes the window.
        """
        try:
            if wait_ms is None:
                with Session(self._writer if write else self._engine) as s, s.begin():
                    yield s
                return
            with (self._writer if write else self._engine).connect() as conn:
                driver = conn.connection.driver_connection
                assert isinstance(driver, sqlite3.Connection)
                driver.execute(f"PRAGMA busy_timeout = {max(0, int(wait_ms))}")
                try:
                    with Session(bind=conn) as s, s.begin():
                        yield s
                finally:
                    with contextlib.suppress(sqlite3.Error):
                        driver.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        except SQLAlchemyError as exc:
            raise StorageError(f"数据库操作失败（{_reason(exc)}），本次修改未保存") from None
        except UnicodeEncodeError:  # the last line of defence: a lone surrogate no check above caught
            raise StorageError("含有无效字符（不成对的Unicode代理项），无法保存；本次修改未保存") from None

    @contextlib.contextmanager
    def _raw(self) -> Iterator[sqlite3.Connection]:
        conn = self._engine.raw_connection()
        try:
            driver = conn.driver_connection
            assert isinstance(driver, sqlite3.Connection)
            yield driver
        finally:
            conn.close()

    # --- queries ----------------------------------------------------------------------------------

    def is_empty(self) -> bool:
        with self._session() as s:
            return s.scalar(select(PacketRow.id).limit(1)) is None

    def list_packets(self, *, trash: bool = False) -> list[PacketInfo]:
        """The live packets (``trash=True``: those in the 回收站 instead), by unit name, newest year first."""
        deleted = PacketRow.deleted_at.is_not(None) if trash else PacketRow.deleted_at.is_(None)
        with self._session() as s:
            rows = s.execute(
                select(
                    PacketRow.id,
                    UnitRow.name,
                    PacketRow.year,
                    PacketRow.status,
                    PacketRow.template,
                    PacketRow.updated_at,
                    PacketRow.deleted_at,
                )
                .join(UnitRow)
                .where(deleted)
                .order_by(UnitRow.name, PacketRow.year.desc())
            ).all()
        return [
            PacketInfo(r.id, r.name, r.year, r.status, r.template, _when(r.updated_at),
                       _when(r.deleted_at) if r.deleted_at else None)
            for r in rows
        ]

    def list_units(self) -> list[Unit]:
        with self._session() as s:
            rows = s.scalars(select(UnitRow).order_by(UnitRow.name)).all()
            return [Unit(name=u.name, preparer=u.preparer, phone=u.phone, head=u.head) for u in rows]

    def find_packet(self, unit_name: str, year: int, *, trash: bool = False) -> int | None:
        """The live packet of this unit and year (``trash=True``: the one in the 回收站)."""
        deleted = PacketRow.deleted_at.is_not(None) if trash else PacketRow.deleted_at.is_(None)
        with self._session() as s:
            return s.scalar(
                select(PacketRow.id).join(UnitRow).where(UnitRow.name == unit_name, PacketRow.year == year, deleted)
            )

    def load_packet(self, packet_id: int, *, track: bool = True) -> Packet:
        """The whole packet; :class:`PacketUnreadable` (naming it) when a stored row cannot be made sense of.

        ``track`` (for the copy an editor shows): remember the packet's modification stamp, so that an edit made
        on this copy after another window or program changed the packet is refused (:class:`PacketChanged`,
        see :meth:`apply_many`).  A read for printing or exporting passes ``track=False``: it must not make an
        out-of-date editor look current."""
        with self._session() as s:
            packet = self._load(s, packet_id)
            stamp = s.scalar(select(PacketRow.updated_at).where(PacketRow.id == packet_id))
        if track and stamp is not None:
            self._seen[packet_id] = stamp
        return packet

    def library_indicators(self, level1: str | None = None) -> list[Indicator]:
        """指标库: 三级 indicators as last used (name, 年度指标值, 分值), optionally of one 一级."""
        query = select(LibraryIndicatorRow).order_by(LibraryIndicatorRow.id)
        if level1 is not None:
            query = query.where(LibraryIndicatorRow.level1 == level1)
        with self._session() as s:
            return [
                Indicator(
                    level1=r.level1,
                    level2=r.level2,
                    name=r.name,
                    target=r.target,
                    weight=rawvalues.decode(r.weight, r.weight_type),
                )
                for r in s.scalars(query)
            ]

    # --- whole packets --------------------------------------------------------------------------

    def import_packet(self, packet: Packet, *, replace: bool = False) -> int:
        with self._session(write=True) as s:
            if replace:
                old = s.scalar(
                    select(PacketRow.id)
                    .join(UnitRow)
                    .where(UnitRow.name == packet.unit.name, PacketRow.year == packet.year)
                )
                if old is not None:
                    s.execute(delete(PacketRow).where(PacketRow.id == old))
            pid = mapping.new_packet_row(s, packet, DRAFT)
            mapping.write_all(s, pid, packet)
            _remember_indicators(s, packet)
            return pid

    def import_sample_if_empty(self) -> int | None:
        if not self.is_empty():
            return None
        try:
            packet = read_package_file(resource_path(*SAMPLE_PACKAGE))
        except PackageError as exc:
            raise StorageError(f"示例数据包无法读取：{exc.one_line()}") from None
        return self.import_packet(packet)

    def create_packet(self, unit_name: str, year: int, template: str = DEFAULT_TEMPLATE, catalogue: str = "") -> int:
        """An empty packet on the template pack ``template`` (its defaults, one indicator row per 二级 of the
        catalogue with its 一级 weight, the default chapters)."""
        if template in CATALOGUE_ALIASES:  # the old names of hunan-dept's catalogues
            template, catalogue = DEFAULT_TEMPLATE, catalogue or CATALOGUE_ALIASES[template]
        try:
            pack = registry.default().get(template)
        except registry.UnknownPack as exc:
            raise StorageError(str(exc)) from None
        with self._session(write=True) as s:
            known = mapping.find_unit(s, unit_name)
            unit = Unit(name=unit_name)
            if known is not None:
                unit = Unit(name=unit_name, preparer=known.preparer, phone=known.phone, head=known.head)
            packet = new_packet(pack, unit, year, catalogue)
            pid = mapping.new_packet_row(s, packet, DRAFT)
            mapping.write_all(s, pid, packet)
            return pid

    def create_next_year(self, packet_id: int) -> int:
        with self._session(write=True) as s:
            prev = self._load(s, packet_id)
            packet = next_year(prev, _pack_of(prev))
            pid = mapping.new_packet_row(s, packet, DRAFT)
            mapping.write_all(s, pid, packet)
            _remember_indicators(s, prev)
            return pid

    def set_status(self, packet_id: int, status: str) -> None:
        if status not in STATUSES:
            raise StorageError(f"状态应为{'、'.join(STATUSES)}之一，不能设为“{status}”")
        with self._session(write=True) as s:
            stamp = self._touch(s, packet_id, guard=False, status=status)  # a status names no row: always fine
        self._saw(packet_id, stamp)

    # --- 回收站 and renaming ------------------------------------------------------------------------

    def trash_packet(self, packet_id: int) -> None:
        """删除: move a packet to the 回收站 (kept, with everything typed, until the 回收站 is emptied)."""
        with self._session(write=True) as s:
            done = s.execute(
                update(PacketRow)
                .where(PacketRow.id == packet_id, PacketRow.deleted_at.is_(None))
                .values(deleted_at=mapping.now_iso())
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise StorageError(f"数据包（编号{packet_id}）不存在或已在回收站中")

    def restore_packet(self, packet_id: int) -> None:
        """Put a packet back from the 回收站."""
        with self._session(write=True) as s:
            done = s.execute(
                update(PacketRow)
                .where(PacketRow.id == packet_id, PacketRow.deleted_at.is_not(None))
                .values(deleted_at=None)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:  # type: ignore[attr-defined]
                raise StorageError(f"回收站中没有这个数据包（编号{packet_id}）")

    def empty_trash(self) -> int:
        """清空回收站: delete for good every packet in it; returns how many."""
        gone = [info.id for info in self.list_packets(trash=True)]
        for pid in gone:
            self.delete_packet(pid)
        return len(gone)

    def rename_unit(self, old: str, new: str) -> None:
        """A unit's name on all its packets (years); refused when the new name has a packet of the same year."""
        new = new.strip()
        if not new:
            raise StorageError("单位名称不能为空")
        with self._session(write=True) as s:
            source = mapping.find_unit(s, old)
            if source is None:
                raise StorageError(f"没有名为“{old}”的单位")
            if new == old:
                return
            target = mapping.find_unit(s, new)
            if target is None:
                source.name = new
                return
            years = set(s.scalars(select(PacketRow.year).where(PacketRow.unit_id == source.id)))
            clash = sorted(years & set(s.scalars(select(PacketRow.year).where(PacketRow.unit_id == target.id))))
            if clash:
                listed = "、".join(str(y) for y in clash)
                raise StorageError(f"已有名为“{new}”的单位，且它也有{listed}年度的数据包（含回收站）；未改名")
            s.execute(update(PacketRow).where(PacketRow.unit_id == source.id).values(unit_id=target.id))
            s.execute(delete(UnitRow).where(UnitRow.id == source.id))

    def remember_indicators(self, packet: Packet) -> None:
        """Put the packet's named 三级 indicators into the 指标库."""
        with self._session(write=True) as s:
            _remember_indicators(s, packet)

    def raw_rows(self, packet_id: int) -> dict[str, list[dict[str, Any]]]:
        """Every stored row of one packet, table by table, as stored (for a packet that can no longer be
        read as a packet: what the clerk typed can still be exported and sent for help)."""
        out: dict[str, list[dict[str, Any]]] = {}
        with self._raw() as conn:
            conn.row_factory = sqlite3.Row
            try:
                out["packets"] = [dict(r) for r in conn.execute("SELECT * FROM packets WHERE id = ?", (packet_id,))]
                for table in ("entries", "scoring_bands", "project_lines", "buildings", "targets", "indicators",
                              "projects", "report_sections"):  # fmt: skip
                    rows = conn.execute(f"SELECT * FROM {table} WHERE packet_id = ?", (packet_id,))
                    out[table] = [dict(r) for r in rows]
                for table, parent, key in (("sub_lines", "project_lines", "line_id"),
                                           ("project_funds", "projects", "project_id")):  # fmt: skip
                    rows = conn.execute(
                        f"SELECT * FROM {table} WHERE {key} IN (SELECT id FROM {parent} WHERE packet_id = ?)",
                        (packet_id,),
                    )
                    out[table] = [dict(r) for r in rows]
            finally:
                conn.row_factory = None
        return out

    def delete_packet(self, packet_id: int) -> None:
        """Delete a packet for good (the 回收站 is :meth:`trash_packet`)."""
        with self._session(write=True) as s:
            unit_id = s.scalar(select(PacketRow.unit_id).where(PacketRow.id == packet_id))
            if unit_id is None:
                raise StorageError(f"数据包（编号{packet_id}）不存在")
            s.execute(delete(PacketRow).where(PacketRow.id == packet_id))
            mapping.drop_unit_if_unused(s, unit_id)

    # --- edits: the autosave ----------------------------------------------------------------------

    def apply(self, packet_id: int, edit: Edit, *, wait_ms: int | None = None) -> None:
        """Store one edit; committed (durably) before this returns."""
        self.apply_many(packet_id, [edit], wait_ms=wait_ms)

    def apply_many(self, packet_id: int, edits: Sequence[Edit], *, wait_ms: int | None = None) -> None:
        """Store several edits (a pasted block) in one transaction: all or none.

        Edits address rows by position (``self_eval.indicators[3].score``), as the GUI shows them.  Positions are
        only meaningful in the packet as this object last loaded or wrote it: when another window or program has
        changed the packet since, the edit is refused with :class:`PacketChanged` instead of landing on whatever
        row now sits at that position.  ``wait_ms``: see ``_session``."""
        with self._session(write=True, wait_ms=wait_ms) as s:
            stamp = self._touch(s, packet_id, guard=True)
            slow: list[Edit] = []
            for edit in edits:
                if slow or not (isinstance(edit, SetCell) and self._set_in_place(s, packet_id, edit)):
                    slow.append(edit)  # once one edit takes the slow path, the rest follow in order
            if slow:
                packet = self._load(s, packet_id)
                touched: set[str] = set()
                for edit in slow:
                    if isinstance(edit, SetCell):
                        declare(_pack_of(packet), packet, edit.path)  # a pack's row or column not stored yet
                    apply_edit(packet, edit)  # raises PathError for a path that names no cell
                    path = edit.path if isinstance(edit, SetCell) else edit.list_path
                    touched |= mapping.parts_touched(parse_path(path))
                for part in mapping.PARTS:
                    if part in touched:
                        mapping.write_part(s, packet_id, part, packet)
        self._saw(packet_id, stamp)

    def _touch(self, s: Session, packet_id: int, *, guard: bool, **values: Any) -> tuple[str, bool]:
        """Stamp the packet as modified now; returns (new stamp, whether this object's view was current).

        ``guard``: refuse (:class:`PacketChanged`) when the packet changed since this object last loaded or wrote
        it.  The check runs inside the writing transaction (it holds the write lock), so no other program can
        slip in between the check and the write."""
        current = s.scalar(select(PacketRow.updated_at).where(PacketRow.id == packet_id))
        if current is None:
            raise StorageError(f"数据包（编号{packet_id}）不存在")
        seen = self._seen.get(packet_id)
        fresh = seen is None or seen == current
        if guard and not fresh:
            raise PacketChanged(packet_id, _packet_name(s, packet_id))
        stamp = mapping.now_iso()
        s.execute(
            update(PacketRow)
            .where(PacketRow.id == packet_id)
            .values(updated_at=stamp, **values)
            .execution_options(synchronize_session=False)
        )
        return stamp, fresh

    def _saw(self, packet_id: int, touched: tuple[str, bool]) -> None:
        """After a committed write: this object's view is current again, if it was before the write."""
        stamp, fresh = touched
        if fresh and packet_id in self._seen:
            self._seen[packet_id] = stamp

    def _set_in_place(self, s: Session, pid: int, edit: SetCell) -> bool:
        """A single cell: one UPDATE of its row.  False when the path needs the general (slower) way."""
        parts = parse_path(edit.path)
        if parts in (["notes"], ["template"], ["template_version"], ["catalogue"]) and isinstance(edit.new, str):
            rawvalues.check_text(edit.new, edit.path)
            s.execute(
                update(PacketRow)
                .where(PacketRow.id == pid)
                .values({str(parts[0]): edit.new})
                .execution_options(synchronize_session=False)
            )
            return True
        located = _locate(pid, parts)
        if located is None:
            return False
        table, cls, name, where = located
        if cls is None:  # an entry: the fixed cell keyed by its path
            if isinstance(edit.new, bool) or not isinstance(edit.new, str | int | float | None):
                return False  # a whole object (a fund row, the staff table…): stored by the general way
            text, tag = rawvalues.encode(edit.new, edit.path)
            values: dict[str, Any] = {"value": text, "value_type": tag}
        elif name not in mapping.scalar_fields(cls):
            if not (mapping.has_pack_fields(cls) and isinstance(edit.new, str | None) and name.isidentifier()):
                return False
            if isinstance(edit.new, str):
                rawvalues.check_text(edit.new, edit.path)
            # a pack's own column (指标性质…): set that key inside the row's fields_json
            column = getattr(table, "fields_json")  # noqa: B009 - every item table has it (schema v3)
            values = {"fields_json": func.json_set(column, f'$."{name}"', edit.new)}
        else:
            values = mapping.field_values(cls, name, edit.new, edit.path)
        done = s.execute(update(table).where(*where).values(**values).execution_options(synchronize_session=False))
        return bool(done.rowcount == 1)  # type: ignore[attr-defined]

    def _load(self, s: Session, packet_id: int) -> Packet:
        try:
            packet = mapping.read_packet(s, packet_id)
        except (StorageError, SQLAlchemyError):
            raise
        except Exception as exc:  # a row this program cannot make sense of (damage, an older bug): name the packet
            raise PacketUnreadable(packet_id, _packet_name(s, packet_id), _what_failed(exc)) from None
        if packet is None:
            raise StorageError(f"数据包（编号{packet_id}）不存在")
        return packet

    # --- backups ----------------------------------------------------------------------------------

    def backup_to(self, dest: Path) -> Path:
        """备份到…: a single-file copy of the committed data; a folder gets a dated file name."""
        dest = Path(dest)
        if dest.is_dir():
            dest = dest / f"{self.path.stem}-{backups.stamp()}.db"
        try:
            with self._raw() as conn:
                return backups.copy_from_connection(conn, dest)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"备份到 {dest} 失败（{exc}）") from None

    def restore_from(self, src: Path) -> None:
        """从备份恢复…: replaces the whole content by ``src`` after checking it; the current data is kept first."""
        src = Path(src)
        try:
            state = probe.inspect(src, check_integrity=True)
        except (probe.NotADatabase, probe.Foreign):
            raise StorageError(f"{src} 不是PerfEval Desk的备份文件") from None
        except probe.Damaged as exc:
            raise StorageError(f"备份文件 {src} 已损坏（{exc}），未恢复") from None
        except (probe.Unreadable, probe.Busy) as exc:
            raise StorageError(f"无法读取备份文件 {src}（{exc}），未恢复") from None
        except OSError as exc:
            raise StorageError(f"无法读取备份文件 {src}（{probe.describe_os_error(exc)}），未恢复") from None
        if state.version > SCHEMA_VERSION:
            raise DatabaseTooNew(src, state.version, SCHEMA_VERSION)
        if state.version < 1:
            raise StorageError(f"{src} 是空的数据库，不是备份")
        safety = backups.backup_dir(self.path) / f"{self.path.stem}-before-restore-{backups.stamp()}.db"
        try:
            self.backup_to(safety)
            staged = backups.stage_file(src, self.path.parent)
            try:
                if state.version < SCHEMA_VERSION:
                    migrations.upgrade(staged, state.version)
                source = probe.open_readonly(staged)
                try:
                    with self._raw() as conn:
                        source.backup(conn)  # page-by-page into the live file, as one transaction
                finally:
                    source.close()
            finally:
                backups.unlink_with_sides(staged)
        except OSError as exc:
            raise StorageError(f"从 {src} 恢复失败（{probe.describe_os_error(exc)}），原数据未改动") from None
        except sqlite3.Error as exc:
            raise StorageError(f"从 {src} 恢复失败（{exc}），原数据未改动") from None

    def rotate_backups(self) -> Path | None:
        """Today's rotating backup (once a day, keep :attr:`keep_backups`); None if made already or nothing to keep."""
        if self.is_empty():
            return None
        with self._raw() as conn:
            return backups.rotate(conn, self.path, self.keep_backups)

    def backups(self) -> list[Path]:
        """The intact backups of this database in ``backups/`` beside it, newest first (for 从备份恢复…)."""
        return backups.good_backups(self.path)

    def integrity_problems(self) -> list[str]:
        """``PRAGMA integrity_check`` now; empty when the file is intact."""
        with self._raw() as conn:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        return [] if rows == ["ok"] else rows

    def counts(self) -> dict[str, int]:
        """Rows per table (for ``perfeval list --verbose`` and tests)."""
        with self._session() as s:
            return {
                table.__tablename__: int(s.scalar(select(func.count()).select_from(table)) or 0)
                for table in (UnitRow, PacketRow, IndicatorRow, ProjectRow, LibraryIndicatorRow)
            }


def _pack_of(packet: Packet) -> Pack:
    try:
        return registry.pack_for(packet)
    except registry.UnknownPack as exc:
        raise StorageError(f"“{packet.unit.name}”{packet.year}年度的材料使用的{exc}") from None


def _when(stamp: str) -> dt.datetime:
    """A stored ISO time; a garbled one must not keep the list of packets (and so the GUI) from showing."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _packet_name(s: Session, packet_id: int) -> str:
    """“单位 2024年度” for messages; never fails (it is called while reporting a failure)."""
    try:
        found = s.execute(
            select(UnitRow.name, PacketRow.year).join(UnitRow).where(PacketRow.id == packet_id)
        ).first()
    except SQLAlchemyError:
        found = None
    return f"{found[0]} {found[1]}年度" if found else f"编号{packet_id}"


def _what_failed(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return "附加数据不是有效的JSON"
    if isinstance(exc, ValueError | TypeError | KeyError | AttributeError | IndexError):
        return f"存储的内容与本程序的表格结构不符：{type(exc).__name__}: {str(exc)[:80]}"
    return f"{type(exc).__name__}: {str(exc)[:80]}"


def _remember_indicators(s: Session, packet: Packet) -> None:
    """Put the packet's named 三级 indicators into the library; a later year's wording replaces an earlier one."""
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}
    for ind in [*packet.self_eval.indicators, *(i for p in packet.projects for i in p.indicators)]:
        if not ind.name.strip():
            continue
        weight, weight_type = rawvalues.encode(ind.weight, "weight")
        rows[(ind.level1, ind.level2, ind.name)] = {
            "level1": ind.level1,
            "level2": ind.level2,
            "name": ind.name,
            "target": ind.target,
            "weight": weight,
            "weight_type": weight_type,
            "last_year": packet.year,
        }
    if not rows:
        return
    stmt = sqlite_insert(LibraryIndicatorRow)
    new = stmt.excluded
    lib = LibraryIndicatorRow
    has_weight = new.weight.is_not(None)
    s.execute(
        stmt.on_conflict_do_update(
            index_elements=["level1", "level2", "name"],
            set_={  # a blank 年度指标值/分值 does not wipe out an earlier wording
                "target": case((new.target != "", new.target), else_=lib.target),
                "weight": case((has_weight, new.weight), else_=lib.weight),
                "weight_type": case((has_weight, new.weight_type), else_=lib.weight_type),
                "last_year": new.last_year,
            },
            where=new.last_year >= func.coalesce(lib.last_year, 0),
        ),
        list(rows.values()),
    )


def _locate(pid: int, parts: list[str | int]) -> tuple[type[Base], type | None, str, list[ColumnElement[bool]]] | None:
    """(table, dataclass or None for an entry, field, row filter) of a single-cell path, if it has one."""
    head = parts[0]
    if head in ("basic", "self_eval") and len(parts) >= 2 and all(isinstance(p, str) for p in parts):
        if parts[1] in ("project_lines", "buildings", "targets", "indicators"):
            return None
        path = ".".join(str(p) for p in parts)
        return EntryRow, None, "value", [EntryRow.packet_id == pid, EntryRow.path == path]

    def project_id(index: int) -> Any:
        return select(ProjectRow.id).where(ProjectRow.packet_id == pid, ProjectRow.position == index).scalar_subquery()

    match parts:
        case ["self_eval", "indicators", int(i), str(name)]:
            return IndicatorRow, Indicator, name, _own(IndicatorRow, pid, None, i)
        case ["self_eval", "targets", int(i), str(name)]:
            return TargetRow, Target, name, _own(TargetRow, pid, None, i)
        case ["projects", int(p), "indicators", int(i), str(name)]:
            return IndicatorRow, Indicator, name, _own(IndicatorRow, pid, project_id(p), i)
        case ["projects", int(p), "targets", int(i), str(name)]:
            return TargetRow, Target, name, _own(TargetRow, pid, project_id(p), i)
        case ["projects", int(p), "funds", str(key), str(name)]:
            return (
                ProjectFundsRow,
                ProjectFunds,
                name,
                [
                    ProjectFundsRow.project_id == project_id(p),
                    ProjectFundsRow.row_key == key,
                ],
            )
        case ["projects", int(p), str(name)]:
            return ProjectRow, Project, name, [ProjectRow.packet_id == pid, ProjectRow.position == p]
        case ["basic", "buildings", int(i), str(name)]:
            return BuildingRow, Building, name, [BuildingRow.packet_id == pid, BuildingRow.position == i]
        case ["basic", "project_lines", int(i), str(name)]:
            return ProjectLineRow, ProjectLine, name, [ProjectLineRow.packet_id == pid, ProjectLineRow.position == i]
        case ["basic", "project_lines", int(i), "lines", int(j), str(name)]:
            line = select(ProjectLineRow.id).where(ProjectLineRow.packet_id == pid, ProjectLineRow.position == i)
            return SubLineRow, SubLine, name, [SubLineRow.line_id == line.scalar_subquery(), SubLineRow.position == j]
        case ["report", "sections", int(i), str(name)]:
            return (
                ReportSectionRow,
                ReportSection,
                name,
                [
                    ReportSectionRow.packet_id == pid,
                    ReportSectionRow.position == i,
                ],
            )
    return None


def _own(table: Any, pid: int, project: Any, position: int) -> list[ColumnElement[bool]]:
    owner = table.project_id.is_(None) if project is None else table.project_id == project
    return [table.packet_id == pid, owner, table.position == position]


def _reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig or exc)
    if "locked" in text or "busy" in text:
        return "数据库正被其他程序占用"
    if "disk I/O" in text or "full" in text:
        return "磁盘读写失败或空间已满"
    if "malformed" in text:
        return "数据库文件已损坏"
    return text.splitlines()[0][:200]
