"""The day-end report's figures (rendering is the CLI's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from passq.domain.dates import hours_since
from passq.domain.figures import PlanFigures
from passq.domain.queue import column
from passq.domain.records import deadline


@dataclass(frozen=True, slots=True)
class DayReport:
    """The supervisor's figures for one day."""

    day: date
    printed: int
    printed_by_service: dict[str, int]
    printed_by_operator: dict[str, int]
    failed: int
    released: int
    cancelled: int
    collected: int
    new_applications: int
    open_batches: list[dict]
    pending_end: int
    travel_within_7_days: int  # pending or claimed (not yet printed) at the day's end
    travel_within_7_days_claimed: int  # of which in a batch still claimed: check the printer
    oldest_pending_applied: date | None
    # From the plan made at day end (the day's capacity counted as used), each under its name:
    will_miss_flight: int  # travellers the plan cannot get onto their flight
    flight_passed: int  # travellers with no print day left before the flight: call them
    promises_broken: int  # books past their service promise (express included)
    express_promises_broken: int
    clears_on: date | None
    extra_per_day: int  # capacity needed: books more a print day, for extra_days print days
    extra_days: int
    extra_until: date | None
    capacity_cannot_help: int  # travellers no extra capacity saves (no print day before)
    no_print_day_ahead: bool  # capacity 0 or every day closed: nothing can be planned
    plan_from: date  # the first day planned: today (from now, its remaining capacity) or the next
    # Printed books not collected (as they are now, printed by the day's end), and of them those
    # cancelled within 7 days of the day if nobody collects them (or already past their day).
    printed_not_collected: int = 0
    cancel_within_7_days: int = 0


def day_report(
    day: date,
    events: Sequence[Mapping],
    open_batches: Sequence[Mapping],
    pending: Sequence[Mapping],
    claimed: Sequence[Mapping],
    plan: PlanFigures,
    at: datetime,
    plan_from: date,
) -> DayReport:
    """Figures for `day` from its events (an event with a `count` stands for that many), the
    batches open at its end (aged at `at`), the books pending and claimed then, and the plan
    made from them starting on `plan_from`."""
    actions: Counter[str] = Counter()
    by_service: Counter[str] = Counter()
    by_operator: Counter[str] = Counter()
    for event in events:
        times = event.get("count", 1)
        actions[event["action"]] += times
        if event["action"] == "printed":
            by_service[event["service"]] += times
            by_operator[event["operator"]] += times
    week_end = day + timedelta(days=7)
    return DayReport(
        day=day,
        printed=actions["printed"],
        printed_by_service=dict(by_service),
        printed_by_operator=dict(by_operator),
        failed=actions["failed"],
        released=actions["released"],
        cancelled=actions["cancelled"],
        collected=actions["collected"],
        new_applications=actions["added"],
        open_batches=[
            {**batch, "age_hours": round(hours_since(batch["claimed_at"], at), 1)}
            for batch in open_batches
        ],
        pending_end=len(pending),
        travel_within_7_days=travelling_count(pending, day, week_end)
        + travelling_count(claimed, day, week_end),
        travel_within_7_days_claimed=travelling_count(claimed, day, week_end),
        oldest_pending_applied=min(column(pending, "applied"), default=None),
        will_miss_flight=len(plan.will_miss),
        flight_passed=plan.flight_passed,
        promises_broken=plan.promises_broken,
        express_promises_broken=plan.express_promises_broken,
        clears_on=plan.clears_on,
        extra_per_day=plan.capacity_needed.extra_per_day,
        extra_days=plan.capacity_needed.extra_days,
        extra_until=plan.capacity_needed.extra_until,
        capacity_cannot_help=plan.capacity_needed.no_print_day_before_flight,
        no_print_day_ahead=plan.capacity_needed.no_print_day_at_all,
        plan_from=plan_from,
    )


def travelling_count(books: Sequence[Mapping], first: date, last: date) -> int:
    """How many of `books` travel between `first` and `last`."""
    return sum(
        1 for travel in column(books, "travel") if travel is not None and first <= travel <= last
    )


def travelling_soon(
    books: Sequence[Mapping],
    claimed: set[str],
    day: date,
    flight_deadline: Callable[[date], date | None],
    pickup_days: int = 1,
    days: int = 7,
) -> list[dict]:
    """The books of `books` (whole records) travelling within `days` of `day`, soonest first,
    with the personal data a supervisor needs to call them (only when asked: `report --names`);
    `claimed` names those in a batch not yet printed, `flight_deadline` moves a day back to the
    last print day on or before it."""
    soon = []
    for r in travelling_within(books, day, days):
        latest = deadline(r, pickup_days)
        soon.append(
            {
                "app_no": r["app_no"],
                "name": r["name"],
                "phone": r["phone"],
                "travel": r["travel"],
                "destination": r["destination"],
                "flight_deadline": flight_deadline(latest) if latest else None,
                "claimed": r["app_no"] in claimed,
            }
        )
    return soon


def travelling_within(pending: Iterable[Mapping], day: date, days: int = 7) -> list[Mapping]:
    """The books of `pending` travelling within `days` of `day`, soonest first."""
    end = day + timedelta(days=days)
    return sorted(
        (r for r in pending if r["travel"] is not None and day <= r["travel"] <= end),
        key=lambda r: (r["travel"], r["app_no"]),
    )
