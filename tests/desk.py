"""Write a store the way the services do, for tests that set up or check the store directly."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from passq.services import counter, printing
from passq.services.session import Session
from passq.store.sqlite import SqliteStore


def session(store: SqliteStore, at: str, operator: str) -> Session:
    """A Session on an open store at the moment `at` (ISO 8601)."""
    s = Session(getattr(store, "url", None) or Path(store.path), at, operator)
    s._store = store
    return s


def add(store: SqliteStore, record: Mapping, at: str, operator: str) -> None:
    """Register one checked record as `passq add` does."""
    counter.register(session(store, at, operator), dict(record))


def add_many(store: SqliteStore, records: Iterable[Mapping], at: str, operator: str) -> int:
    """Insert many checked records in one command (demo, import)."""
    with store.command(at, operator) as log:
        return store.insert_many(log, records)


def transition(
    store: SqliteStore,
    app_nos: Sequence[str],
    action: str,
    at: str,
    operator: str,
    reason: str | None = None,
) -> list[dict]:
    """Apply a life-cycle action to books, all or nothing."""
    return printing.mark(session(store, at, operator), app_nos, action, reason)


def claim(
    store: SqliteStore, choose: Callable[[Sequence], list[str]], at: str, operator: str
) -> tuple[int | None, list[dict]]:
    """Claim the books `choose` picks from the queue, as next-batch does with the rule's."""
    with store.command(at, operator) as log:
        chosen = choose(store.queue())
        if not chosen:
            return None, []
        records = store.existing(chosen)
        batch_id = store.new_batch(operator, at, chosen)
        for app_no in chosen:
            log("claimed", app_no, batch_id, {"from": "pending"}, "claimed")
    return batch_id, [records[app_no] for app_no in chosen]
