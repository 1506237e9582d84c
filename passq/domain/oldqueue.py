"""The queue rule (DESIGN §5) before the flights-first rewrite."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from passq.domain.dates import add_weekdays, show_day
from passq.domain.records import deadline, due
from passq.i18n import _

STEPS = ("must", "near", "missed", "queue")
# What plan_queue reads of a record (deadline and due included): all a plan needs to load.
QUEUE_FIELDS = ("app_no", "service", "urgent", "applied", "travel")


class Columns(Sequence[Mapping]):
    """Records held as one list per field: a million books without a dict each (a third of the
    memory, and plan_queue takes the lists as they are). Reads like a list of dicts."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Sequence]) -> None:
        self._fields = dict(fields)

    def column(self, key: str) -> Sequence:
        """Every record's value of `key`, in order."""
        return self._fields[key]

    def __len__(self) -> int:
        return len(next(iter(self._fields.values()), ()))

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return {key: values[index] for key, values in self._fields.items()}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Columns({list(self)!r})"


# The plan looks at most this far ahead; books beyond it get no planned day (no capacity).
MAX_PLAN_DAYS = 100 * 366
# Deadlines this long after the backlog clears need no day of their own in the keepable set.
FAR_MARGIN_DAYS = 366


# Not frozen: building a frozen dataclass costs ~2 µs, two seconds for a million books.
@dataclass(slots=True)
class Placement:
    """Where the queue rule put one pending book."""

    rank: int
    app_no: str
    planned_day: date | None  # None only when the calendar has no capacity left for it
    step: str  # must | near | missed | queue
    deadline: date | None
    due: date
    on_time: bool | None  # None when the book has no deadline


def priority(record: Mapping) -> int:
    """0 urgent, 1 express and pmi, 2 regular."""
    if record.get("urgent"):
        return 0
    return 2 if record["service"] == "regular" else 1


def plan_queue(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = 7,
    add_working_days: Callable[[date, int], date] | None = None,
    *,
    first: int | None = None,
    only: str | None = None,
) -> list[Placement]:
    """Order the pending books by the queue rule (DESIGN §5), each with its planned print day.

    The rule always weighs every book; `first` builds only the first that many placements
    (`list`, `next-batch`), `only` only the placement of that application number, with its rank
    in the whole plan (`show`), or none if it is not pending.
    """
    placements, _runs, _facts = _without_collector(
        pending,
        today,
        capacity,
        used_today,
        pickup_days,
        horizon_days,
        add_working_days,
        first,
        only,
    )
    return placements


def plan_figures(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = 7,
    add_working_days: Callable[[date, int], date] | None = None,
    *,
    default_capacity: int,
) -> PlanSummary:
    """plan_summary of plan_queue, without a placement for every book: only the books that will
    miss get one (the day-end report at 100,000 books needs the figures, not the schedule)."""
    from operator import itemgetter

    will_miss, runs, book_facts = _without_collector(
        pending,
        today,
        capacity,
        used_today,
        pickup_days,
        horizon_days,
        add_working_days,
        None,
        None,
        missing=True,
    )
    return _summary(
        will_miss,
        # In rank order, planned days never go down; the books without a day come last.
        clears_on=next((day for day, _step, books in reversed(runs) if books), None),
        unplanned=sum(books for day, _step, books in runs if day is None),
        overdue=sum(map(today.__gt__, map(itemgetter(4), book_facts))),
        per_deadline=Counter(filter(today.__le__, filter(None, map(itemgetter(0), book_facts)))),
        today=today,
        capacity=capacity,
        used_today=used_today,
        default_capacity=default_capacity,
    )


def _without_collector(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    pickup_days: int,
    horizon_days: int,
    add_working_days: Callable[[date, int], date] | None,
    first: int | None,
    only: str | None,
    missing: bool = False,
) -> tuple[list[Placement], list[tuple], list[tuple]]:
    import gc

    if not pending:
        return [], [], []
    # A million books means millions of new objects; the cyclic collector would rescan them
    # again and again (over a second) although none of them can form a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan_queue(
            pending,
            today,
            capacity,
            used_today,
            pickup_days,
            horizon_days,
            add_working_days or add_weekdays,
            first,
            only,
            missing,
        )
    finally:
        if collecting:
            gc.enable()


