"""The applicant's own language on the book (issue 16): `add`/`edit --language`, import's
language column, `show`, undo, every copy of the books (export, backup, db copy), the schema
step that adds it on each backend, and `notify` writing each message in its book's language."""

from __future__ import annotations

import csv
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.conftest import Passq, is_postgres, query
from tests.test_cli_notify import decode
from tests.test_offices import logins, two_offices  # noqa: F401 (fixtures)

UNKNOWN = "Unknown language '{text}': use id (Indonesian) or en (English).\n"


def languages(passq: Passq) -> dict[str, str | None]:
    return dict(passq.rows("SELECT app_no, language FROM applications ORDER BY app_no"))


# --- add, edit, show, undo ------------------------------------------------------------------


def test_add_takes_the_language_in_any_usual_spelling(passq) -> None:
    for app_no, given in (("A1", "en"), ("A2", "ID"), ("A3", "Inggris"), ("A4", "english")):
        passq.ok("add", app_no, "--name", f"Pemohon {app_no}", "--language", given)
    passq.ok("add", "A5", "--name", "Pemohon A5", "--language", "indonesia")
    passq.ok("add", "A6", "--name", "Pemohon A6")
    assert languages(passq) == {
        "A1": "en",
        "A2": "id",
        "A3": "en",
        "A4": "en",
        "A5": "id",
        "A6": None,
    }
    assert passq.json("show", "A1")["application"]["language"] == "en"
    assert passq.json("show", "A6")["application"]["language"] is None


def test_an_unknown_language_is_refused_and_nothing_is_written(passq, add_books) -> None:
    add_books(("A1",))
    before = passq.dump()
    added = passq("add", "A2", "--name", "Pemohon A2", "--language", "fr")
    assert (added.exit_code, added.stdout, added.stderr) == (2, "", UNKNOWN.format(text="fr"))
    edited = passq("edit", "A1", "--language", "Jawa")
    assert (edited.exit_code, edited.stdout, edited.stderr) == (2, "", UNKNOWN.format(text="Jawa"))
    assert passq.dump() == before
    indonesian = passq("--lang", "id", "edit", "A1", "--language", "Jawa")
    assert indonesian.exit_code == 2 and "Traceback" not in indonesian.output


def test_edit_logs_the_language_and_undo_takes_it_back(passq, add_books) -> None:
    add_books(("A1",))
    result = passq.ok("edit", "A1", "--language", "EN")
    assert result.stdout.startswith("Updated A1 (language): ")
    detail = passq.rows("SELECT detail FROM events WHERE action = 'edited'")
    assert [json.loads(d) for (d,) in detail] == [{"language": [None, "en"]}]
    shown = passq.ok("show", "A1").stdout
    assert "  Language: English (en)\n" in shown
    assert "language: None → en" in shown  # the history
    again = passq("edit", "A1", "--language", "english")
    assert (again.exit_code, again.stderr) == (
        2,
        "Nothing to change: give at least one new value, e.g. --travel 03/07/2024.\n",
    )
    assert passq.ok("undo").stdout == "Undid your last action (edited) on 1 book: A1.\n"
    assert languages(passq) == {"A1": None}
    assert "Language:" not in passq.ok("show", "A1").stdout
    passq.ok("edit", "A1", "--language", "id")
    passq.ok("edit", "A1", "--language", "")  # an empty value clears it: the office's default
    assert languages(passq) == {"A1": None}


# --- import ---------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def test_import_reads_a_language_column_and_refuses_a_bad_one(passq, add_books, tmp_path) -> None:
    add_books(("OLD1",))
    before = passq.dump()
    source = write(
        tmp_path / "hari.csv",
        "No Permohonan,Nama,Bahasa\nA1,Ani Wijaya,Inggris\nA2,Budi Hartono,\nA3,Citra Dewi,fr\n",
    )
    result = passq("import", str(source))
    assert result.exit_code == 2
    rejects = tmp_path / "hari.rejects.csv"
    assert result.stderr == (
        f"Nothing imported: 1 of 3 rows of {source} have problems; fix them and import again, "
        f"or give --skip-invalid to import the other 2 and write these to {rejects}.\n"
    )
    row = next(line for line in result.stdout.splitlines() if "'fr'" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "4",
        "Bahasa",
        "fr",
        "Unknown language 'fr': use id (Indonesian) or en (English).",
    ]
    assert passq.dump() == before
    passq.ok("import", str(source), "--skip-invalid")
    assert languages(passq) == {"A1": "en", "A2": None, "OLD1": None}
    with rejects.open(encoding="utf-8-sig", newline="") as stream:
        (rejected,) = list(csv.DictReader(stream))
    assert (rejected["No Permohonan"], rejected["Bahasa"], rejected["reason"]) == (
        "A3",
        "fr",
        "Unknown language 'fr': use id (Indonesian) or en (English).",
    )
    # --update changes a pending book's language; an empty cell changes nothing.
    write(source, "app_no,name,language\nA1,Ani Wijaya,\nA2,Budi Hartono,en\n")
    passq.ok("import", str(source), "--update")
    assert languages(passq) == {"A1": "en", "A2": "en", "OLD1": None}


