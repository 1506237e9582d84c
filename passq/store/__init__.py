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


def open_store(db: str | Path, busy_timeout_ms: int) -> Store:
    """The store for `db` (a SQLite file), opened and migrated to this version of passq."""
    from passq.store.sqlite import SqliteStore

    return SqliteStore(Path(db), busy_timeout_ms)


def neutral_error(error: BaseException, where: str | None) -> PassqError | None:
    """The backend-neutral error (one sentence) for a database driver's error, or None when
    `error` is not a database error."""
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is not None and isinstance(error, sqlite3.DatabaseError):
        from passq.store.sqlite_files import database_error

        return database_error(error, where)
    return None
