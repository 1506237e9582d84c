"""The counter's units of work: register and correct a book, look one up, list the queue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from passq.domain.records import check_app_no, edited_fields, new_application
from passq.errors import Invalid, Refused
from passq.i18n import _
from passq.services.session import Session

if TYPE_CHECKING:
    from passq.domain import queue as rule


def add(s: Session, app_no: str, raw: dict[str, str | None], confirmed: bool = False) -> dict:
    """Check and store one new pending book; Refused when its number exists (`confirmed`: a
    travel date over a year ahead is meant)."""
    record = new_application(app_no, raw, s.today, s.settings["app_no_pattern"], confirmed)
    register(s, record)
    return record


def register(s: Session, record: dict) -> None:
    """Store one checked new record with its 'added' event; Refused when its number exists."""
    with s.store.command(s.stamp, s.operator) as log:
        existing = s.store.get(record["app_no"])
        if existing is not None:
            raise Refused(
                _(
                    "Application {app_no} already exists ({name}, {status}): "
                    "use 'passq edit {app_no}' to change it."
                ).format(
                    app_no=existing["app_no"], name=existing["name"], status=existing["status"]
                )
            )
        s.store.insert(record, s.stamp)
        log("added", record["app_no"], status="pending")


def edit(
    s: Session, app_no: str, raw: dict[str, str | None], confirmed: bool = False
) -> tuple[dict, dict]:
    """Change the fields given of one book, logging old and new; returns (record, changes)."""
    with s.store.command(s.stamp, s.operator) as log:
        current = s.store.require(check_app_no(app_no))
        changes = edited_fields(current, raw, s.today, confirmed)
        if not changes:
            raise Invalid(
                _("Nothing to change: give at least one new value, e.g. --travel 03/07/2024.")
            )
        apply_edit(s, log, current, changes)
    return current, changes


def apply_edit(s: Session, log, current: dict, changes: dict) -> None:
    """Write `changes` to `current`'s row inside `log`'s command, with an 'edited' event."""
    s.store.update(current["app_no"], {**changes, "updated_at": log.at})
    detail = {field: [current[field], value] for field, value in changes.items()}
    log("edited", current["app_no"], detail=detail)


def show(s: Session, app_no: str) -> tuple[dict, rule.Placement | None, list[dict]]:
    """One book, its placement in the plan (pending books only) and its history."""
    record = s.store.require(check_app_no(app_no))
    placement = s.plan(only=record["app_no"])[0] if record["status"] == "pending" else None
    return record, placement, s.store.history(record["app_no"])


FOUND_FIELDS = (
    "app_no",
    "name",
    "phone",
    "service",
    "status",
    "applied",
    "travel",
    "destination",
    "urgent",
    "batch_id",
    "printed_at",
    "collected_at",
)


def find(s: Session, text: str, limit: int) -> tuple[list[dict], int]:
    """`find`: the books `text` names (name or destination words, a phone, a number), newest
    first, each with its planned print day if pending; and how many match in all."""
    from passq.domain.search import parse_query

    records, total = s.store.find(parse_query(text), limit)
    placements = s.placements_of([r["app_no"] for r in records if r["status"] == "pending"])
    rows = []
    for record in records:
        placement = placements.get(record["app_no"])
        row = {field: record[field] for field in FOUND_FIELDS}
        row["planned_day"] = placement.planned_day if placement else None
        row["flight_deadline"] = placement.flight_deadline if placement else None
        rows.append(row)
    return rows, total


def queue_rows(s: Session, placements: list[rule.Placement]) -> list[dict]:
    """The rows `list` and `next-batch` show for these placements (whole records read for
    these books only)."""
    records = s.store.existing([p.app_no for p in placements])
    return [queue_row(p, records[p.app_no]) for p in placements]


def queue_row(placement: rule.Placement, record: dict) -> dict:
    """One book of the queue as `list` and `next-batch` show it."""
    return {
        "rank": placement.rank,
        "app_no": placement.app_no,
        "name": record["name"],
        "service": record["service"],
        "flight_deadline": placement.flight_deadline,
        "planned_day": placement.planned_day,
        "step": placement.step,
    }


LISTED_FIELDS = ("app_no", "name", "service", "status", "batch_id", "updated_at")


def listed(s: Session, status: str, limit: int) -> list[dict]:
    """`list`: pending books in queue order, others most recently changed first."""
    from passq.domain.dates import hours_since

    if status == "pending":
        return queue_rows(s, s.plan(first=limit))
    rows = [
        {
            key: record[key]
            for key in ("app_no", "name", "service", "status", "batch_id", "updated_at")
        }
        for record in s.store.by_status(None if status == "all" else status, limit)
    ]
    if status == "claimed":
        claimed_at = {b["batch_id"]: b["claimed_at"] for b in s.store.open_batches()}
        for row in rows:
            row["claimed_at"] = claimed_at[row["batch_id"]]
            row["age_hours"] = round(hours_since(row["claimed_at"], s.now), 1)
    return rows
