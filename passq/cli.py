"""Typer commands: parse, call, render. No SQL here (store.py) and no rules (backlog.py)."""

# No `from __future__ import annotations` here: typer would eval every parameter's annotation
# string at start-up (~10 ms for 25 commands); real annotations are read as they are.
import sqlite3
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from passq import __version__, backlog, render, store
from passq.calendar import PrintCalendar, official_holidays
from passq.errors import Invalid, PassqError, Refused
from passq.i18n import _


class PassqGroup(TyperGroup):
    """Turns domain errors into one sentence on stderr and their exit code."""

    def invoke(self, ctx: typer.Context):
        try:
            return super().invoke(ctx)
        except PassqError as error:
            render.warn(str(error))
            raise typer.Exit(error.exit_code) from None
        except sqlite3.DatabaseError as error:
            # A full disk, a read-only file, a damaged database…: one sentence, never a traceback.
            problem = store.database_error(error, getattr(ctx.find_root().obj, "db_path", None))
            render.warn(str(problem))
            raise typer.Exit(problem.exit_code) from None
        except KeyboardInterrupt:
            render.warn(_("Interrupted: nothing more was written."))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None


app = typer.Typer(
    cls=PassqGroup,
    name="passq",
    help=_("Print the passport backlog in the order that gets the most people onto their flights."),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def default_db() -> Path:
    """The database used when neither --db nor PASSQ_DB names one."""
    return Path(typer.get_app_dir("passq")) / "passq.db"


class Session:
    """What every command needs: the database, the moment, the operator."""

    def __init__(
        self, db: Path, now: str | None, operator: str, busy_timeout: float = 10.0
    ) -> None:
        self.db_path = db
        self.busy_timeout = busy_timeout
        self.now_text = now
        self.operator = operator
        self._conn = None
        self._settings: dict | None = None
        self._now: datetime | None = None
        self._calendar: PrintCalendar | None = None

    @property
    def conn(self):
        if self._conn is None:
            self._conn = store.connect(self.db_path, round(self.busy_timeout * 1000))
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @property
    def settings(self) -> dict:
        if self._settings is None:
            self._settings = backlog.typed_settings(store.settings(self.conn))
        return self._settings

    @property
    def now(self) -> datetime:
        if self._now is None:
            from zoneinfo import ZoneInfo

            zone = ZoneInfo(self.settings["timezone"])
            if self.now_text is None:
                self._now = datetime.now(zone)
            else:
                moment = backlog.parse_moment(self.now_text)
                self._now = (
                    moment.replace(tzinfo=zone)
                    if moment.tzinfo is None
                    else moment.astimezone(zone)
                )
        return self._now

    @property
    def today(self) -> date:
        return self.now.date()

    def end_of(self, day: date) -> datetime:
        """Midnight at the end of `day`, office time."""
        from datetime import time, timedelta

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
                store.overrides(self.conn),
                store.holiday_loader(self.conn, official_holidays, self.stamp),
            )
        return self._calendar

    def placements(
        self,
        records: Sequence[Mapping],
        today: date | None = None,
        used: int | None = None,
        **wanted: int | str | None,
    ) -> list[backlog.Placement]:
        """The queue rule over `records` (pending books), as of `today` with `used` capacity;
        `wanted` is plan_queue's `first` or `only`."""
        if today is None:
            today = self.today
        if used is None:
            used = store.used_today(self.conn, today)
        return backlog.plan_queue(
            records,
            today,
            self.calendar.capacity,
            used_today=used,
            pickup_days=self.settings["pickup_days"],
            horizon_days=self.settings["horizon_days"],
            add_working_days=self.calendar.add_working_days,
            **wanted,
        )

    def summary(
        self, placements: list[backlog.Placement], today: date, used: int
    ) -> backlog.PlanSummary:
        """The plan's figures: who will miss, when it clears, the capacity needed."""
        return backlog.plan_summary(
            placements,
            today,
            self.calendar.capacity,
            used,
            default_capacity=self.settings["capacity"],
        )

    def figures(self, records: Sequence[Mapping], today: date, used: int) -> backlog.PlanSummary:
        """The summary of the queue rule over `records`, without the whole schedule."""
        return backlog.plan_figures(
            records,
            today,
            self.calendar.capacity,
            used,
            pickup_days=self.settings["pickup_days"],
            horizon_days=self.settings["horizon_days"],
            add_working_days=self.calendar.add_working_days,
            default_capacity=self.settings["capacity"],
        )

    def plan(self, **wanted: int | str | None) -> list[backlog.Placement]:
        """The queue rule's placement of every pending book (or those `wanted`), in rank order."""
        return self.placements(store.queue(self.conn), **wanted)

    def queue_rows(self, placements: list[backlog.Placement]) -> list[dict]:
        """The rows `list` and `next-batch` show for these placements (whole records read for
        these books only)."""
        records = store.existing(self.conn, [p.app_no for p in placements])
        return [_queue_row(p, records[p.app_no]) for p in placements]


def session(ctx: typer.Context) -> Session:
    """The session the global options built."""
    return ctx.find_root().obj


def _version(value: bool) -> None:
    if value:
        render.line(f"passq {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="PASSQ_DB",
            metavar="PATH",
            help=_("Database file [default: passq.db in the passq application folder]."),
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="PASSQ_NOW",
            metavar="DATE|DATETIME",
            help=_("Behave as if it were this moment (DATE or DATETIME, office time)."),
        ),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            envvar="PASSQ_OPERATOR",
            metavar="NAME",
            help=_("Who is working [default: your login name]."),
            show_default=False,
        ),
    ] = None,
    busy_timeout: Annotated[
        float,
        typer.Option(
            "--busy-timeout",
            envvar="PASSQ_BUSY_TIMEOUT",
            min=0,
            max=600,
            metavar="SECONDS",
            help=_("How long to wait for another desk's write before giving up."),
        ),
    ] = 10.0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_("Show the version.")),
    ] = False,
) -> None:
    """Print the passport backlog in the order that gets the most people onto their flights."""
    if not operator:
        import getpass  # with termios and pwd: only without --operator or PASSQ_OPERATOR

        operator = getpass.getuser()
    who = operator.strip()
    if not who:
        raise Invalid(_("The operator name is empty: give it with --operator."))
    ctx.obj = Session(db or default_db(), now, who, busy_timeout)
    ctx.call_on_close(ctx.obj.close)


