"""The command line end to end through CliRunner: exit codes, exact sentences, database after."""

from __future__ import annotations

import subprocess
import sys

import pytest

from passq import __version__
from passq.cli import app


def test_add_prints_deadline_and_due_and_stores_the_record(passq) -> None:
    result = passq.ok(
        "add",
        "3301240627000001",
        "--name",
        "Siti Rahayu",
        "--travel",
        "01/07/2024",
        "--destination",
        "Malaysia",
        "--phone",
        "0812-3456-7890",
        "--applied",
        "2024-06-25",
    )
    assert result.stdout == (
        "Added 3301240627000001 (regular): deadline 28/06/2024, due 01/07/2024.\n"
    )
    assert passq.rows(
        "SELECT app_no, name, phone, service, applied, travel, status FROM applications"
    ) == [
        (
            "3301240627000001",
            "Siti Rahayu",
            "+6281234567890",
            "regular",
            "2024-06-25",
            "2024-07-01",
            "pending",
        )
    ]
    assert passq.rows("SELECT at, operator, action, app_no FROM events") == [
        ("2024-06-27T08:00:00+07:00", "ani", "added", "3301240627000001")
    ]


BAD_ADDS = [
    (
        ["12@", "--name", "X"],
        2,
        "Invalid application number '12@': use up to 40 letters, digits, '-' or '/', "
        "starting with a letter or digit.",
    ),
    (
        ["A2", "--name", "X", "--travel", "32/06/2024"],
        2,
        "Invalid --travel date '32/06/2024': use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, "
        "27 Juni 2024, today, tomorrow or +N.",
    ),
    (
        ["A2", "--name", "X", "--applied", "yesterday"],
        2,
        "Invalid --applied date 'yesterday': use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, "
        "27 Juni 2024, today, tomorrow or +N.",
    ),
    (
        ["A2", "--name", "X", "--service", "vip"],
        2,
        "Unknown service 'vip': use regular, express or pmi.",
    ),
    (
        ["A2", "--name", "  "],
        2,
        "The name is empty: give the applicant's name as on the application.",
    ),
    (["A2", "--name", "x" * 201], 2, "The name has 201 characters: shorten it to at most 200."),
    (["A2"], 2, "The name is missing: give it with --name."),
    (
        ["A2", "--name", "X", "--phone", "12345"],
        2,
        "Invalid phone number '12345': use an Indonesian number such as 0812-3456-7890 "
        "or an international one starting with +.",
    ),
    (
        ["A2", "--name", "X", "--applied", "26/06/2024", "--travel", "25/06/2024"],
        2,
        "The travel date 25/06/2024 is before the applied date 26/06/2024: check both.",
    ),
    (
        ["A1", "--name", "Someone Else"],
        1,
        "Application A1 already exists (Pemohon A1, pending): use 'passq edit A1' to change it.",
    ),
]


@pytest.mark.parametrize(("args", "code", "sentence"), BAD_ADDS)
def test_bad_add_exits_with_one_sentence_and_writes_nothing(
    passq, add_books, args, code, sentence
) -> None:
    add_books(("A1",))
    before = passq.dump()
    result = passq("add", *args)
    assert (result.exit_code, result.stderr, result.stdout) == (code, sentence + "\n", "")
    assert passq.dump() == before


def test_bad_global_now_is_exit_2(passq) -> None:
    result = passq("list", now="yesterday-ish")
    assert result.exit_code == 2
    assert result.stderr.startswith("Invalid --now 'yesterday-ish'")


def test_edit_changes_fields_and_logs_old_and_new(passq, add_books) -> None:
    add_books(("A1", "--travel", "05/07/2024"))
    result = passq.ok("edit", "A1", "--travel", "01/07/2024", "--urgent", "berobat")
    assert result.stdout == "Updated A1 (urgent, travel): deadline 28/06/2024, due 03/07/2024.\n"
    assert passq.rows("SELECT travel, urgent FROM applications") == [("2024-07-01", "berobat")]
    detail = passq.json("show", "A1")["history"][-1]["detail"]
    assert detail == {"urgent": [None, "berobat"], "travel": ["2024-07-05", "2024-07-01"]}
    nothing = passq("edit", "A1", "--travel", "01/07/2024")
    assert (nothing.exit_code, nothing.stderr) == (
        2,
        "Nothing to change: give at least one new value, e.g. --travel 03/07/2024.\n",
    )
    unknown = passq("edit", "B9", "--name", "X")
    assert (unknown.exit_code, unknown.stderr) == (
        1,
        "No application B9: check the number, or add it with 'passq add'.\n",
    )


