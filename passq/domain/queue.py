"""The queue rule (DESIGN §5): which pending book to print next, and on which day.

Read it top to bottom, in the order the rule runs:

1. `plan_days`: the days from today, each with the books that still fit on it.
2. `flight_deadline` and `promise`: what each book must meet (DESIGN §4). Only travel makes a
   hard flight deadline: the last print day on or before travel minus `pickup_days`. When no
   print day is left before it, the flight date has passed: the book goes by its promise.
3. `keepable_set`: the largest set of travellers that can all meet their flight deadlines,
   best in priority order; the others will miss their flight (DESIGN §5, step 1).
4. `fill_days`: day by day, a must, b urgent, c protect, d will miss, e queue (§5, step 2).
5. `make_placements`: the rank, planned day and step of the books asked for.

Everything else is speed, needed for a million books in seconds: a book is an integer index
into column lists, and per-book work runs in C (map, sort keys, compress) wherever it can.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate, chain, compress, islice, repeat
from operator import is_not, itemgetter
from typing import Any, NamedTuple

# Re-exported: the store and the figures read books in this shape.
from passq.domain.records_columns import QUEUE_FIELDS as QUEUE_FIELDS
from passq.domain.records_columns import Columns as Columns
from passq.domain.records_columns import column as column
from passq.domain.records_columns import joined as joined
from passq.domain.records_columns import without_cyclic_gc as without_cyclic_gc

# The steps of DESIGN §5 step 2, in the order they fill a day.
STEPS = ("must", "urgent", "protect", "will_miss", "queue")
# The promise: applied + this many working days (DESIGN §3, §4).
PROMISE_WORKING_DAYS = {"regular": 4, "pmi": 4, "express": 0}
# Priority in the keepable set: urgent, then express and pmi, then regular (DESIGN §5 step 1).
URGENT_PRIORITY = 0
SERVICE_PRIORITY = {"express": 1, "pmi": 1, "regular": 2}
# DESIGN §5c, chosen with bench/simulate.py over 10 seeds (README, "How well the rule does"):
# 0 days kept 97.0% of the clairvoyant's flights (91.5% on the worst seed); 3, 7, 10 and 14
# days kept all of them on every seed, the books without travel waiting 1.31, 2.11, 2.40 and
# 2.70 days past their promise. 7 would be too short for a flight 9 days ahead when a group
# registers the next morning (issue 10's smallest case, test_bug4), so 10: two days of margin
# for 0.3 days more past promise than 7.
DEFAULT_HORIZON_DAYS = 10
# The plan looks at most this far ahead; books beyond it get no planned day (no capacity).
MAX_PLAN_DAYS = 100 * 366
# How far back from a flight beyond the plan's days to look for its last print day.
LOOKBACK_DAYS = 366

Capacity = Callable[[date], int]
AddWorkingDays = Callable[[date, int], date]


# Not frozen: building a frozen dataclass costs ~2 µs, two seconds for a million books.
@dataclass(slots=True)
class Placement:
    """Where the queue rule put one pending book."""

    rank: int
    app_no: str
    planned_day: date | None  # None only when the calendar has no capacity left for it
    step: str  # one of STEPS
    flight_deadline: date | None  # None: no travel date, or the flight date has passed
    due: date  # the promise
    flight_passed: bool  # travels, but no print day is left before the flight
    on_time: bool | None  # planned by its flight deadline; None without a flight deadline


# --- 1. The days ------------------------------------------------------------------------------


@dataclass(slots=True)
class PlanDays:
    """The days the plan can use: day i is today + i days."""

    today: date
    capacities: list[int]  # the calendar's capacity (a print day has capacity > 0)
    rooms: list[int]  # books that still fit: today's capacity minus used_today, then capacity
    last_print: list[int]  # the latest print day on or before day i, or -1 if none
    cleared: bool  # the rooms add up to every pending book

    @property
    def last(self) -> int:
        """The last day of the plan, as days from today."""
        return len(self.rooms) - 1

    def day(self, offset: int) -> date:
        """The date `offset` days from today."""
        return self.today + timedelta(days=offset)


def plan_days(today: date, capacity: Capacity, used_today: int, books: int) -> PlanDays:
    """DESIGN §5 step 2's days: today's remaining room, then each later day, until all fit."""
    days = PlanDays(today, [], [], [], False)
    total, latest, one = 0, -1, timedelta(days=1)
    day = today
    while total < books and len(days.rooms) < MAX_PLAN_DAYS:
        books_that_day = capacity(day)
        room = max(0, books_that_day - (used_today if day == today else 0))
        if books_that_day > 0:
            latest = len(days.rooms)
        days.capacities.append(books_that_day)
        days.rooms.append(room)
        days.last_print.append(latest)
        total += room
        day += one
    days.cleared = total >= books
    return days


# --- 2. What each book must meet ----------------------------------------------------------------


def last_print_day(capacity: Capacity, day: date, earliest: date) -> date | None:
    """The latest day on or before `day`, not before `earliest`, with capacity, or None."""
    one = timedelta(days=1)
    while day >= earliest:
        if capacity(day) > 0:
            return day
        day -= one
    return None


def flight_deadline(
    travel: date | None, pickup_days: int, days: PlanDays, capacity: Capacity
) -> int | None:
    """DESIGN §4: the last print day on or before travel - pickup_days, as days from today;
    None without travel or when no print day is left before it (the flight date has passed)."""
    if travel is None:
        return None
    latest = (travel - timedelta(days=pickup_days) - days.today).days
    if latest < 0 or not days.rooms:
        return None
    if latest <= days.last:
        found = days.last_print[latest]
        return found if found >= 0 else None
    # Beyond the plan's days (the backlog clears before): look back from the flight itself.
    # A calendar with no print day in the year before it gets the plan's last print day.
    end = days.day(latest)
    earliest = max(days.day(days.last + 1), end - timedelta(days=LOOKBACK_DAYS))
    day = last_print_day(capacity, end, earliest)
    if day is not None:
        return (day - days.today).days
    found = days.last_print[days.last]
    return found if found >= 0 else None


def promise(service: str, applied: date, add_working_days: AddWorkingDays) -> date:
    """DESIGN §4: applied + 4 working days (regular, pmi), the applied day itself (express)."""
    return add_working_days(applied, PROMISE_WORKING_DAYS[service])


def add_weekdays(day: date, count: int) -> date:
    """`day` plus `count` Monday–Friday days: the working days when no calendar is given."""
    one = timedelta(days=1)
    while count > 0:
        day += one
        if day.weekday() < 5:
            count -= 1
    return day


class Facts(NamedTuple):
    """What a book must meet; the same for every book with its (service, applied, travel)."""

    flight_deadline: date | None
    limit: int | None  # the flight deadline as days from today
    due: date
    due_key: int  # the promise as an ordinal, for sorting
    flight_passed: bool
    trip_ahead: bool  # flight passed, yet travel - pickup_days is today or later
    promise_broken: bool
    express_promise_broken: bool


def book_facts(
    services: Sequence[str],
    applieds: Sequence[date],
    travels: Sequence[date | None],
    pickup_days: int,
    days: PlanDays,
    capacity: Capacity,
    add_working_days: AddWorkingDays,
) -> list[Facts]:
    """Each book's Facts, computed once per distinct (service, applied, travel)."""
    # A backlog has a few thousand distinct combinations for a million books: the calendar and
    # the working-day count run once per combination, and each book shares its tuple.
    keys = list(zip(services, applieds, travels, strict=True))
    distinct = set(keys)
    limits = {
        travel: flight_deadline(travel, pickup_days, days, capacity)
        for travel in {travel for _service, _applied, travel in distinct}
    }
    deadlines = {
        travel: None if limit is None else days.day(limit) for travel, limit in limits.items()
    }
    dues = {
        (service, applied): promise(service, applied, add_working_days)
        for service, applied in {(service, applied) for service, applied, _travel in distinct}
    }
    today, pickup = days.today, timedelta(days=pickup_days)
    facts: dict[tuple[str, date, date | None], Facts] = {}
    for key in distinct:
        service, applied, travel = key
        limit = limits[travel]
        due = dues[service, applied]
        passed = travel is not None and limit is None
        broken = due < today
        facts[key] = Facts(
            deadlines[travel],
            limit,
            due,
            due.toordinal(),
            passed,
            passed and travel - pickup >= today,  # type: ignore[operator]
            broken,
            broken and service == "express",
        )
    return list(map(facts.__getitem__, keys))


