"""Issue 11, storage side: damage is judged by SQLite, restores are staged, paths and rows cannot be confused,
backups are matched by name, temporary files do not outlive a killed process, migrations do not race."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from app.domain.edits import RemoveItem, SetCell
from app.domain.model import FundRow
from app.storage import (
    Database,
    DatabaseCorrupt,
    DatabaseUnreadable,
    PacketChanged,
    PacketUnreadable,
    StorageError,
    backups,
    open_database,
    probe,
    restore_database,
)
from tests.storage.conftest import seed

ROOT = Path(__file__).resolve().parents[2]


def _filled(path: Path, *seeds: int) -> None:
    with open_database(path) as db:
        for n in seeds:
            db.import_packet(seed(n))


def _run(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


# --- damage is judged by SQLite ---------------------------------------------------------------------


def _wal_frames(wal: Path, page_size: int) -> dict[int, bytes]:
    """page number → its newest content in the WAL."""
    data = wal.read_bytes()
    frames: dict[int, bytes] = {}
    for off in range(32, len(data) - 24 - page_size + 1, 24 + page_size):
        page = int.from_bytes(data[off : off + 4], "big")
        frames[page] = data[off + 24 : off + 24 + page_size]
    return frames


def test_database_whose_newest_pages_live_in_the_wal_is_healthy(db_path: Path) -> None:
    """A disk ran full during a checkpoint: page 1 (which says the file has grown) reached the main file, the new
    pages did not.  The WAL still holds everything: SQLite reads it, so this is not damage."""
    _filled(db_path, 0)
    code = """
        import os, sys
        from app.storage import open_database
        from tests.storage.conftest import seed
        db = open_database(sys.argv[1])
        db._engine.dispose()
        import sqlite3
        conn = sqlite3.connect(sys.argv[1]); conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.close()
        db = open_database(sys.argv[1])
        with db._raw() as raw:
            raw.execute("PRAGMA wal_autocheckpoint = 0")
            for n in (1, 2, 3, 4):
                db.import_packet(seed(n))
            print("ready", flush=True)
            os._exit(0)  # killed: no checkpoint, no cleanup
    """
    done = _run(code, str(db_path))
    assert "ready" in done.stdout, done.stderr
    wal = Path(f"{db_path}-wal")
    page_size = int.from_bytes(db_path.read_bytes()[16:18], "big")
    frames = _wal_frames(wal, page_size)
    header_pages = int.from_bytes(frames[1][28:32], "big")
    assert header_pages * page_size > db_path.stat().st_size  # the grown database exists only in the WAL
    with db_path.open("r+b") as fh:  # the partial checkpoint: page 1 copied back, the file not grown
        fh.write(frames[1])
    assert db_path.stat().st_size < header_pages * page_size  # what the old probe called "truncated"
    with open_database(db_path) as db:
        assert len(db.list_packets()) == 5
        assert db.integrity_problems() == []


def test_a_read_error_is_not_called_damage(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _filled(db_path, 0)
    for exc in (PermissionError(errno.EACCES, "Permission denied"), OSError(errno.EIO, "Input/output error")):

        def failing_open(*_a: object, exc: Exception = exc, **_k: object) -> object:
            raise exc

        monkeypatch.setattr(Path, "open", failing_open)
        with pytest.raises(DatabaseUnreadable) as caught:
            open_database(db_path)
        monkeypatch.undo()
        message = str(caught.value)
        assert "这不是文件损坏" in message and "已损坏" not in message
        assert ("权限" in message) if isinstance(exc, PermissionError) else ("读写错误" in message)


@pytest.mark.parametrize(
    ("sqlite_message", "expected"),
    [("disk I/O error", "读写错误"), ("unable to open database file", "无法打开"), ("database is locked", "占用")],
)
def test_sqlite_read_errors_get_their_own_message(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_message: str, expected: str
) -> None:
    _filled(db_path, 0)

    def failing(_path: Path) -> sqlite3.Connection:
        raise sqlite3.OperationalError(sqlite_message)

    monkeypatch.setattr(probe, "open_readonly", failing)
    with pytest.raises(DatabaseUnreadable) as caught:
        open_database(db_path)
    assert expected in str(caught.value) and not isinstance(caught.value, DatabaseCorrupt)


def test_a_locked_database_is_busy_not_damaged(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program holds an exclusive lock (a rollback-journal tool): the probe waits, then says so."""
    _filled(db_path, 0)
    monkeypatch.setattr(probe, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseUnreadable) as caught:
            open_database(db_path)
        assert "占用" in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_undecodable_bytes_in_a_damaged_file_never_escape(db_path: Path) -> None:
    _filled(db_path, 0)
    with open_database(db_path):
        pass
    data = bytearray(db_path.read_bytes())
    at = data.find(b"CREATE TABLE units")
    assert at > 0
    data[at + 13 : at + 18] = b"\xff\xfe\xfd\xfc\xfb"
    db_path.write_bytes(bytes(data))
    with pytest.raises(StorageError):
        open_database(db_path)


