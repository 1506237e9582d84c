"""Undo's rule: a command can be taken back only while nothing later touched what it changed."""

from __future__ import annotations

from collections.abc import Mapping

from passq.errors import Refused
from passq.i18n import _


def setting_key(event: Mapping) -> tuple[str, str]:
    """What a settings or calendar event changed, as a key later events are compared by."""
    detail = event["detail"]
    if event["action"] == "calendar":
        return ("calendar", str(detail.get("date")))
    return (event["action"], ", ".join(detail))


def refuse_if_changed_later(events: list[dict], later: list[dict]) -> None:
    """Refused naming the first of `later` (events still standing after the command's
    `events`) that changed the same books, settings or calendar days."""
    books = {event["app_no"] for event in events if event["app_no"]}
    keys = {setting_key(event) for event in events if not event["app_no"]}
    for event in later:
        if (event["app_no"] in books) or (not event["app_no"] and setting_key(event) in keys):
            raise Refused(
                _(
                    "Cannot undo: {what} was changed later ({action} by {operator} at {at}); "
                    "that must be undone first."
                ).format(what=event["app_no"] or setting_key(event)[1], **event)
            )