# --- 3. The keepable set (DESIGN §5 step 1) ----------------------------------------------------


def keepable_set(
    by_priority: Sequence[int], limits: Sequence[int | None], days: PlanDays
) -> tuple[list[int], list[int], dict[int, int]]:
    """DESIGN §5 step 1: in priority order, keep each traveller who still fits on a day on or
    before his flight deadline, on the latest such day. Returns the kept, those who will miss
    their flight, and the day each kept book is assigned to (none when room is certain)."""
    # Union-find over days: node d + 1 stands for day d and leads to the latest day at or
    # before it with room; node 0 means no day is left. Near-linear for any backlog.
    last = days.last
    room = [0, *days.rooms]
    parent = list(range(last + 2))
    for node in range(1, last + 2):
        if not room[node]:
            parent[node] = node - 1
    kept: list[int] = []
    missed: list[int] = []
    assigned: dict[int, int] = {}
    for book in by_priority:
        limit = limits[book]
        assert limit is not None
        if limit > last:
            # Every pending book fits before this deadline (the days stop once they all do),
            # so keeping this one cannot take room any other needs.
            (kept if days.cleared else missed).append(book)
            continue
        node = limit + 1
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        if not node:
            missed.append(book)
            continue
        kept.append(book)
        assigned[book] = node - 1
        room[node] -= 1
        if not room[node]:
            parent[node] = node - 1
    return kept, missed, assigned


