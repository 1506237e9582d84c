"""Several offices on one server (issue 13): --office, `office add` and `office grant`, the
engine keeping each office's rows to its logins (row-level security, tried with passq and with
raw SQL), and the directorate's `report --all-offices`."""

from __future__ import annotations

import uuid
from contextlib import closing, suppress
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import pytest

from tests.conftest import Passq, query


def as_login(url: str, login: str) -> str:
    """`url` connecting as `login` (the throwaway server trusts its socket)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{login}@{host}"))


@pytest.fixture
def logins(pg_server, database):
    """Makes login roles with unique names on the test server; drops them afterwards (their
    privileges in the test's database first)."""
    made: list[str] = []

    def make(stem: str) -> str:
        name = f"{stem}_{uuid.uuid4().hex[:8]}"
        with closing(pg_server.admin()) as conn, conn.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {name} LOGIN")
        made.append(name)
        return name

    yield make
    with closing(psycopg2.connect(str(database))) as conn, conn.cursor() as cursor:
        conn.autocommit = True
        for name in made:
            cursor.execute(f"DROP OWNED BY {name}")
    with closing(pg_server.admin()) as conn, conn.cursor() as cursor:
        for name in made:
            with suppress(psycopg2.Error):  # a desk of the test still connected
                cursor.execute(f"DROP ROLE IF EXISTS {name}")


def book(passq: Passq, app_no: str, name: str, office: str, travel: str = "01/07/2024"):
    passq.ok("--office", office, "add", app_no, "--name", name, "--phone", "081234567890",
             "--travel", travel)  # fmt: skip


# --- A database file holds one office -------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_file_refuses_another_office_and_takes_the_default(passq: Passq) -> None:
    passq.ok("add", "A-1", "--name", "Budi Santoso")
    refused = passq("--office", "cilacap", "list")
    assert refused.exit_code == 2
    assert refused.stderr == (
        "A database file holds one office: --office cilacap needs a postgresql:// server in "
        "--db; leave --office out.\n"
    )
    assert "A-1" in passq.ok("--office", "main", "list").stdout
    added = passq("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap")
    assert added.exit_code == 2
    assert added.stderr == (
        "A database file holds one office: offices live on a database server, give --db a "
        "postgresql:// URL.\n"
    )


@pytest.mark.sqlite_only
def test_a_malformed_office_code_is_refused(passq: Passq) -> None:
    result = passq("--office", "no such", "list")
    assert result.exit_code == 2
    assert result.stderr == (
        "Invalid office code 'no such': use 1 to 32 letters, digits, - or _ (for example "
        "cilacap).\n"
    )


# --- Offices on a server ---------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_each_office_has_its_own_queue_settings_and_calendar(passq: Passq) -> None:
    assert passq.ok("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap").stdout == (
        "Added office cilacap (Kantor Imigrasi Cilacap).\n"
    )
    again = passq("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap")
    assert again.exit_code == 1
    assert again.stderr == "The office cilacap exists already: nothing changed.\n"
    book(passq, "M-1", "Budi Santoso", "main")
    book(passq, "C-1", "Siti Aminah", "cilacap")
    passq.ok("--office", "cilacap", "config", "set", "capacity", "7")
    passq.ok("--office", "cilacap", "calendar", "off", "01/07/2024", "--reason", "Banjir")
    main = passq.json("list")
    cilacap = passq.json("--office", "cilacap", "list")
    assert [r["app_no"] for r in main] == ["M-1"]
    assert [r["app_no"] for r in cilacap] == ["C-1"]
    assert passq.json("config", "show")["capacity"] != 7
    assert passq.json("--office", "cilacap", "config", "show")["capacity"] == 7
    assert passq.rows("SELECT office, date FROM calendar") == [("cilacap", "2024-07-01")]
    # Batch numbers come from one sequence: each office's batch is its own.
    first = passq.json("--office", "cilacap", "next-batch", "--size", "5")
    second = passq.json("next-batch", "--size", "5")
    assert first["batch_id"] != second["batch_id"]
    assert passq("--office", "cilacap", "show", "M-1").exit_code == 1


@pytest.mark.postgresql_only
def test_an_unknown_office_is_refused(passq: Passq) -> None:
    result = passq("--office", "banyumas", "list")
    assert result.exit_code == 1
    assert result.stderr == (
        "There is no office banyumas on this server: check --office, or add it with "
        "'passq office add banyumas --name NAME'.\n"
    )


# --- Privacy by the engine -------------------------------------------------------------------


@pytest.fixture
def two_offices(passq: Passq, logins):
    """Offices cilacap and banyumas with a book each, a login for each, and a directorate
    login reading both."""
    passq.ok("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap")
    passq.ok("office", "add", "banyumas", "--name", "Kantor Imigrasi Banyumas")
    a, b, d = logins("cilacap"), logins("banyumas"), logins("ditjen")
    assert passq.ok("office", "grant", a, "cilacap").stdout == (
        f"{a} now works on office cilacap and sees no other.\n"
    )
    passq.ok("office", "grant", b, "banyumas")
    assert passq.ok("office", "grant", d, "--all-offices").stdout == (
        f"{d} now reads every office and writes none.\n"
    )
    book(passq, "C-1", "Siti Aminah", "cilacap")
    book(passq, "B-1", "Agus Wibowo", "banyumas", travel="28/06/2024")
    book(passq, "B-2", "Dewi Lestari", "banyumas", travel="28/06/2024")
    return (
        Passq(as_login(str(passq.db), a)),
        Passq(as_login(str(passq.db), b)),
        Passq(as_login(str(passq.db), d)),
    )


@pytest.mark.postgresql_only
def test_an_office_login_works_on_its_office_only_through_passq(two_offices) -> None:
    cilacap, banyumas, _ = two_offices
    assert [r["app_no"] for r in cilacap.json("--office", "cilacap", "list")] == ["C-1"]
    cilacap.ok("--office", "cilacap", "add", "C-2", "--name", "Rina Kusuma")
    batch = cilacap.json("--office", "cilacap", "next-batch", "--size", "5")
    assert sorted(b["app_no"] for b in batch["books"]) == ["C-1", "C-2"]
    crossed = cilacap("--office", "banyumas", "list")
    assert crossed.exit_code == 1
    login = urlsplit(str(cilacap.db)).netloc.partition("@")[0]
    assert crossed.stderr == (
        f"The login {login} may not work on office banyumas: ask the administrator to run "
        f"'passq office grant {login} banyumas'.\n"
    )
    # Without --office it is the login's only office.
    assert sorted(r["app_no"] for r in cilacap.json("list", "--status", "claimed")) == [
        "C-1",
        "C-2",
    ]
    assert [r["app_no"] for r in banyumas.json("--office", "banyumas", "list")] == ["B-1", "B-2"]
    assert banyumas.rows("SELECT app_no FROM applications WHERE office = 'banyumas'") == [
        ("B-1",),
        ("B-2",),
    ]


@pytest.mark.postgresql_only
def test_raw_sql_cannot_cross_over(two_offices) -> None:
    cilacap, _, _ = two_offices
    url = str(cilacap.db)
    # Reading: another office's rows are not there.
    assert query(url, "SELECT app_no FROM applications ORDER BY 1") == [("C-1",)]
    assert query(url, "SELECT count(*) FROM events WHERE office = 'banyumas'") == [(0,)]
    assert query(url, "SELECT count(*) FROM settings WHERE office = 'banyumas'") == [(0,)]
    # Changing or deleting them touches nothing.
    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cursor:
        cursor.execute("UPDATE applications SET note = 'x', status = 'cancelled' WHERE TRUE")
        assert cursor.rowcount == 1  # its own book only
        cursor.execute("DELETE FROM applications WHERE office = 'banyumas'")
        assert cursor.rowcount == 0
        conn.rollback()
    # Writing a row into another office, or moving its own row there, is refused.
    for statement in (
        "INSERT INTO applications (app_no, name, service, applied, created_at, updated_at, "
        "office) VALUES ('X-1', 'Intruder', 'regular', '2024-06-01', 'x', 'x', 'banyumas')",
        "UPDATE applications SET office = 'banyumas' WHERE app_no = 'C-1'",
        "INSERT INTO office_logins (login, office) VALUES (current_user, 'banyumas')",
    ):
        with (
            closing(psycopg2.connect(url)) as conn,
            conn.cursor() as cursor,
            pytest.raises(psycopg2.errors.InsufficientPrivilege),
        ):
            cursor.execute(statement)
    assert len(query(url, "SELECT * FROM applications")) == 1


@pytest.mark.postgresql_only
def test_only_the_administrator_adds_offices_and_grants(two_offices) -> None:
    cilacap, _, directorate = two_offices
    login = urlsplit(str(cilacap.db)).netloc.partition("@")[0]
    result = cilacap("--office", "cilacap", "office", "grant", login, "banyumas")
    assert result.exit_code == 1
    assert result.stderr == (
        "Only the administrator login (the owner of passq's tables) may add offices or grant "
        f"logins, and {login} is not it: connect as the administrator.\n"
    )
    assert cilacap("--office", "cilacap", "office", "add", "x", "--name", "X").exit_code == 1
    # The directorate reads but never writes.
    refused = directorate("--office", "cilacap", "add", "D-1", "--name", "Rina Kusuma")
    assert refused.exit_code == 1
    with (
        closing(psycopg2.connect(str(directorate.db))) as conn,
        conn.cursor() as cursor,
        pytest.raises(psycopg2.errors.InsufficientPrivilege),
    ):
        cursor.execute("UPDATE applications SET note = 'x'")


@pytest.mark.postgresql_only
def test_a_grant_names_an_existing_login_and_office(passq: Passq, logins) -> None:
    missing = passq("office", "grant", "nobody_here", "main")
    assert missing.exit_code == 1
    assert missing.stderr == (
        "There is no login nobody_here on this server: create it first (CREATE ROLE "
        "nobody_here LOGIN PASSWORD '…'), then grant it.\n"
    )
    assert passq("office", "grant", logins("x"), "nowhere").exit_code == 1
    both = passq("office", "grant", logins("y"), "main", "--all-offices")
    assert both.exit_code == 2
    assert both.stderr == (
        "Give the office's code, or --all-offices for a login that reads every office.\n"
    )


# --- The directorate's view ------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_the_directorate_sees_every_office_in_counts_only(passq: Passq, two_offices) -> None:
    cilacap, _, directorate = two_offices
    # An office that never ran a command has no holidays cached: a reading login cannot
    # cache them, and reports all the same.
    passq.ok("office", "add", "kosong", "--name", "Kantor Kosong")
    result = directorate.ok("report", "--all-offices", "--json")
    figures = __import__("json").loads(result.stdout)
    assert [o["office"] for o in figures["offices"]] == ["banyumas", "cilacap", "kosong", "main"]
    banyumas = figures["offices"][0]
    assert banyumas["pending"] == 2 and banyumas["travel_within_7_days"] == 2
    assert banyumas["name"] == "Kantor Imigrasi Banyumas"
    assert figures["totals"]["pending"] == 3 and figures["totals"]["offices"] == 4
    text = directorate.ok("report", "--all-offices").stdout
    for private in ("Siti", "Agus", "Dewi", "0812"):
        assert private not in result.stdout and private not in text
    assert "Total: 4 offices, 3 pending" in text
    # An office login's view holds its own office only.
    own = cilacap.json("--office", "cilacap", "report", "--all-offices")
    assert [o["office"] for o in own["offices"]] == ["cilacap"]
    mixed = directorate("report", "--all-offices", "--names")
    assert mixed.exit_code == 2


@pytest.mark.postgresql_only
def test_passq_office_names_the_office_as_the_option_does(passq: Passq) -> None:
    from typer.testing import CliRunner

    from passq.cli import app

    passq.ok("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap")
    book(passq, "C-1", "Siti Aminah", "cilacap")
    env = {"PASSQ_DB": str(passq.db), "PASSQ_NOW": "2024-06-27T08:00", "PASSQ_OFFICE": "cilacap"}
    result = CliRunner().invoke(app, ["--operator", "ani", "list", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert [r["app_no"] for r in __import__("json").loads(result.stdout)] == ["C-1"]
    assert passq.json("list") == []


@pytest.mark.postgresql_only
def test_a_backup_restores_into_one_office_of_a_shared_server(passq: Passq, tmp_path) -> None:
    passq.ok("office", "add", "cilacap", "--name", "Kantor Imigrasi Cilacap")
    book(passq, "M-1", "Budi Santoso", "main")
    main_batch = passq.json("next-batch", "--size", "5")["batch_id"]
    alone = Passq(tmp_path / "cilacap.db")
    alone.ok("add", "C-1", "--name", "Siti Aminah", "--travel", "01/07/2024")
    alone.json("next-batch", "--size", "5")  # batch 1 there too
    alone.ok("backup", str(tmp_path / "cilacap.bak"))
    passq.ok("--office", "cilacap", "restore", str(tmp_path / "cilacap.bak"))
    claimed = passq.json("--office", "cilacap", "list", "--status", "claimed")
    assert [r["app_no"] for r in claimed] == ["C-1"]
    assert claimed[0]["batch_id"] != main_batch
    # The numbers continue the server's: the next batch of either office is a new number.
    book(passq, "M-2", "Rina Kusuma", "main")
    assert passq.json("next-batch", "--size", "5")["batch_id"] > claimed[0]["batch_id"]
    assert [r[0] for r in passq.rows("SELECT office FROM batches ORDER BY id")] == [
        "main",
        "cilacap",
        "main",
    ]
    # An office's history undoes as before: the restored claim releases.
    passq.ok("--office", "cilacap", "release", "--batch", str(claimed[0]["batch_id"]))


# Each office's own report, as the directorate's view must read it (its key: the report's).
OWN_REPORT_KEYS = {
    "pending": "pending_end",
    "travel_within_7_days": "travel_within_7_days",
    "will_miss_flight": "will_miss_flight",
    "flight_passed": "flight_passed",
    "extra_per_day": "extra_per_day",
    "extra_days": "extra_days",
    "clears_on": "clears_on",
    "no_print_day_ahead": "no_print_day_ahead",
}


def crowd(url: str, office: str, size: int, seed: int) -> None:
    """`size` made-up pending books in `office`, added at the start of the test's day."""
    from datetime import date

    from passq.domain import sample
    from passq.store.postgres import PostgresStore
    from tests import desk

    store = PostgresStore(url, office=office)
    records = list(sample.applications(size, date(2024, 6, 27), seed=seed))
    desk.add_many(store, records, "2024-06-27T07:00:00+07:00", "setup")
    store.close()


@pytest.mark.postgresql_only
@pytest.mark.parametrize("now", ["2024-06-27T08:00", "2024-06-27T23:30+07:00"])
def test_every_office_reads_as_each_office_s_own_report(passq: Passq, logins, now) -> None:
    # Offices with their own settings, calendars, claims, prints and misprints of the day
    # (23:30 in Jakarta is already the next day in Jayapura, in its own time zone).
    for code in ("cilacap", "banyumas", "jayapura", "kosong"):
        passq.ok("office", "add", code, "--name", f"Kantor Imigrasi {code.title()}")
    for code, size, seed in (("main", 300, 1), ("cilacap", 120, 2), ("banyumas", 60, 3),
                             ("jayapura", 90, 4)):  # fmt: skip
        crowd(str(passq.db), code, size, seed)
    settings = {
        "main": {"capacity": "6"},
        "cilacap": {"capacity": "9", "horizon_days": "3", "pickup_days": "2"},
        "banyumas": {"capacity": "0", "office": "Kanim Banyumas"},
        "jayapura": {"capacity": "3", "timezone": "Asia/Jayapura"},
    }
    for code, values in settings.items():
        for key, value in values.items():
            passq.ok("--office", code, "config", "set", key, value)
    passq.ok("--office", "cilacap", "calendar", "off", "28/06/2024")
    passq.ok("--office", "main", "calendar", "on", "29/06/2024", "--capacity", "25")
    passq.ok("--office", "jayapura", "calendar", "off", "01/07/2024")
    for code, size in (("main", 12), ("cilacap", 7), ("jayapura", 5)):
        batch = passq.json("--office", code, "next-batch", "--size", str(size))
        books = [b["app_no"] for b in batch["books"]]
        passq.ok("--office", code, "printed", *books[:3])
        passq.ok("--office", code, "failed", books[3], "--reason", "smudged")
    undone = passq.json("--office", "main", "next-batch", "--size", "2", operator="budi")
    passq.ok("--office", "main", "failed", undone["books"][0]["app_no"], "--reason", "jam",
             operator="budi")  # fmt: skip
    passq.ok("--office", "main", "undo", operator="budi")
    directorate = logins("ditjen")
    passq.ok("office", "grant", directorate, "--all-offices")

    every = Passq(as_login(str(passq.db), directorate)).json("report", "--all-offices", now=now)
    codes = ["banyumas", "cilacap", "jayapura", "kosong", "main"]
    assert sorted(o["office"] for o in every["offices"]) == codes
    seen = []
    for line in every["offices"]:
        own = passq.json("--office", line["office"], "report", now=now)
        assert {key: line[key] for key in OWN_REPORT_KEYS} == {
            key: own[mine] for key, mine in OWN_REPORT_KEYS.items()
        }, line["office"]
        seen.append(own)
    names = {line["office"]: line["name"] for line in every["offices"]}
    assert names["banyumas"] == "Kanim Banyumas" and names["kosong"] == "Kantor Imigrasi Kosong"
    # The offices differ where it matters: the test would catch one office's figures for another.
    assert len({o["will_miss_flight"] for o in every["offices"]}) >= 3
    assert any(o["no_print_day_ahead"] for o in every["offices"])
    assert any(o["extra_per_day"] for o in every["offices"])
    assert every["totals"]["pending"] == sum(o["pending_end"] for o in seen)