def test_queue_order_is_earliest_deadline_then_applied_then_number(passq, add_books) -> None:
    add_books(
        ("N2", "--applied", "20/06/2024"),
        ("N1", "--applied", "20/06/2024"),
        ("T2", "--travel", "05/07/2024"),
        ("T1", "--travel", "01/07/2024"),
        ("OLD", "--applied", "18/06/2024"),
    )
    queue = passq.json("list")
    assert [row["app_no"] for row in queue] == ["T1", "T2", "OLD", "N1", "N2"]
    assert queue[0] == {
        "rank": 1,
        "app_no": "T1",
        "name": "Pemohon T1",
        "service": "regular",
        # DESIGN §4: travel Mon 01/07 less pickup_days 1 is Sun 30/06, moved back to a print
        # day: Fri 28/06. Within horizon_days, so it is protected (printed early), step c.
        "flight_deadline": "2024-06-28",
        "planned_day": "2024-06-27",
        "step": "protect",
    }


def test_next_batch_claims_for_the_operator_and_peek_claims_nothing(passq, add_books) -> None:
    add_books(("A1",), ("A2",), ("A3",))
    peek = passq.json("next-batch", "--size", "2", "--peek")
    assert peek["batch_id"] is None and len(peek["books"]) == 2
    assert passq.rows("SELECT count(*) FROM applications WHERE status = 'claimed'") == [(0,)]
    batch = passq.json("next-batch", "--size", "2", operator="budi")
    assert batch["batch_id"] == 1
    assert [b["app_no"] for b in batch["books"]] == [b["app_no"] for b in peek["books"]]
    assert passq.rows("SELECT id, operator, size FROM batches") == [(1, "budi", 2)]
    assert passq.rows(
        "SELECT app_no FROM applications WHERE status = 'claimed' AND batch_id = 1 ORDER BY 1"
    ) == [(b["app_no"],) for b in sorted(batch["books"], key=lambda b: b["app_no"])]
    second = passq.json("next-batch", "--size", "5", operator="citra")
    assert [b["app_no"] for b in second["books"]] == ["A3"]
    empty = passq.ok("next-batch")
    assert empty.stdout == "Nothing to print: no pending books.\n"


def test_printed_by_number_batch_except_and_scanner(passq, add_books) -> None:
    add_books(("A1",), ("A2",), ("A3",), ("A4",))
    passq.ok("next-batch", "--size", "4")
    result = passq.ok("printed", "--batch", "1", "--except", "A4", "--except", "A3")
    assert result.stdout == (
        "Printed 2 books: A1, A2.\n"
        "Still claimed in batch 1: A4, A3. Release them or mark them failed.\n"
    )
    scanned = passq.ok("printed", "-", input="A3\n\nA3\n")
    assert scanned.stdout == (
        "A3: printed.\nA3: scanned again, already recorded.\nScanning done: 1 printed, 0 refused.\n"
    )
    assert passq.rows("SELECT app_no, status FROM applications ORDER BY 1") == [
        ("A1", "printed"),
        ("A2", "printed"),
        ("A3", "printed"),
        ("A4", "claimed"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "sentence"),
    [
        (
            ["collected", "A1"],
            1,
            "Application A1 is pending: only printed books can be handed over.",
        ),
        (
            ["collected", "A1", "B1"],
            1,
            "Application A1 is pending: only printed books can be handed over.",
        ),
        (["printed", "ZZ"], 1, "No application ZZ: check the number, or add it with 'passq add'."),
        (["printed"], 2, "No application numbers given: name them, or give '-' to read them."),
        (
            ["printed", "--batch", "9"],
            1,
            "No batch 9: see open batches with 'passq list --status claimed'.",
        ),
        (
            ["printed", "--batch", "1", "--except", "A1"],
            2,
            "A1 is not a claimed book of batch 1: check the --except numbers.",
        ),
        (["printed", "B1", "--except", "B1"], 2, "--except only works with --batch."),
        (
            ["printed", "B1", "--batch", "1"],
            2,
            "Give either application numbers or --batch, not both.",
        ),
        (
            ["failed", "A1", "--reason", "smudged"],
            1,
            "Application A1 is pending: only claimed or printed books can be marked failed.",
        ),
        (["release", "A1"], 1, "Application A1 is pending: only claimed books can be released."),
        (
            ["collected", "B1"],
            1,
            "Application B1 is claimed: only printed books can be handed over.",
        ),
        (
            ["list", "--status", "lost"],
            2,
            "Unknown status 'lost': use pending, claimed, printed, collected, cancelled, all.",
        ),
        (
            ["report", "--date", "tomorrow"],
            2,
            "The report date 28/06/2024 is in the future: give today or an earlier day.",
        ),
    ],
)
def test_refused_state_changes_write_nothing(passq, add_books, args, code, sentence) -> None:
    add_books(("A1",), ("B1", "--travel", "+2"))
    passq.ok("next-batch", "--size", "1")  # claims B1, the only one with a deadline
    before = passq.dump()
    result = passq(*args)
    assert (result.exit_code, result.stderr) == (code, sentence + "\n")
    assert passq.dump() == before


