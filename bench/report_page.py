"""The head of office's page against a big backlog (issue 15): `passq report --html` for
100,000 pending books must take under 3 s, as a whole process (start-up, reading, planning,
drawing, writing).

Run by hand, not by the tests:

    python bench/report_page.py [--books 100000] [--runs 5] [--budget 3.0] [--keep FOLDER]

It builds the demo backlog with `passq demo` (made-up people), then times `passq report --html`
--runs times after one warm-up and prints each time and the median. Exits 1 when the median is
over the budget, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NOW = "2024-06-27T16:00"  # a Thursday of the outage week


def passq(db: Path, *args: str) -> float:
    """Run one passq command as its own process; its wall time in seconds."""
    return timed(db, *args)[0]


def timed(db: Path, *args: str) -> tuple[float, float]:
    """One passq command as its own process: (wall, CPU) seconds. The CPU time (user + system)
    tells a slow page from a busy machine: on 2 shared cores the wall time can double."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PASSQ_")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "passq", "--db", str(db), "--now", NOW, *args],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--books", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=3.0, help="seconds (median)")
    parser.add_argument("--keep", type=Path, help="build the database in this folder, keep it")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="passq-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / f"demo{options.books}.db"
    if not db.exists():
        built = passq(db, "demo", "--size", str(options.books))
        print(f"built {options.books:,} books in {built:.1f} s: {db}")
    page = folder / "report.html"
    page.unlink(missing_ok=True)
    passq(db, "report", "--html", str(page))  # warm-up: .pyc files, the holiday cache
    runs = [timed(db, "report", "--html", str(page)) for _ in range(options.runs)]
    times = [wall for wall, _cpu in runs]
    median = statistics.median(times)
    print("report --html:", ", ".join(f"{t:.2f}" for t in times), f"s; median {median:.2f} s")
    cpu = statistics.median(cpu for _wall, cpu in runs)
    print(f"CPU time (user + system), median: {cpu:.2f} s; load average {os.getloadavg()[0]:.1f}")
    print(f"page: {page} ({page.stat().st_size:,} bytes)")
    verdict = "within" if median < options.budget else "OVER"
    print(f"{verdict} the budget of {options.budget:.1f} s for {options.books:,} pending books")
    return 0 if median < options.budget else 1


if __name__ == "__main__":
    sys.exit(main())
