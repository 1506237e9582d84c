"""`passq import` and `passq export` through the CLI: exit codes, sentences, database state."""

from __future__ import annotations

import csv
import io
import json
import stat
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from passq.cli import render
from passq.files import spreadsheets as importer
from passq.store import sqlite_bulk

TODAY = date(2024, 6, 27)  # the conftest's --now

EXAMPLE = Path(__file__).parent.parent / "examples" / "backlog.csv"
HEADER = "app_no,name,service,applied,travel,destination,phone,urgent,note\n"
EXAMPLE_ROWS = 20


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def count(passq, table: str = "applications") -> int:
    return passq.rows(f"SELECT count(*) FROM {table}")[0][0]


def book(passq, app_no: str) -> dict:
    cursor_rows = passq.rows(
        "SELECT app_no, name, phone, service, urgent, applied, travel, destination, note, status "
        "FROM applications WHERE app_no = ?",
        (app_no,),
    )
    keys = ("app_no", "name", "phone", "service", "urgent", "applied", "travel")
    keys += ("destination", "note", "status")
    return dict(zip(keys, cursor_rows[0], strict=True))


def summary(source: Path | str, added=0, present=0, updated=0, rejected=0) -> str:
    return (
        f"Imported {source}: {added} added, {present} already present, {updated} updated, "
        f"{rejected} rejected.\n"
    )


# --- The example file ------------------------------------------------------------------------


def test_the_example_backlog_imports_cleanly_as_one_command(passq):
    result = passq("import", str(EXAMPLE))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        summary(EXAMPLE, added=EXAMPLE_ROWS),
        "",
    )
    assert count(passq) == EXAMPLE_ROWS
    assert book(passq, "3301240613000031") == {
        "app_no": "3301240613000031",
        "name": "Dewi Anggraini Lestari",
        "phone": "+6281300005521",
        "service": "express",
        "urgent": None,
        "applied": "2024-06-13",
        "travel": "2024-06-28",
        "destination": "Singapura",
        "note": None,
        "status": "pending",
    }
    assert book(passq, "3301240626000174")["urgent"] == "marked urgent in import"
    events = passq.rows("SELECT action, status, command_id, operator, detail FROM events")
    assert len(events) == EXAMPLE_ROWS
    assert set(events) == {("added", "pending", 1, "ani", '{"import": "backlog.csv"}')}
    # The whole import is one command: undo reverses all of it.
    passq.ok("undo")
    assert count(passq) == 0


def test_a_header_only_file_says_so_and_writes_nothing(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(tmp_path / "empty.csv", HEADER)
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"{source} has no rows: nothing to import.\n",
        "",
    )
    assert passq.dump() == before


def test_a_file_that_cannot_be_read_is_one_sentence(passq, tmp_path):
    source = tmp_path / "scan.csv"
    source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{source} is not a CSV or Excel file (it holds binary data): export the spreadsheet "
        "as CSV UTF-8 or .xlsx and import that.\n"
    )


def test_unknown_columns_are_reported_in_one_line_and_ignored(passq, tmp_path):
    source = write(tmp_path / "in.csv", "app_no;nama;Kode Pos;agama\nA1;Ani;53211;x\n")
    result = passq("import", str(source))
    assert result.exit_code == 0
    assert (
        result.stderr == f"Ignored columns passq does not know in {source}: 'Kode Pos', 'agama'.\n"
    )
    assert result.stdout == summary(source, added=1)
    assert book(passq, "A1")["name"] == "Ani"


# --- All or nothing ------------------------------------------------------------------------


def test_one_bad_row_stops_the_import_with_a_table_and_writes_nothing(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(
        tmp_path / "day.csv",
        HEADER + "A1,Ani,,,,,,,\nA2,Budi,kilat,,,,,,\nA3,Citra,,,,,,,\n",
    )
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert result.stderr == (
        f"Nothing imported: 1 of 3 rows of {source} have problems; fix them and import again, "
        f"or give --skip-invalid to import the other 2 and write these to "
        f"{tmp_path / 'day.rejects.csv'}.\n"
    )
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "Problems (1)"
    assert "Row" in lines[2] and "Column" in lines[2] and "Value" in lines[2]
    row = next(line for line in lines if "kilat" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")] == [
        "3",
        "service",
        "kilat",
        "Unknown service 'kilat': use regular, express or pmi.",
    ]
    assert passq.dump() == before
    assert not (tmp_path / "day.rejects.csv").exists()


def test_the_table_shows_the_first_problems_and_the_total(passq, tmp_path):
    rows = "".join(f"A{i},,\n" for i in range(30))
    source = write(tmp_path / "in.csv", "app_no,name,service\n" + rows)
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0].strip() == "First 20 of 30 problems"
    assert result.stdout.count("The name is empty") == 20
    assert result.stderr == (
        f"Nothing imported: all 30 rows of {source} have problems; fix them and import again.\n"
    )
    assert passq.dump() == []