# --- 4. Day by day (DESIGN §5 step 2) ----------------------------------------------------------


class StepLists(NamedTuple):
    """The books of each step, in the order the step takes them."""

    must_on: list[list[int]]  # a: per day, the kept books assigned to it
    urgent: list[int]  # b: every urgent book; flight deadline first, then the others
    protect: list[int]  # c: the kept travellers (not urgent), earliest flight deadline first
    will_miss: list[int]  # d: the travellers not kept (not urgent), earliest deadline first
    queue: list[int]  # e: every book, earliest promise first


def step_lists(
    by_applied: list[int],
    priorities: Sequence[int],
    facts: Sequence[Facts],
    kept: list[int],
    missed: list[int],
    assigned: dict[int, int],
    days: PlanDays,
) -> StepLists:
    """Each step's books in its order; ties keep priority order, then applied, then app_no."""
    limits = list(map(itemgetter(1), facts))
    no_deadline = days.last + MAX_PLAN_DAYS  # sorts after every flight deadline
    # Stable sorts: `kept` (priority order) and by_applied hold every tie in the right order.
    kept_by_deadline = sorted(kept, key=limits.__getitem__)
    must_on: list[list[int]] = [[] for _ in range(days.last + 1)]
    for book in kept_by_deadline:
        day = assigned.get(book)
        if day is not None:
            must_on[day].append(book)
    urgent = list(
        compress(by_applied, map(URGENT_PRIORITY.__eq__, map(priorities.__getitem__, by_applied)))
    )
    urgent.sort(key=lambda book: no_deadline if limits[book] is None else limits[book])
    not_urgent = list(map(URGENT_PRIORITY.__ne__, map(priorities.__getitem__, kept_by_deadline)))
    protect = list(compress(kept_by_deadline, not_urgent))
    will_miss = list(
        compress(missed, map(URGENT_PRIORITY.__ne__, map(priorities.__getitem__, missed)))
    )
    will_miss.sort(key=limits.__getitem__)
    queue = sorted(by_applied, key=list(map(itemgetter(3), facts)).__getitem__)
    return StepLists(must_on, urgent, protect, will_miss, queue)


class Run(NamedTuple):
    """Consecutive ranks planned on one day by one step."""

    day: date | None
    step: str
    books: int


