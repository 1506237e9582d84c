"""Hostile input: odd but legal text is stored exactly; illegal text is refused, nothing written."""

from __future__ import annotations

import pytest

ODD_BUT_FINE = [
    "Siti 'Nur' \"Aisyah\"",
    "Budi; DROP TABLE applications; --",
    "Robert'); DELETE FROM events WHERE ('1'='1",
    "Dewi 🌺 Lestari",
    "محمد عبد الله",  # right-to-left
    "Ni Luh Putu Ayu Kadek Ketut Wayan Komang Made Nyoman Gede Sari",
    "%s %d {name} {0} \\N",
    "Sari [bold]Dewi[/bold] [red]",
]


@pytest.mark.parametrize("name", ODD_BUT_FINE)
def test_odd_names_and_notes_are_stored_and_shown_exactly(passq, name) -> None:
    passq.ok("add", "A1", "--name", name, "--note", name, "--destination", name)
    assert passq.rows("SELECT name, note, destination FROM applications") == [(name, name, name)]
    shown = passq.json("show", "A1")["application"]
    assert (shown["name"], shown["note"]) == (name, name)
    assert passq.rows("SELECT count(*) FROM events") == [(1,)]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (["--name", "x" * 10_000], "The name has 10000 characters: shorten it to at most 200."),
        (
            ["--name", "Budi", "--note", "n" * 10_000],
            "The note has 10000 characters: shorten it to at most 1000.",
        ),
        (
            ["--name", "Budi\x00Santoso"],
            "The name contains control characters: remove them and try again.",
        ),
        (
            ["--name", "Budi", "--note", "line\x1b[31m red"],
            "The note contains control characters: remove them and try again.",
        ),
        (
            ["--name", "Budi", "--urgent", "\x07"],
            "The urgent reason contains control characters: remove them and try again.",
        ),
        (
            ["--name", "Budi", "--destination", "d" * 1001],
            "The destination has 1001 characters: shorten it to at most 1000.",
        ),
    ],
)
def test_oversized_and_control_text_is_refused(passq, args, sentence) -> None:
    passq.ok("config", "show")
    before = passq.dump()
    result = passq("add", "A1", *args)
    assert (result.exit_code, result.stderr) == (2, sentence + "\n")
    assert passq.dump() == before


def test_sql_in_an_application_number_is_refused(passq) -> None:
    result = passq("add", "1'; DROP TABLE applications; --", "--name", "X")
    assert result.exit_code == 2
    assert result.stderr.startswith("Invalid application number '1'; DROP TABLE")
    assert passq.rows("SELECT count(*) FROM applications") == [(0,)]


def test_a_scanner_feeding_junk_refuses_the_junk_and_keeps_the_good_scans(passq, add_books) -> None:
    # Issue 11 §6: each scanned line is recorded as it comes; a bad line is said and passed.
    add_books(("A1",))
    passq.ok("next-batch")
    result = passq("printed", "-", input="A1\n\x00\x00garbage\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("Invalid application number '")
    assert passq.rows("SELECT status FROM applications") == [("printed",)]


def test_names_print_as_typed_in_tables(passq) -> None:
    name = "Sari [bold]Dewi[/bold] [red]"
    passq.ok("add", "A1", "--name", name)
    assert name in passq.ok("list").stdout
