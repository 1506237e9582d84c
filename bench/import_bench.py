"""Time `passq import` of a generated 100,000-row CSV as a whole process (DESIGN §8: < 5 s).

Run by hand, not in the tests: python bench/import_bench.py [ROWS] [--runs N]
Generates the rows with passq.demo.applications, writes them with importer.write_csv (the
export format, so every column is filled as an export fills it) and runs
`passq --db TMP import FILE` in a fresh database each time; prints the median in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from passq.demo import applications
from passq.importer import write_csv

NOW = date(2024, 6, 27)
BUDGET_S = 5.0


def main() -> None:
    """Generate the file, time the imports, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "backlog.csv"
        with source.open("w", encoding="utf-8", newline="") as stream:
            write_csv(applications(args.rows, NOW), stream)
        times = []
        for run in range(args.runs):
            db = Path(tmp) / f"run{run}.db"
            command = [sys.executable, "-m", "passq", "--db", str(db), "--now", NOW.isoformat()]
            start = time.perf_counter()
            done = subprocess.run([*command, "import", str(source)], capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                sys.exit(f"import failed ({done.returncode}): {done.stderr.strip()}")
            print(f"run {run + 1}: {times[-1]:.2f} s  {done.stdout.strip()}")
        median = statistics.median(times)
        verdict = "within" if median < BUDGET_S else "OVER"
        print(f"{args.rows} rows: median {median:.2f} s ({verdict} the {BUDGET_S:.0f} s budget)")
        # The same file again into the first database: every row already present.
        command = [sys.executable, "-m", "passq", "--db", str(Path(tmp) / "run0.db")]
        start = time.perf_counter()
        subprocess.run(
            [*command, "--now", NOW.isoformat(), "import", str(source)], capture_output=True
        )
        print(f"re-import, all already present: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
