"""SQLite and PostgreSQL side by side: whole passq processes against the same backlog.

Run by hand, not by the tests:

    python bench/backends.py [--books 100000] [--runs 7]

Builds the same demo backlog (two books claimed) in a SQLite file and in a PostgreSQL database
(PASSQ_TEST_PG, or a throwaway server started as the tests do), then times each command as a
whole process, median of --runs runs after a warm-up, and the floor
`python -c "import typer, sqlite3"` beside each. Single-row writes (add, printed) change one
book per run, so the backlog stays the size it says.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from passq.domain import sample  # noqa: E402
from passq.store import open_store  # noqa: E402
from tests import desk, pg  # noqa: E402

NOW = "2024-06-27T10:00"
STAMP = f"{NOW}:00+07:00"
TODAY = date(2024, 6, 27)


def build(db: Path | str, books: int) -> None:
    store = open_store(db, 10_000)
    records = list(sample.applications(books, TODAY))
    desk.add_many(store, records, STAMP, "setup")
    claimed = [record["app_no"] for record in records[:2000]]
    desk.claim(store, lambda queue: claimed, STAMP, "setup")
    store.close()
    run(db, "add", "WARM", "--name", "Pemohon", "--travel", "01/07/2024")


def run(db: Path | str, *args: str) -> float:
    env = {**os.environ, "PASSQ_DB": str(db), "PASSQ_NOW": NOW, "PASSQ_OPERATOR": "bench"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "passq", *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def floor() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import typer, sqlite3"], check=True)
    return time.perf_counter() - started


def cases(books: int) -> list[tuple[str, list]]:
    printed = iter([r["app_no"] for r in sample.applications(2000, TODAY)][2:])
    added = iter(f"NEW{n:05d}" for n in range(100_000))
    return [
        ("add", lambda: ["add", next(added), "--name", "Pemohon Baru"]),
        ("printed", lambda: ["printed", next(printed)]),
        ("next-batch --peek", lambda: ["next-batch", "--size", "10", "--peek"]),
        ("show", lambda: ["show", "WARM"]),
        ("find (a name)", lambda: ["find", "Siti"]),
        ("list --limit 50", lambda: ["list", "--limit", "50"]),
        ("report", lambda: ["report"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    server = pg.start()
    if isinstance(server, str):
        sys.exit(f"no PostgreSQL: {server}")
    with tempfile.TemporaryDirectory() as folder:
        dbs = {"sqlite": Path(folder) / "bench.db", "postgresql": server.fresh_database()}
        try:
            for db in dbs.values():
                build(db, options.books)
            print(f"{options.books:,} pending books, median of {options.runs} runs (seconds)")
            print(f"{'command':<20} {'sqlite':>8} {'ratio':>6} {'postgres':>9} {'ratio':>6}")
            for name, argv in cases(options.books):
                cells = []
                for db in dbs.values():
                    run(db, *argv())
                    times, floors = [], []
                    for _ in range(options.runs):
                        times.append(run(db, *argv()))
                        floors.append(floor())
                    median = statistics.median(times)
                    cells.append(f"{median:8.3f} {median / statistics.median(floors):6.2f}")
                print(f"{name:<20} {cells[0]} {cells[1]:>16}")
        finally:
            server.drop(dbs["postgresql"])
            server.stop()


if __name__ == "__main__":
    main()
