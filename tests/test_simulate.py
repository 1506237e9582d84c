"""The office simulation's yardstick and bookkeeping (bench/simulate.py), and one tiny CLI run."""

from __future__ import annotations

import importlib.util
import itertools
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from types import ModuleType

import pytest

from passq.domain.reserve import reserve_slots

SIMULATE = Path(__file__).resolve().parent.parent / "bench" / "simulate.py"
MON = date(2024, 6, 24)


def load() -> ModuleType:
    """bench/simulate.py as a module, by path (bench is not a package)."""
    spec = importlib.util.spec_from_file_location("passq_bench_simulate", SIMULATE)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


sim = load()


def brute_force(jobs: list[tuple[int, int]], capacity: dict[int, int]) -> int:
    """The most jobs on time, trying every assignment of each job to a day or to none."""
    choices = [[None] + [d for d in capacity if r <= d <= dl] for r, dl in jobs]
    best = 0
    for pick in itertools.product(*choices):
        used = [d for d in pick if d is not None]
        if all(used.count(d) <= capacity[d] for d in set(used)):
            best = max(best, len(used))
    return best


def tiny_instance(rng: random.Random) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """Up to 6 jobs (release day, deadline) over up to 4 print days of capacity 0-2."""
    days = sorted(rng.sample(range(8), rng.randint(1, 4)))
    capacity = {d: rng.randint(0, 2) for d in days}
    jobs = []
    for _ in range(rng.randint(0, 6)):
        release = rng.randint(0, 7)
        jobs.append((release, release + rng.randint(-1, 4)))
    return jobs, capacity


def test_glover_greedy_matches_brute_force() -> None:
    """On hundreds of tiny random instances the greedy finds the true maximum."""
    rng = random.Random(10)
    for _ in range(400):
        jobs, capacity = tiny_instance(rng)
        assert sim.max_on_time(jobs, capacity) == brute_force(jobs, capacity), (jobs, capacity)


def test_glover_greedy_cases() -> None:
    """Earliest deadline wins a contested slot; an expired or unreleased job takes none."""
    assert sim.max_on_time([(0, 0), (0, 1)], {0: 1, 1: 1}) == 2
    assert sim.max_on_time([(0, 1), (0, 0), (0, 0)], {0: 1, 1: 1}) == 2
    assert sim.max_on_time([(2, 1)], {0: 5, 1: 5, 2: 5}) == 0
    assert sim.max_on_time([(3, 9)], {0: 5, 1: 5}) == 0
    assert sim.max_on_time([(0, 2)] * 5, {0: 1, 2: 2}) == 3


def test_urgent_first_greedy_keeps_as_many() -> None:
    """The clairvoyant that keeps urgent jobs first keeps as many jobs in all as the plain one,
    and as many urgent ones as any plan can (brute force): the matroid's bases are one size."""
    rng = random.Random(11)
    for _ in range(300):
        jobs, capacity = tiny_instance(rng)
        cut = rng.randint(0, len(jobs))
        first, rest = jobs[:cut], jobs[cut:]
        expected = (brute_force(jobs, capacity), brute_force(first, capacity))
        assert sim.max_on_time_first(first, rest, capacity) == expected, (first, rest, capacity)


def test_urgent_first_greedy_cases() -> None:
    """An urgent job takes the slot a plain maximum would give to another."""
    assert sim.max_on_time_first([(0, 1)], [(0, 0)], {0: 1, 1: 0}) == (1, 1)
    assert sim.max_on_time_first([], [(0, 1), (0, 0)], {0: 1, 1: 0}) == (1, 0)
    assert sim.max_on_time_first([(0, 1)], [(0, 0)], {0: 1, 1: 1}) == (2, 1)


def world(books: list, capacity: dict[date, int], misprints: dict[date, set[int]]) -> object:
    """A hand-made world over the days of `capacity`."""
    days = sorted(capacity)
    return sim.World(
        seed=0,
        days=days,
        capacity=capacity,
        working=[MON + timedelta(days=i) for i in range(-14, 30) if (MON.weekday() + i) % 7 < 5],
        books=books,
        misprints={d: frozenset(misprints.get(d, ())) for d in days},
        disruption=(days[-1], 0),
        base_capacity=max(capacity.values()),
        outage_days=1,
        misprint_rate=0.03,
    )


def book(app_no: str, applied: int, travel: int | None = None, **kw: object) -> object:
    """A book applied `applied` days after MON (negative: before), arriving on MON or then."""
    day = MON + timedelta(days=applied)
    return sim.Book(
        app_no,
        "Nama Rekaan",
        kw.pop("service", "regular"),
        day,
        max(day, MON),
        None if travel is None else MON + timedelta(days=travel),
        **kw,
    )


