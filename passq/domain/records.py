"""Application records: their fields, the checks on typed values, deadline and due."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from passq.domain.dates import parse_date, show_date
from passq.errors import Invalid, Refused
from passq.i18n import _

SERVICES = ("regular", "express", "pmi")
SERVICE_ALIASES = {
    "regular": "regular",
    "reguler": "regular",
    "biasa": "regular",
    "express": "express",
    "percepatan": "express",
    "pmi": "pmi",
}
STATUSES = ("pending", "claimed", "printed", "collected", "cancelled")
DUE_WORKING_DAYS = {"regular": 4, "pmi": 4, "express": 0}
APP_NO_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]{0,39}\Z")
MAX_NAME = 200
MAX_TEXT = 1000


# Editable fields, in the order they are shown and exported.
FIELDS = (
    "name",
    "phone",
    "service",
    "urgent",
    "applied",
    "travel",
    "destination",
    "note",
    "language",
)
# The applicant's language for the messages passq prepares (notify); None: the office's
# default, Indonesian.
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
LANGUAGE_ALIASES = {
    "id": "id",
    "ind": "id",
    "indonesia": "id",
    "indonesian": "id",
    "bahasa indonesia": "id",
    "en": "en",
    "eng": "en",
    "english": "en",
    "inggris": "en",
    "bahasa inggris": "en",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


_SEPARATORS = re.compile(r"[\s-]+")
_DIGIT_GROUPS = re.compile(r"[0-9]+(?:[ \t-]+[0-9]+)*")


def normal_app_no(text: str) -> str:
    """A number typed in digit groups (`3301 2406 2700 0918`, `3301-2406-2700-0918`) without its
    separators; a code with letters (`A-FAR`) as typed (DESIGN §3)."""
    value = text.strip()
    return _SEPARATORS.sub("", value) if _DIGIT_GROUPS.fullmatch(value) else value


def check_app_no(text: str, pattern: str | None = None) -> str:
    """An application number: up to 40 letters, digits, - and / (first a letter or digit),
    digit groups joined; a new one (`pattern`: the office's `app_no_pattern`) must match it."""
    value = normal_app_no(text)
    if not APP_NO_PATTERN.match(value):
        raise Invalid(
            _(
                "Invalid application number '{text}': use up to 40 letters, digits, '-' or '/', "
                "starting with a letter or digit."
            ).format(text=text)
        )
    if pattern and re.fullmatch(pattern, value) is None:
        raise Invalid(
            _(
                "Application number '{text}' does not have this office's form ({pattern}): "
                "check the number, or change the setting app_no_pattern."
            ).format(text=text, pattern=pattern)
        )
    return value


def check_name(text: str) -> str:
    """A name: 1 to 200 printable characters."""
    value = " ".join(text.split())
    if not value:
        raise Invalid(_("The name is empty: give the applicant's name as on the application."))
    if len(value) > MAX_NAME:
        raise Invalid(
            _("The name has {n} characters: shorten it to at most {limit}.").format(
                n=len(value), limit=MAX_NAME
            )
        )
    _refuse_control(value, "name")
    return value


def check_service(text: str) -> str:
    """A service: regular, express or pmi (Indonesian names accepted)."""
    value = SERVICE_ALIASES.get(text.strip().lower())
    if value is None:
        raise Invalid(_("Unknown service '{text}': use regular, express or pmi.").format(text=text))
    return value


def check_language(text: str) -> str:
    """The applicant's language: id or en (English and Indonesian names accepted)."""
    value = LANGUAGE_ALIASES.get(" ".join(text.split()).lower())
    if value is None:
        raise Invalid(
            _("Unknown language '{text}': use id (Indonesian) or en (English).").format(text=text)
        )
    return value


def check_phone(text: str) -> str:
    """A phone number, Indonesian or international, returned as E.164 (+62812…)."""
    import phonenumbers  # ~20 ms: only when a phone number is given

    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid(
            _(
                "Invalid phone number '{text}': use an Indonesian number such as 0812-3456-7890 "
                "or an international one starting with +."
            ).format(text=text)
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_text(text: str, field: str, limit: int = MAX_TEXT) -> str:
    """A free-text field (note, destination, urgent reason): printable, at most `limit` chars."""
    value = text.strip()
    if len(value) > limit:
        raise Invalid(
            _("The {field} has {n} characters: shorten it to at most {limit}.").format(
                field=field, n=len(value), limit=limit
            )
        )
    _refuse_control(value, field)
    return value


def _refuse_control(value: str, field: str) -> None:
    if _CONTROL.search(value):
        raise Invalid(
            _("The {field} contains control characters: remove them and try again.").format(
                field=field
            )
        )


def check_fields(raw: Mapping[str, str | None], today: date) -> dict:
    """Check the editable fields given as text; return them typed (dates as `date`)."""
    checked: dict = {}
    for field, text in raw.items():
        if text is None:
            continue
        if field == "name":
            checked[field] = check_name(text)
        elif field == "service":
            checked[field] = check_service(text)
        elif field == "applied" and not text.strip():
            raise Invalid(
                _("The applied date cannot be empty: give the day the application was complete.")
            )
        elif field in ("applied", "travel"):
            checked[field] = parse_date(text, today, f"--{field} date") if text.strip() else None
        elif field == "phone":
            checked[field] = check_phone(text) if text.strip() else None
        elif field == "language":
            checked[field] = check_language(text) if text.strip() else None
        else:
            label = "urgent reason" if field == "urgent" else field
            checked[field] = check_text(text, label) or None
    return checked


def check_dates(record: Mapping, today: date) -> None:
    """The applied day is not in the future and travel is not before it."""
    applied, travel = record["applied"], record.get("travel")
    if applied > today:
        raise Invalid(
            _("The applied date {applied} is in the future: give the interview date.").format(
                applied=show_date(applied)
            )
        )
    if travel is not None and travel < applied:
        raise Invalid(
            _("The travel date {travel} is before the applied date {applied}: check both.").format(
                travel=show_date(travel), applied=show_date(applied)
            )
        )


def check_travel(travel: date | None, today: date, confirmed: bool) -> None:
    """A travel date being typed: not already past; more than a year ahead only `confirmed`."""
    if travel is None:
        return
    if travel < today:
        raise Invalid(
            _(
                "The travel date {travel} has already passed: give the new travel date, or "
                "leave it out."
            ).format(travel=show_date(travel))
        )
    if travel > today + timedelta(days=366) and not confirmed:
        raise Refused(
            _(
                "The travel date {travel} is more than a year ahead: check it, and add --yes "
                "if it is right."
            ).format(travel=show_date(travel))
        )


def new_application(
    app_no: str,
    raw: Mapping[str, str | None],
    today: date,
    app_no_pattern: str | None = None,
    confirmed: bool = False,
) -> dict:
    """Check a new application's fields and return the record to store (status pending);
    a travel date a year ahead or more only when `confirmed`."""
    record: dict[str, Any] = dict.fromkeys(FIELDS)
    record["app_no"] = check_app_no(app_no, app_no_pattern)
    record["service"] = "regular"
    record["applied"] = today
    record.update(check_fields(raw, today))
    if record["name"] is None:
        raise Invalid(_("The name is missing: give it with --name."))
    check_dates(record, today)
    check_travel(record["travel"], today, confirmed)
    return record


def edited_fields(
    current: Mapping, raw: Mapping[str, str | None], today: date, confirmed: bool = False
) -> dict:
    """The fields an edit really changes, checked (an empty name is refused by check_name; a
    new travel date as in `new_application`)."""
    changes = {
        field: value for field, value in check_fields(raw, today).items() if value != current[field]
    }
    check_dates({**current, **changes}, today)
    if "travel" in changes:
        check_travel(changes["travel"], today, confirmed)
    return changes


def deadline(record: Mapping, pickup_days: int = 1) -> date | None:
    """The last day the passport can be printed for the flight: pickup_days before travel
    (DESIGN §4: only travel makes a hard deadline; the plan moves it back to a print day)."""
    if record.get("travel") is None:
        return None
    return record["travel"] - timedelta(days=pickup_days)


def due(record: Mapping, add_working_days: Callable[[date, int], date]) -> date:
    """The service promise: applied + 4 working days (regular, pmi), same day (express)."""
    return add_working_days(record["applied"], DUE_WORKING_DAYS[record["service"]])
