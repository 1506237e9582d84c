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
DATE_FORMS = "YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY, 27 Juni 2024, today, tomorrow or +N"
# Dates written out, in Indonesian or English ("Kamis, 27 Juni 2024", "27 Jun 2024").
WRITTEN_DATE_FORMATS = ("D MMMM YYYY", "D MMM YYYY", "dddd, D MMMM YYYY", "dddd D MMMM YYYY")
# Office settings kept in the database, with their defaults (DESIGN §7).
DEFAULT_SETTINGS = {
    "capacity": 250,
    "pickup_days": 1,
    "horizon_days": 7,
    "office": "",
    "timezone": "Asia/Jakarta",
    "stale_hours": 8,
}


def typed_settings(stored: Mapping[str, str]) -> dict:
    """The settings with defaults filled in and numbers as ints."""
    settings = dict(DEFAULT_SETTINGS)
    for key, value in stored.items():
        if key in settings:
            settings[key] = type(DEFAULT_SETTINGS[key])(value)
    return settings


SETTING_RANGES = {
    "capacity": (0, 100_000),
    "pickup_days": (0, 30),
    "horizon_days": (0, 60),
    "stale_hours": (1, 720),
}


def check_setting(key: str, value: str) -> str:
    """A setting's value checked and normalised for storing; Invalid names the allowed ones."""
    if key not in DEFAULT_SETTINGS:
        raise Invalid(
            _("Unknown setting '{key}': use {keys}.").format(
                key=key, keys=", ".join(DEFAULT_SETTINGS)
            )
        )
    value = value.strip()
    if key in SETTING_RANGES:
        low, high = SETTING_RANGES[key]
        if not value.isdigit() or not low <= int(value) <= high:
            raise Invalid(
                _("Invalid {key} '{value}': use a whole number from {low} to {high}.").format(
                    key=key, value=value, low=low, high=high
                )
            )
        return str(int(value))
    if key == "timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(
                _(
                    "Unknown time zone '{value}': use an IANA name such as Asia/Jakarta, "
                    "Asia/Makassar or Asia/Jayapura."
                ).format(value=value)
            ) from None
        return value
    return check_text(value, key, MAX_NAME)


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
    """The fields an edit really changes, checked (an empty name is refused by check_name)."""
    changes = {
        field: value for field, value in check_fields(raw, today).items() if value != current[field]
    }
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


def transition_columns(record: Mapping, action: str, status_after: str, at: str) -> dict:
    """The columns `action` changes on `record`'s row (status, batch, timestamps, failures)."""
    columns: dict = {"status": status_after, "updated_at": at}
    if action == "printed":
        columns["printed_at"] = at
    elif action == "collected":
        columns["collected_at"] = at
    if status_after == "pending":
        columns["batch_id"] = None
        columns["printed_at"] = None
    if action == "failed":
        columns["failures"] = record["failures"] + 1
    return columns


def undo_columns(event: Mapping, record: Mapping, at: str) -> dict:
    """The columns that put `record` back as it was before `event` (a status change or edit)."""
    detail = event["detail"]
    if event["action"] == "edited":
        columns = {field: old for field, (old, _new) in detail.items()}
        for field in ("applied", "travel"):
            if columns.get(field) is not None:
                columns[field] = date.fromisoformat(columns[field])
        return {**columns, "updated_at": at}
    # A pending book has no batch; otherwise the event kept the batch the book was in.
    batch_id = None if detail["from"] == "pending" else event["batch_id"]
    columns = {"status": detail["from"], "batch_id": batch_id, "updated_at": at}
    if event["action"] == "printed":
        columns["printed_at"] = None
    elif event["action"] == "failed":
        columns["printed_at"] = detail.get("printed_at")
        columns["failures"] = max(0, record["failures"] - 1)
    elif event["action"] == "collected":
        columns["collected_at"] = None
    return columns


def hours_since(stamp: str, now: datetime) -> float:
    """Hours from a stored timestamp to `now`."""
    return (now - datetime.fromisoformat(stamp)).total_seconds() / 3600


def unique(app_nos: Iterable[str]) -> list[str]:
    """Checked application numbers, first occurrence kept (a scanner may read a book twice)."""
    return list(dict.fromkeys(check_app_no(app_no) for app_no in app_nos if app_no.strip()))


# --- The queue rule (DESIGN §5) -----------------------------------------------------------