# --- Every copy of the books keeps it -------------------------------------------------------


@pytest.fixture
def speakers(passq, add_books):
    """A1 in English, A2 in Indonesian, A3 with no language (the office's default)."""
    add_books(("A1", "--language", "en"), ("A2", "--language", "id"), ("A3",))
    return passq


EXPECTED = {"A1": "en", "A2": "id", "A3": None}


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_export_writes_the_language_and_import_reads_it_back(
    speakers, make_database, tmp_path, fmt
) -> None:
    target = tmp_path / f"all.{fmt}"
    speakers.ok("export", "--status", "all", "--output", str(target))
    if fmt == "csv":
        with target.open(encoding="utf-8-sig", newline="") as stream:
            rows = list(csv.DictReader(stream))
        assert {r["app_no"]: r["language"] for r in rows} == {"A1": "en", "A2": "id", "A3": ""}
    elif fmt == "json":
        rows = json.loads(target.read_text(encoding="utf-8"))
        assert {r["app_no"]: r["language"] for r in rows} == EXPECTED
        return  # JSON is for scripts: import reads CSV and xlsx
    other = Passq(make_database("other"))
    other.ok("import", str(target))
    assert languages(other) == EXPECTED


def test_backup_and_restore_keep_the_language(speakers, tmp_path) -> None:
    backup = tmp_path / "senin.db"
    speakers.ok("backup", str(backup))
    with closing(sqlite3.connect(backup)) as conn:
        assert dict(conn.execute("SELECT app_no, language FROM applications")) == EXPECTED
    speakers.ok("edit", "A1", "--language", "id")
    speakers.ok("edit", "A3", "--language", "en")
    speakers.ok("restore", str(backup), now="2024-06-27T19:00")
    assert languages(speakers) == EXPECTED


def test_db_copy_keeps_the_language_both_ways(speakers, make_database, tmp_path) -> None:
    runner = Passq(tmp_path / "unused.db")
    a_file = tmp_path / "copy.db"
    runner.ok("db", "copy", str(speakers.db), str(a_file))
    assert languages(Passq(a_file)) == EXPECTED
    back = make_database("back")  # the test's backend: PostgreSQL -> file -> PostgreSQL
    runner.ok("db", "copy", str(a_file), str(back))
    assert languages(Passq(back)) == EXPECTED
    assert Passq(back).json("show", "A1")["application"]["language"] == "en"


@pytest.mark.postgresql_only
def test_an_office_login_sets_and_reads_its_own_books_language(two_offices) -> None:  # noqa: F811
    cilacap, banyumas, directorate = two_offices
    cilacap.ok("edit", "C-1", "--language", "en")
    cilacap.ok("add", "C-2", "--name", "Rina Kusuma", "--language", "en")
    assert cilacap.json("show", "C-1")["application"]["language"] == "en"
    (notice,) = [n for n in cilacap.json("notify", "planned")["notices"] if n["app_no"] == "C-1"]
    assert (notice["language"], notice["message"][:5]) == ("en", "Dear ")
    assert banyumas("edit", "C-1", "--language", "id").exit_code == 1
    assert [n["language"] for n in banyumas.json("notify", "planned")["notices"]] == ["id", "id"]
    assert query(directorate.db, "SELECT app_no, language FROM applications ORDER BY app_no") == [
        ("B-1", None),
        ("B-2", None),
        ("C-1", "en"),
        ("C-2", "en"),
    ]


# --- The schema step, from the previous version on each backend -----------------------------


