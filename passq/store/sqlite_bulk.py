"""The SQLite backend's bulk insert (import, demo): a chunk of rows sent as one JSON array.

Split from passq.store.sqlite, which imports it only when a command inserts many books.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import islice
from operator import itemgetter

from passq.domain.records import FIELDS
from passq.store.base import EventLog


def _application_row(record: Mapping) -> list:
    """One new application's columns (_NEW_COLUMNS) as `insert_many` sends them."""
    return [v.isoformat() if isinstance(v, date) else v for v in _new_values(record)]


_NEW_COLUMNS = ("app_no", *FIELDS)
_new_values = itemgetter(*_NEW_COLUMNS)
BULK_CHUNK = 10_000
# A chunk of rows goes to SQLite as one JSON array: json_each binds 100,000 rows in a third
# of the time executemany takes.
_EXTRACT = ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(_NEW_COLUMNS)))
_INSERT_APPLICATIONS = (
    f"INSERT INTO applications ({', '.join(_NEW_COLUMNS)}, status, created_at, updated_at) "
    f"SELECT {_EXTRACT}, 'pending', ?, ? FROM json_each(?)"
)
_INSERT_ADDED = (
    "INSERT INTO events (at, operator, action, app_no, detail, status, command_id) "
    "SELECT ?, ?, 'added', json_extract(value, '$[0]'), ?, 'pending', ? FROM json_each(?)"
)


def insert_many(
    conn: sqlite3.Connection,
    log: EventLog,
    records: Iterable[Mapping],
    detail: Mapping | None = None,
) -> int:
    """Insert new pending applications and their 'added' events inside `log`'s command."""
    text = json.dumps(detail, default=str) if detail else None
    count = 0
    records = iter(records)
    while chunk := list(islice(records, BULK_CHUNK)):
        rows = json.dumps([_application_row(record) for record in chunk], ensure_ascii=False)
        conn.execute(_INSERT_APPLICATIONS, (log.at, log.at, rows))
        conn.execute(_INSERT_ADDED, (log.at, log.operator, text, log.command_id, rows))
        count += len(chunk)
    return count