def test_bit_flipped_databases_are_refused_or_opened_never_crash(db_path: Path) -> None:
    _filled(db_path, 0, 2)
    with open_database(db_path):
        pass
    pristine = db_path.read_bytes()
    rng = random.Random(11)
    outcomes = {"opened": 0, "refused": 0}
    for _ in range(40):
        data = bytearray(pristine)
        for _ in range(rng.choice((1, 8, 64))):
            at = rng.randrange(len(data))
            data[at] ^= 1 << rng.randrange(8)
        db_path.write_bytes(bytes(data))
        for side in ("-wal", "-shm"):
            Path(f"{db_path}{side}").unlink(missing_ok=True)
        try:
            with open_database(db_path, keep_backups=0) as db:
                for info in db.list_packets():
                    with contextlib.suppress(StorageError):  # a packet may be unreadable: named, not fatal
                        db.load_packet(info.id)
            outcomes["opened"] += 1
        except StorageError as exc:
            assert "\n" not in str(exc)
            outcomes["refused"] += 1
    assert sum(outcomes.values()) == 40


# --- restore: staged, atomic, one code path ---------------------------------------------------------


def _damaged_with_backup(db_path: Path) -> Path:
    _filled(db_path, 0)
    with open_database(db_path) as db:
        backup = db.backup_to(db_path.parent / "backups")
        db.import_packet(seed(4))
    data = bytearray(db_path.read_bytes())
    data[4096 : 8192] = bytes(4096)  # a failing disk zeroes a page
    db_path.write_bytes(bytes(data))
    return backup


def test_restore_on_a_full_disk_leaves_the_file_as_it_was(db_path: Path) -> None:
    """RLIMIT_FSIZE makes every write past 64 KB fail like a full disk (EFBIG); the backup is larger."""
    backup = _damaged_with_backup(db_path)
    assert backup.stat().st_size > 64 * 1024
    before = db_path.read_bytes()
    sides_before = sorted(p.name for p in db_path.parent.iterdir())
    code = """
        import resource, signal, sys
        from pathlib import Path
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
        from app.storage import StorageError, restore_database
        try:
            restore_database(Path(sys.argv[1]), Path(sys.argv[2]))
        except StorageError as exc:
            print("refused:", exc)
        else:
            print("restored")
    """
    done = _run(code, str(db_path), str(backup))
    assert done.stdout.startswith("refused:"), done.stdout + done.stderr
    assert "数据库文件未作改动" in done.stdout and "Traceback" not in done.stderr
    assert db_path.read_bytes() == before  # never a 0-byte or half-copied database
    assert sorted(p.name for p in db_path.parent.iterdir()) == sides_before  # no temporary file left