# --- Options shared by add and edit -------------------------------------------------------

Name = Annotated[str | None, typer.Option("--name", help=_("Applicant's name."))]
Service = Annotated[
    str | None, typer.Option("--service", help=_("regular, express or pmi [default: regular]."))
]
Applied = Annotated[
    str | None,
    typer.Option(
        "--applied", help=_("Day the application was complete [default: today]."), metavar="DATE"
    ),
]
Travel = Annotated[
    str | None, typer.Option("--travel", help=_("Travel date, if known."), metavar="DATE")
]
Destination = Annotated[str | None, typer.Option("--destination", help=_("Destination country."))]
Phone = Annotated[str | None, typer.Option("--phone", help=_("Phone (0812…, 62812… or +62 812…)."))]
Urgent = Annotated[
    str | None,
    typer.Option("--urgent", help=_("Urgent humanitarian case: the reason."), metavar="REASON"),
]
Note = Annotated[str | None, typer.Option("--note", help=_("Free note."))]
AsJson = Annotated[bool, typer.Option("--json", help=_("Output JSON with stable keys."))]
AppNos = Annotated[
    list[str],
    typer.Argument(help=_("Application numbers."), show_default=False, metavar="APP_NO..."),
]


def _fields(**raw: str | None) -> dict[str, str | None]:
    return {field: raw[field] for field in backlog.FIELDS}


def _dates_line(record: dict, s: Session) -> str:
    book_deadline = backlog.deadline(record, s.settings["pickup_days"])
    book_due = backlog.due(record, s.calendar.add_working_days)
    return _("deadline {deadline}, due {due}").format(
        deadline=backlog.show_date(book_deadline) if book_deadline else _("none (no travel date)"),
        due=backlog.show_date(book_due),
    )


@app.command()
def add(
    ctx: typer.Context,
    app_no: Annotated[
        str, typer.Argument(help=_("Application number (nomor permohonan)."), metavar="APP_NO")
    ],
    name: Name = None,
    service: Service = None,
    applied: Applied = None,
    travel: Travel = None,
    destination: Destination = None,
    phone: Phone = None,
    urgent: Urgent = None,
    note: Note = None,
) -> None:
    """Register one pending passport book."""
    s = session(ctx)
    record = backlog.new_application(app_no, _fields(**locals()), s.today)
    store.add(s.conn, record, s.stamp, s.operator)
    render.line(
        _("Added {app_no} ({service}): {dates}.").format(
            app_no=record["app_no"], service=record["service"], dates=_dates_line(record, s)
        )
    )


@app.command()
def edit(
    ctx: typer.Context,
    app_no: Annotated[
        str, typer.Argument(help=_("Application number to correct."), metavar="APP_NO")
    ],
    name: Name = None,
    service: Service = None,
    applied: Applied = None,
    travel: Travel = None,
    destination: Destination = None,
    phone: Phone = None,
    urgent: Urgent = None,
    note: Note = None,
) -> None:
    """Correct a record; an empty value clears a field; every change is logged."""
    s = session(ctx)
    current = store.require(s.conn, backlog.check_app_no(app_no))
    changes = backlog.edited_fields(current, _fields(**locals()), s.today)
    if not changes:
        raise Invalid(
            _("Nothing to change: give at least one new value, e.g. --travel 03/07/2024.")
        )
    store.edit(s.conn, current["app_no"], changes, s.stamp, s.operator)
    updated = {**current, **changes}
    render.line(
        _("Updated {app_no} ({fields}): {dates}.").format(
            app_no=current["app_no"], fields=", ".join(changes), dates=_dates_line(updated, s)
        )
    )


def main() -> None:
    """Console entry point."""
    import gc

    # One command, then the process ends: the cyclic collector would only walk the queue's
    # hundred thousand objects again and again (a tenth of `list`); reference counting frees
    # what passq drops, and it makes no cycles worth collecting before it exits.
    gc.disable()
    _register_only(_command_name(sys.argv[1:]))
    app(prog_name="passq")


# The global options that take a value (main_options): what comes after them is not a command.
GLOBAL_VALUE_OPTIONS = frozenset({"--db", "--now", "--operator", "--busy-timeout"})


def _command_name(args: list[str]) -> str | None:
    """The command `args` name (the first word that is not a global option or its value)."""
    words = iter(args)
    for word in words:
        if word == "--":
            break
        if word.startswith("-"):
            if word in GLOBAL_VALUE_OPTIONS:
                next(words, None)
            continue
        return word
    return None


def _register_only(name: str | None) -> None:
    """Keep only the command (or command group) `name` registered: typer builds every
    registered command's parameters at each start (9 ms for all, 1 ms for one). Without a
    known name all stay, so help and 'No such command' read as always."""
    from typer.main import get_command_name

    commands = [
        command
        for command in app.registered_commands
        if (command.name or get_command_name(command.callback.__name__)) == name
    ]
    groups = [group for group in app.registered_groups if group.name == name]
    if commands or groups:
        app.registered_commands, app.registered_groups = commands, groups


# --- Looking -------------------------------------------------------------------------------


