"""The supervisor's units of work: the day-end report and the schedule."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import groupby
from operator import attrgetter

from passq.domain import figures as plan_figures
from passq.domain import queue as rule
from passq.domain import report as figures
from passq.domain.dates import show_date
from passq.domain.queue import Capacity
from passq.errors import Invalid
from passq.i18n import _
from passq.services.session import Session


def report_day(
    s: Session, day: date
) -> tuple[figures.DayReport, tuple[Sequence[Mapping], Sequence[Mapping]]]:
    """The figures of `day`'s report, and the books pending and claimed at its end (queue
    fields only)."""
    if day > s.today:
        raise Invalid(
            _("The report date {day} is in the future: give today or an earlier day.").format(
                day=show_date(day)
            )
        )
    pending_end, claimed_end, open_batches = s.store.state_at_end_of(day, s.today)
    if day == s.today:
        # Today plans from now: the books claimed are taken as printed today, in the capacity
        # used, and the rest of today's capacity is planned (the report says so).
        plan = s.figures(pending_end, day, s.store.used_today(day))
    else:
        # A past day plans from the next day, with the settings and calendar of its end and the
        # books still claimed then back in the plan: it reads the same on any later day.
        books = rule.joined(pending_end, claimed_end)
        plan = s.figures(books, day + timedelta(days=1), 0, office=s.office_at_end_of(day))
    report = figures.day_report(
        day,
        s.store.day_events(day),
        open_batches,
        pending_end,
        claimed_end,
        plan,
        s.now if day == s.today else s.end_of(day),
        plan_from=day if day == s.today else day + timedelta(days=1),
    )
    from dataclasses import replace

    from passq.services.notify import uncollected_counts

    waiting, soon = uncollected_counts(s, day)
    report = replace(report, printed_not_collected=waiting, cancel_within_7_days=soon)
    return report, (pending_end, claimed_end)


def travelling_soon(
    s: Session, day: date, at_end: tuple[Sequence[Mapping], Sequence[Mapping]]
) -> list[dict]:
    """The books pending or claimed at `day`'s end travelling within 7 days, with names and
    phones, travel date, destination and flight deadline."""
    pending_end, claimed_end = at_end
    near = [r["app_no"] for r in figures.travelling_within([*pending_end, *claimed_end], day)]
    claimed = {r["app_no"] for r in claimed_end}
    whole = s.store.existing(near).values()
    earliest = day - timedelta(days=7)

    def flight_deadline(latest: date) -> date | None:
        return s.calendar.last_print_day_on_or_before(latest, earliest)

    return figures.travelling_soon(
        list(whole), claimed, day, flight_deadline, s.settings["pickup_days"]
    )


def schedule(
    s: Session, capacity: Capacity | None = None
) -> tuple[list[rule.Placement], plan_figures.PlanFigures, dict[date | None, list[rule.Placement]]]:
    """The plan from now: every placement in rank order, its figures, and the books per day;
    `capacity` replaces the calendar's (a what-if: nothing is written either way)."""
    books = s.store.queue()
    used = s.store.used_today(s.today)
    placements, summary = s.schedule(books, s.today, used, capacity)
    # Rank order: planned days never go down, the books without a day come last.
    by_day = {day: list(books) for day, books in groupby(placements, attrgetter("planned_day"))}
    return placements, summary, by_day


def what_if_capacity(s: Session, books_a_day: int | None, opened: Mapping[date, int]) -> Capacity:
    """The calendar's capacity with every print day at `books_a_day` (when given) and these
    days opened (or closed, at 0) with these books."""
    capacity: Capacity = s.calendar.capacity
    if books_a_day is not None:
        capacity = plan_figures.every_print_day(capacity, books_a_day)
    if opened:
        capacity = plan_figures.with_days(capacity, opened)
    return capacity
