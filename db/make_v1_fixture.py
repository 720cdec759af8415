"""Write tests/data/v1_sample.db: a database as PerfEval Desk schema v1 left it (before the status column and
the indicator library of v2).

The file is created by migration 0001 alone, then filled with rows copied from a current database holding
seed 000 (2024 and its carried-over 2025 packet) and seed 004, keeping only the columns v1 had.
Run from the repository root:  python db/make_v1_fixture.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.domain.package import read_package_file  # noqa: E402
from app.storage import open_database  # noqa: E402
from app.storage.migrations import upgrade  # noqa: E402

OUT = ROOT / "tests" / "data" / "v1_sample.db"
SEEDS = ("seed_000.json", "seed_004.json")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        current = Path(tmp) / "current.db"
        with open_database(current) as db:
            ids = [db.import_packet(read_package_file(ROOT / "tests" / "data" / name)) for name in SEEDS]
            db.create_next_year(ids[0])
        v1 = Path(tmp) / "v1.db"
        upgrade(v1, 0, to_version=1)
        conn = sqlite3.connect(str(v1), isolation_level=None)
        conn.execute("ATTACH DATABASE ? AS src", (str(current),))
        conn.execute("BEGIN")
        tables = [r[0] for r in conn.execute("SELECT name FROM main.sqlite_schema WHERE type = 'table'")]
        for table in tables:  # parents before children: the order migration 0001 created them in
            cols = ", ".join(r[1] for r in conn.execute(f"PRAGMA main.table_info({table})"))
            conn.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM src.{table}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE src")
        conn.execute("PRAGMA journal_mode = DELETE")  # one self-contained file to commit
        conn.execute("VACUUM")
        conn.close()
        OUT.write_bytes(v1.read_bytes())
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
