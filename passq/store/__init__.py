"""The store: the only code that speaks SQL, behind one interface (`Store`).

`open_store` picks the backend from the database name: a file path is SQLite (stdlib sqlite3,
imported by every command anyway); a second backend plugs in here, imported only when named.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from passq.errors import PassqError

if TYPE_CHECKING:
    from passq.store.base import Store


def open_store(db: str | Path, busy_timeout_ms: int, *, read_only_ok: bool = False) -> Store:
    """The store for `db` (a SQLite file), opened and migrated to this version of passq;
    `read_only_ok`: a file that exists but may not be written is opened read-only."""
    from passq.store.sqlite import SqliteStore

    path = Path(db)
    if read_only_ok and path.is_file() and not _writable(path):
        from passq.store.sqlite_readonly import ReadOnlySqliteStore

        return ReadOnlySqliteStore(path)
    return SqliteStore(path, busy_timeout_ms)


def _writable(path: Path) -> bool:
    """Whether passq may write `path` (and create its -wal and -shm beside it)."""
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def neutral_error(error: BaseException, where: str | None) -> PassqError | None:
    """The backend-neutral error (one sentence) for a database driver's error, or None when
    `error` is not a database error."""
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(error, sqlite3.DatabaseError):
        from passq.store.sqlite import database_error

        return database_error(error, where)
    return None
