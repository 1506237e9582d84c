"""`passq export` writes files Excel opens (issue 11, item 5), and a file passq cannot write
(on Windows: one open in Excel) is one sentence, never a traceback (item 10)."""

from __future__ import annotations

import csv
import io
import json
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passq.files import exports
from tests.test_cli_import import EXAMPLE, EXAMPLE_ROWS, book, summary, write

EXCEL = "close it in Excel"
# Cells a spreadsheet would run as formulas, typed as a clerk might (or as an attacker would).
RISKY = {
    "A1": ('=HYPERLINK("http://x.invalid","klik")', "+1 minggu"),
    "A2": ("-5 hari", "@SUM(1+1)"),
}


def risky_books(passq) -> None:
    for app_no, (note, destination) in RISKY.items():
        passq.ok("add", app_no, "--name", "Pemohon", "--note", note, "--destination", destination)


def read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=delimiter))


# --- The format, from the extension -----------------------------------------------------------


def test_an_xlsx_output_is_an_excel_workbook_without_format(passq, tmp_path):
    from openpyxl import load_workbook

    passq.ok("import", str(EXAMPLE))
    target = tmp_path / "backlog.xlsx"
    result = passq("export", "--output", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"Exported {EXAMPLE_ROWS} applications to {target}.\n",
        "",
    )
    assert target.read_bytes()[:4] == b"PK\x03\x04"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    sheet = load_workbook(target).active
    assert sheet.max_row == EXAMPLE_ROWS + 1
    assert [cell.value for cell in sheet[1]][:3] == ["app_no", "name", "phone"]


@pytest.mark.parametrize(
    ("name", "args", "starts"),
    [
        ("out.json", (), b"[\n  {"),
        ("OUT.XLSX", (), b"PK\x03\x04"),
        ("out.xlsx", ("--format", "csv"), "\ufeffapp_no,".encode()),  # --format wins
        ("out.txt", (), "\ufeffapp_no,".encode()),
    ],
)
def test_the_format_comes_from_the_extension_unless_given(passq, tmp_path, name, args, starts):
    passq.ok("import", str(EXAMPLE))
    target = tmp_path / name
    passq.ok("export", "--output", str(target), *args)
    assert target.read_bytes().startswith(starts)


# --- The separator ----------------------------------------------------------------------------


