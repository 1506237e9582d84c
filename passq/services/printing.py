"""The print operators' units of work: claim a batch, and move books along their life cycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from passq.domain import lifecycle
from passq.errors import Refused
from passq.i18n import _
from passq.services.session import Session
from passq.store.base import EventLog

if TYPE_CHECKING:
    from passq.domain import queue as rule


class Claim(NamedTuple):
    """A claimed batch (None: nothing claimed), its books, and today's slots held for reprints."""

    batch_id: int | None
    books: list[tuple[rule.Placement, dict]]
    held: int


def claim(s: Session, size: int) -> Claim:
    """Claim the first `size` books of the queue for this operator, in one transaction:
    read, rank, update, log under the write lock, so two desks never get the same book.
    Before `reprint_hour` the batch leaves today's reprint reserve free (domain/reserve.py)."""
    from passq.domain.reserve import claimable, within_reserve

    with s.store.command(s.stamp, s.operator) as log:
        used = s.store.used_today(s.today)
        take, held = claimable(
            size,
            s.calendar.capacity(s.today),
            used,
            s.settings["reprint_reserve_percent"],
            s.now.hour >= s.settings["reprint_hour"],
        )
        chosen = s.placements(s.store.queue(), used=used, first=size)
        if held:
            kept = within_reserve(chosen, take, s.today)
            # Slots still held: the reserve less the must-go books it let through (none held
            # when the batch lost nothing to it).
            held = held - (len(kept) - take) if len(kept) < len(chosen) else 0
            chosen = kept
        if not chosen:
            return Claim(None, [], held)
        app_nos = [p.app_no for p in chosen]
        records = s.store.existing(app_nos)
        batch_id = s.store.new_batch(s.operator, s.stamp, app_nos)
        for app_no in app_nos:
            log("claimed", app_no, batch_id, {"from": "pending"}, "claimed")
    return Claim(batch_id, [(p, records[p.app_no]) for p in chosen], held)


def mark(
    s: Session,
    app_nos: Sequence[str],
    action: str,
    reason: str | None = None,
    extra: Mapping | None = None,
    *,
    others: bool = True,
) -> list[dict]:
    """Apply `action` (printed, failed, released, collected, cancelled) to every book, all or
    nothing; returns the records as they were. `extra` goes into each event's detail. Unless
    `others`, a book in another operator's batch is refused (the CLI's --force allows it)."""
    with s.store.command(s.stamp, s.operator) as log:
        records = [s.store.require(app_no) for app_no in app_nos]
        if not others:
            refuse_other_desks(s, records)
        for record in records:
            apply(s, log, record, action, reason, extra)
    return records


def apply(
    s: Session,
    log: EventLog,
    record: Mapping,
    action: str,
    reason: str | None,
    extra: Mapping | None = None,
) -> None:
    """One book's transition and its event, inside `log`'s command."""
    status_after = lifecycle.check_transition(record, action)
    columns = lifecycle.transition_columns(record, action, status_after, log.at)
    s.store.update(record["app_no"], columns)
    detail = {**lifecycle.transition_detail(record, columns, reason), **(extra or {})}
    log(action, record["app_no"], record["batch_id"], detail, status_after)


def lost_today(s: Session, app_nos: Sequence[str]) -> tuple[list[str], list[dict]]:
    """After a misprint: those of `app_nos` whose flight needs them printed today (today is
    their flight deadline) but that the plan can no longer print today, today's capacity being
    claimed or spent; and the open batches, where a book that can wait could give its slot back
    (`release`: the reprint is then step a, must, of today and first in the next batch)."""
    placed = s.placements_of(app_nos)
    lost = [
        app_no
        for app_no in app_nos
        if (p := placed.get(app_no)) is not None
        and p.flight_deadline == s.today
        and p.planned_day != s.today
    ]
    batches: list[dict] = s.store.open_batches() if lost else []
    return lost, batches


def refuse_other_desks(s: Session, records: Sequence[Mapping]) -> None:
    """Refused naming the first batch among `records`' (claimed or printed books) that another
    operator claimed: a desk does not release or fail another desk's books by mistake."""
    from passq.domain.dates import show_stamp

    for batch_id in dict.fromkeys(r["batch_id"] for r in records if r["batch_id"] is not None):
        batch = s.store.batch(batch_id)
        if batch["operator"] != s.operator:
            raise Refused(
                _(
                    "Batch {batch_id} is {operator}'s (claimed {at}): ask them, or add --force "
                    "if you are sure."
                ).format(
                    batch_id=batch_id,
                    operator=batch["operator"],
                    at=show_stamp(batch["claimed_at"]),
                )
            )


def batch_numbers(s: Session, batch_id: int, excepted: list[str]) -> list[str]:
    """The books of batch `batch_id` still claimed, less `excepted` (Refused if none)."""
    s.store.batch(batch_id)
    return lifecycle.batch_marks(batch_id, s.store.batch_books(batch_id), excepted)


def stale_batches(s: Session, hours: float) -> list[Mapping]:
    """The open batches claimed `hours` or more ago."""
    return lifecycle.stale_batches(s.store.open_batches(), s.now, hours)


def undo(s: Session, confirmed: bool = False) -> tuple[str, list[str]]:
    """Reverse this operator's last command not yet undone; returns its action and books. A
    command of an earlier day only when `confirmed`."""
    from datetime import datetime

    from passq.domain import undo as rules
    from passq.domain.dates import show_date

    with s.store.command(s.stamp, s.operator) as log:
        command_id = s.store.last_command(s.operator)
        if command_id is None:
            raise Refused(
                _("Nothing to undo: {operator} has no action left to reverse.").format(
                    operator=s.operator
                )
            )
        events = s.store.command_events(command_id)
        day = datetime.fromisoformat(events[0]["at"]).date()
        if day < s.today and not confirmed:
            raise Refused(
                _(
                    "Your last action ({action}) was on {day}, an earlier day: add --yes to undo "
                    "it all the same."
                ).format(action=events[0]["action"], day=show_date(day))
            )
        rules.refuse_if_changed_later(events, s.store.events_after(max(e["id"] for e in events)))
        for event in events:
            _reverse(s, log, event, command_id)
    books = list(dict.fromkeys(e["app_no"] for e in reversed(events) if e["app_no"]))
    return events[0]["action"], books


def _reverse(s: Session, log: EventLog, event: dict, command_id: int) -> None:
    action, app_no, detail = event["action"], event["app_no"], event["detail"]
    undone = {"undid": command_id, "action": action}
    if action == "config":
        for key, (old, _new) in detail.items():
            s.store.put_setting(key, old)
        log("undo", detail=undone)
    elif action == "calendar":
        s.store.put_override(detail["date"], detail.get("before"))
        log("undo", detail=undone)
    elif action == "notified":
        # A record that the applicant was told: no status to put back.
        log("undo", app_no, event["batch_id"], undone)
    elif action == "added":
        s.store.delete(app_no)
        log("undo", app_no, detail={**undone, "deleted": True})
    else:
        columns = lifecycle.undo_columns(event, s.store.require(app_no), log.at)
        s.store.update(app_no, columns)
        log("undo", app_no, columns.get("batch_id"), undone, columns.get("status"))
