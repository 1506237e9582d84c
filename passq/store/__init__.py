"""The store: the only code that speaks SQL, behind one interface (`Store`).

`open_store` picks the backend from the database name: a postgresql:// URL is PostgreSQL
(psycopg2, imported only then); anything else is a SQLite file (stdlib sqlite3, imported by
every command anyway).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from passq.errors import PassqError

if TYPE_CHECKING:
    from passq.store.base import Store

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(db: str | Path) -> bool:
    """True when `db` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(db, str) and db.lower().startswith(URL_SCHEMES)


def display_name(db: str | Path) -> str:
    """`db` as passq may show it: a URL without its password (nor any password= parameter)."""
    text = str(db)
    if not is_url(text):
        return text
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(text)
    netloc = parts.netloc
    if "@" in netloc:
        login, _, host = netloc.rpartition("@")
        netloc = f"{login.partition(':')[0]}@{host}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "password"]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="/")))


def local_name(db: str | Path) -> Path:
    """The file that backups of `db` are named after: the SQLite file itself, or
    `<database name>.db` in the current folder for a PostgreSQL URL."""
    if not is_url(db):
        return Path(db)
    from urllib.parse import urlsplit

    name = urlsplit(str(db)).path.strip("/") or "passq"
    return Path(f"{name}.db")


def open_store(
    db: str | Path,
    busy_timeout_ms: int,
    *,
    read_only_ok: bool = False,
    office: str | None = None,
    one_office_ok: bool = False,
) -> Store:
    """The store for `db` (a SQLite file or a postgresql:// URL), opened and migrated to this
    version of passq; `read_only_ok`: a file that exists but may not be written is opened
    read-only; `office`: which office of a server (None: the login's only office, else the
    default one); a file holds one
    office, and another `office` is Invalid unless `one_office_ok` (`db copy` between them)."""
    if is_url(db):
        from passq.store.postgres import PostgresStore

        return PostgresStore(str(db), busy_timeout_ms, office)
    if office not in (None, "main") and not one_office_ok:
        from passq.errors import Invalid
        from passq.i18n import _

        raise Invalid(
            _(
                "A database file holds one office: --office {office} needs a postgresql:// "
                "server in --db; leave --office out."
            ).format(office=office)
        )
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
        from passq.store.sqlite_files import database_error

        return database_error(error, where)
    psycopg2 = sys.modules.get("psycopg2")
    if psycopg2 is not None and isinstance(error, psycopg2.Error):
        from passq.store.postgres_files import database_error as postgres_error

        return postgres_error(error, None if where is None else display_name(where))
    return None