@app.command()
def show(
    ctx: typer.Context,
    app_no: Annotated[str, typer.Argument(help=_("Application number."), metavar="APP_NO")],
    as_json: AsJson = False,
) -> None:
    """One application: its record, its planned print day and why, its history."""
    s = session(ctx)
    record = store.require(s.conn, backlog.check_app_no(app_no))
    placement = None
    if record["status"] == "pending":
        placement = s.plan(only=record["app_no"])[0]
    events = store.history(s.conn, record["app_no"])
    if as_json:
        why = _explain(s, placement, record) if placement else None
        render.emit_json(
            {"application": record, "placement": placement, "why": why, "history": events}
        )
        return
    render.line(f"{record['app_no']}  {record['name']}  ({record['service']}, {record['status']})")
    for label, value in (
        (_("Phone"), record["phone"]),
        (_("Applied"), backlog.show_date(record["applied"])),
        (_("Travel"), record["travel"] and backlog.show_date(record["travel"])),
        (_("Destination"), record["destination"]),
        (_("Urgent"), record["urgent"]),
        (_("Note"), record["note"]),
        (_("Batch"), record["batch_id"]),
        (_("Failures"), record["failures"] or None),
    ):
        if value is not None:
            render.line(f"  {label}: {value}")
    render.line(f"  {_dates_line(record, s).capitalize()}")
    if placement is not None:
        render.line(
            "  "
            + _("Queue: number {rank}, planned {day}.").format(
                rank=placement.rank, day=backlog.show_day(placement.planned_day)
            )
        )
        render.line("  " + _explain(s, placement, record))
    render.table(
        (_("When"), _("Who"), _("What"), _("Batch"), _("Detail")),
        (
            (e["at"], e["operator"], e["action"], e["batch_id"], _detail_text(e["detail"]))
            for e in events
        ),
        title=_("History"),
    )


def _explain(s: Session, placement: backlog.Placement, record: dict) -> str:
    return backlog.explain(
        placement,
        record,
        placement.rank - 1,
        today=s.today,
        capacity=s.calendar.capacity,
        horizon_days=s.settings["horizon_days"],
    )


def _detail_text(detail: dict) -> str:
    return "; ".join(
        f"{key}: {value[0]} → {value[1]}" if isinstance(value, list) else f"{key}: {value}"
        for key, value in detail.items()
    )


LIST_STATUSES = (*backlog.STATUSES, "all")


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option("--status", help=_("pending, claimed, printed, collected, cancelled or all.")),
    ] = "pending",
    limit: Annotated[int, typer.Option("--limit", min=1, help=_("At most this many."))] = 50,
    as_json: AsJson = False,
) -> None:
    """Applications: pending ones in queue order, others most recent first."""
    if status not in LIST_STATUSES:
        raise Invalid(
            _("Unknown status '{status}': use {allowed}.").format(
                status=status, allowed=", ".join(LIST_STATUSES)
            )
        )
    s = session(ctx)
    if status == "pending":
        rows = s.queue_rows(s.plan(first=limit))
    else:
        rows = [
            {
                key: record[key]
                for key in ("app_no", "name", "service", "status", "batch_id", "updated_at")
            }
            for record in store.by_status(s.conn, None if status == "all" else status, limit)
        ]
        if status == "claimed":
            claimed_at = {b["batch_id"]: b["claimed_at"] for b in store.open_batches(s.conn)}
            for row in rows:
                row["claimed_at"] = claimed_at[row["batch_id"]]
                row["age_hours"] = round(backlog.hours_since(row["claimed_at"], s.now), 1)
    if as_json:
        render.emit_json(rows)
    elif not rows:
        render.line(_("No applications with status {status}.").format(status=status))
    else:
        render.records(rows)


def _queue_row(placement: backlog.Placement, record: dict) -> dict:
    return {
        "rank": placement.rank,
        "app_no": placement.app_no,
        "name": record["name"],
        "service": record["service"],
        "deadline": placement.deadline,
        "planned_day": placement.planned_day,
        "step": placement.step,
    }


# --- Printing ------------------------------------------------------------------------------


@app.command("next-batch")
def next_batch(
    ctx: typer.Context,
    size: Annotated[int, typer.Option("--size", min=1, max=1000, help=_("How many books."))] = 25,
    peek: Annotated[bool, typer.Option("--peek", help=_("Only show them; claim nothing."))] = False,
    as_json: AsJson = False,
) -> None:
    """Claim the next books to print for this operator (never the same as another desk's)."""
    s = session(ctx)
    if peek:
        batch_id, books = None, s.queue_rows(s.plan(first=size))
    else:
        chosen: list[backlog.Placement] = []

        def choose(queue: list[dict]) -> list[str]:
            chosen.extend(s.placements(queue, first=size))
            return [p.app_no for p in chosen]

        batch_id, claimed = store.claim(s.conn, choose, s.stamp, s.operator)
        books = [_queue_row(p, record) for p, record in zip(chosen, claimed, strict=True)]
        _warn_stale(s)
    if as_json:
        render.emit_json({"batch_id": batch_id, "operator": s.operator, "books": books})
        return
    if not books:
        render.line(_("Nothing to print: no pending books."))
        return
    if batch_id is None:
        title = _("Next {n} books (not claimed)").format(n=len(books))
    else:
        title = _("Batch {batch_id} for {operator}: {n} books").format(
            batch_id=batch_id, operator=s.operator, n=len(books)
        )
    render.records(books, title)
    if batch_id is not None:
        render.line(
            _("When they are printed: passq printed --batch {batch_id}").format(batch_id=batch_id)
        )


def _numbers(app_nos: list[str] | None) -> list[str]:
    """Numbers from the arguments, or one a line from standard input for '-' (a scanner)."""
    numbers = list(app_nos or [])
    if numbers == ["-"]:
        numbers = sys.stdin.read().splitlines()
    elif "-" in numbers:
        raise Invalid(_("Give '-' alone to read numbers from standard input."))
    checked = backlog.unique(numbers)
    if not checked:
        raise Invalid(_("No application numbers given: name them, or give '-' to read them."))
    return checked


def _done(records: list[dict], verb: str) -> None:
    render.line(
        _("{verb} {n} book(s): {numbers}.").format(
            verb=verb, n=len(records), numbers=", ".join(r["app_no"] for r in records)
        )
        if len(records) <= 10
        else _("{verb} {n} books.").format(verb=verb, n=len(records))
    )


