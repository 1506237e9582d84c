"""Backups, restore, doctor, privacy and hostile database paths, through the CLI (issue 5)."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from passq.services.session import Session
from passq.store import sqlite as store
from passq.store import sqlite_files
from passq.store.sqlite import SqliteStore

# SQLite's own files (modes, WAL, the backup API, schema 1 files); PostgreSQL: test_postgres.py
pytestmark = pytest.mark.sqlite_only

BACKUP_NAME = "passq-20240627-0800.db"  # the conftest's --now, 2024-06-27T08:00
BUSY = "The database is busy (another desk is writing): try again in a moment.\n"


def mode(path: Path | str) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def numbers(path: Path) -> list[str]:
    return [row[0] for row in rows(path, "SELECT app_no FROM applications ORDER BY app_no")]


@pytest.fixture
def open_umask():
    """A umask that hides nothing: files are private only if passq makes them so."""
    old = os.umask(0)
    yield
    os.umask(old)


@pytest.fixture
def books(passq, add_books):
    """Three books: A2 claimed in batch 1, A3 plain, A1 travelling in three days."""
    add_books(("A2", "--travel", "+20"), ("A3",))
    passq.ok("next-batch", "--size", "1")
    passq.ok("add", "A1", "--name", "Siti Rahayu", "--travel", "+3", "--phone", "0812-3456-7890")
    return passq


def corrupt_status_index(path: Path) -> None:
    """Rewrite one key of the applications_status index, so integrity_check fails."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root, page_size = conn.execute(
            "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
            "WHERE name = 'applications_status'"
        ).fetchone()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    at = data.index(b"pending", start, start + page_size)
    data[at : at + 7] = b"printed"
    path.write_bytes(bytes(data))


# --- backup ------------------------------------------------------------------------------


def test_backup_writes_a_private_self_contained_copy_beside_the_database(books, open_umask) -> None:
    result = books.ok("backup")
    target = books.db.with_name(BACKUP_NAME)
    assert result.stdout == (
        f"Backed up 3 applications to {target}; put it back with 'passq restore {target}'.\n"
    )
    assert mode(target) == 0o600
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]
    assert not Path(f"{target}-wal").exists()
    for table in ("applications", "batches", "events", "settings", "_sqlite_migrations"):
        sql = f"SELECT * FROM {table} ORDER BY 1"
        assert rows(target, sql) == books.rows(sql)
    assert rows(target, "PRAGMA user_version") == [(store.SCHEMA_VERSION,)]


def test_backup_file_is_private_before_a_page_is_written(books, open_umask, monkeypatch) -> None:
    target = books.db.with_name(BACKUP_NAME)
    modes_at_open = []
    connect = sqlite3.connect

    def spy(database, *args, **kwargs):
        if str(database) == str(target):
            modes_at_open.append((mode(target), target.stat().st_size))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", spy)
    books.ok("backup")
    assert modes_at_open[0] == (0o600, 0)


def test_backup_refuses_to_overwrite_a_file(books) -> None:
    books.ok("backup")
    target = books.db.with_name(BACKUP_NAME)
    before = target.read_bytes()
    result = books("backup")
    assert result.exit_code == 1
    assert result.stderr == (
        f"{target} already exists: give another file name, or move that file away.\n"
    )
    assert target.read_bytes() == before
    other = books.db.with_name("other.db")
    other.write_text("keep me")
    result = books("backup", str(other))
    assert (result.exit_code, other.read_text()) == (1, "keep me")


def test_backup_to_a_named_file_or_into_a_folder(books, tmp_path: Path, open_umask) -> None:
    named = tmp_path / "usb" / "senin.db"
    named.parent.mkdir()
    books.ok("backup", str(named))
    assert numbers(named) == ["A1", "A2", "A3"] and mode(named) == 0o600
    books.ok("backup", str(named.parent))
    assert numbers(named.parent / BACKUP_NAME) == ["A1", "A2", "A3"]
    missing = tmp_path / "nowhere" / "x.db"
    result = books("backup", str(missing))
    assert result.exit_code == 2
    assert result.stderr == (
        f"The folder {missing.parent} does not exist: create it first, or give another path.\n"
    )
    assert not missing.parent.exists()


