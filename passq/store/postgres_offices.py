"""Several offices on one PostgreSQL server: the offices, the logins tied to them, and the
check each command makes on opening (the office exists, the login may work on it).

The engine keeps the offices apart (row-level security, postgres_schema.m002_offices): a login
named in office_logins reads and writes only its offices' rows, whatever client it uses. The
administrator is the login that owns passq's tables (or a superuser): it sees every office,
adds offices and grants logins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from passq.domain.offices import DEFAULT_OFFICE
from passq.errors import Refused
from passq.i18n import _
from passq.store.postgres_driver import psycopg2
from passq.store.postgres_schema import OFFICE_TABLES, migrate

EVERY_OFFICE = "*"
# Every table a login reads (passq_schema: the version check on opening).
_READ_TABLES = (*OFFICE_TABLES, "passq_schema", "offices", "office_logins")
_IS_ADMIN = (
    "SELECT rolsuper OR pg_has_role(current_user, (SELECT tableowner FROM pg_tables WHERE "
    "schemaname = current_schema() AND tablename = 'applications'), 'USAGE') FROM pg_roles "
    "WHERE rolname = current_user"
)


def rollback(conn: Any) -> None:
    """Roll back if the connection still stands (a lost one rolled back on the server)."""
    if not conn.closed:
        try:
            with conn.cursor() as cursor:
                cursor.execute("ROLLBACK")
        except psycopg2.Error:
            pass


def open_office(conn: Any, where: str, office: str | None) -> str:
    """Migrate, then the office to work on: `office`, or (None) the login's only office, else
    the default one; Refused unless it is on the server and this login may use it."""
    migrate(conn, where, rollback)
    with conn.cursor() as cursor:
        if office is None:
            cursor.execute(
                "SELECT min(office) FROM office_logins WHERE login = current_user "
                "HAVING count(*) = 1 AND min(office) != %s",
                (EVERY_OFFICE,),
            )
            row = cursor.fetchone()
            office = row[0] if row else DEFAULT_OFFICE
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM offices WHERE code = %s), ({_IS_ADMIN}), "
            "EXISTS (SELECT 1 FROM office_logins WHERE login = current_user "
            "AND office IN (%s, %s)), current_user",
            (office, office, EVERY_OFFICE),
        )
        known, admin, granted, login = cursor.fetchone()
    if not known:
        raise UnknownOffice(office)
    if not (admin or granted):
        raise Refused(
            _(
                "The login {login} may not work on office {office}: ask the administrator to "
                "run 'passq office grant {login} {office}'."
            ).format(login=login, office=office)
        )
    return office


class UnknownOffice(Refused):
    def __init__(self, office: str) -> None:
        super().__init__(
            _(
                "There is no office {office} on this server: check --office, or add it with "
                "'passq office add {office} --name NAME'."
            ).format(office=office)
        )


def require_admin(conn: Any) -> None:
    """Refused unless the login is the administrator (owner of passq's tables)."""
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT ({_IS_ADMIN}), current_user")
        admin, login = cursor.fetchone()
    if not admin:
        raise Refused(
            _(
                "Only the administrator login (the owner of passq's tables) may add offices or "
                "grant logins, and {login} is not it: connect as the administrator."
            ).format(login=login)
        )


def add_office(conn: Any, code: str, name: str) -> bool:
    """Record the office; False when it already exists (nothing changes). Its settings stay
    empty (the defaults): `db copy` and `restore` take an office that holds no row."""
    with conn.cursor() as cursor:
        cursor.execute(
            "INSERT INTO offices (code, name) VALUES (%s, %s) ON CONFLICT DO NOTHING", (code, name)
        )
        if not cursor.rowcount:
            return False
    return True


def grant(conn: Any, login: str, office: str) -> None:
    """Tie `login` to `office` (EVERY_OFFICE: reads every office, writes none) and give it
    the table privileges that needs; Refused when the login or the office does not exist."""
    from psycopg2 import sql  # an administrator's command: not on every command's start

    with conn.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s)", (login,))
        if not cursor.fetchone()[0]:
            raise Refused(
                _(
                    "There is no login {login} on this server: create it first (CREATE ROLE "
                    "{login} LOGIN PASSWORD '…'), then grant it."
                ).format(login=login)
            )
        if office != EVERY_OFFICE:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM offices WHERE code = %s)", (office,))
            if not cursor.fetchone()[0]:
                raise UnknownOffice(office)
        cursor.execute(
            "INSERT INTO office_logins (login, office) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (login, office),
        )
        who = sql.Identifier(login)
        tables = sql.SQL(", ").join(sql.Identifier(t) for t in _READ_TABLES)
        cursor.execute(sql.SQL("GRANT SELECT ON {} TO {}").format(tables, who))
        if office == EVERY_OFFICE:
            return
        written = sql.SQL(", ").join(sql.Identifier(t) for t in OFFICE_TABLES)
        cursor.execute(sql.SQL("GRANT INSERT, UPDATE, DELETE ON {} TO {}").format(written, who))
        for table in ("batches", "events"):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", (table,))
            sequence = cursor.fetchone()[0]
            cursor.execute(
                sql.SQL("GRANT USAGE, UPDATE ON SEQUENCE {} TO {}").format(sql.SQL(sequence), who)
            )


