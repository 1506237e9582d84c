"""`passq import` never drops a column silently (issue 11, item 4): the headers offices write,
the columns that look like dates or phones, title rows, sheets, Windows ANSI, broken quotes."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.test_cli_import import book, count, summary, write

TITLE = "DAFTAR PASPOR BELUM DICETAK"


def workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    made = Workbook()
    made.remove(made.active)
    for name, rows in sheets.items():
        sheet = made.create_sheet(name)
        for row in rows:
            sheet.append(row)
    made.save(path)
    return path


# --- The headers offices write ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "value", "field", "stored"),
    [
        ("Tgl Berangkat", "01/07/2024", "travel", "2024-07-01"),
        ("Tgl. Berangkat", "01/07/2024", "travel", "2024-07-01"),
        ("Tanggal Keberangkatan", "01/07/2024", "travel", "2024-07-01"),
        ("Jadwal Keberangkatan", "01/07/2024", "travel", "2024-07-01"),
        ("Tanggal Perjalanan", "01/07/2024", "travel", "2024-07-01"),
        ("Travel Date", "2024-07-01", "travel", "2024-07-01"),
        ("travel_date", "2024-07-01", "travel", "2024-07-01"),
        ("HP", "0812-3456-7890", "phone", "+6281234567890"),
        ("Nomor HP", "0812-3456-7890", "phone", "+6281234567890"),
        ("Nomor Telepon", "0812 3456 7890", "phone", "+6281234567890"),
        ("No. WhatsApp", "+62 812-3456-7890", "phone", "+6281234567890"),
        ("WA", "6281234567890", "phone", "+6281234567890"),
        ("Tgl Permohonan", "20/06/2024", "applied", "2024-06-20"),
    ],
)
def test_the_headers_offices_write_are_read(passq, tmp_path, header, value, field, stored):
    source = write(tmp_path / "in.csv", f"Nomor Permohonan;Nama;{header}\nA1;Ani;{value}\n")
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout, result.stderr) == (0, summary(source, added=1), "")
    assert book(passq, "A1")[field] == stored


# --- Unknown columns that look like dates or phone numbers ------------------------------------


def test_an_unknown_date_column_stops_the_import_and_the_dry_run(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(tmp_path / "in.csv", "app_no,name,Tgl Brkt\nA1,Ani,01/07/2024\n")
    sentence = (
        f"Column 'Tgl Brkt' of {source} looks like dates, but passq does not know it: import it "
        'with --column "Tgl Brkt=travel" (or =applied), or leave it out with '
        '--ignore-column "Tgl Brkt".\n'
    )
    for args in ((), ("--dry-run",), ("--skip-invalid",)):
        result = passq("import", str(source), *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", sentence)
        assert passq.dump() == before


@pytest.mark.parametrize(
    ("header", "cells", "kind"),
    [
        ("Kapan", ["01/07/2024", "5 Juli 2024", "", "2024-07-09"], "dates"),
        ("Kontak", ["0812-3456-7890", "+62 813 1111 2222", "81299998888"], "phone numbers"),
        ("Telp Rumah", ["-", "-"], "phone numbers"),  # the header says so
    ],
)
def test_an_unknown_column_is_judged_by_its_header_or_its_cells(
    passq, add_books, tmp_path, header, cells, kind
):
    add_books(("OLD1",))
    before = passq.dump()
    rows = "".join(f"A{i},Ani,{cell}\n" for i, cell in enumerate(cells))
    source = write(tmp_path / "in.csv", f"app_no,name,{header}\n{rows}")
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Column '{header}' of {source} looks like {kind}, but ")
    assert passq.dump() == before


def test_a_column_without_header_that_looks_like_dates_stops_the_import(passq, tmp_path):
    source = workbook(
        tmp_path / "in.xlsx",
        {"Sheet1": [["app_no", "name", None, "note"], ["A1", "Ani", date(2024, 7, 1), "x"]]},
    )
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"Column C of {source} has no header but looks like dates or phone numbers: write its "
        "header (travel, applied or phone) and import again.\n",
    )


def test_postcodes_and_other_numbers_are_not_phones(passq, tmp_path):
    source = write(tmp_path / "in.csv", "app_no,name,Kode Pos,NIK\nA1,Ani,53211,3302011234560001\n")
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout) == (0, summary(source, added=1))
    assert result.stderr == f"Ignored columns passq does not know in {source}: 'Kode Pos', 'NIK'.\n"


def test_several_suspect_columns_are_named_in_one_sentence(passq, tmp_path):
    source = write(
        tmp_path / "in.csv", "app_no,name,Tgl Brkt,Kontak\nA1,Ani,01/07/2024,0812345678\n"
    )
    result = passq("import", str(source))
    assert (result.exit_code, result.stderr) == (
        2,
        f"Columns 'Tgl Brkt', 'Kontak' of {source} look like dates or phone numbers, but passq "
        'does not know them: import each with --column "Header=field" (travel, applied or '
        'phone), or leave it out with --ignore-column "Header".\n',
    )


def test_column_maps_a_header_and_ignore_column_drops_one(passq, tmp_path):
    source = write(
        tmp_path / "in.csv",
        "app_no,name,Tgl Brkt,Kontak,Tgl Lahir\nA1,Ani,01/07/2024,0812-3456-7890,01/01/1990\n",
    )
    result = passq(
        "import",
        str(source),
        "--column",
        "tgl brkt=travel",  # headers match as import reads them: case, dots and spaces alike
        "--column",
        "Kontak=nomor_hp",  # a field by any header spelling passq knows
        "--ignore-column",
        "Tgl Lahir",
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, summary(source, added=1), "")
    stored = book(passq, "A1")
    assert (stored["travel"], stored["phone"]) == ("2024-07-01", "+6281234567890")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--column", "Tgl Brkt"),
            "Invalid --column 'Tgl Brkt': write the column's header, '=' and the field it holds, "
            "one of app_no, name, phone, service, urgent, applied, travel, destination, note, "
            'language; for example --column "Tgl Brkt=travel".\n',
        ),
        (
            ("--column", "Tgl Brkt=kapan"),
            "Invalid --column 'Tgl Brkt=kapan': write the column's header, '=' and the field it "
            "holds, one of app_no, name, phone, service, urgent, applied, travel, destination, "
            'note, language; for example --column "Tgl Brkt=travel".\n',
        ),
        (
            ("--ignore-column", "Tgl Brangkat"),
            "There is no column 'Tgl Brangkat' in {source} (found 'app_no', 'name', 'Tgl Brkt').\n",
        ),
        (
            ("--column", "Brkt=travel"),
            "There is no column 'Brkt' in {source} (found 'app_no', 'name', 'Tgl Brkt').\n",
        ),
    ],
)
def test_column_options_that_do_not_fit_the_file_are_refused(
    passq, add_books, tmp_path, args, message
):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(tmp_path / "in.csv", "app_no,name,Tgl Brkt\nA1,Ani,01/07/2024\n")
    result = passq("import", str(source), *args)
    assert (result.exit_code, result.stderr) == (2, message.format(source=source))
    assert passq.dump() == before


# --- Where the header is -----------------------------------------------------------------------


def test_the_header_below_a_title_row_of_a_csv(passq, tmp_path):
    source = write(
        tmp_path / "in.csv",
        f"{TITLE};;\nKantor Imigrasi Contoh;;\n;;\nNo;Nomor Permohonan;Nama;Layanan\n"
        "1;A1;Ani;biasa\n2;A2;Budi;kilat\n",
    )
    result = passq("import", str(source))
    assert result.exit_code == 2
    row = next(line for line in result.stdout.splitlines() if "kilat" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][:2] == ["6", "Layanan"]
    assert result.stderr.splitlines() == [
        f"Ignored columns passq does not know in {source}: 'No'.",
        f"Nothing imported: 1 of 2 rows of {source} have problems; fix them and import again, "
        "or give --skip-invalid to import the other 1 and write these to "
        f"{tmp_path / 'in.rejects.csv'}.",
    ]


def test_the_header_below_a_title_row_of_a_workbook_with_excel_dates(passq, tmp_path):
    source = workbook(
        tmp_path / "in.xlsx",
        {
            "Sheet1": [
                [TITLE],
                [],
                ["No", "No. Permohonan", "Nama", "Tgl Berangkat", "Tgl Permohonan"],
                [1, "A1", "Ani", datetime(2024, 7, 1), 45463],  # a real date; a serial number
                [2, "A2", "Budi", 45474, date(2024, 6, 21)],
            ]
        },
    )
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout) == (0, summary(source, added=2))
    assert (book(passq, "A1")["travel"], book(passq, "A1")["applied"]) == (
        "2024-07-01",
        "2024-06-20",
    )
    assert (book(passq, "A2")["travel"], book(passq, "A2")["applied"]) == (
        "2024-07-01",
        "2024-06-21",
    )


# --- Every sheet, or the one named -----------------------------------------------------------


def two_sheets(tmp_path: Path) -> Path:
    return workbook(
        tmp_path / "months.xlsx",
        {
            "Juli": [["app_no", "name", "travel"], ["A1", "Ani", "01/07/2024"]],
            "Catatan": [["Dicetak oleh loket 2"]],
            "Agustus": [
                ["Tgl Berangkat", "Nama", "Nomor Permohonan", "HP"],
                ["05/08/2024", "Budi", "A2", "081234567890"],
                ["06/08/2024", "Citra", "A3", "nomor"],
            ],
        },
    )


def test_every_sheet_with_rows_is_read_and_rows_are_named_by_sheet(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = two_sheets(tmp_path)
    result = passq("import", str(source))
    assert result.exit_code == 2
    row = next(line for line in result.stdout.splitlines() if "nomor" in line)
    assert [cell.strip() for cell in row.strip("│ ").split("│")][:3] == ["Agustus!3", "HP", "nomor"]
    assert result.stderr.splitlines()[-1].startswith(
        f"Nothing imported: 1 of 3 rows of {source} have problems"
    )
    assert passq.dump() == before
    result = passq("import", str(source), "--skip-invalid")
    assert result.exit_code == 0
    assert result.stderr == (
        f"Sheets of {source} left out, no column passq knows in them: 'Catatan'.\n"
    )
    assert result.stdout.startswith(summary(source, added=2, rejected=1))
    assert count(passq) == 3
    assert (book(passq, "A1")["travel"], book(passq, "A2")["travel"]) == (
        "2024-07-01",
        "2024-08-05",
    )
    assert book(passq, "A2")["phone"] == "+6281234567890"
    # The rejected row, laid out in the first sheet's columns, in the office's separator.
    rejects = (tmp_path / "months.rejects.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejects[0] == "app_no,name,travel,HP,reason"
    assert rejects[1].startswith("A3,Citra,06/08/2024,nomor,")


def test_the_same_number_on_two_sheets_names_both(passq, tmp_path):
    source = workbook(
        tmp_path / "in.xlsx",
        {"Juli": [["app_no", "name"], ["A1", "Ani"]], "Agustus": [["app_no", "name"], ["A1", "A"]]},
    )
    result = passq("import", str(source))
    assert result.exit_code == 2
    shown = "".join(result.stdout.replace("│", "").split())
    assert "ApplicationnumberA1appearsmorethanonce,onrowsJuli!2,Agustus!2:keeponerow." in shown
    assert not passq.created() or count(passq) == 0


def test_sheet_reads_one_sheet_only(passq, tmp_path):
    source = two_sheets(tmp_path)
    result = passq("import", str(source), "--sheet", "juli")
    assert (result.exit_code, result.stdout, result.stderr) == (0, summary(source, added=1), "")
    assert [r[0] for r in passq.rows("SELECT app_no FROM applications")] == ["A1"]


def test_sheet_that_is_not_there_or_on_a_csv_is_one_sentence(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = two_sheets(tmp_path)
    result = passq("import", str(source), "--sheet", "Sept")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"{source} has no sheet 'Sept': its sheets are 'Juli', 'Catatan', 'Agustus'.\n",
    )
    csv_file = write(tmp_path / "in.csv", "app_no,name\nA1,Ani\n")
    result = passq("import", str(csv_file), "--sheet", "Juli")
    assert (result.exit_code, result.stderr) == (
        2,
        f"{csv_file} is a CSV file, it has no sheets: --sheet is for .xlsx workbooks.\n",
    )
    assert passq.dump() == before


# --- How the text is written ---------------------------------------------------------------------


def test_a_csv_saved_as_windows_ansi_is_read(passq, tmp_path):
    source = tmp_path / "ansi.csv"
    source.write_bytes("app_no;name;note\nA1;José Ramos;café – 2×\n".encode("cp1252"))
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout, result.stderr) == (0, summary(source, added=1), "")
    assert (book(passq, "A1")["name"], book(passq, "A1")["note"]) == ("José Ramos", "café – 2×")


def test_a_utf8_csv_stays_utf8(passq, tmp_path):
    source = write(tmp_path / "utf8.csv", "app_no;name\nA1;José Ramos\n")
    assert passq("import", str(source)).exit_code == 0
    assert book(passq, "A1")["name"] == "José Ramos"


def test_an_unclosed_quote_names_its_row(passq, add_books, tmp_path):
    add_books(("OLD1",))
    before = passq.dump()
    source = write(tmp_path / "in.csv", 'app_no,name,note\nA1,Ani,\nA2,Budi,"lihat\nA3,Citra,\n')
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"{source} has a quote opened on row 3 and never closed: close it (or delete it) in "
        "that row and import again.\n",
    )
    assert passq.dump() == before


def test_a_stray_quote_inside_a_cell_is_still_read(passq, tmp_path):
    source = write(tmp_path / "in.csv", 'app_no,name,note\nA1,Ani,"Jl. Mawar" 5\nA2,Budi,\n')
    result = passq("import", str(source))
    assert (result.exit_code, result.stdout) == (0, summary(source, added=2))
    assert book(passq, "A1")["note"] == "Jl. Mawar 5"