def test_backup_without_a_database_creates_nothing(passq) -> None:
    result = passq("backup")
    assert result.exit_code == 1
    assert result.stderr == f"There is no database at {passq.db}: give the right file with --db.\n"
    assert list(passq.db.parent.iterdir()) == []


def test_backup_reads_through_the_wal_and_skips_uncommitted_work(books) -> None:
    # Another desk keeps the database open, so committed pages stay in the -wal file: a copy of
    # passq.db alone would miss them; the backup API does not.
    other = sqlite3.connect(books.db, isolation_level=None)
    other.execute("SELECT count(*) FROM applications").fetchone()
    books.ok("add", "A4", "--name", "Pemohon A4")
    assert Path(f"{books.db}-wal").stat().st_size > 0
    # … and is in the middle of writing something it has not committed.
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO settings (key, value) VALUES ('office', 'half-written')")
    books.ok("backup")
    other.execute("COMMIT")
    other.close()
    target = books.db.with_name(BACKUP_NAME)
    assert numbers(target) == ["A1", "A2", "A3", "A4"]
    assert rows(target, "SELECT * FROM settings WHERE key = 'office'") == []


def test_a_failed_backup_leaves_no_file(books, monkeypatch) -> None:
    def full(conn, target):
        Path(target).write_bytes(b"partial")
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_files, "_copy_into", full)
    result = books("backup")
    assert result.exit_code == 1
    assert (
        result.stderr == "The disk is full: free some space and try again (nothing was written).\n"
    )
    assert not books.db.with_name(BACKUP_NAME).exists()


# --- restore -----------------------------------------------------------------------------