@app.command()
def printed(
    ctx: typer.Context,
    app_nos: Annotated[
        list[str] | None,
        typer.Argument(
            help=_("Application numbers, or '-' to read one a line (barcode scanner)."),
            metavar="[APP_NO...|-]",
        ),
    ] = None,
    batch_id: Annotated[
        int | None, typer.Option("--batch", help=_("Mark a whole batch printed."), metavar="ID")
    ] = None,
    except_: Annotated[
        list[str] | None,
        typer.Option(
            "--except", help=_("With --batch: a book that was not printed."), metavar="APP_NO"
        ),
    ] = None,
) -> None:
    """Mark books printed: by number, by batch, or scanned from standard input."""
    s = session(ctx)
    if batch_id is not None:
        if app_nos:
            raise Invalid(_("Give either application numbers or --batch, not both."))
        numbers = _batch_numbers(s, batch_id, backlog.unique(except_ or []))
    else:
        if except_:
            raise Invalid(_("--except only works with --batch."))
        numbers = _numbers(app_nos)
    records = store.transition(s.conn, numbers, "printed", s.stamp, s.operator)
    _done(records, _("Printed"))
    if batch_id is not None and except_:
        render.line(
            _(
                "Still claimed in batch {batch_id}: {numbers}. Release them or mark them failed."
            ).format(batch_id=batch_id, numbers=", ".join(backlog.unique(except_)))
        )


def _batch_numbers(s: Session, batch_id: int, excepted: list[str]) -> list[str]:
    store.batch(s.conn, batch_id)
    claimed = [r["app_no"] for r in store.batch_books(s.conn, batch_id) if r["status"] == "claimed"]
    strangers = [app_no for app_no in excepted if app_no not in claimed]
    if strangers:
        raise Invalid(
            _(
                "{app_no} is not a claimed book of batch {batch_id}: check the --except numbers."
            ).format(app_no=strangers[0], batch_id=batch_id)
        )
    numbers = [app_no for app_no in claimed if app_no not in excepted]
    if not numbers:
        raise Refused(
            _("Batch {batch_id} has no claimed books left to mark.").format(batch_id=batch_id)
        )
    return numbers


Reason = Annotated[str, typer.Option("--reason", help=_("Why (kept in the history)."))]


@app.command()
def failed(ctx: typer.Context, app_nos: AppNos, reason: Reason) -> None:
    """A misprint: the book goes back to the queue, its failure counted."""
    s = session(ctx)
    records = store.transition(
        s.conn,
        _numbers(app_nos),
        "failed",
        s.stamp,
        s.operator,
        backlog.check_text(reason, "reason"),
    )
    _done(records, _("Back in the queue"))


@app.command()
def release(
    ctx: typer.Context,
    app_nos: Annotated[
        list[str] | None, typer.Argument(help=_("Application numbers."), metavar="[APP_NO...]")
    ] = None,
    batch_id: Annotated[
        int | None, typer.Option("--batch", help=_("Release a whole batch."), metavar="ID")
    ] = None,
    stale: Annotated[
        float | None,
        typer.Option(
            "--stale",
            min=0,
            help=_("Release every batch claimed at least this many hours ago."),
            metavar="HOURS",
        ),
    ] = None,
) -> None:
    """Unclaim books (by number, a batch, or stale batches): back to the queue."""
    s = session(ctx)
    if sum(given is not None and given != [] for given in (app_nos, batch_id, stale)) > 1:
        raise Invalid(_("Give one of application numbers, --batch or --stale."))
    if stale is not None:
        batches = _stale_batches(s, stale)
        if not batches:
            render.line(
                _("No batch has been claimed for {hours} hours or more.").format(hours=stale)
            )
            return
        numbers = [n for b in batches for n in _batch_numbers(s, b["batch_id"], [])]
        reason = _("stale: claimed over {hours} hours ago").format(hours=stale)
        records = store.transition(s.conn, numbers, "released", s.stamp, s.operator, reason)
    else:
        numbers = _batch_numbers(s, batch_id, []) if batch_id is not None else _numbers(app_nos)
        records = store.transition(s.conn, numbers, "released", s.stamp, s.operator)
    _done(records, _("Released"))


def _stale_batches(s: Session, hours: float) -> list[dict]:
    return [
        batch
        for batch in store.open_batches(s.conn)
        if backlog.hours_since(batch["claimed_at"], s.now) >= hours
    ]


def _warn_stale(s: Session) -> None:
    hours = s.settings["stale_hours"]
    for batch in _stale_batches(s, hours):
        render.warn(
            _(
                "Warning: batch {batch_id} ({operator}) was claimed {age:.0f} hours ago and "
                "{n} book(s) are still not printed: print them, or 'passq release --stale {hours}'."
            ).format(
                n=batch["still_claimed"],
                age=backlog.hours_since(batch["claimed_at"], s.now),
                hours=hours,
                **batch,
            )
        )


@app.command()
def collected(ctx: typer.Context, app_nos: AppNos) -> None:
    """Handed over to the applicant (or their proxy)."""
    s = session(ctx)
    records = store.transition(s.conn, _numbers(app_nos), "collected", s.stamp, s.operator)
    _done(records, _("Collected"))


@app.command()
def cancel(ctx: typer.Context, app_nos: AppNos, reason: Reason) -> None:
    """Withdraw applications (pending, claimed or printed)."""
    s = session(ctx)
    records = store.transition(
        s.conn,
        _numbers(app_nos),
        "cancelled",
        s.stamp,
        s.operator,
        backlog.check_text(reason, "reason"),
    )
    _done(records, _("Cancelled"))


