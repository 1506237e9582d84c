"""The supervisor's units of work: the day-end report and the schedule."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from operator import attrgetter

from passq.domain import oldqueue as rule
from passq.domain import report as figures
from passq.domain.dates import show_date
from passq.errors import Invalid
from passq.i18n import _
from passq.services.session import Session


def report_day(s: Session, day: date) -> tuple[figures.DayReport, list]:
    """The figures of `day`'s report, and the books pending at its end (queue fields only)."""
    if day > s.today:
        raise Invalid(
            _("The report date {day} is in the future: give today or an earlier day.").format(
                day=show_date(day)
            )
        )
    pending_end, open_batches = s.store.state_at_end_of(day, s.today)
    # The day-end picture: that day's capacity counts as used, so yesterday's report reads the
    # same today as it did last night.
    day_capacity = s.calendar.capacity(day)
    report = figures.day_report(
        day,
        s.store.day_events(day),
        open_batches,
        pending_end,
        s.figures(pending_end, day, day_capacity),
        s.now if day == s.today else s.end_of(day),
    )
    return report, pending_end


def travelling_soon(s: Session, day: date, pending_end: list) -> list[dict]:
    """The books pending at `day`'s end travelling within 7 days, with names and phones."""
    near = [r["app_no"] for r in figures.travelling_within(pending_end, day)]
    whole = s.store.existing(near).values()
    return figures.travelling_soon(list(whole), day, s.settings["pickup_days"])


def schedule(
    s: Session,
) -> tuple[list[rule.Placement], rule.PlanSummary, dict[date | None, list[rule.Placement]]]:
    """The plan from now: every placement in rank order, its figures, and the books per day."""
    placements = s.plan()
    summary = s.summary(placements, s.today, s.store.used_today(s.today))
    # Rank order: planned days never go down, the books without a day come last.
    by_day = {day: list(books) for day, books in groupby(placements, attrgetter("planned_day"))}
    return placements, summary, by_day
