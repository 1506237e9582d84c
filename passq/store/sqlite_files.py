"""The SQLite backend's file work: backups, restore, the doctor's facts, and one sentence for an
SQLite error (split from passq.store.sqlite, which imports this module only when needed)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from passq.domain.records import STATUSES
from passq.errors import Busy, Damaged, Invalid, NotPassqDatabase, Refused
from passq.i18n import _
from passq.store.sqlite_schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from passq.store.sqlite import SqliteStore

PASSQ_TABLES = ("applications", "batches", "events", "calendar", "settings")


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _copy_into(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database of `conn` into the (new, private, empty) file `target`, self-contained."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        from passq.store.sqlite import BUSY_TIMEOUT_MS

        dest.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.backup(dest)
        # A backup is one file: no -wal beside it to lose when it is copied.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


@contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    try:
        yield conn
    finally:
        conn.close()


def _open_readonly(path: Path) -> sqlite3.Connection:
    from urllib.parse import quote

    return sqlite3.connect(
        f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True, isolation_level=None
    )


def check_backup_file(path: Path) -> int:
    """The schema version of the passq database in `path`, after checking it can be restored:
    our tables, a schema this passq knows and `PRAGMA integrity_check` ok."""
    path = Path(path)
    if path.is_dir():
        raise Invalid(_("{path} is a folder: give the backup file itself.").format(path=path))
    if not path.is_file():
        raise Invalid(_("There is no file {path}: check the name of the backup.").format(path=path))
    not_passq = _("{path} is not a passq database: give a file made by 'passq backup'.").format(
        path=path
    )
    try:
        with _closing(_open_readonly(path)) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if version < 1 or not set(PASSQ_TABLES) <= tables:
                raise Invalid(not_passq)
            if version > SCHEMA_VERSION:
                raise Refused(
                    _(
                        "{path} was made by a newer passq (schema {found}, this one knows "
                        "{known}): upgrade passq before restoring it."
                    ).format(path=path, found=version, known=SCHEMA_VERSION)
                )
            problems = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError:
        raise Invalid(not_passq) from None
    if problems != ["ok"]:
        raise Refused(
            _("{path} is damaged (integrity check: {problem}): restore another backup.").format(
                path=path, problem=problems[0]
            )
        )
    return version


def database_error(error: sqlite3.DatabaseError, path: str | None) -> Refused | Invalid:
    """One sentence for an SQLite error that escaped a command (full disk, read-only, …)."""
    text = str(error).lower()
    where = str(path) if path is not None else _("the database")
    if "full" in text:
        return Refused(_("The disk is full: free some space and try again (nothing was written)."))
    if "readonly" in text or "read-only" in text:
        return Refused(
            _(
                "{path} is read-only for you: ask for write permission on the file and its "
                "folder, or give another file with --db."
            ).format(path=where)
        )
    if "locked" in text or "busy" in text:
        return Busy()
    if "i/o error" in text:
        return Refused(
            _(
                "The disk reported an error reading or writing {path}: check the disk, then run "
                "'passq doctor'."
            ).format(path=where)
        )
    if "malformed" in text or "corrupt" in text:
        return Damaged(where)
    if "not a database" in text or "encrypted" in text:
        return NotPassqDatabase(where)
    if "unable to open" in text:
        return Refused(
            _("Cannot open {path}: check that its folder exists and you may write in it.").format(
                path=where
            )
        )
    return Refused(
        _("The database reported an error ({detail}): run 'passq doctor' to check it.").format(
            detail=error
        )
    )


# --- The store's backup, restore and doctor (SqliteStore delegates to these) -------------


def backup(store: SqliteStore, target: Path) -> int:
    """Copy the database into `target` (new, empty, private) with SQLite's online backup
    API, so others keep working meanwhile; returns the number of applications copied."""
    try:
        _copy_into(store.conn, target)
        with _closing(sqlite3.connect(target)) as copy:
            return copy.execute("SELECT count(*) FROM applications").fetchone()[0]
    except BaseException:
        _remove(target)
        raise


def restore(store: SqliteStore, source: Path, aside: Path) -> tuple[int, int]:
    """Replace this database by the backup `source` (checked with check_backup_file) through
    the backup API, keeping what it replaced in `aside` (new, empty, private); returns
    source's schema version and its number of applications.

    The copy kept aside is taken while the restore holds the write lock, so no desk's change
    can slip in between and be lost from both.
    """
    version = check_backup_file(source)
    kept = False

    def keep_aside(status: int, remaining: int, total: int) -> None:
        nonlocal kept
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise Busy()
        if not kept:
            # The first page is written: this connection holds the write lock, and a second
            # connection still reads the last committed state, the one being replaced.
            with _closing(sqlite3.connect(store.path, isolation_level=None)) as reader:
                _copy_into(reader, aside)
            kept = True

    try:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with _closing(_open_readonly(source)) as src:
            src.backup(store.conn, pages=1, progress=keep_aside)
    except BaseException:
        if not kept:
            _remove(aside)
        raise
    # Fold the restored pages into the main file and empty the old -wal.
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return version, store.conn.execute("SELECT count(*) FROM applications").fetchone()[0]


def doctor_facts(store: SqliteStore) -> dict:
    """What `passq doctor` judges: schema, integrity, WAL state, counts, open batches, and the
    books whose status disagrees with their events or their batch."""
    wal = Path(f"{store.path}-wal")
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(store.conn.execute("SELECT status, count(*) FROM applications GROUP BY status"))
    cursor = store.conn.execute(
        "SELECT a.app_no, a.status, e.status AS event_status, e.action, e.id AS event_id "
        "FROM applications a "
        "LEFT JOIN (SELECT app_no, max(id) AS id FROM events "
        "           WHERE status IS NOT NULL AND app_no IS NOT NULL GROUP BY app_no) last "
        "       ON last.app_no = a.app_no "
        "LEFT JOIN events e ON e.id = last.id "
        "WHERE e.status IS NOT a.status ORDER BY a.app_no"
    )
    columns = [c[0] for c in cursor.description]
    disagreements = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return {
        "database": str(store.path),
        "schema_version": store.conn.execute("PRAGMA user_version").fetchone()[0],
        "schema_current": SCHEMA_VERSION,
        "integrity": [row[0] for row in store.conn.execute("PRAGMA integrity_check")],
        "journal_mode": store.conn.execute("PRAGMA journal_mode").fetchone()[0],
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
        "counts": counts,
        "open_batches": store._open_batches_now(),
        "disagreements": disagreements,
        "claimed_without_batch": [
            row[0]
            for row in store.conn.execute(
                "SELECT app_no FROM applications WHERE status = 'claimed' AND batch_id IS NULL "
                "ORDER BY app_no"
            )
        ],
        "dangling_batches": [
            {"app_no": app_no, "batch_id": batch_id}
            for app_no, batch_id in store.conn.execute(
                "SELECT a.app_no, a.batch_id FROM applications a "
                "LEFT JOIN batches b ON b.id = a.batch_id "
                "WHERE a.batch_id IS NOT NULL AND b.id IS NULL ORDER BY a.app_no"
            )
        ],
    }
