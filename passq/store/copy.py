"""Every row of one office, from one backend to the other: PostgreSQL's backups and restores
(a portable SQLite file, the same as SQLite's own backups) and `passq db copy`.

A table is read in id order and written with its ids, so events keep their order, batches
their numbers and undo its command ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from passq.domain.records import FIELDS

# The tables in the order they are written (batches before the applications naming them).
TABLES: dict[str, tuple[str, ...]] = {
    "batches": ("id", "operator", "claimed_at", "size"),
    "applications": (
        "app_no",
        *FIELDS,
        "status",
        "batch_id",
        "failures",
        "created_at",
        "updated_at",
        "printed_at",
        "collected_at",
    ),
    "events": (
        "id",
        "at",
        "operator",
        "action",
        "app_no",
        "batch_id",
        "detail",
        "command_id",
        "status",
    ),
    "calendar": ("date", "capacity", "note"),
    "settings": ("key", "value"),
    "holiday_years": ("year", "cached_at"),
    "holidays": ("date", "year", "name"),
}
CHUNK = 5_000


def _texts(row: tuple) -> tuple:
    return tuple(value.isoformat() if isinstance(value, date) else value for value in row)


def sqlite_rows(conn: sqlite3.Connection, table: str) -> Iterator[tuple]:
    """The rows of `table` in a SQLite database, in TABLES' column order."""
    cursor = conn.execute(f"SELECT {', '.join(TABLES[table])} FROM {table} ORDER BY 1")
    while rows := cursor.fetchmany(CHUNK):
        yield from rows


def postgres_rows(conn: Any, office: str, table: str) -> Iterator[tuple]:
    """The rows of `office` in `table` on PostgreSQL, in TABLES' column order, dates as text."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(TABLES[table])} FROM {table} WHERE office = %s ORDER BY 1",
            (office,),
        )
        while rows := cursor.fetchmany(CHUNK):
            yield from map(_texts, rows)


def to_sqlite(conn: sqlite3.Connection, table: str, rows: Iterator[tuple]) -> int:
    """Insert `rows` into a SQLite table (inside the caller's transaction); returns the count."""
    columns = TABLES[table]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    count = 0
    while chunk := [row for _, row in zip(range(CHUNK), rows, strict=False)]:
        conn.executemany(sql, chunk)
        count += len(chunk)
    return count


def to_postgres(
    conn: Any,
    office: str,
    table: str,
    rows: Iterator[tuple],
    shifts: Mapping[str, int] | None = None,
) -> int:
    """Insert `rows` into a PostgreSQL table for `office` (inside the caller's transaction),
    their batch and event numbers moved by `shifts` (see id_shifts), then move the table's id
    sequence past them, never back; returns the count."""
    from psycopg2.extras import execute_values

    columns = (*TABLES[table], "office")
    by_column = {c: (shifts or {}).get(_SHIFTED.get((table, c), ""), 0) for c in columns}
    moved = [(i, by_column[c]) for i, c in enumerate(columns) if by_column[c]]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES %s"
    count = 0
    with conn.cursor() as cursor:
        while chunk := [(*row, office) for _, row in zip(range(CHUNK), rows, strict=False)]:
            if moved:
                chunk = [_moved(row, moved) for row in chunk]
            execute_values(cursor, sql, chunk, page_size=CHUNK)
            count += len(chunk)
        if "id" in TABLES[table]:
            # One office: the next number follows the restored ones. Several: max(id) counts
            # only this login's rows under row-level security, so never move back.
            floor = f"nextval(pg_get_serial_sequence('{table}', 'id'))" if shifts else "1"
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), greatest("
                f"coalesce((SELECT max(id) FROM {table}), 0) + 1, {floor}), false)"
            )
    return count


# The columns holding batch and event numbers, by (table, column): which sequence moves them.
_SHIFTED = {
    ("batches", "id"): "batches",
    ("applications", "batch_id"): "batches",
    ("events", "id"): "events",
    ("events", "batch_id"): "batches",
}


def _moved(row: tuple, moved: list[tuple[int, int]]) -> tuple:
    values = list(row)
    for i, by in moved:
        if values[i] is not None:
            values[i] += by
    return tuple(values)


