"""Dates as people type them and as passq shows them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from passq.errors import Invalid
from passq.i18n import _

DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 27 Juni 2024, today, tomorrow or +N"
# Dates written out, in Indonesian or English ("Kamis, 27 Juni 2024", "27 Jun 2024").
WRITTEN_DATE_FORMATS = ("D MMMM YYYY", "D MMM YYYY", "dddd, D MMMM YYYY", "dddd D MMMM YYYY")
_DAY_FIRST = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})\Z")


def parse_date(text: str, today: date, option: str = "date") -> date:
    """Read a date in any accepted form (ISO, day-first, today, tomorrow, +N)."""
    value = text.strip().lower()
    try:
        if value == "today":
            return today
        if value == "tomorrow":
            return today + timedelta(days=1)
        if value.startswith("+") and value[1:].isdigit():
            return today + timedelta(days=int(value[1:]))
        if match := _DAY_FIRST.match(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if len(value) == 10 and value[4] == "-":
            return date.fromisoformat(value)
        if value[:1].isalnum() and any(c.isalpha() for c in value):
            return _written_date(text.strip())
    except ValueError:
        pass
    raise Invalid(
        _("Invalid {option} '{text}': use {forms}.").format(
            option=option, text=text, forms=DATE_FORMS
        )
    )


def _written_date(text: str) -> date:
    """A date written out with a month name, Indonesian or English (pendulum knows both)."""
    import pendulum  # ~40 ms: only for the unusual, written-out forms

    for locale in ("id", "en"):
        for form in WRITTEN_DATE_FORMATS:
            try:
                return pendulum.from_format(text.title(), form, locale=locale).date()
            except ValueError:
                continue
    raise ValueError(text)


def parse_moment(text: str) -> datetime:
    """Read a `--now` value: a date (start of that day) or a date and time, naive."""
    value = text.strip()
    if match := _DAY_FIRST.match(value[:10]):
        day, month, year = (int(part) for part in match.groups())
        value = f"{year:04d}-{month:02d}-{day:02d}{value[10:]}"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _(
                "Invalid --now '{text}': use a date (2024-06-27 or 27/06/2024) "
                "or a date and time (2024-06-27T19:30)."
            ).format(text=text)
        ) from None


def show_date(day: date | None) -> str:
    """A date as people in the office write it: 27/06/2024."""
    return day.strftime("%d/%m/%Y") if day else "-"


def show_day(day: date | None) -> str:
    """A short date with its weekday: Thu 27/06."""
    return day.strftime("%a %d/%m") if day else "-"


def add_weekdays(day: date, count: int) -> date:
    """`day` plus `count` Monday–Friday days (no holidays): the interim working-day count."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def hours_since(stamp: str, now: datetime) -> float:
    """Hours from a stored timestamp to `now`."""
    return (now - datetime.fromisoformat(stamp)).total_seconds() / 3600