def test_restore_keeps_the_damaged_file_and_its_wal_aside(db_path: Path) -> None:
    backup = _damaged_with_backup(db_path)
    damaged = db_path.read_bytes()
    Path(f"{db_path}-wal").write_bytes(b"old wal of the damaged file")
    restore_database(db_path, backup)
    aside = next(db_path.parent.glob("perfeval.db.damaged-*[0-9]"))
    assert aside.read_bytes() == damaged
    assert Path(f"{aside}-wal").read_bytes() == b"old wal of the damaged file"
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").read_bytes() != b"old wal of the damaged file"
    with open_database(db_path) as db:
        assert [(p.unit_name, p.year) for p in db.list_packets()] == [(seed(0).unit.name, 2024)]


def test_the_gui_start_up_restores_through_restore_database() -> None:
    """One code path: app/ui/main.py has no restore of its own any more."""
    source = (ROOT / "app" / "ui" / "main.py").read_text("utf-8")
    assert "restore_database(" in source
    assert "shutil" not in source and ".rename(" not in source


# --- paths and rows that cannot be confused ---------------------------------------------------------


def test_a_dotted_key_is_refused_by_storage(db: Database) -> None:
    packet = seed(0)
    packet.basic.funds["a.b"] = FundRow(prior="1")
    with pytest.raises(StorageError, match="键名"):
        db.import_packet(packet)
    assert db.list_packets() == []


def test_a_packet_bricked_by_an_old_version_is_named_not_fatal(db: Database) -> None:
    good = db.import_packet(seed(0))
    bad = db.import_packet(seed(2))
    with db._raw() as conn:  # what an earlier version stored for the fund key "a.b"
        conn.execute("INSERT INTO entries VALUES (?, 'basic.funds.a.b.prior', '1', 'text')", (bad,))
    with pytest.raises(PacketUnreadable) as caught:
        db.load_packet(bad)
    assert caught.value.packet_id == bad
    assert seed(2).unit.name in str(caught.value) and "其他数据包不受影响" in str(caught.value)
    assert {p.id for p in db.list_packets()} == {good, bad}  # the list (the GUI's navigator) still works
    assert db.load_packet(good) == seed(0)
    db.delete_packet(bad)  # and it can be removed
    assert [p.id for p in db.list_packets()] == [good]


def test_garbled_stored_figure_is_a_named_storage_error(db: Database) -> None:
    pid = db.import_packet(seed(0))
    with db._raw() as conn:
        conn.execute("UPDATE entries SET value = 'x', value_type = 'int' WHERE packet_id = ? AND path LIKE "
                     "'basic.staff.authorized'", (pid,))
    with pytest.raises(PacketUnreadable, match=seed(0).unit.name):
        db.load_packet(pid)


def test_edit_from_a_stale_window_never_lands_on_another_indicator(db_path: Path) -> None:
    """Two windows (two Database objects) on one file, as issue 11 found them."""
    _filled(db_path, 0)
    with open_database(db_path) as first, open_database(db_path) as second:
        pid = first.list_packets()[0].id
        mine = first.load_packet(pid)
        theirs = second.load_packet(pid)
        removed = theirs.self_eval.indicators[0]
        second.apply(pid, RemoveItem("self_eval.indicators", 0, removed))  # the other window deletes a row
        target = mine.self_eval.indicators[3]
        with pytest.raises(PacketChanged) as caught:  # this window still shows the old rows
            first.apply(pid, SetCell("self_eval.indicators[3].score", target.score, "0"))
        assert seed(0).unit.name in str(caught.value) and "重新打开" in str(caught.value)
        now = first.load_packet(pid)  # what a reopen shows: nothing moved, nothing overwritten
        assert now.self_eval.indicators == theirs.self_eval.indicators[1:]
        assert now.self_eval.indicators[2].score == theirs.self_eval.indicators[3].score
        first.apply(pid, SetCell("self_eval.indicators[2].score", now.self_eval.indicators[2].score, "0"))
        assert second.load_packet(pid).self_eval.indicators[2].score == "0"


