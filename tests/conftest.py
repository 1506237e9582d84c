"""Shared fixtures: a CLI runner on a temporary database at a fixed moment."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from passq import i18n
from passq.cli import app

NOW = "2024-06-27T08:00"


class Passq:
    """Runs passq commands against one temporary database and inspects it afterwards."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.runner = CliRunner()

    def __call__(
        self, *args: str, now: str = NOW, operator: str = "ani", input: str | None = None
    ) -> Result:
        return self.runner.invoke(
            app,
            ["--db", str(self.db), "--now", now, "--operator", operator, *args],
            input=input,
            env={"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None},
        )

    def ok(self, *args: str, **kwargs) -> Result:
        """Run and require exit 0."""
        result = self(*args, **kwargs)
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
        return result

    def json(self, *args: str, **kwargs):
        """Run with --json and parse standard output."""
        return json.loads(self.ok(*args, "--json", **kwargs).stdout)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Query the database directly."""
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, params).fetchall()

    def dump(self) -> list[tuple]:
        """Every row of every passq table: to prove a refused command wrote nothing."""
        tables = ("applications", "batches", "events", "calendar", "settings")
        return [(t, *row) for t in tables for row in self.rows(f"SELECT * FROM {t} ORDER BY 1")]


@pytest.fixture(autouse=True)
def _follow_the_environment_again():
    """No language left set by one test (`--lang`, `set_language`) for the next."""
    yield
    i18n.set_language(None)


@pytest.fixture
def passq(tmp_path: Path) -> Passq:
    return Passq(tmp_path / "passq.db")


@pytest.fixture
def add_books(passq: Passq) -> Callable[..., None]:
    """Add books given as (app_no, extra args...) tuples."""

    def add(*books: tuple[str, ...], now: str = NOW) -> None:
        for app_no, *extra in books:
            passq.ok("add", app_no, "--name", f"Pemohon {app_no}", *extra, now=now)

    return add
