"""The queue rule of DESIGN §4–§5 (passq.domain.queue) against brute force, and issue 10's bugs."""

import random
from collections import Counter
from datetime import date, timedelta
from itertools import combinations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from passq.domain import queue
from passq.domain.explain import explain
from passq.domain.figures import (
    CapacityNeeded,
    every_print_day,
    plan_figures,
    what_if,
    with_days,
    with_extra,
)
from passq.domain.queue import STEPS, Columns, plan_queue

MONDAY = date(2024, 7, 1)  # Monday 01/07/2024
ONE = timedelta(days=1)


def book(app_no, *, service="regular", applied=MONDAY, travel=None, urgent=None, **extra):
    return {
        "app_no": app_no,
        "service": service,
        "urgent": urgent,
        "applied": applied,
        "travel": travel,
        **extra,
    }


def weekdays(books):
    return lambda day: books if day.weekday() < 5 else 0


def fixed(capacities, after=0, start=MONDAY):
    """Capacity per day from `start`, then `after` on every later day."""

    def capacity(day):
        offset = (day - start).days
        if 0 <= offset < len(capacities):
            return capacities[offset]
        return after

    return capacity


# --- An independent model of DESIGN §4–§5 ---------------------------------------------------


def oracle_deadline(record, today, capacity, pickup_days=1):
    """The last print day on or before travel - pickup_days, or None (no travel, or passed)."""
    if record["travel"] is None:
        return None
    day = record["travel"] - timedelta(days=pickup_days)
    while day >= today:
        if capacity(day) > 0:
            return day
        day -= ONE
    return None


def oracle_due(record):
    day, left = record["applied"], 4 if record["service"] != "express" else 0
    while left:
        day += ONE
        left -= day.weekday() < 5
    return day


def seats(today, capacity, used_today, until):
    """Every (day, seat) from today to `until`."""
    found, day = [], today
    while day <= until:
        found += [day] * max(0, capacity(day) - (used_today if day == today else 0))
        day += ONE
    return found


def all_fit(deadlines, free):
    """Earliest deadline first on the earliest seats: exact for unit books all ready now."""
    free = sorted(free)
    if len(deadlines) > len(free):
        return False
    return all(seat <= deadline for seat, deadline in zip(free, sorted(deadlines), strict=False))


def priority_key(record):
    rank = 0 if record["urgent"] else (2 if record["service"] == "regular" else 1)
    return (rank, record["applied"], record["app_no"])


def random_instance(rng):
    today = MONDAY + timedelta(days=rng.randrange(7))
    capacity = fixed(
        [rng.choice((0, 0, 1, 1, 2, 3)) for _ in range(14)],
        after=rng.choice((0, 1, 2)),
        start=today,
    )
    used_today = rng.randrange(3)
    records = []
    for index in range(rng.randrange(1, 10)):
        travel = None
        if rng.random() < 0.75:
            travel = today + timedelta(days=rng.randrange(-2, 12))
        records.append(
            book(
                f"B{rng.randrange(100):02d}-{index}",
                service=rng.choice(("regular", "regular", "express", "pmi")),
                applied=today - timedelta(days=rng.randrange(8)),
                travel=travel,
                urgent="medical" if rng.random() < 0.2 else None,
            )
        )
    return today, capacity, used_today, records