def fill_days(
    lists: StepLists,
    limits: Sequence[int | None],
    days: PlanDays,
    horizon_days: int,
    count: int,
    wanted: int,
    target: int | None,
) -> tuple[list[int], list[Run]]:
    """DESIGN §5 step 2: fill each day with a must, b urgent, c protect, d will miss, e queue.
    Stops once `wanted` books or the `target` book are placed; returns the order and runs."""
    # A kept book's assigned day holds room for it and step a comes first, so it is placed on
    # that day at the latest: every kept book meets its flight deadline, whatever b to e do.
    placed = bytearray(count)
    order: list[int] = []
    runs: list[Run] = []
    next_urgent = next_protect = next_missed = next_queued = 0
    urgent, protect, will_miss, queue = lists.urgent, lists.protect, lists.will_miss, lists.queue

    def take(books: list[int], step: str, day: date | None) -> None:
        for book in books:
            placed[book] = 1
        order.extend(books)
        if books:
            runs.append(Run(day, step, len(books)))

    for offset, room in enumerate(days.rooms):
        if not room:
            continue
        day = days.day(offset)
        chosen = [book for book in lists.must_on[offset] if not placed[book]]
        room -= len(chosen)
        take(chosen, "must", day)
        chosen = []
        while room and next_urgent < len(urgent):
            book = urgent[next_urgent]
            next_urgent += 1
            if not placed[book]:
                chosen.append(book)
                room -= 1
        take(chosen, "urgent", day)
        chosen = []
        while room and next_protect < len(protect):
            book = protect[next_protect]
            if limits[book] > offset + horizon_days:  # type: ignore[operator]
                break
            next_protect += 1
            if not placed[book]:
                chosen.append(book)
                room -= 1
        take(chosen, "protect", day)
        # Nothing before step d takes these books, so they go in one slice.
        chosen = will_miss[next_missed : next_missed + room]
        next_missed += len(chosen)
        room -= len(chosen)
        take(chosen, "will_miss", day)
        chosen = []
        while room and next_queued < count:
            book = queue[next_queued]
            next_queued += 1
            if not placed[book]:
                chosen.append(book)
                room -= 1
        take(chosen, "queue", day)
        if len(order) >= wanted or (target is not None and placed[target]):
            return order, runs
    # The calendar has no room left: the rest keep the rule's order, without a day.
    for books, step, start in (
        (urgent, "urgent", next_urgent),
        (protect, "protect", next_protect),
        (will_miss, "will_miss", next_missed),
        (queue, "queue", next_queued),
    ):
        take([book for book in books[start:] if not placed[book]], step, None)
    return order, runs


# --- 5. The placements -------------------------------------------------------------------------


def make_placements(
    ranks: Sequence[int],
    order: list[int],
    runs: list[Run],
    app_nos: Sequence[str],
    facts: Sequence[Facts],
) -> list[Placement]:
    """The Placement of each rank asked for (ranks ascending, counted from 1)."""
    if not ranks:
        return []
    if len(ranks) == ranks[-1]:  # the first n ranks: expand the runs (C-level repeats)
        planned_days: list[date | None] = list(
            islice(chain.from_iterable(repeat(run.day, run.books) for run in runs), len(ranks))
        )
        steps: list[str] = list(
            islice(chain.from_iterable(repeat(run.step, run.books) for run in runs), len(ranks))
        )
        books = order[: len(ranks)]
    else:  # a few ranks: find each one's run
        ends = list(accumulate(run.books for run in runs))
        found = [runs[bisect_left(ends, rank)] for rank in ranks]
        planned_days = [run.day for run in found]
        steps = [run.step for run in found]
        books = [order[rank - 1] for rank in ranks]
    book_facts_ = list(map(facts.__getitem__, books))
    deadlines = list(map(itemgetter(0), book_facts_))
    on_time = [
        None if deadline is None else planned is not None and planned <= deadline
        for planned, deadline in zip(planned_days, deadlines, strict=True)
    ]
    return list(
        map(
            Placement,
            ranks,
            map(app_nos.__getitem__, books),
            planned_days,
            steps,
            deadlines,
            map(itemgetter(2), book_facts_),
            map(itemgetter(4), book_facts_),
            on_time,
        )
    )


