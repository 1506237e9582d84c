"""The only module that speaks SQL: opening, migrations, transactions, queries.

Hot paths use the standard library's sqlite3 connection directly; sqlite-utils (slow to import)
runs the migrations. Bulk writes use executemany on the same connection (twice as fast).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from passq import backlog
from passq.errors import Invalid, Refused
from passq.i18n import _

if TYPE_CHECKING:
    from passq.importer import Merge

BUSY_TIMEOUT_MS = 10_000
DATE_COLUMNS = ("applied", "travel")


# --- Schema: small mNNN_what(db) functions applied in order on open ----------------------


def m001_initial(db) -> None:
    """Applications, batches, the append-only event log, calendar overrides and settings."""
    for statement in (
        """CREATE TABLE applications (
            app_no TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            phone TEXT,
            service TEXT NOT NULL CHECK (service IN ('regular', 'express', 'pmi')),
            urgent TEXT,
            applied TEXT NOT NULL,
            travel TEXT,
            destination TEXT,
            note TEXT,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'claimed', 'printed', 'collected', 'cancelled')),
            batch_id INTEGER REFERENCES batches(id),
            failures INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            printed_at TEXT,
            collected_at TEXT
        )""",
        "CREATE INDEX applications_status ON applications (status)",
        "CREATE INDEX applications_batch ON applications (batch_id)",
        "CREATE INDEX applications_printed_at ON applications (printed_at)",
        """CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            operator TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            size INTEGER NOT NULL
        )""",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            operator TEXT NOT NULL,
            action TEXT NOT NULL,
            app_no TEXT,
            batch_id INTEGER,
            detail TEXT
        )""",
        "CREATE INDEX events_at ON events (at)",
        "CREATE INDEX events_app_no ON events (app_no, id)",
        """CREATE TABLE calendar (
            date TEXT PRIMARY KEY,
            capacity INTEGER NOT NULL CHECK (capacity >= 0),
            note TEXT
        )""",
        "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ):
        db.execute(statement)


def m002_holiday_cache(db) -> None:
    """Official holidays cached per year: computing them costs ~130 ms a command."""
    db.execute("CREATE TABLE holiday_years (year INTEGER PRIMARY KEY, cached_at TEXT NOT NULL)")
    db.execute(
        "CREATE TABLE holidays (date TEXT PRIMARY KEY, year INTEGER NOT NULL, name TEXT NOT NULL)"
    )


def m003_event_status_and_command(db) -> None:
    """Events record the status they leave a book in and the command they belong to (undo)."""
    db.execute("ALTER TABLE events ADD COLUMN command_id INTEGER")
    db.execute("ALTER TABLE events ADD COLUMN status TEXT")
    db.execute("UPDATE events SET command_id = id")
    cases = " ".join(f"WHEN '{a}' THEN '{s}'" for a, s in backlog.STATUS_AFTER.items())
    db.execute(f"UPDATE events SET status = CASE action {cases} END WHERE app_no IS NOT NULL")
    db.execute("CREATE INDEX events_command ON events (operator, command_id)")


def m004_indexes_for_flat_cost(db) -> None:
    """Indexes so that single-row commands and undo cost the same at any backlog size."""
    for statement in (
        # The next command id (Log) is max(command_id) + 1; undo reads one command's events.
        "CREATE INDEX events_command_id ON events (command_id)",
        # undo: whether a command was undone already, without reading every undo row. Only
        # undo rows carry "undid"; a query for action = 'undo' alone keeps its scan.
        "CREATE INDEX events_undone ON events (json_extract(detail, '$.undid')) "
        "WHERE json_extract(detail, '$.undid') IS NOT NULL",
    ):
        db.execute(statement)


MIGRATIONS: tuple[Callable, ...] = (
    m001_initial,
    m002_holiday_cache,
    m003_event_status_and_command,
    m004_indexes_for_flat_cost,
)
SCHEMA_VERSION = len(MIGRATIONS)


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
    except sqlite3.DatabaseError:
        raise Invalid(
            _("{path} is not a passq database: give another file with --db.").format(path=path)
        ) from None
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
        raise Refused(
            _(
                "The database {path} was made by a newer passq (schema {found}, this one knows "
                "{known}): upgrade passq."
            ).format(path=path, found=version, known=SCHEMA_VERSION)
        )
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
        return Refused(_("The database is busy (another desk is writing): try again in a moment."))
    return error


