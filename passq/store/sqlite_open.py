"""Opening a SQLite database for passq: its pragmas, its migrations, one sentence when the
file is not a passq database (or is damaged, or busy); the write transaction."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from passq.errors import Busy, Damaged, Invalid, NewerSchema, NotPassqDatabase
from passq.i18n import _
from passq.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_MS = 10_000


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema to SCHEMA_VERSION (sqlite-utils records each migration with it)."""
    import sqlite_utils

    migrations = sqlite_utils.Migrations("passq")
    for step in MIGRATIONS:
        migrations()(step)
    with transaction(conn):
        # Re-read inside the write lock: another desk may have migrated meanwhile.
        if conn.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
            return
        migrations.apply(sqlite_utils.Database(conn))
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


# --- Opening ------------------------------------------------------------------------------


def connect(path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """Open (creating if needed, mode 0600) the database at `path`, migrated to this version."""
    path = Path(path)
    if path.is_dir():
        raise Invalid(
            _("The database path {path} is a folder: give a file name with --db.").format(path=path)
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create the file private to its owner before SQLite opens it; the -wal and -shm
        # files SQLite creates beside it copy this file's permissions.
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as error:
        # Another desk writing (or creating the file) is not damage: say it is busy.
        if "locked" in str(error) or "busy" in str(error):
            raise Busy() from None
        if "malformed" in str(error) or _sqlite_header(path):
            raise Damaged(str(path)) from None
        raise NotPassqDatabase(str(path)) from None
    except (FileExistsError, NotADirectoryError):
        blocker = next(
            (p for p in reversed(path.parents) if p.exists() and not p.is_dir()), path.parent
        )
        raise Invalid(
            _(
                "The database path {path} goes through {file}, which is a file: give another path "
                "with --db."
            ).format(path=path, file=blocker)
        ) from None
    except OSError as error:
        raise Invalid(
            _(
                "Cannot open the database {path} ({reason}): check its permissions, or give "
                "another file with --db."
            ).format(path=path, reason=error.strerror or error)
        ) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise NewerSchema(str(path), version, SCHEMA_VERSION)
    if version < SCHEMA_VERSION:
        if version == 0 and _has_foreign_tables(conn):
            conn.close()
            raise Invalid(
                _("{path} is a database of another program: give another file with --db.").format(
                    path=path
                )
            )
        conn.execute("PRAGMA journal_mode = WAL")
        _migrate(conn)
    return conn


def _sqlite_header(path: Path) -> bool:
    """Whether `path` starts as an SQLite database does (one SQLite cannot read is damaged)."""
    with open(path, "rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


def _has_foreign_tables(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (BEGIN IMMEDIATE) so readers never race writers."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        raise _busy(error) from None
    try:
        yield conn
    except BaseException:
        # SQLite rolls back by itself on some errors (a full disk): do not mask them.
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise _busy(error) from None


def _busy(error: sqlite3.OperationalError) -> Exception:
    if "locked" in str(error) or "busy" in str(error):
        return Busy()
    return error
