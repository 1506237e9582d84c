"""The reprint reserve (domain/reserve.py): until reprint_hour a batch leaves today's last slots
free for the day's misprints, except books that must be printed today; from that hour they are
claimed like any slot, and a book misprinted on its flight's last print day is reprinted."""

from __future__ import annotations

import json

import pytest

MORNING = "2024-06-27T09:00"  # Thursday
OPENS = "2024-06-27T15:00"
# Travels Fri 28/06: pickup_days 1 makes Thursday 27/06, today, its flight deadline.
TRAVEL = ("--travel", "28/06/2024", "--destination", "Malaysia", "--applied", "2024-06-24")
HELD_3 = (
    "Nothing claimed: today's last 3 print slots are kept for reprints until 15:00. Report "
    "misprints with 'passq failed' now, and take the next batch from 15:00.\n"
)
STOPS_3 = (
    "Note: this batch stops short of today's last 3 print slots, kept for reprints until 15:00.\n"
)


def office(passq, add_books, waiting: int, travellers: tuple[str, ...] = ()) -> None:
    """30 books a day, 10% of them (3) kept for reprints; travellers whose flight needs them
    printed today; Q1, Q2… without travel, applied earlier."""
    for key, value in (("capacity", "30"), ("reprint_reserve_percent", "10")):
        passq.ok("config", "set", key, value, now=MORNING, operator="kasi")
    add_books(*((app_no, *TRAVEL) for app_no in travellers), now=MORNING)
    add_books(*((f"Q{n}", "--applied", "2024-06-20") for n in range(1, waiting + 1)), now=MORNING)


def claimed() -> str:
    return "SELECT count(*) FROM applications WHERE status = 'claimed'"


def test_morning_batches_stop_short_of_the_reserve_which_opens_at_reprint_hour(
    passq, add_books
) -> None:
    office(passq, add_books, 35)
    first = passq("next-batch", "--size", "20", "--json", now=MORNING)
    assert first.stderr == ""  # 20 of the 27 free slots: the reserve is not reached
    batch = json.loads(first.stdout)
    assert (len(batch["books"]), batch["held_for_reprints"]) == (20, 0)
    second = passq("next-batch", "--size", "20", "--json", now=MORNING, operator="budi")
    assert second.exit_code == 0 and second.stderr == STOPS_3
    batch = passq.json("next-batch", "--size", "20", now=MORNING, operator="budi")
    assert batch == {"batch_id": None, "operator": "budi", "books": [], "held_for_reprints": 3}
    assert passq.rows(claimed()) == [(27,)]
    nothing = passq.ok("next-batch", now="2024-06-27T14:59")
    assert (nothing.stdout, nothing.stderr) == (HELD_3, "")
    assert passq.rows("SELECT id, size FROM batches ORDER BY id") == [(1, 20), (2, 7)]
    opened = passq("next-batch", "--size", "20", "--json", now=OPENS)
    books = [(b["app_no"], b["planned_day"]) for b in json.loads(opened.stdout)["books"]]
    assert [day for _app, day in books] == ["2024-06-27"] * 3 + ["2024-06-28"] * 5
    assert opened.stderr == (
        "Note: 5 books of this batch were planned for a later day: today's capacity (30) is "
        "used up.\n"
    )
    assert passq.rows(claimed()) == [(35,)]


def test_the_indonesian_sentence(passq, add_books) -> None:
    office(passq, add_books, 30)
    passq.ok("next-batch", "--size", "30", now=MORNING)
    result = passq.ok("--lang", "id", "next-batch", now=MORNING)
    assert result.stdout == (
        "Tidak ada yang diambil: 3 slot cetak terakhir hari ini disisihkan untuk cetak ulang "
        "sampai pukul 15:00. Laporkan gagal cetak dengan 'passq failed' sekarang, lalu ambil "
        "batch berikutnya mulai pukul 15:00.\n"
    )


