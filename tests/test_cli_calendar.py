"""Calendar overrides and settings through the command line; the holiday cache in the store."""

from __future__ import annotations

from datetime import date

import pytest

from passq.store import open_store
from tests.conftest import query


def test_calendar_show_knows_the_june_2024_holidays(passq) -> None:
    days = passq.json("calendar", "show", "--from", "14/06/2024", "--days", "6")
    assert [(d["date"], d["capacity"], d["reason"]) for d in days] == [
        ("2024-06-14", 250, "working day"),
        ("2024-06-15", 0, "Saturday"),
        ("2024-06-16", 0, "Sunday"),
        ("2024-06-17", 0, "Hari Raya Idul Adha"),
        ("2024-06-18", 0, "Cuti Bersama Hari Raya Idul Adha"),
        ("2024-06-19", 250, "working day"),
    ]


def test_holidays_are_cached_in_the_database_per_year(passq, monkeypatch) -> None:
    passq.ok("calendar", "show", "--from", "2024-06-17", "--days", "1")
    assert passq.rows("SELECT year FROM holiday_years") == [(2024,)]
    assert ("2024-06-18", "Cuti Bersama Hari Raya Idul Adha") in passq.rows(
        "SELECT date, name FROM holidays"
    )

    def no_computing(year: int):
        raise AssertionError("holidays recomputed although cached")

    monkeypatch.setattr("passq.services.session.official_holidays", no_computing)
    again = passq.json("calendar", "show", "--from", "2024-06-17", "--days", "1")
    assert again[0]["capacity"] == 0


def test_office_overrides_open_and_close_days(passq) -> None:
    assert passq.ok(
        "calendar", "on", "22/06/2024", "--capacity", "120", "--reason", "lembur"
    ).stdout == ("22/06/2024 is a print day for 120 books.\n")
    assert passq.ok("calendar", "off", "2024-06-24", "--reason", "PDN down").stdout == (
        "24/06/2024 is closed: nothing will be planned on it.\n"
    )
    days = passq.json("calendar", "show", "--from", "2024-06-22", "--days", "3")
    assert [(d["capacity"], d["reason"]) for d in days] == [
        (120, "office: lembur"),
        (0, "Sunday"),
        (0, "office: PDN down"),
    ]
    assert passq.rows("SELECT action, detail FROM events ORDER BY id") == [
        ("calendar", '{"date": "2024-06-22", "capacity": 120, "note": "lembur", "before": null}'),
        ("calendar", '{"date": "2024-06-24", "capacity": 0, "note": "PDN down", "before": null}'),
    ]


def test_a_saturday_shift_gets_books_and_a_closed_day_none(passq, add_books) -> None:
    add_books(*[(f"A{n}", "--travel", "05/07/2024") for n in range(6)], now="2024-06-21T08:00")
    passq.ok("config", "set", "capacity", "2")
    passq.ok("calendar", "on", "22/06/2024", "--capacity", "1")
    passq.ok("calendar", "off", "24/06/2024")
    planned = [row["planned_day"] for row in passq.json("list", now="2024-06-21T08:00")]
    assert planned == [
        "2024-06-21",
        "2024-06-21",
        "2024-06-22",
        "2024-06-25",
        "2024-06-25",
        "2024-06-26",
    ]


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["config", "set", "capasity", "3"],
            "Unknown setting 'capasity': use capacity, pickup_days, horizon_days, "
            "reprint_reserve_percent, reprint_hour, office, timezone, stale_hours, csv_delimiter, "
            "app_no_pattern, collection_days, notice_ready, notice_planned, notice_late, "
            "notice_uncollected.",
        ),
        (
            ["config", "set", "capacity", "100001"],
            "Invalid capacity '100001': use a whole number from 0 to 100000.",
        ),
        (
            ["config", "set", "pickup_days", "two"],
            "Invalid pickup_days 'two': use a whole number from 0 to 30.",
        ),
        (
            ["config", "set", "timezone", "Mars/Base"],
            "Unknown time zone 'Mars/Base': use an IANA name such as Asia/Jakarta, "
            "Asia/Makassar or Asia/Jayapura.",
        ),
        (
            ["calendar", "off", "32/06/2024"],
            "Invalid date '32/06/2024': use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, "
            "27 Juni 2024, today, tomorrow or +N.",
        ),
    ],
)
def test_bad_settings_and_days_are_exit_2_and_write_nothing(passq, args, sentence) -> None:
    passq.ok("config", "show")
    before = passq.dump()
    result = passq(*args)
    assert (result.exit_code, result.stderr) == (2, sentence + "\n")
    assert passq.dump() == before


