"""The PostgreSQL backend: one office's rows on a shared server (several PCs, one queue).

Imported only for a postgresql:// database (psycopg2 with it). Every row carries its office;
every write transaction takes the office's advisory lock first (`pg_advisory_xact_lock`), so
writers are serialised per office the way SQLite's BEGIN IMMEDIATE serialises them, and waits
at most the busy timeout (`lock_timeout`), then Busy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from passq.domain.offices import DEFAULT_OFFICE
from passq.domain.records import FIELDS, SERVICES
from passq.domain.records_columns import QUEUE_FIELDS, Columns
from passq.errors import (
    Busy,
    UnknownApplication,
    UnknownBatch,
    Unreachable,
)
from passq.store import display_name
from passq.store.base import EventLog
from passq.store.postgres_driver import psycopg2
from passq.store.postgres_notices import NoticeQueries
from passq.store.postgres_offices import open_office
from passq.store.postgres_offices import rollback as _rollback

if TYPE_CHECKING:
    from passq.domain.search import Query

BUSY_TIMEOUT_MS = 10_000
CONNECT_TIMEOUT_S = 10
BULK_CHUNK = 10_000
APPLICATION_COLUMNS = (
    "app_no, name, phone, service, urgent, applied, travel, destination, note, status, "
    "batch_id, failures, created_at, updated_at, printed_at, collected_at, language"
)
_BUSY_ERRORS = (
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.QueryCanceled,
)


def connect(url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> Any:
    """A connection to the server at `url` (autocommit: each transaction is explicit), or
    Unreachable naming the server without its password."""
    try:
        conn = psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT_S, application_name="passq")
    except psycopg2.OperationalError:
        raise Unreachable(display_name(url)) from None
    conn.autocommit = True
    with conn.cursor() as cursor:
        # 0 would mean "wait for ever" to PostgreSQL; --busy-timeout 0 means "do not wait".
        cursor.execute("SET lock_timeout = %s", (f"{max(1, int(busy_timeout_ms))}ms",))
    return conn


def _day_bounds(day: date) -> tuple[str, str]:
    # Timestamps are stored as office-time text with their offset: a day is a text range.
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


def _text(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# The fields the queue rule reads, of one office's applications (add the status wanted).
_QUEUE = f"SELECT {', '.join(QUEUE_FIELDS)} FROM applications WHERE office = %s"


class Log:
    """Writes the event rows of one command; all share its command id (what `undo` reverses)."""

    def __init__(self, store: PostgresStore, at: str, operator: str) -> None:
        self.store, self.at, self.operator = store, at, operator
        self.command_id = store._value(
            "SELECT coalesce(max(command_id), 0) + 1 FROM events WHERE office = %s",
            (store.office,),
        )

    def __call__(
        self,
        action: str,
        app_no: str | None = None,
        batch_id: int | None = None,
        detail: Mapping | None = None,
        status: str | None = None,
    ) -> None:
        """Append one event; `status` is the status it leaves the book in (None: unchanged)."""
        self.store._execute(
            "INSERT INTO events (at, operator, action, app_no, batch_id, detail, status, "
            "command_id, office) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                self.at,
                self.operator,
                action,
                app_no,
                batch_id,
                json.dumps(detail, default=str) if detail else None,
                status,
                self.command_id,
                self.store.office,
            ),
        )


_BULK_APPLICATIONS = (
    f"INSERT INTO applications (app_no, {', '.join(FIELDS)}, status, created_at, updated_at, "
    "office) SELECT "
    + ", ".join(
        f"(value ->> {i})::date" if column in ("applied", "travel") else f"value ->> {i}"
        for i, column in enumerate(("app_no", *FIELDS))
    )
    + ", 'pending', %s, %s, %s FROM json_array_elements(%s::json)"
)
_BULK_ADDED = (
    "INSERT INTO events (at, operator, action, app_no, detail, status, command_id, office) "
    "SELECT %s, %s, 'added', value ->> 0, %s, 'pending', %s, %s FROM json_array_elements(%s::json)"
)


class PostgresStore(NoticeQueries):
    """One office's data on a PostgreSQL server (see passq.store.base.Store for the interface)."""

    def __init__(
        self, url: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS, office: str | None = None
    ) -> None:
        self.url, self.office = url, office or DEFAULT_OFFICE
        self.path = display_name(url)
        self.conn = connect(url, busy_timeout_ms)
        self.in_transaction = False
        try:
            self.office = open_office(self.conn, self.path, office)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # --- SQL helpers -------------------------------------------------------------------------

    def _execute(self, sql: str, params: Sequence | Mapping = ()) -> Any:
        cursor = self.conn.cursor()
        cursor.execute(sql, params)
        return cursor

    def _rows(self, sql: str, params: Sequence | Mapping = ()) -> list[tuple]:
        with self._execute(sql, params) as cursor:
            return cursor.fetchall()

    def _value(self, sql: str, params: Sequence | Mapping = ()) -> Any:
        with self._execute(sql, params) as cursor:
            row = cursor.fetchone()
            return None if row is None else row[0]

    def _dicts(self, sql: str, params: Sequence | Mapping = ()) -> list[dict]:
        with self._execute(sql, params) as cursor:
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _events(self, sql: str, params: Sequence) -> list[dict]:
        events = self._dicts(sql, params)
        for event in events:
            event["detail"] = json.loads(event["detail"]) if event.get("detail") else {}
        return events

    # --- Transactions ------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """One write transaction holding the office's lock: writers never race each other."""
        try:
            self._execute("BEGIN").close()
            self._execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"passq:{self.office}",)
            ).close()
        except _BUSY_ERRORS:
            _rollback(self.conn)
            raise Busy() from None
        except BaseException:
            _rollback(self.conn)
            raise
        self.in_transaction = True
        try:
            yield self.conn
        except BaseException:
            self.in_transaction = False
            _rollback(self.conn)
            raise
        self.in_transaction = False
        try:
            self._execute("COMMIT").close()
        except _BUSY_ERRORS:
            _rollback(self.conn)
            raise Busy() from None

    @contextmanager
    def _joined_transaction(self) -> Iterator[None]:
        if self.in_transaction:
            yield
        else:
            with self.transaction():
                yield

    @contextmanager
    def command(self, at: str, operator: str) -> Iterator[Log]:
        """One command's write transaction, with the log its event rows go through."""
        with self.transaction():
            yield Log(self, at, operator)

    # --- Reading -----------------------------------------------------------------------------

    def _applications(self, where: str, params: Sequence, tail: str = "") -> list[dict]:
        return self._dicts(
            f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE office = %s {where} {tail}",
            (self.office, *params),
        )

    def get(self, app_no: str) -> dict | None:
        """One application by number, or None."""
        found = self._applications("AND app_no = %s", (app_no,))
        return found[0] if found else None

    def find(self, query: Query, limit: int) -> tuple[list[dict], int]:
        """`find`: the applications `query` matches, newest first, and how many match."""
        from passq.store.postgres_find import find

        return find(self._rows, self._applications, self.office, query, limit)

    def require(self, app_no: str) -> dict:
        """One application by number, or Refused naming the unknown number."""
        record = self.get(app_no)
        if record is None:
            raise UnknownApplication(app_no)
        return record

    def pending(self) -> list[dict]:
        """Every pending application, whole."""
        return self._applications("AND status = 'pending'", ())

    def queue(self) -> Columns:
        """Every pending application with only the fields the queue rule reads, as columns."""
        return self._queue_columns(f"{_QUEUE} AND status = 'pending'", (self.office,))

    def _queue_columns(self, sql: str, params: Sequence) -> Columns:
        rows = self._rows(sql, params)
        shared = {service: service for service in SERVICES}
        columns: dict[str, list] = {}
        transposed = zip(*rows, strict=True) if rows else [()] * len(QUEUE_FIELDS)
        for field, values in zip(QUEUE_FIELDS, transposed, strict=True):
            columns[field] = (
                list(map(shared.get, values, values)) if field == "service" else list(values)
            )
        return Columns(columns)

    def by_status(self, status: str | None, limit: int | None) -> list[dict]:
        """Applications with `status` (all when None), most recently changed first."""
        where = "AND status = %s" if status else ""
        params: list[Any] = [status] if status else []
        tail = "ORDER BY updated_at DESC, app_no"
        if limit is not None:
            tail += " LIMIT %s"
            params.append(limit)
        return self._applications(where, params, tail)

    def history(self, app_no: str) -> list[dict]:
        """The events of one application, oldest first."""
        return self._events(
            "SELECT id, at, operator, action, batch_id, detail FROM events "
            "WHERE office = %s AND app_no = %s ORDER BY id",
            (self.office, app_no),
        )

    def batch_books(self, batch_id: int) -> list[dict]:
        """The applications currently in batch `batch_id`."""
        return self._applications("AND batch_id = %s", (batch_id,), "ORDER BY app_no")

    def batch(self, batch_id: int) -> dict:
        """One batch, or Refused naming the unknown id."""
        found = self._dicts(
            "SELECT id, operator, claimed_at, size FROM batches WHERE office = %s AND id = %s",
            (self.office, batch_id),
        )
        if not found:
            raise UnknownBatch(batch_id)
        return found[0]

    def used_today(self, today: date) -> int:
        """Today's capacity already taken: books claimed (not yet printed) or printed today, and
        today's misprints (a misprint used its printer slot, DESIGN §4)."""
        bounds = _day_bounds(today)
        return self._value(
            "SELECT (SELECT count(*) FROM applications WHERE office = %s AND status = 'claimed')"
            " + (SELECT count(*) FROM applications WHERE office = %s AND printed_at >= %s "
            "    AND printed_at < %s AND status IN ('printed', 'collected'))"
            " + (SELECT count(*) FROM events e WHERE e.office = %s AND e.at >= %s AND e.at < %s"
            "    AND e.action = 'failed' AND NOT EXISTS (SELECT 1 FROM events u"
            "    WHERE u.office = e.office AND u.action = 'undo' AND u.at >= %s AND u.at < %s"
            "    AND (u.detail::jsonb ->> 'undid')::bigint = e.command_id))",
            (self.office, self.office, *bounds, self.office, *bounds, *bounds),
        )

    def settings(self) -> dict[str, str]:
        """The stored settings (keys the office has set; defaults are the domain's)."""
        return dict(self._rows("SELECT key, value FROM settings WHERE office = %s", (self.office,)))

    def put_setting(self, key: str, value: str | None) -> None:
        """Store one setting's value (None: back to its default)."""
        if value is None:
            self._execute(
                "DELETE FROM settings WHERE office = %s AND key = %s", (self.office, key)
            ).close()
        else:
            self._execute(
                "INSERT INTO settings (key, value, office) VALUES (%s, %s, %s) "
                "ON CONFLICT (office, key) DO UPDATE SET value = excluded.value",
                (key, value, self.office),
            ).close()

    def overrides(self) -> dict[date, tuple[int, str]]:
        """The office's calendar overrides: date -> (capacity, note)."""
        return {
            day: (capacity, note or "")
            for day, capacity, note in self._rows(
                "SELECT date, capacity, note FROM calendar WHERE office = %s", (self.office,)
            )
        }

    def put_override(self, day: date | str, override: Sequence | None) -> None:
        """Store `day`'s (capacity, note) override (None removes it)."""
        text = _text(day)
        if override is None:
            self._execute(
                "DELETE FROM calendar WHERE office = %s AND date = %s", (self.office, text)
            ).close()
        else:
            self._execute(
                "INSERT INTO calendar (date, capacity, note, office) VALUES (%s, %s, %s, %s) "
                "ON CONFLICT (office, date) DO UPDATE SET capacity = excluded.capacity, "
                "note = excluded.note",
                (text, override[0], override[1] or None, self.office),
            ).close()

    def holiday_loader(
        self, compute: Callable[[int], Mapping[date, str]], at: str
    ) -> Callable[[int], dict[date, str]]:
        """A per-year holiday loader that reads the cache and fills it from `compute`."""

        def load(year: int) -> dict[date, str]:
            cached = self._value(
                "SELECT 1 FROM holiday_years WHERE office = %s AND year = %s", (self.office, year)
            )
            if cached is None:
                found = compute(year)
                try:
                    with self._joined_transaction():
                        self._execute(
                            "INSERT INTO holiday_years (year, cached_at, office) VALUES "
                            "(%s, %s, %s) ON CONFLICT DO NOTHING",
                            (year, at, self.office),
                        ).close()
                        for day, name in found.items():
                            self._execute(
                                "INSERT INTO holidays (date, year, name, office) "
                                "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                                (day, year, name, self.office),
                            ).close()
                except psycopg2.errors.InsufficientPrivilege:
                    if self.in_transaction:
                        raise
                    return dict(found)  # a login that reads only (--all-offices): not cached
            return dict(
                self._rows(
                    "SELECT date, name FROM holidays WHERE office = %s AND year = %s",
                    (self.office, year),
                )
            )

        return load

    # --- Writing: every change and its event rows commit together -----------------------------

    def insert(self, record: Mapping, at: str) -> None:
        """Insert one new pending application (the caller checked it is new)."""
        columns = ("app_no", *FIELDS)
        self._execute(
            f"INSERT INTO applications ({', '.join(columns)}, status, created_at, updated_at, "
            f"office) VALUES ({', '.join(['%s'] * len(columns))}, 'pending', %s, %s, %s)",
            [record[column] for column in columns] + [at, at, self.office],
        ).close()

    def update(self, app_no: str, columns: Mapping) -> None:
        """Set `columns` of one application."""
        assignments = ", ".join(f"{column} = %s" for column in columns)
        self._execute(
            f"UPDATE applications SET {assignments} WHERE office = %s AND app_no = %s",
            [*columns.values(), self.office, app_no],
        ).close()

    def delete(self, app_no: str) -> None:
        """Remove one application (undo of its adding); its events stay."""
        self._execute(
            "DELETE FROM applications WHERE office = %s AND app_no = %s", (self.office, app_no)
        ).close()

    def new_batch(self, operator: str, at: str, app_nos: Sequence[str]) -> int:
        """Create a batch of `app_nos` for `operator` and mark them claimed; returns its id."""
        batch_id = self._value(
            "INSERT INTO batches (operator, claimed_at, size, office) VALUES (%s, %s, %s, %s) "
            "RETURNING id",
            (operator, at, len(app_nos), self.office),
        )
        self._execute(
            "UPDATE applications SET status = 'claimed', batch_id = %s, updated_at = %s "
            "WHERE office = %s AND app_no = ANY(%s) AND status = 'pending'",
            (batch_id, at, self.office, list(app_nos)),
        ).close()
        return batch_id

    def insert_many(
        self, log: EventLog, records: Iterable[Mapping], detail: Mapping | None = None
    ) -> int:
        """Insert new pending applications and their 'added' events inside `log`'s command."""
        from passq.store.sqlite_bulk import _application_row

        text = json.dumps(detail, default=str) if detail else None
        count = 0
        records = iter(records)
        while chunk := list(islice(records, BULK_CHUNK)):
            rows = json.dumps([_application_row(record) for record in chunk], ensure_ascii=False)
            self._execute(_BULK_APPLICATIONS, (log.at, log.at, self.office, rows)).close()
            self._execute(
                _BULK_ADDED, (log.at, log.operator, text, log.command_id, self.office, rows)
            ).close()
            count += len(chunk)
        return count

    # --- Undo's reads ------------------------------------------------------------------------

    def last_command(self, operator: str) -> int | None:
        """The id of `operator`'s last command not yet undone (None: nothing to undo)."""
        return self._value(
            "SELECT e.command_id FROM events e WHERE e.office = %s AND e.operator = %s "
            "AND e.action != 'undo' AND NOT EXISTS (SELECT 1 FROM events u WHERE u.office = "
            "e.office AND u.action = 'undo' AND (u.detail::jsonb ->> 'undid')::bigint = "
            "e.command_id) ORDER BY e.command_id DESC LIMIT 1",
            (self.office, operator),
        )

    def command_events(self, command_id: int) -> list[dict]:
        """The events of one command, newest first."""
        return self._events(
            "SELECT id, at, operator, action, app_no, batch_id, detail FROM events "
            "WHERE office = %s AND command_id = %s ORDER BY id DESC",
            (self.office, command_id),
        )

    def events_after(self, event_id: int) -> list[dict]:
        """The events after `event_id` that still stand (neither undo rows nor undone)."""
        return self._events(
            "SELECT id, at, operator, action, app_no, batch_id, detail FROM events e "
            "WHERE office = %s AND id > %s AND action != 'undo' AND NOT EXISTS (SELECT 1 FROM "
            "events u WHERE u.office = e.office AND u.action = 'undo' AND u.id > %s AND "
            "(u.detail::jsonb ->> 'undid')::bigint = e.command_id) ORDER BY id",
            (self.office, event_id, event_id),
        )

    def is_empty(self) -> bool:
        """True when the database holds no application and no event."""
        return self._value(
            "SELECT NOT EXISTS (SELECT 1 FROM applications WHERE office = %s) "
            "AND NOT EXISTS (SELECT 1 FROM events WHERE office = %s)",
            (self.office, self.office),
        )

    # --- Reports -----------------------------------------------------------------------------

    def day_events(self, day: date) -> list[dict]:
        """The day's events counted by action, operator and (printed books only) service."""
        return self._dicts(
            "SELECT e.action, e.operator, CASE WHEN e.action = 'printed' THEN "
            "(SELECT a.service FROM applications a WHERE a.office = e.office "
            "AND a.app_no = e.app_no) END AS service, count(*) AS count FROM events e "
            "WHERE e.office = %s AND e.at >= %s AND e.at < %s AND e.action != 'undo' "
            # Net of undo: a command taken back by the day's end counts nowhere. One taken back
            # on a later day stays in this day's figures (a past report never changes). NOT IN
            # over the day's few undone ids is one hashed lookup per event, not an index probe.
            "AND e.command_id NOT IN (SELECT (u.detail::jsonb ->> 'undid')::bigint FROM events u "
            "WHERE u.office = %s AND u.action = 'undo' AND u.at >= %s AND u.at < %s "
            "AND u.detail::jsonb ->> 'undid' IS NOT NULL) GROUP BY 1, 2, 3",
            (self.office, *_day_bounds(day), self.office, *_day_bounds(day)),
        )

    def state_at_end_of(self, day: date, today: date) -> tuple[Columns, Columns, list[dict]]:
        """(pending books, claimed books, open batches) as they stood at the end of `day`,
        replayed from events; the books with the fields of `queue` only."""
        if day >= today:
            claimed = self._queue_columns(f"{_QUEUE} AND status = 'claimed'", (self.office,))
            return self.queue(), claimed, self.open_batches()
        day_end = (
            "WITH day_end AS (SELECT e.app_no, e.batch_id, e.status FROM events e JOIN "
            "(SELECT max(id) AS id FROM events WHERE office = %s AND at < %s "
            "AND status IS NOT NULL GROUP BY app_no) last ON last.id = e.id) "
        )
        params = (self.office, _day_bounds(day)[1], self.office)
        books, claimed = (
            self._queue_columns(
                day_end + "SELECT a.app_no, a.service, a.urgent, a.applied, a.travel FROM "
                "applications a JOIN day_end d ON d.app_no = a.app_no "
                "WHERE a.office = %s AND d.status = %s",
                (*params, status),
            )
            for status in ("pending", "claimed")
        )
        batches = self._open_batches(
            day_end + "SELECT b.id, b.operator, b.claimed_at, count(*) FROM day_end d "
            "JOIN batches b ON b.id = d.batch_id WHERE b.office = %s AND d.status = 'claimed' "
            "GROUP BY b.id ORDER BY b.id",
            params,
        )
        return books, claimed, batches

    def office_events_before(self, day: date) -> list[dict]:
        """The settings and calendar changes (and undos) logged before `day` ended, oldest first."""
        return self._events(
            "SELECT id, at, operator, action, app_no, batch_id, detail, command_id FROM events "
            "WHERE office = %s AND at < %s AND app_no IS NULL "
            "AND action IN ('config', 'calendar', 'undo') ORDER BY id",
            (self.office, _day_bounds(day)[1]),
        )

    def open_batches(self) -> list[dict]:
        """Batches with books still claimed: id, operator, claimed_at, still_claimed."""
        return self._open_batches(
            "SELECT b.id, b.operator, b.claimed_at, count(*) FROM applications a "
            "JOIN batches b ON b.id = a.batch_id WHERE a.office = %s AND a.status = 'claimed' "
            "GROUP BY b.id ORDER BY b.id",
            (self.office,),
        )

    def _open_batches(self, sql: str, params: Sequence) -> list[dict]:
        names = ("batch_id", "operator", "claimed_at", "still_claimed")
        return [dict(zip(names, row, strict=True)) for row in self._rows(sql, params)]

    def existing(self, app_nos: Sequence[str], whole: bool = True) -> dict[str, dict]:
        """The applications among `app_nos` already stored, by number, in one query."""
        if not app_nos:
            return {}
        if whole:
            found = self._applications("AND app_no = ANY(%s)", (list(app_nos),))
            return {record["app_no"]: record for record in found}
        rows = self._rows(
            "SELECT app_no, status FROM applications WHERE office = %s AND app_no = ANY(%s)",
            (self.office, list(app_nos)),
        )
        return {app_no: {"app_no": app_no, "status": status} for app_no, status in rows}

    def applications(self, status: str | None) -> list[dict]:
        """Every application with `status` (all when None), by number: what `export` writes."""
        if status:
            return self._applications("AND status = %s", (status,), "ORDER BY app_no")
        return self._applications("", (), "ORDER BY app_no")

    # --- Keeping the data (passq.store.postgres_files) ----------------------------------------

    def doctor_facts(self) -> dict:
        """What `passq doctor` judges: schema, counts, open batches, and the books whose status
        disagrees with their events or their batch."""
        from passq.store import postgres_files

        return postgres_files.doctor_facts(self)

    def backup(self, target: Path) -> int:
        """Write the office's rows into `target` (new, empty, private) as a portable SQLite
        file, the same as SQLite's backups; returns the number of applications copied."""
        from passq.store import postgres_files

        return postgres_files.backup(self, target)

    def restore(self, source: Path, aside: Path) -> tuple[int, int]:
        """Replace the office's rows by the backup `source`, keeping them in `aside` first;
        returns source's schema version and its number of applications."""
        from passq.store import postgres_files

        return postgres_files.restore(self, source, aside)