def test_duplicate_numbers_in_one_file_name_both_rows(passq, tmp_path):
    source = write(tmp_path / "in.csv", "app_no,name\nA1,Ani\nA2,Budi\nA1,Ani Lagi\n")
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert "Application number A1 appears more than once, on rows 2, 4" in result.stdout
    assert passq.dump() == []


@pytest.mark.parametrize("failure", [KeyboardInterrupt, RuntimeError])
def test_a_failure_halfway_through_the_insert_leaves_nothing(
    passq, add_books, tmp_path, monkeypatch, failure
):
    add_books(("OLD1",))
    before = passq.dump()
    rows = "".join(f"A{i:03d},Pemohon {i}\n" for i in range(40))
    source = write(tmp_path / "in.csv", "app_no,name\n" + rows)
    real = sqlite_bulk._application_row
    seen = []

    def failing(record):
        seen.append(record["app_no"])
        if len(seen) == 23:  # chunks of 10: two chunks are in, the third breaks
            raise failure("the power went out")
        return real(record)

    monkeypatch.setattr(sqlite_bulk, "BULK_CHUNK", 10)
    monkeypatch.setattr(sqlite_bulk, "_application_row", failing)
    result = passq("import", str(source))
    assert len(seen) == 23
    if failure is KeyboardInterrupt:
        assert result.exit_code == 130
        assert result.stderr == "Interrupted: nothing more was written.\n"
    else:
        assert isinstance(result.exception, RuntimeError)
    assert passq.dump() == before


# --- --skip-invalid and the rejects file ----------------------------------------------------


def test_skip_invalid_lands_the_valid_rows_and_the_fixed_rejects_reimport(passq, tmp_path):
    source = write(
        tmp_path / "day.csv",
        HEADER + "A1,Ani,,,,,,,\nA2,Budi,kilat,,,,,,\nA3,Citra,,40/06/2024,,,,,\nA4,Dedi,,,,,,,\n",
    )
    rejects = tmp_path / "day.rejects.csv"
    result = passq("import", str(source), "--skip-invalid")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == summary(source, added=2, rejected=2) + (
        f"Rejected rows are in {rejects}, with the reason: fix them and import that file.\n"
    )
    assert sorted(r[0] for r in passq.rows("SELECT app_no FROM applications")) == ["A1", "A4"]
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    with rejects.open(encoding="utf-8-sig", newline="") as stream:
        rejected = list(csv.DictReader(stream))
    assert [(r["app_no"], r["service"], r["applied"]) for r in rejected] == [
        ("A2", "kilat", ""),
        ("A3", "", "40/06/2024"),
    ]
    assert rejected[0]["reason"] == "Unknown service 'kilat': use regular, express or pmi."
    assert rejected[1]["reason"].startswith("Invalid applied date '40/06/2024'")
    # Fixed in the spreadsheet and imported again: the reason column is ignored.
    fixed = rejects.read_text(encoding="utf-8-sig").replace("kilat", "percepatan")
    write(rejects, fixed.replace("40/06/2024", "20/06/2024"))
    result = passq("import", str(rejects))
    assert (result.exit_code, result.stdout) == (0, summary(rejects, added=2))
    assert book(passq, "A2")["service"] == "express"
    assert book(passq, "A3")["applied"] == "2024-06-20"
    assert count(passq) == 4


def test_rejects_go_where_asked(passq, tmp_path):
    source = write(tmp_path / "in.csv", "app_no,name\nA1,\nA2,Budi\n")
    target = tmp_path / "fix-me.csv"
    result = passq("import", str(source), "--skip-invalid", "--rejects", str(target))
    assert result.exit_code == 0
    assert target.exists() and not (tmp_path / "in.rejects.csv").exists()
    assert count(passq) == 1


def test_rejects_need_skip_invalid_and_another_file(passq, tmp_path):
    passq.ok("config", "set", "capacity", "100")
    before = passq.dump()
    source = write(tmp_path / "in.csv", "app_no,name\nA1,Ani\n")
    result = passq("import", str(source), "--rejects", str(tmp_path / "r.csv"))
    assert (result.exit_code, result.stderr) == (
        2,
        "--rejects only works with --skip-invalid.\n",
    )
    result = passq("import", str(source), "--skip-invalid", "--rejects", str(source))
    assert (result.exit_code, result.stderr) == (
        2,
        "--rejects names the file being imported: give another file.\n",
    )
    assert passq.dump() == before