def _previous_sqlite(path: Path) -> None:
    """A database file as the previous passq left it (every migration but the last), with a
    book and its event."""
    import sqlite_utils

    from passq.store.sqlite_schema import MIGRATIONS

    migrations = sqlite_utils.Migrations("passq")
    for step in MIGRATIONS[:-1]:
        migrations()(step)
    with closing(sqlite3.connect(path)) as conn:
        migrations.apply(sqlite_utils.Database(conn))
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) - 1}")
        conn.execute(
            "INSERT INTO applications (app_no, name, phone, service, applied, status, "
            "created_at, updated_at, printed_at) VALUES ('3301000000001111', 'Ani Wijaya', "
            "'+6281311112222', 'regular', '2024-06-24', 'printed', '2024-06-24T08:00:00+07:00', "
            "'2024-06-26T08:00:00+07:00', '2024-06-26T08:00:00+07:00')"
        )
        conn.execute(
            "INSERT INTO events (at, operator, action, app_no, status, command_id) VALUES "
            "('2024-06-24T08:00:00+07:00', 'ani', 'added', '3301000000001111', 'pending', 1), "
            "('2024-06-26T08:00:00+07:00', 'ani', 'printed', '3301000000001111', 'printed', 2)"
        )
        conn.commit()


def _previous_postgres(url: str) -> None:
    """A database on the server as the previous passq left it, with a book and its events."""
    import psycopg2

    from passq.store.postgres_schema import MIGRATIONS, SCHEMA_TABLE

    with closing(psycopg2.connect(url)) as conn, conn.cursor() as cursor:
        cursor.execute(SCHEMA_TABLE)
        for number, step in enumerate(MIGRATIONS[:-1], 1):
            step(cursor)
            cursor.execute(
                "INSERT INTO passq_schema (version, name) VALUES (%s, %s)",
                (number, step.__name__),
            )
        cursor.execute(
            "INSERT INTO applications (app_no, name, phone, service, applied, status, "
            "created_at, updated_at, printed_at, office) VALUES ('3301000000001111', "
            "'Ani Wijaya', '+6281311112222', 'regular', '2024-06-24', 'printed', "
            "'2024-06-24T08:00:00+07:00', '2024-06-26T08:00:00+07:00', "
            "'2024-06-26T08:00:00+07:00', 'main')"
        )
        cursor.execute(
            "INSERT INTO events (at, operator, action, app_no, status, command_id, office) "
            "VALUES ('2024-06-24T08:00:00+07:00', 'ani', 'added', '3301000000001111', "
            "'pending', 1, 'main'), ('2024-06-26T08:00:00+07:00', 'ani', 'printed', "
            "'3301000000001111', 'printed', 2, 'main')"
        )
        conn.commit()


def test_the_previous_schema_gains_the_column_with_every_book_intact(passq) -> None:
    if is_postgres(passq.db):
        from passq.store.postgres_schema import MIGRATIONS, SCHEMA_VERSION

        _previous_postgres(str(passq.db))
        version = "SELECT max(version) FROM passq_schema"
    else:
        from passq.store.sqlite_schema import MIGRATIONS, SCHEMA_VERSION

        _previous_sqlite(Path(passq.db))
        version = "PRAGMA user_version"
    assert passq.rows(version) == [(SCHEMA_VERSION - 1,)]
    columns = "app_no, name, phone, service, applied, status, printed_at"
    before = passq.rows(f"SELECT {columns} FROM applications")
    shown = passq.json("show", "3301000000001111")  # opening migrates
    assert passq.rows(version) == [(SCHEMA_VERSION,)]
    assert MIGRATIONS[-1].__name__.endswith("_language")
    assert passq.rows(f"SELECT {columns} FROM applications") == before
    assert shown["application"]["language"] is None
    assert [e["action"] for e in shown["history"]] == ["added", "printed"]
    assert passq.json("doctor")["healthy"] is True
    # The old book's message is Indonesian, the office's default; then the applicant's own.
    (notice,) = passq.json("notify", "ready")["notices"]
    assert (notice["language"], notice["message"][:5]) == ("id", "Yth. ")
    passq.ok("edit", "3301000000001111", "--language", "en")
    (notice,) = passq.json("notify", "ready")["notices"]
    assert (notice["language"], notice["message"][:5]) == ("en", "Dear ")
    # The database itself refuses another value, whoever writes it.
    with pytest.raises(Exception, match="(?i)check"):
        passq.rows("UPDATE applications SET language = 'fr'")
    if not is_postgres(passq.db):
        assert passq.rows("PRAGMA integrity_check") == [("ok",)]


