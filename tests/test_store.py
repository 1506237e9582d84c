"""The store on a temporary file: opening, schema, transactions, queries."""

from __future__ import annotations

import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from passq.domain.queue import QUEUE_FIELDS, Columns
from passq.domain.records import new_application
from passq.errors import Invalid, Refused
from passq.store import open_store
from passq.store import sqlite as store
from passq.store.sqlite import SqliteStore
from passq.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from tests import desk

AT = "2024-06-27T08:00:00+07:00"
TODAY = date(2024, 6, 27)


def book(app_no: str, **fields) -> dict:
    return new_application(app_no, {"name": f"Pemohon {app_no}", **fields}, TODAY)


@pytest.fixture
def conn(database):
    """The store on each backend (the contract every backend keeps)."""
    connection = open_store(database, store.BUSY_TIMEOUT_MS)
    yield connection
    connection.close()


def count(conn, sql: str) -> int:
    """One number read straight from the store's connection, on either backend."""
    if isinstance(conn, SqliteStore):
        return conn.conn.execute(sql).fetchone()[0]
    with conn.conn.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def test_blank_database_gets_the_whole_schema_private_and_in_wal(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "passq.db"
    conn = store.connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"applications", "batches", "events", "calendar", "settings"} <= tables
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == store.BUSY_TIMEOUT_MS
    applied = conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id").fetchall()
    assert [row[0] for row in applied] == [m.__name__ for m in MIGRATIONS]
    desk.add(SqliteStore(path), book("A1"), AT, "ani")
    for suffix in ("", "-wal", "-shm"):
        assert stat.S_IMODE(Path(f"{path}{suffix}").stat().st_mode) == 0o600
    conn.close()


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "passq.db"
    store.connect(path).close()
    conn = store.connect(path)
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == len(MIGRATIONS)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "passq.db"
    store.connect(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(Refused, match="was made by a newer passq"):
        store.connect(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(Invalid, match="is not a passq database"):
        store.connect(path)


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE t (x)")
    with pytest.raises(Invalid, match="is a database of another program"):
        store.connect(path)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(Invalid, match="is a folder"):
        store.connect(tmp_path)


def test_add_stores_the_record_and_its_event(conn) -> None:
    desk.add(conn, book("A1", travel="+3", phone="0812-3456-7890"), AT, "ani")
    record = conn.get("A1")
    assert record["status"] == "pending"
    assert record["travel"] == date(2024, 6, 30)
    assert record["phone"] == "+6281234567890"
    assert conn.history("A1")[0] | {"id": 0} == {
        "id": 0,
        "at": AT,
        "operator": "ani",
        "action": "added",
        "batch_id": None,
        "detail": {},
    }
    with pytest.raises(Refused, match=r"^Application A1 already exists \(Pemohon A1, pending\)"):
        desk.add(conn, book("A1"), AT, "ani")
    assert count(conn, "SELECT count(*) FROM events") == 1


def test_transition_is_all_or_nothing(conn) -> None:
    desk.add(conn, book("A1"), AT, "ani")
    desk.add(conn, book("A2"), AT, "ani")
    batch_id, _ = desk.claim(conn, lambda queue: ["A1"], AT, "ani")
    with pytest.raises(Refused, match="^Application A2 is pending"):
        desk.transition(conn, ["A1", "A2"], "released", AT, "ani")
    assert conn.get("A1")["status"] == "claimed"
    released = "SELECT count(*) FROM events WHERE action = 'released'"
    assert count(conn, released) == 0
    desk.transition(conn, ["A1"], "printed", AT, "ani")
    assert conn.get("A1")["printed_at"] == AT
    desk.transition(conn, ["A1"], "failed", AT, "ani", "smudged")
    record = conn.get("A1")
    assert (record["status"], record["failures"], record["batch_id"], record["printed_at"]) == (
        "pending",
        1,
        None,
        None,
    )
    # The misprint keeps when the book had been printed, so undo can restore it.
    assert conn.history("A1")[-1]["detail"] == {
        "from": "printed",
        "printed_at": AT,
        "reason": "smudged",
    }
    assert batch_id == 1


def test_claim_takes_what_the_chooser_picks_in_one_batch(conn) -> None:
    for app_no in ("A1", "A2", "A3"):
        desk.add(conn, book(app_no), AT, "ani")
    batch_id, claimed = desk.claim(conn, lambda queue: ["A3", "A1"], AT, "budi")
    assert [r["app_no"] for r in claimed] == ["A3", "A1"]
    assert conn.batch(batch_id) == {
        "id": batch_id,
        "operator": "budi",
        "claimed_at": AT,
        "size": 2,
    }
    assert {r["app_no"] for r in conn.batch_books(batch_id)} == {"A1", "A3"}
    assert [r["app_no"] for r in conn.pending()] == ["A2"]
    assert desk.claim(conn, lambda queue: [], AT, "budi") == (None, [])
    assert count(conn, "SELECT count(*) FROM batches") == 1


def test_used_today_counts_claimed_and_printed_today(conn) -> None:
    for app_no in ("A1", "A2", "A3"):
        desk.add(conn, book(app_no), AT, "ani")
    desk.claim(conn, lambda queue: ["A1", "A2"], AT, "ani")
    desk.transition(conn, ["A1"], "printed", AT, "ani")
    assert conn.used_today(TODAY) == 2
    assert conn.used_today(date(2024, 6, 28)) == 1  # still claimed; printed yesterday


def test_a_misprint_used_its_slot_today(conn) -> None:
    for app_no in ("A1", "A2"):
        desk.add(conn, book(app_no), AT, "ani")
    desk.claim(conn, lambda queue: ["A1", "A2"], AT, "ani")
    desk.transition(conn, ["A1"], "printed", AT, "ani")
    desk.transition(conn, ["A1"], "failed", AT, "ani")  # back to pending, the slot spent
    desk.transition(conn, ["A2"], "failed", AT, "ani")  # misprinted straight from the batch
    assert conn.used_today(TODAY) == 2
    assert conn.used_today(date(2024, 6, 28)) == 0


def test_state_at_the_end_of_a_past_day_is_replayed_from_events(conn) -> None:
    for app_no in ("A1", "A2", "A3"):
        desk.add(conn, book(app_no), "2024-06-26T08:00:00+07:00", "ani")
    desk.claim(conn, lambda queue: ["A1", "A2"], "2024-06-26T09:00:00+07:00", "ani")
    desk.transition(conn, ["A1"], "printed", "2024-06-26T10:00:00+07:00", "ani")
    # The next day everything changes; the 26th's picture must not.
    desk.transition(conn, ["A2"], "printed", AT, "budi")
    desk.claim(conn, lambda queue: ["A3"], AT, "budi")
    pending, claimed, batches = conn.state_at_end_of(date(2024, 6, 26), TODAY)
    assert [r["app_no"] for r in pending] == ["A3"]
    assert [r["app_no"] for r in claimed] == ["A2"]
    assert batches == [
        {
            "batch_id": 1,
            "operator": "ani",
            "claimed_at": "2024-06-26T09:00:00+07:00",
            "still_claimed": 1,
        }
    ]
    pending_now, claimed_now, batches_now = conn.state_at_end_of(TODAY, TODAY)
    assert pending_now == [] and [b["batch_id"] for b in batches_now] == [2]
    assert [r["app_no"] for r in claimed_now] == ["A3"]


def test_add_many_lands_in_one_transaction(conn) -> None:
    records = [book("A1"), book("A2"), book("A1")]
    duplicate: type[Exception] = sqlite3.IntegrityError
    if not isinstance(conn, SqliteStore):
        import psycopg2

        duplicate = psycopg2.IntegrityError
    with pytest.raises(duplicate):
        desk.add_many(conn, records, AT, "ani")
    assert count(conn, "SELECT count(*) FROM applications") == 0
    assert count(conn, "SELECT count(*) FROM events") == 0
    assert desk.add_many(conn, records[:2], AT, "ani") == 2
    assert not conn.is_empty()


def test_queue_holds_the_rule_fields_of_the_pending_books_as_columns(conn) -> None:
    desk.add(conn, book("A1", travel="2024-07-01", destination="Jepang"), AT, "ani")
    desk.add(
        conn, book("A2", service="express", urgent="berobat", phone="0812-3456-7890"), AT, "ani"
    )
    desk.add(conn, book("A3"), AT, "ani")
    desk.claim(conn, lambda queue: ["A3"], AT, "ani")
    queue = conn.queue()
    assert isinstance(queue, Columns)
    assert list(queue) == [
        {field: record[field] for field in QUEUE_FIELDS} for record in conn.pending()
    ]
    assert queue.column("travel") == [date(2024, 7, 1), None]
