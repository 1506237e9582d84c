"""The head of office's page: one self-contained HTML file (styles and SVG charts inline, no
script, no font or picture fetched), printable on A4. Every sentence is the user's language's;
the figures carry their JSON name and value (`data-figure`, `data-value`) so that a test can
check them against `report --json`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from passq.domain.dates import show_date
from passq.domain.outlook import ReportPage
from passq.domain.report import DayReport
from passq.errors import Invalid
from passq.files.private import replaced_privately
from passq.i18n import _, format_day, format_number, language, ngettext

TEMPLATE = "report.html.j2"
# With --names, the page lists at most this many travellers at risk (the plan lists them all).
MAX_NAMES = 200


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure as shown: its label, its text, and its JSON name and value."""

    label: str
    text: str
    name: str
    value: object


def _number(n: int) -> str:
    return format_number(n)


def _day(day: date | None) -> str:
    return show_date(day) if day else "-"


def headline(r: DayReport) -> list[Figure]:
    """The figures the head of office looks at first (the plan from the day's end)."""
    # The same words as the text report's (cli/supervisor.py).
    if r.no_print_day_ahead:
        extra = _("no print day ahead: open days")
    elif r.extra_per_day:
        extra = ngettext(
            "{extra} on the next print day ({until})",
            "{extra} on each of the next {days} print days (until {until})",
            r.extra_days,
        ).format(extra=_number(r.extra_per_day), days=r.extra_days, until=_day(r.extra_until))
    else:
        extra = "0"
    return [
        Figure(_("Will miss their flight"), _number(r.will_miss_flight), "will_miss_flight",
               r.will_miss_flight),
        Figure(_("Flight date passed: ask for the new date"), _number(r.flight_passed),
               "flight_passed", r.flight_passed),
        Figure(_("Promises broken"), _number(r.promises_broken), "promises_broken",
               r.promises_broken),
        Figure(_("of which express"), _number(r.express_promises_broken),
               "express_promises_broken", r.express_promises_broken),
        Figure(_("Backlog clears on"), _day(r.clears_on), "clears_on", _iso(r.clears_on)),
        Figure(_("Capacity needed: extra books a print day"), extra, "extra_per_day",
               r.extra_per_day),
        Figure(_("No extra capacity helps them"), _number(r.capacity_cannot_help),
               "capacity_cannot_help", r.capacity_cannot_help),
    ]  # fmt: skip


def day_figures(r: DayReport) -> list[Figure]:
    """The day's own figures (what happened, what is left)."""
    rows = [
        (_("Printed"), "printed", r.printed),
        (_("Failed (misprints)"), "failed", r.failed),
        (_("Released"), "released", r.released),
        (_("Cancelled"), "cancelled", r.cancelled),
        (_("Collected"), "collected", r.collected),
        (_("New applications"), "new_applications", r.new_applications),
        (_("Pending at day end"), "pending_end", r.pending_end),
    ]
    figures = [Figure(label, _number(value), name, value) for label, name, value in rows]
    travelling = _number(r.travel_within_7_days)
    if r.travel_within_7_days_claimed:
        travelling = _("{n} ({claimed} in a batch still claimed)").format(
            n=travelling, claimed=r.travel_within_7_days_claimed
        )
    figures.append(
        Figure(
            _("Travelling within 7 days, not printed"),
            travelling,
            "travel_within_7_days",
            r.travel_within_7_days,
        )
    )
    figures.append(
        Figure(
            _("Oldest pending applied"),
            _day(r.oldest_pending_applied),
            "oldest_pending_applied",
            _iso(r.oldest_pending_applied),
        )
    )
    return figures


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _title(page: ReportPage) -> str:
    if page.is_period:
        return _("Passport printing from {first} to {last}").format(
            first=format_day(page.first, long=True), last=format_day(page.last, long=True)
        )
    return _("Passport printing on {day}").format(day=format_day(page.last, long=True))