STEPS = ("must", "near", "missed", "queue")
# What plan_queue reads of a record (deadline and due included): all a plan needs to load.
QUEUE_FIELDS = ("app_no", "service", "urgent", "applied", "travel")


class Columns(Sequence[Mapping]):
    """Records held as one list per field: a million books without a dict each (a third of the
    memory, and plan_queue takes the lists as they are). Reads like a list of dicts."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Sequence]) -> None:
        self._fields = dict(fields)

    def column(self, key: str) -> Sequence:
        """Every record's value of `key`, in order."""
        return self._fields[key]

    def __len__(self) -> int:
        return len(next(iter(self._fields.values()), ()))

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return {key: values[index] for key, values in self._fields.items()}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Columns({list(self)!r})"


# The plan looks at most this far ahead; books beyond it get no planned day (no capacity).
MAX_PLAN_DAYS = 100 * 366
# Deadlines this long after the backlog clears need no day of their own in the keepable set.
FAR_MARGIN_DAYS = 366


# Not frozen: building a frozen dataclass costs ~2 µs, two seconds for a million books.
@dataclass(slots=True)
class Placement:
    """Where the queue rule put one pending book."""

    rank: int
    app_no: str
    planned_day: date | None  # None only when the calendar has no capacity left for it
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
    *,
    first: int | None = None,
    only: str | None = None,
) -> list[Placement]:
    """Order the pending books by the queue rule (DESIGN §5), each with its planned print day.

    The rule always weighs every book; `first` builds only the first that many placements
    (`list`, `next-batch`), `only` only the placement of that application number, with its rank
    in the whole plan (`show`), or none if it is not pending.
    """
    placements, _runs, _facts = _without_collector(
        pending,
        today,
        capacity,
        used_today,
        pickup_days,
        horizon_days,
        add_working_days,
        first,
        only,
    )
    return placements


def plan_figures(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    pickup_days: int = 1,
    horizon_days: int = 7,
    add_working_days: Callable[[date, int], date] | None = None,
    *,
    default_capacity: int,
) -> PlanSummary:
    """plan_summary of plan_queue, without a placement for every book: only the books that will
    miss get one (the day-end report at 100,000 books needs the figures, not the schedule)."""
    from operator import itemgetter

    will_miss, runs, book_facts = _without_collector(
        pending,
        today,
        capacity,
        used_today,
        pickup_days,
        horizon_days,
        add_working_days,
        None,
        None,
        missing=True,
    )
    return _summary(
        will_miss,
        # In rank order, planned days never go down; the books without a day come last.
        clears_on=next((day for day, _step, books in reversed(runs) if books), None),
        unplanned=sum(books for day, _step, books in runs if day is None),
        overdue=sum(map(today.__gt__, map(itemgetter(4), book_facts))),
        per_deadline=Counter(filter(today.__le__, filter(None, map(itemgetter(0), book_facts)))),
        today=today,
        capacity=capacity,
        used_today=used_today,
        default_capacity=default_capacity,
    )


def _without_collector(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    pickup_days: int,
    horizon_days: int,
    add_working_days: Callable[[date, int], date] | None,
    first: int | None,
    only: str | None,
    missing: bool = False,
) -> tuple[list[Placement], list[tuple], list[tuple]]:
    import gc

    if not pending:
        return [], [], []
    # A million books means millions of new objects; the cyclic collector would rescan them
    # again and again (over a second) although none of them can form a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _plan_queue(
            pending,
            today,
            capacity,
            used_today,
            pickup_days,
            horizon_days,
            add_working_days or add_weekdays,
            first,
            only,
            missing,
        )
    finally:
        if collecting:
            gc.enable()