def test_a_read_for_printing_does_not_make_a_stale_view_current(db_path: Path) -> None:
    _filled(db_path, 0)
    with open_database(db_path) as first, open_database(db_path) as second:
        pid = first.list_packets()[0].id
        first.load_packet(pid)  # the editor's copy
        second.load_packet(pid)
        second.apply(pid, RemoveItem("self_eval.indicators", 0, second.load_packet(pid).self_eval.indicators[0]))
        first.load_packet(pid, track=False)  # an export in the same program reads the current packet
        with pytest.raises(PacketChanged):
            first.apply(pid, SetCell("self_eval.indicators[3].score", None, "0"))


def test_own_edits_and_status_changes_never_look_stale(db: Database) -> None:
    pid = db.import_packet(seed(0))
    db.load_packet(pid)
    for n in range(20):
        db.apply(pid, SetCell("notes", "", f"第{n}次"))
        if n % 5 == 0:
            db.set_status(pid, "已审核")
    assert db.load_packet(pid).notes == "第19次"


def test_a_status_change_does_not_bless_a_stale_view(db_path: Path) -> None:
    _filled(db_path, 0)
    with open_database(db_path) as first, open_database(db_path) as second:
        pid = first.list_packets()[0].id
        first.load_packet(pid)
        second.load_packet(pid)
        second.apply(pid, SetCell("notes", "", "另一个窗口"))
        first.set_status(pid, "已审核")
        with pytest.raises(PacketChanged):
            first.apply(pid, SetCell("notes", "", "这个窗口"))


# --- backups: names, failures, temporary files --------------------------------------------------------


def test_backups_are_matched_exactly_by_name(tmp_path: Path) -> None:
    main, other = tmp_path / "perfeval.db", tmp_path / "perfeval-2023.db"
    _filled(main, 0)
    _filled(other, 2)
    open_database(main).close()  # the daily backups, made at the first opening with packets in the file
    open_database(other).close()
    with open_database(main) as db:
        assert db.rotate_backups() is None  # made when it was opened
        assert [p.name.startswith("perfeval-daily-") for p in db.backups()] == [True]
    with open_database(other) as db:
        assert [p.name.startswith("perfeval-2023-daily-") for p in db.backups()] == [True]
    (tmp_path / "backups" / "perfeval-2023-v2-before-upgrade-20240101-000000.db").write_bytes(
        (tmp_path / "backups" / next(p.name for p in (tmp_path / "backups").iterdir() if "2023" in p.name)).read_bytes()
    )
    names = [p.name for p in backups.good_backups(main)]
    assert names and all(not n.startswith("perfeval-2023") for n in names)


def test_rotation_keeps_another_databases_dailies(tmp_path: Path) -> None:
    main, other = tmp_path / "perfeval.db", tmp_path / "perfeval-2023.db"
    _filled(other, 2)
    _filled(main, 0)
    open_database(other).close()  # its daily backup (a database that held packets when opened)
    with open_database(main, keep_backups=1) as db, db._raw() as conn:
        for day in range(1, 5):
            backups.rotate(conn, main, keep=1, today=dt.date(2024, 1, day))
    left = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert any(n.startswith("perfeval-2023-daily-") for n in left)
    assert len([n for n in left if n.startswith("perfeval-daily-")]) == 1  # keep=1: only its newest


