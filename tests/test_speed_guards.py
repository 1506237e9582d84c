"""Speed guards that do not depend on the machine (DESIGN §8, issue 6): the single-row commands
import none of the slow libraries, and their SQL does not grow with the backlog.

The timings themselves are bench/run.py's job; these fail when a change would make them slow.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import passq
from passq import cli
from passq.cli import app
from passq.domain import sample as demo
from passq.store import sqlite as store
from passq.store.sqlite import SqliteStore
from tests import desk

NOW = "2024-06-27T10:00"
STAMP = "2024-06-27T09:00:00+07:00"
# Imported only by the commands that need them (DESIGN §7, §8): none of these on a single-row
# path. pydantic would mean a typer that builds a validator per parameter (typer 0.29).
DEFERRED = (
    "pendulum",
    "holidays",
    "phonenumbers",
    "pydantic",
    "rich.table",
    "rich.console",
    "sqlite_utils",
    "openpyxl",
    "passq.files.spreadsheets",
    "passq.files.tables",
    "passq.files.columns",
    "passq.files.rows",
    "passq.files.exports",
    "passq.domain.maintenance",
    "passq.domain.sample",
    "matplotlib",
    "jinja2",
    "passq.files.charts",
    "passq.files.report_page",
    # The PostgreSQL driver and backend: only for a postgresql:// database.
    "psycopg2",
    "passq.store.postgres",
)
SMALL, LARGE = 100, 10_000
TODAY = date(2024, 6, 27)
# The generator's first two books, the same at either size: claimed in both databases.
CLAIMED = tuple(record["app_no"] for record in demo.applications(2, TODAY))


def build(path: Path, books: int) -> Path:
    """A database of `books` pending demo books, two of them claimed, holidays cached."""
    conn = SqliteStore(path)
    desk.add_many(conn, demo.applications(books, TODAY), STAMP, "setup")
    desk.claim(conn, lambda queue: list(CLAIMED), STAMP, "setup")
    conn.close()
    # The first command of a year caches its holidays (the holidays package): done here.
    runner(path, "add", "WARM-UP", "--name", "Pemohon", "--travel", "01/07/2024")
    return path


def runner(db: Path, *args: str):
    result = CliRunner().invoke(
        app,
        ["--db", str(db), "--now", NOW, "--operator", "ani", *args],
        env={"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None},
    )
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("speed")
    return {size: build(folder / f"books{size}.db", size) for size in (SMALL, LARGE)}


@pytest.fixture
def databases(templates: dict[int, Path], tmp_path: Path) -> dict[int, Path]:
    """Fresh copies of the two databases for one test."""
    copies = {}
    for size, template in templates.items():
        copies[size] = tmp_path / template.name
        shutil.copyfile(template, copies[size])
    return copies


# --- (a) nothing slow imported on the single-row paths -------------------------------------


def imported(db: Path, *args: str) -> set[str]:
    """The modules a real `passq` process imports for `args` (python -X importtime)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PASSQ_")}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "passq", "--db", str(db), "--now", NOW]
        + ["--operator", "ani", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, (args, done.stderr[-2000:])
    return {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def deferred_in(modules: set[str]) -> list[str]:
    return sorted(
        module
        for module in modules
        if any(module == name or module.startswith(f"{name}.") for name in DEFERRED)
    )


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("--help",),
        ("add", "3302240627000001", "--name", "Siti Rahayu", "--travel", "01/07/2024"),
        ("add", "3302240627000002", "--name", "Budi", "--service", "express", "--urgent", "x"),
        ("printed", CLAIMED[0]),
        ("collected", CLAIMED[1]),
    ],
    ids=lambda args: " ".join(args[:1]),
)
def test_single_row_commands_import_nothing_slow(databases, args) -> None:
    db = databases[SMALL]
    if args[0] == "collected":
        runner(db, "printed", CLAIMED[1])
    assert deferred_in(imported(db, *args)) == []


# Imported by commands that plan or list, never by the single-row ones: the queue rule and its
# figures, the other commands' modules, and what only JSON output or a time zone file needs.
PLANNING = (
    "passq.domain.queue",
    "passq.domain.figures",
    "passq.domain.explain",
    "passq.domain.report",
    "passq.domain.notices",
    "passq.domain.search",
    "passq.cli.supervisor",
    "passq.cli.admin",
    "passq.cli.office",
    "passq.cli.notify",
    "zoneinfo",
    "dataclasses",
)


@pytest.mark.parametrize(
    "args",
    [
        ("--version",),
        ("add", "3302240627000004", "--name", "Siti Rahayu", "--travel", "01/07/2024"),
        ("printed", CLAIMED[0]),
        ("collected", CLAIMED[1]),
    ],
    ids=lambda args: " ".join(args[:1]),
)
def test_single_row_commands_load_neither_the_rule_nor_other_commands(databases, args) -> None:
    db = databases[SMALL]
    if args[0] == "collected":
        runner(db, "printed", CLAIMED[1])
    modules = imported(db, *args)
    assert sorted(m for m in modules if m.startswith(PLANNING)) == []
    if args[0] != "--version":
        assert f"passq.cli.{cli.COMMAND_MODULES[args[0]]}" in modules  # the check sees imports


def test_every_command_is_registered_by_the_module_named_for_it() -> None:
    from typer.main import get_command_name

    registered = {
        command.name or get_command_name(command.callback.__name__): command.callback.__module__
        for command in app.registered_commands
    }
    registered |= {
        group.name: group.typer_instance.registered_commands[0].callback.__module__
        for group in app.registered_groups
    }
    assert {name: f"passq.cli.{module}" for name, module in cli.COMMAND_MODULES.items()} == (
        registered
    )


