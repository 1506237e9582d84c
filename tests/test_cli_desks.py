"""Issue 11 §7 and §10: desks that respect each other (another operator's batch needs
--force, an undo of an earlier day --yes, a locked database is busy), and the operator name and
reasons checked."""

from __future__ import annotations

import sqlite3

import pytest


def refused(passq, args: list[str], code: int, sentence: str, **kwargs) -> None:
    before = passq.dump()
    result = passq(*args, **kwargs)
    assert (result.exit_code, result.stderr, result.stdout) == (code, sentence + "\n", "")
    assert passq.dump() == before


BUDI_S = "Batch 1 is budi's (claimed 27/06/2024 08:00): ask them, or add --force if you are sure."


@pytest.mark.parametrize(
    "args",
    [
        ["release", "--batch", "1"],
        ["release", "A1"],
        ["printed", "--batch", "1"],
        ["failed", "A2", "--reason", "smudged"],
    ],
)
def test_another_operators_batch_needs_force(passq, add_books, args) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2", operator="budi")
    refused(passq, args, 1, BUDI_S, operator="ani")
    passq.ok(*args, "--force", operator="ani")


def test_a_printed_book_of_another_desk_needs_force_to_fail(passq, add_books) -> None:
    add_books(("A1",))
    passq.ok("next-batch", "--size", "1", operator="budi")
    passq.ok("printed", "--batch", "1", operator="budi")
    refused(passq, ["failed", "A1", "--reason", "smudged"], 1, BUDI_S, operator="ani")
    passq.ok("failed", "A1", "--reason", "smudged", operator="budi")


def test_ones_own_batch_needs_no_force(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2")
    passq.ok("failed", "A1", "--reason", "smudged")
    passq.ok("release", "--batch", "1")


def test_undo_of_an_earlier_day_asks_for_yes(passq, add_books) -> None:
    add_books(("A1",))
    passq.ok("next-batch", "--size", "1")
    refused(
        passq,
        ["undo"],
        1,
        "Your last action (claimed) was on 27/06/2024, an earlier day: add --yes to undo it all "
        "the same.",
        now="2024-06-28T08:00",
    )
    assert passq.ok("undo", "--yes", now="2024-06-28T08:00").stdout == (
        "Undid your last action (claimed) on 1 book: A1.\n"
    )


@pytest.mark.sqlite_only  # SQLite's file lock (PostgreSQL: test_postgres)
def test_a_locked_database_is_busy_not_damaged(passq, add_books) -> None:
    add_books(("A1",))
    with sqlite3.connect(passq.db, isolation_level=None) as holder:
        holder.execute("PRAGMA journal_mode = DELETE")
        holder.execute("BEGIN EXCLUSIVE")
        result = passq.runner.invoke(
            __import__("passq.cli", fromlist=["app"]).app,
            ["--db", str(passq.db), "--busy-timeout", "0", "--operator", "ani", "list"],
        )
        holder.execute("ROLLBACK")
    assert (result.exit_code, result.stderr) == (
        1,
        "The database is busy (another desk is writing): try again in a moment.\n",
    )


@pytest.mark.parametrize("name", ["ani\x1b[31m", "ani\nbudi", "a\x00"])
def test_an_operator_with_control_characters_is_refused(passq, name) -> None:
    passq.ok("config", "show")
    refused(
        passq,
        ["add", "A1", "--name", "Budi"],
        2,
        "The operator name contains control characters: remove them and try again.",
        operator=name,
    )


@pytest.mark.parametrize("command", ["failed", "cancel"])
def test_an_empty_reason_is_refused(passq, add_books, command) -> None:
    add_books(("A1",))
    passq.ok("next-batch", "--size", "1")
    refused(
        passq,
        [command, "A1", "--reason", " "],
        2,
        "The reason is empty: say why with --reason, e.g. --reason smudged.",
    )


def test_nan_is_not_a_number_of_seconds_or_hours(passq) -> None:
    passq.ok("config", "show")
    refused(
        passq,
        ["--busy-timeout", "nan", "list"],
        2,
        "Invalid --busy-timeout 'nan': give a number of seconds from 0 to 600.",
    )
    refused(
        passq,
        ["release", "--stale", "NaN"],
        2,
        "Invalid --stale 'nan': give a number of hours, e.g. --stale 8.",
    )