def check_plan(placements, records, today, capacity, used_today, horizon_days):
    """Every invariant of DESIGN §5 a plan must hold, checked against the independent model."""
    by_no = {record["app_no"]: record for record in records}
    assert [p.rank for p in placements] == list(range(1, len(records) + 1))
    assert sorted(p.app_no for p in placements) == sorted(by_no)
    planned = [p.planned_day for p in placements if p.planned_day is not None]
    assert planned == sorted(planned)
    for day, books in Counter(planned).items():  # every day has room for its books
        assert books <= capacity(day) - (used_today if day == today else 0), day

    deadlines = {no: oracle_deadline(r, today, capacity) for no, r in by_no.items()}
    for p in placements:
        record = by_no[p.app_no]
        assert p.flight_deadline == deadlines[p.app_no]
        assert p.flight_passed == (record["travel"] is not None and deadlines[p.app_no] is None)
        assert p.due == oracle_due(record)
        assert (p.flight_deadline is None) == (p.on_time is None)
        if p.on_time is not None:
            assert p.on_time == (p.planned_day is not None and p.planned_day <= p.flight_deadline)
        assert p.step in STEPS
        assert (p.step == "urgent") <= bool(record["urgent"])
        if p.step in ("must", "protect", "will_miss"):
            assert p.flight_deadline is not None
        if p.step == "will_miss":
            assert p.on_time is False and not record["urgent"]
        if p.step in ("must", "protect"):
            assert p.on_time is True
        if p.step == "protect" and p.planned_day is not None:
            assert p.flight_deadline <= p.planned_day + timedelta(days=horizon_days)
        if record["urgent"]:
            assert p.step in ("must", "urgent")

    # The keepable set: as large as any set of travellers that can all make it.
    travellers = sorted(
        (r for r in records if deadlines[r["app_no"]] is not None), key=priority_key
    )
    last = max((deadlines[r["app_no"]] for r in travellers), default=today)
    free = seats(today, capacity, used_today, last)
    placed = {p.app_no: p for p in placements}
    kept = [index for index, r in enumerate(travellers) if placed[r["app_no"]].on_time]
    best = 0
    best_sets = []
    for size in range(len(travellers), -1, -1):
        for subset in combinations(range(len(travellers)), size):
            if all_fit([deadlines[travellers[i]["app_no"]] for i in subset], free):
                best_sets.append(subset)
        if best_sets:
            best = size
            break
    assert len(kept) == best
    # Among the largest sets, the priority order wins (lexicographically first by priority).
    assert tuple(kept) == min(best_sets)

    # Within a day, the steps come in DESIGN §5's order; each step keeps its own order.
    for day in set(planned):
        steps = [STEPS.index(p.step) for p in placements if p.planned_day == day]
        assert steps == sorted(steps)
    queued = [by_no[p.app_no] for p in placements if p.step == "queue"]
    assert queued == sorted(queued, key=lambda r: (oracle_due(r), r["applied"], r["app_no"]))
    urgent = [p for p in placements if p.step == "urgent"]
    assert urgent == sorted(
        urgent,
        key=lambda p: (
            p.flight_deadline or date.max,
            by_no[p.app_no]["applied"],
            p.app_no,
        ),
    )
    for step in ("protect", "will_miss"):
        in_step = [p.flight_deadline for p in placements if p.step == step]
        assert in_step == sorted(in_step)