# --- Re-importing ------------------------------------------------------------------------------


def test_reimporting_adds_nothing_and_logs_nothing(passq):
    passq.ok("import", str(EXAMPLE))
    before = passq.dump()
    result = passq("import", str(EXAMPLE))
    assert (result.exit_code, result.stdout) == (0, summary(EXAMPLE, present=EXAMPLE_ROWS))
    assert passq.dump() == before


def test_reimporting_never_resets_a_printed_book(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    passq.ok("next-batch", "--size", "3")
    passq.ok("printed", "--batch", "1")
    printed = passq.rows("SELECT app_no, status, printed_at FROM applications WHERE batch_id = 1")
    result = passq("import", str(EXAMPLE), "--update")
    assert (result.exit_code, result.stdout) == (0, summary(EXAMPLE, present=EXAMPLE_ROWS))
    assert (
        passq.rows("SELECT app_no, status, printed_at FROM applications WHERE batch_id = 1")
        == printed
    )


def test_update_changes_pending_books_logs_each_change_and_keeps_printed_ones(passq, tmp_path):
    first = write(
        tmp_path / "day1.csv",
        HEADER
        + "A1,Ani,,20/06/2024,01/07/2024,Malaysia,0812-3456-7890,,\n"
        + "A2,Budi,,20/06/2024,02/07/2024,,,,\n"
        + "A3,Citra,,20/06/2024,,,,,\n",
    )
    passq.ok("import", str(first))
    passq.ok("next-batch", "--size", "1")  # A1: the earliest deadline
    passq.ok("printed", "--batch", "1")
    before_printed = book(passq, "A1")
    second = write(
        tmp_path / "day2.csv",
        HEADER
        + "A1,Ani,,20/06/2024,05/07/2024,Malaysia,,,\n"  # printed: kept as it is
        + "A2,Budi Santoso,,,03/07/2024,,,,\n"  # pending: name and travel change
        + "A3,Citra,,20/06/2024,,,,,\n"  # unchanged
        + "A4,Dedi,,,,,,,\n",  # new
    )
    events_before = count(passq, "events")
    result = passq("import", str(second), "--update")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == summary(second, added=1, present=2, updated=1) + (
        "1 book the file changes is past pending and was left as it is: A1.\n"
    )
    assert book(passq, "A1") == before_printed
    a2 = book(passq, "A2")
    assert (a2["name"], a2["travel"], a2["applied"]) == ("Budi Santoso", "2024-07-03", "2024-06-20")
    new_events = passq.rows(
        "SELECT action, app_no, detail, status, command_id FROM events WHERE id > ? ORDER BY id",
        (events_before,),
    )
    assert [e[:2] for e in new_events] == [("added", "A4"), ("edited", "A2")]
    assert json.loads(new_events[1][2]) == {
        "name": ["Budi", "Budi Santoso"],
        "travel": ["2024-07-02", "2024-07-03"],
    }
    assert new_events[1][3] is None  # an edit leaves the status as it was
    assert len({e[4] for e in new_events}) == 1  # one command: undo reverses all of it
    shown = passq.ok("show", "A2").stdout
    assert "name: Budi → Budi Santoso; travel: 2024-07-02 → 2024-07-03" in shown


def test_without_update_changed_rows_are_counted_present_and_said_to_differ(passq, tmp_path):
    passq.ok("import", str(write(tmp_path / "a.csv", "app_no,name\nA1,Ani\nA2,Budi\nA3,Ci\n")))
    before = passq.dump()
    source = write(tmp_path / "b.csv", "app_no,name\nA1,Ani Lestari\nA2,Budi\n")
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout) == (
        0,
        summary(source, present=2)
        + "1 row differs from the book already present: import again with --update to apply "
        "it.\n",
    )
    assert passq.dump() == before
    source = write(tmp_path / "c.csv", "app_no,name\nA1,Ani Lestari\nA2,Budi S\nA3,Ci\n")
    result = passq("import", str(source), "--dry-run")
    assert (result.exit_code, result.stdout) == (
        0,
        f"Dry run, nothing written: {source} would give 0 added, 3 already present, 0 updated, "
        "0 rejected.\n"
        "2 rows differ from the books already present: import again with --update to apply "
        "them.\n",
    )
    assert passq.dump() == before
    result = passq("import", str(source), "--update")
    assert result.stdout == summary(source, present=1, updated=2)
    assert book(passq, "A2")["name"] == "Budi S"


