"""`notify`'s units of work: who is told what (the messages and their links), and the record
that they were told (one `notified` event per book, so nobody is told twice)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from passq.domain import notices
from passq.domain.notices import Notice
from passq.errors import Refused
from passq.i18n import _
from passq.services.session import Session


def _template(s: Session, kind: str) -> str | None:
    return s.settings.get(f"notice_{kind}") or None


def _build(s: Session, kind: str, lang: str | None, record: Mapping, **days: date | None) -> Notice:
    return notices.notice(kind, record, lang, s.settings["office"], _template(s, kind), **days)


def collect_day(s: Session, printed: date) -> date:
    """The first day a book printed on `printed` can be collected: the next working day."""
    return s.calendar.add_working_days(printed, 1)


def cancel_day(s: Session, printed: date) -> date:
    """The day a book printed on `printed` is cancelled if nobody collects it."""
    return notices.cancel_day(printed, s.settings["collection_days"], s.calendar.is_working_day)


def ready(s: Session, lang: str | None) -> list[Notice]:
    """Printed books whose applicant was not told since the printing."""
    told = s.store.notified("ready")
    return [
        _build(s, "ready", lang, record, day=notices.stamp_day(record["printed_at"]))
        for record in _printed(s)
        if not notices.told_since(told.get(record["app_no"]), record["printed_at"])
    ]


def uncollected(s: Session, lang: str | None) -> list[Notice]:
    """Printed books not collected `collection_days - 7` days after printing, with the day
    each is cancelled."""
    found = []
    for record, printed, cancel in _waiting(s):
        if notices.remind_from(printed, s.settings["collection_days"]) <= s.today:
            found.append(_build(s, "uncollected", lang, record, day=printed, cancel_day=cancel))
    return found


def _printed(s: Session) -> list[dict]:
    records = [r for r in s.store.by_status("printed", None) if r["printed_at"]]
    return sorted(records, key=lambda r: (r["printed_at"], r["app_no"]))


def _waiting(s: Session) -> list[tuple[dict, date, date]]:
    """Every printed book with its printing day and its cancellation day."""
    found = []
    for record in _printed(s):
        printed = notices.stamp_day(record["printed_at"])
        found.append((record, printed, cancel_day(s, printed)))
    return found


def uncollected_counts(s: Session, day: date) -> tuple[int, int]:
    """(books printed by `day` and not collected, of which cancelled by `day` + 7 days if
    nobody collects them), from the books printed now."""
    waiting = [cancel for _r, printed, cancel in _waiting(s) if printed <= day]
    soon = day + timedelta(days=notices.REMIND_DAYS)
    return len(waiting), sum(1 for cancel in waiting if cancel <= soon)


def past_collection(s: Session) -> list[dict]:
    """The printed books whose cancellation day has come: nobody collected them in time."""
    return [record for record, _p, cancel in _waiting(s) if cancel <= s.today]


def planned(s: Session, lang: str | None) -> list[Notice]:
    """Travellers the plan keeps: their planned print day and the day they can collect."""
    chosen = [p for p in s.plan() if p.flight_deadline is not None and p.on_time and p.planned_day]
    records = s.store.existing([p.app_no for p in chosen])
    return [
        _build(
            s,
            "planned",
            lang,
            records[p.app_no],
            day=p.planned_day,
            collect_day=collect_day(s, p.planned_day),
            travel=records[p.app_no]["travel"],
        )
        for p in chosen
        if p.planned_day is not None
    ]


def late(s: Session, lang: str | None) -> list[Notice]:
    """Travellers who will miss their flight, and those whose flight date has passed."""
    chosen = [p for p in s.plan() if p.flight_passed or p.on_time is False]
    records = s.store.existing([p.app_no for p in chosen])
    return [
        _build(
            s,
            "late",
            lang,
            records[p.app_no],
            day=p.planned_day,
            travel=records[p.app_no]["travel"],
        )
        for p in chosen
    ]


BUILDERS = {"ready": ready, "planned": planned, "late": late, "uncollected": uncollected}


def notices_of(s: Session, kind: str, lang: str | None = None) -> list[Notice]:
    """The notices of `kind`, each in its book's language, or all in `lang` when given (the
    clerk's choice)."""
    return BUILDERS[kind](s, lang)


def mark_sent(s: Session, kind: str, app_nos: Sequence[str]) -> tuple[list[str], list[str]]:
    """Record that these books' applicants were told `kind`: one `notified` event each, all in
    one transaction. Returns (marked, skipped: already told since the printing, or today)."""
    marked, skipped = [], []
    with s.store.command(s.stamp, s.operator) as log:
        told = s.store.notified(kind)
        for app_no in dict.fromkeys(app_nos):
            record = s.store.require(app_no)
            if kind in ("ready", "uncollected") and record["status"] != "printed":
                raise Refused(
                    _(
                        "{app_no} is {status}, not printed: only a printed book's applicant is "
                        "told it is ready; leave it out."
                    ).format(app_no=app_no, status=record["status"])
                )
            if kind in ("ready", "uncollected"):
                since = record["printed_at"]
            else:
                since = s.end_of(s.today - timedelta(days=1)).isoformat()
            if notices.told_since(told.get(app_no), since):
                skipped.append(app_no)
                continue
            log("notified", app_no, record["batch_id"], {"kind": kind})
            marked.append(app_no)
    return marked, skipped


def announce(s: Session, lang: str) -> tuple[str, dict]:
    """The social-media announcement and the figures it says (counts and dates only)."""
    from passq.services.supervisor import schedule

    pending = s.store.by_status("pending", None) + s.store.by_status("claimed", None)
    printed = _printed(s)
    done = printed + s.store.by_status("collected", None)
    up_to = notices.ready_up_to(
        [_day(r["applied"]) for r in pending], [_day(r["applied"]) for r in done]
    )
    _placements, summary, _by_day = schedule(s)
    text = notices.announcement(
        lang, s.settings["office"], up_to, len(printed), len(pending), summary.clears_on
    )
    facts = {
        "ready_up_to": up_to,
        "waiting": len(printed),
        "pending": len(pending),
        "clears_on": summary.clears_on,
    }
    return text, facts


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