def test_restore_replaces_the_database_and_keeps_the_old_one_aside(books, open_umask) -> None:
    books.ok("backup")
    backup = books.db.with_name(BACKUP_NAME)
    saved = books.dump()
    books.ok("add", "A4", "--name", "Pemohon A4", now="2024-06-27T10:00")
    books.ok("printed", "--batch", "1", now="2024-06-27T10:00")
    replaced = books.dump()
    # A desk that keeps its connection open sees the restored data on its next read.
    desk = sqlite3.connect(books.db, isolation_level=None)
    assert desk.execute("SELECT count(*) FROM applications").fetchone() == (4,)
    result = books.ok("restore", str(backup), now="2024-06-27T19:00")
    aside = books.db.with_name("passq.db.replaced-20240627-1900")
    assert result.stdout == (
        f"Restored {backup} (schema {store.SCHEMA_VERSION}, 3 applications) into {books.db}; "
        f"the replaced database is kept as {aside}.\n"
    )
    assert desk.execute("SELECT count(*) FROM applications").fetchone() == (3,)
    desk.close()
    assert books.dump() == saved
    assert numbers(aside) == ["A1", "A2", "A3", "A4"]
    assert mode(aside) == 0o600 and mode(books.db) == 0o600
    assert rows(books.db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(books.db, "PRAGMA integrity_check") == [("ok",)]
    # The replaced database, restored in turn, brings everything back.
    books.ok("restore", str(aside), now="2024-06-27T19:05")
    assert books.dump() == replaced
    assert books.ok("doctor").stdout.endswith("No problem found.\n")


def test_restore_waits_for_no_one_and_changes_nothing_when_the_database_is_busy(
    books, monkeypatch
) -> None:
    books.ok("backup")
    books.ok("add", "A4", "--name", "Pemohon A4")
    before = books.dump()
    connect = store.connect

    def impatient(*args, **kwargs) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        conn.execute("PRAGMA busy_timeout = 100")
        return conn

    monkeypatch.setattr(store, "connect", impatient)
    writer = sqlite3.connect(books.db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    result = books("restore", str(books.db.with_name(BACKUP_NAME)))
    writer.execute("ROLLBACK")
    writer.close()
    assert (result.exit_code, result.stderr) == (1, BUSY)
    assert books.dump() == before
    assert not books.db.with_name("passq.db.replaced-20240627-0800").exists()


def _refusals(tmp_path: Path, db: Path) -> list[tuple[Path, int, str]]:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all " * 300)
    empty = tmp_path / "empty.db"
    empty.touch()
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (x)")
    newer = tmp_path / "newer.db"
    store.connect(newer).close()
    with sqlite3.connect(newer) as conn:
        conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    damaged = tmp_path / "damaged.db"
    store.connect(damaged).close()
    with sqlite3.connect(damaged) as conn:
        conn.executemany(
            "INSERT INTO applications (app_no, name, service, applied, status, created_at, "
            "updated_at) VALUES (?, 'X', 'regular', '2024-06-27', 'pending', 't', 't')",
            [(f"B{i}",) for i in range(5)],
        )
    corrupt_status_index(damaged)
    not_passq = "{} is not a passq database: give a file made by 'passq backup'."
    return [
        (
            tmp_path / "missing.db",
            2,
            f"There is no file {tmp_path / 'missing.db'}: check the name of the backup.",
        ),
        (tmp_path, 2, f"{tmp_path} is a folder: give the backup file itself."),
        (junk, 2, not_passq.format(junk)),
        (empty, 2, not_passq.format(empty)),
        (foreign, 2, not_passq.format(foreign)),
        (
            newer,
            1,
            f"{newer} was made by a newer passq (schema {store.SCHEMA_VERSION + 1}, this one "
            f"knows {store.SCHEMA_VERSION}): upgrade passq before restoring it.",
        ),
        (
            damaged,
            1,
            f"{damaged} is damaged (integrity check: row 5 missing from index "
            "applications_status): restore another backup.",
        ),
        (db, 2, f"{db} is the database in use: give a backup file to restore."),
    ]


def test_restore_checks_the_file_first_and_changes_nothing(books, tmp_path: Path) -> None:
    before = books.dump()
    (tmp_path / "sources").mkdir()
    for source, code, sentence in _refusals(tmp_path / "sources", books.db):
        result = books("restore", str(source))
        assert (result.exit_code, result.stderr) == (code, sentence + "\n"), source
        assert books.dump() == before
        assert not books.db.with_name("passq.db.replaced-20240627-0800").exists()


def test_restore_refuses_when_the_aside_name_is_taken(books) -> None:
    books.ok("backup")
    aside = books.db.with_name("passq.db.replaced-20240627-0800")
    aside.write_text("an earlier restore")
    before = books.dump()
    result = books("restore", str(books.db.with_name(BACKUP_NAME)))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{aside} already exists: give another file name, or move that file away.\n"
    )
    assert books.dump() == before and aside.read_text() == "an earlier restore"


# --- doctor ------------------------------------------------------------------------------


def test_doctor_on_a_healthy_database(books) -> None:
    result = books.ok("doctor")
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        f"Database: {books.db}",
        f"Schema version: {store.SCHEMA_VERSION} (this passq: {store.SCHEMA_VERSION})",
        "Integrity check: ok",
        f"Journal mode: wal, WAL file {lines[3].split()[-2]} bytes",
        "Applications: pending 2, claimed 1, printed 0, collected 0, cancelled 0",
    ]
    assert lines[-1] == "No problem found."
    assert result.stderr == ""
    report = books.json("doctor", now="2024-06-27T10:30")
    assert report["open_batches"] == [
        {
            "batch_id": 1,
            "operator": "ani",
            "claimed_at": "2024-06-27T08:00:00+07:00",
            "still_claimed": 1,
            "age_hours": 2.5,
            "stale": False,
        }
    ]
    assert {k: report[k] for k in ("integrity", "journal_mode", "healthy", "problems")} == {
        "integrity": ["ok"],
        "journal_mode": "wal",
        "healthy": True,
        "problems": [],
    }
    assert report["disagreements"] == report["claimed_without_batch"] == []
    assert report["dangling_batches"] == []


def test_doctor_shows_stale_batches_without_failing(books) -> None:
    result = books.ok("doctor", now="2024-06-28T08:00")
    assert (
        "1 batch(es) claimed 8 hours ago or more: print them, or 'passq release --stale 8'.\n"
        in result.stdout
    )
    assert books.json("doctor", now="2024-06-28T08:00")["open_batches"][0]["stale"] is True