def test_an_update_that_puts_travel_before_applied_stops_the_import(passq, tmp_path):
    passq.ok("import", str(write(tmp_path / "a.csv", "app_no,name,travel\nA1,Ani,28/06/2024\n")))
    before = passq.dump()
    source = write(tmp_path / "b.csv", "app_no,name,applied\nA1,Ani,27/06/2024\nA2,Budi,\n")
    result = passq("import", str(source), "--update")
    assert result.exit_code == 0  # 27/06 is not after 28/06: a valid update
    source = write(tmp_path / "c.csv", "app_no,name,travel\nA1,Ani,26/06/2024\nA3,Citra,\n")
    before = passq.dump()
    result = passq("import", str(source), "--update")
    assert result.exit_code == 2
    assert "The travel date 26/06/2024 is before the applied date 27/06/2024" in result.stdout
    assert result.stderr.startswith("Nothing imported: 1 of 2 rows of")
    assert passq.dump() == before


# --- Dry run -----------------------------------------------------------------------------------


def test_dry_run_counts_and_writes_nothing(passq, tmp_path):
    passq.ok("import", str(write(tmp_path / "a.csv", "app_no,name\nA1,Ani\n")))
    before = passq.dump()
    source = write(tmp_path / "b.csv", "app_no,name,service\nA1,Ani Baru,\nA2,Budi,\nA3,Ci,kilat\n")
    result = passq("import", str(source), "--dry-run", "--skip-invalid", "--update")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"Dry run, nothing written: {source} would give 1 added, 0 already present, 1 updated, "
        "1 rejected.\n"
    )
    assert passq.dump() == before
    assert not (tmp_path / "b.rejects.csv").exists()
    result = passq("import", str(source), "--dry-run")
    assert result.exit_code == 2 and "kilat" in result.stdout
    assert passq.dump() == before


# --- Progress -------------------------------------------------------------------------------


def test_no_progress_bar_when_stderr_is_not_a_terminal(passq, tmp_path):
    rows = "".join(f"A{i},Pemohon\n" for i in range(6000))
    source = write(tmp_path / "big.csv", "app_no,name\n" + rows)
    result = passq("import", str(source))
    assert (result.exit_code, result.stderr) == (0, "")
    assert count(passq) == 6000


def test_the_progress_bar_only_for_long_files_on_a_terminal(monkeypatch):
    with render.progress("Checking rows", 6000, 5000) as advance:
        assert advance is None  # pytest's stderr is not a terminal
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    with render.progress("Checking rows", 100, 5000) as advance:
        assert advance is None
    with render.progress("Checking rows", 6000, 5000) as advance:
        advance(3000, 6000)
        advance(6000, 6000)


# --- Export -----------------------------------------------------------------------------------


def exported(passq, *args: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(passq.ok("export", *args).stdout)))


def import_columns(rows: list[dict]) -> list[dict]:
    return [{column: row[column] for column in importer.IMPORT_COLUMNS} for row in rows]


def test_export_reimports_into_a_fresh_database_and_exports_equal(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    passq.ok("next-batch", "--size", "4")
    passq.ok("printed", "--batch", "1")
    target = tmp_path / "all.csv"
    result = passq("export", "--output", str(target))
    assert (result.exit_code, result.stdout) == (
        0,
        f"Exported {EXAMPLE_ROWS} applications to {target}.\n",
    )
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    first = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert list(first[0]) == list(importer.EXPORT_COLUMNS)
    fresh = type(passq)(tmp_path / "fresh.db")
    result = fresh("import", str(target))
    assert (result.exit_code, result.stderr) == (0, "")  # state columns are known, not reported
    assert result.stdout == summary(target, added=EXAMPLE_ROWS)
    assert import_columns(exported(fresh)) == import_columns(first)
    assert import_columns(exported(passq)) == import_columns(first)


def test_export_columns_status_filter_and_planned_day(passq):
    passq.ok("import", str(EXAMPLE))
    passq.ok("next-batch", "--size", "2")
    rows = exported(passq)
    assert len(rows) == EXAMPLE_ROWS
    assert [r["app_no"] for r in rows] == sorted(r["app_no"] for r in rows)
    claimed = [r for r in rows if r["status"] == "claimed"]
    assert len(claimed) == 2 and all(
        r["batch_id"] == "1" and r["planned_day"] == "" for r in claimed
    )
    pending = exported(passq, "--status", "pending")
    assert len(pending) == EXAMPLE_ROWS - 2
    assert all(r["planned_day"] >= "2024-06-27" for r in pending)
    assert {r["status"] for r in exported(passq, "--status", "claimed")} == {"claimed"}
    assert exported(passq, "--status", "printed") == []


def test_export_json_to_standard_output(passq):
    passq.ok("import", str(EXAMPLE))
    data = json.loads(passq.ok("export", "--format", "json", "--output", "-").stdout)
    assert len(data) == EXAMPLE_ROWS
    first = next(item for item in data if item["app_no"] == "3301240613000031")
    assert first["travel"] == "2024-06-28" and first["urgent"] is None
    assert list(first) == list(importer.EXPORT_COLUMNS)


def test_export_xlsx_needs_a_file_and_reimports(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    result = passq("export", "--format", "xlsx")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "An xlsx export cannot go to standard output: give a file with --output.\n",
    )
    target = tmp_path / "backlog.xlsx"
    passq.ok("export", "--format", "xlsx", "--output", str(target))
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    fresh = type(passq)(tmp_path / "fresh.db")
    assert fresh.ok("import", str(target)).stdout == summary(target, added=EXAMPLE_ROWS)
    assert import_columns(exported(fresh)) == import_columns(exported(passq))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "ods"), "Unknown format 'ods': use csv, json or xlsx.\n"),
        (
            ("--status", "lost"),
            "Unknown status 'lost': use pending, claimed, printed, collected, cancelled, all.\n",
        ),
    ],
)
def test_export_refuses_unknown_values(passq, args, message):
    result = passq("export", *args)
    assert (result.exit_code, result.stderr) == (2, message)


