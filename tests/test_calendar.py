"""The print calendar: Indonesian holidays, weekends, office overrides, working-day math."""

from datetime import date

import pytest

from passq.domain.calendar import CalendarDay, PrintCalendar, official_holidays


@pytest.fixture(scope="module")
def holidays_2024() -> dict[date, str]:
    return official_holidays(2024)


def test_official_holidays_have_idul_adha_and_cuti_bersama(holidays_2024):
    assert "Idul Adha" in holidays_2024[date(2024, 6, 17)]
    assert "Cuti Bersama" in holidays_2024[date(2024, 6, 18)]
    assert date(2024, 6, 19) not in holidays_2024
    assert all(day.year == 2024 for day in holidays_2024)


def calendar(holidays_2024, overrides=None, capacity=250) -> PrintCalendar:
    return PrintCalendar(capacity, overrides or {}, lambda year: holidays_2024)


def test_holidays_are_not_print_days(holidays_2024):
    cal = calendar(holidays_2024)
    for day in (date(2024, 6, 17), date(2024, 6, 18)):
        assert cal.capacity(day) == 0
        assert not cal.is_working_day(day)
        assert not cal.is_print_day(day)
    assert cal.reason(date(2024, 6, 17)) == "Hari Raya Idul Adha"
    assert cal.capacity(date(2024, 6, 19)) == 250
    assert cal.reason(date(2024, 6, 19)) == "working day"


def test_weekend_is_not_a_print_day(holidays_2024):
    cal = calendar(holidays_2024)
    assert cal.capacity(date(2024, 6, 22)) == 0
    assert cal.reason(date(2024, 6, 22)) == "Saturday"
    assert cal.capacity(date(2024, 6, 23)) == 0
    assert cal.reason(date(2024, 6, 23)) == "Sunday"
    assert not cal.is_working_day(date(2024, 6, 23))


def test_saturday_override_gives_capacity_but_not_a_working_day(holidays_2024):
    saturday = date(2024, 6, 29)
    cal = calendar(holidays_2024, {saturday: (120, "overtime shift")})
    assert cal.capacity(saturday) == 120
    assert cal.reason(saturday) == "office: overtime shift"
    assert cal.is_print_day(saturday)
    # Due dates count working days, which office overrides do not change (issue 3, item 3).
    assert not cal.is_working_day(saturday)


def test_off_override_closes_a_working_day(holidays_2024):
    thursday = date(2024, 6, 20)
    cal = calendar(holidays_2024, {thursday: (0, "PDN outage"), date(2024, 6, 21): (0, "")})
    assert cal.capacity(thursday) == 0
    assert cal.reason(thursday) == "office: PDN outage"
    assert cal.reason(date(2024, 6, 21)) == "office: closed"
    assert cal.is_working_day(thursday)


def test_override_on_a_holiday_wins(holidays_2024):
    cal = calendar(holidays_2024, {date(2024, 6, 18): (80, "")})
    assert cal.capacity(date(2024, 6, 18)) == 80
    # The holiday's name stays beside the office's decision (issue 11 §9).
    assert cal.reason(date(2024, 6, 18)) == (
        "office: 80 books (holiday: Cuti Bersama Hari Raya Idul Adha)"
    )


def test_add_working_days_across_the_june_2024_holidays(holidays_2024):
    cal = calendar(holidays_2024)
    friday = date(2024, 6, 14)
    assert cal.add_working_days(friday, 0) == friday
    # Mon 17 and Tue 18 are holidays: Wed 19, Thu 20, Fri 21, Mon 24.
    assert cal.add_working_days(friday, 1) == date(2024, 6, 19)
    assert cal.add_working_days(friday, 4) == date(2024, 6, 24)
    assert cal.add_working_days(date(2024, 6, 19), -1) == friday
    # A Saturday overtime shift is a print day but does not shorten the service promise.
    saturday = calendar(holidays_2024, {date(2024, 6, 15): (100, "overtime")})
    assert saturday.add_working_days(friday, 1) == date(2024, 6, 19)


def test_last_print_day_on_or_before(holidays_2024):
    cal = calendar(holidays_2024, {date(2024, 6, 15): (50, "overtime")})
    assert cal.last_print_day_on_or_before(date(2024, 6, 18)) == date(2024, 6, 15)
    assert cal.last_print_day_on_or_before(date(2024, 6, 19)) == date(2024, 6, 19)
    assert cal.last_print_day_on_or_before(date(2024, 6, 18), earliest=date(2024, 6, 16)) is None


def test_days_lists_capacity_and_reason(holidays_2024):
    cal = calendar(holidays_2024, {date(2024, 6, 15): (100, "overtime")})
    days = cal.days(date(2024, 6, 14), 5)
    assert days == [
        CalendarDay(date(2024, 6, 14), 250, "working day"),
        CalendarDay(date(2024, 6, 15), 100, "office: overtime"),
        CalendarDay(date(2024, 6, 16), 0, "Sunday"),
        CalendarDay(date(2024, 6, 17), 0, "Hari Raya Idul Adha"),
        CalendarDay(date(2024, 6, 18), 0, "Cuti Bersama Hari Raya Idul Adha"),
    ]


def test_holiday_loader_is_called_once_per_year():
    calls: list[int] = []

    def loader(year: int) -> dict[date, str]:
        calls.append(year)
        return {date(year, 1, 1): "Tahun Baru Masehi"}

    cal = PrintCalendar(10, {}, loader)
    assert cal.capacity(date(2025, 1, 1)) == 0
    for offset in range(1, 40):
        cal.capacity(date(2025, 1, 1).replace(day=1 + offset % 28))
        cal.reason(date(2025, 2, 1 + offset % 28))
    cal.add_working_days(date(2025, 12, 30), 3)
    assert cal.is_working_day(date(2026, 1, 2))
    assert calls == [2025, 2026]


def test_weekends_and_zero_default_do_not_load_holidays():
    def loader(year: int) -> dict[date, str]:
        raise AssertionError("holidays loaded")

    assert PrintCalendar(250, {}, loader).capacity(date(2024, 6, 15)) == 0
    assert PrintCalendar(0, {}, loader).capacity(date(2024, 6, 14)) == 0
