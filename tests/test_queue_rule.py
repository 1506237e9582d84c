"""The queue rule (DESIGN §5) against a brute force, and the cases staff will ask about."""

import random
from collections import Counter
from datetime import date, timedelta

import pytest

from passq.domain import dates, oldqueue
from passq.domain.calendar import PrintCalendar, official_holidays
from passq.domain.oldqueue import plan_queue, plan_summary
from passq.domain.records import deadline, due

MONDAY = date(2024, 6, 3)  # no holiday that week


def book(app_no, *, service="regular", applied=MONDAY, travel=None, urgent=None, **extra):
    return {
        "app_no": app_no,
        "service": service,
        "urgent": urgent,
        "applied": applied,
        "travel": travel,
        "name": "Ani",
        **extra,
    }


def travelling(app_no, deadline, **fields):
    """A book whose deadline (pickup_days=1) is `deadline`."""
    return book(app_no, travel=deadline + timedelta(days=1), **fields)


def fixed(capacities, after=0):
    """Capacity per day from MONDAY, then `after` on every later day."""
    return lambda day: (
        capacities[(day - MONDAY).days] if (day - MONDAY).days < len(capacities) else after
    )


def by_app_no(placements):
    return {placement.app_no: placement for placement in placements}


def check_schedule(placements, records, today, capacity, used_today=0):
    """Invariants of any plan: every book once, ranked, within each day's room."""
    assert [p.rank for p in placements] == list(range(1, len(records) + 1))
    assert sorted(p.app_no for p in placements) == sorted(r["app_no"] for r in records)
    planned = [p.planned_day for p in placements if p.planned_day is not None]
    assert planned == sorted(planned)
    for day, books in Counter(planned).items():
        room = capacity(day) - (used_today if day == today else 0)
        assert books <= room, day
    for p in placements:
        assert (p.deadline is None) == (p.on_time is None)
        if p.deadline is not None:
            assert p.on_time == (p.planned_day is not None and p.planned_day <= p.deadline)
        assert (p.step == "missed") == (p.on_time is False)


# --- An independent brute force -----------------------------------------------------------


def slots(today, capacity, used_today, until):
    """Every (day, seat) the office can print in from today to `until`."""
    seats = []
    day = today
    while day <= until:
        room = capacity(day) - (used_today if day == today else 0)
        seats += [day] * max(0, room)
        day += timedelta(days=1)
    return seats


def max_on_time(deadlines, seats):
    """Maximum bipartite matching of books to seats on or before their deadline (Kuhn)."""
    owner = [None] * len(seats)

    def augment(book_index, seen):
        for seat, day in enumerate(seats):
            if day <= deadlines[book_index] and seat not in seen:
                seen.add(seat)
                if owner[seat] is None or augment(owner[seat], seen):
                    owner[seat] = book_index
                    return True
        return False

    return sum(augment(index, set()) for index in range(len(deadlines)))


def random_instance(rng):
    today = MONDAY + timedelta(days=rng.randrange(7))
    capacities = [rng.choice((0, 0, 1, 1, 2, 3)) for _ in range(12)]
    capacity = fixed(capacities, after=rng.choice((0, 2)))
    used_today = rng.randrange(3)
    records = []
    for index in range(rng.randrange(1, 11)):
        travel = None
        if rng.random() < 0.8:
            travel = today + timedelta(days=rng.randrange(-1, 10))
        records.append(
            book(
                f"B{rng.randrange(100):02d}-{index}",
                service=rng.choice(("regular", "regular", "express", "pmi")),
                applied=today - timedelta(days=rng.randrange(3)),
                travel=travel,
                urgent="medical" if rng.random() < 0.15 else None,
            )
        )
    return today, capacity, used_today, records


def priority_key(record):
    return (oldqueue.priority(record), record["applied"], record["app_no"])


