"""Offices on one server: adding them, tying logins to them, and the directorate's view."""

from __future__ import annotations

import copy
from typing import Any

from passq.domain import offices as rules
from passq.errors import Invalid
from passq.i18n import _
from passq.services.session import Session
from passq.store import is_url


def _server(s: Session) -> Any:
    """The server's connection; Invalid on a database file (it holds one office)."""
    if not is_url(s.db_path):
        raise Invalid(
            _(
                "A database file holds one office: offices live on a database server, give "
                "--db a postgresql:// URL."
            )
        )
    return s.store


def add_office(s: Session, code: str, name: str) -> bool:
    """Record the office `code` named `name`; False when it exists already (unchanged)."""
    from passq.store import postgres_offices

    code = rules.valid_code(code)
    store = _server(s)
    with store.transaction():
        postgres_offices.require_admin(store.conn)
        return postgres_offices.add_office(store.conn, code, name)


def grant(s: Session, login: str, code: str | None) -> None:
    """Tie `login` to office `code` (None: read every office, write none)."""
    from passq.store import postgres_offices

    office = postgres_offices.EVERY_OFFICE if code is None else rules.valid_code(code)
    store = _server(s)
    with store.transaction():
        postgres_offices.require_admin(store.conn)
        postgres_offices.grant(store.conn, login, office)


def offices(s: Session) -> list[tuple[str, str]]:
    """The offices whose rows this login reads, (code, name) by code."""
    from passq.store import postgres_offices

    return postgres_offices.offices(_server(s).conn)


def every_office(s: Session) -> list[rules.OfficeFigures]:
    """Today's figures of every office this login may read, most flights at risk first."""
    from passq.services.supervisor import report_day

    rows = []
    for code, name in offices(s):
        office = Session(s.db_path, s.now_text, s.operator, s.busy_timeout, office=code)
        store: Any = copy.copy(s.store)  # the same connection, another office's rows
        store.office = code
        office._store = store
        report, _at_end = report_day(office, office.today)
        rows.append(
            rules.OfficeFigures(
                office=code,
                name=office.settings["office"] or name,
                pending=report.pending_end,
                travel_within_7_days=report.travel_within_7_days,
                will_miss_flight=report.will_miss_flight,
                flight_passed=report.flight_passed,
                extra_per_day=report.extra_per_day,
                extra_days=report.extra_days,
                clears_on=report.clears_on,
                no_print_day_ahead=report.no_print_day_ahead,
            )
        )
    return rules.by_risk(rows)
