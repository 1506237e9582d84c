"""Issue 11 §8: the database file: a missing folder refused, a new database announced, the
database named, read-only opening for the commands that only read, backups checked."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from passq import store
from passq.cli import app
from passq.store import display_name
from tests.test_cli_backup import corrupt_status_index

NOW = "2024-06-27T08:00"


def run(db: Path, *args: str):
    return CliRunner().invoke(
        app,
        ["--db", str(db), "--now", NOW, "--operator", "ani", *args],
        env={"PASSQ_DB": None, "PASSQ_NOW": None, "PASSQ_OPERATOR": None},
    )


def test_a_db_in_a_missing_folder_is_refused_not_created(tmp_path: Path) -> None:
    db = tmp_path / "typo" / "passq.db"
    result = run(db, "add", "A1", "--name", "Budi")
    assert (result.exit_code, result.stderr) == (
        2,
        f"The folder {db.parent} of the database does not exist: create it first, or give "
        "another --db.\n",
    )
    assert not db.parent.exists()


def test_the_first_command_says_where_it_created_the_database(tmp_path: Path) -> None:
    # Without --db, passq picks its own folder: the first command says where the database is.
    env = {
        "PASSQ_DB": None,
        "PASSQ_NOW": NOW,
        "XDG_CONFIG_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    args = ["--operator", "ani", "add", "A1", "--name", "Budi"]
    first = CliRunner().invoke(app, args, env=env)
    db = tmp_path / "passq" / "passq.db"
    assert (first.exit_code, first.stderr) == (0, f"Created a new passq database: {db}\n")
    assert db.is_file()
    second = CliRunner().invoke(app, [*args[:3], "A2", "--name", "Ani"], env=env)
    assert (second.exit_code, second.stderr) == (0, "")


def test_config_show_names_the_database(passq) -> None:
    # A server's URL is shown as display_name writes it (never with a password).
    shown = display_name(passq.db)
    assert passq.ok("config", "show").stdout.splitlines()[-1] == f"Database: {shown}"


@pytest.mark.sqlite_only  # the database file itself
def test_read_commands_open_an_unwritable_database_read_only(passq, add_books, monkeypatch):
    add_books(("A1", "--travel", "03/07/2024"), ("A2",))
    passq.ok("next-batch", "--size", "1")
    with sqlite3.connect(passq.db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = passq.db.read_bytes()
    # Root may write any file: stand in for a file this user may only read.
    monkeypatch.setattr(store, "_writable", lambda path: False)
    opened = []
    real = store.open_store

    def spy(*args, **kwargs):
        opened.append(type(found := real(*args, **kwargs)).__name__)
        return found

    monkeypatch.setattr(store, "open_store", spy)
    assert passq.ok("list").stdout
    assert passq.json("show", "A2")["application"]["status"] == "pending"
    assert passq.json("find", "pemohon")["total"] == 2
    assert set(opened) == {"ReadOnlySqliteStore"}
    assert passq.db.read_bytes() == before


@pytest.mark.sqlite_only  # the database file itself
def test_backup_refuses_to_copy_a_damaged_database(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    corrupt_status_index(passq.db)
    result = passq("backup", str(passq.db.with_name("copy.db")))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{passq.db} is damaged (integrity check: ")
    assert result.stderr.endswith(
        "): no backup was made; run 'passq doctor', and restore an earlier backup with "
        "'passq restore'.\n"
    )
    assert not passq.db.with_name("copy.db").exists()


@pytest.mark.sqlite_only  # the database file itself
def test_a_damaged_passq_database_is_damaged_not_foreign(passq) -> None:
    passq.db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 200)
    result = passq("list")
    assert (result.exit_code, result.stderr) == (
        1,
        f"{passq.db} is damaged: run 'passq doctor', and restore a backup with 'passq restore'.\n",
    )


@pytest.mark.sqlite_only  # the database file itself
def test_a_file_that_is_no_database_is_not_passq(passq) -> None:
    passq.db.write_bytes(b"name,phone\nBudi,0812\n" * 50)
    result = passq("list")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{passq.db} is not a passq database: give another file with --db.\n",
    )


@pytest.mark.sqlite_only  # the database file itself
def test_doctor_json_prints_json_even_without_a_database(passq) -> None:
    result = passq("doctor", "--json")
    sentence = f"There is no database at {passq.db}: give the right file with --db."
    assert (result.exit_code, result.stderr) == (1, sentence + "\n")
    assert json.loads(result.stdout) == {
        "database": str(passq.db),
        "healthy": False,
        "problems": [sentence],
    }


@pytest.mark.sqlite_only  # the database file itself
def test_doctor_json_on_a_file_that_is_not_passq(passq) -> None:
    passq.db.write_bytes(b"not a database at all" * 100)
    result = passq("doctor", "--json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [result.stderr.strip()]


def test_doctor_says_on_windows_that_the_folder_protects_the_file(passq, monkeypatch) -> None:
    passq.ok("add", "A1", "--name", "Budi")
    monkeypatch.setattr("sys.platform", "win32")
    note = (
        "On Windows the database file's own permissions do not protect it: keep it in a folder "
        "that only the office's staff may open."
    )
    assert note in passq.ok("doctor").stdout.splitlines()
    assert passq.json("doctor")["notes"] == [note]


def test_a_database_name_with_bytes_that_are_not_text_is_refused(tmp_path: Path) -> None:
    # `--db $'\xff.db'` on Linux: Python holds the byte as \udcff (surrogateescape). Every
    # argument is refused so, before any command runs: nothing is created.
    db = tmp_path / "\udcff.db"
    for args in (("doctor", "--json"), ("add", "A1", "--name", "Budi"), ("config", "show")):
        result = run(db, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (
            2,
            "",
            f"'{tmp_path}/\\udcff.db' holds bytes that are not text (UTF-8): type it again.\n",
        )
    assert list(tmp_path.iterdir()) == []