@pytest.mark.parametrize("seed", range(400))
def test_plan_keeps_as_many_deadlines_as_possible(seed):
    rng = random.Random(seed)
    today, capacity, used_today, records = random_instance(rng)
    horizon_days = rng.choice((0, 2, 7))
    placements = plan_queue(records, today, capacity, used_today, horizon_days=horizon_days)
    check_schedule(placements, records, today, capacity, used_today)

    placed = by_app_no(placements)
    for record in records:
        assert placed[record["app_no"]].deadline == deadline(record)
        assert placed[record["app_no"]].due == due(record, dates.add_weekdays)

    with_deadline = [r for r in records if deadline(r) is not None]
    last = max([deadline(r) for r in with_deadline], default=today)
    seats = slots(today, capacity, used_today, last)
    best = max_on_time([deadline(r) for r in with_deadline], seats)
    kept = [r for r in with_deadline if placed[r["app_no"]].on_time]
    assert len(kept) == best

    # Among the largest sets, the priority order wins: a book left out could not have been
    # kept together with the kept books ahead of it in priority order.
    kept_numbers = {r["app_no"] for r in kept}
    ranked = sorted(with_deadline, key=priority_key)
    for position, record in enumerate(ranked):
        if record["app_no"] in kept_numbers:
            continue
        ahead = [r for r in ranked[:position] if r["app_no"] in kept_numbers] + [record]
        deadlines = [deadline(r) for r in ahead]
        assert max_on_time(deadlines, seats) < len(ahead)


@pytest.mark.parametrize("seed", range(200))
def test_capacity_needed_is_exactly_enough(seed):
    rng = random.Random(1000 + seed)
    today, _capacity, used_today, records = random_instance(rng)
    today = MONDAY + timedelta(days=rng.randrange(5))  # a print day
    records = [r for r in records if r["applied"] <= today]
    summary = plan_summary(
        plan_queue(records, today, oldqueue.weekday_capacity(1), used_today),
        today,
        oldqueue.weekday_capacity(1),
        used_today,
        default_capacity=1,
    )
    needed = summary.capacity_needed

    def future_misses(capacity):
        placements = plan_queue(records, today, oldqueue.weekday_capacity(capacity), used_today)
        return [p for p in placements if p.on_time is False and p.deadline >= today]

    assert future_misses(needed) == []
    if needed > 0:
        assert future_misses(needed - 1) != []


# --- The cases a supervisor asks about ------------------------------------------------------


def earliest_deadline_first(records, today, capacity):
    """The order the rule replaces: by deadline, filling each day."""
    ranked = sorted(records, key=lambda r: (deadline(r) or date.max, r["applied"], r["app_no"]))
    on_time, day, room = 0, today, capacity(today)
    for record in ranked:
        while room <= 0:
            day += timedelta(days=1)
            room = capacity(day)
        room -= 1
        on_time += deadline(record) is not None and day <= deadline(record)
    return on_time


def test_cascade_edf_loses_travellers_the_plan_keeps():
    # One book a day; two travel Tuesday, then one traveller a day after. Printing the hopeless
    # second Tuesday traveller first makes everyone behind him late.
    records = [
        travelling("A", MONDAY),
        travelling("B", MONDAY),
        travelling("C", MONDAY + timedelta(days=1)),
        travelling("D", MONDAY + timedelta(days=2)),
        travelling("E", MONDAY + timedelta(days=3)),
    ]
    capacity = oldqueue.weekday_capacity(1)
    assert earliest_deadline_first(records, MONDAY, capacity) == 1
    placements = plan_queue(records, MONDAY, capacity)
    check_schedule(placements, records, MONDAY, capacity)
    placed = by_app_no(placements)
    assert sum(p.on_time for p in placements) == 4
    assert placed["B"].step == "missed"
    assert [p.app_no for p in placements] == ["A", "C", "D", "E", "B"]


def test_reference_crunch_keeps_every_deadline_that_can_be_kept():
    # DESIGN §5's crunch, scaled down: a backlog (some travelling within the month) plus
    # pilgrims leaving within 9 days, more than the printers can do in time.
    rng = random.Random(5)
    records = [
        book(
            f"R{i:04d}",
            applied=MONDAY - timedelta(days=rng.randrange(10)),
            travel=MONDAY + timedelta(days=rng.randrange(30)) if rng.random() < 0.3 else None,
        )
        for i in range(150)
    ]
    records += [
        book(
            f"H{i:04d}",
            applied=MONDAY - timedelta(days=rng.randrange(10)),
            travel=MONDAY + timedelta(days=rng.randrange(1, 10)),
        )
        for i in range(60)
    ]
    capacity = oldqueue.weekday_capacity(10)
    placements = plan_queue(records, MONDAY, capacity)
    check_schedule(placements, records, MONDAY, capacity)
    deadlines = [deadline(r) for r in records if r["travel"]]
    best = max_on_time(deadlines, slots(MONDAY, capacity, 0, max(deadlines)))
    assert sum(1 for p in placements if p.on_time) == best
    assert earliest_deadline_first(records, MONDAY, capacity) < best


