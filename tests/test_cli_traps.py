"""Issue 11 §2–3: dates and numbers without traps, through the CLI: exact exit code and
sentence, nothing written when refused."""

from __future__ import annotations

import pytest


def refused(passq, args: list[str], code: int, sentence: str, **kwargs) -> None:
    passq.ok("config", "show")
    before = passq.dump()
    result = passq(*args, **kwargs)
    assert (result.exit_code, result.stderr, result.stdout) == (code, sentence + "\n", "")
    assert passq.dump() == before


def test_a_weekday_that_does_not_match_the_date_is_refused(passq) -> None:
    refused(
        passq,
        ["add", "A1", "--name", "Budi", "--travel", "Selasa, 1 Juli 2024"],
        2,
        "1 Juli 2024 is a Monday, not a Tuesday: check the date and the day.",
    )
    passq.ok("add", "A1", "--name", "Budi", "--travel", "Senin, 1 Juli 2024")
    assert passq.rows("SELECT travel FROM applications") == [("2024-07-01",)]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("5 Agu 2024", "2024-08-05"),
        ("5 Agt 2024", "2024-08-05"),
        ("17 Okt 2024", "2024-10-17"),
        ("3 Des 2024", "2024-12-03"),
        ("05.07.2024", "2024-07-05"),
        ("Jum'at, 5 Juli 2024", "2024-07-05"),
        ("Friday, 5 July 2024", "2024-07-05"),
    ],
)
def test_indonesian_abbreviations_and_dotted_dates(passq, typed, stored) -> None:
    passq.ok("add", "A1", "--name", "Budi", "--travel", typed)
    assert passq.rows("SELECT travel FROM applications") == [(stored,)]


def test_a_travel_date_already_past_is_refused(passq) -> None:
    refused(
        passq,
        ["add", "A1", "--name", "Budi", "--applied", "20/06/2024", "--travel", "26/06/2024"],
        2,
        "The travel date 26/06/2024 has already passed: give the new travel date, or leave it out.",
    )
    passq.ok("add", "A1", "--name", "Budi", "--travel", "05/07/2024")
    refused(
        passq,
        ["edit", "A1", "--travel", "20/06/2024"],
        2,
        "The travel date 20/06/2024 is before the applied date 27/06/2024: check both.",
    )
    # An old travel date already stored does not stop an edit of another field.
    passq.ok("edit", "A1", "--note", "rebooked?", now="2024-07-10T08:00")


def test_a_travel_date_over_a_year_ahead_needs_yes(passq) -> None:
    sentence = (
        "The travel date 01/08/2025 is more than a year ahead: check it, and add --yes if it "
        "is right."
    )
    refused(passq, ["add", "A1", "--name", "Budi", "--travel", "01/08/2025"], 1, sentence)
    passq.ok("add", "A1", "--name", "Budi", "--travel", "01/08/2025", "--yes")
    passq.ok("add", "A2", "--name", "Ani")
    refused(passq, ["edit", "A2", "--travel", "01/08/2025"], 1, sentence)
    passq.ok("edit", "A2", "--travel", "01/08/2025", "--yes")


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["add", "A1", "--name", "B", "--travel", "+99999999"],
            "The date '+99999999' is out of range: give a date from 2000 to 2099.",
        ),
        (
            ["add", "A1", "--name", "B", "--travel", "31/12/9999"],
            "The date '31/12/9999' is out of range: give a date from 2000 to 2099.",
        ),
        (
            ["add", "A1", "--name", "B", "--applied", "01/01/0001"],
            "The date '01/01/0001' is out of range: give a date from 2000 to 2099.",
        ),
        (
            ["calendar", "off", "+99999999999999999999"],
            "The date '+99999999999999999999' is out of range: give a date from 2000 to 2099.",
        ),
        (
            ["calendar", "show", "--from", "31/12/9999"],
            "The date '31/12/9999' is out of range: give a date from 2000 to 2099.",
        ),
    ],
)
def test_out_of_range_dates_are_a_sentence(passq, args, sentence) -> None:
    refused(passq, args, 2, sentence)


def test_out_of_range_now_is_a_sentence(passq) -> None:
    passq.ok("config", "show")
    result = passq("list", now="9999-12-31")
    assert (result.exit_code, result.stderr) == (
        2,
        "The date '9999-12-31' is out of range: give a date from 2000 to 2099.\n",
    )


def test_an_empty_applied_date_is_a_sentence(passq) -> None:
    passq.ok("add", "A1", "--name", "Budi")
    refused(
        passq,
        ["edit", "A1", "--applied", ""],
        2,
        "The applied date cannot be empty: give the day the application was complete.",
    )


def test_a_number_typed_in_groups_is_the_same_book(passq) -> None:
    passq.ok("add", "3301-2406-2700-0918", "--name", "Budi")
    assert passq.rows("SELECT app_no FROM applications") == [("3301240627000918",)]
    refused(
        passq,
        ["add", "3301 2406 2700 0918", "--name", "Budi"],
        1,
        "Application 3301240627000918 already exists (Budi, pending): use 'passq edit "
        "3301240627000918' to change it.",
    )
    passq.ok("edit", "3301-2406-2700-0918", "--note", "x")
    passq.ok("add", "A-FAR", "--name", "Ani")
    assert passq.rows("SELECT app_no FROM applications ORDER BY 1") == [
        ("3301240627000918",),
        ("A-FAR",),
    ]


def test_the_office_pattern_for_numbers(passq) -> None:
    passq.ok("config", "set", "app_no_pattern", "[0-9]{16}")
    refused(
        passq,
        ["add", "3301-2406-2700-091", "--name", "Budi"],
        2,
        "Application number '3301-2406-2700-091' does not have this office's form ([0-9]{16}): "
        "check the number, or change the setting app_no_pattern.",
    )
    passq.ok("add", "3301-2406-2700-0918", "--name", "Budi")
    refused(
        passq,
        ["config", "set", "app_no_pattern", "[0-9"],
        2,
        "Invalid app_no_pattern '[0-9' (unterminated character set): give a regular "
        "expression such as [0-9]{16}.",
    )


def test_import_enforces_the_office_pattern(passq, tmp_path) -> None:
    passq.ok("config", "set", "app_no_pattern", "[0-9]{16}")
    source = tmp_path / "books.csv"
    source.write_text(
        "app_no,name\n3301-2406-2700-0918,Budi\n3301-2406,Ani\n", encoding="utf-8", newline=""
    )
    before = passq.dump()
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert "does not have this office's form ([0-9]{16})" in result.stdout
    assert passq.dump() == before
    passq.ok("import", str(source), "--skip-invalid")
    assert passq.rows("SELECT app_no FROM applications") == [("3301240627000918",)]


def test_import_refuses_a_weekday_that_does_not_match(passq, tmp_path) -> None:
    source = tmp_path / "books.csv"
    source.write_text(
        'app_no,name,travel\nA1,Budi,"Selasa, 1 Juli 2024"\nA2,Ani,5 Agu 2024\n',
        encoding="utf-8",
        newline="",
    )
    passq.ok("config", "show")
    before = passq.dump()
    result = passq("import", str(source))
    assert result.exit_code == 2
    assert "1 Juli 2024 is a Monday, not a Tuesday" in " ".join(result.stdout.split())
    assert passq.dump() == before
    passq.ok("import", str(source), "--skip-invalid")
    assert passq.rows("SELECT app_no, travel FROM applications") == [("A2", "2024-08-05")]
