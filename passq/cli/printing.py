"""The print operators' commands: claim a batch, mark it printed, failed or released."""

import sys
from typing import Annotated

import typer

from passq.cli import render, root, session
from passq.cli.options import AppNos, AsJson, Force, Reason, Yes
from passq.domain.dates import hours_since, show_date
from passq.domain.lifecycle import unique
from passq.domain.records import check_app_no, check_name, check_text
from passq.errors import Invalid, PassqError, Refused
from passq.i18n import _, _l, ngettext
from passq.services import counter, printing
from passq.services.session import Session


@root.command("next-batch")
def next_batch(
    ctx: typer.Context,
    size: Annotated[int, typer.Option("--size", min=1, max=1000, help=_l("How many books."))] = 25,
    peek: Annotated[
        bool, typer.Option("--peek", help=_l("Only show them; claim nothing."))
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Claim the next books to print for this operator (never the same as another desk's).

    Until reprint_hour (15:00) a batch leaves today's reprint reserve free
    (reprint_reserve_percent: 5 percent of the day's capacity) for all but the books that must be
    printed today, so that a book misprinted on its flight's last print day can still be
    reprinted today.
    """
    s = session(ctx)
    held = 0
    if peek:
        batch_id, books = None, counter.queue_rows(s, s.plan(first=size))
    else:
        batch_id, claimed, held = printing.claim(s, size)
        books = [counter.queue_row(placement, record) for placement, record in claimed]
        _warn_stale(s)
        _warn_beyond_today(s, books)
        if books and held:
            render.warn(
                ngettext(
                    "Note: this batch stops short of today's last print slot, kept for reprints "
                    "until {hour}.",
                    "Note: this batch stops short of today's last {n} print slots, kept for "
                    "reprints until {hour}.",
                    held,
                ).format(n=held, hour=_reserve_hour(s))
            )
    if as_json:
        render.emit_json(
            {"batch_id": batch_id, "operator": s.operator, "books": books}
            | ({} if peek else {"held_for_reprints": held})
        )
        return
    if not books and held:
        render.line(
            ngettext(
                "Nothing claimed: today's last print slot is kept for reprints until {hour}. "
                "Report misprints with 'passq failed' now, and take the next batch from {hour}.",
                "Nothing claimed: today's last {n} print slots are kept for reprints until "
                "{hour}. Report misprints with 'passq failed' now, and take the next batch from "
                "{hour}.",
                held,
            ).format(n=held, hour=_reserve_hour(s))
        )
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


def _reserve_hour(s: Session) -> str:
    """The hour the reprint reserve opens, as the office writes it (15:00)."""
    return f"{s.settings['reprint_hour']:02d}:00"


def _warn_beyond_today(s: Session, books: list[dict]) -> None:
    """A batch that reaches past today's capacity is allowed (the printer may run late), but
    said: the plan counted those books for a later day."""
    later = [b for b in books if b["planned_day"] != s.today]
    if later and not s.calendar.capacity(s.today):
        render.warn(
            _(
                "Note: today is not a print day in the calendar: these books were planned for "
                "{day}."
            ).format(day=show_date(later[0]["planned_day"]))
        )
    elif later:
        render.warn(
            ngettext(
                "Note: {n} book of this batch was planned for a later day: today's capacity "
                "({capacity}) is used up.",
                "Note: {n} books of this batch were planned for a later day: today's capacity "
                "({capacity}) is used up.",
                len(later),
            ).format(n=len(later), capacity=s.calendar.capacity(s.today))
        )


def _numbers(app_nos: list[str] | None) -> list[str]:
    """Numbers from the arguments, or one a line from standard input for '-' (a scanner)."""
    numbers = list(app_nos or [])
    if numbers == ["-"]:
        numbers = sys.stdin.read().splitlines()
    elif "-" in numbers:
        raise Invalid(_("Give '-' alone to read numbers from standard input."))
    checked = unique(numbers)
    if not checked:
        raise Invalid(_("No application numbers given: name them, or give '-' to read them."))
    return checked


def check_reason(text: str) -> str:
    """A --reason: printable and not empty (it is what the history keeps)."""
    reason = check_text(text, "reason")
    if not reason:
        raise Invalid(_("The reason is empty: say why with --reason, e.g. --reason smudged."))
    return reason


def _done(records: list[dict], action: str) -> None:
    """One whole sentence for what was done (the numbers too, up to ten books)."""
    n = len(records)
    numbers = ", ".join(r["app_no"] for r in records) if n <= 10 else ""
    sentences = {
        "printed": (
            ngettext("Printed {n} book: {numbers}.", "Printed {n} books: {numbers}.", n),
            ngettext("Printed {n} book.", "Printed {n} books.", n),
        ),
        "failed": (
            ngettext(
                "Back in the queue: {n} book: {numbers}.",
                "Back in the queue: {n} books: {numbers}.",
                n,
            ),
            ngettext("Back in the queue: {n} book.", "Back in the queue: {n} books.", n),
        ),
        "released": (
            ngettext("Released {n} book: {numbers}.", "Released {n} books: {numbers}.", n),
            ngettext("Released {n} book.", "Released {n} books.", n),
        ),
        "collected": (
            ngettext("Collected {n} book: {numbers}.", "Collected {n} books: {numbers}.", n),
            ngettext("Collected {n} book.", "Collected {n} books.", n),
        ),
        "cancelled": (
            ngettext("Cancelled {n} book: {numbers}.", "Cancelled {n} books: {numbers}.", n),
            ngettext("Cancelled {n} book.", "Cancelled {n} books.", n),
        ),
    }
    listed, counted = sentences[action]
    render.line((listed if numbers else counted).format(n=n, numbers=numbers))


@root.command()
def printed(
    ctx: typer.Context,
    app_nos: Annotated[
        list[str] | None,
        typer.Argument(
            help=_l(
                "Application numbers, or '-' to read one a line (barcode scanner), each recorded "
                "as it is scanned; end with Ctrl-D (on Windows: Ctrl-Z, then Enter)."
            ),
            metavar="[APP_NO...|-]",
        ),
    ] = None,
    batch_id: Annotated[
        int | None, typer.Option("--batch", help=_l("Mark a whole batch printed."), metavar="ID")
    ] = None,
    except_: Annotated[
        list[str] | None,
        typer.Option(
            "--except", help=_l("With --batch: a book that was not printed."), metavar="APP_NO"
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Mark books printed: by number, by batch, or scanned from standard input."""
    s = session(ctx)
    if batch_id is not None:
        if app_nos:
            raise Invalid(_("Give either application numbers or --batch, not both."))
        numbers = printing.batch_numbers(s, batch_id, unique(except_ or []))
    else:
        if except_:
            raise Invalid(_("--except only works with --batch."))
        if app_nos == ["-"]:
            _scan(s)
            return
        numbers = _numbers(app_nos)
    records = printing.mark(s, numbers, "printed", others=force or batch_id is None)
    _done(records, "printed")
    if batch_id is not None and except_:
        render.line(
            _(
                "Still claimed in batch {batch_id}: {numbers}. Release them or mark them failed."
            ).format(batch_id=batch_id, numbers=", ".join(unique(except_)))
        )


def _scan(s: Session) -> None:
    """`printed -`: each scanned line recorded as it comes (its own command), one line said per
    scan, a bad scan said and passed over; a summary, and exit 1 if any line was refused."""
    done: set[str] = set()
    printed = refused = 0
    for line in iter(sys.stdin.readline, ""):
        text = line.strip()
        if not text:
            continue
        try:
            app_no = check_app_no(text)
            if app_no in done:
                render.line(_("{app_no}: scanned again, already recorded.").format(app_no=app_no))
                continue
            record = printing.mark(s, [app_no], "printed")[0]
        except PassqError as error:
            refused += 1
            render.warn(str(error))
        else:
            done.add(app_no)
            printed += 1
            if record["status"] == "pending":
                render.line(
                    _("{app_no}: printed (it was not claimed: recorded all the same).").format(
                        app_no=app_no
                    )
                )
            else:
                render.line(_("{app_no}: printed.").format(app_no=app_no))
        sys.stdout.flush()
    render.line(
        _("Scanning done: {printed} printed, {refused} refused.").format(
            printed=printed, refused=refused
        )
    )
    if refused:
        raise typer.Exit(1)


@root.command()
def failed(ctx: typer.Context, app_nos: AppNos, reason: Reason, force: Force = False) -> None:
    """A misprint: the book goes back to the queue, its failure counted."""
    s = session(ctx)
    records = printing.mark(
        s,
        _numbers(app_nos),
        "failed",
        check_reason(reason),
        others=force,
    )
    _done(records, "failed")
    _warn_lost_today(s, [r["app_no"] for r in records])


def _warn_lost_today(s: Session, app_nos: list[str]) -> None:
    """A misprinted book that had to be printed today for its flight, with today's capacity
    claimed or spent, misses its flight unless the office acts today: say what it can do."""
    lost, batches = printing.lost_today(s, app_nos)
    if not lost:
        return
    n, numbers, args = len(lost), ", ".join(lost), " ".join(lost)
    if batches:
        text = ngettext(
            "{numbers} must be printed today for its flight, and today's capacity is all "
            "claimed: release a book that can wait from an open batch ('passq release APP_NO') "
            "and the next batch starts with it, or reprint it at once and record it with "
            "'passq printed {args}'.",
            "{numbers} must be printed today for their flights, and today's capacity is all "
            "claimed: release {n} books that can wait from the open batches ('passq release "
            "APP_NO') and the next batch starts with them, or reprint them at once and record "
            "them with 'passq printed {args}'.",
            n,
        )
    else:
        text = ngettext(
            "{numbers} must be printed today for its flight, and today's capacity is spent: "
            "reprint it at once all the same and record it with 'passq printed {args}', or it "
            "will miss its flight.",
            "{numbers} must be printed today for their flights, and today's capacity is spent: "
            "reprint them at once all the same and record them with 'passq printed {args}', or "
            "they will miss their flights.",
            n,
        )
    render.warn(text.format(n=n, numbers=numbers, args=args))


@root.command()
def release(
    ctx: typer.Context,
    app_nos: Annotated[
        list[str] | None, typer.Argument(help=_l("Application numbers."), metavar="[APP_NO...]")
    ] = None,
    batch_id: Annotated[
        int | None, typer.Option("--batch", help=_l("Release a whole batch."), metavar="ID")
    ] = None,
    stale: Annotated[
        float | None,
        typer.Option(
            "--stale",
            min=0,
            help=_l("Release every batch claimed at least this many hours ago."),
            metavar="HOURS",
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Unclaim books (by number, a batch, or stale batches): back to the queue."""
    s = session(ctx)
    if sum(given is not None and given != [] for given in (app_nos, batch_id, stale)) > 1:
        raise Invalid(_("Give one of application numbers, --batch or --stale."))
    if stale is not None:
        if stale != stale:  # NaN passes typer's range check
            raise Invalid(_("Invalid --stale 'nan': give a number of hours, e.g. --stale 8."))
        batches = printing.stale_batches(s, stale)
        if not batches:
            render.line(
                _("No batch has been claimed for {hours} hours or more.").format(hours=stale)
            )
            return
        numbers = [n for b in batches for n in printing.batch_numbers(s, b["batch_id"], [])]
        reason = _("stale: claimed over {hours} hours ago").format(hours=stale)
        records = printing.mark(s, numbers, "released", reason)
    else:
        numbers = (
            printing.batch_numbers(s, batch_id, []) if batch_id is not None else _numbers(app_nos)
        )
        records = printing.mark(s, numbers, "released", others=force)
    _done(records, "released")


def _warn_stale(s: Session) -> None:
    hours = s.settings["stale_hours"]
    for batch in printing.stale_batches(s, hours):
        render.warn(
            ngettext(
                "Warning: batch {batch_id} ({operator}) was claimed {age:.0f} hours ago and "
                "{n} book is still not printed: print it, or 'passq release --stale {hours}'.",
                "Warning: batch {batch_id} ({operator}) was claimed {age:.0f} hours ago and "
                "{n} books are still not printed: print them, or 'passq release --stale {hours}'.",
                batch["still_claimed"],
            ).format(
                n=batch["still_claimed"],
                age=hours_since(batch["claimed_at"], s.now),
                hours=hours,
                **batch,
            )
        )


@root.command()
def collected(
    ctx: typer.Context,
    app_nos: AppNos,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help=_l("Who took it, if not the applicant (a proxy)."), metavar="NAME"
        ),
    ] = None,
) -> None:
    """Handed over to the applicant (or their proxy)."""
    s = session(ctx)
    proxy = check_name(by) if by is not None else None
    records = printing.mark(
        s, _numbers(app_nos), "collected", extra={"by": proxy} if proxy else None
    )
    _done(records, "collected")


@root.command()
def cancel(
    ctx: typer.Context,
    app_nos: Annotated[
        list[str] | None, typer.Argument(help=_l("Application numbers."), metavar="[APP_NO...]")
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help=_l("Why (kept in the history)."))
    ] = None,
    uncollected: Annotated[
        bool,
        typer.Option(
            "--uncollected",
            help=_l("Cancel every printed book nobody collected within collection_days."),
        ),
    ] = False,
    yes: Yes = False,
) -> None:
    """Withdraw applications (pending, claimed or printed)."""
    s = session(ctx)
    if uncollected:
        _cancel_uncollected(s, app_nos, reason, yes)
        return
    if reason is None:
        raise Invalid(_("Missing --reason: say why, e.g. --reason 'applicant withdrew'."))
    records = printing.mark(s, _numbers(app_nos), "cancelled", check_reason(reason))
    _done(records, "cancelled")


def _cancel_uncollected(
    s: Session, app_nos: list[str] | None, reason: str | None, yes: bool
) -> None:
    from passq.services import notify

    if app_nos:
        raise Invalid(_("Give application numbers or --uncollected, not both."))
    days = s.settings["collection_days"]
    books = [r["app_no"] for r in notify.past_collection(s)]
    if not books:
        render.line(_("No printed book is past its {days} days for collection.").format(days=days))
        return
    if not yes:
        raise Refused(
            ngettext(
                "{n} printed book was not collected within {days} days ({numbers}): add --yes "
                "to cancel it.",
                "{n} printed books were not collected within {days} days ({numbers}): add --yes "
                "to cancel them.",
                len(books),
            ).format(n=len(books), days=days, numbers=", ".join(books[:10]))
        )
    why = (
        check_reason(reason)
        if reason is not None
        else _("not collected within {days} days").format(days=days)
    )
    records = printing.mark(s, books, "cancelled", why, {"uncollected": True})
    _done(records, "cancelled")


@root.command()
def undo(ctx: typer.Context, yes: Yes = False) -> None:
    """Reverse your last action (a claim, a printed mark, an edit, an import…) if nothing
    later depends on it."""
    s = session(ctx)
    action, books = printing.undo(s, yes)
    if not books:
        render.line(_("Undid your last change ({action}).").format(action=action))
    elif len(books) <= 10:
        render.line(
            ngettext(
                "Undid your last action ({action}) on {n} book: {numbers}.",
                "Undid your last action ({action}) on {n} books: {numbers}.",
                len(books),
            ).format(action=action, n=len(books), numbers=", ".join(books))
        )
    else:
        render.line(
            _("Undid your last action ({action}) on {n} books.").format(action=action, n=len(books))
        )