def test_cancel_and_collected(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2")
    passq.ok("printed", "A1", "A2")
    assert passq.ok("collected", "A1").stdout == "Collected 1 book: A1.\n"
    assert passq.ok("cancel", "A2", "--reason", "applicant withdrew").stdout == (
        "Cancelled 1 book: A2.\n"
    )
    refused = passq("cancel", "A1", "--reason", "late")
    assert (refused.exit_code, refused.stderr) == (
        1,
        "Application A1 is collected: collected or cancelled books cannot be cancelled.\n",
    )
    assert passq.rows("SELECT app_no, status FROM applications ORDER BY 1") == [
        ("A1", "collected"),
        ("A2", "cancelled"),
    ]


def test_an_overtime_day(passq, add_books) -> None:
    """Add, batch at two printers, print, fail one, release one, report — then reproduce it."""
    add_books(*[(f"P{n:02d}",) for n in range(1, 11)], now="2024-06-26T09:00")
    add_books(("T01", "--travel", "29/06/2024", "--service", "pmi"), now="2024-06-27T07:30")
    first = passq.json("next-batch", "--size", "4", operator="ani", now="2024-06-27T08:00")
    second = passq.json("next-batch", "--size", "4", operator="budi", now="2024-06-27T08:01")
    first_books = [b["app_no"] for b in first["books"]]
    second_books = [b["app_no"] for b in second["books"]]
    assert first_books[0] == "T01"
    assert not set(first_books) & set(second_books)
    passq.ok("printed", "--batch", "1", operator="ani", now="2024-06-27T10:00")
    passq.ok(
        "failed", first_books[1], "--reason", "ink smear", operator="ani", now="2024-06-27T10:05"
    )
    passq.ok("printed", *second_books[:3], operator="budi", now="2024-06-27T11:00")
    passq.ok("release", second_books[3], operator="budi", now="2024-06-27T11:05")
    passq.ok("next-batch", "--size", "2", operator="ani", now="2024-06-27T15:00")  # left open
    report = passq.json("report", now="2024-06-27T19:00")
    assert report | {"open_batches": None} == {
        "day": "2024-06-27",
        "printed": 7,
        "printed_by_service": {"pmi": 1, "regular": 6},
        "printed_by_operator": {"ani": 4, "budi": 3},
        "failed": 1,
        "released": 1,
        "cancelled": 0,
        "collected": 0,
        "new_applications": 1,
        "open_batches": None,
        "pending_end": 3,
        "travel_within_7_days": 0,
        "travel_within_7_days_claimed": 0,
        "oldest_pending_applied": "2024-06-26",
        "will_miss_flight": 0,
        "flight_passed": 0,
        "promises_broken": 0,
        "express_promises_broken": 0,
        # Today's report plans from now: 250 - 7 printed - 1 misprint - 2 claimed = 240 seats
        # left today for the 3 pending books.
        "clears_on": "2024-06-27",
        "plan_from": "2024-06-27",
        "extra_per_day": 0,
        "extra_days": 0,
        "extra_until": None,
        "capacity_cannot_help": 0,
        "no_print_day_ahead": False,
        # The 6 books printed today wait for their applicants, none near cancellation.
        "printed_not_collected": 6,
        "cancel_within_7_days": 0,
    }
    assert report["open_batches"] == [
        {
            "batch_id": 3,
            "operator": "ani",
            "claimed_at": "2024-06-27T15:00:00+07:00",
            "still_claimed": 2,
            "age_hours": 4.0,
        }
    ]
    human = passq.ok("report", now="2024-06-27T19:00")
    assert "Printed" in human.stdout and "7 (pmi 1, regular 6)" in human.stdout
    assert human.stderr == (
        "Warning: batch 3 (ani, claimed 4.0 hours ago) still has 2 books "
        "not printed: print, release or fail them.\n"
    )
    # The next day the open batch is printed; the 27th's report is reproduced from events.
    passq.ok("printed", "--batch", "3", operator="ani", now="2024-06-28T08:00")
    again = passq.json("report", "--date", "27/06/2024", now="2024-06-28T09:00")
    # A past day's open batches are aged at that day's end (midnight), not at 19:00.
    assert again["open_batches"][0]["age_hours"] == 9.0
    again["open_batches"][0]["age_hours"] = 4.0
    # As at the 27th's end the plan starts on Friday: the 3 pending books and the 2 still
    # claimed (their batch may never be printed) clear on Friday. Every other figure is the same.
    assert (again["plan_from"], again["clears_on"]) == ("2024-06-28", "2024-06-28")
    assert again | {"plan_from": None, "clears_on": None} == report | {
        "plan_from": None,
        "clears_on": None,
    }
    assert passq.json("report", now="2024-06-28T09:00")["printed"] == 2


def test_show_gives_record_place_and_history(passq, add_books) -> None:
    add_books(("A1", "--travel", "01/07/2024", "--destination", "Malaysia"))
    shown = passq.json("show", "A1")
    assert shown["application"]["destination"] == "Malaysia"
    assert shown["placement"]["rank"] == 1 and shown["placement"]["flight_deadline"] == "2024-06-28"
    assert [e["action"] for e in shown["history"]] == ["added"]
    text = passq.ok("show", "A1").stdout
    assert "A1  Pemohon A1  (regular, pending)" in text
    assert "Queue: number 1, planned Thu 27/06" in text


def test_list_other_statuses(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "1")
    claimed = passq.json("list", "--status", "claimed")
    assert [(r["app_no"], r["batch_id"]) for r in claimed] == [("A1", 1)]
    assert len(passq.json("list", "--status", "all")) == 2
    assert (
        passq.ok("list", "--status", "printed").stdout == "No applications with status printed.\n"
    )


def test_demo_fills_its_own_database_only(passq, tmp_path) -> None:
    demo_db = tmp_path / "demo.db"
    result = passq.ok("demo", "--size", "60", "--db", str(demo_db))
    assert f"Demo database {demo_db}: 60 pending books." in result.stdout
    assert "Day-end report for 27/06/2024" in result.stdout
    assert not passq.created()
    again = passq("demo", "--db", str(demo_db))
    assert (again.exit_code, again.stderr) == (
        1,
        f"{demo_db} already holds data: give an empty or new file with --db.\n",
    )


def test_demo_by_default_rebuilds_demo_db_beside_the_default(passq, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("passq.cli.default_db", lambda: tmp_path / "app" / "passq.db")
    runner_args = ["--now", "2024-06-27", "demo", "--size", "30"]
    for _ in range(2):
        result = passq.runner.invoke(app, runner_args, env={"PASSQ_DB": None})
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "app" / "demo.db").exists()
    assert not (tmp_path / "app" / "passq.db").exists()


def test_every_command_has_help(passq) -> None:
    commands = app.registered_commands
    assert len(commands) >= 12
    for command in commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        result = passq.runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert command.callback.__doc__, f"{name} has no help"


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "passq", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"passq {__version__}\n"


def test_a_batch_past_todays_capacity_is_claimed_and_said(passq, add_books) -> None:
    passq.ok("config", "set", "capacity", "2")
    add_books(("A1",), ("A2",), ("A3",))
    result = passq.ok("next-batch", "--size", "3")
    assert result.stderr == (
        "Note: 1 book of this batch was planned for a later day: today's capacity (2) is used up.\n"
    )
    assert passq.rows("SELECT count(*) FROM applications WHERE status = 'claimed'") == [(3,)]
    passq.ok("printed", "--batch", "1")
    add_books(("B1",), now="2024-06-29T09:00")
    weekend = passq.ok("next-batch", "--size", "1", now="2024-06-29T09:05")
    assert weekend.stderr == (
        "Note: today is not a print day in the calendar: these books were planned for 01/07/2024.\n"
    )
