"""Time `passq find` against a backlog of 100,000 books (issue 11: under 0.5 s, indexed).

Run by hand, not by the tests:

    python bench/find.py [--size 100000] [--runs 9] [--keep FOLDER]

Builds a demo database (`passq demo --size N`), prints the query plan of each search (it must
use the full-text index find_words, the phone index or the primary key, never scan the
applications), then times whole `passq find` processes: the median of --runs runs for a name
(common and rare), two words, a phone in three written forms and a number, beside the floor
(`python -c "import typer, sqlite3"`).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from passq.domain.search import parse_query
from passq.store.sqlite_find import find

NOW = "2024-06-27T10:00"
BUDGET_S = 0.5


def passq(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "passq", "--db", str(db), "--now", NOW, *args],
        capture_output=True,
        text=True,
        check=False,
    )


def timed(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="passq-find-"))
    db = folder / "find.db"
    if not db.exists():
        passq(db, "demo", "--size", str(args.size), "--db", str(db))
    with sqlite3.connect(db) as conn:
        name, phone, app_no = conn.execute(
            "SELECT name, phone, app_no FROM applications ORDER BY rowid LIMIT 1"
        ).fetchone()
        count = conn.execute("SELECT count(*) FROM applications").fetchone()[0]
    rare = name.split()[-1]
    digits = phone[3:]
    searches = {
        "common first name": name.split()[0],
        "surname": rare,
        "two words": name,
        "phone 08…": f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        "phone 62…": f"62{digits}",
        "phone +62 …": f"+62 {digits[:3]} {digits[3:]}",
        "number in groups": "-".join(app_no[i : i + 4] for i in range(0, len(app_no), 4)),
        "no match": "zzzzqq",
    }
    print(f"{count:,} books in {db}")
    with sqlite3.connect(db) as conn:
        for label, text in searches.items():
            query = parse_query(text)
            start = time.perf_counter()
            _found, total = find(conn, query, 20)
            sql_s = time.perf_counter() - start
            print(f"  {label:<18} {text!r:<28} {total:>6} match  SQL {sql_s * 1000:6.1f} ms")
    floor = timed([sys.executable, "-c", "import typer, sqlite3"], args.runs)
    print(f"floor (python -c 'import typer, sqlite3'): {floor:.3f} s")
    worst = 0.0
    for label, text in searches.items():
        argv = [sys.executable, "-m", "passq", "--db", str(db), "--now", NOW, "find", text]
        median = timed(argv, args.runs)
        worst = max(worst, median)
        print(f"passq find {label:<18} {median:.3f} s")
    verdict = "within" if worst < BUDGET_S else "OVER"
    print(f"slowest {worst:.3f} s: {verdict} the {BUDGET_S} s budget")


if __name__ == "__main__":
    main()
