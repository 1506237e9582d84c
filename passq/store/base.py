"""The store's interface: what services may ask of any backend (SQLite, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from passq.domain.records_columns import Columns

if TYPE_CHECKING:
    from passq.domain.search import Query


class EventLog(Protocol):
    """Appends one command's event rows; every row shares the command's id (what undo reverses)."""

    at: str
    operator: str
    command_id: int

    def __call__(
        self,
        action: str,
        app_no: str | None = None,
        batch_id: int | None = None,
        detail: Mapping | None = None,
        status: str | None = None,
    ) -> None:
        """Append one event; `status` is the status it leaves the book in (None: unchanged)."""
        ...


class Store(Protocol):
    """One office's applications, batches, events, calendar and settings.

    Reads see committed data; writes happen inside `command` (one transaction with its event
    rows) and raise passq.errors' backend-neutral errors (Busy, Damaged, UnknownApplication…).
    """

    @property
    def path(self) -> Path | str:
        """Where the data is: a SQLite file, or a PostgreSQL URL without its password."""
        ...

    def close(self) -> None:
        """Close the connection."""
        ...

    def transaction(self) -> AbstractContextManager[object]:
        """One write transaction (BEGIN IMMEDIATE): readers never race writers."""
        ...

    def get(self, app_no: str) -> dict | None:
        """One application by number, or None."""
        ...

    def require(self, app_no: str) -> dict:
        """One application by number, or Refused naming the unknown number."""
        ...

    def find(self, query: Query, limit: int) -> tuple[list[dict], int]:
        """`find`: the applications whose name or destination holds every word of `query`
        (case and accents ignored, words by prefix), or whose phone is `query.phone`, or whose
        number starts with `query.app_no`; newest first (applied, then entered), at most
        `limit`, with the number of all that match."""
        ...

    def pending(self) -> list[dict]:
        """Every pending application, whole."""
        ...

    def queue(self) -> Columns:
        """Every pending application with only the fields the queue rule reads (QUEUE_FIELDS), as
        columns: a fraction of the time and memory of whole records (`pending`)."""
        ...

    def by_status(self, status: str | None, limit: int | None) -> list[dict]:
        """Applications with `status` (all when None), most recently changed first."""
        ...

    def history(self, app_no: str) -> list[dict]:
        """The events of one application, oldest first."""
        ...

    def batch_books(self, batch_id: int) -> list[dict]:
        """The applications currently in batch `batch_id`."""
        ...

    def batch(self, batch_id: int) -> dict:
        """One batch, or Refused naming the unknown id."""
        ...

    def used_today(self, today: date) -> int:
        """Today's capacity already taken: books claimed (not yet printed) or printed today."""
        ...

    def settings(self) -> dict[str, str]:
        """The stored settings (keys the office has set; defaults are the domain's)."""
        ...

    def put_setting(self, key: str, value: str | None) -> None:
        """Store one setting's value (None: back to its default)."""
        ...

    def overrides(self) -> dict[date, tuple[int, str]]:
        """The office's calendar overrides: date -> (capacity, note)."""
        ...

    def put_override(self, day: date | str, override: Sequence | None) -> None:
        """Store `day`'s (capacity, note) override (None removes it)."""
        ...

    def holiday_loader(
        self, compute: Callable[[int], Mapping[date, str]], at: str
    ) -> Callable[[int], dict[date, str]]:
        """A per-year holiday loader that reads the cache and fills it from `compute`."""
        ...

    def command(self, at: str, operator: str) -> AbstractContextManager[EventLog]:
        """One command's write transaction, with the log its event rows go through."""
        ...

    def insert(self, record: Mapping, at: str) -> None:
        """Insert one new pending application (the caller checked it is new)."""
        ...

    def update(self, app_no: str, columns: Mapping) -> None:
        """Set `columns` of one application."""
        ...

    def delete(self, app_no: str) -> None:
        """Remove one application (undo of its adding); its events stay."""
        ...

    def new_batch(self, operator: str, at: str, app_nos: Sequence[str]) -> int:
        """Create a batch of `app_nos` for `operator` and mark them claimed; returns its id."""
        ...

    def insert_many(
        self, log: EventLog, records: Iterable[Mapping], detail: Mapping | None = None
    ) -> int:
        """Insert new pending applications and their 'added' events inside `log`'s command."""
        ...

    def last_command(self, operator: str) -> int | None:
        """The id of `operator`'s last command not yet undone (None: nothing to undo)."""
        ...

    def command_events(self, command_id: int) -> list[dict]:
        """The events of one command, newest first."""
        ...

    def events_after(self, event_id: int) -> list[dict]:
        """The events after `event_id` that still stand (neither undo rows nor undone)."""
        ...

    def notified(self, kind: str) -> dict[str, str]:
        """The books whose applicant was told `kind` (a `notified` event not undone), by
        number, with the moment (as stored) of the latest telling."""
        ...

    def is_empty(self) -> bool:
        """True when the database holds no application and no event."""
        ...

    def day_events(self, day: date) -> list[dict]:
        """The day's events counted by action, operator and (printed books only) service: a day that
        imported 100,000 books gives one row for them, `count` 100,000."""
        ...

    def state_at_end_of(self, day: date, today: date) -> tuple[Columns, Columns, list[dict]]:
        """(pending books, claimed books, open batches) as they stood at the end of `day`,
        replayed from events; the books with the fields of `queue` only."""
        ...

    def office_events_before(self, day: date) -> list[dict]:
        """The settings and calendar changes (and undos, with the commands they took back)
        logged before `day` ended, oldest first."""
        ...

    def open_batches(self) -> list[dict]:
        """Batches with books still claimed: id, operator, claimed_at, still_claimed."""
        ...

    def backup(self, target: Path) -> int:
        """Copy the database into `target` (new, empty, private) with SQLite's online backup API, so
        others keep working meanwhile; returns the number of applications copied."""
        ...

    def restore(self, source: Path, aside: Path) -> tuple[int, int]:
        """Replace this database by the backup `source` (checked with check_backup_file) through the
        backup API, keeping what it replaced in `aside` (new, empty, private); returns source's
        schema version and its number of applications."""
        ...

    def doctor_facts(self) -> dict:
        """What `passq doctor` judges: schema, integrity, WAL state, counts, open batches, and the
        books whose status disagrees with their events or their batch."""
        ...

    def existing(self, app_nos: Sequence[str], whole: bool = True) -> dict[str, dict]:
        """The applications among `app_nos` already stored, by number, in one query for any count;
        unless `whole`, only their number and status (reading 100,000 whole records takes a
        second)."""
        ...

    def applications(self, status: str | None) -> list[dict]:
        """Every application with `status` (all when None), by number: what `export` writes."""
        ...
