"""The domain on plain data: checks, dates, deadlines, transitions, report figures."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from passq.domain import dates, lifecycle, records
from passq.domain import report as figures
from passq.domain.figures import CapacityNeeded, PlanFigures
from passq.errors import Invalid, Refused

TODAY = date(2024, 6, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-07-03", date(2024, 7, 3)),
        ("03/07/2024", date(2024, 7, 3)),
        ("3/7/2024", date(2024, 7, 3)),
        ("03-07-2024", date(2024, 7, 3)),
        ("today", TODAY),
        ("Tomorrow", date(2024, 6, 28)),
        ("+4", date(2024, 7, 1)),
        (" +0 ", TODAY),
        ("3 Juli 2024", date(2024, 7, 3)),
        ("3 jul 2024", date(2024, 7, 3)),
        ("Rabu, 3 Juli 2024", date(2024, 7, 3)),
        ("3 July 2024", date(2024, 7, 3)),
        ("17 Agustus 2024", date(2024, 8, 17)),
    ],
)
def test_parse_date_accepts_every_listed_form(text: str, expected: date) -> None:
    assert dates.parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2024", "2024/07/03", "07-2024", "next week", "", "+x", "-1"]
)
def test_parse_date_refuses_other_forms_naming_the_accepted_ones(text: str) -> None:
    with pytest.raises(Invalid) as error:
        dates.parse_date(text, TODAY, "--travel date")
    assert str(error.value) == (
        f"Invalid --travel date '{text}': use YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, "
        "27 Juni 2024, today, tomorrow or +N."
    )
    assert error.value.exit_code == 2


def test_parse_moment_reads_dates_and_datetimes() -> None:
    assert dates.parse_moment("2024-06-27").isoformat() == "2024-06-27T00:00:00"
    assert dates.parse_moment("27/06/2024 19:30").isoformat() == "2024-06-27T19:30:00"
    with pytest.raises(Invalid, match="^Invalid --now 'soon'"):
        dates.parse_moment("soon")


@pytest.mark.parametrize("name", sorted(dates.INDONESIAN_ZONES))
def test_an_indonesian_office_zone_reads_as_the_tz_database_does(name: str) -> None:
    from zoneinfo import ZoneInfo

    zone, database = dates.office_zone(name), ZoneInfo(name)
    # Every month start and mid-month of the years passq takes, at midnight and at noon.
    for year in range(dates.FIRST_YEAR, dates.LAST_YEAR + 1):
        for month in range(1, 13):
            for day, hour in ((1, 0), (15, 12)):
                moment = datetime(year, month, day, hour)
                assert zone.utcoffset(moment) == database.utcoffset(moment), moment
    assert (
        datetime(2024, 6, 27, 8, tzinfo=zone).isoformat()
        == datetime(2024, 6, 27, 8, tzinfo=database).isoformat()
    )


def test_another_office_zone_comes_from_the_tz_database() -> None:
    assert dates.office_zone("Asia/Tokyo").utcoffset(datetime(2024, 6, 27)) == (
        datetime(2024, 6, 27, 9) - datetime(2024, 6, 27)
    )
    assert type(dates.office_zone("Asia/Tokyo")).__name__ == "ZoneInfo"


@pytest.mark.parametrize("app_no", ["1", "3301240618000001", "W/2024/06-17", "a" * 40])
def test_app_no_accepts_opaque_codes(app_no: str) -> None:
    assert records.check_app_no(app_no) == app_no


@pytest.mark.parametrize("app_no", ["", "-12", "/12", "12 -", "12@", "a" * 41, "ñ1"])
def test_app_no_refuses_other_characters_and_lengths(app_no: str) -> None:
    with pytest.raises(Invalid, match="^Invalid application number"):
        records.check_app_no(app_no)


def test_name_is_trimmed_and_limited() -> None:
    assert records.check_name("  Siti   Rahayu ") == "Siti Rahayu"
    assert records.check_name("x" * 200) == "x" * 200
    with pytest.raises(Invalid, match="^The name has 201 characters: shorten it to at most 200.$"):
        records.check_name("x" * 201)
    with pytest.raises(Invalid, match="^The name is empty"):
        records.check_name("   ")
    with pytest.raises(Invalid, match="^The name contains control characters"):
        records.check_name("Siti\x00Rahayu")


@pytest.mark.parametrize(
    ("text", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("+60 12-345 6789", "+60123456789"),
    ],
)
def test_phone_numbers_are_stored_as_e164(text: str, e164: str) -> None:
    assert records.check_phone(text) == e164


@pytest.mark.parametrize("text", ["12345", "0812", "phone", "+1 000"])
def test_invalid_phone_numbers_are_refused(text: str) -> None:
    with pytest.raises(Invalid, match=f"^Invalid phone number '{re.escape(text)}'"):
        records.check_phone(text)


def test_service_accepts_indonesian_names() -> None:
    assert records.check_service("Percepatan") == "express"
    assert records.check_service("biasa") == "regular"
    with pytest.raises(Invalid, match="^Unknown service 'vip': use regular, express or pmi.$"):
        records.check_service("vip")


def test_new_application_defaults_and_checks() -> None:
    record = records.new_application("A1", {"name": "Budi", "travel": "+3"}, TODAY)
    assert record == {
        "app_no": "A1",
        "name": "Budi",
        "phone": None,
        "service": "regular",
        "urgent": None,
        "applied": TODAY,
        "travel": date(2024, 6, 30),
        "destination": None,
        "note": None,
        "language": None,
    }
    with pytest.raises(Invalid, match="^The travel date 26/06/2024 is before the applied date"):
        records.new_application("A1", {"name": "Budi", "travel": "2024-06-26"}, TODAY)
    with pytest.raises(Invalid, match="^The applied date 28/06/2024 is in the future"):
        records.new_application("A1", {"name": "Budi", "applied": "tomorrow"}, TODAY)
    with pytest.raises(Invalid, match="^The name is missing"):
        records.new_application("A1", {}, TODAY)


def test_language_accepts_codes_and_names_in_both_languages() -> None:
    for text, code in (("id", "id"), ("EN", "en"), (" Inggris ", "en"), ("English", "en")):
        assert records.check_language(text) == code
    for text in ("indonesia", "Indonesian", "bahasa  Indonesia"):
        assert records.check_language(text) == "id"
    with pytest.raises(
        Invalid, match="^Unknown language 'fr': use id \\(Indonesian\\) or en \\(English\\).$"
    ):
        records.check_language("fr")
    record = records.new_application("A1", {"name": "Budi", "language": "en"}, TODAY)
    assert record["language"] == "en"
    assert records.edited_fields(record, {"language": ""}, TODAY) == {"language": None}
    assert records.edited_fields(record, {"language": "english"}, TODAY) == {}


def test_edited_fields_returns_only_real_changes() -> None:
    current = records.new_application("A1", {"name": "Budi", "travel": "+3"}, TODAY)
    assert records.edited_fields(current, {"name": "Budi", "travel": "01/07/2024"}, TODAY) == {
        "travel": date(2024, 7, 1)
    }
    assert records.edited_fields(current, {"travel": ""}, TODAY) == {"travel": None}
    with pytest.raises(Invalid, match="^The name is empty: give the applicant's name"):
        records.edited_fields(current, {"name": "  "}, TODAY)


def test_deadline_is_pickup_days_before_travel_whatever_the_service() -> None:
    # DESIGN §4 (issue 10): only travel makes a hard deadline; express is a promise.
    regular = {"service": "regular", "applied": date(2024, 6, 20), "travel": date(2024, 7, 1)}
    assert records.deadline(regular) == date(2024, 6, 30)
    assert records.deadline(regular, pickup_days=3) == date(2024, 6, 28)
    assert records.deadline({**regular, "travel": None}) is None
    express = {**regular, "service": "express"}
    assert records.deadline(express) == date(2024, 6, 30)
    assert records.deadline({**express, "travel": None}) is None


@pytest.mark.parametrize(
    ("status", "action", "after"),
    [
        ("pending", "claimed", "claimed"),
        ("claimed", "printed", "printed"),
        ("claimed", "failed", "pending"),
        ("printed", "failed", "pending"),
        ("claimed", "released", "pending"),
        ("printed", "collected", "collected"),
        ("pending", "cancelled", "cancelled"),
        ("printed", "cancelled", "cancelled"),
        # Printed out of the queue: the printer is the truth (DESIGN §4, issue 11 §6).
        ("pending", "printed", "printed"),
    ],
)
def test_allowed_transitions(status: str, action: str, after: str) -> None:
    assert lifecycle.check_transition({"app_no": "A1", "status": status}, action) == after


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("collected", "printed"),
        ("pending", "failed"),
        ("pending", "released"),
        ("claimed", "collected"),
        ("collected", "cancelled"),
        ("cancelled", "released"),
        ("printed", "printed"),
        ("collected", "failed"),
    ],
)
def test_other_transitions_are_refused(status: str, action: str) -> None:
    with pytest.raises(Refused, match=f"^Application A1 is {status}: "):
        lifecycle.check_transition({"app_no": "A1", "status": status}, action)


def test_unique_keeps_first_scan_and_skips_blank_lines() -> None:
    assert lifecycle.unique(["B", " A ", "", "B"]) == ["B", "A"]


def test_day_report_counts_from_events() -> None:
    events = [
        {"action": "printed", "operator": "ani", "service": "regular"},
        {"action": "printed", "operator": "budi", "service": "express"},
        {"action": "printed", "operator": "ani", "service": "regular"},
        {"action": "failed", "operator": "ani", "service": "regular"},
        {"action": "added", "operator": "sari", "service": "pmi"},
        {"action": "edited", "operator": "sari", "service": "pmi"},
    ]
    pending = [
        {"travel": date(2024, 7, 4), "applied": date(2024, 6, 20)},
        {"travel": date(2024, 7, 5), "applied": date(2024, 6, 18)},
        {"travel": None, "applied": date(2024, 6, 25)},
    ]
    plan = PlanFigures(
        will_miss=[],
        flight_passed=1,
        promises_broken=2,
        express_promises_broken=1,
        clears_on=date(2024, 6, 28),
        unplanned=0,
        capacity_needed=CapacityNeeded(3, 2, date(2024, 7, 1), 0, False),
    )
    batch = {"batch_id": 4, "operator": "ani", "claimed_at": "2024-06-27T10:00:00+07:00"}
    end_of_day = datetime.fromisoformat("2024-06-28T00:00:00+07:00")
    claimed = [{"travel": date(2024, 6, 30), "applied": date(2024, 6, 21)}]
    report = figures.day_report(
        TODAY, events, [batch], pending, claimed, plan, end_of_day, plan_from=TODAY
    )
    assert report.open_batches == [{**batch, "age_hours": 14.0}]
    assert report.printed == 3
    assert report.printed_by_service == {"regular": 2, "express": 1}
    assert report.printed_by_operator == {"ani": 2, "budi": 1}
    assert (report.failed, report.new_applications, report.pending_end) == (1, 1, 3)
    # 04/07 is within 7 days of 27/06, 05/07 is not; the claimed 30/06 traveller counts, flagged.
    assert (report.travel_within_7_days, report.travel_within_7_days_claimed) == (2, 1)
    assert report.oldest_pending_applied == date(2024, 6, 18)
    assert (report.will_miss_flight, report.flight_passed, report.clears_on) == (
        0,
        1,
        date(2024, 6, 28),
    )
    assert (report.promises_broken, report.express_promises_broken) == (2, 1)
    assert (report.extra_per_day, report.extra_days, report.extra_until) == (
        3,
        2,
        date(2024, 7, 1),
    )
