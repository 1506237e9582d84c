"""Undo from the event log, and stale claims (an operator went home)."""

from __future__ import annotations


def statuses(passq) -> list[tuple]:
    return passq.rows(
        "SELECT app_no, status, batch_id, printed_at, failures FROM applications ORDER BY 1"
    )


def test_undo_walks_back_printed_then_claim_then_add(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2")
    passq.ok("printed", "--batch", "1", now="2024-06-27T09:00")
    assert passq.ok("undo").stdout == "Undid your last action (printed) on 2 books: A1, A2.\n"
    assert statuses(passq) == [("A1", "claimed", 1, None, 0), ("A2", "claimed", 1, None, 0)]
    assert passq.ok("undo").stdout == "Undid your last action (claimed) on 2 books: A1, A2.\n"
    assert statuses(passq) == [("A1", "pending", None, None, 0), ("A2", "pending", None, None, 0)]
    assert passq.ok("undo").stdout == "Undid your last action (added) on 1 book: A2.\n"
    assert statuses(passq) == [("A1", "pending", None, None, 0)]
    undo_rows = passq.rows(
        "SELECT action, app_no, status, detail FROM events WHERE action = 'undo' ORDER BY id"
    )
    assert undo_rows[-1] == ("undo", "A2", None, '{"undid": 2, "action": "added", "deleted": true}')
    assert len(undo_rows) == 5


def test_undo_of_a_misprint_restores_printed_at_and_failures(passq, add_books) -> None:
    add_books(("A1",))
    passq.ok("next-batch")
    passq.ok("printed", "A1", now="2024-06-27T09:00")
    passq.ok("failed", "A1", "--reason", "smudge", now="2024-06-27T09:30")
    assert statuses(passq) == [("A1", "pending", None, None, 1)]
    passq.ok("undo")
    assert statuses(passq) == [("A1", "printed", 1, "2024-06-27T09:00:00+07:00", 0)]
    assert passq.json("show", "A1")["application"]["status"] == "printed"


def test_undo_is_refused_when_someone_changed_the_book_since(passq, add_books) -> None:
    add_books(("A1",), ("A2",))
    passq.ok("next-batch", "--size", "2", operator="ani")
    passq.ok("printed", "A2", operator="budi", now="2024-06-27T09:00")
    before = passq.dump()
    result = passq("undo", operator="ani")
    assert (result.exit_code, result.stderr) == (
        1,
        "Cannot undo: A2 was changed later (printed by budi at 2024-06-27T09:00:00+07:00); "
        "that must be undone first.\n",
    )
    assert passq.dump() == before
    passq.ok("undo", operator="budi")
    passq.ok("undo", operator="ani")
    assert statuses(passq) == [("A1", "pending", None, None, 0), ("A2", "pending", None, None, 0)]


def test_undo_only_reverses_your_own_actions(passq, add_books) -> None:
    add_books(("A1",))
    result = passq("undo", operator="citra")
    assert (result.exit_code, result.stderr) == (
        1,
        "Nothing to undo: citra has no action left to reverse.\n",
    )


def test_undo_of_an_edit_and_of_settings(passq, add_books) -> None:
    add_books(("A1", "--travel", "05/07/2024"))
    passq.ok("edit", "A1", "--travel", "01/07/2024", "--note", "called")
    passq.ok("undo")
    assert passq.rows("SELECT travel, note FROM applications") == [("2024-07-05", None)]
    passq.ok("config", "set", "capacity", "300")
    passq.ok("calendar", "off", "28/06/2024")
    assert passq.ok("undo").stdout == "Undid your last change (calendar).\n"
    assert passq.rows("SELECT * FROM calendar") == []
    passq.ok("undo")
    assert passq.json("config", "show")["capacity"] == 250
    assert passq.rows("SELECT * FROM settings") == []


def test_stale_batches_are_shown_warned_and_released(passq, add_books) -> None:
    add_books(*[(f"A{n}",) for n in range(4)])
    passq.ok("next-batch", "--size", "2", operator="ani", now="2024-06-27T08:00")
    claimed = passq.json("list", "--status", "claimed", now="2024-06-27T17:30")
    assert {(r["app_no"], r["claimed_at"], r["age_hours"]) for r in claimed} == {
        ("A0", "2024-06-27T08:00:00+07:00", 9.5),
        ("A1", "2024-06-27T08:00:00+07:00", 9.5),
    }
    later = passq.ok("next-batch", "--size", "1", operator="budi", now="2024-06-27T17:30")
    assert later.stderr == (
        "Warning: batch 1 (ani) was claimed 10 hours ago and 2 books are still not printed: "
        "print them, or 'passq release --stale 8'.\n"
    )
    none = passq.ok("release", "--stale", "10", now="2024-06-27T17:30")
    assert none.stdout == "No batch has been claimed for 10.0 hours or more.\n"
    released = passq.ok("release", "--stale", "8", now="2024-06-27T17:30", operator="sari")
    assert released.stdout == "Released 2 books: A0, A1.\n"
    assert passq.rows(
        "SELECT app_no, status FROM applications WHERE status = 'pending' ORDER BY app_no"
    ) == [
        ("A0", "pending"),
        ("A1", "pending"),
        ("A3", "pending"),
    ]
    assert passq.rows(
        "SELECT operator, detail FROM events WHERE action = 'released' ORDER BY id LIMIT 1"
    ) == [("sari", '{"from": "claimed", "reason": "stale: claimed over 8.0 hours ago"}')]
    mixed = passq("release", "A2", "--stale", "8")
    assert (mixed.exit_code, mixed.stderr) == (
        2,
        "Give one of application numbers, --batch or --stale.\n",
    )


def test_the_report_counts_undone_actions_nowhere(passq, add_books) -> None:
    add_books(*[(f"A{n}",) for n in range(1, 5)])
    passq.ok("next-batch", "--size", "4", operator="budi", now="2024-06-27T08:30")
    # A print taken back and done again counts once, for its operator too.
    passq.ok("printed", "--batch", "1", operator="budi", now="2024-06-27T09:00")
    passq.ok("undo", operator="budi", now="2024-06-27T09:05")
    passq.ok("printed", "--batch", "1", operator="budi", now="2024-06-27T09:10")
    # An undone misprint and an undone hand-over count nowhere either.
    passq.ok("failed", "A1", "--reason", "smudge", operator="budi", now="2024-06-27T10:00")
    passq.ok("undo", operator="budi", now="2024-06-27T10:05")
    passq.ok("collected", "A2", operator="citra", now="2024-06-27T11:00")
    passq.ok("undo", operator="citra", now="2024-06-27T11:05")
    report = passq.json("report", now="2024-06-27T18:00")
    assert (report["printed"], report["printed_by_operator"]) == (4, {"budi": 4})
    assert (report["failed"], report["collected"]) == (0, 0)
    # The misprint taken back used no slot: 4 printed of 250, nothing claimed.
    plan = passq.json("plan", now="2024-06-27T18:00")
    assert plan["items"] == []
    # Undone the next day, a print stays in the day it was done (a past report never changes).
    # The second print of the batch; an action of an earlier day is undone with --yes.
    passq.ok("undo", "--yes", operator="budi", now="2024-06-28T08:00")
    assert passq.json("report", "--date", "27/06/2024", now="2024-06-28T09:00")["printed"] == 4
