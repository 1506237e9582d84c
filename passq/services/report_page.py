"""The head of office's page (`report --html`, `report --from --to`): gathers, for a day or a
period, the day report's figures (the same as `report --json`), each day's printing, the plan
ahead and the flights, through the store's day primitives. Reads only."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from typing import cast

from passq.domain import figures as plan_figures
from passq.domain import outlook
from passq.domain import queue as rule
from passq.domain.dates import show_date
from passq.errors import Invalid
from passq.i18n import _
from passq.services import supervisor
from passq.services.session import Session

# A period longer than this is refused (each day replays the events to its end).
MAX_PERIOD_DAYS = 366


def report_page(s: Session, first: date, last: date, names: bool = False) -> outlook.ReportPage:
    """The page's figures from `first` to `last` (one day when equal). The figures at the top
    are `report_day(last)`'s, so the page, the text and the JSON always agree."""
    check_period(first, last)
    figures, (pending_end, claimed_end) = supervisor.report_day(s, last)
    # The plan ahead as report_day makes it: today from now (the books claimed count as printed
    # today); a past day from the next, with its claimed books and its settings and calendar.
    start = figures.plan_from
    if last == s.today:
        books, used, office = pending_end, s.store.used_today(last), (s.settings, s.calendar)
    else:
        # report_day hands back the store's Columns.
        books = rule.joined(cast(rule.Columns, pending_end), cast(rule.Columns, claimed_end))
        used = 0
        office = s.office_at_end_of(last)
    plan = s.figures(books, start, used, office=office)
    settings, calendar = office
    capacity = calendar.capacity
    days, events = [], []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        day_events = s.store.day_events(day)
        events += day_events
        left = figures.pending_end if day == last else _pending_count(s, day)
        days.append(outlook.day_point(day, day_events, capacity(day), left))
    overtime = plan_figures.with_extra(capacity, plan.capacity_needed, start)
    plan_days = rule.plan_days(start, capacity, used, len(books))

    @cache
    def no_print_day(travel: date) -> bool:
        return rule.flight_deadline(travel, settings["pickup_days"], plan_days, capacity) is None

    at_risk = []
    if names:
        at_risk = _at_risk(s, plan.will_miss)
    return outlook.ReportPage(
        first=first,
        last=last,
        office=s.settings["office"],
        figures=figures,
        totals=outlook.period_totals(events),
        days=days,
        outlook=outlook.burn_down(start, len(books), used, capacity, overtime),
        flights=outlook.flights_by_day(
            books, last + timedelta(days=1), plan.will_miss, no_print_day
        ),
        at_risk=at_risk,
    )


def check_period(first: date, last: date) -> None:
    """Invalid unless `first` is on or before `last` and the period is at most a year."""
    if first > last:
        raise Invalid(
            _("The period starts on {first}, after its end {last}: swap --from and --to.").format(
                first=show_date(first), last=show_date(last)
            )
        )
    if (last - first).days >= MAX_PERIOD_DAYS:
        raise Invalid(
            _("The period from {first} to {last} is longer than a year: give a shorter one.")
            .format(first=show_date(first), last=show_date(last))
        )  # fmt: skip


def _pending_count(s: Session, day: date) -> int:
    return len(s.store.state_at_end_of(day, s.today)[0])


def _at_risk(s: Session, will_miss: list[rule.Placement]) -> list[dict]:
    """The travellers who will miss their flight, with what a supervisor needs to call them."""
    records = s.store.existing([p.app_no for p in will_miss])
    return [
        {
            "app_no": p.app_no,
            "name": records[p.app_no]["name"],
            "phone": records[p.app_no]["phone"],
            "travel": records[p.app_no]["travel"],
            "destination": records[p.app_no]["destination"],
        }
        for p in sorted(will_miss, key=lambda p: (records[p.app_no]["travel"], p.app_no))
    ]
