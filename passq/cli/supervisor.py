"""The supervisor's commands: the day-end report and the schedule."""

from collections import Counter
from datetime import date
from operator import attrgetter
from pathlib import Path
from typing import Annotated

import typer

from passq.cli import render, root, session
from passq.cli.options import AsJson
from passq.domain import queue as rule
from passq.domain.dates import parse_date, show_date
from passq.domain.figures import PlanFigures
from passq.domain.report import DayReport
from passq.i18n import _, _l, format_day, format_number, ngettext
from passq.services import supervisor
from passq.services.session import Session


@root.command()
def report(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Option("--date", help=_l("Which day [default: today]."), metavar="DATE")
    ] = None,
    names: Annotated[
        bool,
        typer.Option(
            "--names",
            help=_l("Also list the pending books travelling within 7 days, with names and phones."),
        ),
    ] = False,
    as_json: AsJson = False,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html", help=_l("Write the report as one printable HTML page."), metavar="FILE"
        ),
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help=_l("First day of a period."), metavar="DATE")
    ] = None,
    last: Annotated[
        str | None, typer.Option("--to", help=_l("Last day of a period."), metavar="DATE")
    ] = None,
    every_office: Annotated[
        bool,
        typer.Option(
            "--all-offices",
            help=_l("Every office of the server you may read, today: counts only (directorate)."),
        ),
    ] = False,
) -> None:
    """The day-end report: what was printed, what is waiting, who travels soon (counts only,
    unless --names)."""
    s = session(ctx)
    if every_office:
        from passq.cli import report_offices

        report_offices.run(s, day, names, html or first or last, as_json)
        return
    if html is not None or first or last:
        from passq.cli import report_page

        report_page.run(s, day, first, last, html, names, as_json)
        return
    report_day = parse_date(day, s.today, "--date") if day else s.today
    figures, at_end = supervisor.report_day(s, report_day)
    # Names and phones only when asked for (DESIGN §8: reports show counts, not personal data).
    soon = []
    if names:
        soon = supervisor.travelling_soon(s, report_day, at_end)
    if as_json:
        from dataclasses import asdict

        render.emit_json({**asdict(figures), "travelling_soon": soon} if names else figures)
        return
    _render_report(figures, s.settings["office"], live=report_day == s.today)
    if names and not soon:
        render.line(_("No pending book travels within 7 days."))
    elif names:
        render.table(
            (_("App no"), _("Name"), _("Phone"), _("Travel"), _("To"), _("Flight deadline")),
            (
                (
                    b["app_no"] + (" " + _("(claimed)") if b["claimed"] else ""),
                    b["name"],
                    b["phone"],
                    b["travel"],
                    b["destination"],
                    b["flight_deadline"] or _("passed"),
                )
                for b in soon
            ),
            title=_("Pending, travelling within 7 days ({n})").format(n=len(soon)),
        )


def _travelling(r: DayReport) -> str:
    if r.travel_within_7_days_claimed:
        return _("{n} ({claimed} in a batch still claimed)").format(
            n=r.travel_within_7_days, claimed=r.travel_within_7_days_claimed
        )
    return str(r.travel_within_7_days)


def _promises(r: DayReport) -> str:
    return f"{r.promises_broken} ({r.express_promises_broken})"


def _extra(r: DayReport) -> str:
    if r.no_print_day_ahead:
        return _("no print day ahead: open days")
    if r.extra_per_day:
        return ngettext(
            "{extra} on the next print day ({until})",
            "{extra} on each of the next {days} print days (until {until})",
            r.extra_days,
        ).format(extra=r.extra_per_day, days=r.extra_days, until=show_date(r.extra_until))
    return "0"


def _render_report(r: DayReport, office: str, live: bool) -> None:
    render.line(
        _("Day-end report{office} for {day}").format(
            office=f" — {office}" if office else "", day=show_date(r.day)
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
            (_("Printed, not collected"), r.printed_not_collected),
            (_("Of which cancelled within 7 days if not collected"), r.cancel_within_7_days),
            (_("New applications"), r.new_applications),
            (_("Pending at day end"), r.pending_end),
            (_("Travelling within 7 days, not printed"), _travelling(r)),
            (_("Oldest pending applied"), show_date(r.oldest_pending_applied)),
            (_("Promises broken (of which express)"), _promises(r)),
            (_("Will miss their flight"), r.will_miss_flight),
            (_("Flight date passed: ask for the new date"), r.flight_passed),
            (_("Capacity needed: extra books a print day"), _extra(r)),
            (_("Backlog clears on"), show_date(r.clears_on)),
        ),
    )
    render.line(
        _("The last five figures plan from now, with what is left of today's capacity.")
        if live
        else _("The last five figures plan from the next day, as at that day's end.")
    )
    for batch in r.open_batches:
        render.warn(
            ngettext(
                "Warning: batch {batch_id} ({operator}, claimed {age} hours ago) still has "
                "{n} book not printed: print, release or fail it.",
                "Warning: batch {batch_id} ({operator}, claimed {age} hours ago) still has "
                "{n} books not printed: print, release or fail them.",
                batch["still_claimed"],
            ).format(n=batch["still_claimed"], age=batch["age_hours"], **batch)
        )


