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
    assert set(plan) == {
        "today",
        "capacity",
        "horizon_days",
        "days",
        "will_miss_flight",
        "flight_passed",
        "promises_broken",
        "express_promises_broken",
        "clears_on",
        "unplanned",
        "extra_per_day",
        "extra_days",
        "extra_until",
        "capacity_cannot_help",
        "what_if",
        "items",
    }
    assert plan["today"] == "2024-06-27" and plan["capacity"] == 2
    # Flight deadlines (travel - 1 day, back to a print day): THU Thu 27/06, FRI1 and FRI2
    # Fri 28/06, MON Mon 01/07; LATE's was Wed 26/06, passed. All four travellers fit (2 a
    # day): must THU, protect FRI1 (earliest flight) on Thursday; must FRI2, protect MON on
    # Friday; then the queue by promise: FREE (due 25/06) before LATE (due 26/06).
    assert [item["app_no"] for item in plan["items"]] == [
        "THU",
        "FRI1",
        "FRI2",
        "MON",
        "FREE",
        "LATE",
    ]
    items = {item["app_no"]: item for item in plan["items"]}
    assert items["THU"] == {
        "rank": 1,
        "app_no": "THU",
        "planned_day": "2024-06-27",
        "step": "must",
        "flight_deadline": "2024-06-27",
        "due": "2024-07-01",
        "flight_passed": False,
        "on_time": True,
    }
    assert items["LATE"] | {"rank": None} == {
        "rank": None,
        "app_no": "LATE",
        "planned_day": "2024-07-01",
        "step": "queue",
        "flight_deadline": None,
        "due": "2024-06-26",
        "flight_passed": True,
        "on_time": None,
    }
    assert [d["planned"] for d in plan["days"]] == [
        ["THU", "FRI1"],
        ["FRI2", "MON"],
        ["FREE", "LATE"],
    ]
    assert plan["days"][0] == {"date": "2024-06-27", "capacity": 2, "planned": ["THU", "FRI1"]}
    assert plan["will_miss_flight"] == []
    assert (plan["flight_passed"], plan["promises_broken"], plan["express_promises_broken"]) == (
        1,
        2,  # FREE and LATE: due before today
        0,
    )
    assert plan["clears_on"] == "2024-07-01"
    assert (plan["extra_per_day"], plan["extra_days"], plan["extra_until"]) == (0, 0, None)


def test_the_plan_beats_earliest_deadline_first_in_a_cascade(passq, add_books) -> None:
    # One a day. A and B both fly Fri 28/06 (deadline Thu 27/06), C Sat 29/06 (Fri 28/06).
    # Earliest-deadline-first prints A Thursday, B Friday (too late), C Monday (too late): one
    # flight. The plan keeps A (applied first) and C, and B alone misses: two flights.
    passq.ok("config", "set", "capacity", "1")
    add_books(
        ("A", "--travel", "28/06/2024", "--applied", "19/06/2024"),
        ("B", "--travel", "28/06/2024", "--applied", "20/06/2024"),
        ("C", "--travel", "29/06/2024", "--applied", "20/06/2024"),
    )
    plan = passq.json("plan")
    assert [(i["app_no"], i["planned_day"], i["on_time"]) for i in plan["items"]] == [
        ("A", "2024-06-27", True),
        ("C", "2024-06-28", True),
        ("B", "2024-07-01", False),
    ]
    assert [m["app_no"] for m in plan["will_miss_flight"]] == ["B"]


def test_capacity_needed_and_the_extra_a_day(passq, add_books) -> None:
    # One a day, four fly Sat 29/06 (deadline Fri 28/06): two print days, two seats. One more a
    # day on Thursday and Friday seats all four.
    passq.ok("config", "set", "capacity", "1")
    add_books(*[(f"T{n}", "--travel", "29/06/2024") for n in range(4)])
    plan = passq.json("plan")
    assert (plan["extra_per_day"], plan["extra_days"], plan["extra_until"]) == (
        1,
        2,
        "2024-06-28",
    )
    assert len(plan["will_miss_flight"]) == 2
    lines = passq.ok("plan").stdout.splitlines()
    assert lines[2:6] == [
        "2 travellers will miss their flight.",
        "0 travellers' flight dates have passed: ask them for the new date.",
        "0 books are past their promise (0 express).",
        "To keep every traveller with a flight deadline from today on: 1 more a print day on "
        "each of the next 2 print days (until 28/06/2024).",
    ]
    # Exactly that overtime, booked in the calendar, keeps them all: nothing more is asked.
    passq.ok("calendar", "on", "27/06/2024", "--capacity", "2")
    passq.ok("calendar", "on", "28/06/2024", "--capacity", "2")
    booked = passq.json("plan")
    assert (booked["will_miss_flight"], booked["extra_per_day"]) == ([], 0)
    assert "Current capacity keeps every traveller with a flight deadline ahead." in (
        passq.ok("plan").stdout
    )