def _plan_queue(
    pending: Sequence[Mapping],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    pickup_days: int,
    horizon_days: int,
    add_days: Callable[[date, int], date],
    first: int | None,
    only: str | None,
    missing: bool,
) -> tuple[list[Placement], list[tuple], list[tuple]]:
    """The placements asked for (see plan_queue; `missing`: those of the books that will miss),
    the (day, step, books) runs in rank order and each book's facts."""
    # Books are integer indices into column lists, and every per-book step that can run in C
    # (map, zip, compress, sort keys) does: that keeps a million books within a few seconds.
    from itertools import chain, compress, repeat
    from operator import itemgetter

    count = len(pending)
    app_nos = _column(pending, "app_no")
    services = _column(pending, "service")
    applieds = _column(pending, "applied")
    travels = _column(pending, "travel")

    # Deadline and due depend on (service, applied, travel) only: compute them once per
    # distinct combination, with the very functions the rest of passq uses.
    keys = list(zip(services, applieds, travels, strict=True))
    facts: dict[tuple, tuple] = {}
    for key in set(keys):
        record = {"service": key[0], "applied": key[1], "travel": key[2]}
        book_deadline = deadline(record, pickup_days)
        book_due = due(record, add_days)
        facts[key] = (
            book_deadline,
            None if book_deadline is None else (book_deadline - today).days,
            book_due.toordinal(),
            book_deadline is not None,
            book_due,
        )
    book_facts = list(map(facts.__getitem__, keys))
    del travels, facts, keys
    limits = list(map(itemgetter(1), book_facts))  # deadline as days from today
    ordinals = {day: day.toordinal() for day in set(applieds)}
    applied_keys = list(map(ordinals.__getitem__, applieds))
    del applieds
    ranks = list(map({"regular": 2}.get, services, repeat(1)))
    for book in compress(range(count), _column(pending, "urgent")):
        ranks[book] = 0
    del services

    # Stable sorts: by application number, then applied day, then the key that matters.
    by_applied = sorted(range(count), key=app_nos.__getitem__)
    by_applied.sort(key=applied_keys.__getitem__)
    del applied_keys
    with_deadline = list(map(itemgetter(3), book_facts))
    by_priority = list(compress(by_applied, map(with_deadline.__getitem__, by_applied)))
    by_priority.sort(key=ranks.__getitem__)
    del with_deadline, ranks
    due_keys = list(map(itemgetter(2), book_facts))
    by_due = sorted(by_applied, key=due_keys.__getitem__)
    del by_applied, due_keys

    # Capacities from today until every book has a day (or the plan's horizon), then as far
    # as the deadlines that can still compete for room.
    days: list[date] = []
    rooms: list[int] = []
    total = 0
    while total < count and len(days) < MAX_PLAN_DAYS:
        total += _add_day(days, rooms, today, capacity, used_today)
    deadline_offsets = set(limits)
    deadline_offsets.discard(None)
    window_end = min(
        max(deadline_offsets, default=-1), len(days) - 1 + FAR_MARGIN_DAYS, MAX_PLAN_DAYS - 1
    )
    while len(days) <= window_end:
        _add_day(days, rooms, today, capacity, used_today)
    last = len(days) - 1

    # Step 1, the keepable set: in priority order, keep a book if there is a day with room on
    # or before its deadline, and take the latest such day. Union-find: node d+1 stands for
    # day d and leads to the latest day at or before it with room; node 0 means none is left.
    parent = list(range(last + 2))
    room = [0, *rooms]
    for node in range(1, last + 2):
        if not room[node]:
            parent[node] = node - 1
    must_on: list[list[int]] = [[] for _ in range(last + 1)]
    kept: list[int] = []
    missed: list[int] = []
    for book in by_priority:
        limit = limits[book]
        if limit > last:
            # The backlog clears long before its deadline: room is certain, no day needed.
            kept.append(book)
            continue
        if limit < 0:
            missed.append(book)
            continue
        node = limit + 1
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        if not node:
            missed.append(book)
            continue
        kept.append(book)
        must_on[node - 1].append(book)
        room[node] -= 1
        if not room[node]:
            parent[node] = node - 1
    del parent, room, by_priority
    kept.sort(key=limits.__getitem__)
    missed.sort(key=limits.__getitem__)

    # Step 2, day by day. Each day's assignments fit its room and step a comes first, so a
    # kept book is placed on its assigned day at the latest: it never misses its deadline.
    placed = bytearray(count)
    wanted = count if first is None else min(count, first)
    order: list[int] = []
    runs: list[tuple[date | None, str, int]] = []  # (day, step, books) in rank order
    next_kept = next_missed = next_queued = 0
    kept_count, missed_count = len(kept), len(missed)
    for offset in range(last + 1):
        left = rooms[offset]
        if not left:
            continue
        day = days[offset]
        start = len(order)
        for book in must_on[offset]:
            if not placed[book]:
                placed[book] = 1
                order.append(book)
        if len(order) > start:
            runs.append((day, "must", len(order) - start))
            left -= len(order) - start
        start = len(order)
        horizon = offset + horizon_days
        while left and next_kept < kept_count:
            book = kept[next_kept]
            if limits[book] > horizon:
                break
            next_kept += 1
            if not placed[book]:
                placed[book] = 1
                order.append(book)
                left -= 1
        if len(order) > start:
            runs.append((day, "near", len(order) - start))
        take = min(left, missed_count - next_missed)
        if take:
            chunk = missed[next_missed : next_missed + take]
            next_missed += take
            for book in chunk:
                placed[book] = 1
            order.extend(chunk)
            runs.append((day, "missed", take))
            left -= take
        start = len(order)
        while left and next_queued < count:
            book = by_due[next_queued]
            next_queued += 1
            if not placed[book]:
                placed[book] = 1
                order.append(book)
                left -= 1
        if len(order) > start:
            runs.append((day, "queue", len(order) - start))
        if len(order) >= wanted:
            break
    if len(order) < wanted:
        # The calendar has no capacity left: the rest keep the rule's order, without a day.
        rest = missed[next_missed:]
        for book in rest:
            placed[book] = 1
        order.extend(rest)
        runs.append((None, "missed", len(rest)))
        start = len(order)
        order.extend(book for book in by_due[next_queued:] if not placed[book])
        runs.append((None, "queue", len(order) - start))
    del must_on, kept, missed, by_due, placed, limits

    # Placements cost more than the rule itself: build only those asked for.
    ranks: Sequence[int] = range(1, count + 1)
    if only is not None:
        ranks = [order.index(app_nos.index(only)) + 1] if only in app_nos else []
    elif first is not None:
        ranks = range(1, wanted + 1)
    elif missing:
        every_day = chain.from_iterable(repeat(day, books) for day, _step, books in runs)
        deadlines = map(itemgetter(0), map(book_facts.__getitem__, order))
        ranks = [
            rank
            for rank, (planned, limit) in enumerate(zip(every_day, deadlines, strict=True), 1)
            if limit is not None and (planned is None or planned > limit)
        ]
    planned_days: list[date | None] = []
    steps: list[str] = []
    needed = ranks[-1] if ranks else 0
    for day, step, books in runs:
        if len(planned_days) >= needed:
            break
        planned_days += [day] * books
        steps += [step] * books
    if len(ranks) < count:
        order = [order[rank - 1] for rank in ranks]
        planned_days = [planned_days[rank - 1] for rank in ranks]
        steps = [steps[rank - 1] for rank in ranks]
    ordered = list(map(book_facts.__getitem__, order))
    book_app_nos = list(map(app_nos.__getitem__, order))
    del app_nos, order
    book_deadlines = list(map(itemgetter(0), ordered))
    on_time = [
        None if limit is None else planned is not None and planned <= limit
        for planned, limit in zip(planned_days, book_deadlines, strict=True)
    ]
    placements = list(
        map(
            Placement,
            ranks,
            book_app_nos,
            planned_days,
            steps,
            book_deadlines,
            map(itemgetter(4), ordered),
            on_time,
        )
    )
    return placements, runs, book_facts