# --- Reading rows -------------------------------------------------------------------------


def _record(cursor: sqlite3.Cursor, row: tuple) -> dict:
    record = {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
    for column in DATE_COLUMNS:
        if record.get(column) is not None:
            record[column] = date.fromisoformat(record[column])
    return record


def _records(conn: sqlite3.Connection, sql: str, params: Sequence | Mapping = ()) -> list[dict]:
    cursor = conn.execute(sql, params)
    return [_record(cursor, row) for row in cursor.fetchall()]


def get(conn: sqlite3.Connection, app_no: str) -> dict | None:
    """One application by number, or None."""
    found = _records(conn, "SELECT * FROM applications WHERE app_no = ?", (app_no,))
    return found[0] if found else None


def require(conn: sqlite3.Connection, app_no: str) -> dict:
    """One application by number, or Refused naming the unknown number."""
    record = get(conn, app_no)
    if record is None:
        raise Refused(
            _("No application {app_no}: check the number, or add it with 'passq add'.").format(
                app_no=app_no
            )
        )
    return record


def pending(conn: sqlite3.Connection) -> list[dict]:
    """Every pending application, whole."""
    return _records(conn, "SELECT * FROM applications WHERE status = 'pending'")


_QUEUE_SELECT = "SELECT app_no, service, urgent, applied, travel FROM applications"


def queue(conn: sqlite3.Connection) -> backlog.Columns:
    """Every pending application with only the fields the queue rule reads (QUEUE_FIELDS), as
    columns: a fraction of the time and memory of whole records (`pending`)."""
    return _queue_columns(conn, f"{_QUEUE_SELECT} WHERE status = 'pending'")


class _Days(dict):
    """ISO date text -> date, each distinct day parsed once (a backlog spans a few weeks)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


def _queue_columns(conn: sqlite3.Connection, select: str, params: Sequence = ()) -> backlog.Columns:
    """The rows of `select` (QUEUE_FIELDS, in that order) as columns."""
    # One JSON array per column, built by SQLite and read by the json module, both in C: half
    # the time of fetching a row tuple per book. One pass feeds every array, so they align.
    arrays = ", ".join(f"json_group_array({field})" for field in backlog.QUEUE_FIELDS)
    texts = list(conn.execute(f"SELECT {arrays} FROM ({select})", params).fetchone())
    days = _Days({None: None})
    shared = {service: service for service in backlog.SERVICES}
    columns = {}
    for index, field in enumerate(backlog.QUEUE_FIELDS):
        values = json.loads(texts[index])
        texts[index] = None  # a million books: let each text go once read
        if field in DATE_COLUMNS:
            values = list(map(days.__getitem__, values))
        elif field == "service":
            values = list(map(shared.get, values, values))
        columns[field] = values
    return backlog.Columns(columns)


def by_status(conn: sqlite3.Connection, status: str | None, limit: int | None) -> list[dict]:
    """Applications with `status` (all when None), most recently changed first."""
    where = "WHERE status = ?" if status else ""
    params: list = [status] if status else []
    sql = f"SELECT * FROM applications {where} ORDER BY updated_at DESC, app_no"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return _records(conn, sql, params)


def history(conn: sqlite3.Connection, app_no: str) -> list[dict]:
    """The events of one application, oldest first."""
    cursor = conn.execute(
        "SELECT id, at, operator, action, batch_id, detail FROM events "
        "WHERE app_no = ? ORDER BY id",
        (app_no,),
    )
    return [_event(cursor, row) for row in cursor.fetchall()]


def _event(cursor: sqlite3.Cursor, row: tuple) -> dict:
    event = dict(zip([c[0] for c in cursor.description], row, strict=True))
    event["detail"] = json.loads(event["detail"]) if event.get("detail") else {}
    return event


def batch_books(conn: sqlite3.Connection, batch_id: int) -> list[dict]:
    """The applications currently in batch `batch_id`."""
    return _records(
        conn, "SELECT * FROM applications WHERE batch_id = ? ORDER BY app_no", (batch_id,)
    )


def batch(conn: sqlite3.Connection, batch_id: int) -> dict:
    """One batch, or Refused naming the unknown id."""
    row = conn.execute(
        "SELECT id, operator, claimed_at, size FROM batches WHERE id = ?", (batch_id,)
    ).fetchone()
    if row is None:
        raise Refused(
            _("No batch {batch_id}: see open batches with 'passq list --status claimed'.").format(
                batch_id=batch_id
            )
        )
    return dict(zip(("id", "operator", "claimed_at", "size"), row, strict=True))


def used_today(conn: sqlite3.Connection, today: date) -> int:
    """Today's capacity already taken: books claimed (not yet printed) or printed today."""
    return conn.execute(
        "SELECT (SELECT count(*) FROM applications WHERE status = 'claimed')"
        # `+status`: seek today's printed_at range rather than read every printed book.
        " + (SELECT count(*) FROM applications WHERE printed_at >= ? AND printed_at < ?"
        "    AND +status IN ('printed', 'collected'))",
        _day_bounds(today),
    ).fetchone()[0]


def _day_bounds(day: date) -> tuple[str, str]:
    # Timestamps are stored in office time with their offset, so a day is a text prefix range.
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


# --- Settings -----------------------------------------------------------------------------


def settings(conn: sqlite3.Connection) -> dict[str, str]:
    """The stored settings (keys the office has set; defaults are the domain's)."""
    return dict(conn.execute("SELECT key, value FROM settings").fetchall())


def set_setting(conn: sqlite3.Connection, key: str, value: str, at: str, operator: str) -> None:
    """Store one setting, logging old and new values."""
    with command(conn, at, operator) as log:
        old = settings(conn).get(key)
        _put_setting(conn, key, value)
        log("config", detail={key: [old, value]})


def _put_setting(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    if value is None:
        conn.execute("DELETE FROM settings WHERE key = ?", (key,))
    else:
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


# --- The print calendar: office overrides and the holiday cache ----------------------------


def overrides(conn: sqlite3.Connection) -> dict[date, tuple[int, str]]:
    """The office's calendar overrides: date -> (capacity, note)."""
    return {
        date.fromisoformat(day): (capacity, note or "")
        for day, capacity, note in conn.execute("SELECT date, capacity, note FROM calendar")
    }


def set_override(
    conn: sqlite3.Connection, day: date, capacity: int, note: str, at: str, operator: str
) -> None:
    """Declare `day` open with `capacity` books (0 closes it), logged with what it replaced."""
    with command(conn, at, operator) as log:
        before = overrides(conn).get(day)
        _put_override(conn, day.isoformat(), (capacity, note))
        log("calendar", detail={"date": day, "capacity": capacity, "note": note, "before": before})


def _put_override(conn: sqlite3.Connection, day: str, override: Sequence | None) -> None:
    if override is None:
        conn.execute("DELETE FROM calendar WHERE date = ?", (day,))
    else:
        conn.execute(
            "INSERT INTO calendar (date, capacity, note) VALUES (?, ?, ?) ON CONFLICT (date) "
            "DO UPDATE SET capacity = excluded.capacity, note = excluded.note",
            (day, override[0], override[1] or None),
        )


def holiday_loader(
    conn: sqlite3.Connection, compute: Callable[[int], Mapping[date, str]], at: str
) -> Callable[[int], dict[date, str]]:
    """A per-year holiday loader that reads the cache and fills it from `compute` when missing."""

    def load(year: int) -> dict[date, str]:
        cached = conn.execute("SELECT 1 FROM holiday_years WHERE year = ?", (year,)).fetchone()
        if cached is None:
            found = compute(year)
            # The loader may run inside the claim's transaction: join it rather than nest.
            with _joined_transaction(conn):
                conn.execute(
                    "INSERT OR IGNORE INTO holiday_years (year, cached_at) VALUES (?, ?)",
                    (year, at),
                )
                conn.executemany(
                    "INSERT OR IGNORE INTO holidays (date, year, name) VALUES (?, ?, ?)",
                    [(day.isoformat(), year, name) for day, name in found.items()],
                )
        return {
            date.fromisoformat(day): name
            for day, name in conn.execute("SELECT date, name FROM holidays WHERE year = ?", (year,))
        }

    return load


@contextmanager
def _joined_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    if conn.in_transaction:
        yield
    else:
        with transaction(conn):
            yield


# --- Writing: every change and its event row commit together --------------------------------


class Log:
    """Writes the event rows of one command; all share its command id (what `undo` reverses)."""

    def __init__(self, conn: sqlite3.Connection, at: str, operator: str) -> None:
        self.conn, self.at, self.operator = conn, at, operator
        self.command_id = conn.execute(
            "SELECT coalesce(max(command_id), 0) + 1 FROM events"
        ).fetchone()[0]

    def __call__(
        self,
        action: str,
        app_no: str | None = None,
        batch_id: int | None = None,
        detail: Mapping | None = None,
        status: str | None = None,
    ) -> None:
        """Append one event; `status` is the status it leaves the book in (None: unchanged)."""
        self.conn.execute(
            "INSERT INTO events (at, operator, action, app_no, batch_id, detail, status, "
            "command_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.at,
                self.operator,
                action,
                app_no,
                batch_id,
                json.dumps(detail, default=str) if detail else None,
                status,
                self.command_id,
            ),
        )


@contextmanager
def command(conn: sqlite3.Connection, at: str, operator: str) -> Iterator[Log]:
    """One command's write transaction, with the log its event rows go through."""
    with transaction(conn):
        yield Log(conn, at, operator)


def _sql_value(value):
    return value.isoformat() if isinstance(value, date) else value


def add(conn: sqlite3.Connection, record: Mapping, at: str, operator: str) -> None:
    """Insert one new pending application; Refused if the number exists."""
    with command(conn, at, operator) as log:
        existing = get(conn, record["app_no"])
        if existing is not None:
            raise Refused(
                _(
                    "Application {app_no} already exists ({name}, {status}): "
                    "use 'passq edit {app_no}' to change it."
                ).format(
                    app_no=existing["app_no"], name=existing["name"], status=existing["status"]
                )
            )
        _insert(conn, record, at)
        log("added", record["app_no"], status="pending")


def _insert(conn: sqlite3.Connection, record: Mapping, at: str) -> None:
    columns = ("app_no", *backlog.FIELDS)
    conn.execute(
        f"INSERT INTO applications ({', '.join(columns)}, status, created_at, updated_at) "
        f"VALUES ({', '.join('?' * len(columns))}, 'pending', ?, ?)",
        [_sql_value(record[column]) for column in columns] + [at, at],
    )


def edit(conn: sqlite3.Connection, app_no: str, changes: Mapping, at: str, operator: str) -> None:
    """Change fields of one application, logging old and new values."""
    with command(conn, at, operator) as log:
        _edit(conn, log, require(conn, app_no), changes)


def _edit(conn: sqlite3.Connection, log: Log, current: Mapping, changes: Mapping) -> None:
    _update(conn, current["app_no"], {**changes, "updated_at": log.at})
    detail = {field: [current[field], value] for field, value in changes.items()}
    log("edited", current["app_no"], detail=detail)


def _update(conn: sqlite3.Connection, app_no: str, columns: Mapping) -> None:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(
        f"UPDATE applications SET {assignments} WHERE app_no = ?",
        [*(_sql_value(value) for value in columns.values()), app_no],
    )


def transition(
    conn: sqlite3.Connection,
    app_nos: Sequence[str],
    action: str,
    at: str,
    operator: str,
    reason: str | None = None,
) -> list[dict]:
    """Apply `action` to every book, all or nothing; returns the records as they were."""
    with command(conn, at, operator) as log:
        records = [require(conn, app_no) for app_no in app_nos]
        for record in records:
            status_after = backlog.check_transition(record, action)
            columns = backlog.transition_columns(record, action, status_after, at)
            _update(conn, record["app_no"], columns)
            detail = {"from": record["status"]}
            if record["printed_at"] and "printed_at" in columns:
                detail["printed_at"] = record["printed_at"]
            if reason:
                detail["reason"] = reason
            log(action, record["app_no"], record["batch_id"], detail, status_after)
    return records


def claim(
    conn: sqlite3.Connection,
    choose: Callable[[list[dict]], list[str]],
    at: str,
    operator: str,
) -> tuple[int | None, list[dict]]:
    """Claim the books `choose` picks from the pending ones (as `queue` gives them), in one write
    transaction; returns the batch id and the chosen books' whole records as they were.

    Reading the queue, picking and marking happen under one write lock, so two desks claiming
    at the same moment never get the same book.
    """
    with command(conn, at, operator) as log:
        chosen = choose(queue(conn))
        if not chosen:
            return None, []
        claimed = existing(conn, chosen)
        batch_id = conn.execute(
            "INSERT INTO batches (operator, claimed_at, size) VALUES (?, ?, ?)",
            (operator, at, len(chosen)),
        ).lastrowid
        for app_no in chosen:
            conn.execute(
                "UPDATE applications SET status = 'claimed', batch_id = ?, updated_at = ? "
                "WHERE app_no = ? AND status = 'pending'",
                (batch_id, at, app_no),
            )
            log("claimed", app_no, batch_id, {"from": "pending"}, "claimed")
    return batch_id, [claimed[app_no] for app_no in chosen]


def add_many(conn: sqlite3.Connection, records: Iterable[Mapping], at: str, operator: str) -> int:
    """Insert many new applications in one transaction (demo, import); returns the count."""
    with command(conn, at, operator) as log:
        return _insert_many(conn, log, records)


def _application_row(record: Mapping) -> list:
    """One new application's columns (_NEW_COLUMNS) as `_insert_many` sends them."""
    return [v.isoformat() if isinstance(v, date) else v for v in _new_values(record)]


_NEW_COLUMNS = ("app_no", *backlog.FIELDS)
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


def _insert_many(
    conn: sqlite3.Connection, log: Log, records: Iterable[Mapping], detail: Mapping | None = None
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


# --- Undo: reverse one operator's last command from the event log ---------------------------


def undo(conn: sqlite3.Connection, at: str, operator: str) -> tuple[str, list[str]]:
    """Reverse `operator`'s last command not yet undone; returns its action and its books."""
    with command(conn, at, operator) as log:
        # Newest first, stopping at the first not undone: a few seeks, not a scan of every
        # event of the operator (`+` lets the undone check use the events_undone index).
        found = conn.execute(
            "SELECT e.command_id FROM events e WHERE e.operator = ? AND e.action != 'undo' "
            "AND NOT EXISTS (SELECT 1 FROM events WHERE action = 'undo' "
            "AND json_extract(detail, '$.undid') = +e.command_id) "
            "ORDER BY e.command_id DESC LIMIT 1",
            (operator,),
        ).fetchone()
        command_id = found[0] if found else None
        if command_id is None:
            raise Refused(
                _("Nothing to undo: {operator} has no action left to reverse.").format(
                    operator=operator
                )
            )
        cursor = conn.execute(
            "SELECT id, at, operator, action, app_no, batch_id, detail FROM events "
            "WHERE command_id = ? ORDER BY id DESC",
            (command_id,),
        )
        events = [_event(cursor, row) for row in cursor.fetchall()]
        _refuse_if_changed_later(conn, events)
        for event in events:
            _reverse(conn, log, event, command_id)
    books = list(dict.fromkeys(e["app_no"] for e in reversed(events) if e["app_no"]))
    return events[0]["action"], books


def _refuse_if_changed_later(conn: sqlite3.Connection, events: list[dict]) -> None:
    last_id = max(event["id"] for event in events)
    books = {event["app_no"] for event in events if event["app_no"]}
    keys = {_setting_key(event) for event in events if not event["app_no"]}
    # Later changes count unless they were themselves undone (undo rows included).
    cursor = conn.execute(
        "SELECT id, at, operator, action, app_no, batch_id, detail FROM events WHERE id > ? "
        "AND action != 'undo' AND command_id NOT IN (SELECT json_extract(detail, '$.undid') "
        "FROM events WHERE action = 'undo' AND id > ?) ORDER BY id",
        (last_id, last_id),
    )
    for row in cursor.fetchall():
        later = _event(cursor, row)
        if (later["app_no"] in books) or (not later["app_no"] and _setting_key(later) in keys):
            raise Refused(
                _(
                    "Cannot undo: {what} was changed later ({action} by {operator} at {at}); "
                    "that must be undone first."
                ).format(what=later["app_no"] or _setting_key(later)[1], **later)
            )


def _setting_key(event: Mapping) -> tuple[str, str]:
    detail = event["detail"]
    if event["action"] == "calendar":
        return ("calendar", str(detail.get("date")))
    return (event["action"], ", ".join(detail))


def _reverse(conn: sqlite3.Connection, log: Log, event: dict, command_id: int) -> None:
    action, app_no, detail = event["action"], event["app_no"], event["detail"]
    undone = {"undid": command_id, "action": action}
    if action == "config":
        for key, (old, _new) in detail.items():
            _put_setting(conn, key, old)
        log("undo", detail=undone)
    elif action == "calendar":
        _put_override(conn, detail["date"], detail.get("before"))
        log("undo", detail=undone)
    elif action == "added":
        conn.execute("DELETE FROM applications WHERE app_no = ?", (app_no,))
        log("undo", app_no, detail={**undone, "deleted": True})
    else:
        columns = backlog.undo_columns(event, require(conn, app_no), log.at)
        _update(conn, app_no, columns)
        log("undo", app_no, columns.get("batch_id"), undone, columns.get("status"))


def is_empty(conn: sqlite3.Connection) -> bool:
    """True when the database holds no application and no event."""
    return (
        conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM applications) AND NOT EXISTS (SELECT 1 FROM events)"
        ).fetchone()[0]
        == 1
    )


