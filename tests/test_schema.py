"""Schema upgrades: the first schema opens in the current one intact; a newer one is refused."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from passq.domain.lifecycle import STATUS_AFTER
from passq.store import sqlite as store
from passq.store.sqlite_schema import SCHEMA_VERSION

# SQLite's own files (modes, WAL, the backup API, schema 1 files); PostgreSQL: test_postgres.py
pytestmark = pytest.mark.sqlite_only

FIXTURES = Path(__file__).parent / "fixtures"
SCHEMA_1 = FIXTURES / "schema1.db"
# The tables and columns of the first schema: every one of their values must survive.
FIRST_TABLES = {
    "applications": "app_no, name, phone, service, urgent, applied, travel, destination, note, "
    "status, batch_id, failures, created_at, updated_at, printed_at, collected_at",
    "batches": "*",
    "events": "id, at, operator, action, app_no, batch_id, detail",
    "calendar": "*",
    "settings": "*",
}


def snapshot(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT {columns} FROM {table} ORDER BY 1").fetchall()
            for table, columns in FIRST_TABLES.items()
        }


@pytest.fixture
def first(passq) -> Path:
    """A copy of the first-schema fixture as the passq fixture's database."""
    shutil.copyfile(SCHEMA_1, passq.db)
    return passq.db


def test_the_fixture_is_what_its_script_builds(tmp_path: Path) -> None:
    built = tmp_path / "schema1.db"
    subprocess.run(
        [sys.executable, str(FIXTURES / "make_schema1.py"), str(built)], check=True, timeout=60
    )
    assert snapshot(built) == snapshot(SCHEMA_1)
    with sqlite3.connect(SCHEMA_1) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert conn.execute("SELECT migration_set, name FROM _sqlite_migrations").fetchall() == [
            ("passq", "m001_initial")
        ]
        assert (
            conn.execute("SELECT sql FROM sqlite_master WHERE name = 'events'")
            .fetchone()[0]
            .endswith("detail TEXT\n        )")
        )


def test_the_first_schema_opens_in_the_current_one_with_every_row_intact(passq, first) -> None:
    before = snapshot(first)
    listed = passq.json("list", "--status", "all", "--limit", "100")
    assert sorted(row["app_no"] for row in listed) == [f"33012406240000{i:02}" for i in range(1, 9)]
    assert snapshot(first) == before
    assert passq.rows("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    # Columns added since carry no value for the old books (language: the office's default).
    assert passq.rows("SELECT DISTINCT language FROM applications") == [(None,)]
    migrations = passq.rows("SELECT migration_set, name, applied_at FROM _sqlite_migrations")
    assert [name for _set, name, _at in migrations] == [m.__name__ for m in store.MIGRATIONS]
    assert migrations[0] == ("passq", "m001_initial", "2024-06-24 01:00:00.000000+00:00")
    # Every event now carries the status it left its book in, and they agree with the books.
    statuses = passq.rows("SELECT action, status FROM events WHERE app_no IS NOT NULL")
    assert {(a, s) for a, s in statuses} == {
        (action, STATUS_AFTER.get(action)) for action, _s in statuses
    }
    doctor = passq.json("doctor")
    assert (doctor["healthy"], doctor["schema_version"]) == (True, SCHEMA_VERSION)
    assert doctor["counts"] == {
        "pending": 4,
        "claimed": 1,
        "printed": 1,
        "collected": 1,
        "cancelled": 1,
    }
    # The upgraded database works on: the old history shows, new changes land beside it.
    shown = passq.json("show", "3301240624000002")
    assert [e["action"] for e in shown["history"]] == ["added", "claimed", "printed", "failed"]
    assert shown["application"]["failures"] == 1
    passq.ok("printed", "--batch", "2", operator="budi")
    assert passq.rows("SELECT status FROM applications WHERE app_no = '3301240624000003'") == [
        ("printed",)
    ]


def test_a_backup_in_the_first_schema_is_restored_and_migrated(passq, add_books) -> None:
    add_books(("A1",))
    result = passq.ok("restore", str(SCHEMA_1))
    assert result.stdout.startswith(f"Restored {SCHEMA_1} (schema 1, 8 applications) into ")
    assert passq.rows("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert snapshot(passq.db) == snapshot(SCHEMA_1)
    assert passq.json("doctor")["healthy"] is True


def test_a_database_from_a_newer_passq_is_refused_and_left_alone(passq, add_books) -> None:
    add_books(("A1",))
    newer = SCHEMA_VERSION + 1
    with sqlite3.connect(passq.db) as conn:
        conn.execute(f"PRAGMA user_version = {newer}")
    before = passq.dump()
    for args in (("list",), ("add", "A2", "--name", "X"), ("doctor",), ("backup",)):
        result = passq(*args)
        assert (result.exit_code, result.stdout) == (1, ""), args
        assert result.stderr == (
            f"The database {passq.db} was made by a newer passq (schema {newer}, this one knows "
            f"{SCHEMA_VERSION}): upgrade passq.\n"
        )
    assert passq.dump() == before
    assert passq.rows("PRAGMA user_version") == [(newer,)]