@root.command()
def plan(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help=_l("Print days to show."))] = 10,
    names: Annotated[
        bool, typer.Option("--names", help=_l("Show applicants' names, not only numbers."))
    ] = False,
    what_if_capacity: Annotated[
        int | None,
        typer.Option(
            "--what-if-capacity",
            min=0,
            max=100_000,
            metavar="BOOKS",
            help=_l("Plan as if every print day had BOOKS capacity (nothing is written)."),
        ),
    ] = None,
    what_if_open: Annotated[
        list[str] | None,
        typer.Option(
            "--what-if-open",
            metavar="DATE:BOOKS",
            help=_l(
                "Plan as if DATE were a print day with BOOKS capacity (0 closes it); "
                "repeat for more days. Nothing is written."
            ),
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The schedule: per print day who is planned, who will miss, the capacity needed."""
    s = session(ctx)
    opened = dict(_opened_day(text, s) for text in what_if_open or [])
    what_if = what_if_capacity is not None or bool(opened)
    capacity = supervisor.what_if_capacity(s, what_if_capacity, opened) if what_if else None
    placements, summary, by_day = supervisor.schedule(s, capacity)
    settings_capacity = s.settings["capacity"] if what_if_capacity is None else what_if_capacity
    if as_json:
        plan = _plan_json(s, placements, summary, by_day, capacity or s.calendar.capacity)
        plan["capacity"] = settings_capacity
        plan["what_if"] = (
            {"capacity": what_if_capacity, "open": {d.isoformat(): n for d, n in opened.items()}}
            if what_if
            else None
        )
        render.emit_json(plan)
        return
    if what_if:
        render.line(
            _("What if (nothing is written): {change}.").format(
                change=_what_if_words(what_if_capacity, opened)
            )
        )
    # Whole records only for the books the tables name.
    shown = [planned[0].app_no for planned in list(by_day.values())[:days]] if names else []
    shown += [p.app_no for p in summary.will_miss[:20]]
    records = s.store.existing(shown)
    _render_plan(s, records, placements, summary, by_day, days, names, settings_capacity)


def _opened_day(text: str, s: Session) -> tuple[date, int]:
    """`DATE:BOOKS` of --what-if-open, read; a bad one is a usage error naming the form."""
    day_text, _sep, books_text = text.rpartition(":")
    if not day_text or not books_text.strip().isdigit() or int(books_text) > 100_000:
        raise typer.BadParameter(
            _("'{value}' is not DATE:BOOKS: give e.g. 06/07/2024:150.").format(value=text),
            param_hint="'--what-if-open'",
        )
    return parse_date(day_text, s.today, "--what-if-open"), int(books_text)


def _what_if_words(books_a_day: int | None, opened: dict[date, int]) -> str:
    parts = []
    if books_a_day is not None:
        parts.append(_("{n} books every print day").format(n=books_a_day))
    for day, books in sorted(opened.items()):
        parts.append(_("{day} with {n} books").format(day=show_date(day), n=books))
    return "; ".join(parts)


def _plan_json(s: Session, placements, summary: PlanFigures, by_day, capacity) -> dict:
    # The long lists go out as columns, written as they are encoded (a million books).
    days = [day for day in by_day if day is not None]
    needed = summary.capacity_needed
    return {
        "today": s.today,
        "capacity": s.settings["capacity"],
        "horizon_days": s.settings["horizon_days"],
        "days": render.Objects(
            {
                "date": days,
                "capacity": map(capacity, days),
                "planned": ([p.app_no for p in by_day[day]] for day in days),
            }
        ),
        "will_miss_flight": _objects(
            summary.will_miss, "app_no", "flight_deadline", "planned_day", "step"
        ),
        "flight_passed": summary.flight_passed,
        "promises_broken": summary.promises_broken,
        "express_promises_broken": summary.express_promises_broken,
        "clears_on": summary.clears_on,
        "unplanned": summary.unplanned,
        "extra_per_day": needed.extra_per_day,
        "extra_days": needed.extra_days,
        "extra_until": needed.extra_until,
        "capacity_cannot_help": needed.no_print_day_before_flight,
        "items": _objects(
            placements,
            "rank",
            "app_no",
            "planned_day",
            "step",
            "flight_deadline",
            "due",
            "flight_passed",
            "on_time",
        ),
    }


def _objects(placements: list[rule.Placement], *fields: str) -> render.Objects:
    return render.Objects({field: map(attrgetter(field), placements) for field in fields})


def _render_plan(
    s: Session, records, placements, summary, by_day, days: int, names: bool, capacity: int
) -> None:
    office = s.settings["office"]
    render.line(
        _("Plan for {day}{office}: {n} books pending, {capacity} a print day.").format(
            day=format_day(s.today, year=True),
            office=f" — {office}" if office else "",
            n=format_number(len(placements)),
            capacity=format_number(capacity),
        )
    )
    if not placements:
        return
    _render_plan_figures(summary)
    _render_days(records, by_day, days, names)
    if summary.will_miss:
        _render_will_miss(records, summary.will_miss, names)


def _render_plan_figures(summary: PlanFigures) -> None:
    render.line(
        _("The backlog clears on {day}.").format(day=show_date(summary.clears_on))
        if summary.clears_on
        else _(
            "The calendar has no print days for {n} books: open days with 'passq calendar on'."
        ).format(n=summary.unplanned)
    )
    for sentence in _figure_sentences(summary):
        render.line(sentence)


def _figure_sentences(summary: PlanFigures) -> list[str]:
    """The plan's figures as whole sentences, each under its own name (DESIGN §5)."""
    n, passed = len(summary.will_miss), summary.flight_passed
    broken, express = summary.promises_broken, summary.express_promises_broken
    return [
        ngettext(
            "{n} traveller will miss their flight.", "{n} travellers will miss their flight.", n
        ).format(n=n),
        ngettext(
            "{n} traveller's flight date has passed: ask them for the new date.",
            "{n} travellers' flight dates have passed: ask them for the new date.",
            passed,
        ).format(n=passed),
        ngettext(
            "{n} book is past its promise ({express} express).",
            "{n} books are past their promise ({express} express).",
            broken,
        ).format(n=broken, express=express),
        _capacity_sentence(summary),
    ]


def _capacity_sentence(summary: PlanFigures) -> str:
    """What capacity would keep every traveller: the answer, or why there is none."""
    needed = summary.capacity_needed
    if needed.no_print_day_at_all:
        return _(
            "There is no print day ahead (capacity 0, or every day closed): open days with "
            "'passq calendar on' or set the capacity with 'passq config set capacity'."
        )
    if needed.extra_per_day:
        return ngettext(
            "To keep every traveller with a flight deadline from today on: {extra} more a print "
            "day on the next print day ({until}).",
            "To keep every traveller with a flight deadline from today on: {extra} more a print "
            "day on each of the next {days} print days (until {until}).",
            needed.extra_days,
        ).format(
            extra=needed.extra_per_day, days=needed.extra_days, until=show_date(needed.extra_until)
        )
    if summary.will_miss:
        return _(
            "No extra capacity saves them: there is no print day before their flights. "
            "Open a day with 'passq calendar on'."
        )
    return _("Current capacity keeps every traveller with a flight deadline ahead.")


def _render_days(records, by_day, days: int, names: bool) -> None:
    # Counts fit an 80-column terminal in both languages; the first name only when asked for
    # (--names), the whole day's numbers in --json.
    rows = []
    for day, planned in list(by_day.items())[:days]:
        steps = Counter(p.step for p in planned)
        row = [format_day(day) if day else _("no day"), len(planned)]
        row += [steps[step] for step in rule.STEPS]
        if names:
            row.append(records[planned[0].app_no]["name"])
        rows.append(row)
    headings = [_("Day"), _("Books"), _("Must"), _("Urgent"), _("Protect"), _("Will miss")]
    headings += [_("Queue")] + ([_("First")] if names else [])
    render.table(headings, rows, title=_("Per print day"))


def _render_will_miss(records, will_miss: list[rule.Placement], names: bool) -> None:
    def late(p: rule.Placement) -> str:
        if p.planned_day is None or p.flight_deadline is None:
            return "-"
        return _("{n} d").format(n=(p.planned_day - p.flight_deadline).days)

    render.table(
        (
            _("App no"),
            _("Name") if names else _("Service"),
            _("Travel"),
            _("Destination"),
            _("Deadline"),
            _("Planned"),
            _("Late"),
        ),
        (
            (
                p.app_no,
                records[p.app_no]["name"] if names else records[p.app_no]["service"],
                records[p.app_no]["travel"],
                records[p.app_no]["destination"],
                p.flight_deadline,
                p.planned_day,
                late(p),
            )
            for p in will_miss[:20]
        ),
        title=_("Will miss their flight (first {n} of {total})").format(
            n=min(20, len(will_miss)), total=len(will_miss)
        ),
    )
