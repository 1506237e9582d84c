"""The PostgreSQL backend's upkeep: the doctor's facts, backups and restore as portable SQLite
files, and one sentence for a PostgreSQL error (split from passq.store.postgres)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from passq.domain.records import STATUSES
from passq.errors import Busy, PassqError, Refused, Unreachable
from passq.store.postgres import _BUSY_ERRORS, _rollback
from passq.store.postgres_driver import psycopg2
from passq.store.postgres_schema import SCHEMA_VERSION, version_of

if TYPE_CHECKING:
    from passq.store.postgres import PostgresStore


def doctor_facts(store: PostgresStore) -> dict:
    """What `passq doctor` judges: schema, counts, open batches, and the books whose status
    disagrees with their events or their batch (the server keeps its own files whole)."""
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(
        store._rows(
            "SELECT status, count(*) FROM applications WHERE office = %s GROUP BY status",
            (store.office,),
        )
    )
    office = (store.office,)
    disagreements = store._dicts(
        "SELECT a.app_no, a.status, e.status AS event_status, e.action, e.id AS event_id "
        "FROM applications a LEFT JOIN (SELECT app_no, max(id) AS id FROM events "
        "WHERE office = %s AND status IS NOT NULL AND app_no IS NOT NULL GROUP BY app_no) "
        "last ON last.app_no = a.app_no LEFT JOIN events e ON e.id = last.id "
        "WHERE a.office = %s AND e.status IS DISTINCT FROM a.status ORDER BY a.app_no",
        office * 2,
    )
    return {
        "database": store.path,
        "schema_version": version_of(store.conn.cursor()),
        "schema_current": SCHEMA_VERSION,
        "integrity": ["ok"],  # the server checks its own pages; passq checks the rows below
        "journal_mode": None,  # the server keeps its own write-ahead log
        "wal_bytes": None,
        "counts": counts,
        "open_batches": store.open_batches(),
        "disagreements": disagreements,
        "claimed_without_batch": [
            row[0]
            for row in store._rows(
                "SELECT app_no FROM applications WHERE office = %s AND status = 'claimed' "
                "AND batch_id IS NULL ORDER BY app_no",
                office,
            )
        ],
        "dangling_batches": [
            {"app_no": app_no, "batch_id": batch_id}
            for app_no, batch_id in store._rows(
                "SELECT a.app_no, a.batch_id FROM applications a LEFT JOIN batches b "
                "ON b.id = a.batch_id WHERE a.office = %s AND a.batch_id IS NOT NULL "
                "AND b.id IS NULL ORDER BY a.app_no",
                office,
            )
        ],
    }


def database_error(error: Exception, where: str | None) -> PassqError:
    """One sentence for a PostgreSQL error that escaped a command (lost server, full disk…)."""
    from passq.i18n import _

    shown = where if where is not None else _("the database")
    if isinstance(error, _BUSY_ERRORS):
        return Busy()
    if isinstance(error, psycopg2.errors.DiskFull):
        return Refused(_("The disk is full: free some space and try again (nothing was written)."))
    if isinstance(error, psycopg2.errors.AdminShutdown | psycopg2.errors.CrashShutdown):
        return Unreachable(shown)
    if isinstance(error, psycopg2.OperationalError | psycopg2.InterfaceError):
        return Unreachable(shown)
    if isinstance(error, psycopg2.errors.InsufficientPrivilege):
        return Refused(
            _(
                "{path} is read-only for you: ask for write permission on the file and its "
                "folder, or give another file with --db."
            ).format(path=shown)
        )
    return Refused(
        _("The database reported an error ({detail}): run 'passq doctor' to check it.").format(
            detail=(str(error).strip() or type(error).__name__).splitlines()[0]
        )
    )


# --- Backups and restore: the same portable file as SQLite's backups (a SQLite database) -----


def _write_sqlite_copy(store: PostgresStore, target: Path) -> int:
    """Copy the office's rows into the new, empty, private SQLite file `target`, made
    self-contained (no -wal beside it); returns the number of applications."""
    from passq.store import copy
    from passq.store.sqlite import connect

    dest = connect(target)
    try:
        count = copy.postgres_to_sqlite(store.conn, store.office, dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    return count


def backup(store: PostgresStore, target: Path) -> int:
    """Write every row of the office, as one consistent snapshot, into `target` (new, empty,
    private) as a SQLite database; returns the number of applications copied."""
    from passq.store.sqlite_files import _remove

    try:
        with store.conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            return _write_sqlite_copy(store, target)
        finally:
            _rollback(store.conn)
    except BaseException:
        _remove(target)
        raise


def restore(store: PostgresStore, source: Path, aside: Path) -> tuple[int, int]:
    """Replace the office's rows by the backup `source` (a SQLite file, checked and brought to
    this passq's schema in a temporary copy), in one transaction holding the office's lock;
    what it replaces is first written to `aside` (new, empty, private) in that transaction.
    Returns source's schema version and its number of applications."""
    import tempfile

    from passq.store import copy
    from passq.store.sqlite import connect
    from passq.store.sqlite_files import (
        _closing,
        _copy_into,
        _open_readonly,
        _remove,
        check_backup_file,
    )

    version = check_backup_file(source)
    with tempfile.TemporaryDirectory(prefix="passq-restore-") as folder:
        current = Path(folder) / "source.db"
        with _closing(_open_readonly(source)) as src:
            _copy_into(src, current)
        kept = False
        try:
            with _closing(connect(current)) as migrated, store.transaction():
                _write_sqlite_copy(store, aside)
                kept = True
                copy.clear_postgres(store.conn, store.office)
                count = copy.sqlite_to_postgres(migrated, store.conn, store.office)
        except BaseException:
            if not kept:
                _remove(aside)
            raise
    return version, count
