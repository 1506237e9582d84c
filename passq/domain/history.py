"""The office's settings and calendar as they stood at a past moment, replayed from its log.

A past day's report plans with these, not with today's, so it reads the same on any later day
whatever was changed since (DESIGN §5, issue "Flights first" item 6).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date

Overrides = dict[date, tuple[int, str]]


def office_as_of(events: Iterable[Mapping]) -> tuple[dict[str, str], Overrides]:
    """(stored settings, calendar overrides) after replaying these `config`, `calendar` and
    `undo` events, oldest first, onto an office that had set nothing."""
    settings: dict[str, str] = {}
    overrides: Overrides = {}
    by_command: dict[int, list[Mapping]] = defaultdict(list)
    for event in events:
        detail = event["detail"]
        if event["action"] == "undo":
            for undone in reversed(by_command.get(detail.get("undid"), [])):
                _apply(undone["action"], undone["detail"], settings, overrides, back=True)
            continue
        by_command[event["command_id"]].append(event)
        _apply(event["action"], detail, settings, overrides, back=False)
    return settings, overrides


def _apply(
    action: str, detail: Mapping, settings: dict[str, str], overrides: Overrides, *, back: bool
) -> None:
    """Apply one change forwards, or take it back (`back`) as undo did."""
    if action == "config":
        for key, (old, new) in detail.items():
            value = old if back else new
            if value is None:
                settings.pop(key, None)
            else:
                settings[key] = value
    elif action == "calendar":
        day = date.fromisoformat(str(detail["date"]))
        state = detail.get("before") if back else _override_after(detail)
        if state is None:
            overrides.pop(day, None)
        else:
            overrides[day] = (int(state[0]), state[1] or "")


def _override_after(detail: Mapping) -> tuple[int, str] | None:
    """The override a calendar event left (None: the day's override was cleared)."""
    if detail.get("capacity") is None:
        return None
    return (detail["capacity"], detail.get("note") or "")
