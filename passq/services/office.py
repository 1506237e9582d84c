"""The office's units of work: its calendar overrides, its settings, a demo database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from passq.domain.settings import check_setting
from passq.errors import Refused
from passq.i18n import _
from passq.services.session import Session
from passq.store import display_name


def set_override(s: Session, day: date, capacity: int, note: str) -> None:
    """Declare `day` open with `capacity` books (0 closes it), logged with what it replaced."""
    with s.store.command(s.stamp, s.operator) as log:
        before = s.store.overrides().get(day)
        s.store.put_override(day, (capacity, note))
        log("calendar", detail={"date": day, "capacity": capacity, "note": note, "before": before})


def clear_override(s: Session, day: date) -> tuple[int, str]:
    """Remove `day`'s override (back to the calendar's own capacity), logged with what it
    replaced; returns the override removed. Refused when the day has none."""
    from passq.domain.dates import show_date

    with s.store.command(s.stamp, s.operator) as log:
        before = s.store.overrides().get(day)
        if before is None:
            raise Refused(
                _(
                    "{day} has no office override: nothing to clear (see 'passq calendar show')."
                ).format(day=show_date(day))
            )
        s.store.put_override(day, None)
        log("calendar", detail={"date": day, "capacity": None, "note": None, "before": before})
    return before


def set_setting(s: Session, key: str, value: str) -> str:
    """Check and store one setting, logging old and new values; returns the value stored."""
    stored = check_setting(key, value)
    with s.store.command(s.stamp, s.operator) as log:
        old = s.store.settings().get(key)
        s.store.put_setting(key, stored)
        log("config", detail={key: [old, stored]})
    return stored


def demo(s: Session, target: Path | str, fresh: bool, size: int) -> int:
    """Fill the (empty) database `target` with `size` made-up pending books; `fresh`: delete
    the old demo database first. Returns the number of books."""
    from passq.domain import sample

    if fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    s.reopen(target)
    if not s.store.is_empty():
        raise Refused(
            _("{path} already holds data: give an empty or new file with --db.").format(
                path=display_name(target)
            )
        )
    books = sample.applications(size, s.today, is_working_day=s.calendar.is_working_day)
    with s.store.command(s.stamp, s.operator) as log:
        return s.store.insert_many(log, books)