def test_settings_are_shared_through_the_database_and_logged(passq) -> None:
    assert passq.ok("config", "set", "office", "Kantor Imigrasi Cilacap").stdout == (
        "office is now Kantor Imigrasi Cilacap.\n"
    )
    passq.ok("config", "set", "horizon_days", "05")
    assert passq.json("config", "show") == {
        "capacity": 250,
        "pickup_days": 1,
        "horizon_days": 5,
        "reprint_reserve_percent": 5,
        "reprint_hour": 15,
        "office": "Kantor Imigrasi Cilacap",
        "timezone": "Asia/Jakarta",
        "stale_hours": 8,
        "csv_delimiter": ",",
        "app_no_pattern": "[A-Za-z0-9][A-Za-z0-9/-]{0,39}",
        "collection_days": 30,
        "notice_ready": "",
        "notice_planned": "",
        "notice_late": "",
        "notice_uncollected": "",
    }
    assert passq.rows("SELECT detail FROM events WHERE action = 'config' ORDER BY id") == [
        ('{"office": [null, "Kantor Imigrasi Cilacap"]}',),
        ('{"horizon_days": [null, "5"]}',),
    ]


def test_the_office_time_zone_sets_today(passq, add_books) -> None:
    passq.ok("config", "set", "timezone", "Asia/Jayapura")
    passq.ok("add", "A1", "--name", "Budi", now="2024-06-27T23:30:00+07:00")
    assert passq.rows("SELECT applied, created_at FROM applications") == [
        ("2024-06-28", "2024-06-28T01:30:00+09:00")
    ]


def test_holiday_loader_joins_an_open_transaction(database) -> None:
    opened = open_store(database, 10_000)
    load = opened.holiday_loader(lambda year: {date(year, 1, 1): "Tahun Baru"}, "x")
    with opened.transaction():
        assert load(2030) == {date(2030, 1, 1): "Tahun Baru"}
    assert load(2030) == {date(2030, 1, 1): "Tahun Baru"}
    opened.close()
    assert query(database, "SELECT count(*) FROM holidays") == [(1,)]


# --- Issue 11 §9: clear an override; a holiday opened only with --yes, its name kept ---------


def test_calendar_clear_removes_an_override(passq) -> None:
    passq.ok("calendar", "off", "28/06/2024", "--reason", "server down")
    assert passq.ok("calendar", "clear", "28/06/2024").stdout == (
        "28/06/2024 is back to the calendar: working day, 250 books.\n"
    )
    assert passq.rows("SELECT * FROM calendar") == []
    before = passq.dump()
    result = passq("calendar", "clear", "28/06/2024")
    assert (result.exit_code, result.stderr) == (
        1,
        "28/06/2024 has no office override: nothing to clear (see 'passq calendar show').\n",
    )
    assert passq.dump() == before
    passq.ok("undo")
    assert passq.rows("SELECT date, capacity, note FROM calendar") == [
        ("2024-06-28", 0, "server down")
    ]


def test_calendar_on_a_holiday_names_it_and_asks_for_yes(passq) -> None:
    passq.ok("config", "show")
    before = passq.dump()
    result = passq("calendar", "on", "17/06/2024", "--capacity", "100")
    assert (result.exit_code, result.stderr) == (
        1,
        "17/06/2024 is a public holiday (Hari Raya Idul Adha): add --yes to open it all the "
        "same.\n",
    )
    assert passq.dump() == before
    passq.ok("calendar", "on", "17/06/2024", "--capacity", "100", "--yes", "--reason", "lembur")
    shown = passq.json("calendar", "show", "--from", "17/06/2024", "--days", "1")
    assert shown == [
        {
            "date": "2024-06-17",
            "capacity": 100,
            "reason": "office: lembur (holiday: Hari Raya Idul Adha)",
            "holiday": "Hari Raya Idul Adha",
        }
    ]
