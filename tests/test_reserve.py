"""The reprint reserve's arithmetic (domain/reserve.py), against its definition."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from passq.domain.queue import Placement
from passq.domain.reserve import Claimable, claimable, reserve_slots, within_reserve

TODAY = date(2024, 6, 27)


def test_reserve_slots_round_down() -> None:
    assert [reserve_slots(c, 3) for c in (0, 33, 34, 250, 125)] == [0, 0, 1, 7, 3]
    assert reserve_slots(30, 10) == 3 and reserve_slots(30, 0) == 0
    assert reserve_slots(-5, 3) == 0


@given(
    size=st.integers(1, 1000),
    capacity=st.integers(0, 600),
    used=st.integers(0, 700),
    percent=st.integers(0, 50),
    reserve_open=st.booleans(),
)
def test_a_batch_never_reaches_into_todays_reserve_before_it_opens(
    size: int, capacity: int, used: int, percent: int, reserve_open: bool
) -> None:
    books, held = claimable(size, capacity, used, percent, reserve_open)
    room = capacity - used
    if reserve_open or room <= 0 or reserve_slots(capacity, percent) == 0:
        assert (books, held) == (size, 0)  # as without a reserve
        return
    assert held == min(room, capacity * percent // 100)
    assert books == min(size, room - held) >= 0
    assert used + books + held <= capacity


def test_claimable_cases() -> None:
    assert claimable(20, 30, 20, 10, False) == Claimable(7, 3)
    assert claimable(20, 30, 28, 10, False) == Claimable(0, 2)
    assert claimable(20, 30, 28, 10, True) == Claimable(20, 0)
    assert claimable(20, 30, 30, 10, False) == Claimable(20, 0)  # the day is spent already
    assert claimable(5, 30, 0, 10, False) == Claimable(5, 3)


def placement(rank: int, step: str, day: date | None = TODAY) -> Placement:
    return Placement(rank, f"A{rank}", day, step, None, TODAY, False, None)


def test_only_books_that_must_go_today_pass_the_reserve() -> None:
    chosen = [
        placement(1, "must"),
        placement(2, "urgent"),
        placement(3, "must"),
        placement(4, "must", date(2024, 6, 28)),
        placement(5, "queue"),
    ]
    assert [p.rank for p in within_reserve(chosen, 1, TODAY)] == [1, 3]
    assert [p.rank for p in within_reserve(chosen, 0, TODAY)] == [1, 3]
    assert within_reserve(chosen, 5, TODAY) == chosen
