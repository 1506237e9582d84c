"""The supervisor's commands: the day-end report and the schedule."""

from collections import Counter
from operator import attrgetter
from typing import Annotated

import typer

from passq.cli import app, render, session
from passq.cli.options import AsJson
from passq.domain import oldqueue as rule
from passq.domain.dates import parse_date, show_date
from passq.domain.report import DayReport
from passq.i18n import _, _l
from passq.services import supervisor
from passq.services.session import Session


@app.command()
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
) -> None:
    """The day-end report: what was printed, what is waiting, who travels soon (counts only,
    unless --names)."""
    s = session(ctx)
    report_day = parse_date(day, s.today, "--date") if day else s.today
    figures, pending_end = supervisor.report_day(s, report_day)
    # Names and phones only when asked for (DESIGN §8: reports show counts, not personal data).
    soon = []
    if names:
        soon = supervisor.travelling_soon(s, report_day, pending_end)
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


def _render_report(r: DayReport, office: str) -> None:
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
            (_("New applications"), r.new_applications),
            (_("Pending at day end"), r.pending_end),
            (_("Pending, travelling within 7 days"), r.travel_within_7_days),
            (_("Oldest pending applied"), show_date(r.oldest_pending_applied)),
            (_("Due date already broken"), r.due_broken),
            (_("Will miss their travel date"), r.will_miss),
            (_("Capacity needed per print day"), r.capacity_needed),
            (_("Backlog clears on"), show_date(r.clears_on)),
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


@app.command()
def plan(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help=_l("Print days to show."))] = 10,
    names: Annotated[
        bool, typer.Option("--names", help=_l("Show applicants' names, not only numbers."))
    ] = False,
    as_json: AsJson = False,
) -> None:
    """The schedule: per print day who is planned, who will miss, the capacity needed."""
    s = session(ctx)
    placements, summary, by_day = supervisor.schedule(s)
    if as_json:
        render.emit_json(_plan_json(s, placements, summary, by_day))
        return
    # Whole records only for the books the tables name.
    shown = [p.app_no for planned in list(by_day.values())[:days] for p in planned[:3]]
    shown += [p.app_no for p in summary.will_miss[:20]]
    records = s.store.existing(shown)
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


def _objects(placements: list[rule.Placement], *fields: str) -> render.Objects:
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
        _("The backlog clears on {day}.").format(day=show_date(summary.clears_on))
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
                until=show_date(summary.extra_until),
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
