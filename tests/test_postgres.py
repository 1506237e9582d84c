"""What only the PostgreSQL backend has: its URL, its schema, its faults, its backups, and the
same day giving the same answers as on SQLite."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from passq.store import display_name
from passq.store.postgres import PostgresStore
from passq.store.postgres_schema import MIGRATIONS, SCHEMA_VERSION
from passq.store.sqlite_schema import SCHEMA_VERSION as SQLITE_SCHEMA
from tests.conftest import Passq, query

NOW = "2024-06-27T08:00"


pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def url(database) -> str:
    return database


def test_a_blank_database_gets_the_versioned_schema_with_an_office_on_every_row(url) -> None:
    PostgresStore(url).close()
    assert query(url, "SELECT version, name FROM passq_schema ORDER BY version") == [
        (n, step.__name__) for n, step in enumerate(MIGRATIONS, 1)
    ]
    tables = query(
        url,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_name NOT IN ('passq_schema', 'offices', 'office_logins')",
    )
    without_office = query(
        url,
        "SELECT table_name FROM information_schema.tables t WHERE table_schema = 'public' "
        "AND table_name NOT IN ('passq_schema', 'offices') AND NOT EXISTS (SELECT 1 FROM "
        "information_schema.columns c WHERE c.table_name = t.table_name "
        "AND c.column_name = 'office')",
    )
    assert len(tables) == 7 and without_office == []
    PostgresStore(url).close()  # opening again applies nothing
    assert query(url, "SELECT count(*) FROM passq_schema") == [(SCHEMA_VERSION,)]


def test_rows_carry_the_office(passq) -> None:
    passq.ok("add", "A1", "--name", "Pemohon A1")
    assert passq.rows("SELECT office FROM applications UNION SELECT office FROM events") == [
        ("main",)
    ]


def test_a_newer_schema_and_another_programs_database_are_refused(url) -> None:
    passq = Passq(url)
    passq.ok("list")
    query(url, "INSERT INTO passq_schema (version, name) VALUES (?, 'm999_future')", (99,))
    result = passq("list")
    assert (result.exit_code, result.stderr) == (
        1,
        f"The database {display_name(url)} was made by a newer passq (schema 99, this one "
        f"knows {SCHEMA_VERSION}): upgrade passq.\n",
    )


def test_another_programs_database_is_refused(url) -> None:
    query(url, "CREATE TABLE customers (id integer)")
    result = Passq(url)("list")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{display_name(url)} is not a passq database: give another file with --db.\n",
    )


def test_an_unreachable_server_is_one_sentence_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://clerk:s3cret@/passq?host={tmp_path}&port=1&password=hunter2"
    result = Passq(url)("list")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Cannot reach the database postgresql://clerk@/passq?host={tmp_path}&port=1: check "
        "the server and the network, then try again (nothing was written).\n"
    )
    assert "s3cret" not in result.output and "hunter2" not in result.output


def test_a_connection_killed_in_the_middle_of_a_claim_rolls_it_back(passq, monkeypatch) -> None:
    for n in range(1, 4):
        passq.ok("add", f"A{n}", "--name", f"Pemohon A{n}")
    before = passq.dump()
    real = PostgresStore.new_batch

    def killed(self, operator, at, app_nos):
        batch_id = real(self, operator, at, app_nos)
        query(passq.db, "SELECT pg_terminate_backend(?)", (self.conn.get_backend_pid(),))
        return batch_id

    monkeypatch.setattr(PostgresStore, "new_batch", killed)
    result = passq("next-batch", "--size", "2")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Cannot reach the database {display_name(passq.db)}: check the server and the network, "
        "then try again (nothing was written).\n"
    )
    assert passq.dump() == before
    monkeypatch.undo()
    assert [b["app_no"] for b in passq.json("next-batch", "--size", "2")["books"]] == ["A1", "A2"]


def test_backup_writes_the_portable_sqlite_file_and_restore_reads_it_back(
    passq, tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for n in range(1, 4):
        passq.ok("add", f"A{n}", "--name", f"Pemohon A{n}", "--travel", "05/07/2024")
    passq.ok("next-batch", "--size", "2", operator="budi")
    passq.ok("calendar", "on", "2024-06-29", "--capacity", "50")
    saved = passq.dump()
    target = tmp_path / "office.db"
    result = passq.ok("backup", str(target))
    assert result.stdout.startswith(f"Backed up 3 applications to {target}")
    # The file is what SQLite's passq reads: the same books, batches and events.
    on_file = Passq(target)
    assert on_file.json("list", "--status", "all") == passq.json("list", "--status", "all")
    assert on_file.rows("SELECT id, action, app_no, command_id FROM events ORDER BY id") == (
        passq.rows("SELECT id, action, app_no, command_id FROM events ORDER BY id")
    )
    passq.ok("printed", "--batch", "1", operator="budi", now="2024-06-27T10:00")
    passq.ok("add", "A4", "--name", "Pemohon A4", now="2024-06-27T10:00")
    replaced = passq.dump()
    result = passq.ok("restore", str(target), now="2024-06-27T19:00")
    aside = Path(f"{Path(passq.db.split('?')[0]).name}.db.replaced-20240627-1900")
    assert result.stdout == (
        f"Restored {target} (schema {SQLITE_SCHEMA}, 3 applications) into "
        f"{display_name(passq.db)}; the "
        f"replaced database is kept as {aside}.\n"
    )
    assert passq.dump() == saved
    assert (tmp_path / aside).exists()
    # New rows after a restore get new ids, past the restored ones.
    last_event = passq.rows("SELECT max(id) FROM events")[0][0]
    passq.ok("add", "A5", "--name", "Pemohon A5", now="2024-06-27T19:10")
    assert passq.rows("SELECT max(id) FROM events") == [(last_event + 1,)]
    passq.ok("undo", now="2024-06-27T19:11")
    replaced = [row for row in replaced]
    passq.ok("restore", str(tmp_path / aside), now="2024-06-27T19:20")
    assert passq.dump() == replaced
    assert passq.ok("doctor").stdout.endswith("No problem found.\n")


def test_the_sqlite_path_never_imports_psycopg2(tmp_path: Path) -> None:
    import subprocess

    code = (
        "import sys; from passq.cli import main; sys.argv = ['passq', '--db', sys.argv[1], "
        "'--now', '2024-06-27', 'list']; "
        "import atexit; atexit.register(lambda: print('psycopg2' in sys.modules, file=sys.stderr))"
        "; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "p.db")], capture_output=True, text=True
    )
    assert done.stderr.strip().splitlines()[-1] == "False"


def same_day(passq: Passq) -> list:
    """The overtime day of test_cli, every --json answer in order."""
    outputs = []
    for n in range(1, 11):
        passq.ok("add", f"P{n:02d}", "--name", f"Pemohon P{n:02d}", now="2024-06-26T09:00")
    passq.ok(
        "add",
        "T01",
        "--name",
        "Pemohon T01",
        "--travel",
        "29/06/2024",
        "--service",
        "pmi",
        now="2024-06-27T07:30",
    )
    first = passq.json("next-batch", "--size", "4", operator="ani", now="2024-06-27T08:00")
    second = passq.json("next-batch", "--size", "4", operator="budi", now="2024-06-27T08:01")
    outputs += [first, second]
    passq.ok("printed", "--batch", "1", operator="ani", now="2024-06-27T10:00")
    passq.ok(
        "failed",
        first["books"][1]["app_no"],
        "--reason",
        "ink smear",
        operator="ani",
        now="2024-06-27T10:05",
    )
    passq.ok(
        "printed",
        *[b["app_no"] for b in second["books"][:3]],
        operator="budi",
        now="2024-06-27T11:00",
    )
    passq.ok("release", second["books"][3]["app_no"], operator="budi", now="2024-06-27T11:05")
    outputs.append(passq.json("next-batch", "--size", "2", operator="ani", now="2024-06-27T15:00"))
    outputs.append(passq.json("report", now="2024-06-27T19:00"))
    outputs.append(passq.json("report", "--date", "2024-06-26", now="2024-06-27T19:00"))
    outputs.append(passq.json("list", "--status", "all", now="2024-06-27T19:00"))
    outputs.append(passq.json("plan", now="2024-06-27T19:00"))
    outputs.append(passq.json("show", "P05", now="2024-06-27T19:00"))
    passq.ok("undo", operator="ani", now="2024-06-27T19:05")
    outputs.append(passq.json("list", "--status", "claimed", now="2024-06-27T19:10"))
    return outputs


def test_the_same_day_gives_the_same_answers_on_both_backends(url, tmp_path) -> None:
    on_sqlite = same_day(Passq(tmp_path / "passq.db"))
    on_postgres = same_day(Passq(url))
    assert on_postgres == on_sqlite


def test_db_copy_moves_an_office_to_postgresql_and_back_and_refuses_a_full_one(
    url, tmp_path
) -> None:
    office = Passq(tmp_path / "office.db")
    office.ok("demo", "--size", "120", "--db", str(office.db))
    office.ok("next-batch", "--size", "5", operator="budi")
    office.ok("config", "set", "capacity", "40")
    runner = Passq(tmp_path / "unused.db")
    result = runner.ok("db", "copy", str(office.db), url)
    assert result.stdout == (
        f"Copied 120 applications and 126 events from {office.db} to {display_name(url)}.\n"
    )
    server = Passq(url)
    assert server.json("list", "--status", "all") == office.json("list", "--status", "all")
    assert server.json("report") == office.json("report")
    assert server.rows("SELECT value FROM settings WHERE key = 'capacity'") == [("40",)]
    # The destination must be empty: nothing is written into one that holds data.
    before = server.dump()
    result = runner("db", "copy", str(office.db), url)
    assert (result.exit_code, result.stderr) == (
        1,
        f"{display_name(url)} already holds data: give an empty database to copy into.\n",
    )
    assert server.dump() == before
    back = tmp_path / "back.db"
    runner.ok("db", "copy", url, str(back))
    assert Passq(back).dump() == office.dump()
    assert not (tmp_path / "unused.db").exists()


def test_db_copy_refuses_the_same_database_and_a_missing_file(tmp_path) -> None:
    runner = Passq(tmp_path / "unused.db")
    result = runner("db", "copy", str(tmp_path / "a.db"), str(tmp_path / "a.db"))
    assert (result.exit_code, result.stderr) == (
        2,
        f"{tmp_path / 'a.db'} and {tmp_path / 'a.db'} are the same database: give another "
        "destination.\n",
    )
    result = runner("db", "copy", str(tmp_path / "none.db"), str(tmp_path / "b.db"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"There is no database at {tmp_path / 'none.db'}: give the right file with --db.\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_a_connection_killed_in_the_middle_of_an_import_lands_nothing(
    passq, tmp_path, monkeypatch
) -> None:
    passq.ok("add", "OLD1", "--name", "Pemohon Lama")
    before = passq.dump()
    source = tmp_path / "in.csv"
    source.write_text(
        "app_no,name\n" + "".join(f"A{n:03d},Pemohon {n}\n" for n in range(30)), encoding="utf-8"
    )
    real = PostgresStore.insert_many

    def killed(self, log, records, detail=None):
        count = real(self, log, records, detail)
        query(passq.db, "SELECT pg_terminate_backend(?)", (self.conn.get_backend_pid(),))
        return count

    monkeypatch.setattr(PostgresStore, "insert_many", killed)
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Cannot reach the database ")
    assert passq.dump() == before
    monkeypatch.undo()
    assert passq.ok("import", str(source)).exit_code == 0
    assert passq.rows("SELECT count(*) FROM applications") == [(31,)]


def test_doctor_on_postgresql_checks_what_it_can(passq) -> None:
    passq.ok("add", "A1", "--name", "Pemohon A1")
    assert passq.ok("doctor").stdout == (
        f"Database: {display_name(passq.db)}\n"
        f"Schema version: {SCHEMA_VERSION} (this passq: {SCHEMA_VERSION})\n"
        "Integrity check: ok\n"
        "Applications: pending 1, claimed 0, printed 0, collected 0, cancelled 0\n"
        "Open batches: none\n"
        "No problem found.\n"
    )
    passq.rows("UPDATE applications SET status = 'printed' WHERE app_no = 'A1'")
    result = passq("doctor")
    assert result.exit_code == 1


def test_the_driver_starts_without_pythons_ssl_module(url) -> None:
    # psycopg2 would import `ssl` (15 ms) only to set OpenSSL's thread locks: passq blocks it.
    import subprocess

    script = (
        "import sys\n"
        "from passq.store.postgres import PostgresStore\n"
        f"store = PostgresStore({url!r})\n"
        "print(store.office, len(store.queue()), 'ssl' in sys.modules)\n"
        "import ssl\n"
        "print(ssl.HAS_SNI)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    # Connected and read without loading `ssl`; blocked for the driver's import only.
    assert (done.returncode, done.stdout) == (0, "main 0 False\nTrue\n"), done.stderr[-2000:]
