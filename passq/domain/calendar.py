"""Print days and capacity: the Indonesian working calendar plus the office's own overrides.

Pure over plain data: holidays come from an injected per-year loader (the store serves a cache
from the database), so importing this module costs nothing and the `holidays` package is only
imported by `official_holidays`, when a year is not cached yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import NamedTuple

from passq.i18n import _

# How far `last_print_day_on_or_before` looks back before giving up.
LOOKBACK_DAYS = 366


def official_holidays(year: int) -> dict[date, str]:
    """Indonesian public holidays and cuti bersama of `year`, with their Indonesian names."""
    import holidays  # ~130 ms with the Indonesian calendar: only when a year is not cached

    found = holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )
    return {day: name for day, name in found.items() if day.year == year}


class CalendarDay(NamedTuple):
    """One day of the print calendar, as `calendar show` lists it."""

    date: date
    capacity: int
    reason: str


class PrintCalendar:
    """Print days and their capacity: Mon–Fri minus holidays, then the office's overrides."""

    def __init__(
        self,
        default_capacity: int,
        overrides: Mapping[date, tuple[int, str]] | None = None,
        holidays_for_year: Callable[[int], Mapping[date, str]] = official_holidays,
    ) -> None:
        self.default_capacity = default_capacity
        # Office override per date: (capacity, note); capacity 0 closes the day.
        self.overrides: Mapping[date, tuple[int, str]] = {} if overrides is None else overrides
        self.holidays_for_year = holidays_for_year
        self._years: dict[int, Mapping[date, str]] = {}

    def holiday(self, day: date) -> str | None:
        """The name of the public holiday or cuti bersama on `day`, if any."""
        year = self._years.get(day.year)
        if year is None:
            year = self._years[day.year] = self.holidays_for_year(day.year)
        return year.get(day)

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday and not a holiday; office overrides do not count (due dates use it)."""
        return day.weekday() < 5 and self.holiday(day) is None

    def capacity(self, day: date) -> int:
        """Books the office can print on `day`: its override, else the default on working days."""
        override = self.overrides.get(day)
        if override is not None:
            return max(0, override[0])
        # Weekends and a zero default need no holiday data: skip loading it.
        if self.default_capacity <= 0 or day.weekday() >= 5:
            return 0
        return self.default_capacity if self.holiday(day) is None else 0

    def reason(self, day: date) -> str:
        """Why `day` has its capacity: working day, weekend, holiday name or the office's note."""
        override = self.overrides.get(day)
        if override is not None:
            capacity, note = override
            if note:
                office = _("office: {note}").format(note=note)
            elif capacity <= 0:
                office = _("office: closed")
            else:
                office = _("office: {capacity} books").format(capacity=capacity)
            name = self.holiday(day)
            if name is None:
                return office
            # The holiday stays visible beside the office's decision.
            return _("{office} (holiday: {holiday})").format(office=office, holiday=name)
        if day.weekday() == 5:
            return _("Saturday")
        if day.weekday() == 6:
            return _("Sunday")
        name = self.holiday(day)
        if name is not None:
            return name
        return _("working day")

    def is_print_day(self, day: date) -> bool:
        """Whether anything can be printed on `day` (overrides included)."""
        return self.capacity(day) > 0

    def add_working_days(self, day: date, count: int) -> date:
        """`day` moved `count` working days forward (backward if negative); 0 keeps `day`."""
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def last_print_day_on_or_before(self, day: date, earliest: date | None = None) -> date | None:
        """The latest print day on or before `day` (not before `earliest`), or None."""
        stop = earliest if earliest is not None else day - timedelta(days=LOOKBACK_DAYS)
        while day >= stop:
            if self.capacity(day) > 0:
                return day
            day -= timedelta(days=1)
        return None

    def days(self, start: date, count: int) -> list[CalendarDay]:
        """`count` consecutive days from `start`, each with its capacity and reason."""
        return [
            CalendarDay(day, self.capacity(day), self.reason(day))
            for day in (start + timedelta(days=offset) for offset in range(count))
        ]
