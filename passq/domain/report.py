"""The day-end report's figures (rendering is the CLI's)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from passq.domain.dates import hours_since
from passq.domain.oldqueue import PlanSummary, _column
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
    travel_within_7_days: int
    oldest_pending_applied: date | None
    # From the plan made at day end (the day's capacity counted as used):
    will_miss: int
    capacity_needed: int
    clears_on: date | None
    due_broken: int


def day_report(
    day: date,
    events: Sequence[Mapping],
    open_batches: Sequence[Mapping],
    pending: Sequence[Mapping],
    plan: PlanSummary,
    at: datetime,
) -> DayReport:
    """Figures for `day` from its events (an event with a `count` stands for that many), the
    batches open at its end (aged at `at`), the books pending then and the plan made from them."""
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
        travel_within_7_days=sum(
            1
            for travel in _column(pending, "travel")
            if travel is not None and day <= travel <= week_end
        ),
        oldest_pending_applied=min(_column(pending, "applied"), default=None),
        will_miss=len(plan.will_miss),
        capacity_needed=plan.capacity_needed,
        clears_on=plan.clears_on,
        due_broken=plan.overdue,
    )


def travelling_soon(
    pending: Sequence[Mapping], day: date, pickup_days: int = 1, days: int = 7
) -> list[dict]:
    """The pending books travelling within `days` of `day`, soonest first, with the personal
    data a supervisor needs to call them (shown only when asked: `report --names`)."""
    return [
        {
            "app_no": r["app_no"],
            "name": r["name"],
            "phone": r["phone"],
            "travel": r["travel"],
            "deadline": deadline(r, pickup_days),
        }
        for r in travelling_within(pending, day, days)
    ]


def travelling_within(pending: Iterable[Mapping], day: date, days: int = 7) -> list[Mapping]:
    """The books of `pending` travelling within `days` of `day`, soonest first."""
    end = day + timedelta(days=days)
    return sorted(
        (r for r in pending if r["travel"] is not None and day <= r["travel"] <= end),
        key=lambda r: (r["travel"], r["app_no"]),
    )
