"""Issue 11 §1: `find` by name (any word, case and accents ignored), phone (any written form)
or number, newest first, with status, travel and planned day; `show` of printed and collected
books; history times day-first."""

from __future__ import annotations

import pytest


def test_find_by_any_word_of_the_name_ignoring_case_and_accents(passq) -> None:
    passq.ok(
        "add",
        "1001",
        "--name",
        "Budi Widodo",
        "--travel",
        "03/07/2024",
        "--destination",
        "Malaysia",
    )
    passq.ok("add", "1002", "--name", "Dédé Widodo", "--applied", "25/06/2024")
    passq.ok("add", "1003", "--name", "Siti Rahma")
    found = passq.json("find", "WIDODO")
    assert found["total"] == 2
    assert [
        (b["app_no"], b["status"], b["travel"], b["destination"], b["planned_day"])
        for b in found["books"]
    ] == [
        ("1001", "pending", "2024-07-03", "Malaysia", "2024-06-27"),
        ("1002", "pending", None, None, "2024-06-27"),
    ]
    assert [b["app_no"] for b in passq.json("find", "dede")["books"]] == ["1002"]
    # "Widodo, Malaysia next week": two words, one in the name, one in the destination.
    assert [b["app_no"] for b in passq.json("find", "widodo, malaysia")["books"]] == ["1001"]
    assert [b["app_no"] for b in passq.json("find", "wid")["books"]] == ["1001", "1002"]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("siti", ["1", "2", "3"]),  # any case; Ṣ folds to S
        ("zoe", ["3"]),  # ë folds to e
        ("brien", ["4"]),  # O'Brien: two words
        ("nurh", ["2"]),  # a word after a hyphen
        ("arab", ["1"]),  # in the destination
        ("iti", []),  # inside a word, not at its start
        ("siti rah", ["1"]),  # every word, each at a word's start
        ("ITI SITI", []),
    ],
)
def test_find_matches_word_starts_only_on_every_backend(passq, words, expected) -> None:
    # PostgreSQL narrows by substring on the server, then matches word starts in Python.
    passq.ok("add", "1", "--name", "Siti Rahayu", "--destination", "Saudi Arabia")
    passq.ok("add", "2", "--name", "SITI-NURHALIZA")
    passq.ok("add", "3", "--name", "Ṣiti Zoë")
    passq.ok("add", "4", "--name", "Budi O'Brien")
    passq.ok("add", "5", "--name", "Tri Lestari")
    found = passq.json("find", words)
    assert (sorted(b["app_no"] for b in found["books"]), found["total"]) == (
        expected,
        len(expected),
    )


def test_find_by_phone_in_any_written_form(passq) -> None:
    passq.ok("add", "1001", "--name", "Budi", "--phone", "0812-3456-7890")
    passq.ok("add", "1002", "--name", "Ani", "--phone", "+62 813 1111 2222")
    for typed in (
        "081234567890",
        "0812-3456-7890",
        "62812 3456 7890",
        "+62 812-3456-7890",
        "(0812) 3456.7890",
    ):
        assert [b["app_no"] for b in passq.json("find", typed)["books"]] == ["1001"], typed


def test_find_by_number_typed_in_groups(passq) -> None:
    passq.ok("add", "3301240627000918", "--name", "Budi")
    passq.ok("add", "3301240627000919", "--name", "Ani")
    found = passq.json("find", "3301-2406-2700-0918")
    assert [b["app_no"] for b in found["books"]] == ["3301240627000918"]
    assert passq.json("find", "33012406")["total"] == 2


def test_find_shows_where_each_book_is(passq) -> None:
    passq.ok(
        "add",
        "1001",
        "--name",
        "Budi Widodo",
        "--travel",
        "03/07/2024",
        "--destination",
        "Malaysia",
    )
    passq.ok("add", "1002", "--name", "Agus Widodo", "--applied", "20/06/2024")
    passq.ok("next-batch", "--size", "1")
    passq.ok("printed", "--batch", "1", now="2024-06-27T09:30")
    result = passq.ok("find", "widodo")
    lines = result.stdout.splitlines()
    assert "1001" in lines[3] and "03/07/2024" in lines[3] and "Malaysia" in lines[3]
    assert "printed 27/06/2024 09:30" in lines[3]
    assert "1002" in lines[4] and "pending" in lines[4] and "Thu 27/06" in lines[4]


def test_find_nothing_and_nothing_to_look_for(passq) -> None:
    passq.ok("add", "1001", "--name", "Budi")
    assert passq.ok("find", "zzz").stdout == "No book matches 'zzz'.\n"
    before = passq.dump()
    result = passq("find", "?!")
    assert (result.exit_code, result.stderr) == (
        2,
        "Nothing to look for in '?!': give part of a name, a phone number or an application "
        "number.\n",
    )
    assert passq.dump() == before


def test_find_says_how_many_more_match(passq, add_books) -> None:
    add_books(("1001",), ("1002",), ("1003",))
    result = passq.ok("find", "pemohon", "--limit", "2")
    assert result.stdout.splitlines()[-1] == (
        "The newest 2 of 3 shown: add a word to narrow the search, or give --limit."
    )


def test_show_a_printed_and_a_collected_book(passq) -> None:
    passq.ok("add", "1001", "--name", "Budi")
    passq.ok("add", "1002", "--name", "Ani")
    passq.ok("next-batch", "--size", "2")
    passq.ok("printed", "--batch", "1", now="2024-06-27T09:30")
    passq.ok("collected", "1002", "--by", "Siti (sister)", now="2024-06-28T10:15", operator="eko")
    printed = passq.ok("show", "1001").stdout.splitlines()
    assert "  Printed 27/06/2024 09:30: ready for collection since then." in printed
    collected = passq.ok("show", "1002").stdout.splitlines()
    assert (
        "  Collected 28/06/2024 10:15 by Siti (sister) for the applicant, handed over by eko."
        in collected
    )
    passq.ok("collected", "1001", now="2024-06-28T11:00")
    assert (
        "  Collected 28/06/2024 11:00 by the applicant, handed over by ani."
        in passq.ok("show", "1001").stdout.splitlines()
    )
    assert any(line.startswith("│ 27/06/2024 08:00") for line in collected)


@pytest.mark.sqlite_only  # SQLite's query plan
def test_every_search_seeks_an_index_never_scans_the_books(passq) -> None:
    # Speed without a clock (bench/find.py times it): no full scan of applications.
    import sqlite3

    from passq.domain.search import parse_query
    from passq.store.sqlite_find import where_clause

    passq.ok("add", "1001", "--name", "Budi Widodo", "--phone", "0812-3456-7890")
    for text in ("widodo", "budi widodo", "0812-3456-7890", "3301-2406", "1001"):
        where, params = where_clause(parse_query(text))
        with sqlite3.connect(passq.db) as conn:
            plan = [
                row[3]
                for row in conn.execute(
                    f"EXPLAIN QUERY PLAN SELECT * FROM applications WHERE {where}", params
                )
            ]
        assert not any(step.startswith("SCAN applications") for step in plan), (text, plan)