@app.command()
def undo(ctx: typer.Context) -> None:
    """Reverse your last action (a claim, a printed mark, an edit, an import…) if nothing
    later depends on it."""
    s = session(ctx)
    action, books = store.undo(s.conn, s.stamp, s.operator)
    if not books:
        render.line(_("Undid your last change ({action}).").format(action=action))
    elif len(books) <= 10:
        render.line(
            _("Undid your last action ({action}) on {n} book(s): {numbers}.").format(
                action=action, n=len(books), numbers=", ".join(books)
            )
        )
    else:
        render.line(
            _("Undid your last action ({action}) on {n} books.").format(action=action, n=len(books))
        )


# --- The supervisor's day end --------------------------------------------------------------


@app.command()
def report(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help=_("Which day [default: today]."), metavar="DATE")
    ] = None,
    names: Annotated[
        bool,
        typer.Option(
            "--names",
            help=_("Also list the pending books travelling within 7 days, with names and phones."),
        ),
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The day-end report: what was printed, what is waiting, who travels soon (counts only,
    unless --names)."""
    s = session(ctx)
    report_day = backlog.parse_date(day, s.today, "--date") if day else s.today
    if report_day > s.today:
        raise Invalid(
            _("The report date {day} is in the future: give today or an earlier day.").format(
                day=backlog.show_date(report_day)
            )
        )
    pending_end, open_batches = store.state_at_end_of(s.conn, report_day, s.today)
    # The day-end picture: that day's capacity counts as used, so yesterday's report reads the
    # same today as it did last night.
    day_capacity = s.calendar.capacity(report_day)
    figures = backlog.day_report(
        report_day,
        store.day_events(s.conn, report_day),
        open_batches,
        pending_end,
        s.figures(pending_end, report_day, day_capacity),
        s.now if report_day == s.today else s.end_of(report_day),
    )
    # Names and phones only when asked for (DESIGN §8: reports show counts, not personal data).
    soon = []
    if names:
        near = [r["app_no"] for r in backlog.travelling_within(pending_end, report_day)]
        whole = store.existing(s.conn, near).values()
        soon = backlog.travelling_soon(list(whole), report_day, s.settings["pickup_days"])
    if as_json:
        from dataclasses import asdict

        render.emit_json({**asdict(figures), "travelling_soon": soon} if names else figures)
        return
    _render_report(figures, s.settings["office"])
    if names and not soon:
        render.line(_("No pending book travels within 7 days."))
    elif names:
        render.table(
            (_("App no"), _("Name"), _("Phone"), _("Travel"), _("Deadline")),
            ((b["app_no"], b["name"], b["phone"], b["travel"], b["deadline"]) for b in soon),
            title=_("Pending, travelling within 7 days ({n})").format(n=len(soon)),
        )


def _render_report(r: backlog.DayReport, office: str) -> None:
    render.line(
        _("Day-end report{office} for {day}").format(
            office=f" — {office}" if office else "", day=backlog.show_date(r.day)
        )
    )
    by_service = ", ".join(f"{k} {v}" for k, v in sorted(r.printed_by_service.items()))
    by_operator = ", ".join(f"{k} {v}" for k, v in sorted(r.printed_by_operator.items()))
    render.table(
        (_("Figure"), _("Books")),
        (
            (_("Printed"), f"{r.printed}" + (f" ({by_service})" if by_service else "")),
            (_("Printed by operator"), by_operator or "-"),
            (_("Failed (misprints)"), r.failed),
            (_("Released"), r.released),
            (_("Cancelled"), r.cancelled),
            (_("Collected"), r.collected),
            (_("New applications"), r.new_applications),
            (_("Pending at day end"), r.pending_end),
            (_("Pending, travelling within 7 days"), r.travel_within_7_days),
            (_("Oldest pending applied"), backlog.show_date(r.oldest_pending_applied)),
            (_("Due date already broken"), r.due_broken),
            (_("Will miss their travel date"), r.will_miss),
            (_("Capacity needed per print day"), r.capacity_needed),
            (_("Backlog clears on"), backlog.show_date(r.clears_on)),
        ),
    )
    render.line(
        _(
            "The last four figures plan from the next print day, as at day end; "
            "'passq plan' shows the live schedule."
        )
    )
    for batch in r.open_batches:
        render.warn(
            _(
                "Warning: batch {batch_id} ({operator}, claimed {age} hours ago) still has "
                "{n} book(s) not printed: print, release or fail them."
            ).format(n=batch["still_claimed"], age=batch["age_hours"], **batch)
        )


# --- Trying it out -------------------------------------------------------------------------


@app.command()
def demo(
    ctx: typer.Context,
    size: Annotated[
        int, typer.Option("--size", min=1, max=2_000_000, help=_("How many books."))
    ] = 1250,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help=_("Demo database [default: demo.db beside the real one]."),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build a realistic sample backlog in a demo database; show its next batch and report."""
    from passq import demo as sample

    s = session(ctx)
    root = ctx.find_root()
    named = db or (s.db_path if root.get_parameter_source("db").name == "COMMANDLINE" else None)
    target = named or default_db().with_name("demo.db")
    if named is None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    s.close()
    s.db_path = target
    if not store.is_empty(s.conn):
        raise Refused(
            _("{path} already holds data: give an empty or new file with --db.").format(path=target)
        )
    count = store.add_many(
        s.conn,
        sample.applications(size, s.today, is_working_day=s.calendar.is_working_day),
        s.stamp,
        s.operator,
    )
    render.line(_("Demo database {path}: {n} pending books.").format(path=target, n=count))
    render.line(_("Try it: passq --db {path} next-batch --peek").format(path=target))
    ctx.invoke(next_batch, ctx=ctx, size=10, peek=True, as_json=False)
    ctx.invoke(report, ctx=ctx, day=None, as_json=False)


# --- The print calendar and the office's settings ------------------------------------------

calendar_app = typer.Typer(
    cls=PassqGroup, no_args_is_help=True, help=_("Print days: holidays, closures, extra shifts.")
)
app.add_typer(calendar_app, name="calendar")
OverrideReason = Annotated[str, typer.Option("--reason", help=_("Why (shown in 'calendar show')."))]


@calendar_app.command("off")
def calendar_off(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help=_("The day to close."), metavar="DATE")],
    reason: OverrideReason = "",
) -> None:
    """Close a day: nothing is planned on it (a system outage, a local holiday)."""
    s = session(ctx)
    closed = backlog.parse_date(day, s.today, "date")
    store.set_override(s.conn, closed, 0, backlog.check_text(reason, "reason"), s.stamp, s.operator)
    render.line(
        _("{day} is closed: nothing will be planned on it.").format(day=backlog.show_date(closed))
    )