def test_csv_uses_comma_unless_the_office_or_the_option_says_semicolon(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    assert passq.ok("export").stdout.startswith("app_no,name,phone,")
    assert passq.ok("config", "set", "csv_delimiter", "titik koma").stdout == (
        "csv_delimiter is now ;.\n"
    )
    assert passq.ok("export").stdout.startswith("app_no;name;phone;")
    target = tmp_path / "excel.csv"
    passq.ok("export", "--output", str(target))
    rows = read_csv(target, ";")
    assert len(rows) == EXAMPLE_ROWS + 1 and len(rows[1]) == len(rows[0])
    assert passq.ok("export", "--delimiter", ",").stdout.startswith("app_no,name,phone,")
    passq.ok("config", "set", "csv_delimiter", ",")
    assert passq.ok("export", "--delimiter", "semicolon").stdout.startswith("app_no;name;")
    # An export with ';' imports back as it is.
    fresh = type(passq)(tmp_path / "fresh.db")
    assert fresh.ok("import", str(target)).stdout == summary(target, added=EXAMPLE_ROWS)


@pytest.mark.parametrize(
    ("args", "code", "sentence"),
    [
        (
            ("export", "--delimiter", "|"),
            2,
            "Invalid --delimiter '|': use ',' (comma) or ';' (semicolon, what Indonesian Excel "
            "expects).",
        ),
        (
            ("export", "--delimiter", ";", "--format", "json"),
            2,
            "--delimiter is for CSV exports only: leave it out for json.",
        ),
        (
            ("config", "set", "csv_delimiter", "tab"),
            2,
            "Invalid csv_delimiter 'tab': use ',' (comma) or ';' (semicolon, what Indonesian "
            "Excel expects).",
        ),
    ],
)
def test_a_separator_that_is_not_one_is_refused(passq, args, code, sentence):
    passq.ok("config", "show")
    before = passq.dump()
    result = passq(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", sentence + "\n")
    assert passq.dump() == before


# --- No cell runs as a formula ------------------------------------------------------------------


def test_csv_cells_that_would_run_as_formulas_are_marked_and_read_back(passq, tmp_path):
    risky_books(passq)
    target = tmp_path / "out.csv"
    passq.ok("export", "--output", str(target))
    rows = read_csv(target)
    header = rows[0]
    for row in rows[1:]:
        cells = dict(zip(header, row, strict=True))
        note, destination = RISKY[cells["app_no"]]
        assert (cells["note"], cells["destination"]) == ("'" + note, "'" + destination)
    assert all(not cell.startswith(exports.FORMULA_STARTS) for row in rows for cell in row)
    fresh = type(passq)(tmp_path / "fresh.db")
    assert fresh.ok("import", str(target)).stdout == summary(target, added=2)
    for app_no, (note, destination) in RISKY.items():
        assert (book(fresh, app_no)["note"], book(fresh, app_no)["destination"]) == (
            note,
            destination,
        )


def test_xlsx_cells_that_look_like_formulas_are_text(passq, tmp_path):
    from openpyxl import load_workbook

    risky_books(passq)
    target = tmp_path / "out.xlsx"
    passq.ok("export", "--output", str(target))
    sheet = load_workbook(target).active
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        cells = {name: cell for name, cell in zip(header, row, strict=True)}
        note, destination = RISKY[cells["app_no"].value]
        assert (cells["note"].value, cells["destination"].value) == (note, destination)
        assert cells["note"].data_type == cells["destination"].data_type == "s"
    fresh = type(passq)(tmp_path / "fresh.db")
    assert fresh.ok("import", str(target)).exit_code == 0
    assert book(fresh, "A1")["note"] == RISKY["A1"][0]


def test_json_keeps_the_values_as_they_are(passq):
    risky_books(passq)
    data = json.loads(passq.ok("export", "--format", "json").stdout)
    assert {item["app_no"]: (item["note"], item["destination"]) for item in data} == RISKY


# --- An existing file -------------------------------------------------------------------------


def test_an_existing_file_is_replaced_only_with_force(passq, tmp_path):
    passq.ok("import", str(EXAMPLE))
    target = write(tmp_path / "laporan.csv", "kept\n")
    result = passq("export", "--output", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"{target} already exists: give --force to replace it, or another --output.\n",
    )
    assert target.read_text() == "kept\n"
    result = passq("export", "--output", str(target), "--force")
    assert (result.exit_code, result.stdout) == (
        0,
        f"Exported {EXAMPLE_ROWS} applications to {target}.\n",
    )
    assert len(read_csv(target)) == EXAMPLE_ROWS + 1


# --- A file passq cannot write (open in Excel) -------------------------------------------------


def test_an_export_over_a_file_excel_holds_is_one_sentence(passq, tmp_path, monkeypatch):
    passq.ok("import", str(EXAMPLE))
    target = write(tmp_path / "laporan.xlsx", "held by Excel")

    def held(source, destination):  # what Windows answers while Excel has the file open
        raise PermissionError(13, "Permission denied", str(destination))

    monkeypatch.setattr(exports.os, "replace", held)
    result = passq("export", "--output", str(target), "--force")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Cannot write {target} (Permission denied): if it is open in Excel, {EXCEL}; then try "
        "again.\n",
    )
    assert target.read_text() == "held by Excel"
    # No half-written file left beside it (the SQLite database file aside).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "passq.db") == ["laporan.xlsx"]


def test_a_rejects_file_that_cannot_be_written_stops_the_import_first(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(tmp_path / "day.csv", "app_no,name,service\nA1,Ani,\nA2,Budi,kilat\n")
    in_the_way = tmp_path / "day.rejects.csv"
    in_the_way.mkdir()
    result = passq("import", str(source), "--skip-invalid")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"Cannot write {in_the_way} (Is a directory): if it is open in Excel, {EXCEL}; then try "
        "again.\n",
    )
    assert passq.dump() == before
    result = passq(
        "import", str(source), "--skip-invalid", "--rejects", str(tmp_path / "no" / "r.csv")
    )
    assert (result.exit_code, result.stderr) == (
        2,
        f"The folder {tmp_path / 'no'} does not exist: create it first, or give another path.\n",
    )
    assert passq.dump() == before


def test_a_rejects_file_excel_takes_meanwhile_says_what_was_imported(passq, tmp_path, monkeypatch):
    source = write(tmp_path / "day.csv", "app_no,name,service\nA1,Ani,\nA2,Budi,kilat\n")
    rejects = tmp_path / "day.rejects.csv"

    def held(path, mode, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(exports, "_private_open", held)
    result = passq("import", str(source), "--skip-invalid")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"{source.name} was imported, but its rejected rows could not be written to {rejects} "
        f"(Permission denied): {EXCEL} if it is open there, then import {source.name} again "
        "with --skip-invalid to write them (nothing is added twice).\n",
    )
    assert [r[0] for r in passq.rows("SELECT app_no FROM applications")] == ["A1"]
    monkeypatch.undo()
    result = passq("import", str(source), "--skip-invalid")
    assert result.stdout.startswith(summary(source, present=1, rejected=1))
    assert rejects.exists()


# --- The README's Excel round trip ----------------------------------------------------------------


def test_the_excel_round_trip_export_edit_import_update(passq, tmp_path):
    from openpyxl import load_workbook

    passq.ok("import", str(EXAMPLE))
    target = tmp_path / "koreksi.xlsx"
    passq.ok("export", "--status", "pending", "--output", str(target))
    workbook = load_workbook(target)
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    first = sorted(rows)[0]
    rows[first][header.index("name")].value = "Nama Diperbaiki"
    workbook.save(target)
    before = passq.dump()
    result = passq("import", str(target), "--update", "--dry-run")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        f"Dry run, nothing written: {target} would give 0 added, {EXAMPLE_ROWS - 1} already "
        "present, 1 updated, 0 rejected.\n",
        "",
    )
    assert passq.dump() == before
    passq.ok("next-batch", "--size", "1")  # a book taken to print meanwhile is left alone
    claimed = passq.rows("SELECT app_no FROM applications WHERE status = 'claimed'")[0][0]
    rows[claimed][header.index("note")].value = "diubah di Excel"
    workbook.save(target)
    result = passq("import", str(target))
    assert result.stdout.endswith(
        "1 row differs from the book already present: import again with --update to apply it.\n"
    )
    result = passq("import", str(target), "--update")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == summary(target, present=EXAMPLE_ROWS - 1, updated=1) + (
        f"1 book the file changes is past pending and was left as it is: {claimed}.\n"
    )
    assert book(passq, first)["name"] == "Nama Diperbaiki"
    assert book(passq, claimed)["note"] != "diubah di Excel"