def test_priority_order_and_ties_decide_who_keeps_the_last_seats():
    records = [
        travelling("R-late", MONDAY, applied=MONDAY),
        travelling("R-early", MONDAY, applied=MONDAY - timedelta(days=2)),
        travelling("P-2", MONDAY, service="pmi"),
        travelling("E-1", MONDAY, service="express"),
        travelling("U", MONDAY, urgent="kemoterapi di Penang"),
    ]

    def kept(seats):
        placements = plan_queue(records, MONDAY, oldqueue.weekday_capacity(seats))
        return {p.app_no for p in placements if p.on_time}

    # Urgent first; then express and pmi, tied on the applied day: by application number.
    assert kept(1) == {"U"}
    assert kept(2) == {"U", "E-1"}
    assert kept(3) == {"U", "E-1", "P-2"}
    # Among regular books, the earlier application keeps the seat.
    assert kept(4) == {"U", "E-1", "P-2", "R-early"}
    # The books that will miss go next, earliest deadline first, then in priority order.
    placements = plan_queue(records, MONDAY, oldqueue.weekday_capacity(2))
    assert [p.app_no for p in placements if p.step == "missed"] == ["P-2", "R-early", "R-late"]


def test_day_by_day_steps():
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    thursday = MONDAY + timedelta(days=3)
    records = [
        book("Q2", applied=MONDAY - timedelta(days=1)),  # no deadline: by due date (Fri)
        book("Q1", applied=MONDAY - timedelta(days=4)),  # due Wednesday
        travelling("FAR", MONDAY + timedelta(days=30)),  # kept, deadline far off: in the queue
        travelling("NEAR", thursday),
        travelling("MUST", tuesday),
        travelling("MUST2", tuesday, urgent="state duty"),
        travelling("LATE", MONDAY - timedelta(days=1)),
    ]
    capacity = fixed([2, 1, 2, 2, 2], after=2)
    placements = plan_queue(records, MONDAY, capacity, used_today=0, horizon_days=3)
    check_schedule(placements, records, MONDAY, capacity)
    rows = [(p.app_no, p.planned_day, p.step) for p in placements]
    assert rows == [
        # MUST2 (urgent) holds Tuesday's only seat in the keepable set, so MUST must go Monday;
        # the 3-day horizon then pulls MUST2, and NEAR on Tuesday, ahead of the queue.
        ("MUST", MONDAY, "must"),
        ("MUST2", MONDAY, "near"),
        ("NEAR", tuesday, "near"),
        ("LATE", wednesday, "missed"),
        ("Q1", wednesday, "queue"),
        ("Q2", thursday, "queue"),  # due Friday like FAR, applied a day earlier
        ("FAR", thursday, "queue"),
    ]


def test_todays_capacity_partly_used():
    records = [book(f"A{i}") for i in range(5)]
    capacity = oldqueue.weekday_capacity(3)
    placements = plan_queue(records, MONDAY, capacity, used_today=2)
    assert Counter(p.planned_day for p in placements) == {
        MONDAY: 1,
        MONDAY + timedelta(days=1): 3,
        MONDAY + timedelta(days=2): 1,
    }
    full = plan_queue(records, MONDAY, capacity, used_today=7)
    assert MONDAY not in {p.planned_day for p in full}


def test_no_capacity_at_all_leaves_books_without_a_day():
    records = [travelling("A", MONDAY + timedelta(days=2)), book("B")]
    placements = plan_queue(records, MONDAY, lambda day: 0)
    assert [(p.app_no, p.planned_day, p.step, p.on_time) for p in placements] == [
        ("A", None, "missed", False),
        ("B", None, "queue", None),
    ]
    summary = plan_summary(placements, MONDAY, lambda day: 0, default_capacity=0)
    assert summary.unplanned == 2 and summary.clears_on is None