@calendar_app.command("on")
def calendar_on(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help=_("The day to open."), metavar="DATE")],
    capacity: Annotated[
        int, typer.Option("--capacity", min=1, max=100_000, help=_("Books that day."))
    ],
    reason: OverrideReason = "",
) -> None:
    """Open a day with a capacity (a Saturday overtime shift, a day with more printers)."""
    s = session(ctx)
    opened = backlog.parse_date(day, s.today, "date")
    store.set_override(
        s.conn, opened, capacity, backlog.check_text(reason, "reason"), s.stamp, s.operator
    )
    render.line(
        _("{day} is a print day for {capacity} books.").format(
            day=backlog.show_date(opened), capacity=capacity
        )
    )


@calendar_app.command("show")
def calendar_show(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help=_("First day [default: today]."), metavar="DATE")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help=_("How many days."))] = 14,
    as_json: AsJson = False,
) -> None:
    """List each day with its capacity and why."""
    s = session(ctx)
    first = backlog.parse_date(start, s.today, "--from date") if start else s.today
    listed = s.calendar.days(first, days)
    if as_json:
        render.emit_json(
            [{"date": d.date, "capacity": d.capacity, "reason": d.reason} for d in listed]
        )
        return
    render.table(
        (_("Day"), _("Capacity"), _("Why")),
        ((d.date.strftime("%a %d/%m/%Y"), d.capacity, d.reason) for d in listed),
    )


config_app = typer.Typer(cls=PassqGroup, no_args_is_help=True, help=_("The office's settings."))
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show every setting (shared by every desk using this database)."""
    settings = session(ctx).settings
    if as_json:
        render.emit_json(settings)
        return
    render.table((_("Setting"), _("Value")), settings.items())


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            help=_("capacity, pickup_days, horizon_days, office or timezone."), metavar="KEY"
        ),
    ],
    value: Annotated[str, typer.Argument(help=_("The new value."), metavar="VALUE")],
) -> None:
    """Change a setting: capacity, pickup_days, horizon_days, office, timezone."""
    s = session(ctx)
    stored = backlog.check_setting(key, value)
    store.set_setting(s.conn, key, stored, s.stamp, s.operator)
    render.line(_("{key} is now {value}.").format(key=key, value=stored))


# --- The schedule --------------------------------------------------------------------------


@app.command()
def plan(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help=_("Print days to show."))] = 10,
    names: Annotated[
        bool, typer.Option("--names", help=_("Show applicants' names, not only numbers."))
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The schedule: per print day who is planned, who will miss, the capacity needed."""
    s = session(ctx)
    placements = s.plan()
    used = store.used_today(s.conn, s.today)
    summary = s.summary(placements, s.today, used)
    # Rank order: planned days never go down, the books without a day come last.
    by_day = {day: list(books) for day, books in groupby(placements, attrgetter("planned_day"))}
    if as_json:
        render.emit_json(_plan_json(s, placements, summary, by_day))
        return
    # Whole records only for the books the tables name.
    shown = [p.app_no for planned in list(by_day.values())[:days] for p in planned[:3]]
    shown += [p.app_no for p in summary.will_miss[:20]]
    records = store.existing(s.conn, shown)
    _render_plan(s, records, placements, summary, by_day, days, names)


def _plan_json(s: Session, placements, summary, by_day) -> dict:
    # The long lists go out as columns, written as they are encoded (a million books).
    days = [day for day in by_day if day is not None]
    return {
        "today": s.today,
        "capacity": s.settings["capacity"],
        "days": render.Objects(
            {
                "date": days,
                "capacity": map(s.calendar.capacity, days),
                "planned": ([p.app_no for p in by_day[day]] for day in days),
            }
        ),
        "will_miss": _objects(summary.will_miss, "app_no", "deadline", "planned_day"),
        "clears_on": summary.clears_on,
        "capacity_needed": summary.capacity_needed,
        "extra_per_day": summary.extra_per_day,
        "extra_days": summary.extra_days,
        "due_broken": summary.overdue,
        "items": _objects(
            placements, "rank", "app_no", "planned_day", "step", "deadline", "due", "on_time"
        ),
    }


def _objects(placements: list[backlog.Placement], *fields: str) -> render.Objects:
    return render.Objects({field: map(attrgetter(field), placements) for field in fields})