def _column(records: Sequence[Mapping], key: str) -> list:
    from operator import itemgetter, methodcaller

    if isinstance(records, Columns):
        values = records.column(key)
        return values if isinstance(values, list) else list(values)
    try:
        return list(map(itemgetter(key), records))
    except KeyError:  # hand-made records may leave out the optional fields
        return list(map(methodcaller("get", key), records))


def _add_day(
    days: list[date], rooms: list[int], today: date, capacity: Callable[[date], int], used: int
) -> int:
    day = today + timedelta(days=len(days))
    room = max(0, capacity(day) - (used if day == today else 0))
    days.append(day)
    rooms.append(room)
    return room


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


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """The supervisor's figures from a plan (DESIGN §5)."""

    will_miss: list[Placement]  # books whose deadline the plan does not meet, in rank order
    clears_on: date | None  # the last planned print day; None if nothing pending or unplanned
    unplanned: int  # books the calendar has no print day for
    overdue: int  # books whose due date (the service promise) is already past
    capacity_needed: int  # books a print day so nobody with a deadline from today on misses
    needed_by: date | None  # the deadline that sets capacity_needed
    extra_per_day: int  # how far capacity_needed is above the default capacity (else 0)
    extra_days: int  # for how many print days from today the extra is needed
    extra_until: date | None  # the last of those print days


