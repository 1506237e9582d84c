"""Shared fixtures: a CLI runner on a temporary database at a fixed moment, on each backend.

A test that takes `database` (or `passq`, `add_books`) runs twice: on a SQLite file and on a
fresh PostgreSQL database (tests/pg.py; skipped, with the reason, where there is no server).
Mark a test `sqlite_only` when what it checks is SQLite's own (file modes, WAL, the file).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from passq import i18n
from passq.cli import app
from tests import pg
from tests.english import english_sentences

NOW = "2024-06-27T08:00"
BACKENDS = ("sqlite", "postgresql")


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: checks what only SQLite has (its file, WAL, PRAGMAs)"
    )
    config.addinivalue_line("markers", "postgresql_only: checks what only PostgreSQL has")


def pytest_generate_tests(metafunc) -> None:
    """Every test that uses a database runs on each backend (SQLite only when so marked)."""
    if "backend" in metafunc.fixturenames:
        backends = BACKENDS
        if metafunc.definition.get_closest_marker("sqlite_only"):
            backends = ("sqlite",)
        if metafunc.definition.get_closest_marker("postgresql_only"):
            backends = ("postgresql",)
        metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def pg_server():
    """The session's PostgreSQL server, or the reason there is none (a string)."""
    server = pg.start()
    yield server
    if not isinstance(server, str):
        server.stop()


def no_server(reason: str) -> None:
    """Skip the PostgreSQL half, with the reason; fail instead under PASSQ_REQUIRE_PG (CI)."""
    if os.environ.get("PASSQ_REQUIRE_PG"):
        pytest.fail(f"PostgreSQL half cannot run: {reason}")
    pytest.skip(f"PostgreSQL half skipped: {reason}")


@pytest.fixture
def database(backend: str, tmp_path: Path, request):
    """A new, empty database on `backend`: a SQLite file's path, or a PostgreSQL URL."""
    if backend == "sqlite":
        yield tmp_path / "passq.db"
        return
    server = request.getfixturevalue("pg_server")
    if isinstance(server, str):
        no_server(server)
    url = server.fresh_database()
    yield url
    server.drop(url)


@pytest.fixture
def make_database(backend: str, tmp_path: Path, request):
    """Makes more new, empty databases on the test's backend: `make_database("scratch")`."""
    made: list[str] = []

    def make(name: str) -> Path | str:
        if backend == "sqlite":
            return tmp_path / f"{name}.db"
        server = request.getfixturevalue("pg_server")
        if isinstance(server, str):
            no_server(server)
        made.append(server.fresh_database())
        return made[-1]

    yield make
    for url in made:
        request.getfixturevalue("pg_server").drop(url)


def store_class(db: Path | str) -> type:
    """The store class of `db`'s backend (for tests that wrap one of its methods)."""
    if is_postgres(db):
        from passq.store.postgres import PostgresStore

        return PostgresStore
    from passq.store.sqlite import SqliteStore

    return SqliteStore


def is_postgres(db: Path | str) -> bool:
    return isinstance(db, str) and db.startswith("postgresql://")


def query(db: Path | str, sql: str, params: tuple = ()) -> list[tuple]:
    """Rows of `sql` (SQLite's `?` placeholders) on either backend; dates come back as text."""
    if not is_postgres(db):
        with closing(sqlite3.connect(db)) as conn:
            return conn.execute(sql, params).fetchall()
    import psycopg2

    with closing(psycopg2.connect(str(db))) as conn, conn.cursor() as cursor:
        cursor.execute(sql.replace("%", "%%").replace("?", "%s"), params)
        rows = cursor.fetchall() if cursor.description else []
        conn.commit()
    return [tuple(v.isoformat() if isinstance(v, date) else v for v in row) for row in rows]


class Passq:
    """Runs passq commands against one temporary database and inspects it afterwards."""

    def __init__(self, db: Path | str) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(
        self, *args: str, now: str = NOW, operator: str = "ani", input: str | None = None
    ) -> Result:
        base = ["--db", str(self.db), "--now", now, "--operator", operator]
        env = {
            "PASSQ_DB": None,
            "PASSQ_NOW": None,
            "PASSQ_OPERATOR": None,
            "PASSQ_LANG": None,
            "PASSQ_OFFICE": None,
        }
        result = self.runner.invoke(app, [*base, *args], input=input, env=env)
        refused = isinstance(result.exception, SystemExit) and result.exit_code in (1, 2)
        if refused and not result.stdout and "--lang" not in args:
            # A refused command wrote nothing: say it again in Indonesian, where no English
            # sentence of the catalogue may reach the user (issue 14).
            again = self.runner.invoke(app, ["--lang", "id", *base, *args], input=input, env=env)
            assert again.exit_code == result.exit_code, (args, again.output)
            assert not english_sentences(again.stderr), (args, again.stderr)
            assert "Traceback" not in again.output, (args, again.output)
        return result

    def ok(self, *args: str, **kwargs) -> Result:
        """Run and require exit 0."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, **kwargs):
        """Run with --json and parse standard output."""
        return json.loads(self.ok(*args, "--json", **kwargs).stdout)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Query the database directly (SQL both backends read, `?` placeholders)."""
        return query(self.db, sql, params)

    def dump(self) -> list[tuple]:
        """Every row of every passq table: to prove a refused command wrote nothing."""
        tables = ("applications", "batches", "events", "calendar", "settings")
        return [(t, *row) for t in tables for row in self.rows(f"SELECT * FROM {t} ORDER BY 1")]

    def created(self) -> bool:
        """Whether passq created its database (the SQLite file, or the schema on the server)."""
        if not is_postgres(self.db):
            return Path(self.db).exists()
        return self.rows("SELECT to_regclass('passq_schema') IS NOT NULL") == [(True,)]

    @property
    def backend(self) -> str:
        return "postgresql" if is_postgres(self.db) else "sqlite"


@pytest.fixture(autouse=True)
def _in_a_folder_of_its_own(tmp_path, monkeypatch):
    """Every test runs in its own temporary folder: what a command writes in the current folder
    (the demo's page or a backup named after a server's database) never lands in the clone."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _follow_the_environment_again():
    """No language left set by one test (`--lang`, `set_language`) for the next."""
    yield
    i18n.set_language(None)


@pytest.fixture
def passq(database: Path | str) -> Passq:
    return Passq(database)


@pytest.fixture
def add_books(passq: Passq) -> Callable[..., None]:
    """Add books given as (app_no, extra args...) tuples."""

    def add(*books: tuple[str, ...], now: str = NOW) -> None:
        for app_no, *extra in books:
            passq.ok("add", app_no, "--name", f"Pemohon {app_no}", *extra, now=now)

    return add