# --- notify: each message in its book's language --------------------------------------------

PHONES = {"3301000000001111": "6281311112222", "3301000000002222": "6281322223333"}


@pytest.fixture
def two_speakers(passq, add_books):
    """Two printed books with phones: one English, one with no language (Indonesian)."""
    passq.ok("config", "set", "office", "Kantor Imigrasi Cilacap")
    add_books(
        ("3301000000001111", "--phone", "0813-1111-2222", "--language", "en"),
        ("3301000000002222", "--phone", "0813-2222-3333"),
    )
    passq.ok("printed", "3301000000001111", "3301000000002222")
    return passq


def test_each_message_is_in_its_books_language_and_lang_overrides_all(two_speakers) -> None:
    out = two_speakers.json("notify", "ready")
    by_no = {n["app_no"]: n for n in out["notices"]}
    english, indonesian = by_no["3301000000001111"], by_no["3301000000002222"]
    assert (english["language"], indonesian["language"]) == ("en", "id")
    assert english["message"] == (
        "Dear Pemohon 3301000000001111, your passport for application number xxxxxxxxxxxx1111 "
        "is ready to collect at Kantor Imigrasi Cilacap on any working day. Please bring your "
        "application receipt, or a letter of authority if someone collects it for you. "
        "Thank you."
    )
    assert indonesian["message"].startswith(
        "Yth. Pemohon 3301000000002222, paspor Anda dengan nomor permohonan xxxxxxxxxxxx2222 "
        "sudah selesai"
    )
    for n in (english, indonesian):
        assert decode(n["link"]) == (PHONES[n["app_no"]], n["message"])
    for lang, opening in (("en", "Dear "), ("id", "Yth. "), ("EN", "Dear ")):
        overridden = two_speakers.json("notify", "ready", "--lang", lang)["notices"]
        assert [(n["language"], n["message"][:5]) for n in overridden] == [
            (lang.lower(), opening)
        ] * 2
        for n in overridden:
            assert decode(n["link"]) == (PHONES[n["app_no"]], n["message"])
    refused = two_speakers("notify", "ready", "--lang", "fr")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Unknown message language 'fr': use id (Indonesian) or en (English).\n",
    )


def test_the_page_and_the_csv_carry_each_language(two_speakers, tmp_path) -> None:
    page, table = tmp_path / "ready.html", tmp_path / "ready.csv"
    two_speakers.ok("notify", "ready", "--html", str(page), "--csv", str(table))
    html = page.read_text(encoding="utf-8")
    assert '<td class="message" lang="en">Dear Pemohon 3301000000001111,' in html
    assert '<td class="message" lang="id">Yth. Pemohon 3301000000002222,' in html
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert [(r["app_no"], r["language"], r["message"][:5]) for r in rows] == [
        ("3301000000001111", "en", "Dear "),
        ("3301000000002222", "id", "Yth. "),
    ]
    for row in rows:
        assert decode(row["link"]) == (row["whatsapp"], row["message"])


def test_every_kind_follows_the_book_and_the_office_template_stays_indonesian(
    passq, add_books
) -> None:
    add_books(
        ("3301000000001111", "--phone", "081311112222", "--travel", "2024-07-05",
         "--language", "en"),
        ("3301000000002222", "--phone", "081322223333", "--travel", "2024-07-01"),
    )  # fmt: skip
    planned = passq.json("notify", "planned")["notices"]
    assert {n["app_no"]: n["language"] for n in planned} == {
        "3301000000001111": "en",
        "3301000000002222": "id",
    }
    late = passq.json("notify", "late", now="2024-07-08T08:00")["notices"]
    assert {n["app_no"]: n["message"][:5] for n in late} == {
        "3301000000001111": "Dear ",
        "3301000000002222": "Yth. ",
    }
    passq.ok("config", "set", "notice_planned", "Halo {name}, paspor {app_no} dicetak {day}.")
    planned = {n["app_no"]: n for n in passq.json("notify", "planned")["notices"]}
    assert planned["3301000000002222"]["message"] == (
        "Halo Pemohon 3301000000002222, paspor xxxxxxxxxxxx2222 dicetak Kamis, 27 Juni 2024."
    )
    assert planned["3301000000001111"]["message"].startswith("Dear Pemohon 3301000000001111,")
    announce = passq.json("notify", "announce")
    assert announce["text"].startswith("Layanan paspor")  # no book: --lang alone (default id)