def test_doctor_finds_statuses_that_disagree_with_events(books) -> None:
    with sqlite3.connect(books.db) as conn:
        conn.execute("UPDATE applications SET status = 'printed' WHERE app_no = 'A3'")
        conn.execute("UPDATE applications SET batch_id = NULL WHERE app_no = 'A2'")
        conn.execute("UPDATE applications SET batch_id = 99 WHERE app_no = 'A1'")
        conn.execute("DELETE FROM events WHERE app_no = 'A1'")
    before = books.dump()
    result = books("doctor", "--json")
    assert result.exit_code == 1
    assert result.stderr == (
        "passq doctor found 3 problems, listed above: fix them, or restore a backup.\n"
    )
    report = json.loads(result.stdout)
    assert report["disagreements"] == [
        {
            "app_no": "A1",
            "status": "pending",
            "event_status": None,
            "action": None,
            "event_id": None,
        },
        {
            "app_no": "A3",
            "status": "printed",
            "event_status": "pending",
            "action": "added",
            "event_id": report["disagreements"][1]["event_id"],
        },
    ]
    assert report["claimed_without_batch"] == ["A2"]
    assert report["dangling_batches"] == [{"app_no": "A1", "batch_id": 99}]
    assert report["problems"] == [
        "2 applications have a status that disagrees with their last event (first: A1 is "
        "pending, its events say nothing): check them with 'passq show'.",
        "1 claimed book belongs to no batch (A2): release it with 'passq release A2'.",
        "1 application points to a batch that does not exist (A1, batch 99): release it, or "
        "restore a backup.",
    ]
    assert report["healthy"] is False
    human = books("doctor")
    assert human.exit_code == 1
    assert "Problem: 1 claimed book belongs to no batch" in human.stdout
    assert books.dump() == before


def test_doctor_reports_a_failed_integrity_check(books) -> None:
    corrupt_status_index(books.db)
    result = books("doctor", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["integrity"][0].endswith("missing from index applications_status")
    assert report["problems"][0].startswith("The database fails SQLite's integrity check (row ")
    assert report["problems"][0].endswith(": restore the latest good backup with 'passq restore'.")


def test_doctor_without_a_database_creates_nothing(passq) -> None:
    result = passq("doctor")
    assert (result.exit_code, result.stderr) == (
        1,
        f"There is no database at {passq.db}: give the right file with --db.\n",
    )
    assert not passq.db.exists()


# --- privacy -----------------------------------------------------------------------------


def test_database_wal_and_shm_are_created_private(passq, monkeypatch, open_umask) -> None:
    seen: dict[str, int | None] = {}
    close = Session.close

    def spying_close(self) -> None:
        if self._store is not None:  # the -wal and -shm files exist while the connection does
            for suffix in ("", "-wal", "-shm"):
                path = Path(f"{self.db_path}{suffix}")
                seen[suffix] = mode(path) if path.exists() else None
        close(self)

    monkeypatch.setattr(Session, "close", spying_close)
    passq.ok("add", "A1", "--name", "Siti Rahayu")
    assert seen == {"": 0o600, "-wal": 0o600, "-shm": 0o600}


def test_report_shows_counts_not_names_unless_asked(books) -> None:
    for args in (("report",), ("report", "--json")):
        result = books.ok(*args)
        for private in ("Siti", "Rahayu", "Pemohon", "+6281234567890", "3456"):
            assert private not in result.stdout + result.stderr, (args, private)
    result = books.ok("report", "--names")
    table = result.stdout.split("Pending, travelling within 7 days (1)")[1]
    row = next(line for line in table.splitlines() if "A1" in line)
    assert [cell.strip() for cell in row.strip("│").split("│")] == [
        "A1",
        "Siti Rahayu",
        "+6281234567890",
        "30/06/2024",
        "-",  # no destination given
        "28/06/2024",  # Sun 30/06 less a day is Saturday: the flight deadline is Friday's
    ]
    assert "A3" not in table and "A2" not in table
    assert books.json("report", "--names")["travelling_soon"] == [
        {
            "app_no": "A1",
            "name": "Siti Rahayu",
            "phone": "+6281234567890",
            "travel": "2024-06-30",
            "destination": None,
            "flight_deadline": "2024-06-28",
            "claimed": False,
        }
    ]


# --- hostile database paths --------------------------------------------------------------


def test_a_folder_as_database_is_refused(passq, tmp_path: Path) -> None:
    passq.db = tmp_path
    result = passq("list")
    assert (result.exit_code, result.stderr) == (
        2,
        f"The database path {tmp_path} is a folder: give a file name with --db.\n",
    )


def test_a_database_path_through_a_file_is_refused(passq, tmp_path: Path) -> None:
    somefile = tmp_path / "somefile"
    somefile.write_text("x")
    passq.db = somefile / "passq.db"
    result = passq("add", "A1", "--name", "X")
    assert (result.exit_code, result.stderr) == (
        2,
        f"The database path {passq.db} goes through {somefile}, which is a file: give another "
        "path with --db.\n",
    )
    assert somefile.read_text() == "x"


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads a chmod 000 file anyway"
)
def test_an_unreadable_database_is_refused(passq) -> None:
    passq.ok("add", "A1", "--name", "X")
    passq.db.chmod(0)
    try:
        result = passq("list")
    finally:
        passq.db.chmod(0o600)
    assert (result.exit_code, result.stderr) == (
        2,
        f"Cannot open the database {passq.db} (Permission denied): check its permissions, or "
        "give another file with --db.\n",
    )


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(passq) -> None:
    passq.db.write_bytes(b"Daftar paspor, bukan database. " * 200)
    before = passq.db.read_bytes()
    result = passq("add", "A1", "--name", "X")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{passq.db} is not a passq database: give another file with --db.\n",
    )
    assert passq.db.read_bytes() == before