def _plan_queue(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    pickup_days: int,
    horizon_days: int,
    add_days: Callable[[date, int], date],
    first: int | None,
    only: str | None,
    missing: bool,
) -> tuple[list[Placement], list[tuple], list[tuple]]:
    """The placements asked for (see plan_queue; `missing`: those of the books that will miss),
    the (day, step, books) runs in rank order and each book's facts."""
    # Books are integer indices into column lists, and every per-book step that can run in C
    # (map, zip, compress, sort keys) does: that keeps a million books within a few seconds.
    from itertools import chain, compress, repeat
    from operator import itemgetter

    count = len(pending)
    app_nos = _column(pending, "app_no")
    services = _column(pending, "service")
    applieds = _column(pending, "applied")
    travels = _column(pending, "travel")

    # Deadline and due depend on (service, applied, travel) only: compute them once per
    # distinct combination, with the very functions the rest of passq uses.
    keys = list(zip(services, applieds, travels, strict=True))
    facts: dict[tuple, tuple] = {}
    for key in set(keys):
        record = {"service": key[0], "applied": key[1], "travel": key[2]}
        book_deadline = deadline(record, pickup_days)
        book_due = due(record, add_days)
        facts[key] = (
            book_deadline,
            None if book_deadline is None else (book_deadline - today).days,
            book_due.toordinal(),
            book_deadline is not None,
            book_due,
        )
    book_facts = list(map(facts.__getitem__, keys))
    del travels, facts, keys
    limits = list(map(itemgetter(1), book_facts))  # deadline as days from today
    ordinals = {day: day.toordinal() for day in set(applieds)}
    applied_keys = list(map(ordinals.__getitem__, applieds))
    del applieds
    ranks = list(map({"regular": 2}.get, services, repeat(1)))
    for book in compress(range(count), _column(pending, "urgent")):
        ranks[book] = 0
    del services

    # Stable sorts: by application number, then applied day, then the key that matters.
    by_applied = sorted(range(count), key=app_nos.__getitem__)
    by_applied.sort(key=applied_keys.__getitem__)
    del applied_keys
    with_deadline = list(map(itemgetter(3), book_facts))
    by_priority = list(compress(by_applied, map(with_deadline.__getitem__, by_applied)))
    by_priority.sort(key=ranks.__getitem__)
    del with_deadline, ranks
    due_keys = list(map(itemgetter(2), book_facts))
    by_due = sorted(by_applied, key=due_keys.__getitem__)
    del by_applied, due_keys

    # Capacities from today until every book has a day (or the plan's horizon), then as far
    # as the deadlines that can still compete for room.
    days: list[date] = []
    rooms: list[int] = []
    total = 0
    while total < count and len(days) < MAX_PLAN_DAYS:
        total += _add_day(days, rooms, today, capacity, used_today)
    deadline_offsets = set(limits)
    deadline_offsets.discard(None)
    window_end = min(
        max(deadline_offsets, default=-1), len(days) - 1 + FAR_MARGIN_DAYS, MAX_PLAN_DAYS - 1
    )
    while len(days) <= window_end:
        _add_day(days, rooms, today, capacity, used_today)
    last = len(days) - 1

    # Step 1, the keepable set: in priority order, keep a book if there is a day with room on
    # or before its deadline, and take the latest such day. Union-find: node d+1 stands for
    # day d and leads to the latest day at or before it with room; node 0 means none is left.
    parent = list(range(last + 2))
    room = [0, *rooms]
    for node in range(1, last + 2):
        if not room[node]:
            parent[node] = node - 1
    must_on: list[list[int]] = [[] for _ in range(last + 1)]
    kept: list[int] = []
    missed: list[int] = []
    for book in by_priority:
        limit = limits[book]
        if limit > last:
            # The backlog clears long before its deadline: room is certain, no day needed.
            kept.append(book)
            continue
        if limit < 0:
            missed.append(book)
            continue
        node = limit + 1
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        if not node:
            missed.append(book)
            continue
        kept.append(book)
        must_on[node - 1].append(book)
        room[node] -= 1
        if not room[node]:
            parent[node] = node - 1
    del parent, room, by_priority
    kept.sort(key=limits.__getitem__)
    missed.sort(key=limits.__getitem__)

    # Step 2, day by day. Each day's assignments fit its room and step a comes first, so a
    # kept book is placed on its assigned day at the latest: it never misses its deadline.
    placed = bytearray(count)
    wanted = count if first is None else min(count, first)
    order: list[int] = []
    runs: list[tuple[date | None, str, int]] = []  # (day, step, books) in rank order
    next_kept = next_missed = next_queued = 0
    kept_count, missed_count = len(kept), len(missed)
    for offset in range(last + 1):
        left = rooms[offset]
        if not left:
            continue
        day = days[offset]
        start = len(order)
        for book in must_on[offset]:
            if not placed[book]:
                placed[book] = 1
                order.append(book)
        if len(order) > start:
            runs.append((day, "must", len(order) - start))
            left -= len(order) - start
        start = len(order)
        horizon = offset + horizon_days
        while left and next_kept < kept_count:
            book = kept[next_kept]
            if limits[book] > horizon:
                break
            next_kept += 1
            if not placed[book]:
                placed[book] = 1
                order.append(book)
                left -= 1
        if len(order) > start:
            runs.append((day, "near", len(order) - start))
        take = min(left, missed_count - next_missed)
        if take:
            chunk = missed[next_missed : next_missed + take]
            next_missed += take
            for book in chunk:
                placed[book] = 1
            order.extend(chunk)
            runs.append((day, "missed", take))
            left -= take
        start = len(order)
        while left and next_queued < count:
            book = by_due[next_queued]
            next_queued += 1
            if not placed[book]:
                placed[book] = 1
                order.append(book)
                left -= 1
        if len(order) > start:
            runs.append((day, "queue", len(order) - start))
        if len(order) >= wanted:
            break
    if len(order) < wanted:
        # The calendar has no capacity left: the rest keep the rule's order, without a day.
        rest = missed[next_missed:]
        for book in rest:
            placed[book] = 1
        order.extend(rest)
        runs.append((None, "missed", len(rest)))
        start = len(order)
        order.extend(book for book in by_due[next_queued:] if not placed[book])
        runs.append((None, "queue", len(order) - start))
    del must_on, kept, missed, by_due, placed, limits

    # Placements cost more than the rule itself: build only those asked for.
    ranks: Sequence[int] = range(1, count + 1)
    if only is not None:
        ranks = [order.index(app_nos.index(only)) + 1] if only in app_nos else []
    elif first is not None:
        ranks = range(1, wanted + 1)
    elif missing:
        every_day = chain.from_iterable(repeat(day, books) for day, _step, books in runs)
        deadlines = map(itemgetter(0), map(book_facts.__getitem__, order))
        ranks = [
            rank
            for rank, (planned, limit) in enumerate(zip(every_day, deadlines, strict=True), 1)
            if limit is not None and (planned is None or planned > limit)
        ]
    planned_days: list[date | None] = []
    steps: list[str] = []
    needed = ranks[-1] if ranks else 0
    for day, step, books in runs:
        if len(planned_days) >= needed:
            break
        planned_days += [day] * books
        steps += [step] * books
    if len(ranks) < count:
        order = [order[rank - 1] for rank in ranks]
        planned_days = [planned_days[rank - 1] for rank in ranks]
        steps = [steps[rank - 1] for rank in ranks]
    ordered = list(map(book_facts.__getitem__, order))
    book_app_nos = list(map(app_nos.__getitem__, order))
    del app_nos, order
    book_deadlines = list(map(itemgetter(0), ordered))
    on_time = [
        None if limit is None else planned is not None and planned <= limit
        for planned, limit in zip(planned_days, book_deadlines, strict=True)
    ]
    placements = list(
        map(
            Placement,
            ranks,
            book_app_nos,
            planned_days,
            steps,
            book_deadlines,
            map(itemgetter(4), ordered),
            on_time,
        )
    )
    return placements, runs, book_facts


