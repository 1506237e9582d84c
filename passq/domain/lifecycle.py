"""The life cycle of a book (DESIGN §4): transitions, and what undo puts back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from passq.domain.dates import hours_since
from passq.domain.records import check_app_no
from passq.errors import Invalid, Refused
from passq.i18n import _, _l

# action -> (statuses it may start from, status it leaves)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "claimed": (("pending",), "claimed"),
    # A book printed out of the queue (a walk-in express, a book found on the printer) goes
    # straight from pending: the printer is the truth (DESIGN §4); its event says so.
    "printed": (("pending", "claimed"), "printed"),
    "failed": (("claimed", "printed"), "pending"),
    "released": (("claimed",), "pending"),
    "collected": (("printed",), "collected"),
    "cancelled": (("pending", "claimed", "printed"), "cancelled"),
}
_HINTS = {
    "printed": _l("it was printed already; nothing to record"),
    "failed": _l("only claimed or printed books can be marked failed"),
    "released": _l("only claimed books can be released"),
    "collected": _l("only printed books can be handed over"),
    "cancelled": _l("collected or cancelled books cannot be cancelled"),
    "claimed": _l("only pending books can be claimed"),
}


# Where the hint depends on the status too: (action, status) -> hint.
_STATUS_HINTS = {
    ("printed", "cancelled"): _l(
        "it was withdrawn; keep the book aside and check it with the supervisor"
    ),
}


def check_transition(record: Mapping, action: str) -> str:
    """The status `action` leaves `record` in, or Refused naming why it is not allowed."""
    allowed_from, status_after = TRANSITIONS[action]
    if record["status"] not in allowed_from:
        hint = _STATUS_HINTS.get((action, record["status"]), _HINTS[action])
        raise Refused(
            _("Application {app_no} is {status}: {hint}.").format(
                app_no=record["app_no"], status=record["status"], hint=hint
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


STATUS_AFTER = {"added": "pending", **{a: after for a, (_from, after) in TRANSITIONS.items()}}


def unique(app_nos: Iterable[str]) -> list[str]:
    """Checked application numbers, first occurrence kept (a scanner may read a book twice)."""
    return list(dict.fromkeys(check_app_no(app_no) for app_no in app_nos if app_no.strip()))


def transition_detail(record: Mapping, columns: Mapping, reason: str | None) -> dict:
    """What an event of a transition keeps: the status left, a print time undone, the reason."""
    detail: dict = {"from": record["status"]}
    if record["status"] == "pending" and columns.get("status") == "printed":
        detail["claimed"] = False  # printed out of the queue
    if record["printed_at"] and "printed_at" in columns:
        detail["printed_at"] = record["printed_at"]
    if reason:
        detail["reason"] = reason
    return detail


def batch_marks(batch_id: int, books: Iterable[Mapping], excepted: list[str]) -> list[str]:
    """The books of a batch to mark: those still claimed, less the `excepted` ones."""
    claimed = [book["app_no"] for book in books if book["status"] == "claimed"]
    strangers = [app_no for app_no in excepted if app_no not in claimed]
    if strangers:
        raise Invalid(
            _(
                "{app_no} is not a claimed book of batch {batch_id}: check the --except numbers."
            ).format(app_no=strangers[0], batch_id=batch_id)
        )
    numbers = [app_no for app_no in claimed if app_no not in excepted]
    if not numbers:
        raise Refused(
            _("Batch {batch_id} has no claimed books left to mark.").format(batch_id=batch_id)
        )
    return numbers


def stale_batches(batches: Iterable[Mapping], now: datetime, hours: float) -> list[Mapping]:
    """The open batches claimed `hours` or more before `now`."""
    return [batch for batch in batches if hours_since(batch["claimed_at"], now) >= hours]