def offices(conn: Any) -> list[tuple[str, str]]:
    """The offices whose rows this login reads (the administrator: all), (code, name) by code."""
    with conn.cursor() as cursor:
        cursor.execute(
            f"SELECT code, name FROM offices o WHERE ({_IS_ADMIN}) OR EXISTS (SELECT 1 FROM "
            "office_logins l WHERE l.login = current_user AND l.office IN (o.code, %s)) "
            "ORDER BY code",
            (EVERY_OFFICE,),
        )
        return cursor.fetchall()


# --- The directorate's view: every office's plan inputs in a few grouped queries -------------


def offices_settings(conn: Any, codes: Sequence[str]) -> dict[str, dict[str, str]]:
    """The stored settings of each of these offices (keys set; the defaults are the domain's)."""
    found: dict[str, dict[str, str]] = {code: {} for code in codes}
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT office, key, value FROM settings WHERE office = ANY(%s)", (list(codes),)
        )
        for office, key, value in cursor.fetchall():
            found[office][key] = value
    return found


def offices_calendars(
    conn: Any, codes: Sequence[str]
) -> tuple[dict[str, dict[date, tuple[int, str]]], dict[str, dict[int, dict[date, str]]]]:
    """Each office's calendar overrides (date -> (capacity, note)) and the holidays it has
    cached, by year (a year absent is not cached: compute it, as the office's own loader)."""
    codes = list(codes)
    overrides: dict[str, dict[date, tuple[int, str]]] = {code: {} for code in codes}
    holidays: dict[str, dict[int, dict[date, str]]] = {code: {} for code in codes}
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT office, date, capacity, note FROM calendar WHERE office = ANY(%s)", (codes,)
        )
        for office, day, capacity, note in cursor.fetchall():
            overrides[office][day] = (capacity, note or "")
        cursor.execute(
            "SELECT y.office, y.year, h.date, h.name FROM holiday_years y LEFT JOIN holidays h "
            "ON h.office = y.office AND h.year = y.year WHERE y.office = ANY(%s)",
            (codes,),
        )
        for office, year, day, name in cursor.fetchall():
            cached = holidays[office].setdefault(year, {})
            if day is not None:
                cached[day] = name
    return overrides, holidays


def offices_today(conn: Any, days: Mapping[str, date]) -> dict[str, tuple[int, int]]:
    """For each office and its today: (the capacity used today, as PostgresStore.used_today
    counts it; the books claimed travelling within 7 days), in one query."""
    codes = list(days)
    starts = [days[code].isoformat() for code in codes]
    ends = [(days[code] + timedelta(days=1)).isoformat() for code in codes]
    weeks = [days[code] + timedelta(days=7) for code in codes]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT o.code, (SELECT count(*) FROM applications WHERE office = o.code "
            "AND status = 'claimed') + (SELECT count(*) FROM applications WHERE office = o.code "
            "AND printed_at >= o.start AND printed_at < o.stop "
            "AND status IN ('printed', 'collected')) + (SELECT count(*) FROM events e "
            "WHERE e.office = o.code AND e.at >= o.start AND e.at < o.stop "
            "AND e.action = 'failed' AND NOT EXISTS (SELECT 1 FROM events u "
            "WHERE u.office = e.office AND u.action = 'undo' AND u.at >= o.start "
            "AND u.at < o.stop AND (u.detail::jsonb ->> 'undid')::bigint = e.command_id)), "
            "(SELECT count(*) FROM applications WHERE office = o.code AND status = 'claimed' "
            "AND travel >= o.today AND travel <= o.week) "
            "FROM unnest(%s::text[], %s::text[], %s::text[], %s::date[], %s::date[]) "
            "AS o(code, start, stop, today, week)",
            (codes, starts, ends, list(days.values()), weeks),
        )
        return {code: (used, soon) for code, used, soon in cursor.fetchall()}