def _column(records: Sequence[Mapping], key: str) -> list:
    from operator import itemgetter, methodcaller

    if isinstance(records, Columns):
        values = records.column(key)
        return values if isinstance(values, list) else list(values)
    try:
        return list(map(itemgetter(key), records))
    except KeyError:  # hand-made records may leave out the optional fields
        return list(map(methodcaller("get", key), records))


def _add_day(
    days: list[date], rooms: list[int], today: date, capacity: Callable[[date], int], used: int
) -> int:
    day = today + timedelta(days=len(days))
    room = max(0, capacity(day) - (used if day == today else 0))
    days.append(day)
    rooms.append(room)
    return room


def weekday_capacity(default: int) -> Callable[[date], int]:
    """Capacity `default` on Monday–Friday, none at weekends (the interim calendar)."""
    return lambda day: default if day.weekday() < 5 else 0


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """The supervisor's figures from a plan (DESIGN §5)."""

    will_miss: list[Placement]  # books whose deadline the plan does not meet, in rank order
    clears_on: date | None  # the last planned print day; None if nothing pending or unplanned
    unplanned: int  # books the calendar has no print day for
    overdue: int  # books whose due date (the service promise) is already past
    capacity_needed: int  # books a print day so nobody with a deadline from today on misses
    needed_by: date | None  # the deadline that sets capacity_needed
    extra_per_day: int  # how far capacity_needed is above the default capacity (else 0)
    extra_days: int  # for how many print days from today the extra is needed
    extra_until: date | None  # the last of those print days