def test_no_print_day_ahead_is_said_not_called_enough(passq, add_books) -> None:
    add_books(("T1", "--travel", "05/07/2024"), ("F1",))
    passq.ok("config", "set", "capacity", "0")
    plan = passq.json("plan")
    assert (plan["clears_on"], plan["unplanned"], plan["capacity_cannot_help"]) == (None, 2, 1)
    lines = passq.ok("plan").stdout.splitlines()
    assert lines[1] == (
        "The calendar has no print days for 2 books: open days with 'passq calendar on'."
    )
    assert lines[5] == (
        "There is no print day ahead (capacity 0, or every day closed): open days with "
        "'passq calendar on' or set the capacity with 'passq config set capacity'."
    )
    report = passq.json("report")
    assert (report["no_print_day_ahead"], report["extra_per_day"]) == (True, 0)


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
    # FRI2 flies Sat 29/06: deadline Fri 28/06, where the keepable set seated it (FRI1,
    # applied first, took Thursday's second seat). THU and FRI1 go before it.
    assert shown["why"] == (
        "Travels Sat 29/06, so must be printed by Fri 28/06. Planned Fri 28/06 (step: must): "
        "the last print day with room on or before its flight deadline. "
        "2 books are ahead of it."
    )
    assert shown["why"] in crunch.ok("show", "FRI2").stdout


def test_report_carries_the_plan_figures(crunch) -> None:
    # Today's report plans from now: nothing printed yet, so Thursday's two seats are still
    # there and the figures are the plan's (test above).
    report = crunch.json("report", now="2024-06-27T19:00")
    assert report["plan_from"] == "2024-06-27"
    plan = crunch.json("plan", now="2024-06-27T19:00")
    for key in ("flight_passed", "promises_broken", "express_promises_broken", "clears_on"):
        assert report[key] == plan[key]
    assert (report["will_miss_flight"], report["extra_per_day"]) == (0, 0)
    # Asked the next morning, the 27th plans from Friday as at its end: THU's flight deadline
    # (Thursday) has passed too; FRI1, FRI2 on Friday, MON and FREE Monday, LATE and THU
    # Tuesday; FRI1's promise (27/06) is now broken as well.
    again = crunch.json("report", "--date", "27/06/2024", now="2024-06-28T08:00")
    assert again["plan_from"] == "2024-06-28"
    assert (
        again["will_miss_flight"],
        again["flight_passed"],
        again["promises_broken"],
        again["clears_on"],
        again["extra_per_day"],
    ) == (0, 2, 3, "2024-07-02", 0)


def test_what_if_plans_with_the_change_and_writes_nothing(passq, add_books) -> None:
    passq.ok("config", "set", "capacity", "1")
    add_books(*[(f"T{n}", "--travel", "29/06/2024") for n in range(4)])
    before = passq.dump()
    asked = passq.json("plan")
    assert (asked["extra_per_day"], asked["extra_days"], asked["extra_until"]) == (
        1,
        2,
        "2024-06-28",
    )
    # Exactly the extra asked for, on exactly those days, keeps all four.
    opened = passq.json("plan", "--what-if-open", "27/06/2024:2", "--what-if-open", "28/06/2024:2")
    assert opened["will_miss_flight"] == [] and opened["extra_per_day"] == 0
    assert opened["what_if"] == {"capacity": None, "open": {"2024-06-27": 2, "2024-06-28": 2}}
    assert [(d["date"], d["capacity"], len(d["planned"])) for d in opened["days"]] == [
        ("2024-06-27", 2, 2),
        ("2024-06-28", 2, 2),
    ]
    # One less on Friday and one traveller misses.
    short = passq.json("plan", "--what-if-open", "27/06/2024:2")
    assert [m["app_no"] for m in short["will_miss_flight"]] == ["T3"]
    everyday = passq.json("plan", "--what-if-capacity", "2")
    assert (everyday["capacity"], everyday["will_miss_flight"]) == (2, [])
    text = passq.ok("plan", "--what-if-capacity", "2").stdout.splitlines()
    assert text[:2] == [
        "What if (nothing is written): 2 books every print day.",
        "Plan for Thu 27/06/2024: 4 books pending, 2 a print day.",
    ]
    assert passq.dump() == before


@pytest.mark.parametrize("value", ["28/06/2024", "28/06/2024:", ":5", "28/06/2024:-1"])
def test_a_bad_what_if_open_is_a_usage_error(passq, add_books, value) -> None:
    add_books(("T1", "--travel", "29/06/2024"))
    result = passq("plan", "--what-if-open", value)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--what-if-open': '{value}' is not DATE:BOOKS: "
        "give e.g. 06/07/2024:150."
    )


def test_a_bad_what_if_open_date_names_the_forms(passq, add_books) -> None:
    add_books(("T1", "--travel", "29/06/2024"))
    result = passq("plan", "--what-if-open", "x:5")
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        "Invalid --what-if-open 'x': use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 27 Juni 2024, "
        "today, tomorrow or +N.\n",
    )
