"""Several printers, one queue: exclusive claims under real concurrent processes; busy waits."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passq.cli import app
from passq.domain import sample as demo
from passq.store import open_store
from tests import desk
from tests.conftest import is_postgres, query

NOW = "2024-06-27T08:00"
RESERVE_OPEN = "2024-06-27T15:00"  # reprint_hour: the reprint reserve (12 of 250) opens
BUSY = "The database is busy (another desk is writing): try again in a moment.\n"


def run(db: Path | str, operator: str, *args: str, now: str = NOW):
    return CliRunner().invoke(
        app,
        ["--db", str(db), "--now", now, "--operator", operator, *args],
        env={"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None},
    )


def claimer(db: Path | str, operator: str, now: str = NOW) -> list[tuple[int, list[str]]]:
    """Claim batches of 10 until none comes (the queue is empty, or before 15:00 only the
    reprint reserve is left); retry when the database is busy."""
    batches = []
    while True:
        result = run(db, operator, "next-batch", "--size", "10", "--json", now=now)
        if result.exit_code == 1 and result.stderr == BUSY:
            continue
        assert result.exit_code == 0, result.stderr
        batch = json.loads(result.stdout)
        if not batch["books"]:
            return batches
        batches.append((batch["batch_id"], [book["app_no"] for book in batch["books"]]))


def adder(db: Path | str, count: int) -> list[str]:
    """The counter keeps registering books while the printers claim."""
    added = []
    for n in range(count):
        app_no = f"NEW{n:04d}"
        result = run(db, "counter", "add", app_no, "--name", f"Pemohon Baru {n}")
        if result.exit_code == 0:
            added.append(app_no)
        else:
            assert (result.exit_code, result.stderr) == (1, BUSY)
    return added


def printer(db: Path | str, rounds: int) -> list[str]:
    """A print operator marks whatever is claimed as printed, again and again."""
    printed = []
    for _ in range(rounds):
        listed = run(db, "printer", "list", "--status", "claimed", "--limit", "20", "--json")
        assert listed.exit_code == 0, listed.stderr
        numbers = [row["app_no"] for row in json.loads(listed.stdout)]
        if not numbers:
            continue
        result = run(db, "printer", "printed", *numbers)
        if result.exit_code == 0:
            printed.extend(numbers)
        else:
            assert (result.exit_code, result.stderr) == (1, BUSY)
    return printed


@pytest.mark.slow
def test_eight_printers_never_get_the_same_book_and_none_is_lost(database) -> None:
    db = database
    conn = open_store(db, 10_000)
    desk.add_many(conn, demo.applications(2000, date(2024, 6, 27)), f"{NOW}:00+07:00", "setup")
    conn.close()
    context = multiprocessing.get_context("fork")
    with context.Pool(10) as pool:
        added = pool.apply_async(adder, (db, 60))
        printed = pool.apply_async(printer, (db, 30))
        morning = [pool.apply_async(claimer, (db, f"op{n}")) for n in range(8)]
        batches = [batch for claim in morning for batch in claim.get(timeout=600)]
        # Eight desks at once claim exactly today's capacity less the reserve, never more.
        assert sum(len(books) for _batch_id, books in batches) == 250 - 12
        afternoon = [pool.apply_async(claimer, (db, f"op{n}", RESERVE_OPEN)) for n in range(8)]
        batches += [batch for claim in afternoon for batch in claim.get(timeout=600)]
        added_books, printed_books = added.get(timeout=600), printed.get(timeout=600)

    claimed_books = [app_no for _batch_id, books in batches for app_no in books]
    assert len(claimed_books) == len(set(claimed_books)), "a book was claimed twice"
    assert len({batch_id for batch_id, _books in batches}) == len(batches)
    rows = dict(query(db, "SELECT app_no, status FROM applications"))
    batch_of = dict(query(db, "SELECT app_no, batch_id FROM applications"))
    claim_events = Counter(
        app_no for (app_no,) in query(db, "SELECT app_no FROM events WHERE action = 'claimed'")
    )
    assert len(rows) == 2000 + len(added_books)  # nothing lost
    for batch_id, books in batches:
        for app_no in books:
            assert batch_of[app_no] == batch_id
            assert rows[app_no] in ("claimed", "printed")
    assert claim_events == Counter(claimed_books)
    assert set(printed_books) <= set(claimed_books)
    assert all(rows[app_no] == "printed" for app_no in printed_books)
    # Every original book was claimed: the claimers only stopped on an empty queue.
    originals = {app_no for app_no in rows if not app_no.startswith("NEW")}
    assert originals <= set(claimed_books)


@contextmanager
def another_desk_writing(db: Path | str) -> Iterator[None]:
    """Another desk holds the write lock (SQLite's, or the office's advisory lock)."""
    if is_postgres(db):
        import psycopg2

        blocker = psycopg2.connect(str(db))
        with blocker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended('passq:main', 0))")
        try:
            yield
        finally:
            blocker.rollback()
            blocker.close()
        return
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


@pytest.mark.parametrize("timeout", ["0.2", "0"])
def test_a_writer_waits_then_says_the_database_is_busy(database, timeout: str) -> None:
    db = database
    open_store(db, 10_000).close()
    with another_desk_writing(db):
        result = CliRunner().invoke(
            app,
            ["--db", str(db), "--busy-timeout", timeout, "--now", NOW, "add", "A1", "--name", "X"],
        )
    assert (result.exit_code, result.stderr) == (1, BUSY)
    assert query(db, "SELECT count(*) FROM applications") == [(0,)]