def plan_summary(
    placements: Sequence[Placement],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    *,
    default_capacity: int,
) -> PlanSummary:
    """Who will miss, when the backlog clears, and the capacity that would save everyone."""
    return _summary(
        [placement for placement in placements if placement.on_time is False],
        # plan_queue returns placements in rank order, so planned days never go down.
        clears_on=placements[-1].planned_day if placements else None,
        unplanned=sum(1 for placement in placements if placement.planned_day is None),
        overdue=sum(1 for placement in placements if placement.due < today),
        per_deadline=Counter(
            placement.deadline
            for placement in placements
            if placement.deadline is not None and placement.deadline >= today
        ),
        today=today,
        capacity=capacity,
        used_today=used_today,
        default_capacity=default_capacity,
    )


def _summary(
    will_miss: list[Placement],
    *,
    clears_on: date | None,
    unplanned: int,
    overdue: int,
    per_deadline: Counter[date],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    default_capacity: int,
) -> PlanSummary:
    """The summary from its counts: the capacity needed and the extra days it takes."""
    # Uniform model: every print day prints the same number of books, today only what is left
    # after the books already claimed or printed today (nothing if they already exceed it).
    used = used_today if capacity(today) > 0 else 0
    needed, needed_by = 0, None
    stops: list[tuple[int, int]] = []  # (books with a deadline up to D, print days up to D)
    books = print_days = 0
    day, one = today, timedelta(days=1)
    horizon = today + timedelta(days=MAX_PLAN_DAYS - 1)
    for deadline_day in sorted(per_deadline):
        if deadline_day > horizon:
            break
        while day <= deadline_day:
            print_days += capacity(day) > 0
            day += one
        if not print_days:
            continue  # due before the first print day: no capacity saves these books
        books += per_deadline[deadline_day]
        stops.append((books, print_days))
        need = _least_capacity(books, print_days, used)
        if need > needed:
            needed, needed_by = need, deadline_day
    extra = max(0, needed - default_capacity)
    extra_days, extra_until = 0, None
    if extra:
        # The fewest print days from today at `needed` (then the default) that meet them all.
        extra_days = max(
            _extra_days(books, days, used, default_capacity, extra) for books, days in stops
        )
        day, counted = today, 0
        while counted < extra_days:
            if capacity(day) > 0:
                counted += 1
                extra_until = day
            day += one
    return PlanSummary(
        will_miss=will_miss,
        clears_on=clears_on,
        unplanned=unplanned,
        overdue=overdue,
        capacity_needed=needed,
        needed_by=needed_by,
        extra_per_day=extra,
        extra_days=extra_days,
        extra_until=extra_until,
    )