# --- The day-end report's inputs ----------------------------------------------------------


def day_events(conn: sqlite3.Connection, day: date) -> list[dict]:
    """The day's events counted by action, operator and (printed books only) service: a day
    that imported 100,000 books gives one row for them, `count` 100,000."""
    cursor = conn.execute(
        "SELECT e.action, e.operator, CASE WHEN e.action = 'printed' THEN "
        "(SELECT a.service FROM applications a WHERE a.app_no = e.app_no) END AS service, "
        "count(*) AS count FROM events e WHERE e.at >= ? AND e.at < ? GROUP BY 1, 2, 3",
        _day_bounds(day),
    )
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def state_at_end_of(
    conn: sqlite3.Connection, day: date, today: date
) -> tuple[backlog.Columns, list[dict]]:
    """(pending books, open batches) as they stood at the end of `day`, replayed from events;
    the books with the fields of `queue` only."""
    if day >= today:
        return queue(conn), _open_batches_now(conn)
    end = _day_bounds(day)[1]
    conn.execute("DROP TABLE IF EXISTS temp.day_end")
    conn.execute(
        "CREATE TEMP TABLE day_end AS SELECT e.app_no, e.batch_id, e.at, e.status FROM events e "
        "JOIN (SELECT max(id) AS id FROM events WHERE at < ? AND status IS NOT NULL "
        "      GROUP BY app_no) last ON last.id = e.id",
        (end,),
    )
    books = _queue_columns(
        conn,
        "SELECT a.app_no, a.service, a.urgent, a.applied, a.travel FROM applications a "
        "JOIN temp.day_end d ON d.app_no = a.app_no WHERE d.status = 'pending'",
    )
    cursor = conn.execute(
        "SELECT d.batch_id, b.operator, b.claimed_at, count(*) FROM temp.day_end d "
        "JOIN batches b ON b.id = d.batch_id WHERE d.status = 'claimed' "
        "GROUP BY d.batch_id ORDER BY d.batch_id"
    )
    batches = [_open_batch(row) for row in cursor.fetchall()]
    conn.execute("DROP TABLE temp.day_end")
    return books, batches