@pytest.mark.parametrize("seed", range(300))
def test_plan_against_brute_force(seed):
    rng = random.Random(seed)
    today, capacity, used_today, records = random_instance(rng)
    horizon_days = rng.choice((0, 2, 7, 14))
    placements = plan_queue(records, today, capacity, used_today, horizon_days=horizon_days)
    check_plan(placements, records, today, capacity, used_today, horizon_days)

    # Columns, `first` and `only` give the whole plan's placements.
    columns = Columns({field: [r[field] for r in records] for field in queue.QUEUE_FIELDS})
    assert plan_queue(columns, today, capacity, used_today, horizon_days=horizon_days) == (
        placements
    )
    for first in (0, 1, len(records) // 2, len(records) + 1):
        assert (
            plan_queue(records, today, capacity, used_today, horizon_days=horizon_days, first=first)
            == placements[:first]
        )
    for placement in placements:
        assert plan_queue(
            columns, today, capacity, used_today, horizon_days=horizon_days, only=placement.app_no
        ) == [placement]
    assert plan_queue(records, today, capacity, used_today, only="not-pending") == []

    # The figures are the whole plan's, each under its own name.
    figures = plan_figures(records, today, capacity, used_today, horizon_days=horizon_days)
    assert figures.will_miss == [p for p in placements if p.on_time is False]
    assert figures.flight_passed == sum(p.flight_passed for p in placements)
    assert figures.promises_broken == sum(p.due < today for p in placements)
    express = {r["app_no"] for r in records if r["service"] == "express"}
    assert figures.express_promises_broken == sum(
        p.due < today and p.app_no in express for p in placements
    )
    days = [p.planned_day for p in placements if p.planned_day is not None]
    assert figures.clears_on == (days[-1] if days else None)
    assert figures.unplanned == len(placements) - len(days)


def test_empty_backlog():
    assert plan_queue([], MONDAY, weekdays(250)) == []
    figures = plan_figures([], MONDAY, weekdays(250))
    assert figures.will_miss == [] and figures.clears_on is None
    assert figures.capacity_needed.extra_per_day == 0


# --- Capacity needed: exactly enough, never when nobody misses ---------------------------------


@st.composite
def backlogs(draw):
    today = MONDAY + timedelta(days=draw(st.integers(0, 6)))
    capacities = draw(st.lists(st.integers(0, 2), min_size=1, max_size=10))
    capacity = fixed(capacities, after=draw(st.integers(1, 2)), start=today)
    used_today = draw(st.integers(0, 2))
    count = draw(st.integers(0, 16))
    records = [
        book(
            f"A{index:02d}",
            service=draw(st.sampled_from(("regular", "express", "pmi"))),
            applied=today - timedelta(days=draw(st.integers(0, 6))),
            travel=draw(
                st.sampled_from((None, -2, -1, 0, 1, 2, 3, 4, 5, 6, 8, 12)).map(
                    lambda d: None if d is None else today + timedelta(days=d)
                )
            ),
            urgent=draw(st.sampled_from((None, None, None, "state duty"))),
        )
        for index in range(count)
    ]
    return today, capacity, used_today, records


def future_misses(records, today, capacity, used_today):
    placements = plan_queue(records, today, capacity, used_today)
    return [p for p in placements if p.on_time is False]


@settings(max_examples=300, deadline=None)
@given(backlogs())
def test_capacity_needed_is_exactly_enough(instance):
    today, capacity, used_today, records = instance
    figures = plan_figures(records, today, capacity, used_today)
    needed = figures.capacity_needed
    # "Capacity needed" and "will miss" agree.
    assert (needed.extra_per_day == 0) == (figures.will_miss == [])
    assert (needed.extra_days == 0) == (needed.extra_until is None) == (needed.extra_per_day == 0)
    if not needed.extra_per_day:
        return
    event("extra capacity asked for")
    # Adding exactly that on those print days keeps every traveller with a future deadline.
    more = with_extra(capacity, needed, today)
    assert future_misses(records, today, more, used_today) == []
    assert what_if(more, records, today, used_today).will_miss == []
    # And it is the least: one book less a day, even on every print day, is not enough...
    last = max(p.flight_deadline for p in figures.will_miss)
    less = CapacityNeeded(needed.extra_per_day - 1, 10_000, last, 0, False)
    if less.extra_per_day:
        assert future_misses(records, today, with_extra(capacity, less, today), used_today)
    # ...nor the same extra on one print day fewer.
    print_days = [
        today + timedelta(days=offset)
        for offset in range((needed.extra_until - today).days + 1)
        if capacity(today + timedelta(days=offset)) > 0
    ]
    assert len(print_days) == needed.extra_days
    if needed.extra_days > 1:
        shorter = type(needed)(
            needed.extra_per_day, needed.extra_days - 1, print_days[-2], 0, False
        )
        assert future_misses(records, today, with_extra(capacity, shorter, today), used_today)


# --- Issue 10's bugs, one test each -------------------------------------------------------------


def test_bug1_express_traveller_keeps_his_flight_like_a_regular_one():
    applied = date(2024, 6, 24)
    records = [book("EXP", service="express", applied=applied, travel=date(2024, 7, 3))]
    records += [book(f"R{index}", applied=applied, travel=date(2024, 7, 5)) for index in range(10)]
    express = plan_queue(records, MONDAY, weekdays(5), only="EXP")[0]
    assert express.on_time is True and not express.flight_passed
    assert express.flight_deadline == date(2024, 7, 2)
    assert express.planned_day in (date(2024, 7, 1), date(2024, 7, 2))
    assert express.due == applied  # his same-day promise is broken, his flight is not
    as_regular = [{**records[0], "service": "regular"}, *records[1:]]
    regular = plan_queue(as_regular, MONDAY, weekdays(5), only="EXP")[0]
    assert (regular.on_time, regular.planned_day) == (True, express.planned_day)
    figures = plan_figures(records, MONDAY, weekdays(5))
    assert figures.will_miss == [] and figures.express_promises_broken == 1


def test_bug2_books_without_travel_never_count_as_will_miss():
    long_ago = date(2024, 5, 1)
    records = [book(f"Q{index}", applied=long_ago) for index in range(30)]
    records += [book(f"E{index}", service="express", applied=long_ago) for index in range(5)]
    placements = plan_queue(records, MONDAY, weekdays(2))
    assert all(p.on_time is None and p.step == "queue" for p in placements)
    figures = plan_figures(records, MONDAY, weekdays(2))
    assert figures.will_miss == []
    assert figures.capacity_needed.extra_per_day == 0
    assert (figures.promises_broken, figures.express_promises_broken) == (35, 5)


def test_bug3_urgent_without_travel_goes_on_the_first_day_with_room():
    records = [book(f"Q{index}", applied=MONDAY - timedelta(days=20)) for index in range(10)]
    records.append(book("U", applied=MONDAY, urgent="death in the family"))
    placements = plan_queue(records, MONDAY, weekdays(3), used_today=3)
    first = placements[0]
    assert (first.app_no, first.step, first.planned_day) == ("U", "urgent", MONDAY + ONE)


def test_bug4_a_passed_flight_does_not_take_a_travellers_seat():
    records = [
        book("GONE", applied=date(2024, 6, 20), travel=date(2024, 6, 30)),
        book("SITI", applied=date(2024, 6, 28), travel=date(2024, 7, 10)),
    ]
    placements = plan_queue(records, MONDAY, weekdays(1))
    assert [(p.app_no, p.step, p.planned_day) for p in placements] == [
        ("SITI", "protect", MONDAY),
        ("GONE", "queue", MONDAY + ONE),
    ]
    gone = placements[1]
    assert gone.flight_passed and gone.flight_deadline is None and gone.on_time is None
    figures = plan_figures(records, MONDAY, weekdays(1))
    assert (figures.flight_passed, figures.will_miss) == (1, [])
    text = explain(gone, records[0], 1, today=MONDAY, capacity=weekdays(1))
    assert "the flight date has passed: ask the applicant for the new date" in text


def test_bug5_capacity_needed():
    records = [book(f"T{index}", travel=MONDAY + timedelta(days=3)) for index in range(9)]
    records += [book(f"Q{index}") for index in range(5)]
    # Print days Mon, Tue, Wed before the Thursday flights (deadline Wed): 3 a day is enough.
    enough = plan_figures(records, MONDAY, weekdays(3))
    assert enough.will_miss == [] and enough.capacity_needed.extra_per_day == 0
    # At 2 a day, 3 miss: 1 more a day on all three print days.
    short = plan_figures(records, MONDAY, weekdays(2))
    needed = short.capacity_needed
    assert len(short.will_miss) == 3
    assert (needed.extra_per_day, needed.extra_days, needed.extra_until) == (
        1,
        3,
        MONDAY + timedelta(days=2),
    )
    assert plan_figures(records, MONDAY, with_extra(weekdays(2), needed, MONDAY)).will_miss == []
    # Overtime already booked (4 on Monday) lowers the extra asked for.
    booked = with_days(weekdays(2), {MONDAY: 4})
    needed = plan_figures(records, MONDAY, booked).capacity_needed
    assert (needed.extra_per_day, needed.extra_days) == (1, 1)
    # With no print day at all, capacity cannot help, and the figure says so.
    closed = plan_figures(records, MONDAY, lambda day: 0)
    assert closed.capacity_needed.no_print_day_at_all
    assert closed.capacity_needed.capacity_cannot_help
    assert closed.capacity_needed.no_print_day_before_flight == 9
    assert closed.flight_passed == 9 and closed.unplanned == len(records)
    # Every day before the flights closed (an outage), print days after: the same.
    outage = with_days(weekdays(2), {MONDAY + timedelta(days=d): 0 for d in range(3)})
    stranded = plan_figures(records, MONDAY, outage)
    assert stranded.capacity_needed.capacity_cannot_help
    assert not stranded.capacity_needed.no_print_day_at_all
    assert stranded.capacity_needed.extra_per_day == 0 and stranded.will_miss == []
    assert stranded.capacity_needed.no_print_day_before_flight == 9


def test_what_if_capacity_and_open_day():
    records = [book(f"T{index}", travel=MONDAY + timedelta(days=6)) for index in range(12)]
    base = plan_figures(records, MONDAY, weekdays(2))
    assert len(base.will_miss) == 2  # Mon-Fri, 2 a day: 10 seats before Sunday's flights
    assert what_if(every_print_day(weekdays(2), 3), records, MONDAY).will_miss == []
    saturday = MONDAY + timedelta(days=5)
    opened = what_if(with_days(weekdays(2), {saturday: 2}), records, MONDAY)
    assert opened.will_miss == []


# --- The sentence `show` prints ----------------------------------------------------------------


def test_explain_sentences():
    today = date(2024, 6, 25)
    capacity = weekdays(250)
    record = book("A1", applied=date(2024, 6, 20), travel=date(2024, 7, 1), destination="Malaysia")
    must = queue.Placement(
        213, "A1", date(2024, 6, 27), "must", date(2024, 6, 28), date(2024, 6, 26), False, True
    )
    assert explain(must, record, 212, today=today, capacity=capacity) == (
        "Travels Mon 01/07 to Malaysia, so must be printed by Fri 28/06. Planned Thu 27/06 "
        "(step: must): the last print day with room on or before its flight deadline. "
        "212 books are ahead of it."
    )
    late = queue.Placement(
        5, "A1", date(2024, 7, 2), "will_miss", date(2024, 6, 28), today, False, False
    )
    text = explain(late, record, 1, today=today, capacity=capacity)
    assert "4 days after its flight deadline: it will miss its flight" in text
    assert text.endswith("1 book is ahead of it.")
    urgent = queue.Placement(1, "U", today, "urgent", None, today, False, None)
    text = explain(urgent, book("U", urgent="berobat"), 0, today=today, capacity=capacity)
    assert text == (
        "Urgent: berobat. No travel date, so no flight deadline. Planned Tue 25/06 (step: "
        "urgent): urgent books go on the first day with room. It is next in line."
    )
    protect = queue.Placement(
        3, "A1", today, "protect", date(2024, 6, 28), date(2024, 6, 26), False, True
    )
    assert "(step: protect): its flight deadline is within 10 days" in explain(
        protect, record, 2, today=today, capacity=capacity
    )
    express = book("E1", service="express", applied=date(2024, 6, 24))
    queued = queue.Placement(9, "E1", today, "queue", None, date(2024, 6, 24), False, None)
    assert "in turn by its express promise, the day it applied (Mon 24/06), which has passed" in (
        explain(queued, express, 8, today=today, capacity=capacity)
    )
    stranded = book("S", travel=date(2024, 6, 30))
    closed = queue.Placement(2, "S", date(2024, 7, 1), "queue", None, today, True, None)
    assert "but no print day is left before then: ask the applicant for a new date" in explain(
        closed, stranded, 1, today=today, capacity=lambda day: 0 if day < date(2024, 7, 1) else 5
    )
    none = queue.Placement(2, "S", None, "queue", None, today, False, None)
    assert "the calendar has no capacity ahead" in explain(
        none, book("S"), 1, today=today, capacity=lambda day: 0
    )