def small_world() -> object:
    """Mon 2, Tue 0 (closed), Wed 2 books; Monday's first slot misprints."""
    tue, wed = MON + timedelta(days=1), MON + timedelta(days=2)
    books = [
        book("A", -5, travel=-1),  # its flight went before the printers came back
        book("B", -4),
        book("C", -3, travel=2),  # deadline Tuesday (closed): Monday or nothing
        book("D", -2, travel=4),  # deadline Thursday
        book("E", 2, travel=3, urgent="berobat ke Penang"),  # arrives Wednesday, deadline then
    ]
    return world(books, {MON: 2, tue: 0, wed: 2}, {MON: {0}})


def test_baselines_bookkeeping() -> None:
    """Each baseline fills the day's slots in its order; a misprinted slot's book stays pending."""
    w = small_world()
    wed = MON + timedelta(days=2)
    fifo = sim.run_baseline(w, "FIFO", sim.fifo_key)
    assert fifo.slots == {MON: ["A", "B"], wed: ["A", "C"]}
    assert fifo.misprinted == {MON: ["A"], wed: []}
    assert fifo.printed == {"B": MON, "A": wed, "C": wed}
    edf = sim.run_baseline(w, "EDF", sim.edf_key)
    assert edf.slots == {MON: ["A", "C"], wed: ["A", "E"]}  # the gone flight first, twice
    assert edf.printed == {"C": MON, "A": wed, "E": wed}
    skip = sim.run_baseline(w, "EDF-skip", sim.edf_skip_key)
    assert skip.slots == {MON: ["C", "D"], wed: ["E", "A"]}  # Wednesday: C's deadline passed
    assert skip.printed == {"D": MON, "E": wed, "A": wed}
    # Misprints reported in the afternoon: the same whatever the batches.
    afternoon = sim.Office(batch_size=1, at_printer=False)
    late = sim.run_baseline(w, "EDF-skip", sim.edf_skip_key, afternoon)
    assert (late.slots, late.printed) == (skip.slots, skip.printed)


def test_baselines_reprint_at_the_printer() -> None:
    """Reported at the printer, a misprint is back in the queue for the day's next batch."""
    w = small_world()
    wed = MON + timedelta(days=2)
    office = sim.Office(batch_size=1)
    skip = sim.run_baseline(w, "EDF-skip", sim.edf_skip_key, office)
    assert skip.slots == {MON: ["C", "C"], wed: ["E", "D"]}  # C reprinted by its deadline
    assert skip.misprinted == {MON: ["C"], wed: []}
    assert skip.printed == {"C": MON, "E": wed, "D": wed}
    fifo = sim.run_baseline(w, "FIFO", sim.fifo_key, office)
    assert fifo.slots == {MON: ["A", "A"], wed: ["B", "C"]}
    urgent = sim.run_baseline(w, "EDF-skip urgent", sim.edf_skip_urgent_key, office)
    assert urgent.slots == skip.slots  # E, the urgent one, is first on Wednesday either way


def test_baselines_keep_the_reserve_until_15() -> None:
    """Misprints reported at 15:00 with a reserve: Monday's morning stops a slot short (50% of
    2), unless a book's flight needs it that day; at 15:00 the misprinted C, whose deadline is
    Monday's (Tuesday is closed), takes the reserved slot. Without the reserve C is lost."""
    w = small_world()
    wed = MON + timedelta(days=2)
    reserve = sim.Office(batch_size=2, at_printer=False, reserve=50)
    skip = sim.run_baseline(w, "EDF-skip", sim.edf_skip_key, reserve)
    assert skip.slots == {MON: ["C", "C"], wed: ["E", "D"]}
    assert skip.printed == {"C": MON, "E": wed, "D": wed}
    fifo = sim.run_baseline(w, "FIFO", sim.fifo_key, reserve)
    assert fifo.slots == {MON: ["A", "A"], wed: ["B", "C"]}  # A's flight is gone: no exception
    # The baselines hold exactly the slots passq holds (bench/ drives passq as a black box).
    for capacity, percent in itertools.product((0, 20, 125, 249, 250, 251), (0, 2, 3, 5, 50)):
        assert sim.Office(reserve=percent).held(capacity) == reserve_slots(capacity, percent)
    none = sim.run_baseline(w, "EDF-skip", sim.edf_skip_key, sim.Office(at_printer=False))
    assert none.slots[MON] == ["C", "D"] and "C" not in none.printed


def test_scores_and_yardstick() -> None:
    """Kept flights, urgent, lateness and promises follow from the prints; nothing beats the
    clairvoyant."""
    w = small_world()
    assert [b.app_no for b in sim.scored_flights(w)] == ["C", "E"]  # D's deadline is past Wed
    best, urgent = sim.clairvoyant(w)
    assert (best, urgent) == (2, 1)  # Monday has one good slot: C; Wednesday E
    skip = sim.score(w, sim.run_baseline(w, "EDF-skip", sim.edf_skip_key), best, urgent)
    assert (skip.kept, skip.urgent_kept, skip.missed, skip.mean_lateness) == (1, 1, 1, 2.0)
    fifo = sim.score(w, sim.run_baseline(w, "FIFO", sim.fifo_key), best, urgent)
    assert (fifo.kept, fifo.urgent_kept, fifo.missed) == (0, 0, 2)
    assert fifo.mean_lateness == (1 + 1) / 2  # C printed Wed (deadline Tue), E never (after Wed)
    assert fifo.no_travel == 1  # B: applied Thu 20/06, promised Wed 26/06, printed Mon 24/06
    assert fifo.mean_days_past_promise == 0
    edf = sim.score(w, sim.run_baseline(w, "EDF", sim.edf_key), best, urgent)
    assert edf.mean_days_past_promise == 1  # B never printed: counted as Thu 27/06, a day late
    assert sim.targets([skip, fifo, edf]) == {}
    assert round(skip.percent) == 50