def id_shifts(conn: Any) -> dict[str, int]:
    """How far to move the batch and event numbers of rows copied into a server: nothing on a
    server of one office (numbers kept); with several offices, the numbers continue the server's
    sequences (others' writes wait on the tables' lock till the copy commits), so they never
    collide with another office's."""
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) > 1 FROM offices")
        if not cursor.fetchone()[0]:
            return {}
        cursor.execute("LOCK TABLE batches, events IN EXCLUSIVE MODE")
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('batches', 'id')) - 1, "
            "nextval(pg_get_serial_sequence('events', 'id')) - 1"
        )
        batches, events = cursor.fetchone()
    return {"batches": batches, "events": events}


def clear_postgres(conn: Any, office: str) -> None:
    """Delete every row of `office` (inside the caller's transaction), children first."""
    with conn.cursor() as cursor:
        for table in reversed(TABLES):
            cursor.execute(f"DELETE FROM {table} WHERE office = %s", (office,))


def postgres_to_sqlite(conn: Any, office: str, target: sqlite3.Connection) -> int:
    """Copy every row of `office` into the (migrated, empty) SQLite database `target`, in one
    transaction there; returns the number of applications."""
    counts = {}
    target.execute("BEGIN IMMEDIATE")
    try:
        for table in TABLES:
            counts[table] = to_sqlite(target, table, postgres_rows(conn, office, table))
        target.execute("COMMIT")
    except BaseException:
        if target.in_transaction:
            target.execute("ROLLBACK")
        raise
    return counts["applications"]


def sqlite_to_postgres(source: sqlite3.Connection, conn: Any, office: str) -> int:
    """Copy every row of the SQLite database `source` into `office` (inside the caller's
    transaction, which holds the office's lock); returns the number of applications."""
    counts = {}
    shifts = id_shifts(conn)
    for table in TABLES:
        counts[table] = to_postgres(conn, office, table, sqlite_rows(source, table), shifts)
    return counts["applications"]


# --- passq db copy: one office from any store to any other -----------------------------------


def _is_postgres(store: Any) -> bool:
    return hasattr(store, "office")


def rows_of(store: Any, table: str) -> Iterator[tuple]:
    """The rows of `table` in `store` (either backend), in TABLES' column order."""
    if _is_postgres(store):
        return postgres_rows(store.conn, store.office, table)
    return sqlite_rows(store.conn, table)


def holds_rows(store: Any) -> bool:
    """True when any of the office's tables in `store` has a row (holidays are a cache)."""
    for table in TABLES:
        if table in ("holiday_years", "holidays"):
            continue
        if next(rows_of(store, table), None) is not None:
            return True
    return False


def copy_between(source: Any, dest: Any) -> tuple[int, int]:
    """Copy every row of `source` into the empty `dest` in one transaction on `dest` (holding
    its write lock), reading `source` as one snapshot; returns (applications, events)."""
    from passq.errors import Refused
    from passq.i18n import _

    counts: dict[str, int] = {}
    snapshot = _is_postgres(source)
    if snapshot:
        with source.conn.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    else:
        source.conn.execute("BEGIN")  # a read transaction: one consistent state of the file
    try:
        with dest.transaction():
            if holds_rows(dest):
                raise Refused(
                    _("{dest} already holds data: give an empty database to copy into.").format(
                        dest=dest.path
                    )
                )
            shifts = id_shifts(dest.conn) if _is_postgres(dest) else {}
            for table in TABLES:
                if table in ("holiday_years", "holidays") and next(rows_of(dest, table), None):
                    continue  # the holiday cache, filled by the destination's first command
                rows = rows_of(source, table)
                if _is_postgres(dest):
                    counts[table] = to_postgres(dest.conn, dest.office, table, rows, shifts)
                else:
                    counts[table] = to_sqlite(dest.conn, table, rows)
    finally:
        if snapshot:
            with source.conn.cursor() as cursor:
                cursor.execute("ROLLBACK")
        elif source.conn.in_transaction:
            source.conn.execute("ROLLBACK")
    return counts["applications"], counts["events"]
