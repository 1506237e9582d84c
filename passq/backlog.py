"""The domain: application records, checks, deadlines, transitions, the queue rule, report figures.

Pure functions over plain data (dicts with `date` values); `today`/`now` are parameters; no I/O.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, today, tomorrow or +N"
# Office settings kept in the database, with their defaults (DESIGN §7).
DEFAULT_SETTINGS = {
    "capacity": 250,
    "pickup_days": 1,
    "horizon_days": 7,
    "office": "",
    "timezone": "Asia/Jakarta",
}


def typed_settings(stored: Mapping[str, str]) -> dict:
    """The settings with defaults filled in and numbers as ints."""
    settings = dict(DEFAULT_SETTINGS)
    for key, value in stored.items():
        if key in settings:
            settings[key] = type(DEFAULT_SETTINGS[key])(value)
    return settings


# Editable fields, in the order they are shown and exported.
FIELDS = ("name", "phone", "service", "urgent", "applied", "travel", "destination", "note")

_DAY_FIRST = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4})\Z")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


# --- Checking input -------------------------------------------------------------------------


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
    except ValueError:
        pass
    raise Invalid(
        _("Invalid {option} '{text}': use {forms}.").format(
            option=option, text=text, forms=DATE_FORMS
        )
    )


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


def check_app_no(text: str) -> str:
    """An application number: up to 40 letters, digits, - and / (first a letter or digit)."""
    value = text.strip()
    if not APP_NO_PATTERN.match(value):
        raise Invalid(
            _(
                "Invalid application number '{text}': use up to 40 letters, digits, '-' or '/', "
                "starting with a letter or digit."
            ).format(text=text)
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
        elif field in ("applied", "travel"):
            checked[field] = parse_date(text, today, f"--{field} date") if text.strip() else None
        elif field == "phone":
            checked[field] = check_phone(text) if text.strip() else None
        else:
            checked[field] = check_text(text, field) or None
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


def new_application(app_no: str, raw: Mapping[str, str | None], today: date) -> dict:
    """Check a new application's fields and return the record to store (status pending)."""
    record = {field: None for field in FIELDS}
    record["app_no"] = check_app_no(app_no)
    record["service"] = "regular"
    record["applied"] = today
    record.update(check_fields(raw, today))
    if record["name"] is None:
        raise Invalid(_("The name is missing: give it with --name."))
    check_dates(record, today)
    return record


def edited_fields(current: Mapping, raw: Mapping[str, str | None], today: date) -> dict:
    """The fields an edit really changes, checked; refuses an edit that changes nothing."""
    changes = {
        field: value for field, value in check_fields(raw, today).items() if value != current[field]
    }
    if "name" in raw and raw["name"] is not None and changes.get("name", "") is None:
        raise Invalid(_("The name is empty: give the applicant's name as on the application."))
    check_dates({**current, **changes}, today)
    return changes


# --- Dates shown to people ----------------------------------------------------------------


def show_date(day: date | None) -> str:
    """A date as people in the office write it: 27/06/2024."""
    return day.strftime("%d/%m/%Y") if day else "-"


def show_day(day: date | None) -> str:
    """A short date with its weekday: Thu 27/06."""
    return day.strftime("%a %d/%m") if day else "-"


# --- Deadlines ----------------------------------------------------------------------------


def deadline(record: Mapping, pickup_days: int = 1) -> date | None:
    """The last day to print: pickup_days before travel; the applied day for express."""
    candidates = []
    if record.get("travel") is not None:
        candidates.append(record["travel"] - timedelta(days=pickup_days))
    if record["service"] == "express":
        candidates.append(record["applied"])
    return min(candidates) if candidates else None


def due(record: Mapping, add_working_days: Callable[[date, int], date]) -> date:
    """The service promise: applied + 4 working days (regular, pmi), same day (express)."""
    return add_working_days(record["applied"], DUE_WORKING_DAYS[record["service"]])


# --- Transitions (DESIGN §4) --------------------------------------------------------------

# action -> (statuses it may start from, status it leaves)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "claimed": (("pending",), "claimed"),
    "printed": (("claimed",), "printed"),
    "failed": (("claimed", "printed"), "pending"),
    "released": (("claimed",), "pending"),
    "collected": (("printed",), "collected"),
    "cancelled": (("pending", "claimed", "printed"), "cancelled"),
}
_HINTS = {
    "printed": _("only claimed books can be marked printed; claim it with 'passq next-batch'"),
    "failed": _("only claimed or printed books can be marked failed"),
    "released": _("only claimed books can be released"),
    "collected": _("only printed books can be handed over"),
    "cancelled": _("collected or cancelled books cannot be cancelled"),
    "claimed": _("only pending books can be claimed"),
}


