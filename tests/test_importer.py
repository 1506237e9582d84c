"""The file-level half of import/export: reading tables, checking rows, writing exports."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import stat
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from passq.domain.records import APP_NO_PATTERN, FIELDS, check_phone, new_application
from passq.errors import Invalid
from passq.files.spreadsheets import (
    EXPORT_COLUMNS,
    HEADER_ALIASES,
    IMPORT_COLUMNS,
    NOT_URGENT,
    URGENT_WORDS,
    Checked,
    Problem,
    Table,
    _indonesian_mobile,
    check_rows,
    read_table,
    write_csv,
    write_json,
    write_rejects,
    write_xlsx,
)

TODAY = date(2024, 6, 27)
EXAMPLE = Path(__file__).parent.parent / "examples" / "backlog.csv"
DATE_FORMS = "use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 27 Juni 2024, today, tomorrow or +N."


def write(tmp_path: Path, content: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def load(tmp_path: Path, content: str | bytes, name: str = "in.csv") -> Table:
    return read_table(write(tmp_path, content, name))


def check(tmp_path: Path, content: str | bytes, today: date = TODAY) -> Checked:
    return check_rows(load(tmp_path, content), today)


def only_problem(tmp_path: Path, content: str) -> Problem:
    checked = check(tmp_path, content)
    assert len(checked.problems) == 1, checked.problems
    assert checked.records == []
    return checked.problems[0]


def record(app_no: str, **fields) -> dict:
    base = {field: None for field in FIELDS}
    base.update(service="regular", applied=TODAY, app_no=app_no)
    base.update(fields)
    return base


# --- Headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("alias", "field"), sorted(HEADER_ALIASES.items()))
def test_each_header_alias_names_its_field(tmp_path, alias, field):
    header = {"app_no": "app_no", "name": "name", field: alias}
    table = load(tmp_path, ",".join(header.values()) + "\n")
    assert table.columns[field] == list(header).index(field)
    assert table.unknown == []


@pytest.mark.parametrize(
    "header",
    ["Nomor Permohonan", "NOMOR_PERMOHONAN", "nomor-permohonan", "  No Permohonan ", "App No"],
)
def test_headers_match_ignoring_case_spaces_underscores_and_hyphens(tmp_path, header):
    table = load(tmp_path, f"{header};Nama;No. HP;Tanggal  Berangkat\n")
    assert table.columns == {"app_no": 0, "name": 1, "phone": 2, "travel": 3}


def test_the_brief_lists_of_aliases_are_all_there():
    wanted = {
        "app_no": {"app_no", "nomor_permohonan", "no_permohonan"},
        "name": {"name", "nama"},
        "service": {"service", "layanan"},
        "applied": {"applied", "tanggal_wawancara", "tanggal_permohonan"},
        "travel": {"travel", "tanggal_berangkat"},
        "destination": {"destination", "tujuan"},
        "phone": {"phone", "telepon", "no_hp", "whatsapp"},
        "urgent": {"urgent", "mendesak"},
        "note": {"note", "catatan"},
    }
    for field, aliases in wanted.items():
        assert all(HEADER_ALIASES[alias] == field for alias in aliases)


def test_unknown_columns_are_reported_and_ignored_and_state_columns_ignored(tmp_path):
    table = load(tmp_path, "No.,app_no,name,Petugas,status,planned_day\n1,A1,Ani,Eka,printed,x\n")
    assert table.unknown == ["No.", "Petugas"]
    assert table.ignored == ["status", "planned_day"]
    assert check_rows(table, TODAY).records == [record("A1", name="Ani")]


def test_a_missing_required_column_lists_the_columns_found(tmp_path):
    with pytest.raises(Invalid) as error:
        load(tmp_path, "nomor;nama;layanan\n1;Ani;biasa\n", "kantor.csv")
    assert str(error.value) == (
        f"{tmp_path / 'kantor.csv'} has no app_no column (found 'nomor', 'nama', 'layanan'): "
        "name the columns app_no and name, or nomor_permohonan and nama."
    )
    with pytest.raises(Invalid, match="has no app_no or name column"):
        load(tmp_path, "phone\n0812\n")


def test_two_columns_for_one_field_are_refused(tmp_path):
    with pytest.raises(Invalid) as error:
        load(tmp_path, "app_no,name,Telepon,WhatsApp\n", "f.csv")
    assert str(error.value) == (
        f"Columns 'Telepon' and 'WhatsApp' in {tmp_path / 'f.csv'} both hold the phone: "
        "delete or rename one of them."
    )


# --- Encodings, delimiters, odd files -----------------------------------------------------


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_bom_and_delimiters_are_detected(tmp_path, bom, delimiter):
    # The other delimiter appears inside values: detection must go by the header.
    other = "," if delimiter != "," else ";"
    lines = [
        delimiter.join(["nomor_permohonan", "nama", "catatan"]),
        delimiter.join(["A1", "Siti Aminah", f"a{other}b{other}c"]),
    ]
    table = load(tmp_path, bom + "\r\n".join(lines).encode() + b"\r\n")
    assert table.delimiter == delimiter
    assert table.header == ["nomor_permohonan", "nama", "catatan"]
    assert check_rows(table, TODAY).records == [
        record("A1", name="Siti Aminah", note=f"a{other}b{other}c")
    ]


def test_an_excel_sep_line_sets_the_delimiter_and_is_not_a_row(tmp_path):
    table = load(tmp_path, "sep=,\napp_no,name\nA1,Ani\n")
    assert table.delimiter == ","
    assert table.rows == [(2, ["A1", "Ani"])]  # Excel hides the sep line


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf", b";;;\r\n;;;\r\n"])
def test_an_empty_file_is_one_sentence(tmp_path, content):
    with pytest.raises(Invalid) as error:
        load(tmp_path, content, "kosong.csv")
    assert str(error.value) == (
        f"{tmp_path / 'kosong.csv'} is empty: it needs a header row (app_no, name, …) and one "
        "row per application."
    )


def test_a_header_only_file_is_a_valid_file_with_no_rows(tmp_path):
    table = load(tmp_path, "nomor_permohonan;nama\n;\n\n")
    assert table.rows == []
    assert check_rows(table, TODAY) == Checked([], [], [], 0)


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"%PDF-1.7\n\xe2\xe3\xcf\xd3\x01\x02\x03",
    ],
)
def test_a_binary_file_is_one_sentence(tmp_path, content):
    with pytest.raises(Invalid) as error:
        load(tmp_path, content, "foto.csv")
    assert str(error.value) == (
        f"{tmp_path / 'foto.csv'} is not a CSV or Excel file (it holds binary data): export the "
        "spreadsheet as CSV UTF-8 or .xlsx and import that."
    )


def test_text_neither_utf8_nor_windows_ansi_is_refused_naming_the_byte_and_line(tmp_path):
    # 0x81 is no character in cp1252 (Windows ANSI), and not UTF-8 after 'A' either.
    content = "app_no;name\nA1;Ani\nA2;José Ramos\n".encode("latin-1") + b"A3;X\x81\n"
    with pytest.raises(Invalid) as error:
        load(tmp_path, content, "win.csv")
    assert str(error.value) == (
        f"{tmp_path / 'win.csv'} is not UTF-8 text (byte 0xE9 on line 3): in Excel save it as "
        "'CSV UTF-8 (Comma delimited)', or as .xlsx, and import that."
    )


def test_utf16_text_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(Invalid, match="is UTF-16 text"):
        load(tmp_path, "app_no\tname\nA1\tAni\n".encode("utf-16"))


def test_an_old_xls_workbook_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(Invalid, match=r"old Excel \.xls"):
        load(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "lama.xls")


def test_a_zip_that_is_not_a_workbook_is_one_sentence(tmp_path):
    import zipfile

    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(Invalid) as error:
        read_table(path)
    assert str(error.value) == (
        f"{path} could not be read as an Excel workbook: open it in Excel, save it again as "
        ".xlsx or as CSV UTF-8, and import that."
    )


def test_a_missing_file_is_one_sentence(tmp_path):
    with pytest.raises(Invalid, match=r"Cannot read .*nothing\.csv: No such file or directory\."):
        read_table(tmp_path / "nothing.csv")


def test_an_unclosed_quote_swallowing_the_file_is_one_sentence(tmp_path):
    content = 'app_no,name\nA1,"Ani\n' + "x" * 200_000 + "\n"
    with pytest.raises(Invalid, match=r"could not be read as CSV at row 2 .*never closed\."):
        load(tmp_path, content)


# --- Row numbers and blank rows -------------------------------------------------------------


def test_row_numbers_are_as_a_spreadsheet_shows_them(tmp_path):
    content = '\napp_no,name,note\nA1,Ani,"two\nlines"\n\n,,\nA2,,\n'
    table = load(tmp_path, content)
    assert [number for number, _cells in table.rows] == [3, 6]
    checked = check_rows(table, TODAY)
    assert checked.record_rows == [3]
    assert [(p.row, p.column) for p in checked.problems] == [(6, "name")]


def test_rows_with_data_only_in_unknown_columns_are_blank(tmp_path):
    checked = check(tmp_path, "No,app_no,name\n1,A1,Ani\n2,,\n3,,\n")
    assert checked.rows == 1
    assert checked.problems == []


def test_short_rows_read_missing_cells_as_empty(tmp_path):
    checked = check(tmp_path, "app_no;name;layanan;tanggal_berangkat\nA1;Ani\n")
    assert checked.records == [record("A1", name="Ani")]


def test_cells_beyond_the_header_are_a_problem_and_kept_in_the_rejects(tmp_path):
    table = load(tmp_path, "app_no;name;note\nA1;Ani;a;b;;\n")
    checked = check_rows(table, TODAY)
    message = "The row has 1 more cells than the header: put quotes around values that contain ';'."
    assert checked.problems == [Problem(2, "", "b", message)]
    assert checked.records == []
    path = tmp_path / "rejects.csv"
    write_rejects(checked.problems, table, path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows == [["app_no", "name", "note", "reason"], ["A1", "Ani", "a", message, "b"]]


# --- Checking values ------------------------------------------------------------------------


def test_defaults_match_add(tmp_path):
    checked = check(tmp_path, "app_no,name,service,applied,phone,urgent\nA1,Ani,,,,\n")
    assert checked.records == [record("A1", name="Ani")]
    assert checked.records[0] == new_application("A1", {"name": "Ani"}, TODAY)


def test_a_full_row_is_checked_like_add(tmp_path):
    content = (
        "nomor_permohonan;nama;layanan;tanggal_wawancara;tanggal_berangkat;tujuan;no_hp;"
        "mendesak;catatan\n"
        " 3301-2406/17 ;  Dewi   Lestari ;Percepatan;20/06/2024;01-07-2024; Malaysia ;"
        "0812-0000-4417;berobat;  kontrol  \n"
    )
    raw = {
        "name": "  Dewi   Lestari ",
        "service": "percepatan",
        "applied": "20/06/2024",
        "travel": "01-07-2024",
        "destination": " Malaysia ",
        "phone": "0812-0000-4417",
        "urgent": "berobat",
        "note": "  kontrol  ",
    }
    expected = new_application(" 3301-2406/17 ", raw, TODAY)
    checked = check(tmp_path, content)
    assert checked.records == [expected]
    assert expected["phone"] == "+6281200004417" and expected["service"] == "express"
    assert checked.record_rows == [2]


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("regular", "regular"),
        ("Biasa", "regular"),
        ("REGULER", "regular"),
        ("express", "express"),
        ("percepatan", "express"),
        ("PMI", "pmi"),
    ],
)
def test_service_values(tmp_path, text, service):
    assert check(tmp_path, f"app_no,name,layanan\nA1,Ani,{text}\n").records[0]["service"] == service


@pytest.mark.parametrize("text", ["", "0", "no", "Tidak", "FALSE", "  "])
def test_urgent_no_words(tmp_path, text):
    assert check(tmp_path, f"app_no,name,mendesak\nA1,Ani,{text}\n").records[0]["urgent"] is None


@pytest.mark.parametrize("text", ["yes", "Ya", "1", "TRUE", "x", "X"])
def test_urgent_yes_words_give_a_generic_reason(tmp_path, text):
    urgent = check(tmp_path, f"app_no,name,mendesak\nA1,Ani,{text}\n").records[0]["urgent"]
    assert urgent == "marked urgent in import"


def test_urgent_other_text_is_the_reason(tmp_path):
    urgent = check(tmp_path, "app_no,name,urgent\nA1,Ani, berobat ke Penang \n").records[0]
    assert urgent["urgent"] == "berobat ke Penang"


@pytest.mark.parametrize(
    "phone", ["081200004417", "0812-0000-4417", "62812 0000 4417", "+62 812-0000-4417"]
)
def test_phone_forms_are_one_number(tmp_path, phone):
    record_ = check(tmp_path, f"app_no;name;telepon\nA1;Ani;{phone}\n").records[0]
    assert record_["phone"] == "+6281200004417"


INVALID_CELLS = [
    (
        "app_no",
        "A 1",
        "Invalid application number 'A 1': use up to 40 letters, digits, '-' or '/', "
        "starting with a letter or digit.",
    ),
    ("app_no", "", "The application number is empty: every row needs one."),
    ("app_no", "A" * 41, None),
    ("name", "", "The name is empty: give the applicant's name as on the application."),
    ("name", "n" * 201, "The name has 201 characters: shorten it to at most 200."),
    ("name", "An\x07i", "The name contains control characters: remove them and try again."),
    ("service", "kilat", "Unknown service 'kilat': use regular, express or pmi."),
    ("applied", "32/06/2024", f"Invalid applied date '32/06/2024': {DATE_FORMS}"),
    ("applied", "2024/06/20", f"Invalid applied date '2024/06/20': {DATE_FORMS}"),
    (
        "applied",
        "tomorrow",
        "The applied date 28/06/2024 is in the future: give the interview date.",
    ),
    ("travel", "06/31/2024", f"Invalid travel date '06/31/2024': {DATE_FORMS}"),
    (
        "travel",
        "01/06/2024",
        "The travel date 01/06/2024 is before the applied date 27/06/2024: check both.",
    ),
    (
        "phone",
        "0812",
        "Invalid phone number '0812': use an Indonesian number such as 0812-3456-7890 or an "
        "international one starting with +.",
    ),
    ("destination", "d" * 1001, "The destination has 1001 characters: shorten it to at most 1000."),
    ("note", "a\x1bb", "The note contains control characters: remove them and try again."),
    (
        "urgent",
        "u" * 1001,
        "The urgent reason has 1001 characters: shorten it to at most 1000.",
    ),
]


@pytest.mark.parametrize(("field", "text", "message"), INVALID_CELLS)
def test_every_invalid_value_kind_names_its_cell(tmp_path, field, text, message):
    cells = {"app_no": "A1", "name": "Ani", field: text}
    header = ["Nomor Permohonan" if f == "app_no" else f for f in cells]
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, list(cells.values())])
    problem = only_problem(tmp_path, buffer.getvalue())
    assert (problem.row, problem.value) == (2, text)
    assert problem.column == ("Nomor Permohonan" if field == "app_no" else field)
    if message is not None:
        assert problem.message == message


def test_every_bad_cell_of_a_row_is_reported(tmp_path):
    checked = check(
        tmp_path,
        "app_no,name,service,applied,travel,phone\nA 1,,kilat,32/06/2024,x,0812\nA2,Ani,,,,\n",
    )
    assert [(p.row, p.column) for p in checked.problems] == [
        (2, "app_no"),
        (2, "name"),
        (2, "service"),
        (2, "applied"),
        (2, "travel"),
        (2, "phone"),
    ]
    assert checked.records == [record("A2", name="Ani")]
    assert checked.rejected_rows == [2]


def test_travel_before_a_defaulted_applied_day_names_travel(tmp_path):
    problem = only_problem(tmp_path, "app_no,name,travel\nA1,Ani,26/06/2024\n")
    assert problem.column == "travel"
    assert problem.message.startswith("The travel date 26/06/2024 is before")


def test_dates_relative_to_the_given_today(tmp_path):
    content = "app_no,name,applied,travel\nA1,Ani,today,+3\n"
    assert check(tmp_path, content, date(2024, 6, 20)).records == [
        record("A1", name="Ani", applied=date(2024, 6, 20), travel=date(2024, 6, 23))
    ]


def test_duplicate_numbers_reject_every_copy_naming_the_rows(tmp_path):
    content = "No,app_no,name\n1,A1,Ani\n2,A2,Budi\n3, A1 ,Ani S\n4,A1,\n"
    checked = check(tmp_path, content)
    message = "Application number A1 appears more than once, on rows 2, 4, 5: keep one row."
    assert checked.problems == [
        Problem(2, "app_no", "A1", message),
        Problem(4, "app_no", "A1", message),
        Problem(5, "app_no", "A1", message),
        Problem(
            5, "name", "", "The name is empty: give the applicant's name as on the application."
        ),
    ]
    assert checked.records == [record("A2", name="Budi")]
    assert checked.record_rows == [3]
    assert checked.rejected_rows == [2, 4, 5]


def test_progress_is_reported_in_steps_and_at_the_end(tmp_path):
    rows = "".join(f"A{i},Ani\n" for i in range(2500))
    calls = []
    check_rows(load(tmp_path, "app_no,name\n" + rows), TODAY, lambda d, t: calls.append((d, t)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]


def test_the_example_backlog_checks_cleanly():
    table = read_table(EXAMPLE)
    checked = check_rows(table, TODAY)
    assert table.delimiter == ";" and table.unknown == []
    assert checked.problems == []
    assert len(checked.records) == checked.rows == 20
    assert {r["service"] for r in checked.records} == {"regular", "express", "pmi"}
    assert all(r["phone"] is None or r["phone"].startswith("+628") for r in checked.records)


# --- Excel ----------------------------------------------------------------------------------


def test_xlsx_first_sheet_with_typed_cells(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Nomor Permohonan", "Nama", "Layanan", "Tanggal Wawancara", "Tanggal Berangkat"])
    sheet.append(["No HP", "Mendesak", "Catatan", "Tujuan"][:0])  # blank row 2
    sheet.delete_rows(2)
    sheet["F1"], sheet["G1"], sheet["H1"] = "No HP", "Mendesak", "Catatan"
    sheet.append(
        [3301240620000081, "Hendra Saputra", "percepatan", datetime(2024, 6, 20), date(2024, 7, 1)]
        + [6287800003345, True, None]
    )
    sheet.append([None] * 8)
    sheet.append(["A-2", "Ani", "pmi", "21/06/2024", None, 81200004417.0, False, 12.5])
    book.create_sheet("Lain").append(["ignored"])
    path = tmp_path / "backlog.xlsx"
    book.save(path)

    table = read_table(path)
    assert table.delimiter is None
    assert table.left_out == ("Lain",)  # no header passq knows: named, not read
    assert [number for number, _cells in table.rows] == [2, 4]
    checked = check_rows(table, TODAY)
    assert checked.problems == []
    assert checked.records == [
        record(
            "3301240620000081",
            name="Hendra Saputra",
            service="express",
            applied=date(2024, 6, 20),
            travel=date(2024, 7, 1),
            phone="+6287800003345",
            urgent="marked urgent in import",
        ),
        record(
            "A-2",
            name="Ani",
            service="pmi",
            applied=date(2024, 6, 21),
            phone="+6281200004417",
            note="12.5",
        ),
    ]


def test_xlsx_is_recognised_by_content_not_by_name(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["app_no", "name"])
    book.active.append(["A1", "Ani"])
    path = tmp_path / "really-xlsx.csv"
    book.save(path)
    assert check_rows(read_table(path), TODAY).records == [record("A1", name="Ani")]


def test_an_empty_workbook_is_one_sentence(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "kosong.xlsx"
    Workbook().save(path)
    with pytest.raises(Invalid, match=r"kosong\.xlsx is empty: it needs a header row"):
        read_table(path)


# --- Export and round trips -----------------------------------------------------------------


EXPORTED = [
    {
        **record(
            "3301240620000081",
            name="Hendra Saputra",
            service="express",
            applied=date(2024, 6, 20),
            travel=date(2024, 7, 1),
            phone="+6287800003345",
            urgent="berobat; kontrol",
            destination="Malaysia",
            note='baris "dua"\nbaris tiga',
        ),
        "status": "claimed",
        "planned_day": date(2024, 6, 28),
        "batch_id": 3,
        "created_at": "2024-06-27T08:00:00+07:00",
    },
    {**record("A/2", name="=SUM(A1:A2) Ani", service="pmi"), "status": "pending"},
    record("B-3", name="Siti Nurhaliza Putri", urgent="marked urgent in import"),
]


def imported(records: list[dict]) -> list[dict]:
    return [{key: r[key] for key in IMPORT_COLUMNS} for r in records]


def test_export_columns_are_the_import_columns_then_the_state():
    assert EXPORT_COLUMNS[: len(IMPORT_COLUMNS)] == IMPORT_COLUMNS == ("app_no", *FIELDS)
    assert EXPORT_COLUMNS[len(IMPORT_COLUMNS) :] == (
        "status",
        "planned_day",
        "batch_id",
        "created_at",
        "printed_at",
        "collected_at",
    )


def test_csv_export_is_english_iso_and_missing_keys_empty():
    stream = io.StringIO()
    assert write_csv(EXPORTED, stream) == 3
    rows = list(csv.reader(io.StringIO(stream.getvalue())))
    assert rows[0] == list(EXPORT_COLUMNS)
    first = dict(zip(EXPORT_COLUMNS, rows[1], strict=True))
    assert first["applied"] == "2024-06-20" and first["planned_day"] == "2024-06-28"
    assert first["batch_id"] == "3" and first["printed_at"] == ""
    assert dict(zip(EXPORT_COLUMNS, rows[3], strict=True))["status"] == ""


def test_csv_export_reimports_equal(tmp_path):
    stream = io.StringIO()
    write_csv(EXPORTED, stream)
    table = load(tmp_path, stream.getvalue())
    assert table.unknown == [] and table.ignored == list(EXPORT_COLUMNS[len(IMPORT_COLUMNS) :])
    checked = check_rows(table, TODAY)
    assert checked.problems == []
    assert checked.records == imported(EXPORTED)


def test_xlsx_export_reimports_equal_and_keeps_text_as_text(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "export.xlsx"
    assert write_xlsx(EXPORTED, path) == 3
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    checked = check_rows(read_table(path), TODAY)
    assert checked.problems == []
    assert checked.records == imported(EXPORTED)
    sheet = load_workbook(path).active
    assert sheet["B3"].value == "=SUM(A1:A2) Ani" and sheet["B3"].data_type == "s"
    assert sheet["C2"].value == "+6287800003345"


def test_xlsx_export_to_a_stream(tmp_path):
    buffer = io.BytesIO()
    write_xlsx(EXPORTED[:1], buffer)
    path = write(tmp_path, buffer.getvalue(), "stream.xlsx")
    assert check_rows(read_table(path), TODAY).records == imported(EXPORTED[:1])


def test_json_export_has_every_key_with_iso_dates_and_nulls():
    stream = io.StringIO()
    assert write_json(EXPORTED, stream) == 3
    data = json.loads(stream.getvalue())
    assert [list(row) for row in data] == [list(EXPORT_COLUMNS)] * 3
    assert data[0]["applied"] == "2024-06-20" and data[0]["batch_id"] == 3
    assert data[2]["status"] is None and data[2]["travel"] is None
    empty = io.StringIO()
    assert write_json([], empty) == 0 and json.loads(empty.getvalue()) == []


# --- Rejects --------------------------------------------------------------------------------


def test_rejects_keep_the_original_columns_and_reimport_after_fixing(tmp_path):
    content = (
        "Nomor Permohonan;Nama;Tanggal Berangkat;Petugas\n"
        "A1;Ani;01/07/2024;Eka\n"
        "A2;;01/07/2024;Eka\n"
        "A3;Budi;31/02/2024\n"
    )
    table = load(tmp_path, content)
    checked = check_rows(table, TODAY)
    rejects = tmp_path / "in.rejects.csv"
    assert write_rejects(checked.problems, table, rejects) == 2
    assert stat.S_IMODE(rejects.stat().st_mode) == 0o600
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.splitlines() == [
        "Nomor Permohonan;Nama;Tanggal Berangkat;Petugas;reason",
        "A2;;01/07/2024;Eka;The name is empty: give the applicant's name as on the application.",
        f"A3;Budi;31/02/2024;;Invalid travel date '31/02/2024': {DATE_FORMS}",
    ]

    rejects.write_text(
        text.replace(";;01/07", ";Ani Wulandari;01/07").replace("31/02", "28/07"),
        encoding="utf-8-sig",
    )
    again = read_table(rejects)
    assert again.unknown == ["Petugas"] and again.ignored == ["reason"]
    fixed = check_rows(again, TODAY)
    assert fixed.problems == []
    assert [r["app_no"] for r in fixed.records] == ["A2", "A3"]


def test_rejects_of_a_rejects_file_keep_one_reason_column(tmp_path):
    table = load(tmp_path, "app_no,name,reason\nA1,,old reason\n")
    path = tmp_path / "again.csv"
    write_rejects(check_rows(table, TODAY).problems, table, path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["app_no", "name", "reason"]
    assert rows[1][2].startswith("The name is empty")


def test_rejects_from_xlsx_are_comma_separated_with_iso_dates(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["app_no", "name", "applied"])
    book.active.append(["A1", None, datetime(2024, 6, 20)])
    source = tmp_path / "in.xlsx"
    book.save(source)
    table = read_table(source)
    path = tmp_path / "rejects.csv"
    write_rejects(check_rows(table, TODAY).problems, table, path)
    assert path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("A1,,2024-06-20,")


# --- Properties -----------------------------------------------------------------------------


PHONE_PREFIXES = ["", "0", "08", "+62", "62", "620", "+620", "628", "+628", "00", "0062", "6262"]


@settings(max_examples=500, deadline=None)
@given(
    prefix=st.sampled_from(PHONE_PREFIXES),
    digits=st.text("0123456789" + "8" * 6 + "1" * 3, max_size=15),
    separators=st.lists(st.sampled_from(["", "", "", " ", "-"]), max_size=16),
)
def test_the_fast_phone_path_agrees_with_check_phone(prefix, digits, separators):
    text = "".join(c + s for c, s in zip(prefix + digits, separators + [""] * 32, strict=False))
    fast = _indonesian_mobile()(text)
    if fast is not None:
        assert fast == check_phone(text)


def test_the_fast_phone_path_takes_the_common_forms():
    fast = _indonesian_mobile()
    for text in ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890"]:
        assert fast(text) == "+6281234567890"


HEADER_WORDS = st.sampled_from(
    [*HEADER_ALIASES, "Nomor Permohonan", "No HP", "status", "reason", "", "x", "nama"]
)
CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["A1", "A1", "Ani", "biasa", "percepatan", "20/06/2024", "+1", "tomorrow", "0812-0000-4417"]
        + ["62812", "ya", "tidak", '"', ";", ",", "\n", "\r", "=1+1", "\x00", "\ufeff"]
    ),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    header=st.lists(HEADER_WORDS, min_size=1, max_size=8),
    rows=st.lists(st.lists(CELLS, max_size=10), max_size=8),
    delimiter=st.sampled_from([";", ",", "\t"]),
    quoted=st.booleans(),
    bom=st.booleans(),
)
def test_random_tables_never_raise_anything_but_invalid(
    tmp_path, header, rows, delimiter, quoted, bom
):
    if quoted:
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
        text = buffer.getvalue()
    else:
        text = "\n".join(delimiter.join(row) for row in [header, *rows])
    content = ("\ufeff" if bom else "") + text
    path = tmp_path / "random.csv"
    path.write_bytes(content.encode("utf-8", "surrogatepass"))
    try:
        table = read_table(path)
    except Invalid as error:
        assert "\n" not in str(error).strip()
        return
    checked = check_rows(table, TODAY)
    accepted, rejected = set(checked.record_rows), set(checked.rejected_rows)
    assert not accepted & rejected
    assert accepted | rejected == {number for number, _cells in table.rows}
    assert len(checked.records) == len(checked.record_rows)
    assert all(set(r) == set(IMPORT_COLUMNS) for r in checked.records)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise_anything_but_invalid(content):
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.bin"
        path.write_bytes(content)
        with contextlib.suppress(Invalid):
            check_rows(read_table(path), TODAY)


RAW_RECORDS = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=30),
        "service": st.sampled_from(["regular", "biasa", "percepatan", "pmi"]),
        "applied": st.dates(date(2024, 1, 1), TODAY).map(lambda d: d.strftime("%d/%m/%Y")),
        "travel": st.one_of(st.none(), st.dates(TODAY, date(2025, 1, 1)).map(str)),
        "destination": st.one_of(st.none(), st.text(max_size=20)),
        "phone": st.one_of(st.none(), st.integers(10**8, 10**10).map(lambda n: f"0812{n}")),
        "urgent": st.one_of(st.none(), st.text(max_size=20)),
        "note": st.one_of(st.none(), st.text(max_size=40)),
    }
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    raws=st.lists(RAW_RECORDS, min_size=1, max_size=6),
    app_nos=st.lists(st.from_regex(APP_NO_PATTERN, fullmatch=True), min_size=6, unique=True),
    form=st.sampled_from(["csv", "xlsx"]),
)
def test_any_valid_records_round_trip_through_export(tmp_path, raws, app_nos, form):
    records = []
    for app_no, raw in zip(app_nos, raws, strict=False):
        try:
            records.append(new_application(app_no, raw, TODAY))
        except Invalid:
            continue
    # Words that mean yes or no in the urgent column are not kept as reasons (by design).
    words = NOT_URGENT | URGENT_WORDS
    assume(records)
    assume(not any(r["urgent"] is not None and r["urgent"].lower() in words for r in records))
    assume(len({r["app_no"] for r in records}) == len(records))
    if form == "csv":
        stream = io.StringIO()
        write_csv(records, stream)
        path = write(tmp_path, stream.getvalue(), "round.csv")
    else:
        path = tmp_path / "round.xlsx"
        path.unlink(missing_ok=True)
        write_xlsx(records, path)
    checked = check_rows(read_table(path), TODAY)
    assert checked.problems == []
    assert checked.records == records