def test_generated_worlds_add_up() -> None:
    """A generated world is deterministic, and every baseline's counts add up against it."""
    calendar = {MON + timedelta(days=i): 0 if (i % 7) >= 5 else 40 for i in range(-21, 40)}
    w = sim.make_world(3, 14, 40, calendar)
    assert [b.app_no for b in w.books] == [
        b.app_no for b in sim.make_world(3, 14, 40, calendar).books
    ]
    assert len({b.app_no for b in w.books}) == len(w.books)
    assert w.capacity[w.disruption[0]] in (0, 20)
    best, urgent = sim.clairvoyant(w)
    assert urgent <= best <= len(sim.scored_flights(w))
    for office in (sim.Office(batch_size=7), sim.Office(at_printer=False)):
        for name, key in sim.BASELINES.items():
            out = sim.run_baseline(w, name, key, office)
            check_slots(w, out)
            s = sim.score(w, out, best, urgent)
            assert s.kept <= best and s.urgent_kept <= urgent
            assert s.kept + s.missed == len(sim.scored_flights(w))
    first, first_urgent = sim.clairvoyant_urgent_first(w)
    assert (first, first_urgent) == (best, urgent)


def check_slots(w: object, out: object) -> None:
    """Each day's slots within its capacity, the k-th slot misprinted as the world says, and
    every book printed well at most once."""
    for day, slots in out.slots.items():
        assert len(slots) <= w.capacity[day]
        assert out.misprinted[day] == [a for k, a in enumerate(slots) if k in w.misprints[day]]
    good = [a for d, s in out.slots.items() for k, a in enumerate(s) if k not in w.misprints[d]]
    assert len(set(good)) == len(good) == len(out.printed)


def test_one_tiny_seed_through_the_cli(tmp_path: Path) -> None:
    """Three days of a small office driven through passq's CLI: the counts add up."""
    calendar = sim.fetch_calendar(tmp_path, MON, 3, 12)
    w = sim.make_world(1, 3, 12, calendar)
    out = sim.run_passq(w, 12, tmp_path, sim.Office(operators=2, batch_size=4))
    assert out.notes == []  # passq's export agrees with the prints driven
    check_slots(w, out)
    assert any(out.slots.values())
    printed_days = [d for d, s in out.slots.items() if s]
    assert all(w.capacity[d] > 0 for d in printed_days)
    assert len(out.printed) <= len(w.books)
    best, urgent = sim.clairvoyant(w)
    s = sim.score(w, out, best, urgent)
    assert s.kept <= best and s.urgent_kept <= urgent
    assert s.kept + s.missed == len(sim.scored_flights(w))
    result = sim.results(w, [out], out.seconds)
    assert result["notes"] == {}
    assert result["misprints_used"] == {"passq h=12": sum(map(len, out.misprinted.values()))}
    assert "passq h=12" in sim.seed_table(result)
    assert "passq h=12" in sim.summary([result])


@pytest.mark.parametrize(
    ("at_printer", "reserve", "kept"), [(True, 0, "C"), (False, 0, "B"), (False, 50, "C")]
)
def test_a_misprint_on_its_last_day_through_the_cli(
    tmp_path: Path, at_printer: bool, reserve: int, kept: str
) -> None:
    """Monday, 2 slots, the first misprints: C's flight needs it printed Monday. Reported at
    the printer, passq's next batch reprints C (step must) before B; reported at 15:00, the
    day is spent and C misses its flight, unless passq kept a slot for reprints until 15:00
    (reprint_reserve_percent 50%: B waits, and C is reprinted at 15:00)."""
    books = [book("B", -4), book("C", -3, travel=1)]
    w = world(books, {MON: 2}, {MON: {0}})
    w.disruption = (MON, 2)  # (the helper's closes its last day)
    office = sim.Office(operators=1, batch_size=1, at_printer=at_printer, reserve=reserve)
    out = sim.run_passq(w, 10, tmp_path, office)
    assert out.notes == []
    assert (out.slots, out.printed) == ({MON: ["C", kept]}, {kept: MON})
    assert out.misprinted == {MON: ["C"]}


@pytest.mark.parametrize("text", ["7,12,14", "12"])
def test_arguments(text: str) -> None:
    """The defaults are the issue's, and the horizons are a comma-separated list."""
    args = sim.parse_args(["--horizon", text])
    assert (args.seeds, args.days, args.misprints, args.reserve) == (10, 14, "afternoon", 5)
    assert args.horizon == text