def plan_summary(
    placements: Sequence[Placement],
    today: date,
    capacity: Callable[[date], int],
    used_today: int = 0,
    *,
    default_capacity: int,
) -> PlanSummary:
    """Who will miss, when the backlog clears, and the capacity that would save everyone."""
    return _summary(
        [placement for placement in placements if placement.on_time is False],
        # plan_queue returns placements in rank order, so planned days never go down.
        clears_on=placements[-1].planned_day if placements else None,
        unplanned=sum(1 for placement in placements if placement.planned_day is None),
        overdue=sum(1 for placement in placements if placement.due < today),
        per_deadline=Counter(
            placement.deadline
            for placement in placements
            if placement.deadline is not None and placement.deadline >= today
        ),
        today=today,
        capacity=capacity,
        used_today=used_today,
        default_capacity=default_capacity,
    )


def _summary(
    will_miss: list[Placement],
    *,
    clears_on: date | None,
    unplanned: int,
    overdue: int,
    per_deadline: Counter[date],
    today: date,
    capacity: Callable[[date], int],
    used_today: int,
    default_capacity: int,
) -> PlanSummary:
    """The summary from its counts: the capacity needed and the extra days it takes."""
    # Uniform model: every print day prints the same number of books, today only what is left
    # after the books already claimed or printed today (nothing if they already exceed it).
    used = used_today if capacity(today) > 0 else 0
    needed, needed_by = 0, None
    stops: list[tuple[int, int]] = []  # (books with a deadline up to D, print days up to D)
    books = print_days = 0
    day, one = today, timedelta(days=1)
    horizon = today + timedelta(days=MAX_PLAN_DAYS - 1)
    for deadline_day in sorted(per_deadline):
        if deadline_day > horizon:
            break
        while day <= deadline_day:
            print_days += capacity(day) > 0
            day += one
        if not print_days:
            continue  # due before the first print day: no capacity saves these books
        books += per_deadline[deadline_day]
        stops.append((books, print_days))
        need = _least_capacity(books, print_days, used)
        if need > needed:
            needed, needed_by = need, deadline_day
    extra = max(0, needed - default_capacity)
    extra_days, extra_until = 0, None
    if extra:
        # The fewest print days from today at `needed` (then the default) that meet them all.
        extra_days = max(
            _extra_days(books, days, used, default_capacity, extra) for books, days in stops
        )
        day, counted = today, 0
        while counted < extra_days:
            if capacity(day) > 0:
                counted += 1
                extra_until = day
            day += one
    return PlanSummary(
        will_miss=will_miss,
        clears_on=clears_on,
        unplanned=unplanned,
        overdue=overdue,
        capacity_needed=needed,
        needed_by=needed_by,
        extra_per_day=extra,
        extra_days=extra_days,
        extra_until=extra_until,
    )