def test_empty_backlog():
    assert plan_queue([], MONDAY, oldqueue.weekday_capacity(250)) == []
    summary = plan_summary([], MONDAY, oldqueue.weekday_capacity(250), default_capacity=250)
    assert summary.capacity_needed == 0 and summary.clears_on is None and summary.will_miss == []


# --- The Indonesian calendar and the office's overrides --------------------------------------


@pytest.fixture(scope="module")
def june_2024():
    return official_holidays(2024)


def test_holiday_week_and_office_overrides(june_2024):
    friday = date(2024, 6, 14)
    calendar = PrintCalendar(2, {}, lambda year: june_2024)
    # Travelling Wednesday 19/06: deadline Tuesday 18/06, but 15–18 are weekend and holidays.
    records = [book(f"H{i}", applied=friday, travel=date(2024, 6, 19)) for i in range(3)]
    records.append(book("R1", applied=friday))
    placements = plan_queue(
        records, friday, calendar.capacity, add_working_days=calendar.add_working_days
    )
    check_schedule(placements, records, friday, calendar.capacity)
    assert sum(1 for p in placements if p.on_time) == 2
    assert not {p.planned_day for p in placements} & {
        date(2024, 6, day) for day in (15, 16, 17, 18)
    }
    # The service promise counts working days: 19, 20, 21 and Monday 24/06.
    assert by_app_no(placements)["R1"].due == date(2024, 6, 24)

    # A Saturday overtime shift saves the third traveller; an outage day gets nothing.
    saturday, wednesday = date(2024, 6, 15), date(2024, 6, 19)
    calendar = PrintCalendar(
        2, {saturday: (1, "overtime"), wednesday: (0, "outage")}, lambda year: june_2024
    )
    placements = plan_queue(
        records, friday, calendar.capacity, add_working_days=calendar.add_working_days
    )
    check_schedule(placements, records, friday, calendar.capacity)
    assert all(p.on_time for p in placements if p.deadline)
    days = Counter(p.planned_day for p in placements)
    assert days[saturday] == 1 and wednesday not in days
    assert days[date(2024, 6, 20)] == 1  # R1 waits for Thursday
    assert by_app_no(placements)["R1"].due == date(2024, 6, 24)  # overrides change no due date


# --- The supervisor's figures and the phone sentence -----------------------------------------


def test_plan_summary_hand_computed():
    tuesday, wednesday = MONDAY + timedelta(days=1), MONDAY + timedelta(days=2)
    records = [travelling(f"M{i}", MONDAY) for i in range(3)]
    records += [travelling(f"T{i}", tuesday) for i in range(4)]
    records += [travelling(f"W{i}", wednesday) for i in range(4)]
    records += [travelling("OLD", MONDAY - timedelta(days=3), applied=MONDAY - timedelta(days=9))]
    capacity = oldqueue.weekday_capacity(2)
    placements = plan_queue(records, MONDAY, capacity, used_today=1)
    summary = plan_summary(placements, MONDAY, capacity, 1, default_capacity=2)
    # Room: Monday 2 - 1 used, Tuesday 2, Wednesday 2: 5 of the 11 future deadlines kept.
    assert len(summary.will_miss) == 7
    assert summary.will_miss[0].app_no == "OLD"
    # Books with deadline up to D (plus the 1 used today) over print days up to D:
    # Monday (3+1)/1 = 4, Tuesday (7+1)/2 = 4, Wednesday (11+1)/3 = 4.
    assert summary.capacity_needed == 4
    assert summary.needed_by == MONDAY
    # 2 more a day: Monday needs 1 such day, Tuesday 2, Wednesday 3.
    assert (summary.extra_per_day, summary.extra_days) == (2, 3)
    assert summary.extra_until == wednesday
    assert summary.clears_on == MONDAY + timedelta(days=8)  # 12 books: 1 seat, then 2 a day
    assert summary.overdue == 1  # OLD: applied 9 days ago, due long past
    assert summary.unplanned == 0

    enough = plan_queue(records, MONDAY, oldqueue.weekday_capacity(4), used_today=1)
    assert [p.app_no for p in enough if p.on_time is False] == ["OLD"]