def test_only_the_report_page_draws(databases, tmp_path: Path) -> None:
    # matplotlib and jinja2 are report --html's alone: not even the text report loads them.
    db = databases[SMALL]
    drawing = {"matplotlib", "jinja2", "passq.files.charts", "passq.files.report_page"}
    assert drawing & set(deferred_in(imported(db, "report"))) == set()
    assert drawing & set(deferred_in(imported(db, "report", "--json"))) == set()
    page = imported(db, "report", "--html", str(tmp_path / "r.html"))
    assert drawing <= set(deferred_in(page))
    assert "matplotlib.pyplot" not in page  # the Figure alone, no GUI machinery


def test_the_import_check_sees_what_a_command_needs(databases) -> None:
    # The guard would pass vacuously if it could not see imports: these need theirs.
    db = databases[SMALL]
    phone = ("add", "3302240627000003", "--name", "Ani", "--phone", "0812-3456-7890")
    assert "phonenumbers" in deferred_in(imported(db, *phone))
    assert "rich.table" in deferred_in(imported(db, "list", "--limit", "5"))


# --- (b) the SQL of single-row commands does not grow with the backlog ---------------------


class Counter:
    """Counts SQL statements and SQLite VM steps (in hundreds) on every connection passq opens."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.steps = 0

    def attach(self, conn: sqlite3.Connection) -> None:
        conn.set_trace_callback(self.statements.append)
        conn.set_progress_handler(self._step, 100)

    def _step(self) -> int:
        self.steps += 1
        return 0


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    counter = Counter()
    connect = store.connect

    def counting_connect(*args, **kwargs) -> sqlite3.Connection:
        conn = connect(*args, **kwargs)
        counter.attach(conn)
        return conn

    monkeypatch.setattr(store, "connect", counting_connect)
    yield counter


def cost(counter: Counter, db: Path, *args: str) -> tuple[list[str], int]:
    """The statements and VM steps of one command on `db`."""
    counter.statements.clear()
    counter.steps = 0
    runner(db, *args)
    return list(counter.statements), counter.steps


@pytest.mark.parametrize(
    "commands",
    [
        [("add", "3302240627000009", "--name", "Ani", "--travel", "01/07/2024")],
        [("printed", CLAIMED[0])],
        [("printed", CLAIMED[1]), ("collected", CLAIMED[1])],
        [("printed", CLAIMED[0]), ("undo",)],
    ],
    ids=lambda commands: commands[-1][0],
)
def test_single_row_commands_cost_the_same_at_100_and_10000_books(
    databases, counted, commands
) -> None:
    costs = {}
    for size, db in databases.items():
        for args in commands:
            costs[size] = cost(counted, db, *args)
    (small_sql, small_steps), (large_sql, large_steps) = costs[SMALL], costs[LARGE]
    # The same statements (the trace shows them with their values), not one more.
    assert len(large_sql) == len(small_sql)
    assert [re.sub(r"\d+", "N", sql) for sql in large_sql] == [
        re.sub(r"\d+", "N", sql) for sql in small_sql
    ]
    # A scan of the books or events would take at least one step per row (10,000 rows: 100
    # hundreds); an index seek takes about as many at 100 books as at 10,000.
    assert large_steps <= small_steps + 20, (small_steps, large_steps)


# --- start-up: typer builds only the command given ------------------------------------------


def test_the_command_is_found_past_the_global_options() -> None:
    from typer.main import get_command

    group = get_command(app)
    taking_values = {name for param in group.params if not param.is_flag for name in param.opts}
    assert taking_values == cli.GLOBAL_VALUE_OPTIONS
    assert cli._command_name(["--db", "x.db", "--operator", "list", "add", "A1"]) == "add"
    assert cli._command_name(["--db=x.db", "--now", "today", "printed", "-"]) == "printed"
    assert cli._command_name(["--version"]) is None
    assert cli._command_name(["--", "add"]) is None
    assert cli._command_name(["--help", "add"]) is None  # the root's help: every command
    assert cli._command_name(["add", "--help"]) == "add"


def test_help_before_a_command_lists_every_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "passq", "--lang", "en", "--help", "add"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    listed = re.findall(r"^  ([a-z][a-z-]*)  ", done.stdout, flags=re.M)
    assert sorted(listed) == sorted(cli.COMMAND_MODULES)


def test_the_single_row_commands_end_with_their_exit_code_and_every_line(tmp_path: Path) -> None:
    # They end the process without Python's teardown (cli.QUICK_EXIT): nothing may be lost.
    db = tmp_path / "quick.db"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PASSQ_")}

    def run(*args: str) -> tuple[int, str, str]:
        done = subprocess.run(
            [sys.executable, "-m", "passq", "--db", str(db), "--now", NOW, "--operator", "ani"]
            + ["--lang", "en", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return done.returncode, done.stdout, done.stderr

    assert run("--version") == (0, f"passq {passq.__version__}\n", "")
    code, out, err = run("add", "Q1", "--name", "Siti Rahayu", "--travel", "01/07/2024")
    assert (code, out.startswith("Added Q1 (regular): "), out.count("\n"), err) == (0, True, 1, "")
    assert run("add", "Q1", "--name", "Siti Rahayu") == (
        1,
        "",
        "Application Q1 already exists (Siti Rahayu, pending): use 'passq edit Q1' to change it.\n",
    )
    assert run("add", "Q2", "--name", "")[::2] == (
        2,
        "The name is empty: give the applicant's name as on the application.\n",
    )
    assert run("printed", "Q1")[:2] == (0, "Printed 1 book: Q1.\n")
    assert run("collected", "Q1")[:2] == (0, "Collected 1 book: Q1.\n")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT app_no, status FROM applications").fetchall() == [
            ("Q1", "collected")
        ]
