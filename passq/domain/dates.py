"""Dates as people type them and as passq shows them."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

from passq.errors import Invalid
from passq.i18n import _

DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 27 Juni 2024, today, tomorrow or +N"
# The years passq accepts: past them a date is a typo (and date arithmetic would overflow).
FIRST_YEAR, LAST_YEAR = 2000, 2099
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})\Z")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})\Z")
# Written out, in Indonesian or English: "Kamis, 27 Juni 2024", "5 Agu 2024", "27 Jun. 2024".
_WRITTEN = re.compile(
    r"(?:([^\W\d_]+'?[^\W\d_]*)\s*[,.]?\s+)?(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{4})\Z"
)
# +N days ahead: a century at most (a longer one is a typo, and would overflow).
MAX_DAYS_AHEAD = 36_500
_MONTH_WORDS = (
    ("januari", "january", "jan"),
    ("februari", "pebruari", "february", "feb", "peb"),
    ("maret", "march", "mar"),
    ("april", "apr"),
    ("mei", "may"),
    ("juni", "june", "jun"),
    ("juli", "july", "jul"),
    ("agustus", "august", "agu", "agt", "ags", "aug"),
    ("september", "sep", "sept"),
    ("oktober", "october", "okt", "oct"),
    ("november", "nopember", "nov", "nop"),
    ("desember", "december", "des", "dec"),
)
MONTHS = {word: number for number, words in enumerate(_MONTH_WORDS, 1) for word in words}
_DAY_WORDS = (
    ("senin", "monday", "mon", "sen"),
    ("selasa", "tuesday", "tue", "tues", "sel"),
    ("rabu", "wednesday", "wed", "rab"),
    ("kamis", "thursday", "thu", "thur", "thurs", "kam"),
    ("jumat", "friday", "fri", "jum"),
    ("sabtu", "saturday", "sat", "sab"),
    ("minggu", "ahad", "sunday", "sun", "min"),
)
WEEKDAYS = {word: number for number, words in enumerate(_DAY_WORDS) for word in words}


def parse_date(text: str, today: date, option: str = "date") -> date:
    """Read a date in any accepted form (ISO, day-first with / - or ., written out with an
    Indonesian or English month, today, tomorrow, +N); a weekday written must be the date's."""
    value = " ".join(text.strip().lower().split())
    try:
        if value == "today":
            return today
        if value == "tomorrow":
            return today + timedelta(days=1)
        if value.startswith("+") and value[1:].isascii() and value[1:].isdigit():
            ahead = int(value[1:])
            return in_range(today + timedelta(days=min(ahead, MAX_DAYS_AHEAD + 1)), text)
        if match := _DAY_FIRST.match(value):
            day, _sep, month, year = match.groups()
            return in_range(date(int(year), int(month), int(day)), text)
        if match := _ISO.match(value):
            return in_range(date.fromisoformat(value), text)
        if match := _WRITTEN.match(" ".join(text.split())):
            return _written_date(*match.groups())
    except (ValueError, OverflowError):
        pass
    raise Invalid(
        _("Invalid {option} '{text}': use {forms}.").format(
            option=option, text=text, forms=DATE_FORMS
        )
    )


def in_range(day: date, text: str) -> date:
    """`day`, or Invalid when its year is not one passq plans for (a typo: 31/12/9999)."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(
            _("The date '{text}' is out of range: give a date from {first} to {last}.").format(
                text=text.strip(), first=FIRST_YEAR, last=LAST_YEAR
            )
        )
    return day


def _written_date(weekday: str | None, day: str, month: str, year: str) -> date:
    """A date written out with a month name; a weekday given must be the date's own."""
    from passq.i18n import day_name

    number = MONTHS.get(month.lower())
    if number is None:
        raise ValueError(month)
    written = f"{day} {month} {year}"
    found = in_range(date(int(year), number, int(day)), written)
    if weekday is not None:
        given = WEEKDAYS.get(weekday.lower().replace("'", ""))
        if given is None:
            raise ValueError(weekday)
        if given != found.weekday():
            raise Invalid(
                _("{date} is a {actual}, not a {given}: check the date and the day.").format(
                    date=written, actual=day_name(found.weekday()), given=day_name(given)
                )
            )
    return found


def parse_moment(text: str) -> datetime:
    """Read a `--now` value: a date (start of that day) or a date and time, naive."""
    value = text.strip()
    if match := _DAY_FIRST.match(value[:10]):
        day, _sep, month, year = match.groups()
        value = f"{year}-{int(month):02d}-{int(day):02d}{value[10:]}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _(
                "Invalid --now '{text}': use a date (2024-06-27 or 27/06/2024) "
                "or a date and time (2024-06-27T19:30)."
            ).format(text=text)
        ) from None
    in_range(moment.date(), text)
    return moment


def show_date(day: date | None) -> str:
    """A date as people in the office write it: 27/06/2024."""
    return day.strftime("%d/%m/%Y") if day else "-"


def show_stamp(stamp: str | None) -> str:
    """A stored timestamp as people in the office read it: 27/06/2024 08:00 (office time)."""
    if not stamp:
        return "-"
    return datetime.fromisoformat(stamp).strftime("%d/%m/%Y %H:%M")


def show_day(day: date | None) -> str:
    """A short date with its weekday in the user's language: Thu 27/06, Kam 27/06."""
    from passq.i18n import format_day

    return format_day(day) if day else "-"


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


# Indonesia's time zones have kept one offset each, without daylight saving, since 1988 (and
# passq takes no date before 2000): for them a fixed offset is the tz database's answer, and
# spares every command reading the database's files at start-up.
INDONESIAN_ZONES = {"Asia/Jakarta": 7, "Asia/Pontianak": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}


def office_zone(name: str) -> tzinfo:
    """The time zone named `name` (an IANA name the settings checked)."""
    hours = INDONESIAN_ZONES.get(name)
    if hours is not None:
        return timezone(timedelta(hours=hours), name)
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)