def test_capacity_needed_skips_books_no_capacity_can_save():
    saturday = MONDAY - timedelta(days=2)
    records = [travelling("SUN", saturday + timedelta(days=1)), travelling("MON", MONDAY)]
    capacity = oldqueue.weekday_capacity(5)
    placements = plan_queue(records, saturday, capacity)
    summary = plan_summary(placements, saturday, capacity, default_capacity=5)
    assert summary.capacity_needed == 1 and summary.needed_by == MONDAY
    assert [p.app_no for p in summary.will_miss] == ["SUN"]
    assert summary.extra_per_day == 0 and summary.extra_days == 0


def test_explain_reads_like_a_phone_answer():
    today = date(2024, 6, 25)
    record = book("A1", applied=date(2024, 6, 20), travel=date(2024, 7, 1), destination="Malaysia")
    placement = oldqueue.Placement(
        213, "A1", date(2024, 6, 27), "must", date(2024, 6, 30), date(2024, 6, 26), True
    )
    text = oldqueue.explain(
        placement, record, 212, today=today, capacity=oldqueue.weekday_capacity(250)
    )
    assert text == (
        "Travels Mon 01/07 to Malaysia, so must be printed by Fri 28/06; planned Thu 27/06 "
        "(step: must go that day, the last print day with room before its deadline); "
        "212 books are ahead of it."
    )
    late = oldqueue.Placement(5, "A1", date(2024, 7, 2), "missed", date(2024, 6, 30), today, False)
    text = oldqueue.explain(late, {**record, "urgent": "berobat"}, 1, today=today)
    assert text.startswith("Urgent (berobat). Travels Mon 01/07 to Malaysia")
    assert "2 days late; 1 book is ahead of it." in text
    express = book("E1", service="express", applied=today)
    queued = oldqueue.Placement(1, "E1", today, "near", today, today, True)
    assert oldqueue.explain(queued, express, 0, today=today) == (
        "Express service applied Tue 25/06, so must be printed by Tue 25/06; "
        "planned Tue 25/06 (step: deadline within 7 days); it is next in line."
    )
    plain = oldqueue.Placement(9, "R1", today, "queue", None, date(2024, 6, 28), None)
    assert oldqueue.explain(plain, book("R1"), 8).startswith(
        "No travel date, so no deadline: printed in turn by its due date Fri 28/06; "
        "planned Tue 25/06 (step: in turn by due date Fri 28/06)"
    )


@pytest.mark.parametrize("seed", range(300))
def test_columns_first_and_only_give_the_whole_plans_placements(seed):
    rng = random.Random(5000 + seed)
    today, capacity, used_today, records = random_instance(rng)
    horizon_days = rng.choice((0, 2, 7))
    whole = plan_queue(records, today, capacity, used_today, horizon_days=horizon_days)
    columns = oldqueue.Columns(
        {field: [r[field] for r in records] for field in oldqueue.QUEUE_FIELDS}
    )
    assert columns == [{f: r[f] for f in oldqueue.QUEUE_FIELDS} for r in records]
    assert plan_queue(columns, today, capacity, used_today, horizon_days=horizon_days) == whole
    for first in range(len(records) + 2):
        assert (
            plan_queue(records, today, capacity, used_today, horizon_days=horizon_days, first=first)
            == whole[:first]
        )
    for placement in whole:
        only = plan_queue(
            columns, today, capacity, used_today, horizon_days=horizon_days, only=placement.app_no
        )
        assert only == [placement]
    assert plan_queue(records, today, capacity, used_today, only="not-pending") == []


@pytest.mark.parametrize("seed", range(300))
def test_plan_figures_are_the_summary_of_the_whole_plan(seed):
    rng = random.Random(9000 + seed)
    today, capacity, used_today, records = random_instance(rng)
    if rng.random() < 0.2:
        records.append(book("FAR", travel=today + timedelta(days=50_000)))  # beyond any plan
    horizon_days = rng.choice((0, 2, 7))
    default = rng.choice((1, 2))
    whole = plan_queue(records, today, capacity, used_today, horizon_days=horizon_days)
    expected = plan_summary(whole, today, capacity, used_today, default_capacity=default)
    figures = oldqueue.plan_figures(
        records, today, capacity, used_today, horizon_days=horizon_days, default_capacity=default
    )
    assert figures == expected
    assert oldqueue.plan_figures([], today, capacity, default_capacity=1) == plan_summary(
        [], today, capacity, default_capacity=1
    )
