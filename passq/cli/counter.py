"""The counter's commands: register, correct, look up."""

from typing import TYPE_CHECKING, Annotated

import typer

from passq.cli import render, root, session
from passq.cli.options import (
    Applied,
    AsJson,
    Destination,
    Language,
    Name,
    Note,
    Phone,
    Service,
    Travel,
    Urgent,
    Yes,
)
from passq.domain.dates import show_date, show_day, show_stamp
from passq.domain.records import FIELDS, STATUSES, deadline, due
from passq.errors import Invalid
from passq.i18n import _, _l
from passq.services import counter
from passq.services.session import Session

if TYPE_CHECKING:
    from passq.domain.queue import Placement


def _fields(**raw: str | None) -> dict[str, str | None]:
    return {field: raw[field] for field in FIELDS}


def _dates_line(record: dict, s: Session) -> str:
    book_due = due(record, s.calendar.add_working_days)
    latest = deadline(record, s.settings["pickup_days"])
    if latest is None:
        return _("deadline none (no travel date), due {due}").format(due=show_date(book_due))
    # The flight deadline is the last print day on or before it (DESIGN §4).
    book_deadline = s.calendar.last_print_day_on_or_before(latest, s.today)
    if book_deadline is None:
        return _("flight date passed (ask for the new date), due {due}").format(
            due=show_date(book_due)
        )
    return _("deadline {deadline}, due {due}").format(
        deadline=show_date(book_deadline), due=show_date(book_due)
    )


@root.command()
def add(
    ctx: typer.Context,
    app_no: Annotated[
        str, typer.Argument(help=_l("Application number (nomor permohonan)."), metavar="APP_NO")
    ],
    name: Name = None,
    service: Service = None,
    applied: Applied = None,
    travel: Travel = None,
    destination: Destination = None,
    phone: Phone = None,
    urgent: Urgent = None,
    note: Note = None,
    language: Language = None,
    yes: Yes = False,
) -> None:
    """Register one pending passport book."""
    s = session(ctx)
    record = counter.add(s, app_no, _fields(**locals()), yes)
    render.line(
        _("Added {app_no} ({service}): {dates}.").format(
            app_no=record["app_no"], service=record["service"], dates=_dates_line(record, s)
        )
    )


@root.command()
def edit(
    ctx: typer.Context,
    app_no: Annotated[
        str, typer.Argument(help=_l("Application number to correct."), metavar="APP_NO")
    ],
    name: Name = None,
    service: Service = None,
    applied: Applied = None,
    travel: Travel = None,
    destination: Destination = None,
    phone: Phone = None,
    urgent: Urgent = None,
    note: Note = None,
    language: Language = None,
    yes: Yes = False,
) -> None:
    """Correct a record; an empty value clears a field; every change is logged."""
    s = session(ctx)
    current, changes = counter.edit(s, app_no, _fields(**locals()), yes)
    updated = {**current, **changes}
    render.line(
        _("Updated {app_no} ({fields}): {dates}.").format(
            app_no=current["app_no"], fields=", ".join(changes), dates=_dates_line(updated, s)
        )
    )


@root.command()
def show(
    ctx: typer.Context,
    app_no: Annotated[str, typer.Argument(help=_l("Application number."), metavar="APP_NO")],
    as_json: AsJson = False,
) -> None:
    """One application: its record, its planned print day and why, its history."""
    s = session(ctx)
    record, placement, events = counter.show(s, app_no)
    if as_json:
        why = _explain(s, placement, record) if placement else None
        render.emit_json(
            {"application": record, "placement": placement, "why": why, "history": events}
        )
        return
    render.line(f"{record['app_no']}  {record['name']}  ({record['service']}, {record['status']})")
    for label, value in (
        (_("Phone"), record["phone"]),
        (_("Applied"), show_date(record["applied"])),
        (_("Travel"), record["travel"] and show_date(record["travel"])),
        (_("Destination"), record["destination"]),
        (_("Urgent"), record["urgent"]),
        (_("Note"), record["note"]),
        (_("Language"), _language_name(record.get("language"))),
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
                rank=placement.rank, day=show_day(placement.planned_day)
            )
        )
        render.line("  " + _explain(s, placement, record))
    for handed in _handover_lines(record, events):
        render.line("  " + handed)
    render.table(
        (_("When"), _("Who"), _("What"), _("Batch"), _("Detail")),
        (
            (
                show_stamp(e["at"]),
                e["operator"],
                e["action"],
                e["batch_id"],
                _detail_text(e["detail"]),
            )
            for e in events
        ),
        title=_("History"),
    )