def _least_capacity(books: int, print_days: int, used: int) -> int:
    # Seats at c a day: max(0, c - used) today, then c on each of the other print days.
    if print_days > 1:
        without_today = -(-books // (print_days - 1))
        if without_today <= used:
            return without_today
    return max(used, -(-(books + used) // print_days))


def _extra_days(books: int, print_days: int, used: int, base: int, extra: int) -> int:
    # Seats when the first k print days get `extra` more: find the least k that seats `books`.
    if max(0, base - used) + base * (print_days - 1) >= books:
        return 0
    short = books - max(0, base + extra - used) - base * (print_days - 1)
    return 1 + max(0, -(-short // extra))


def explain(
    placement: Placement,
    record: Mapping,
    ahead: int,
    *,
    today: date | None = None,
    capacity: Callable[[date], int] | None = None,
    horizon_days: int = 7,
) -> str:
    """Where a book stands in the plan and why, in words a supervisor can repeat on the phone."""
    book_deadline = placement.deadline
    if book_deadline is None:
        why = _("No travel date, so no deadline: printed in turn by its due date {due}").format(
            due=show_day(placement.due)
        )
    else:
        print_by = book_deadline
        if capacity is not None:
            # The deadline may fall on a weekend or holiday: name the print day before it.
            earliest = max(today or book_deadline, book_deadline - timedelta(days=31))
            day = book_deadline
            while day >= earliest and capacity(day) <= 0:
                day -= timedelta(days=1)
            if day >= earliest:
                print_by = day
        if record.get("service") == "express" and book_deadline == record.get("applied"):
            why = _("Express service applied {applied}, so must be printed by {by}").format(
                applied=show_day(record["applied"]), by=show_day(print_by)
            )
        elif record.get("destination"):
            why = _("Travels {travel} to {destination}, so must be printed by {by}").format(
                travel=show_day(record.get("travel")),
                destination=record["destination"],
                by=show_day(print_by),
            )
        else:
            why = _("Travels {travel}, so must be printed by {by}").format(
                travel=show_day(record.get("travel")), by=show_day(print_by)
            )
    if record.get("urgent"):
        why = _("Urgent ({reason}). {why}").format(reason=record["urgent"], why=why)

    if placement.planned_day is None:
        plan = _("no print day is planned for it: the calendar has no capacity ahead")
    else:
        if placement.step == "must":
            step = _("must go that day, the last print day with room before its deadline")
        elif placement.step == "near":
            step = _("deadline within {days} days").format(days=horizon_days)
        elif placement.step == "missed":
            step = _("it will miss its deadline, so it goes as soon as possible")
        elif book_deadline is not None:
            step = _("in turn by due date {due}, in time for its deadline").format(
                due=show_day(placement.due)
            )
        else:
            step = _("in turn by due date {due}").format(due=show_day(placement.due))
        plan = _("planned {day} (step: {step})").format(
            day=show_day(placement.planned_day), step=step
        )
    if placement.on_time is False and book_deadline is not None:
        if today is not None and book_deadline < today:
            plan = _("{plan}, and its deadline has already passed").format(plan=plan)
        elif placement.planned_day is not None:
            late = (placement.planned_day - book_deadline).days
            if late == 1:
                plan = _("{plan}, 1 day late").format(plan=plan)
            else:
                plan = _("{plan}, {days} days late").format(plan=plan, days=late)

    if ahead <= 0:
        queue = _("it is next in line")
    elif ahead == 1:
        queue = _("1 book is ahead of it")
    else:
        queue = _("{count} books are ahead of it").format(count=ahead)
    return _("{why}; {plan}; {queue}.").format(why=why, plan=plan, queue=queue)


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
    # From the plan made at day end (the day's capacity counted as used):
    will_miss: int
    capacity_needed: int
    clears_on: date | None
    due_broken: int


def day_report(
    day: date,
    events: Sequence[Mapping],
    open_batches: Sequence[Mapping],
    pending: Sequence[Mapping],
    plan: PlanSummary,
    at: datetime,
) -> DayReport:
    """Figures for `day` from its events (an event with a `count` stands for that many), the
    batches open at its end (aged at `at`), the books pending then and the plan made from them."""
    actions: Counter[str] = Counter()
    by_service: Counter[str] = Counter()
    by_operator: Counter[str] = Counter()
    for event in events:
        times = event.get("count", 1)
        actions[event["action"]] += times
        if event["action"] == "printed":
            by_service[event["service"]] += times
            by_operator[event["operator"]] += times
    week_end = day + timedelta(days=7)
    return DayReport(
        day=day,
        printed=actions["printed"],
        printed_by_service=dict(by_service),
        printed_by_operator=dict(by_operator),
        failed=actions["failed"],
        released=actions["released"],
        cancelled=actions["cancelled"],
        collected=actions["collected"],
        new_applications=actions["added"],
        open_batches=[
            {**batch, "age_hours": round(hours_since(batch["claimed_at"], at), 1)}
            for batch in open_batches
        ],
        pending_end=len(pending),
        travel_within_7_days=sum(
            1
            for travel in _column(pending, "travel")
            if travel is not None and day <= travel <= week_end
        ),
        oldest_pending_applied=min(_column(pending, "applied"), default=None),
        will_miss=len(plan.will_miss),
        capacity_needed=plan.capacity_needed,
        clears_on=plan.clears_on,
        due_broken=plan.overdue,
    )


def travelling_soon(
    pending: Sequence[Mapping], day: date, pickup_days: int = 1, days: int = 7
) -> list[dict]:
    """The pending books travelling within `days` of `day`, soonest first, with the personal
    data a supervisor needs to call them (shown only when asked: `report --names`)."""
    return [
        {
            "app_no": r["app_no"],
            "name": r["name"],
            "phone": r["phone"],
            "travel": r["travel"],
            "deadline": deadline(r, pickup_days),
        }
        for r in travelling_within(pending, day, days)
    ]


def travelling_within(pending: Iterable[Mapping], day: date, days: int = 7) -> list[Mapping]:
    """The books of `pending` travelling within `days` of `day`, soonest first."""
    end = day + timedelta(days=days)
    return sorted(
        (r for r in pending if r["travel"] is not None and day <= r["travel"] <= end),
        key=lambda r: (r["travel"], r["app_no"]),
    )