# --- The whole rule ----------------------------------------------------------------------------


@dataclass(slots=True)
class Plan:
    """The rule's result for one backlog: enough to build any placement and every figure."""

    count: int
    app_nos: Sequence[str]
    facts: list[Facts]
    days: PlanDays
    order: list[int]  # books in rank order (only as far as the fill went)
    runs: list[Run]
    missed: list[int]  # travellers who will miss their flight
    used_today: int

    def placements(self, ranks: Sequence[int]) -> list[Placement]:
        """The placements of these ranks (ascending, counted from 1)."""
        return make_placements(ranks, self.order, self.runs, self.app_nos, self.facts)

    def will_miss(self) -> list[Placement]:
        """The placements of the travellers who will miss their flight, in rank order."""
        missing = bytearray(self.count)
        for book in self.missed:
            missing[book] = 1
        positions = compress(range(1, len(self.order) + 1), map(missing.__getitem__, self.order))
        return self.placements(list(positions))


def plan(
    pending: Sequence[Mapping[str, Any]],
    today: date,
    capacity: Capacity,
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    add_working_days: AddWorkingDays | None = None,
    *,
    wanted: int | None = None,
    target: str | None = None,
) -> Plan:
    """Run the rule: every step above, in order (the fill stops early for `wanted`/`target`).
    Call it inside `without_cyclic_gc()` for a large backlog."""
    count = len(pending)
    app_nos = column(pending, "app_no")
    services = column(pending, "service")
    applieds = column(pending, "applied")
    days = plan_days(today, capacity, used_today, count)
    facts = book_facts(
        services,
        applieds,
        column(pending, "travel"),
        pickup_days,
        days,
        capacity,
        add_working_days or add_weekdays,
    )
    limits = list(map(itemgetter(1), facts))
    priorities = list(map(SERVICE_PRIORITY.__getitem__, services))
    for book in compress(range(count), column(pending, "urgent")):
        priorities[book] = URGENT_PRIORITY

    # Ties everywhere: earliest applied, then application number (two stable sorts).
    ordinals = {day: day.toordinal() for day in set(applieds)}
    by_applied = sorted(range(count), key=app_nos.__getitem__)
    by_applied.sort(key=list(map(ordinals.__getitem__, applieds)).__getitem__)
    travellers = list(map(is_not, limits, repeat(None)))
    by_priority = list(compress(by_applied, map(travellers.__getitem__, by_applied)))
    by_priority.sort(key=priorities.__getitem__)

    kept, missed, assigned = keepable_set(by_priority, limits, days)
    lists = step_lists(by_applied, priorities, facts, kept, missed, assigned, days)
    target_book = app_nos.index(target) if target is not None and target in app_nos else None
    order, runs = fill_days(
        lists,
        limits,
        days,
        horizon_days,
        count,
        count if wanted is None else min(wanted, count),
        target_book,
    )
    return Plan(count, app_nos, facts, days, order, runs, missed, used_today)


def plan_queue(
    pending: Sequence[Mapping[str, Any]],
    today: date,
    capacity: Capacity,
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    add_working_days: AddWorkingDays | None = None,
    *,
    first: int | None = None,
    only: str | None = None,
) -> list[Placement]:
    """The pending books in queue order, each with its planned print day (DESIGN §5).

    The rule always weighs every book; `first` builds only the first that many placements
    (`list`, `next-batch`), `only` only that application number's, with its rank in the whole
    plan (`show`), or none if it is not pending.
    """
    if not pending:
        return []
    with without_cyclic_gc():
        result = plan(
            pending,
            today,
            capacity,
            used_today,
            pickup_days,
            horizon_days,
            add_working_days,
            wanted=first,
            target=only,
        )
        order = result.order
        if only is not None:
            if only not in result.app_nos:
                return []
            ranks: Sequence[int] = [order.index(result.app_nos.index(only)) + 1]
        else:
            ranks = range(1, len(order) + 1 if first is None else min(first, len(order)) + 1)
        return result.placements(ranks)