def open_batches(conn: sqlite3.Connection) -> list[dict]:
    """Batches with books still claimed: id, operator, claimed_at, still_claimed."""
    return _open_batches_now(conn)


def _open_batches_now(conn: sqlite3.Connection) -> list[dict]:
    cursor = conn.execute(
        "SELECT a.batch_id, b.operator, b.claimed_at, count(*) FROM applications a "
        "JOIN batches b ON b.id = a.batch_id WHERE a.status = 'claimed' "
        "GROUP BY a.batch_id ORDER BY a.batch_id"
    )
    return [_open_batch(row) for row in cursor.fetchall()]


def _open_batch(row: tuple) -> dict:
    return dict(zip(("batch_id", "operator", "claimed_at", "still_claimed"), row, strict=True))


# --- Backups, restore and the doctor's facts (issue 5) -------------------------------------

PASSQ_TABLES = ("applications", "batches", "events", "calendar", "settings")


def require_database(path: Path) -> None:
    """Refused when there is no database file at `path` (so nothing is created by mistake)."""
    if not Path(path).is_file():
        raise Refused(
            _("There is no database at {path}: give the right file with --db.").format(path=path)
        )


def _create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only; Refused if it exists."""
    if not path.parent.is_dir():
        raise Invalid(
            _("The folder {folder} does not exist: create it first, or give another path.").format(
                folder=path.parent
            )
        )
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise Refused(
            _("{path} already exists: give another file name, or move that file away.").format(
                path=path
            )
        ) from None
    except OSError as error:
        raise Refused(
            _("Cannot create {path} ({reason}): check the folder's permissions.").format(
                path=path, reason=error.strerror or error
            )
        ) from None


def _remove(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _copy_into(conn: sqlite3.Connection, target: Path) -> None:
    """Copy the database of `conn` into the (new, private, empty) file `target`, self-contained."""
    dest = sqlite3.connect(target, isolation_level=None)
    try:
        dest.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.backup(dest)
        # A backup is one file: no -wal beside it to lose when it is copied.
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()


def backup(conn: sqlite3.Connection, target: Path, default_name: str) -> tuple[Path, int]:
    """Write a consistent copy of the database with SQLite's online backup API (others keep
    working meanwhile) to `target` (a new file, or `default_name` inside a folder), mode 0600.

    Returns the file written and the number of applications in it.
    """
    target = Path(target)
    if target.is_dir():
        target = target / default_name
    _create_private(target)
    try:
        _copy_into(conn, target)
        with _closing(sqlite3.connect(target)) as copy:
            count = copy.execute("SELECT count(*) FROM applications").fetchone()[0]
    except BaseException:
        _remove(target)
        raise
    return target, count


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


def restore(conn: sqlite3.Connection, live: Path, source: Path, aside: Path) -> tuple[int, int]:
    """Replace the database of `conn` (the file `live`) by the checked backup `source`, through
    the backup API, keeping what it replaced in `aside` (mode 0600); returns source's schema
    version and its number of applications.

    The copy kept aside is taken while the restore holds the write lock, so no desk's change
    can slip in between and be lost from both.
    """
    live, source, aside = Path(live), Path(source), Path(aside)
    if source.resolve() == live.resolve():
        raise Invalid(
            _("{path} is the database in use: give a backup file to restore.").format(path=source)
        )
    version = check_backup_file(source)
    _create_private(aside)
    kept = False

    def keep_aside(status: int, remaining: int, total: int) -> None:
        nonlocal kept
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise Refused(
                _("The database is busy (another desk is writing): try again in a moment.")
            )
        if not kept:
            # The first page is written: this connection holds the write lock, and a second
            # connection still reads the last committed state, the one being replaced.
            with _closing(sqlite3.connect(live, isolation_level=None)) as reader:
                _copy_into(reader, aside)
            kept = True

    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        with _closing(_open_readonly(source)) as src:
            src.backup(conn, pages=1, progress=keep_aside)
    except BaseException:
        if not kept:
            _remove(aside)
        raise
    # Fold the restored pages into the main file and empty the old -wal.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return version, conn.execute("SELECT count(*) FROM applications").fetchone()[0]


def doctor_facts(conn: sqlite3.Connection, path: Path) -> dict:
    """What `passq doctor` judges: schema, integrity, WAL state, counts, open batches, and the
    books whose status disagrees with their events or their batch."""
    wal = Path(f"{path}-wal")
    counts = dict.fromkeys(backlog.STATUSES, 0)
    counts.update(conn.execute("SELECT status, count(*) FROM applications GROUP BY status"))
    cursor = conn.execute(
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
        "database": str(path),
        "schema_version": conn.execute("PRAGMA user_version").fetchone()[0],
        "schema_current": SCHEMA_VERSION,
        "integrity": [row[0] for row in conn.execute("PRAGMA integrity_check")],
        "journal_mode": conn.execute("PRAGMA journal_mode").fetchone()[0],
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
        "counts": counts,
        "open_batches": _open_batches_now(conn),
        "disagreements": disagreements,
        "claimed_without_batch": [
            row[0]
            for row in conn.execute(
                "SELECT app_no FROM applications WHERE status = 'claimed' AND batch_id IS NULL "
                "ORDER BY app_no"
            )
        ],
        "dangling_batches": [
            {"app_no": app_no, "batch_id": batch_id}
            for app_no, batch_id in conn.execute(
                "SELECT a.app_no, a.batch_id FROM applications a "
                "LEFT JOIN batches b ON b.id = a.batch_id "
                "WHERE a.batch_id IS NOT NULL AND b.id IS NULL ORDER BY a.app_no"
            )
        ],
    }


def database_error(error: sqlite3.DatabaseError, path: Path | None) -> Refused | Invalid:
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
        return Refused(_("The database is busy (another desk is writing): try again in a moment."))
    if "i/o error" in text:
        return Refused(
            _(
                "The disk reported an error reading or writing {path}: check the disk, then run "
                "'passq doctor'."
            ).format(path=where)
        )
    if "malformed" in text or "corrupt" in text:
        return Refused(
            _(
                "{path} is damaged: run 'passq doctor', and restore a backup with 'passq restore'."
            ).format(path=where)
        )
    if "not a database" in text or "encrypted" in text:
        return Invalid(
            _("{path} is not a passq database: give another file with --db.").format(path=where)
        )
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


# --- Bulk import and export (issue 4) ------------------------------------------------------


def existing(
    conn: sqlite3.Connection, app_nos: Sequence[str], whole: bool = True
) -> dict[str, dict]:
    """The applications among `app_nos` already stored, by number, in one query for any count;
    unless `whole`, only their number and status (reading 100,000 whole records takes a second).
    """
    if not app_nos:
        return {}
    params = (json.dumps(list(app_nos), ensure_ascii=False),)
    where = "WHERE app_no IN (SELECT value FROM json_each(?))"
    if whole:
        records = _records(conn, f"SELECT * FROM applications {where}", params)
        return {record["app_no"]: record for record in records}
    cursor = conn.execute(f"SELECT app_no, status FROM applications {where}", params)
    return {app_no: {"app_no": app_no, "status": status} for app_no, status in cursor}


def import_records(
    conn: sqlite3.Connection,
    app_nos: Sequence[str],
    decide: Callable[[dict[str, dict]], Merge],
    at: str,
    operator: str,
    source: str,
    whole: bool = True,
) -> Merge:
    """Land an import as one command: `decide` merges the file with the stored books it names.

    Reading which numbers exist and writing the new and updated books happen under one write
    lock and in one transaction: a number another desk adds meanwhile is never duplicated, an
    interrupted import leaves nothing, and `undo` finds the whole import under one command id.
    `decide` sees whole stored records only when `whole` (an update compares every field).
    """
    with command(conn, at, operator) as log:
        merge = decide(existing(conn, app_nos, whole))
        _insert_many(conn, log, merge.added, {"import": source})
        for current, changes in merge.updates:
            _edit(conn, log, current, changes)
    return merge


def applications(conn: sqlite3.Connection, status: str | None) -> list[dict]:
    """Every application with `status` (all when None), by number: what `export` writes."""
    where = "WHERE status = ?" if status else ""
    return _records(
        conn, f"SELECT * FROM applications {where} ORDER BY app_no", [status] if status else []
    )
