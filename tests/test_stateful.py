"""Random sequences of commands (hypothesis, stateful): no book lost or doubled, statuses
always match the event log, and the counts add up."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)
from typer.testing import CliRunner

from passq.cli import app
from passq.domain.lifecycle import TRANSITIONS
from tests.conftest import no_server, query

OPERATORS = ("ani", "budi")
NUMBERS = st.sampled_from([f"B{n}" for n in range(12)])


class OfficeDay(RuleBasedStateMachine):
    """A model office: what each book's status should be, and which commands can be undone."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.db = Path(self.folder.name) / "passq.db"
        self.runner = CliRunner()
        self.status: dict[str, str] = {}
        # Per successful command: (operator, {app_no: status before, None if it was added}).
        self.commands: list[tuple[str, dict[str, str | None]]] = []

    def teardown(self) -> None:
        self.folder.cleanup()

    def run(self, operator: str, *args: str):
        result = self.runner.invoke(
            app, ["--db", str(self.db), "--now", "2024-06-27T08:00", "--operator", operator, *args]
        )
        assert result.exit_code in (0, 1, 2), (args, result.exception)
        if result.exit_code:
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        return result

    def changed(self, operator: str, before: dict[str, str | None]) -> None:
        self.commands.append((operator, before))

    @rule(app_no=NUMBERS, operator=st.sampled_from(OPERATORS), travel=st.integers(0, 9))
    def add(self, app_no: str, operator: str, travel: int) -> None:
        result = self.run(operator, "add", app_no, "--name", "Pemohon", "--travel", f"+{travel}")
        assert (result.exit_code == 0) == (app_no not in self.status)
        if result.exit_code == 0:
            self.status[app_no] = "pending"
            self.changed(operator, {app_no: None})

    @rule(operator=st.sampled_from(OPERATORS), size=st.integers(1, 4))
    def next_batch(self, operator: str, size: int) -> None:
        result = self.run(operator, "next-batch", "--size", str(size), "--json")
        assert result.exit_code == 0
        books = [book["app_no"] for book in json.loads(result.stdout)["books"]]
        pending = [n for n, s in self.status.items() if s == "pending"]
        assert len(books) == min(size, len(pending)) and set(books) <= set(pending)
        if books:
            self.changed(operator, {n: "pending" for n in books})
            self.status.update({n: "claimed" for n in books})

    @rule(
        action=st.sampled_from(["printed", "failed", "released", "collected", "cancelled"]),
        numbers=st.lists(NUMBERS, min_size=1, max_size=3, unique=True),
        operator=st.sampled_from(OPERATORS),
    )
    def transition(self, action: str, numbers: list[str], operator: str) -> None:
        command = {"released": "release", "cancelled": "cancel"}.get(action, action)
        reason = ["--reason", "test"] if action in ("failed", "cancelled") else []
        # The model does not follow whose batch a book is in (tests/test_cli_desks.py does).
        force = ["--force"] if action in ("failed", "released") else []
        result = self.run(operator, command, *numbers, *reason, *force)
        allowed = all(
            n in self.status and self.status[n] in TRANSITIONS[action][0] for n in numbers
        )
        assert (result.exit_code == 0) == allowed, (action, numbers, result.stderr)
        if allowed:
            self.changed(operator, {n: self.status[n] for n in numbers})
            after = TRANSITIONS[action][1]
            self.status.update({n: after for n in numbers})

    @rule(operator=st.sampled_from(OPERATORS))
    def undo(self, operator: str) -> None:
        result = self.run(operator, "undo")
        mine = [i for i, (who, _before) in enumerate(self.commands) if who == operator]
        if not mine:
            assert result.exit_code == 1
            return
        index = mine[-1]
        _who, before = self.commands[index]
        later = {n for _w, touched in self.commands[index + 1 :] for n in touched}
        assert (result.exit_code == 0) == (not later & set(before)), result.stderr
        if result.exit_code == 0:
            del self.commands[index]
            for app_no, status in before.items():
                if status is None:
                    del self.status[app_no]
                else:
                    self.status[app_no] = status

    def created(self) -> bool:
        return self.db.exists()

    @invariant()
    def database_matches_the_model_and_its_events(self) -> None:
        if not self.created():
            return
        rows = dict(query(self.db, "SELECT app_no, status FROM applications"))
        last_event_status = dict(
            query(
                self.db,
                "SELECT app_no, status FROM events WHERE id IN (SELECT max(id) FROM events "
                "WHERE status IS NOT NULL GROUP BY app_no)",
            )
        )
        by_status = dict(query(self.db, "SELECT status, count(*) FROM applications GROUP BY 1"))
        assert rows == self.status  # nothing lost, nothing doubled, every status as expected
        assert {n: last_event_status[n] for n in rows} == rows
        assert sum(by_status.values()) == len(self.status)


OfficeDay.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None)
test_office_day = OfficeDay.TestCase


class OfficeDayOnPostgres(OfficeDay):
    """The same office on a fresh PostgreSQL database per example."""

    server = None

    def __init__(self) -> None:
        super().__init__()
        self.db = self.server.fresh_database()

    def created(self) -> bool:
        return query(self.db, "SELECT to_regclass('passq_schema') IS NOT NULL") == [(True,)]

    def teardown(self) -> None:
        self.server.drop(self.db)
        super().teardown()


def test_office_day_on_postgresql(pg_server) -> None:
    if isinstance(pg_server, str):
        no_server(pg_server)
    OfficeDayOnPostgres.server = pg_server
    run_state_machine_as_test(
        OfficeDayOnPostgres,
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None),
    )