def check_transition(record: Mapping, action: str) -> str:
    """The status `action` leaves `record` in, or Refused naming why it is not allowed."""
    allowed_from, status_after = TRANSITIONS[action]
    if record["status"] not in allowed_from:
        raise Refused(
            _("Application {app_no} is {status}: {hint}.").format(
                app_no=record["app_no"], status=record["status"], hint=_HINTS[action]
            )
        )
    return status_after


def unique(app_nos: Iterable[str]) -> list[str]:
    """Checked application numbers, first occurrence kept (a scanner may read a book twice)."""
    return list(dict.fromkeys(check_app_no(app_no) for app_no in app_nos if app_no.strip()))


# --- The queue rule (DESIGN §5) -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the queue rule put one pending book."""

    rank: int
    app_no: str
    planned_day: date | None
    step: str  # must | near | missed | queue
    deadline: date | None
    due: date
    on_time: bool | None  # None when the book has no deadline


def priority(record: Mapping) -> int:
    """0 urgent, 1 express and pmi, 2 regular."""
    if record.get("urgent"):
        return 0
    return 2 if record["service"] == "regular" else 1


def plan_queue(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = 7,
    add_working_days: Callable[[date, int], date] | None = None,
) -> list[Placement]:
    """Rank pending books: earliest deadline first, then by applied day (interim rule)."""
    add_days = add_working_days or add_weekdays
    rows = []
    for record in pending:
        book_deadline = deadline(record, pickup_days)
        rows.append((record, book_deadline, due(record, add_days)))
    far = date.max
    rows.sort(key=lambda row: (row[1] or far, row[0]["applied"], row[0]["app_no"]))
    placements = []
    day, room = today, capacity(today) - used_today
    for rank, (record, book_deadline, book_due) in enumerate(rows, start=1):
        while room <= 0:
            day += timedelta(days=1)
            room = capacity(day)
        room -= 1
        on_time = None if book_deadline is None else day <= book_deadline
        if book_deadline is None:
            step = "queue"
        elif not on_time:
            step = "missed"
        else:
            step = "near" if (book_deadline - today).days <= horizon_days else "queue"
        placements.append(
            Placement(rank, record["app_no"], day, step, book_deadline, book_due, on_time)
        )
    return placements


def add_weekdays(day: date, count: int) -> date:
    """`day` plus `count` Monday–Friday days (no holidays): the interim working-day count."""
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def weekday_capacity(default: int) -> Callable[[date], int]:
    """Capacity `default` on Monday–Friday, none at weekends (the interim calendar)."""
    return lambda day: default if day.weekday() < 5 else 0


# --- The day-end report (figures only; rendering is the CLI's) ------------------------------

STATUS_AFTER = {"added": "pending", **{a: after for a, (_from, after) in TRANSITIONS.items()}}


@dataclass(frozen=True, slots=True)
class DayReport:
    """The supervisor's figures for one day."""

    day: date
    printed: int
    printed_by_service: dict[str, int]
    printed_by_operator: dict[str, int]
    failed: int
    released: int
    cancelled: int
    collected: int
    new_applications: int
    open_batches: list[dict]
    pending_end: int
    travel_within_7_days: int
    oldest_pending_applied: date | None


def day_report(
    day: date,
    events: Sequence[Mapping],
    open_batches: Sequence[Mapping],
    pending: Sequence[Mapping],
) -> DayReport:
    """Figures for `day` from its events, the batches open at its end and the books pending then."""
    actions = Counter(event["action"] for event in events)
    printed = [event for event in events if event["action"] == "printed"]
    week_end = day + timedelta(days=7)
    return DayReport(
        day=day,
        printed=len(printed),
        printed_by_service=dict(Counter(event["service"] for event in printed)),
        printed_by_operator=dict(Counter(event["operator"] for event in printed)),
        failed=actions["failed"],
        released=actions["released"],
        cancelled=actions["cancelled"],
        collected=actions["collected"],
        new_applications=actions["added"],
        open_batches=list(open_batches),
        pending_end=len(pending),
        travel_within_7_days=sum(
            1 for r in pending if r["travel"] is not None and day <= r["travel"] <= week_end
        ),
        oldest_pending_applied=min((r["applied"] for r in pending), default=None),
    )
