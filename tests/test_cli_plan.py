"""The planned queue through the command line: plan, show's explanation, report's figures."""

from __future__ import annotations

import pytest

CRUNCH_NOW = "2024-06-27T08:00"  # a Thursday


@pytest.fixture
def crunch(passq, add_books):
    """Capacity 2 a day; four travellers compete for Thursday and Friday, one has no deadline."""
    passq.ok("config", "set", "capacity", "2")
    add_books(
        ("LATE", "--travel", "27/06/2024", "--applied", "20/06/2024"),  # deadline already past
        ("FRI1", "--travel", "29/06/2024", "--applied", "21/06/2024"),
        ("FRI2", "--travel", "29/06/2024", "--applied", "24/06/2024"),
        ("THU", "--travel", "28/06/2024", "--applied", "25/06/2024"),
        ("FREE", "--applied", "19/06/2024"),
        ("MON", "--travel", "02/07/2024", "--applied", "26/06/2024"),
        now=CRUNCH_NOW,
    )
    return passq


def test_plan_json_has_the_documented_keys_and_keeps_every_keepable_deadline(crunch) -> None:
    plan = crunch.json("plan")
    assert set(plan) >= {
        "today",
        "capacity",
        "days",
        "will_miss",
        "clears_on",
        "capacity_needed",
        "items",
    }
    assert plan["today"] == "2024-06-27" and plan["capacity"] == 2
    items = {item["app_no"]: item for item in plan["items"]}
    assert [item["app_no"] for item in plan["items"]] == [
        "THU",
        "FRI1",
        "FRI2",
        "MON",
        "LATE",
        "FREE",
    ]
    assert items["THU"] == {
        "rank": 1,
        "app_no": "THU",
        "planned_day": "2024-06-27",
        "step": "must",
        "deadline": "2024-06-27",
        "due": "2024-07-01",
        "on_time": True,
    }
    assert [d["planned"] for d in plan["days"]] == [
        ["THU", "FRI1"],
        ["FRI2", "MON"],
        ["LATE", "FREE"],
    ]
    assert plan["days"][0] == {"date": "2024-06-27", "capacity": 2, "planned": ["THU", "FRI1"]}
    assert plan["will_miss"] == [
        {"app_no": "LATE", "deadline": "2024-06-26", "planned_day": "2024-07-01"}
    ]
    assert plan["clears_on"] == "2024-07-01"
    assert plan["capacity_needed"] == 2


def test_the_plan_beats_earliest_deadline_first_in_a_cascade(passq, add_books) -> None:
    # One a day. EDF prints the hopeless Wed traveller first and the lateness cascades.
    passq.ok("config", "set", "capacity", "1")
    add_books(
        ("A", "--travel", "27/06/2024", "--applied", "20/06/2024"),
        ("B", "--travel", "28/06/2024", "--applied", "20/06/2024"),
        ("C", "--travel", "29/06/2024", "--applied", "20/06/2024"),
    )
    items = passq.json("plan")["items"]
    assert [(i["app_no"], i["on_time"]) for i in items] == [("B", True), ("C", True), ("A", False)]


def test_capacity_needed_and_the_extra_a_day(passq, add_books) -> None:
    passq.ok("config", "set", "capacity", "1")
    add_books(*[(f"T{n}", "--travel", "29/06/2024") for n in range(4)])
    plan = passq.json("plan")
    assert (plan["capacity_needed"], plan["extra_per_day"], plan["extra_days"]) == (2, 1, 2)
    assert len(plan["will_miss"]) == 2
    text = passq.ok("plan").stdout
    assert "2 will miss their travel date; 0 are past their due date." in text
    assert (
        "To save everyone with a deadline from today on: 2 books a print day, "
        "that is 1 extra a day for 2 print days (until 28/06/2024)." in text
    )


def test_plan_hides_names_unless_asked(crunch) -> None:
    assert "Pemohon" not in crunch.ok("plan").stdout
    assert "Pemohon THU" in crunch.ok("plan", "--names").stdout


def test_a_declared_saturday_gets_books_and_holidays_none(passq, add_books) -> None:
    passq.ok("config", "set", "capacity", "1")
    add_books(*[(f"B{n}", "--applied", "13/06/2024") for n in range(4)], now="2024-06-14T08:00")
    passq.ok("calendar", "on", "15/06/2024", "--capacity", "2")
    days = passq.json("plan", now="2024-06-14T08:00")["days"]
    assert [(d["date"], len(d["planned"])) for d in days] == [
        ("2024-06-14", 1),
        ("2024-06-15", 2),
        ("2024-06-19", 1),
    ]


def test_today_already_used_capacity_moves_books_to_tomorrow(passq, add_books) -> None:
    passq.ok("config", "set", "capacity", "2")
    add_books(("A",), ("B",), ("C",))
    passq.ok("next-batch", "--size", "1")
    planned = [item["planned_day"] for item in passq.json("plan")["items"]]
    assert planned == ["2024-06-27", "2024-06-28"]


def test_show_explains_the_placement(crunch) -> None:
    shown = crunch.json("show", "FRI2")
    assert shown["why"] == (
        "Travels Sat 29/06, so must be printed by Fri 28/06; planned Fri 28/06 "
        "(step: must go that day, the last print day with room before its deadline); "
        "2 books are ahead of it."
    )
    assert shown["why"] in crunch.ok("show", "FRI2").stdout


def test_report_carries_the_plan_figures(crunch) -> None:
    report = crunch.json("report", now="2024-06-27T19:00")
    # At day end Thursday's capacity counts as used: the plan starts on Friday.
    assert (report["will_miss"], report["capacity_needed"], report["clears_on"]) == (
        2,
        3,
        "2024-07-02",
    )
    assert report["due_broken"] == 2  # FREE and LATE applied over 4 working days ago