@pytest.mark.parametrize(("reserve", "kept"), [("10", True), ("0", False)])
def test_a_misprint_found_at_15_on_its_last_print_day_is_reprinted_that_day(
    passq, add_books, reserve: str, kept: bool
) -> None:
    office(passq, add_books, 29, ("C1",))
    passq.ok("config", "set", "reprint_reserve_percent", reserve, now=MORNING, operator="kasi")
    morning = passq.json("next-batch", "--size", "30", now=MORNING)["books"]
    assert (morning[0]["app_no"], morning[0]["step"]) == ("C1", "must")
    assert len(morning) == (27 if kept else 30)
    passq.ok("printed", "--batch", "1", now=MORNING)
    result = passq.ok("failed", "C1", "--reason", "ink smear", now=OPENS)
    assert result.stdout == "Back in the queue: 1 book: C1.\n"
    if not kept:  # no slot left today: said, and the next batch is tomorrow's
        assert result.stderr == (
            "C1 must be printed today for its flight, and today's capacity is spent: reprint it "
            "at once all the same and record it with 'passq printed C1', or it will miss its "
            "flight.\n"
        )
        return
    assert result.stderr == ""
    book = passq.json("next-batch", "--size", "3", now=OPENS)["books"][0]
    assert (book["app_no"], book["step"], book["planned_day"]) == ("C1", "must", "2024-06-27")
    passq.ok("printed", "--batch", "2", now=OPENS)
    assert passq.rows("SELECT status, failures FROM applications WHERE app_no = 'C1'") == [
        ("printed", 1)
    ]


def test_books_that_must_go_today_pass_the_reserve_in_the_morning(passq, add_books) -> None:
    office(passq, add_books, 29)
    passq.ok("next-batch", "--size", "30", now=MORNING)  # Q1-Q27: only the reserve is left
    add_books(("C1", *TRAVEL), ("C2", *TRAVEL), now="2024-06-27T10:00")
    result = passq("next-batch", "--size", "5", "--json", now="2024-06-27T10:00")
    books = json.loads(result.stdout)["books"]
    assert [(b["app_no"], b["step"]) for b in books] == [("C1", "must"), ("C2", "must")]
    assert result.stderr == (
        "Note: this batch stops short of today's last print slot, kept for reprints until 15:00.\n"
    )


def test_a_day_already_spent_holds_nothing_back(passq, add_books) -> None:
    office(passq, add_books, 32)
    passq.ok("printed", *(f"Q{n}" for n in range(1, 31)), now=MORNING)  # out of the queue
    result = passq("next-batch", "--size", "5", "--json", now=MORNING)
    assert [b["app_no"] for b in json.loads(result.stdout)["books"]] == [
        "Q31",
        "Q32",
    ]
    assert result.stderr == (
        "Note: 2 books of this batch were planned for a later day: today's capacity (30) is "
        "used up.\n"
    )


def test_a_batch_the_queue_ends_before_the_reserve_says_nothing_of_it(passq, add_books) -> None:
    office(passq, add_books, 5)
    result = passq("next-batch", "--size", "20", "--json", now=MORNING)
    assert len(json.loads(result.stdout)["books"]) == 5 and result.stderr == ""
    assert passq.ok("next-batch", now=MORNING).stdout == "Nothing to print: no pending books.\n"


@pytest.mark.parametrize(
    ("key", "value", "sentence"),
    [
        (
            "reprint_reserve_percent",
            "51",
            "Invalid reprint_reserve_percent '51': use a whole number from 0 to 50.",
        ),
        (
            "reprint_reserve_percent",
            "3%",
            "Invalid reprint_reserve_percent '3%': use a whole number from 0 to 50.",
        ),
        ("reprint_hour", "24", "Invalid reprint_hour '24': use a whole number from 0 to 23."),
        ("reprint_hour", "15:00", "Invalid reprint_hour '15:00': use a whole number from 0 to 23."),
    ],
)
def test_bad_reserve_settings_are_exit_2_and_write_nothing(
    passq, key: str, value: str, sentence: str
) -> None:
    passq.ok("config", "set", "capacity", "30")
    before = passq.dump()
    result = passq("config", "set", key, value)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", sentence + "\n")
    assert passq.dump() == before
