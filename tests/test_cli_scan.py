"""Issue 11 §6: `printed -` records each scanned line as it comes, says one line per scan, keeps
going after a bad scan and ends with a summary; a book printed out of the queue is recorded."""

from __future__ import annotations


def test_each_scan_is_recorded_and_said(passq, add_books) -> None:
    add_books(("A1",), ("A2",), ("A3",))
    passq.ok("next-batch", "--size", "2")
    passq.ok("printed", "A2")
    result = passq("printed", "-", input="A1\n\nZZ\nA1\n 33 01! \nA2\nA3\n")
    assert result.exit_code == 1
    assert result.stdout == (
        "A1: printed.\n"
        "A1: scanned again, already recorded.\n"
        "A3: printed (it was not claimed: recorded all the same).\n"
        "Scanning done: 2 printed, 3 refused.\n"
    )
    assert result.stderr == (
        "No application ZZ: check the number, or add it with 'passq add'.\n"
        "Invalid application number '33 01!': use up to 40 letters, digits, '-' or '/', "
        "starting with a letter or digit.\n"
        "Application A2 is printed: it was printed already; nothing to record.\n"
    )
    assert passq.rows("SELECT app_no, status FROM applications ORDER BY 1") == [
        ("A1", "printed"),
        ("A2", "printed"),
        ("A3", "printed"),
    ]
    # One command per scanned line: undo takes back the last scan only.
    assert passq.rows("SELECT count(DISTINCT command_id) FROM events WHERE action = 'printed'") == [
        (3,)
    ]
    detail = passq.rows("SELECT detail FROM events WHERE app_no = 'A3' AND action = 'printed'")
    assert detail == [('{"from": "pending", "claimed": false}',)]


def test_a_clean_scan_exits_0(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    result = passq("printed", "-", input="A1\nA2")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "Scanning done: 2 printed, 0 refused."


def test_a_scan_cut_short_keeps_every_line_read_before(passq, add_books) -> None:
    # The window closed while the third line was being typed: the first two are recorded.
    add_books(("A1",), ("A2",), ("A3",))
    passq("printed", "-", input="A1\nA2\nA")
    assert passq.rows("SELECT app_no FROM applications WHERE status = 'printed' ORDER BY 1") == [
        ("A1",),
        ("A2",),
    ]


def test_the_help_tells_windows_users_how_to_end(passq) -> None:
    assert "Ctrl-Z, then Enter" in " ".join(passq.ok("printed", "--help").stdout.split())


def test_a_book_printed_out_of_the_queue_can_be_undone(passq, add_books) -> None:
    add_books(("A1",))
    assert passq.ok("printed", "A1").stdout == "Printed 1 book: A1.\n"
    passq.ok("undo")
    assert passq.rows("SELECT status, printed_at, batch_id FROM applications") == [
        ("pending", None, None)
    ]


def test_a_cancelled_book_scanned_is_set_aside(passq, add_books) -> None:
    add_books(("A1",))
    passq.ok("cancel", "A1", "--reason", "withdrawn")
    result = passq("printed", "-", input="A1\n")
    assert (result.exit_code, result.stderr) == (
        1,
        "Application A1 is cancelled: it was withdrawn; keep the book aside and check it with "
        "the supervisor.\n",
    )
