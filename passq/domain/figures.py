"""The plan's figures (DESIGN §5), each under its own name and never mixed.

The capacity function is the one seam for every what-if: `plan --what-if-capacity 300` and
`--what-if-open 06/07/2024:150` are `plan_figures` (or `plan_queue`) with `every_print_day` or
`with_days` wrapped around the calendar's capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from operator import itemgetter
from typing import Any

from passq.domain.queue import (
    DEFAULT_HORIZON_DAYS,
    AddWorkingDays,
    Capacity,
    Placement,
    Plan,
    PlanDays,
    plan,
)


@dataclass(frozen=True, slots=True)
class CapacityNeeded:
    """The least extra books a print day so that every traveller with a flight deadline from
    today on makes it: `extra_per_day` more on each of the first `extra_days` print days from
    today (the last being `extra_until`), on top of the calendar's own capacity for each day."""

    extra_per_day: int
    extra_days: int
    extra_until: date | None
    # Travellers whose trip is still ahead but with no print day before it: extra books a
    # print day cannot save them, only opening a day can. They count as flight date passed.
    no_print_day_before_flight: int
    # The calendar has no print day at all ahead (capacity 0, or every day closed).
    no_print_day_at_all: bool

    @property
    def capacity_cannot_help(self) -> bool:
        """Some travellers can only be saved by opening a day, not by printing more a day."""
        return self.no_print_day_before_flight > 0


@dataclass(frozen=True, slots=True)
class PlanFigures:
    """The supervisor's figures from a plan (DESIGN §5)."""

    will_miss: list[Placement]  # travellers not kept, in rank order
    flight_passed: int  # travellers with no print day left before the flight: ask a new date
    promises_broken: int  # books whose promise (due) is before today, every service
    express_promises_broken: int  # of which express
    clears_on: date | None  # the last planned print day; None if nothing is planned
    unplanned: int  # books the calendar has no print day for
    capacity_needed: CapacityNeeded

    @property
    def will_miss_count(self) -> int:
        """How many travellers will miss their flight."""
        return len(self.will_miss)


def plan_figures(
    pending: Sequence[Mapping[str, Any]],
    today: date,
    capacity: Capacity,
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    add_working_days: AddWorkingDays | None = None,
) -> PlanFigures:
    """The plan's figures without a placement for every book (only those who will miss)."""
    if not pending:
        return PlanFigures([], 0, 0, 0, None, 0, CapacityNeeded(0, 0, None, 0, False))
    result = plan(pending, today, capacity, used_today, pickup_days, horizon_days, add_working_days)
    return figures_of(result)


def figures_of(result: Plan) -> PlanFigures:
    """The figures of a plan already made (`plan`: the schedule and its figures from one run)."""
    facts = result.facts
    limits = [limit for limit in map(itemgetter(1), facts) if limit is not None]
    return PlanFigures(
        will_miss=result.will_miss(),
        flight_passed=sum(map(itemgetter(4), facts)),
        promises_broken=sum(map(itemgetter(6), facts)),
        express_promises_broken=sum(map(itemgetter(7), facts)),
        # Runs are in rank order and planned days never go down; the unplanned come last.
        clears_on=next((run.day for run in reversed(result.runs) if run.day is not None), None),
        unplanned=sum(run.books for run in result.runs if run.day is None),
        capacity_needed=capacity_needed(
            limits,
            result.days,
            result.used_today,
            no_print_day_before_flight=sum(map(itemgetter(5), facts)),
        ),
    )


def what_if(
    capacity: Capacity,
    pending: Sequence[Mapping[str, Any]],
    today: date,
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    add_working_days: AddWorkingDays | None = None,
) -> PlanFigures:
    """The figures if the office had `capacity`: planning, with another capacity function."""
    return plan_figures(
        pending, today, capacity, used_today, pickup_days, horizon_days, add_working_days
    )


def every_print_day(capacity: Capacity, books: int) -> Capacity:
    """`books` on every print day of `capacity`, days off kept (--what-if-capacity)."""
    return lambda day: books if capacity(day) > 0 else 0


def with_days(capacity: Capacity, days: Mapping[date, int]) -> Capacity:
    """`capacity` with these days set to these books (--what-if-open 06/07/2024:150)."""
    return lambda day: days[day] if day in days else capacity(day)


def with_extra(capacity: Capacity, needed: CapacityNeeded, today: date) -> Capacity:
    """`capacity` plus the extra asked for: what `plan --what-if` plans with."""
    until, extra = needed.extra_until, needed.extra_per_day
    if until is None or not extra:
        return capacity

    def more(day: date) -> int:
        books = capacity(day)
        return books + extra if books > 0 and today <= day <= until else books

    return more


# --- Capacity needed --------------------------------------------------------------------------


def capacity_needed(
    limits: Sequence[int],
    days: PlanDays,
    used_today: int,
    *,
    no_print_day_before_flight: int = 0,
) -> CapacityNeeded:
    """The least extra per print day (then the fewest print days from today needing it) so
    that the travellers with these flight deadlines (days from today) can all be kept."""
    print_days = [offset for offset, books in enumerate(days.capacities) if books > 0]
    no_print_day_at_all = not print_days
    if not limits or no_print_day_at_all:
        return CapacityNeeded(0, 0, None, no_print_day_before_flight, no_print_day_at_all)
    # A deadline beyond the plan's days is met whatever happens (every book fits before it).
    last = min(max(limits), days.last)
    demand = [0] * (last + 1)
    for limit in limits:
        demand[min(limit, last)] += 1
    print_days = [offset for offset in print_days if offset <= last]

    def feasible(extra: int, extra_days: int) -> bool:
        # Unit books, all available now, each due by its deadline: they can all be printed in
        # time exactly when, for every day, the books due by then fit in the room up to then
        # (Hall's condition on nested intervals). The keepable-set greedy is optimal, so this
        # is also exactly "the plan keeps them all".
        more = set(print_days[:extra_days])
        room = [
            max(0, days.capacities[offset] + extra - (used_today if offset == 0 else 0))
            if offset in more
            else days.rooms[offset]
            for offset in range(last + 1)
        ]
        return all(map(int.__le__, accumulate(demand), accumulate(room)))

    if feasible(0, 0):
        return CapacityNeeded(0, 0, None, no_print_day_before_flight, False)
    # Every traveller left has a print day on or before his deadline, so the first print day
    # with this many more books seats them all: the search is bounded.
    low, high = 1, len(limits) + max(0, used_today)
    while low < high:
        middle = (low + high) // 2
        if feasible(middle, len(print_days)):
            high = middle
        else:
            low = middle + 1
    extra = low
    low, high = 1, len(print_days)
    while low < high:
        middle = (low + high) // 2
        if feasible(extra, middle):
            high = middle
        else:
            low = middle + 1
    return CapacityNeeded(
        extra_per_day=extra,
        extra_days=low,
        extra_until=days.day(print_days[low - 1]),
        no_print_day_before_flight=no_print_day_before_flight,
        no_print_day_at_all=False,
    )
