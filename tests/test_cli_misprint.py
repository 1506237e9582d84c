"""A misprint on a book's last print day (DESIGN §4, §5): `failed` says when the flight is lost
unless the office acts today, and what it can do; following that advice reprints it today."""

from __future__ import annotations

NOW = "2024-06-27T09:00"  # Thursday
# Travels Fri 28/06: pickup_days 1 makes Thursday 27/06, today, its flight deadline.
TRAVEL = ("--travel", "28/06/2024", "--destination", "Malaysia", "--applied", "2024-06-24")
CLAIMED = (
    "C1 must be printed today for its flight, and today's capacity is all claimed: release a "
    "book that can wait from an open batch ('passq release APP_NO') and the next batch starts "
    "with it, or reprint it at once and record it with 'passq printed C1'.\n"
)
SPENT = (
    "C1, C2 must be printed today for their flights, and today's capacity is spent: reprint "
    "them at once all the same and record them with 'passq printed C1 C2', or they will miss "
    "their flights.\n"
)


def office(passq, add_books, capacity: int, travellers: tuple[str, ...] = ("C1",)) -> None:
    """`capacity` books a day; travellers whose flight needs them printed today; Q1-Q3 without
    travel, applied earlier (first in the queue after the travellers)."""
    passq.ok("config", "set", "capacity", str(capacity), now=NOW, operator="kasi")
    add_books(*((app_no, *TRAVEL) for app_no in travellers), now=NOW)
    add_books(*((q, "--applied", "2024-06-20") for q in ("Q1", "Q2", "Q3")), now=NOW)


def first_of_next_batch(passq, operator: str = "ani") -> dict:
    return passq.json("next-batch", "--size", "1", now=NOW, operator=operator)["books"][0]


def test_capacity_all_claimed_says_release_and_the_next_batch_starts_with_it(
    passq, add_books
) -> None:
    office(passq, add_books, 3)
    assert first_of_next_batch(passq)["app_no"] == "C1"
    passq.ok("next-batch", "--size", "2", now=NOW, operator="budi")  # Q1, Q2: open batch 2
    passq.ok("printed", "--batch", "1", now=NOW)
    result = passq.ok("failed", "C1", "--reason", "ink smear", now=NOW)
    assert (result.stdout, result.stderr) == ("Back in the queue: 1 book: C1.\n", CLAIMED)
    assert passq.rows("SELECT status, failures FROM applications WHERE app_no = 'C1'") == [
        ("pending", 1)
    ]
    passq.ok("release", "Q2", now=NOW, operator="budi")
    book = first_of_next_batch(passq)
    assert (book["app_no"], book["step"], book["planned_day"]) == ("C1", "must", "2024-06-27")


def test_capacity_spent_says_reprint_or_miss(passq, add_books) -> None:
    office(passq, add_books, 2, ("C1", "C2"))
    passq.ok("next-batch", "--size", "2", now=NOW)
    passq.ok("printed", "--batch", "1", now=NOW)
    result = passq.ok("failed", "C1", "C2", "--reason", "ink smear", now=NOW)
    assert (result.stdout, result.stderr) == ("Back in the queue: 2 books: C1, C2.\n", SPENT)
    passq.ok("printed", "C1", "C2", now=NOW)  # reprinted all the same, out of the queue
    assert passq.rows("SELECT app_no, status FROM applications WHERE app_no LIKE 'C%'") == [
        ("C1", "printed"),
        ("C2", "printed"),
    ]


def test_room_left_today_says_nothing_more(passq, add_books) -> None:
    office(passq, add_books, 3)
    passq.ok("next-batch", "--size", "2", now=NOW)  # C1, Q1: one slot left today
    passq.ok("printed", "--batch", "1", now=NOW)
    result = passq.ok("failed", "C1", "Q1", "--reason", "ink smear", now=NOW)
    assert (result.stdout, result.stderr) == ("Back in the queue: 2 books: C1, Q1.\n", "")
    book = first_of_next_batch(passq)
    assert (book["app_no"], book["step"]) == ("C1", "must")


def test_a_book_that_can_wait_says_nothing_more(passq, add_books) -> None:
    office(passq, add_books, 2)
    passq.ok("next-batch", "--size", "2", now=NOW)  # C1, Q1
    passq.ok("printed", "--batch", "1", now=NOW)
    result = passq.ok("failed", "Q1", "--reason", "ink smear", now=NOW)
    assert (result.stdout, result.stderr) == ("Back in the queue: 1 book: Q1.\n", "")
