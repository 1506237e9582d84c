"""The SQLite backend: the one place passq speaks SQL to SQLite.

Hot paths use the standard library's sqlite3 connection directly; sqlite-utils (slow to import)
runs the migrations. Bulk writes send a chunk of rows as one JSON array (json_each).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from passq.domain.records import FIELDS, SERVICES
from passq.domain.records_columns import QUEUE_FIELDS, Columns
from passq.errors import (
    UnknownApplication,
    UnknownBatch,
)
from passq.store.base import EventLog

# Re-exported: opening a database is the backend's own business, in its own module.
from passq.store.sqlite_open import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from passq.store.sqlite_open import connect as connect
from passq.store.sqlite_open import transaction as transaction
from passq.store.sqlite_schema import MIGRATIONS as MIGRATIONS
from passq.store.sqlite_schema import SCHEMA_VERSION as SCHEMA_VERSION

if TYPE_CHECKING:
    from passq.domain.search import Query

# json is imported where it is used: `add` and `printed` write and read none.

DATE_COLUMNS = ("applied", "travel")


# --- Reading rows -------------------------------------------------------------------------


def _record(cursor: sqlite3.Cursor, row: tuple) -> dict:
    record = {column[0]: value for column, value in zip(cursor.description, row, strict=True)}
    for column in DATE_COLUMNS:
        if record.get(column) is not None:
            record[column] = date.fromisoformat(record[column])
    return record


_QUEUE_SELECT = "SELECT app_no, service, urgent, applied, travel FROM applications"


class _Days(dict):
    """ISO date text -> date, each distinct day parsed once (a backlog spans a few weeks)."""

    def __missing__(self, text: str) -> date:
        day = self[text] = date.fromisoformat(text)
        return day


def _detail_text(detail: Mapping) -> str:
    import json

    return json.dumps(detail, default=str)


def _event(cursor: sqlite3.Cursor, row: tuple) -> dict:
    import json

    event = dict(zip([c[0] for c in cursor.description], row, strict=True))
    event["detail"] = json.loads(event["detail"]) if event.get("detail") else {}
    return event


def _day_bounds(day: date) -> tuple[str, str]:
    # Timestamps are stored in office time with their offset, so a day is a text prefix range.
    return day.isoformat(), (day + timedelta(days=1)).isoformat()


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
                _detail_text(detail) if detail else None,
                status,
                self.command_id,
            ),
        )


def _sql_value(value):
    return value.isoformat() if isinstance(value, date) else value


def _open_batch(row: tuple) -> dict:
    return dict(zip(("batch_id", "operator", "claimed_at", "still_claimed"), row, strict=True))


class SqliteStore:
    """One office's data in one SQLite file (see passq.store.Store for the interface)."""

    def __init__(self, path: Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.conn = connect(self.path, busy_timeout_ms)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE): readers never race writers."""
        with transaction(self.conn) as conn:
            yield conn

    def _records(self, sql: str, params: Sequence | Mapping = ()) -> list[dict]:
        cursor = self.conn.execute(sql, params)
        return [_record(cursor, row) for row in cursor.fetchall()]

    def get(self, app_no: str) -> dict | None:
        """One application by number, or None."""
        found = self._records("SELECT * FROM applications WHERE app_no = ?", (app_no,))
        return found[0] if found else None

    def require(self, app_no: str) -> dict:
        """One application by number, or Refused naming the unknown number."""
        record = self.get(app_no)
        if record is None:
            raise UnknownApplication(app_no)
        return record

    def find(self, query: Query, limit: int) -> tuple[list[dict], int]:
        """`find`: the applications `query` matches, newest first, and how many match."""
        from passq.store.sqlite_find import find

        return find(self.conn, query, limit)

    def pending(self) -> list[dict]:
        """Every pending application, whole."""
        return self._records("SELECT * FROM applications WHERE status = 'pending'")

    def queue(self) -> Columns:
        """Every pending application with only the fields the queue rule reads (QUEUE_FIELDS), as
        columns: a fraction of the time and memory of whole records (`pending`)."""
        return self._queue_columns(f"{_QUEUE_SELECT} WHERE status = 'pending'")

    def _queue_columns(self, select: str, params: Sequence = ()) -> Columns:
        """The rows of `select` (QUEUE_FIELDS, in that order) as columns."""
        import json

        # One JSON array per column, built by SQLite and read by the json module, both in C: half
        # the time of fetching a row tuple per book. One pass feeds every array, so they align.
        arrays = ", ".join(f"json_group_array({field})" for field in QUEUE_FIELDS)
        texts = list(self.conn.execute(f"SELECT {arrays} FROM ({select})", params).fetchone())
        days = _Days({None: None})
        shared = {service: service for service in SERVICES}
        columns = {}
        for index, field in enumerate(QUEUE_FIELDS):
            values = json.loads(texts[index])
            texts[index] = None  # a million books: let each text go once read
            if field in DATE_COLUMNS:
                values = list(map(days.__getitem__, values))
            elif field == "service":
                values = list(map(shared.get, values, values))
            columns[field] = values
        return Columns(columns)

    def by_status(self, status: str | None, limit: int | None) -> list[dict]:
        """Applications with `status` (all when None), most recently changed first."""
        where = "WHERE status = ?" if status else ""
        params: list = [status] if status else []
        sql = f"SELECT * FROM applications {where} ORDER BY updated_at DESC, app_no"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._records(sql, params)

    def history(self, app_no: str) -> list[dict]:
        """The events of one application, oldest first."""
        cursor = self.conn.execute(
            "SELECT id, at, operator, action, batch_id, detail FROM events "
            "WHERE app_no = ? ORDER BY id",
            (app_no,),
        )
        return [_event(cursor, row) for row in cursor.fetchall()]

    def batch_books(self, batch_id: int) -> list[dict]:
        """The applications currently in batch `batch_id`."""
        return self._records(
            "SELECT * FROM applications WHERE batch_id = ? ORDER BY app_no", (batch_id,)
        )

    def batch(self, batch_id: int) -> dict:
        """One batch, or Refused naming the unknown id."""
        row = self.conn.execute(
            "SELECT id, operator, claimed_at, size FROM batches WHERE id = ?", (batch_id,)
        ).fetchone()
        if row is None:
            raise UnknownBatch(batch_id)
        return dict(zip(("id", "operator", "claimed_at", "size"), row, strict=True))

    def used_today(self, today: date) -> int:
        """Today's capacity already taken: books claimed (not yet printed) or printed today, and
        today's misprints (a misprint used its printer slot, DESIGN §4)."""
        return self.conn.execute(
            "SELECT (SELECT count(*) FROM applications WHERE status = 'claimed')"
            # `+status`: seek today's printed_at range rather than read every printed book.
            " + (SELECT count(*) FROM applications WHERE printed_at >= ? AND printed_at < ?"
            "    AND +status IN ('printed', 'collected'))"
            " + (SELECT count(*) FROM events e WHERE e.at >= ? AND e.at < ? AND e.action = 'failed'"
            "    AND e.command_id NOT IN (SELECT json_extract(u.detail, '$.undid') FROM events u"
            "    WHERE u.action = 'undo' AND u.at >= ? AND u.at < ?))",
            _day_bounds(today) * 3,
        ).fetchone()[0]

    def settings(self) -> dict[str, str]:
        """The stored settings (keys the office has set; defaults are the domain's)."""
        return dict(self.conn.execute("SELECT key, value FROM settings").fetchall())

    def put_setting(self, key: str, value: str | None) -> None:
        """Store one setting's value (None: back to its default)."""
        if value is None:
            self.conn.execute("DELETE FROM settings WHERE key = ?", (key,))
        else:
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # --- The print calendar: office overrides and the holiday cache ------------------------

    def overrides(self) -> dict[date, tuple[int, str]]:
        """The office's calendar overrides: date -> (capacity, note)."""
        return {
            date.fromisoformat(day): (capacity, note or "")
            for day, capacity, note in self.conn.execute(
                "SELECT date, capacity, note FROM calendar"
            )
        }

    def put_override(self, day: date | str, override: Sequence | None) -> None:
        """Store `day`'s (capacity, note) override (None removes it)."""
        text = day.isoformat() if isinstance(day, date) else day
        if override is None:
            self.conn.execute("DELETE FROM calendar WHERE date = ?", (text,))
        else:
            self.conn.execute(
                "INSERT INTO calendar (date, capacity, note) VALUES (?, ?, ?) ON CONFLICT (date) "
                "DO UPDATE SET capacity = excluded.capacity, note = excluded.note",
                (text, override[0], override[1] or None),
            )

    def holiday_loader(
        self, compute: Callable[[int], Mapping[date, str]], at: str
    ) -> Callable[[int], dict[date, str]]:
        """A per-year holiday loader that reads the cache and fills it from `compute`."""
        conn = self.conn

        def load(year: int) -> dict[date, str]:
            cached = conn.execute("SELECT 1 FROM holiday_years WHERE year = ?", (year,)).fetchone()
            if cached is None:
                found = compute(year)
                # The loader may run inside a command's transaction: join it rather than nest.
                with self._joined_transaction():
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
                for day, name in conn.execute(
                    "SELECT date, name FROM holidays WHERE year = ?", (year,)
                )
            }

        return load

    @contextmanager
    def _joined_transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
        else:
            with self.transaction():
                yield

    # --- Writing: every change and its event rows commit together ---------------------------

    @contextmanager
    def command(self, at: str, operator: str) -> Iterator[Log]:
        """One command's write transaction, with the log its event rows go through."""
        with self.transaction():
            yield Log(self.conn, at, operator)

    def insert(self, record: Mapping, at: str) -> None:
        """Insert one new pending application (the caller checked it is new)."""
        columns = ("app_no", *FIELDS)
        self.conn.execute(
            f"INSERT INTO applications ({', '.join(columns)}, status, created_at, updated_at) "
            f"VALUES ({', '.join('?' * len(columns))}, 'pending', ?, ?)",
            [_sql_value(record[column]) for column in columns] + [at, at],
        )

    def update(self, app_no: str, columns: Mapping) -> None:
        """Set `columns` of one application."""
        assignments = ", ".join(f"{column} = ?" for column in columns)
        self.conn.execute(
            f"UPDATE applications SET {assignments} WHERE app_no = ?",
            [*(_sql_value(value) for value in columns.values()), app_no],
        )

    def delete(self, app_no: str) -> None:
        """Remove one application (undo of its adding); its events stay."""
        self.conn.execute("DELETE FROM applications WHERE app_no = ?", (app_no,))

    def new_batch(self, operator: str, at: str, app_nos: Sequence[str]) -> int:
        """Create a batch of `app_nos` for `operator` and mark them claimed; returns its id."""
        batch_id = self.conn.execute(
            "INSERT INTO batches (operator, claimed_at, size) VALUES (?, ?, ?)",
            (operator, at, len(app_nos)),
        ).lastrowid
        self.conn.executemany(
            "UPDATE applications SET status = 'claimed', batch_id = ?, updated_at = ? "
            "WHERE app_no = ? AND status = 'pending'",
            [(batch_id, at, app_no) for app_no in app_nos],
        )
        assert batch_id is not None
        return batch_id

    def insert_many(
        self, log: EventLog, records: Iterable[Mapping], detail: Mapping | None = None
    ) -> int:
        """Insert new pending applications and their 'added' events inside `log`'s command."""
        from passq.store import sqlite_bulk

        return sqlite_bulk.insert_many(self.conn, log, records, detail)

    # --- Undo's reads: one operator's last command, and what changed after it -------------

    def last_command(self, operator: str) -> int | None:
        """The id of `operator`'s last command not yet undone (None: nothing to undo)."""
        # Newest first, stopping at the first not undone: a few seeks, not a scan of every
        # event of the operator (`+` lets the undone check use the events_undone index).
        found = self.conn.execute(
            "SELECT e.command_id FROM events e WHERE e.operator = ? AND e.action != 'undo' "
            "AND NOT EXISTS (SELECT 1 FROM events WHERE action = 'undo' "
            "AND json_extract(detail, '$.undid') = +e.command_id) "
            "ORDER BY e.command_id DESC LIMIT 1",
            (operator,),
        ).fetchone()
        return found[0] if found else None

    def command_events(self, command_id: int) -> list[dict]:
        """The events of one command, newest first."""
        cursor = self.conn.execute(
            "SELECT id, at, operator, action, app_no, batch_id, detail FROM events "
            "WHERE command_id = ? ORDER BY id DESC",
            (command_id,),
        )
        return [_event(cursor, row) for row in cursor.fetchall()]

    def events_after(self, event_id: int) -> list[dict]:
        """The events after `event_id` that still stand (neither undo rows nor undone)."""
        cursor = self.conn.execute(
            "SELECT id, at, operator, action, app_no, batch_id, detail FROM events WHERE id > ? "
            "AND action != 'undo' AND command_id NOT IN (SELECT json_extract(detail, '$.undid') "
            "FROM events WHERE action = 'undo' AND id > ?) ORDER BY id",
            (event_id, event_id),
        )
        return [_event(cursor, row) for row in cursor.fetchall()]

    def notified(self, kind: str) -> dict[str, str]:
        """The books whose applicant was told `kind` (a `notified` event not undone), by
        number, with the moment of the latest telling."""
        return dict(
            self.conn.execute(
                "SELECT app_no, MAX(at) FROM events e WHERE action = 'notified' "
                "AND json_extract(detail, '$.kind') = ? AND NOT EXISTS (SELECT 1 FROM events "
                "WHERE action = 'undo' AND json_extract(detail, '$.undid') = +e.command_id) "
                "GROUP BY app_no",
                (kind,),
            ).fetchall()
        )

    def is_empty(self) -> bool:
        """True when the database holds no application and no event."""
        return (
            self.conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM applications) "
                "AND NOT EXISTS (SELECT 1 FROM events)"
            ).fetchone()[0]
            == 1
        )

    def day_events(self, day: date) -> list[dict]:
        """The day's events counted by action, operator and (printed books only) service: a day
        that imported 100,000 books gives one row for them, `count` 100,000."""
        cursor = self.conn.execute(
            "SELECT e.action, e.operator, CASE WHEN e.action = 'printed' THEN "
            "(SELECT a.service FROM applications a WHERE a.app_no = e.app_no) END AS service, "
            "count(*) AS count FROM events e WHERE e.at >= ? AND e.at < ? AND e.action != 'undo' "
            # Net of undo: a command taken back by the day's end counts nowhere. One taken back
            # on a later day stays in this day's figures (a past report never changes).
            "AND e.command_id NOT IN (SELECT json_extract(u.detail, '$.undid') FROM events u "
            "  WHERE u.action = 'undo' AND u.at >= ? AND u.at < ?) GROUP BY 1, 2, 3",
            (*_day_bounds(day), day.isoformat(), _day_bounds(day)[1]),
        )
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def state_at_end_of(self, day: date, today: date) -> tuple[Columns, Columns, list[dict]]:
        """(pending books, claimed books, open batches) as they stood at the end of `day`,
        replayed from events; the books with the fields of `queue` only."""
        if day >= today:
            claimed = self._queue_columns(f"{_QUEUE_SELECT} WHERE status = 'claimed'")
            return self.queue(), claimed, self._open_batches_now()
        end = _day_bounds(day)[1]
        self.conn.execute("DROP TABLE IF EXISTS temp.day_end")
        self.conn.execute(
            "CREATE TEMP TABLE day_end AS "
            "SELECT e.app_no, e.batch_id, e.at, e.status FROM events e "
            "JOIN (SELECT max(id) AS id FROM events WHERE at < ? AND status IS NOT NULL "
            "      GROUP BY app_no) last ON last.id = e.id",
            (end,),
        )
        books, claimed = (
            self._queue_columns(
                "SELECT a.app_no, a.service, a.urgent, a.applied, a.travel FROM applications a "
                "JOIN temp.day_end d ON d.app_no = a.app_no WHERE d.status = ?",
                (status,),
            )
            for status in ("pending", "claimed")
        )
        cursor = self.conn.execute(
            "SELECT d.batch_id, b.operator, b.claimed_at, count(*) FROM temp.day_end d "
            "JOIN batches b ON b.id = d.batch_id WHERE d.status = 'claimed' "
            "GROUP BY d.batch_id ORDER BY d.batch_id"
        )
        batches = [_open_batch(row) for row in cursor.fetchall()]
        self.conn.execute("DROP TABLE temp.day_end")
        return books, claimed, batches

    def office_events_before(self, day: date) -> list[dict]:
        """The settings and calendar changes (and undos) logged before `day` ended, oldest first,
        with the events of the commands those undos took back: enough to replay the office's
        settings and calendar as they stood then."""
        cursor = self.conn.execute(
            "SELECT id, at, operator, action, app_no, batch_id, detail, command_id FROM events "
            "WHERE at < ? AND app_no IS NULL AND action IN ('config', 'calendar', 'undo') "
            "ORDER BY id",
            (_day_bounds(day)[1],),
        )
        return [_event(cursor, row) for row in cursor.fetchall()]

    def open_batches(self) -> list[dict]:
        """Batches with books still claimed: id, operator, claimed_at, still_claimed."""
        return self._open_batches_now()

    def _open_batches_now(self) -> list[dict]:
        cursor = self.conn.execute(
            "SELECT a.batch_id, b.operator, b.claimed_at, count(*) FROM applications a "
            "JOIN batches b ON b.id = a.batch_id WHERE a.status = 'claimed' "
            "GROUP BY a.batch_id ORDER BY a.batch_id"
        )
        return [_open_batch(row) for row in cursor.fetchall()]

    def backup(self, target: Path) -> int:
        """Copy the database into `target` (new, empty, private) with SQLite's online backup
        API, so others keep working meanwhile; returns the number of applications copied."""
        from passq.store import sqlite_files

        return sqlite_files.backup(self, target)

    def restore(self, source: Path, aside: Path) -> tuple[int, int]:
        """Replace this database by the backup `source`, keeping what it replaced in `aside`
        (see passq.store.sqlite_files.restore); returns source's schema version and its number
        of applications."""
        from passq.store import sqlite_files

        return sqlite_files.restore(self, source, aside)

    def doctor_facts(self) -> dict:
        """What `passq doctor` judges: schema, integrity, WAL state, counts, open batches, and the
        books whose status disagrees with their events or their batch."""
        from passq.store import sqlite_files

        return sqlite_files.doctor_facts(self)

    def existing(self, app_nos: Sequence[str], whole: bool = True) -> dict[str, dict]:
        """The applications among `app_nos` already stored, by number, in one query for any count;
        unless `whole`, only their number and status (reading 100,000 whole records takes a second).
        """
        import json

        if not app_nos:
            return {}
        params = (json.dumps(list(app_nos), ensure_ascii=False),)
        where = "WHERE app_no IN (SELECT value FROM json_each(?))"
        if whole:
            records = self._records(f"SELECT * FROM applications {where}", params)
            return {record["app_no"]: record for record in records}
        cursor = self.conn.execute(f"SELECT app_no, status FROM applications {where}", params)
        return {app_no: {"app_no": app_no, "status": status} for app_no, status in cursor}

    def applications(self, status: str | None) -> list[dict]:
        """Every application with `status` (all when None), by number: what `export` writes."""
        where = "WHERE status = ?" if status else ""
        return self._records(
            f"SELECT * FROM applications {where} ORDER BY app_no",
            [status] if status else [],
        )
