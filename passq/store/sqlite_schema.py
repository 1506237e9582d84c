"""The SQLite schema: small mNNN_what(db) functions applied in order on open (sqlite-utils)."""

from __future__ import annotations

from collections.abc import Callable

from passq.domain.lifecycle import STATUS_AFTER


def m001_initial(db) -> None:
    """Applications, batches, the append-only event log, calendar overrides and settings."""
    for statement in (
        """CREATE TABLE applications (
            app_no TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            phone TEXT,
            service TEXT NOT NULL CHECK (service IN ('regular', 'express', 'pmi')),
            urgent TEXT,
            applied TEXT NOT NULL,
            travel TEXT,
            destination TEXT,
            note TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'printed', 'collected', 'cancelled')),
            batch_id INTEGER REFERENCES batches(id),
            failures INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            printed_at TEXT,
            collected_at TEXT
        )""",
        "CREATE INDEX applications_status ON applications (status)",
        "CREATE INDEX applications_batch ON applications (batch_id)",
        "CREATE INDEX applications_printed_at ON applications (printed_at)",
        """CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            operator TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            size INTEGER NOT NULL
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            app_no TEXT,
            batch_id INTEGER,
            detail TEXT
        )""",
        "CREATE INDEX events_at ON events (at)",
        "CREATE INDEX events_app_no ON events (app_no, id)",
        """CREATE TABLE calendar (
            date TEXT PRIMARY KEY,
            capacity INTEGER NOT NULL CHECK (capacity >= 0),
            note TEXT
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ):
        db.execute(statement)


def m002_holiday_cache(db) -> None:
    """Official holidays cached per year: computing them costs ~130 ms a command."""
    db.execute("CREATE TABLE holiday_years (year INTEGER PRIMARY KEY, cached_at TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE holidays (date TEXT PRIMARY KEY, year INTEGER NOT NULL, name TEXT NOT NULL)"
    )


def m003_event_status_and_command(db) -> None:
    """Events record the status they leave a book in and the command they belong to (undo)."""
    db.execute("ALTER TABLE events ADD COLUMN command_id INTEGER")
    db.execute("ALTER TABLE events ADD COLUMN status TEXT")
    db.execute("UPDATE events SET command_id = id")
    cases = " ".join(f"WHEN '{a}' THEN '{s}'" for a, s in STATUS_AFTER.items())
    db.execute(f"UPDATE events SET status = CASE action {cases} END WHERE app_no IS NOT NULL")
    db.execute("CREATE INDEX events_command ON events (operator, command_id)")


def m004_indexes_for_flat_cost(db) -> None:
    """Indexes so that single-row commands and undo cost the same at any backlog size."""
    for statement in (
        # The next command id (Log) is max(command_id) + 1; undo reads one command's events.
        "CREATE INDEX events_command_id ON events (command_id)",
        # undo: whether a command was undone already, without reading every undo row. Only
        # undo rows carry "undid"; a query for action = 'undo' alone keeps its scan.
        "CREATE INDEX events_undone ON events (json_extract(detail, '$.undid')) "
        "WHERE json_extract(detail, '$.undid') IS NOT NULL",
    ):
        db.execute(statement)


def m005_find(db) -> None:
    """`find`: a full-text index of names and destinations (case and accents folded by SQLite's
    unicode61 tokenizer), kept in step by triggers, and an index on the E.164 phone.

    The index is keyed by the applications' rowid: a migration that rebuilds `applications`
    (a copy into a new table) must end with `INSERT INTO find_words(find_words) VALUES
    ('rebuild')`. passq never runs VACUUM, which could renumber those rowids.
    """
    for statement in (
        "CREATE VIRTUAL TABLE find_words USING fts5(name, destination, content='applications', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')",
        "CREATE TRIGGER find_words_insert AFTER INSERT ON applications BEGIN "
        "INSERT INTO find_words (rowid, name, destination) "
        "VALUES (new.rowid, new.name, new.destination); END",
        "CREATE TRIGGER find_words_delete AFTER DELETE ON applications BEGIN "
        "INSERT INTO find_words (find_words, rowid, name, destination) "
        "VALUES ('delete', old.rowid, old.name, old.destination); END",
        "CREATE TRIGGER find_words_update AFTER UPDATE OF name, destination ON applications "
        "BEGIN INSERT INTO find_words (find_words, rowid, name, destination) "
        "VALUES ('delete', old.rowid, old.name, old.destination); "
        "INSERT INTO find_words (rowid, name, destination) "
        "VALUES (new.rowid, new.name, new.destination); END",
        "INSERT INTO find_words (find_words) VALUES ('rebuild')",
        "CREATE INDEX applications_phone ON applications (phone)",
    ):
        db.execute(statement)


def m006_language(db) -> None:
    """The applicant's language for the messages (`notify`): id or en; NULL is the office's
    default, Indonesian."""
    db.execute("ALTER TABLE applications ADD COLUMN language TEXT CHECK (language IN ('id', 'en'))")


MIGRATIONS: tuple[Callable, ...] = (
    m001_initial,
    m002_holiday_cache,
    m003_event_status_and_command,
    m004_indexes_for_flat_cost,
    m005_find,
    m006_language,
)
SCHEMA_VERSION = len(MIGRATIONS)