def test_export_to_a_folder_or_missing_folder_is_one_sentence(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    result = passq("export", "--output", str(tmp_path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"{tmp_path} is a folder: give a file name with --output.\n",
    )
    missing = tmp_path / "no" / "such.csv"
    result = passq("export", "--output", str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Cannot write {missing} (")
    assert list(tmp_path.glob("*.tmp")) == list(tmp_path.glob(".*")) == []


# --- Random files never break the rule -------------------------------------------------------

ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
NUMBERS = st.sampled_from(["A1", "A2", "A3", "B/7", "C-9", "OLD1", "OLD2", "", "bad no"])


def column(*good: str) -> st.SearchStrategy[str]:
    """Mostly plausible values for one column, sometimes anything at all."""
    return st.one_of(st.sampled_from(["", *good]), st.sampled_from(good), ANY_TEXT)


ROW = st.tuples(
    NUMBERS,
    column("Ani", "Budi Santoso", "Siti  Rahayu"),
    column("biasa", "percepatan", "pmi", "kilat"),
    column("27/06/2024", "2024-06-20", "20-06-2024", "31/02/2024", "28/06/2024"),
    column("28/06/2024", "+3", "tomorrow", "2024-06-01", "05/07/2024"),
    column("ya", "tidak", "berobat"),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(ROW, max_size=8),
    skip_invalid=st.booleans(),
    update=st.booleans(),
    delimiter=st.sampled_from([",", ";"]),
)
def test_random_rows_never_give_a_traceback_or_a_partial_write(
    passq, rows, skip_invalid, update, delimiter
):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        passq = type(passq)(folder / "passq.db")
        passq.ok("add", "OLD1", "--name", "Lama Satu", "--travel", "05/07/2024")
        passq.ok("add", "OLD2", "--name", "Lama Dua")
        before = passq.dump()
        text = io.StringIO()
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\n")
        writer.writerow(["app_no", "name", "service", "applied", "travel", "urgent"])
        writer.writerows(rows)
        source = write(folder / "in.csv", text.getvalue())
        args = ["import", str(source)]
        args += ["--skip-invalid"] * skip_invalid + ["--update"] * update
        result = passq(*args)
        event(f"exit {result.exit_code}")

        assert result.exit_code in (0, 1, 2), result.exception
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "Traceback" not in result.stdout + result.stderr
        if result.exit_code != 0:
            assert result.stderr.count("\n") == 1
            assert passq.dump() == before
            return
        stored = {r[0] for r in passq.rows("SELECT app_no FROM applications")}
        added = stored - {"OLD1", "OLD2"}
        # Done: every valid new row landed (with --skip-invalid; without it, every row was valid).
        checked = importer.check_rows(importer.read_table(source), TODAY)
        assert skip_invalid or not checked.problems
        valid_new = {r["app_no"] for r in checked.records} - {"OLD1", "OLD2"}
        event("some rows added" if valid_new else "no row added")
        assert added == valid_new
        assert count(passq, "applications") == 2 + len(valid_new)
        commands = passq.rows("SELECT DISTINCT command_id FROM events WHERE command_id > 2")
        assert len(commands) <= 1
