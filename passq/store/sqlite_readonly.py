"""A passq SQLite database opened read-only: for the commands that only read (list, show, find,
report, plan, doctor, export), when the file or its folder may not be written (a backup on
read-only media, a colleague's file)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from urllib.parse import quote

from passq.errors import NewerSchema, NotPassqDatabase, Refused
from passq.i18n import _
from passq.store.sqlite import SqliteStore
from passq.store.sqlite_schema import SCHEMA_VERSION


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open `path` read-only; on media where not even SQLite's shared-memory file can be made
    (a WAL database on a CD, a read-only share), as an immutable file."""
    uri = f"file:{quote(str(path.resolve()))}"
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError:
        raise NotPassqDatabase(str(path)) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise NewerSchema(str(path), version, SCHEMA_VERSION)
    if version < SCHEMA_VERSION:
        conn.close()
        if version == 0:
            raise NotPassqDatabase(str(path))
        raise Refused(
            _(
                "{path} is read-only and was made by an older passq (schema {found}, this one "
                "knows {known}): copy it to a folder you may write in, and open the copy."
            ).format(path=path, found=version, known=SCHEMA_VERSION)
        )
    return conn


class ReadOnlySqliteStore(SqliteStore):
    """A SqliteStore on a read-only connection: every read works; a write is refused by
    SQLite ('read-only for you', passq.store.sqlite.database_error)."""

    def __init__(self, path: Path, busy_timeout_ms: int = 0) -> None:  # noqa: ARG002
        self.path = Path(path)
        self.conn = connect_read_only(self.path)
        self.read_only = True

    def holiday_loader(
        self, compute: Callable[[int], Mapping[date, str]], at: str
    ) -> Callable[[int], dict[date, str]]:
        """The cached holidays of a year, else computed (and not cached: nothing is written)."""
        conn = self.conn

        def load(year: int) -> dict[date, str]:
            if conn.execute("SELECT 1 FROM holiday_years WHERE year = ?", (year,)).fetchone():
                return {
                    date.fromisoformat(day): name
                    for day, name in conn.execute(
                        "SELECT date, name FROM holidays WHERE year = ?", (year,)
                    )
                }
            return dict(compute(year))

        return load


def integrity_problems(path: Path) -> list[str]:
    """What SQLite's integrity check finds wrong in the database file `path` (empty: none)."""
    conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro", uri=True)
    try:
        found = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as error:
        found = [str(error)]
    finally:
        conn.close()
    return [] if found == ["ok"] else found