def test_a_failed_daily_backup_is_reported(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _filled(db_path, 0)
    assert not (db_path.parent / "backups").exists()  # an empty database is not backed up
    (db_path.parent / "backups").write_text("一个文件挡住了备份文件夹")
    with open_database(db_path) as db:
        assert db.backup_problem is not None and "自动备份没有做成" in db.backup_problem
        assert len(db.list_packets()) == 1  # the clerk can still work
    from app.cli import main

    os.environ["PERFEVAL_DB"] = str(db_path)
    try:
        assert main(["list"]) == 0
    finally:
        del os.environ["PERFEVAL_DB"]
    assert "自动备份没有做成" in capsys.readouterr().err


def test_stale_temporary_files_are_removed_at_the_next_opening(db_path: Path) -> None:
    _filled(db_path, 0)
    folder, bdir = db_path.parent, db_path.parent / "backups"
    bdir.mkdir()
    dead = 2**22 + 12345  # beyond the default pid_max: no such process
    left = [folder / f".perfeval-tmp-{dead}-abc.db", folder / f".perfeval-tmp-{dead}-abc.db-journal",
            bdir / f".perfeval-tmp-{dead}-xyz.db"]
    live = [folder / f".perfeval-tmp-{os.getpid()}-mine.db", folder / f".perfeval-tmp-{os.getppid()}-parent.db"]
    old_style = folder / ".perfeval.db.restoring"  # what an earlier version left, without a process id
    live.append(bdir / ".perfeval-backup-fresh.db")  # … kept while under an hour old: its process may still run
    for path in [*left, *live, old_style]:
        path.write_bytes(b"partial copy")
    os.utime(old_style, (time.time() - 7200, time.time() - 7200))
    left.append(old_style)
    with open_database(db_path):
        pass
    assert [p for p in left if p.exists()] == []
    assert all(p.exists() for p in live)
    assert Path(f"{db_path}").exists()


def test_kill_during_a_backup_leaves_nothing_behind_after_reopening(db_path: Path) -> None:
    _filled(db_path, 0, 1, 2, 3, 4)
    code = """
        import sys, time
        from pathlib import Path
        from app.storage import backups
        from app.storage.probe import open_readonly

        def slow(status, remaining, total):
            print("copying", flush=True)
            time.sleep(0.2)

        class SlowSource:  # the online backup API one page at a time, so the kill lands mid-copy
            def __init__(self, conn): self.conn = conn
            def backup(self, dst): self.conn.backup(dst, pages=1, progress=slow)

        src = open_readonly(Path(sys.argv[1]))
        backups.copy_from_connection(SlowSource(src), Path(sys.argv[1]).parent / "backups" / "manual.db")
    """
    child = subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(db_path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "copying"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)
    child.stdout.close()
    temps = [p for p in (db_path.parent / "backups").iterdir() if p.name.startswith(".perfeval-tmp-")]
    assert temps  # the killed copy left its temporary file
    with open_database(db_path):
        pass
    assert [p for p in (db_path.parent / "backups").iterdir() if p.name.startswith(".perfeval-tmp-")] == []
    assert not (db_path.parent / "backups" / "manual.db").exists()


# --- migrations under a lock ---------------------------------------------------------------------------


def test_two_programs_creating_one_database_do_not_race(tmp_path: Path) -> None:
    code = """
        import sys, time
        start = float(sys.argv[2])
        while time.time() < start:
            pass
        from app.storage import open_database
        with open_database(sys.argv[1]) as db:
            print(len(db.list_packets()))
    """
    for round_ in range(4):
        path = tmp_path / f"new-{round_}.db"
        start = time.time() + 1.5
        children = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(code), str(path), str(start)], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        results = [c.communicate(timeout=120) for c in children]
        assert [c.returncode for c in children] == [0, 0, 0], results
        assert [out.strip() for out, _ in results] == ["0", "0", "0"]
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        conn.close()


def test_a_lone_surrogate_typed_into_a_cell_is_a_storage_error(db: Database) -> None:
    """A broken paste in the GUI: refused in Chinese (the session keeps the edit), never a UnicodeEncodeError."""
    pid = db.import_packet(seed(0))
    for path in ("notes", "self_eval.indicators[0].name", "basic.staff.authorized", "unit"):
        value: object = "坏\ud800字"
        if path == "unit":
            value = type(seed(0).unit)(name="单位\udfff")
        with pytest.raises(StorageError, match="代理项"):
            db.apply(pid, SetCell(path, None, value))
    assert db.load_packet(pid) == seed(0)
