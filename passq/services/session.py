"""The Session: what every command needs (the store, the moment, the operator, the settings)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from passq.domain.calendar import PrintCalendar, official_holidays
from passq.domain.dates import office_zone, parse_moment
from passq.domain.settings import typed_settings

# The queue rule and the plan's figures are imported by the methods that run them: the
# single-row commands (add, printed, collected) never plan, and start faster without them.
if TYPE_CHECKING:
    from passq.domain import figures as plan_figures
    from passq.domain import queue as rule
    from passq.store.base import Store


class Session:
    """The state a command works in, built from the global options (tests build their own)."""

    def __init__(
        self,
        db: Path | str,
        now: str | None,
        operator: str,
        busy_timeout: float = 10.0,
        *,
        read_only_ok: bool = False,
        office: str | None = None,
    ) -> None:
        self.db_path = db
        # Which office of a database server (None: its default office; a file holds one).
        self.office = office
        # A command that only reads may open a database it cannot write, read-only.
        self.read_only_ok = read_only_ok
        # Whether opening the store created the database file (the CLI says where).
        self.created = False
        self.busy_timeout = busy_timeout
        self.now_text = now
        self.operator = operator
        self._store: Store | None = None
        self._settings: dict | None = None
        self._now: datetime | None = None
        self._calendar: PrintCalendar | None = None

    @property
    def store(self) -> Store:
        """The store, opened on first use (and migrated)."""
        if self._store is None:
            from passq.store import is_url, open_store

            existed = is_url(self.db_path) or Path(self.db_path).exists()
            self._store = open_store(
                self.db_path,
                round(self.busy_timeout * 1000),
                read_only_ok=self.read_only_ok,
                office=self.office,
            )
            self.created = self.created or not existed
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def reopen(self, db: Path | str) -> None:
        """Work on another database from now on."""
        self.close()
        self.db_path = db
        self._settings = self._calendar = None

    @property
    def settings(self) -> dict:
        """The office's settings, typed, defaults filled in."""
        if self._settings is None:
            self._settings = typed_settings(self.store.settings())
        return self._settings

    @property
    def now(self) -> datetime:
        """The moment the command runs at (--now, else the clock), in the office's time zone."""
        if self._now is None:
            zone = office_zone(self.settings["timezone"])
            if self.now_text is None:
                self._now = datetime.now(zone)
            else:
                moment = parse_moment(self.now_text)
                self._now = (
                    moment.replace(tzinfo=zone)
                    if moment.tzinfo is None
                    else moment.astimezone(zone)
                )
        return self._now

    @property
    def today(self) -> date:
        """The office's date now."""
        return self.now.date()

    def end_of(self, day: date) -> datetime:
        """Midnight at the end of `day`, office time."""
        return datetime.combine(day + timedelta(days=1), time(), self.now.tzinfo)

    @property
    def stamp(self) -> str:
        """The current moment as stored: ISO 8601 with the office's offset."""
        return self.now.isoformat(timespec="seconds")

    @property
    def calendar(self) -> PrintCalendar:
        """Print days and capacities: Indonesian holidays (cached) and the office's overrides."""
        if self._calendar is None:
            self._calendar = PrintCalendar(
                self.settings["capacity"],
                self.store.overrides(),
                self.store.holiday_loader(official_holidays, self.stamp),
            )
        return self._calendar

    def placements(
        self,
        records: Sequence[Mapping],
        today: date | None = None,
        used: int | None = None,
        *,
        first: int | None = None,
        only: str | None = None,
    ) -> list[rule.Placement]:
        """The queue rule over `records` (pending books), as of `today` with `used` capacity;
        `first` and `only` are plan_queue's."""
        from passq.domain import queue as rule

        if today is None:
            today = self.today
        if used is None:
            used = self.store.used_today(today)
        return rule.plan_queue(
            records,
            today,
            self.calendar.capacity,
            used_today=used,
            pickup_days=self.settings["pickup_days"],
            horizon_days=self.settings["horizon_days"],
            add_working_days=self.calendar.add_working_days,
            first=first,
            only=only,
        )

    def figures(
        self,
        records: Sequence[Mapping],
        today: date,
        used: int,
        capacity: Callable[[date], int] | None = None,
        office: tuple[dict, PrintCalendar] | None = None,
    ) -> plan_figures.PlanFigures:
        """The plan's figures over `records` (who will miss, capacity needed…), without the
        whole schedule; `capacity` replaces the calendar's for a what-if, `office` the
        settings and calendar (a past day's: `office_at_end_of`)."""
        from passq.domain import figures as plan_figures
        from passq.domain import queue as rule

        settings, calendar = office or (self.settings, self.calendar)
        with rule.without_cyclic_gc():
            return plan_figures.plan_figures(
                records,
                today,
                capacity or calendar.capacity,
                used,
                pickup_days=settings["pickup_days"],
                horizon_days=settings["horizon_days"],
                add_working_days=calendar.add_working_days,
            )

    def schedule(
        self,
        records: Sequence[Mapping],
        today: date,
        used: int,
        capacity: Callable[[date], int] | None = None,
    ) -> tuple[list[rule.Placement], plan_figures.PlanFigures]:
        """Every placement in rank order and the plan's figures, from one run of the rule
        (`placements` and `figures` would each run it)."""
        from passq.domain import figures as plan_figures
        from passq.domain import queue as rule

        if not records:
            return [], self.figures(records, today, used, capacity)
        with rule.without_cyclic_gc():
            result = rule.plan(
                records,
                today,
                capacity or self.calendar.capacity,
                used,
                pickup_days=self.settings["pickup_days"],
                horizon_days=self.settings["horizon_days"],
                add_working_days=self.calendar.add_working_days,
            )
            placements = result.placements(range(1, len(result.order) + 1))
            return placements, plan_figures.figures_of(result)

    def office_at_end_of(self, day: date) -> tuple[dict, PrintCalendar]:
        """The settings (typed) and print calendar as they stood when `day` ended."""
        from passq.domain.history import office_as_of

        stored, overrides = office_as_of(self.store.office_events_before(day))
        settings = typed_settings(stored)
        loader = self.store.holiday_loader(official_holidays, self.stamp)
        return settings, PrintCalendar(settings["capacity"], overrides, loader)

    def plan(self, *, first: int | None = None, only: str | None = None) -> list[rule.Placement]:
        """The queue rule's placement of every pending book (or the `first` ones, or `only`
        that one), in rank order."""
        return self.placements(self.store.queue(), first=first, only=only)

    def placements_of(self, app_nos: Sequence[str]) -> dict[str, rule.Placement]:
        """The placements of these pending books in the whole plan, by number (`find`): one
        run of the rule for any count of them."""
        from passq.domain import queue as rule

        wanted = set(app_nos)
        if not wanted:
            return {}
        pending = self.store.queue()
        used = self.store.used_today(self.today)
        with rule.without_cyclic_gc():
            result = rule.plan(
                pending,
                self.today,
                self.calendar.capacity,
                used,
                self.settings["pickup_days"],
                self.settings["horizon_days"],
                self.calendar.add_working_days,
            )
            books = {book for book, app_no in enumerate(result.app_nos) if app_no in wanted}
            ranks = [rank for rank, book in enumerate(result.order, 1) if book in books]
            return {placement.app_no: placement for placement in result.placements(ranks)}