# --- Random text in every option of import and export ----------------------------------------

OPTION_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=16)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    option=st.sampled_from(["--column", "--ignore-column", "--sheet", "--rejects"]),
    text=OPTION_TEXT,
    workbook_file=st.booleans(),
)
def test_random_text_in_import_options_is_never_a_traceback(
    passq, tmp_path, option, text, workbook_file
):
    source = two_sheets_or_csv(tmp_path, workbook_file)
    args = ["import", str(source), option, text]
    if option == "--rejects":
        args.append("--skip-invalid")
    result = passq(*args)
    assert result.exit_code in (0, 1, 2), result.exception
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code:
        assert result.stderr.count("\n") == 1, result.stderr


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    option=st.sampled_from(["--delimiter", "--format", "--output", "--status"]),
    text=OPTION_TEXT,
)
def test_random_text_in_export_options_is_never_a_traceback(passq, tmp_path, option, text):
    with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
        args = ["export", option, text]
        if option == "--output" and text and text != "-":
            args[2] = str(Path(folder) / text)
        result = passq(*args)
        assert result.exit_code in (0, 1, 2), result.exception
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        if result.exit_code:
            assert result.stderr.count("\n") == 1, result.stderr


def two_sheets_or_csv(folder: Path, workbook_file: bool) -> Path:
    if not workbook_file:
        return write(folder / "in.csv", "app_no,name,Tgl Brkt\nA1,Ani,01/07/2024\n")
    target = folder / "in.xlsx"
    if not target.exists():
        from openpyxl import Workbook

        made = Workbook()
        made.active.append(["app_no", "name", "Tgl Brkt"])
        made.active.append(["A1", "Ani", "01/07/2024"])
        made.create_sheet("Juli").append(["app_no", "name"])
        made.save(target)
    return target


def test_typed_text_is_echoed_on_one_line_and_a_nul_name_is_refused(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    result = passq("export", "--delimiter", "a\nb")
    assert (result.exit_code, result.stderr) == (
        2,
        "Invalid --delimiter 'a\\nb': use ',' (comma) or ';' (semicolon, what Indonesian Excel "
        "expects).\n",
    )
    source = write(tmp_path / "in.csv", "app_no,name\nA1,Ani\nA2,\n")
    result = passq("import", str(source), "--skip-invalid", "--rejects", "a\x00b")
    assert (result.exit_code, result.stderr) == (
        2,
        "--rejects 'a\\x00b' is not a file name passq can write: give another.\n",
    )
    result = passq("export", "--output", str(tmp_path / ("x" * 256)))
    assert result.exit_code == 2
    assert result.stderr.endswith("is not a file name passq can write: give another.\n")
    assert passq.dump() == before