def test_an_empty_file_becomes_a_new_database(passq) -> None:
    passq.db.touch()
    passq.ok("add", "A1", "--name", "X")
    assert passq.rows("SELECT app_no, status FROM applications") == [("A1", "pending")]


def test_a_full_disk_is_one_sentence_and_writes_nothing(books, monkeypatch) -> None:
    before = books.dump()

    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SqliteStore, "insert", full)
    result = books("add", "A9", "--name", "Pemohon A9")
    assert (result.exit_code, result.stdout) == (1, "")
    assert (
        result.stderr == "The disk is full: free some space and try again (nothing was written).\n"
    )
    assert isinstance(result.exception, SystemExit)
    assert books.dump() == before


@pytest.mark.parametrize(
    ("message", "sentence"),
    [
        (
            "attempt to write a readonly database",
            "{db} is read-only for you: ask for write permission on the file and its folder, "
            "or give another file with --db.",
        ),
        (
            "disk I/O error",
            "The disk reported an error reading or writing {db}: check the disk, then run "
            "'passq doctor'.",
        ),
        ("database is locked", BUSY.strip()),
        (
            "database disk image is malformed",
            "{db} is damaged: run 'passq doctor', and restore a backup with 'passq restore'.",
        ),
        (
            "no such savepoint: x",
            "The database reported an error (no such savepoint: x): run 'passq doctor' to "
            "check it.",
        ),
    ],
)
def test_sqlite_errors_escaping_a_command_become_one_sentence(
    books, monkeypatch, message: str, sentence: str
) -> None:
    before = books.dump()

    def fail(*args, **kwargs):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(SqliteStore, "update", fail)
    result = books("printed", "--batch", "1")
    assert (result.exit_code, result.stderr) == (1, sentence.format(db=books.db) + "\n")
    assert books.dump() == before


def test_a_really_full_database_rolls_back_with_the_full_disk_error(tmp_path: Path) -> None:
    # SQLite rolls a transaction back by itself when the disk fills: the store must not mask
    # that with "cannot rollback - no transaction is active".
    opened = SqliteStore(tmp_path / "passq.db")
    conn = opened.conn
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(sqlite3.OperationalError, match="database or disk is full") as caught:
        for i in range(50):
            with opened.command("2024-06-27T08:00:00+07:00", "ani"):
                opened.put_setting(f"k{i}", "x" * 900)
    assert str(sqlite_files.database_error(caught.value, None)) == (
        "The disk is full: free some space and try again (nothing was written)."
    )
    assert not conn.in_transaction
    conn.close()


def test_a_backup_name_that_is_not_text_is_one_sentence(passq, tmp_path) -> None:
    passq.ok("add", "A1", "--name", "Siti Rahayu")
    name = str(tmp_path / "kopi") + "\udc80"  # a byte that is not UTF-8, as a shell passes it
    result = passq("backup", name)
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"'{tmp_path}/kopi\\udc80' holds bytes that are not text (UTF-8): type it again.\n",
    )