def _render_plan(s: Session, records, placements, summary, by_day, days: int, names: bool) -> None:
    office = s.settings["office"]
    render.line(
        _("Plan for {day}{office}: {n} books pending, {capacity} a print day.").format(
            day=s.today.strftime("%a %d/%m/%Y"),
            office=f" — {office}" if office else "",
            n=len(placements),
            capacity=s.settings["capacity"],
        )
    )
    if not placements:
        return
    render.line(
        _("The backlog clears on {day}.").format(day=backlog.show_date(summary.clears_on))
        if summary.clears_on
        else _(
            "The calendar has no print days for {n} books: open days with 'passq calendar on'."
        ).format(n=summary.unplanned)
    )
    render.line(
        _("{n} will miss their travel date; {broken} are past their due date.").format(
            n=len(summary.will_miss), broken=summary.overdue
        )
    )
    if summary.extra_per_day:
        render.line(
            _(
                "To save everyone with a deadline from today on: {needed} books a print day, "
                "that is {extra} extra a day for {days} print days (until {until})."
            ).format(
                needed=summary.capacity_needed,
                extra=summary.extra_per_day,
                days=summary.extra_days,
                until=backlog.show_date(summary.extra_until),
            )
        )
    else:
        render.line(_("Current capacity is enough for every deadline that can still be met."))
    rows = []
    for day, planned in list(by_day.items())[:days]:
        steps = Counter(p.step for p in planned)
        first = ", ".join(records[p.app_no]["name"] if names else p.app_no for p in planned[:3])
        rows.append(
            (
                day.strftime("%a %d/%m") if day else _("no day"),
                len(planned),
                steps["must"],
                steps["near"],
                steps["missed"],
                steps["queue"],
                first + (" …" if len(planned) > 3 else ""),
            )
        )
    render.table(
        (_("Day"), _("Books"), _("Must"), _("Near"), _("Missed"), _("Queue"), _("First")),
        rows,
        title=_("Per print day"),
    )
    if summary.will_miss:
        render.table(
            (
                _("App no"),
                _("Name") if names else _("Service"),
                _("Deadline"),
                _("Planned"),
                _("Late"),
            ),
            (
                (
                    p.app_no,
                    records[p.app_no]["name"] if names else records[p.app_no]["service"],
                    p.deadline,
                    p.planned_day,
                    _("{n} d").format(n=(p.planned_day - p.deadline).days)
                    if p.planned_day
                    else "-",
                )
                for p in summary.will_miss[:20]
            ),
            title=_("Will miss (first {n} of {total})").format(
                n=min(20, len(summary.will_miss)), total=len(summary.will_miss)
            ),
        )


# --- Backups and health (issue 5) ----------------------------------------------------------


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help=_("Backup file, or a folder for the default name [default: beside the database]."),
            metavar="[PATH]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a consistent copy of the database (others may keep working), readable by you only."""
    from passq import maintenance

    s = session(ctx)
    store.require_database(s.db_path)
    default = maintenance.backup_name(s.db_path, s.now)
    written, count = store.backup(s.conn, path or default, default.name)
    render.line(
        _("Backed up {n} applications to {path}; put it back with 'passq restore {path}'.").format(
            n=count, path=written
        )
    )


@app.command()
def restore(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=_("A file made by 'passq backup'."), metavar="PATH")],
) -> None:
    """Replace the database by a backup, after checking it; the replaced one is kept aside."""
    from passq import maintenance

    s = session(ctx)
    aside = maintenance.replaced_name(s.db_path, s.now)
    version, count = store.restore(s.conn, s.db_path, path, aside)
    s.close()
    _reopened = s.conn  # opening it again migrates a backup made by an older passq
    render.line(
        _(
            "Restored {path} (schema {version}, {n} applications) into {db}; the replaced "
            "database is kept as {aside}."
        ).format(path=path, version=version, n=count, db=s.db_path, aside=aside)
    )