def _least_capacity(books: int, print_days: int, used: int) -> int:
    # Seats at c a day: max(0, c - used) today, then c on each of the other print days.
    if print_days > 1:
        without_today = -(-books // (print_days - 1))
        if without_today <= used:
            return without_today
    return max(used, -(-(books + used) // print_days))


def _extra_days(books: int, print_days: int, used: int, base: int, extra: int) -> int:
    # Seats when the first k print days get `extra` more: find the least k that seats `books`.
    if max(0, base - used) + base * (print_days - 1) >= books:
        return 0
    short = books - max(0, base + extra - used) - base * (print_days - 1)
    return 1 + max(0, -(-short // extra))


def explain(
    placement: Placement,
    record: Mapping,
    ahead: int,
    *,
    today: date | None = None,
    capacity: Callable[[date], int] | None = None,
    horizon_days: int = 7,
) -> str:
    """Where a book stands in the plan and why, in words a supervisor can repeat on the phone."""
    book_deadline = placement.deadline
    if book_deadline is None:
        why = _("No travel date, so no deadline: printed in turn by its due date {due}").format(
            due=show_day(placement.due)
        )
    else:
        print_by = book_deadline
        if capacity is not None:
            # The deadline may fall on a weekend or holiday: name the print day before it.
            earliest = max(today or book_deadline, book_deadline - timedelta(days=31))
            day = book_deadline
            while day >= earliest and capacity(day) <= 0:
                day -= timedelta(days=1)
            if day >= earliest:
                print_by = day
        if record.get("service") == "express" and book_deadline == record.get("applied"):
            why = _("Express service applied {applied}, so must be printed by {by}").format(
                applied=show_day(record["applied"]), by=show_day(print_by)
            )
        elif record.get("destination"):
            why = _("Travels {travel} to {destination}, so must be printed by {by}").format(
                travel=show_day(record.get("travel")),
                destination=record["destination"],
                by=show_day(print_by),
            )
        else:
            why = _("Travels {travel}, so must be printed by {by}").format(
                travel=show_day(record.get("travel")), by=show_day(print_by)
            )
    if record.get("urgent"):
        why = _("Urgent ({reason}). {why}").format(reason=record["urgent"], why=why)

    if placement.planned_day is None:
        plan = _("no print day is planned for it: the calendar has no capacity ahead")
    else:
        if placement.step == "must":
            step = _("must go that day, the last print day with room before its deadline")
        elif placement.step == "near":
            step = _("deadline within {days} days").format(days=horizon_days)
        elif placement.step == "missed":
            step = _("it will miss its deadline, so it goes as soon as possible")
        elif book_deadline is not None:
            step = _("in turn by due date {due}, in time for its deadline").format(
                due=show_day(placement.due)
            )
        else:
            step = _("in turn by due date {due}").format(due=show_day(placement.due))
        plan = _("planned {day} (step: {step})").format(
            day=show_day(placement.planned_day), step=step
        )
    if placement.on_time is False and book_deadline is not None:
        if today is not None and book_deadline < today:
            plan = _("{plan}, and its deadline has already passed").format(plan=plan)
        elif placement.planned_day is not None:
            late = (placement.planned_day - book_deadline).days
            if late == 1:
                plan = _("{plan}, 1 day late").format(plan=plan)
            else:
                plan = _("{plan}, {days} days late").format(plan=plan, days=late)

    if ahead <= 0:
        queue = _("it is next in line")
    elif ahead == 1:
        queue = _("1 book is ahead of it")
    else:
        queue = _("{count} books are ahead of it").format(count=ahead)
    return _("{why}; {plan}; {queue}.").format(why=why, plan=plan, queue=queue)
