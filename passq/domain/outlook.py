"""The figures of the head of office's page (`report --html`), for a day or a period: each day's
printing against capacity, the planned burn-down to the clearing day with and without the
overtime the plan asks for, and the flights kept or missed by travel day. Pure: the service
gathers the events and the plan, this module only counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from passq.domain.queue import Placement, column
from passq.domain.report import DayReport

Capacity = Callable[[date], int]
# The burn-down stops here even if the backlog is not cleared (the calendar may be closed).
MAX_OUTLOOK_DAYS = 1100
# Flights shown by travel day: at least two weeks ahead, at most five.
FLIGHT_DAYS, MAX_FLIGHT_DAYS = 14, 35


@dataclass(frozen=True, slots=True)
class DayPoint:
    """One past day of the report: what was printed, against what capacity, what was left."""

    day: date
    printed: int
    capacity: int  # 0: the print calendar had the day closed
    pending_end: int


@dataclass(frozen=True, slots=True)
class PlanPoint:
    """One day of the plan ahead: the backlog left at its end, as planned and with overtime."""

    day: date
    capacity: int
    backlog: int
    with_overtime: int


@dataclass(frozen=True, slots=True)
class FlightDay:
    """The pending travellers flying on one day: kept, will miss, no print day left at all."""

    travel: date
    kept: int
    will_miss: int
    no_print_day: int


@dataclass(frozen=True, slots=True)
class PeriodTotals:
    """What happened over the days of the report (the events, added up)."""

    printed: int
    failed: int
    released: int
    cancelled: int
    collected: int
    new_applications: int
    printed_by_operator: dict[str, int]


@dataclass(frozen=True, slots=True)
class ReportPage:
    """Everything the page shows: the figures as at the end of `last` (the same `DayReport` as
    `report --json`), the period's days, the plan ahead and the flights."""

    first: date
    last: date
    office: str
    figures: DayReport
    totals: PeriodTotals
    days: list[DayPoint]
    outlook: list[PlanPoint]
    flights: list[FlightDay]
    at_risk: list[dict] = field(default_factory=list)  # only with --names

    @property
    def is_period(self) -> bool:
        """More than one day."""
        return self.first != self.last


def day_point(day: date, events: Iterable[Mapping], capacity: int, pending_end: int) -> DayPoint:
    """`day`'s point from its events (grouped rows with a `count`, as `Store.day_events`)."""
    printed = sum(e.get("count", 1) for e in events if e["action"] == "printed")
    return DayPoint(day, printed, capacity, pending_end)


def period_totals(events: Iterable[Mapping]) -> PeriodTotals:
    """The events of every day of the period added up."""
    actions: Counter[str] = Counter()
    by_operator: Counter[str] = Counter()
    for event in events:
        times = event.get("count", 1)
        actions[event["action"]] += times
        if event["action"] == "printed":
            by_operator[event["operator"]] += times
    return PeriodTotals(
        printed=actions["printed"],
        failed=actions["failed"],
        released=actions["released"],
        cancelled=actions["cancelled"],
        collected=actions["collected"],
        new_applications=actions["added"],
        printed_by_operator=dict(sorted(by_operator.items())),
    )


def burn_down(
    start: date,
    backlog: int,
    used_start: int,
    capacity: Capacity,
    with_overtime: Capacity,
) -> list[PlanPoint]:
    """The backlog left at the end of each day from `start` (whose capacity is already used by
    `used_start`), as the plan fills every print day to its capacity, and the same with the
    overtime capacity; until both reach zero (or MAX_OUTLOOK_DAYS). The queue rule fills each
    day with room, so how many are left does not depend on who is printed first."""
    points: list[PlanPoint] = []
    plain = extra = backlog
    day = start
    while (plain or extra) and len(points) < MAX_OUTLOOK_DAYS:
        used = used_start if day == start else 0
        books = capacity(day)
        plain -= min(plain, max(books - used, 0))
        extra -= min(extra, max(with_overtime(day) - used, 0))
        points.append(PlanPoint(day, books, plain, extra))
        day += timedelta(days=1)
    return points


def flights_by_day(
    pending: Sequence[Mapping],
    start: date,
    will_miss: Sequence[Placement],
    no_print_day: Callable[[date], bool],
) -> list[FlightDay]:
    """The pending travellers flying from `start` on, per travel day: kept by the plan, in its
    `will_miss`, or with no print day left before the flight (`no_print_day(travel)`). Two weeks
    at least, further while someone will miss (five weeks at most)."""
    missing = {p.app_no for p in will_miss}
    end = start + timedelta(days=MAX_FLIGHT_DAYS - 1)
    by_day: dict[date, list[int]] = {}
    for app_no, travel in zip(column(pending, "app_no"), column(pending, "travel"), strict=True):
        if travel is None or not start <= travel <= end:
            continue
        counts = by_day.setdefault(travel, [0, 0, 0])
        counts[1 if app_no in missing else 2 if no_print_day(travel) else 0] += 1
    last = start + timedelta(days=FLIGHT_DAYS - 1)
    for travel, counts in by_day.items():
        if counts[1] and travel > last:
            last = travel
    return [FlightDay(travel, *by_day[travel]) for travel in sorted(by_day) if travel <= last]