def _language_name(code: str | None) -> str | None:
    """The applicant's language as `show` names it (None: not set, the office's default)."""
    if code is None:
        return None
    return {"id": _("Indonesian (id)"), "en": _("English (en)")}.get(code, code)


def _handover_lines(record: dict, events: list[dict]) -> list[str]:
    """Where a printed book is: ready for collection since when; a collected one: when, to
    whom."""
    if record["status"] == "printed" and record["printed_at"]:
        return [
            _("Printed {at}: ready for collection since then.").format(
                at=show_stamp(record["printed_at"])
            )
        ]
    if record["status"] != "collected" or not record["collected_at"]:
        return []
    handed = next((e for e in reversed(events) if e["action"] == "collected"), None)
    by = handed["detail"].get("by") if handed else None
    clerk = handed["operator"] if handed else "-"
    at = show_stamp(record["collected_at"])
    if by:
        text = _("Collected {at} by {by} for the applicant, handed over by {clerk}.")
    else:
        text = _("Collected {at} by the applicant, handed over by {clerk}.")
    return [text.format(at=at, by=by, clerk=clerk)]


def _explain(s: Session, placement: "Placement", record: dict) -> str:
    from passq.domain.explain import explain  # with the queue rule: not on `add`'s path

    return explain(
        placement,
        record,
        placement.rank - 1,
        today=s.today,
        capacity=s.calendar.capacity,
        horizon_days=s.settings["horizon_days"],
        pickup_days=s.settings["pickup_days"],
    )


def _detail_text(detail: dict) -> str:
    return "; ".join(
        f"{key}: {value[0]} → {value[1]}" if isinstance(value, list) else f"{key}: {value}"
        for key, value in detail.items()
    )


LIST_STATUSES = (*STATUSES, "all")


@root.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option(
            "--status", help=_l("pending, claimed, printed, collected, cancelled or all.")
        ),
    ] = "pending",
    limit: Annotated[int, typer.Option("--limit", min=1, help=_l("At most this many."))] = 50,
    as_json: AsJson = False,
) -> None:
    """Applications: pending ones in queue order, others most recent first."""
    if status not in LIST_STATUSES:
        raise Invalid(
            _("Unknown status '{status}': use {allowed}.").format(
                status=status, allowed=", ".join(LIST_STATUSES)
            )
        )
    rows = counter.listed(session(ctx), status, limit)
    if as_json:
        render.emit_json(rows)
    elif not rows:
        render.line(_("No applications with status {status}.").format(status=status))
    else:
        render.records(rows)


@root.command()
def find(
    ctx: typer.Context,
    text: Annotated[
        str,
        typer.Argument(
            help=_l("Part of the name or destination, a phone number, or an application number."),
            metavar="TEXT",
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help=_l("At most this many."))
    ] = 20,
    as_json: AsJson = False,
) -> None:
    """Find books by name (any word, case and accents ignored), phone (any written form) or
    number: newest first, with status, travel and planned print day."""
    rows, total = counter.find(session(ctx), text, limit)
    if as_json:
        render.emit_json({"total": total, "books": rows})
        return
    if not rows:
        render.line(_("No book matches '{text}'.").format(text=text))
        return
    render.table(
        (
            _("App no"),
            _("Name"),
            _("Status"),
            _("Applied"),
            _("Travel"),
            _("Destination"),
            _("Planned"),
            _("Phone"),
        ),
        (
            (
                row["app_no"],
                row["name"],
                row["status"],
                show_date(row["applied"]),
                show_date(row["travel"]),
                row["destination"],
                _found_when(row),
                row["phone"],
            )
            for row in rows
        ),
    )
    if total > len(rows):
        render.line(
            _(
                "The newest {shown} of {total} shown: add a word to narrow the search, or give "
                "--limit."
            ).format(shown=len(rows), total=total)
        )


def _found_when(row: dict) -> str:
    """The planned print day of a pending book, or when it left the queue."""
    if row["status"] == "pending":
        return show_day(row["planned_day"]) if row["planned_day"] else _("not planned")
    if row["status"] == "printed":
        return _("printed {at}").format(at=show_stamp(row["printed_at"]))
    if row["status"] == "collected":
        return _("collected {at}").format(at=show_stamp(row["collected_at"]))
    if row["status"] == "claimed":
        return _("in batch {batch_id}").format(batch_id=row["batch_id"])
    return "-"