@app.command()
def doctor(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Check the database: schema, integrity, WAL, counts, open batches, events against statuses."""
    from passq import maintenance

    s = session(ctx)
    store.require_database(s.db_path)
    facts = store.doctor_facts(s.conn, s.db_path)
    stale_hours = s.settings["stale_hours"]
    found = maintenance.diagnose(facts, s.now, stale_hours)
    if as_json:
        render.emit_json(
            {
                **facts,
                "open_batches": found.open_batches,
                "stale_hours": stale_hours,
                "problems": found.problems,
                "healthy": found.healthy,
            }
        )
    else:
        _render_doctor(facts, found, stale_hours)
    if not found.healthy:
        raise Refused(
            _(
                "passq doctor found {n} problem(s), listed above: fix them, or restore a backup."
            ).format(n=len(found.problems))
        )


def _render_doctor(facts: dict, found, stale_hours: float) -> None:
    from passq import maintenance

    render.line(_("Database: {path}").format(path=facts["database"]))
    render.line(
        _("Schema version: {found} (this passq: {known})").format(
            found=facts["schema_version"], known=facts["schema_current"]
        )
    )
    render.line(_("Integrity check: {result}").format(result="; ".join(facts["integrity"][:5])))
    render.line(
        _("Journal mode: {mode}, WAL file {size} bytes").format(
            mode=facts["journal_mode"], size=facts["wal_bytes"]
        )
    )
    render.line(
        _("Applications: {counts}").format(
            counts=", ".join(f"{status} {n}" for status, n in facts["counts"].items())
        )
    )
    if found.open_batches:
        render.table(
            (_("Batch"), _("Operator"), _("Claimed at"), _("Books"), _("Age (h)"), _("Stale")),
            (
                (
                    b["batch_id"],
                    b["operator"],
                    b["claimed_at"],
                    b["still_claimed"],
                    b["age_hours"],
                    _("yes") if b["stale"] else "",
                )
                for b in found.open_batches
            ),
            title=_("Open batches"),
        )
    else:
        render.line(_("Open batches: none"))
    if found.stale_batches:
        render.line(
            _(
                "{n} batch(es) claimed {hours} hours ago or more: print them, or "
                "'passq release --stale {hours}'."
            ).format(n=found.stale_batches, hours=stale_hours)
        )
    if facts["disagreements"]:
        render.table(
            (_("App no"), _("Status"), _("Last event"), _("Its status")),
            (
                (d["app_no"], d["status"], d["action"], d["event_status"])
                for d in facts["disagreements"][: maintenance.SHOWN]
            ),
            title=_("Status disagrees with the events (first {n} of {total})").format(
                n=min(maintenance.SHOWN, len(facts["disagreements"])),
                total=len(facts["disagreements"]),
            ),
        )
    if found.healthy:
        render.line(_("No problem found."))
    for problem in found.problems:
        render.line(_("Problem: {problem}").format(problem=problem))


# --- Bulk import and export ----------------------------------------------------------------

PROGRESS_ROWS = 5000  # files this long show a progress bar (on a terminal)
SHOWN_PROBLEMS = 20


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help=_("CSV (UTF-8, ',' or ';') or .xlsx file."), metavar="FILE")
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_("Check the file and count; write nothing."))
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help=_("Import the valid rows; write the others to --rejects.")
        ),
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help=_("Where --skip-invalid writes rejected rows [default: FILE.rejects.csv]."),
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help=_("Update changed fields of books already pending.")),
    ] = False,
) -> None:
    """Import pending books from a spreadsheet: every row or none (see --skip-invalid)."""
    from passq import importer

    if rejects is not None and not skip_invalid:
        raise Invalid(_("--rejects only works with --skip-invalid."))
    rejects = rejects or importer.rejects_path(file)
    if skip_invalid and not dry_run and rejects.resolve() == file.resolve():
        raise Invalid(_("--rejects names the file being imported: give another file."))
    s = session(ctx)
    table = importer.read_table(file)
    if table.unknown:
        render.warn(
            _("Ignored columns passq does not know in {source}: {columns}.").format(
                source=file, columns=", ".join(f"'{c}'" for c in table.unknown)
            )
        )
    if not table.rows:
        render.line(_("{source} has no rows: nothing to import.").format(source=file))
        return
    with render.progress(_("Checking rows"), len(table.rows), PROGRESS_ROWS) as advance:
        checked = importer.check_rows(table, s.today, advance)

    def decide(existing: dict[str, dict]) -> importer.Merge:
        merged = importer.merge(table, checked, existing, update, s.today)
        problems = importer.all_problems(checked, merged)
        if problems and not skip_invalid:
            _refuse_import(file, checked, problems, rejects)
        if problems and not dry_run:
            importer.write_rejects(problems, table, rejects)
        return merged

    if checked.problems and not skip_invalid:
        _refuse_import(file, checked, checked.problems, rejects)
    numbers = [record["app_no"] for record in checked.records]
    if dry_run:
        merged = decide(store.existing(s.conn, numbers, whole=update))
    else:
        merged = store.import_records(
            s.conn, numbers, decide, s.stamp, s.operator, file.name, whole=update
        )
    _import_summary(file, checked, merged, dry_run, rejects)


def _refuse_import(file: Path, checked, problems: list, rejects: Path) -> None:
    """Show the first problems, then raise the closing sentence (nothing is written)."""
    bad = len({problem.row for problem in problems})
    render.table(
        (_("Row"), _("Column"), _("Value"), _("Problem")),
        (
            (
                p.row,
                p.column or _("(beyond the header)"),
                p.value if len(p.value) <= 40 else p.value[:39] + "…",
                p.message,
            )
            for p in problems[:SHOWN_PROBLEMS]
        ),
        title=_("Problems ({total})").format(total=len(problems))
        if len(problems) <= SHOWN_PROBLEMS
        else _("First {n} of {total} problems").format(n=SHOWN_PROBLEMS, total=len(problems)),
    )
    if bad == checked.rows:
        raise Invalid(
            _(
                "Nothing imported: all {rows} rows of {source} have problems; fix them and "
                "import again."
            ).format(rows=bad, source=file)
        )
    raise Invalid(
        _(
            "Nothing imported: {bad} of {rows} rows of {source} have problems; fix them and "
            "import again, or give --skip-invalid to import the other {valid} and write these "
            "to {rejects}."
        ).format(bad=bad, rows=checked.rows, source=file, valid=checked.rows - bad, rejects=rejects)
    )


def _import_summary(file: Path, checked, merged, dry_run: bool, rejects: Path) -> None:
    rejected = len({p.row for p in checked.problems} | {p.row for p in merged.problems})
    figures = {
        "source": file,
        "added": len(merged.added),
        "present": merged.present,
        "updated": len(merged.updates),
        "rejected": rejected,
    }
    if dry_run:
        render.line(
            _(
                "Dry run, nothing written: {source} would give {added} added, {present} already "
                "present, {updated} updated, {rejected} rejected."
            ).format(**figures)
        )
    else:
        render.line(
            _(
                "Imported {source}: {added} added, {present} already present, {updated} updated, "
                "{rejected} rejected."
            ).format(**figures)
        )
    if merged.kept:
        render.line(
            _(
                "{n} of the books already present are past pending: they were left as they are."
            ).format(n=merged.kept)
        )
    if rejected and not dry_run:
        render.line(
            _(
                "Rejected rows are in {rejects}, with the reason: fix them and import that file."
            ).format(rejects=rejects)
        )


EXPORT_STATUSES = LIST_STATUSES


@app.command()
def export(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option("--status", help=_("pending, claimed, printed, collected, cancelled or all.")),
    ] = "all",
    form: Annotated[
        str, typer.Option("--format", help=_("csv, json or xlsx."), metavar="FORMAT")
    ] = "csv",
    output: Annotated[
        str | None,
        typer.Option(
            "--output", help=_("File to write ('-': standard output) [default: -]."), metavar="PATH"
        ),
    ] = None,
) -> None:
    """Export applications (import's columns, then status and planned day) to CSV, JSON or xlsx."""
    from passq import importer

    if status not in EXPORT_STATUSES:
        raise Invalid(
            _("Unknown status '{status}': use {allowed}.").format(
                status=status, allowed=", ".join(EXPORT_STATUSES)
            )
        )
    if form not in importer.FORMATS:
        raise Invalid(_("Unknown format '{form}': use csv, json or xlsx.").format(form=form))
    to_stdout = output in (None, "-")
    if form == "xlsx" and to_stdout:
        raise Invalid(_("An xlsx export cannot go to standard output: give a file with --output."))
    s = session(ctx)
    records = store.applications(s.conn, None if status == "all" else status)
    planned: dict[str, date | None] = {}
    if status in ("pending", "all"):
        planned = {p.app_no: p.planned_day for p in s.plan()}
    rows = ({**record, "planned_day": planned.get(record["app_no"])} for record in records)
    count = importer.write_export(rows, form, output, sys.stdout)
    if not to_stdout:
        render.line(_("Exported {n} applications to {path}.").format(n=count, path=output))