def _texts(page: ReportPage, live: bool) -> dict[str, str]:
    return {
        "title": _title(page),
        "office": page.office,
        "outlook": _("The plan from now, with what is left of today's capacity")
        if live
        else _("The plan from the next day, as at the end of {day}").format(
            day=show_date(page.last)
        ),
        "day_figures": _("Over the period") if page.is_period else _("The day"),
        "by_day": _("Day by day"),
        "figure": _("Figure"),
        "books": _("Books"),
        "backlog": _("The backlog and its planned burn-down"),
        "printed": _("Printed per day against capacity"),
        "flights": _("Flights by travel day: kept or missed"),
        "operators": _("Printed per operator"),
        "no_printing": _("Nothing was printed."),
        "no_flights": _("No pending traveller flies in the next weeks."),
        "at_risk": _("Travellers who will miss their flight"),
        "name": _("Name"),
        "phone": _("Phone"),
        "travel": _("Travel"),
        "destination": _("Destination"),
        "app_no": _("App no"),
        "day": _("Day"),
        "capacity": _("Capacity"),
        "pending": _("Pending at day end"),
        "closed": _("closed"),
        "footer": _("Made by passq; names and phones only when asked for (--names)."),
        "page": _("Page"),
    }


def _totals(page: ReportPage) -> list[Figure]:
    t = page.totals
    rows = [
        (_("Printed"), "printed", t.printed),
        (_("Failed (misprints)"), "failed", t.failed),
        (_("Released"), "released", t.released),
        (_("Cancelled"), "cancelled", t.cancelled),
        (_("Collected"), "collected", t.collected),
        (_("New applications"), "new_applications", t.new_applications),
        (_("Pending at the end of the period"), "pending_end", page.figures.pending_end),
    ]
    return [Figure(label, _number(value), name, value) for label, name, value in rows]


def render(page: ReportPage, live: bool) -> str:
    """The whole page, as HTML text."""
    import jinja2

    from passq.files import charts

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("passq.files", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    r = page.figures
    by_operator = page.totals.printed_by_operator
    shown = page.at_risk[:MAX_NAMES]
    more = len(page.at_risk) - len(shown)
    return environment.get_template(TEMPLATE).render(
        lang=language(),
        text=_texts(page, live),
        page=page,
        period=page.is_period,
        headline=headline(r),
        figures=_totals(page) if page.is_period else day_figures(r),
        days=[
            (show_date(d.day), _number(d.printed), _number(d.capacity), _number(d.pending_end))
            for d in page.days
        ],
        charts={
            "backlog": charts.backlog_chart(page.days, page.outlook),
            "printed": charts.printed_chart(page.days, page.outlook),
            "flights": charts.flights_chart(page.flights) if page.flights else "",
            "operators": charts.operators_chart(by_operator) if by_operator else "",
        },
        counts={
            "printed": len(page.days),
            "operators": len(by_operator),
            "flight_days": len(page.flights),
        },
        at_risk=[{**b, "travel": _day(b["travel"])} for b in shown],
        more=ngettext(
            "…and {n} more: 'passq plan --names' lists them all.",
            "…and {n} more: 'passq plan --names' lists them all.",
            more,
        ).format(n=_number(more))
        if more
        else "",
        warnings=[
            ngettext(
                "Warning: batch {batch_id} ({operator}, claimed {age} hours ago) still has "
                "{n} book not printed: print, release or fail it.",
                "Warning: batch {batch_id} ({operator}, claimed {age} hours ago) still has "
                "{n} books not printed: print, release or fail them.",
                b["still_claimed"],
            ).format(n=b["still_claimed"], age=b["age_hours"], **b)
            for b in r.open_batches
        ],
    )


def write(path: Path, html: str) -> None:
    """Write the page to `path`, readable by its owner only (it may hold names), whole or not
    at all; an existing file is replaced, as `export --output` does."""
    target = Path(path)
    if target.is_dir():
        raise Invalid(_("{path} is a folder: give a file name with --html.").format(path=target))
    with (
        replaced_privately(target, "--html") as (descriptor, _temporary),
        open(descriptor, "w", encoding="utf-8") as stream,
    ):
        stream.write(html)
