"""Why the queue rule put a book where it is, in sentences a supervisor can repeat on the phone.

Each sentence is whole, with named placeholders, so a translator sees it all (DESIGN §7): one
for the book's situation, one for the step that placed it, one for the books ahead of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from passq.domain.dates import show_day as default_show_day
from passq.domain.queue import (
    DEFAULT_HORIZON_DAYS,
    LOOKBACK_DAYS,
    Capacity,
    Placement,
    last_print_day,
)
from passq.i18n import _

ShowDay = Callable[[date], str]


def step_label(step: str) -> str:
    """A step's name as people read it."""
    labels = {
        "must": _("must"),
        "urgent": _("urgent"),
        "protect": _("protect"),
        "will_miss": _("will miss"),
        "queue": _("queue"),
    }
    return labels[step]


def explain(
    placement: Placement,
    record: Mapping[str, Any],
    ahead: int,
    *,
    today: date,
    capacity: Capacity,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    pickup_days: int = 1,
    show_day: ShowDay = default_show_day,
) -> str:
    """Where a book stands in the plan and why: its situation, its step, the books ahead."""
    sentences = [
        situation(
            placement,
            record,
            today=today,
            capacity=capacity,
            pickup_days=pickup_days,
            show_day=show_day,
        ),
        step_sentence(placement, record, horizon_days=horizon_days, show_day=show_day),
        ahead_sentence(ahead),
    ]
    if record.get("urgent"):
        sentences.insert(0, _("Urgent: {reason}.").format(reason=record["urgent"]))
    return " ".join(sentences)


def situation(
    placement: Placement,
    record: Mapping[str, Any],
    *,
    today: date,
    capacity: Capacity,
    pickup_days: int,
    show_day: ShowDay,
) -> str:
    """What the book must meet: its flight deadline, a passed flight date, or its promise."""
    travel = record.get("travel")
    destination = record.get("destination")
    if placement.flight_deadline is not None and travel is not None:
        if destination:
            return _("Travels {travel} to {destination}, so must be printed by {by}.").format(
                travel=show_day(travel),
                destination=destination,
                by=show_day(placement.flight_deadline),
            )
        return _("Travels {travel}, so must be printed by {by}.").format(
            travel=show_day(travel), by=show_day(placement.flight_deadline)
        )
    if placement.flight_passed and travel is not None:
        latest = travel - timedelta(days=pickup_days)
        if latest >= today:
            return _(
                "Travels {travel}, but no print day is left before then: ask the applicant for "
                "a new date."
            ).format(travel=show_day(travel))
        # The plan keeps no deadline for a passed flight: name the one it had, with the same
        # last-print-day search the plan uses.
        by = last_print_day(capacity, latest, latest - timedelta(days=LOOKBACK_DAYS))
        if by is None:
            return _(
                "Was to travel {travel}: the flight date has passed: ask the applicant for the "
                "new date."
            ).format(travel=show_day(travel))
        return _(
            "Was to travel {travel}, so had to be printed by {by}: the flight date has passed: "
            "ask the applicant for the new date."
        ).format(travel=show_day(travel), by=show_day(by))
    return _("No travel date, so no flight deadline.")


def step_sentence(
    placement: Placement, record: Mapping[str, Any], *, horizon_days: int, show_day: ShowDay
) -> str:
    """Which step of the rule placed the book, and why that step."""
    day = placement.planned_day
    if day is None:
        return _("No print day is planned for it: the calendar has no capacity ahead.")
    shown = show_day(day)
    deadline = placement.flight_deadline
    late = (day - deadline).days if deadline is not None and day > deadline else 0
    if late:
        if late == 1:
            return _(
                "Planned {day} (step: {step}), 1 day after its flight deadline: it will miss "
                "its flight, so it goes as soon as the books that can still make theirs allow."
            ).format(day=shown, step=step_label(placement.step))
        return _(
            "Planned {day} (step: {step}), {late} days after its flight deadline: it will miss "
            "its flight, so it goes as soon as the books that can still make theirs allow."
        ).format(day=shown, step=step_label(placement.step), late=late)
    if placement.step == "must":
        return _(
            "Planned {day} (step: must): the last print day with room on or before its flight "
            "deadline."
        ).format(day=shown)
    if placement.step == "urgent":
        return _(
            "Planned {day} (step: urgent): urgent books go on the first day with room."
        ).format(day=shown)
    if placement.step == "protect":
        return _(
            "Planned {day} (step: protect): its flight deadline is within {days} days, so it is "
            "printed early in case a print day is lost."
        ).format(day=shown, days=horizon_days)
    return queue_sentence(placement, record, shown, show_day)


def queue_sentence(
    placement: Placement, record: Mapping[str, Any], shown: str, show_day: ShowDay
) -> str:
    """Step e: in turn by the promise; express's same-day promise said apart."""
    due = show_day(placement.due)
    broken = placement.planned_day is not None and placement.due < placement.planned_day
    if record.get("service") == "express":
        if broken:
            return _(
                "Planned {day} (step: queue): in turn by its express promise, the day it "
                "applied ({due}), which has passed."
            ).format(day=shown, due=due)
        return _(
            "Planned {day} (step: queue): in turn by its express promise, the day it applied "
            "({due})."
        ).format(day=shown, due=due)
    if placement.flight_deadline is not None:
        return _(
            "Planned {day} (step: queue): in turn by its promise date {due}, in time for its "
            "flight."
        ).format(day=shown, due=due)
    if broken:
        return _(
            "Planned {day} (step: queue): in turn by its promise date {due}, which has passed."
        ).format(day=shown, due=due)
    return _("Planned {day} (step: queue): in turn by its promise date {due}.").format(
        day=shown, due=due
    )


def ahead_sentence(ahead: int) -> str:
    """How many books are ahead of it in the queue."""
    if ahead <= 0:
        return _("It is next in line.")
    if ahead == 1:
        return _("1 book is ahead of it.")
    return _("{count} books are ahead of it.").format(count=ahead)
