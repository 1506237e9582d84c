"""Many offices on one PostgreSQL server (issue 13): one office's commands among many offices'
rows against the same office alone, `report --all-offices`, and desks claiming at once.

Run by hand, not by the tests:

    python bench/offices.py [--offices 125] [--books 8000] [--runs 5] [--desks 60] [--busy 20]

Builds --offices offices of --books pending demo books each (200 claimed) in one database,
and one office of --books alone in another (PASSQ_TEST_PG, or a throwaway server started as
the tests do); times whole passq processes (median of --runs after a warm-up); then starts
--desks `next-batch` processes at once spread over --busy offices and checks that no book was
claimed twice and none lost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from passq.domain import sample  # noqa: E402
from passq.store.postgres import PostgresStore  # noqa: E402
from passq.store.postgres_offices import add_office  # noqa: E402
from tests import desk, pg  # noqa: E402

NOW = "2024-06-27T10:00"
STAMP = f"{NOW}:00+07:00"
TODAY = date(2024, 6, 27)
CASES = (
    ("next-batch --peek", ["next-batch", "--size", "10", "--peek"]),
    ("show", ["show", "WARM"]),
    ("list --limit 50", ["list", "--limit", "50"]),
    ("report", ["report"]),
)


def build(url: str, office: str, books: int) -> None:
    store = PostgresStore(url, office=office)
    records = list(sample.applications(books, TODAY))
    desk.add_many(store, records, STAMP, "setup")
    claimed = [record["app_no"] for record in records[:200]]
    desk.claim(store, lambda queue: claimed, STAMP, "setup")
    store.close()
    run(url, office, "add", "WARM", "--name", "Pemohon", "--travel", "01/07/2024")


def run(url: str, office: str | None, *args: str) -> float:
    env = {**os.environ, "PASSQ_DB": url, "PASSQ_NOW": NOW, "PASSQ_OPERATOR": "bench"}
    env.pop("PASSQ_OFFICE", None)
    if office:
        env["PASSQ_OFFICE"] = office
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "passq", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def median(url: str, office: str | None, argv: list[str], runs: int) -> float:
    run(url, office, *argv)
    return statistics.median(run(url, office, *argv) for _ in range(runs))


def desks_at_once(url: str, offices: list[str], desks: int) -> str:
    """`desks` next-batch processes at once over `offices`: every claim distinct, none lost."""
    env = {**os.environ, "PASSQ_DB": url, "PASSQ_NOW": NOW}
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "passq", "next-batch", "--size", "10", "--json"],
            env={**env, "PASSQ_OFFICE": offices[n % len(offices)], "PASSQ_OPERATOR": f"d{n}"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(desks)
    ]
    results = [(p.wait(), p.stdout.read() if p.stdout else "") for p in processes]
    elapsed = time.perf_counter() - started
    import json

    claims = [
        (offices[n % len(offices)], book["app_no"])
        for n, (code, out) in enumerate(results)
        if code == 0
        for book in json.loads(out)["books"]
    ]
    failed = sum(1 for code, _ in results if code != 0)
    store = PostgresStore(url)
    rows = store._rows(
        "SELECT office, app_no FROM applications WHERE status = 'claimed' AND batch_id IN "
        "(SELECT id FROM batches WHERE operator LIKE 'd%%')"
    )
    store.close()
    assert len(claims) == len(set(claims)), "a book claimed twice"
    assert sorted(claims) == sorted(rows), "claims and the database disagree"
    return (
        f"{desks} desks over {len(offices)} offices at once: {len(claims)} books claimed, "
        f"none twice, none lost, {failed} refused, all done in {elapsed:.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=125)
    parser.add_argument("--books", type=int, default=8000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--desks", type=int, default=60)
    parser.add_argument("--busy", type=int, default=20)
    options = parser.parse_args()
    server = pg.start()
    if isinstance(server, str):
        sys.exit(f"no PostgreSQL: {server}")
    alone, shared = server.fresh_database(), server.fresh_database()
    try:
        started = time.perf_counter()
        build(alone, "main", options.books)
        admin = PostgresStore(shared)
        codes = [f"o{n:03d}" for n in range(1, options.offices + 1)]
        with admin.transaction():
            for code in codes:
                add_office(admin.conn, code, f"Kantor {code}")
        admin.close()
        for code in codes:
            build(shared, code, options.books)
        print(
            f"{options.offices} offices x {options.books:,} books "
            f"({options.offices * options.books:,} rows) built in "
            f"{time.perf_counter() - started:.0f} s; median of {options.runs} runs (seconds)"
        )
        print(f"{'command':<20} {'alone':>8} {'shared':>8}")
        for name, argv in CASES:
            lone = median(alone, None, argv, options.runs)
            among = median(shared, codes[len(codes) // 2], argv, options.runs)
            print(f"{name:<20} {lone:8.3f} {among:8.3f}")
        every = median(shared, None, ["report", "--all-offices"], max(1, options.runs // 2))
        print(f"{'report --all-offices':<20} {'':>8} {every:8.3f}")
        print(desks_at_once(shared, codes[: options.busy], options.desks))
    finally:
        server.drop(alone)
        server.drop(shared)
        server.stop()


if __name__ == "__main__":
    main()
