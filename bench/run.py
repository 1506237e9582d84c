"""Time whole passq processes against backlogs of 1,000 to 100,000 pending books (DESIGN §8).

Run by hand, not by the tests:

    python bench/run.py [--big] [--runs N] [--out PATH] [--sizes 1000,10000] [--only add,plan]
                        [--keep FOLDER]

For each backlog size it builds a database with the demo generator
(`passq.domain.sample.applications` and the store's `insert_many`, each book registered on the
day it was applied for; 1,000,000 books too with --big), then times each command as a whole
process: one warm-up run, then the median of --runs runs (at least 7, in rounds over all the
commands), with the child's own peak memory from wait4(). The floor, `python -c "import typer,
sqlite3"`, runs right after every timed run; a ratio is the median of each run over the floor's
run beside it. Commands that change the backlog run on a fresh copy of the size's database each
time (claiming, import), or change one book per run (add, printed, collected), so the sizes stay
what they say. The import row imports 100,000 new books into that copy.

Children run without PYTHONDONTWRITEBYTECODE (a machine that sets it recompiles passq at every
start, ~40 ms): an installed passq has its .pyc files, so the bench warms that cache first.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import passq
from passq.domain import sample
from passq.files.spreadsheets import write_csv
from passq.services import printing
from passq.services.session import Session
from passq.store import open_store

NOW = "2024-06-27T10:00"  # a Thursday of the outage week (DESIGN §1)
TODAY = date(2024, 6, 27)
STAMP = f"{NOW}:00+07:00"
OPERATOR = "bench"
SIZES = (1_000, 10_000, 100_000)
BIG = 1_000_000
IMPORT_ROWS = 100_000
MIN_RUNS = 7
FLOOR = "floor"
# Forks and times the command (its wall time and, from wait4, its own peak memory): a child
# forked from this big process would report this process's memory as its peak.
LAUNCHER = """
import os, sys, time
fd, argv = int(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.close(fd)
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_pid, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
os.write(fd, f"{wall} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}".encode())
"""

# The budgets of DESIGN §8 (start-up within 1.3x the floor, in either language).
STARTUP_RATIO = 1.3
QUICK_S = 0.5
IMPORT_S = 5.0
PLAN_S, PLAN_MB = 10.0, 1024


@dataclass(frozen=True)
class Budget:
    """One bar from DESIGN §8: its words, the sizes it applies to and its check."""

    words: str
    sizes: tuple[int | None, ...]
    holds: Callable[[float, float, float], bool]


STARTUP = Budget(
    f"<= {STARTUP_RATIO}x floor", (None, *SIZES, BIG), lambda s, r, mb: r <= STARTUP_RATIO
)
QUICK = Budget(f"< {QUICK_S} s at 100,000", (100_000,), lambda s, r, mb: s < QUICK_S)
IMPORT = Budget(f"< {IMPORT_S:.0f} s", (*SIZES,), lambda s, r, mb: s < IMPORT_S)
PLAN = Budget(
    f"< {PLAN_S:.0f} s, < 1 GB at 1,000,000", (BIG,), lambda s, r, mb: s < PLAN_S and mb < PLAN_MB
)


@dataclass
class Case:
    """One command to time: its arguments for run number n, and the database it runs on."""

    name: str
    args: Callable[[Bench, int], list[str]]
    budget: Budget | None = None
    # None: no database, timed once; "backlog": the size's backlog as built; "rows": its copy
    # with books claimed and printed (single-row writes, one book a run); "fresh": a new copy
    # of the backlog every run (claiming, import); "imported": the last import's result.
    db: str | None = "backlog"
    module: bool = False  # run as `python -m passq` rather than the console script


@dataclass
class Cell:
    """The figures of one command at one size."""

    command: str
    books: int | None
    seconds: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    floors: list[float] = field(default_factory=list)  # the floor's run right after each run

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def ratio(self) -> float:
        """The median of each run over the floor's run beside it: a slow minute of the machine
        slows both alike and cancels out."""
        if not self.floors:
            return 1.0
        return statistics.median(s / f for s, f in zip(self.seconds, self.floors, strict=True))


class Bench:
    """The working folder, the databases of the current size and the timings so far."""

    def __init__(self, work: Path, runs: int, passq_cmd: list[str]) -> None:
        self.work, self.runs, self.passq = work, runs, passq_cmd
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key != "PYTHONDONTWRITEBYTECODE" and not key.startswith("PASSQ_")
        }
        self.env.update(PASSQ_OPERATOR=OPERATOR, PASSQ_NOW=NOW, NO_COLOR="1")
        self.floor = Cell(FLOOR, None)
        self.cells: list[Cell] = []
        self.size = 0
        self.template = work / "template.db"  # the size's backlog, read-only commands use it
        self.rows = work / "rows.db"  # a copy with books claimed and printed: single-row writes
        self.copy = work / "run.db"  # a fresh copy per run: next-batch (claiming), import
        self.import_file = work / "import.csv"
        self.show_app_no = ""
        self.claimed: list[str] = []  # one per run for `printed`
        self.printed: list[str] = []  # one per run for `collected`

    # --- Running children ----------------------------------------------------------------

    def run(self, argv: list[str]) -> tuple[float, float]:
        """Run one process; (wall seconds, peak resident MB). Exits if it fails."""
        report, write_end = os.pipe()
        with open(os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
            launcher = [sys.executable, "-S", "-c", LAUNCHER, str(write_end), *argv]
            process = subprocess.Popen(
                launcher, stdout=out, stderr=err, env=self.env, cwd=self.work, pass_fds=[write_end]
            )
            os.close(write_end)
            with open(report, encoding="ascii") as figures:
                wall, peak_kb, code = figures.read().split()
            process.wait()
            if int(code) != 0 or process.returncode != 0:
                err.seek(0)
                message = err.read().decode(errors="replace").strip()
                sys.exit(f"{' '.join(argv)} failed ({code}): {message}")
        return float(wall), int(peak_kb) / 1024  # Linux reports kilobytes

    def floor_argv(self) -> list[str]:
        return [sys.executable, "-c", "import typer, sqlite3"]

    def time_cases(self, cases: list[Case], books: int | None) -> list[Cell]:
        """One warm-up run of each case, then `runs` rounds of one run of each case, each run
        followed by one of the floor: a slow minute of the machine weighs on every command
        (and on the floor) alike, not on whichever command it fell on."""
        cells = [Cell(case.name, books) for case in cases]
        for n in range(self.runs + 1):
            for case, cell in zip(cases, cells, strict=True):
                wall, peak = self.run(self._argv(case, n))
                if n == 0:
                    continue
                cell.seconds.append(wall)
                cell.peak_mb.append(peak)
                floor_wall, floor_peak = self.run(self.floor_argv())
                cell.floors.append(floor_wall)
                self.floor.seconds.append(floor_wall)
                self.floor.peak_mb.append(floor_peak)
        self.cells += cells
        return cells

    def _argv(self, case: Case, n: int) -> list[str]:
        db = self._prepare(case)
        command = [sys.executable, "-m", "passq"] if case.module else self.passq
        return [*command, *(["--db", str(db)] if db else []), *case.args(self, n)]

    def _prepare(self, case: Case) -> Path | None:
        if case.db == "fresh":
            remove_database(self.copy)
            shutil.copyfile(self.template, self.copy)
        return {
            None: None,
            "backlog": self.template,
            "rows": self.rows,
            "fresh": self.copy,
            "imported": self.copy,
        }[case.db]

    # --- Building the databases ----------------------------------------------------------

    def build(self, size: int) -> None:
        """The size's backlog (demo generator), primed, and its copy with claimed books."""
        self.size = size
        for path in (self.template, self.rows, self.copy):
            remove_database(path)
        started = time.perf_counter()
        # Each book registered on the day it was applied for, as at the counter: the day-end
        # report then reads one day's events, not the whole backlog's.
        by_day: dict[date, list[dict]] = {}
        for record in sample.applications(size, TODAY):
            by_day.setdefault(record["applied"], []).append(record)
        store = open_store(self.template, 10_000)
        for day in sorted(by_day):
            with store.command(f"{day}T10:00:00+07:00", "setup") as log:
                store.insert_many(log, by_day.pop(day))
        store.close()
        self.show_app_no = next(sample.applications(1, TODAY))["app_no"]
        # One plan fills the holiday cache for every year it reaches, as on a desk in use.
        self.run([*self.passq, "--db", str(self.template), "plan", "--json"])
        shutil.copyfile(self.template, self.rows)
        store = open_store(self.rows, 10_000)
        wanted = 2 * (self.runs + 1)
        with store.command(STAMP, "setup") as log:
            numbers = sorted(store.queue().column("app_no"))[:wanted]
            batch_id = store.new_batch("setup", STAMP, numbers)
            for app_no in numbers:
                log("claimed", app_no, batch_id, {"from": "pending"}, "claimed")
        store.close()
        self.claimed, self.printed = numbers[: self.runs + 1], numbers[self.runs + 1 :]
        s = Session(self.rows, STAMP, "setup")
        printing.mark(s, self.printed, "printed")
        s.close()
        say(f"{size:>9,} books: databases built in {time.perf_counter() - started:.1f} s")

    def write_import_file(self, rows: int) -> None:
        """`rows` made-up books numbered apart from the demo's (3302…), in the export format."""
        records = (
            {**record, "app_no": "3302" + record["app_no"][4:]}
            for record in sample.applications(rows, TODAY, seed=7)
        )
        with self.import_file.open("w", encoding="utf-8", newline="") as stream:
            write_csv(records, stream)


def remove_database(path: Path) -> None:
    """Delete a database file and its -wal and -shm."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def say(text: str) -> None:
    """Progress on standard error, so that standard output is only the table."""
    print(text, file=sys.stderr, flush=True)


ADD = ["--name", "Bench Pemohon", "--travel", "+5", "--destination", "Malaysia"]
CASES = (
    Case("passq --version", lambda b, n: ["--version"], STARTUP, db=None),
    Case("python -m passq --version", lambda b, n: ["--version"], db=None, module=True),
    # DESIGN §8 budgets --version, add, printed and collected; --help lists every command, so
    # it loads every command's module (the single-row commands load only their own): timed.
    Case("passq --help", lambda b, n: ["--help"], db=None),
    Case("passq --lang id --help", lambda b, n: ["--lang", "id", "--help"], db=None),
    Case("passq add", lambda b, n: ["add", f"BENCH-{n:04d}", *ADD], STARTUP, db="rows"),
    Case(
        "passq add --phone",
        lambda b, n: ["add", f"BENCH-P{n:04d}", *ADD, "--phone", "0812-3456-7890"],
        db="rows",
    ),
    Case(
        "passq --lang id add",
        lambda b, n: ["--lang", "id", "add", f"BENCH-ID{n:04d}", *ADD],
        STARTUP,
        db="rows",
    ),
    Case("passq printed", lambda b, n: ["printed", b.claimed[n]], STARTUP, db="rows"),
    Case("passq collected", lambda b, n: ["collected", b.printed[n]], STARTUP, db="rows"),
    Case("passq show", lambda b, n: ["show", b.show_app_no], QUICK),
    Case(
        "passq next-batch --size 50 --peek",
        lambda b, n: ["next-batch", "--size", "50", "--peek"],
        QUICK,
    ),
    Case(
        "passq next-batch --size 50", lambda b, n: ["next-batch", "--size", "50"], QUICK, db="fresh"
    ),
    Case("passq list --limit 50", lambda b, n: ["list", "--limit", "50"], QUICK),
    Case("passq report", lambda b, n: ["report"], QUICK),
    Case("passq plan --json", lambda b, n: ["plan", "--json"], PLAN),
    Case(
        f"passq import {IMPORT_ROWS:,} rows",
        lambda b, n: ["import", str(b.import_file)],
        IMPORT,
        db="fresh",
    ),
    # The same file again into the result of the last import: every row already present.
    Case(
        f"passq import {IMPORT_ROWS:,} rows again",
        lambda b, n: ["import", str(b.import_file)],
        db="imported",
    ),
)


def passq_command() -> list[str]:
    """The installed console script beside this Python, as staff run it; else `python -m`."""
    script = Path(sysconfig.get_path("scripts")) / "passq"
    return [str(script)] if script.exists() else [sys.executable, "-m", "passq"]


def machine() -> dict:
    """Where the figures were measured."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for text in cpuinfo.read_text().splitlines():
            if text.startswith("model name"):
                model = text.split(":", 1)[1].strip()
                break
    return {
        "cpu": model or platform.processor(),
        "nproc": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "typer": version("typer"),
        "load": " ".join(f"{figure:.2f}" for figure in os.getloadavg()),
        "system": platform.platform(),
    }


def verdict(cell: Cell) -> tuple[str, bool | None]:
    """The budget that applies to this cell, and whether it holds (None: none applies)."""
    case = next(c for c in CASES if c.name == cell.command)
    if case.budget is None or cell.books not in case.budget.sizes:
        return "", None
    holds = case.budget.holds(cell.median, cell.ratio, max(cell.peak_mb))
    return case.budget.words, holds


def table(bench: Bench) -> str:
    """The figures as one plain-text table: command x books."""
    floor = bench.floor.median
    head = ("command", "books", "median s", "x floor", "peak MB", "budget")
    rows = [
        (
            'python -c "import typer, sqlite3"',
            "-",
            f"{floor:.3f}",
            "1.00",
            f"{max(bench.floor.peak_mb):.0f}",
            "(the floor)",
        )
    ]
    for cell in sorted(bench.cells, key=lambda c: (order(c.command), c.books or 0)):
        words, holds = verdict(cell)
        rows.append(
            (
                cell.command,
                f"{cell.books:,}" if cell.books is not None else "-",
                f"{cell.median:.3f}",
                f"{cell.ratio:.2f}",
                f"{max(cell.peak_mb):.0f}",
                f"{words}: {'ok' if holds else 'OVER'}" if holds is not None else "",
            )
        )
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    right = (False, True, True, True, True, False)
    lines = []
    for row in (head, tuple("-" * w for w in widths), *rows):
        cells = [
            text.rjust(width) if align else text.ljust(width)
            for text, width, align in zip(row, widths, right, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def order(command: str) -> int:
    return next(i for i, case in enumerate(CASES) if case.name == command)


def main() -> None:
    """Build the databases, time every command at every size, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help=f"also {BIG:,} books")
    parser.add_argument("--runs", type=int, default=MIN_RUNS, help="timed runs per command")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON")
    parser.add_argument("--sizes", help="comma-separated backlog sizes instead of the defaults")
    parser.add_argument("--only", help="comma-separated words: time only commands containing one")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep its databases")
    args = parser.parse_args()
    if args.runs < MIN_RUNS:
        say(f"warning: {args.runs} runs; DESIGN §8 figures take the median of {MIN_RUNS} or more")
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [*SIZES]
    if args.big and BIG not in sizes:
        sizes.append(BIG)
    cases = [
        case
        for case in CASES
        if not args.only or any(word in case.name for word in args.only.split(","))
    ]
    # An installed passq has its bytecode: compile it now rather than in the first timed run.
    compileall.compile_dir(Path(passq.__file__).parent, quiet=1)
    work = args.keep or Path(tempfile.mkdtemp(prefix="passq-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        bench = Bench(work, args.runs, passq_command())
        say(f"timing {' '.join(bench.passq)}, {args.runs} runs after a warm-up, in {work}")
        if any(case.name.startswith("passq import") for case in cases):
            bench.write_import_file(IMPORT_ROWS)
        for cell in bench.time_cases([case for case in cases if case.db is None], None):
            say(f"{cell.command:<40} {'-':>9}  {cell.median:.3f} s")
        for size in sizes:
            bench.build(size)
            for cell in bench.time_cases([case for case in cases if case.db is not None], size):
                say(f"{cell.command:<40} {size:>9,}  {cell.median:.3f} s")
        facts = machine()
        print(
            f"{facts['cpu']}, {facts['nproc']} CPUs; Python {facts['python']}, "
            f"SQLite {facts['sqlite']}, typer {facts['typer']}; median of {bench.runs} runs "
            f"after a warm-up; load average {facts['load']} at the end"
        )
        floor = sorted(bench.floor.seconds)
        print(
            f"The floor's {len(floor)} runs took {floor[0]:.3f} to {floor[-1]:.3f} s "
            f"(quartiles {floor[len(floor) // 4]:.3f} and {floor[3 * len(floor) // 4]:.3f}): "
            "how steady the machine was."
        )
        print(table(bench))
        failed = [
            (cell, words)
            for cell in bench.cells
            for words, holds in [verdict(cell)]
            if holds is False
        ]
        print()
        print(
            "Every budget holds."
            if not failed
            else "Over budget: "
            + "; ".join(f"{c.command} at {c.books or '-'} books ({w})" for c, w in failed)
        )
        if args.out:
            write_json(bench, args.out)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def write_json(bench: Bench, path: Path) -> None:
    """The same figures as JSON, with every run's time and the machine."""

    def figures(cell: Cell) -> dict:
        words, holds = verdict(cell) if cell is not bench.floor else ("", None)
        return {
            "command": cell.command,
            "books": cell.books,
            "median_s": round(cell.median, 4),
            "ratio_to_floor": round(cell.ratio, 3),
            "peak_mb": round(max(cell.peak_mb), 1),
            "runs_s": [round(s, 4) for s in cell.seconds],
            "floor_runs_s": [round(s, 4) for s in cell.floors],
            "budget": words or None,
            "holds": holds,
        }

    data = {
        "machine": machine(),
        "runs": bench.runs,
        "passq": bench.passq,
        "floor": figures(bench.floor),
        "results": [figures(cell) for cell in bench.cells],
    }
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
