"""Offices on one server: adding them, tying logins to them, and the directorate's view."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from typing import Any

from passq.domain import offices as rules
from passq.domain.calendar import PrintCalendar, official_holidays
from passq.domain.settings import typed_settings
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
    """Today's figures of every office this login may read, most flights at risk first: the
    figures of each office's own `report` (DESIGN §5's plan from now), from a few grouped
    queries and one pending read an office, planning the figures only."""
    from passq.domain.queue import without_cyclic_gc
    from passq.store import postgres_offices as server

    listed = offices(s)
    codes = [code for code, _name in listed]
    conn = _server(s).conn
    stored = server.offices_settings(conn, codes)
    overrides, cached = server.offices_calendars(conn, codes)
    sessions = {
        code: _office_session(s, code, stored[code], overrides[code], cached[code])
        for code in codes
    }
    counts = server.offices_today(conn, {code: o.today for code, o in sessions.items()})
    rows = []
    with without_cyclic_gc():
        for code, name in listed:
            office = sessions[code]
            used, claimed_soon = counts[code]
            pending = office.store.queue()
            rows.append(
                rules.office_figures(
                    code,
                    office.settings["office"] or name,
                    pending,
                    claimed_soon,
                    office.figures(pending, office.today, used),
                    office.today,
                )
            )
    return rules.by_risk(rows)


def _office_session(
    s: Session,
    code: str,
    stored: dict[str, str],
    overrides: dict[date, tuple[int, str]],
    cached: dict[int, dict[date, str]],
) -> Session:
    """A session on office `code` over `s`'s connection, its settings and calendar given
    (holidays from the office's cache, else computed as its own loader would)."""
    office = Session(s.db_path, s.now_text, s.operator, s.busy_timeout, office=code)
    store: Any = copy.copy(s.store)  # the same connection, another office's rows
    store.office = code
    office._store = store
    office._settings = typed_settings(stored)

    def holidays(year: int) -> dict[date, str]:
        return dict(cached[year]) if year in cached else _official(year)

    office._calendar = PrintCalendar(office.settings["capacity"], overrides, holidays)
    return office


@cache
def _official(year: int) -> dict[date, str]:
    return official_holidays(year)
