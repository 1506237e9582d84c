"""`find` on SQLite: names and destinations through the full-text index (find_words, migration
m005), the phone through its index, the number through the primary key."""

from __future__ import annotations

import sqlite3
from datetime import date

from passq.domain.search import Query

DATE_COLUMNS = ("applied", "travel")
# Sorts after every character a number may hold: the upper bound of a prefix range.
_AFTER = "\U0010ffff"


def find(conn: sqlite3.Connection, query: Query, limit: int) -> tuple[list[dict], int]:
    """The applications `query` matches, newest first (applied, then entered), at most
    `limit`; with the number of all that match."""
    where, params = where_clause(query)
    total = conn.execute(f"SELECT count(*) FROM applications WHERE {where}", params).fetchone()[0]
    cursor = conn.execute(
        f"SELECT * FROM applications WHERE {where} "
        "ORDER BY applied DESC, created_at DESC, app_no LIMIT ?",
        [*params, limit],
    )
    columns = [c[0] for c in cursor.description]
    records = []
    for row in cursor.fetchall():
        record = dict(zip(columns, row, strict=True))
        for column in DATE_COLUMNS:
            if record[column] is not None:
                record[column] = date.fromisoformat(record[column])
        records.append(record)
    return records, total


def where_clause(query: Query) -> tuple[str, list[str]]:
    """The condition `find` selects by, each term served by an index (OR of index seeks)."""
    conditions, params = [], []
    expression = query.match_expression()
    if expression is not None:
        conditions.append("rowid IN (SELECT rowid FROM find_words WHERE find_words MATCH ?)")
        params.append(expression)
    if query.phone is not None:
        conditions.append("phone = ?")
        params.append(query.phone)
    if query.app_no is not None:
        conditions.append("(app_no >= ? AND app_no < ?)")
        params += [query.app_no, query.app_no + _AFTER]
    return " OR ".join(conditions), params
