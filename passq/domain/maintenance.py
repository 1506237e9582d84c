"""Backups and the doctor's verdict: pure rules over plain data (no I/O, `now` a parameter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from passq.domain.dates import hours_since
from passq.i18n import _, ngettext

# How many disagreeing books the doctor names on screen (JSON lists them all).
SHOWN = 20


def stamp(now: datetime) -> str:
    """A moment as it appears in file names: 20240627-1900."""
    return now.strftime("%Y%m%d-%H%M")


def backup_name(db_path: Path, now: datetime) -> Path:
    """The default backup file: passq-20240627-1900.db beside passq.db."""
    suffix = db_path.suffix or ".db"
    return db_path.with_name(f"{db_path.stem}-{stamp(now)}{suffix}")


def replaced_name(db_path: Path, now: datetime) -> Path:
    """Where `passq restore` keeps the database it replaces: passq.db.replaced-20240627-1900."""
    return db_path.with_name(f"{db_path.name}.replaced-{stamp(now)}")


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """The doctor's findings: batches with their age, and each problem as one sentence."""

    open_batches: list[dict]
    stale_batches: int
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when no problem was found (stale batches are a warning, not a problem)."""
        return not self.problems


def diagnose(facts: Mapping, now: datetime, stale_hours: float) -> Diagnosis:
    """Judge the store's facts (see store.doctor_facts) as of `now`; a batch claimed at least
    `stale_hours` ago is stale (its operator has probably gone home)."""
    batches = []
    for batch in facts["open_batches"]:
        age = hours_since(batch["claimed_at"], now)
        batches.append({**batch, "age_hours": round(age, 1), "stale": age >= stale_hours})
    problems = []
    if facts["integrity"] != ["ok"]:
        problems.append(
            _(
                "The database fails SQLite's integrity check ({first}): restore the latest good "
                "backup with 'passq restore'."
            ).format(first=facts["integrity"][0])
        )
    disagree = facts["disagreements"]
    if disagree:
        first = disagree[0]
        problems.append(
            ngettext(
                "{n} application has a status that disagrees with its last event ({app_no} is "
                "{status}, its events say {event_status}): check it with 'passq show'.",
                "{n} applications have a status that disagrees with their last event (first: "
                "{app_no} is {status}, its events say {event_status}): check them with "
                "'passq show'.",
                len(disagree),
            ).format(
                n=len(disagree),
                app_no=first["app_no"],
                status=first["status"],
                event_status=first["event_status"] or _("nothing"),
            )
        )
    orphans = facts["claimed_without_batch"]
    if orphans:
        problems.append(
            ngettext(
                "{n} claimed book belongs to no batch ({app_no}): release it with "
                "'passq release {app_no}'.",
                "{n} claimed books belong to no batch (first: {app_no}): release them with "
                "'passq release {app_no}'.",
                len(orphans),
            ).format(n=len(orphans), app_no=orphans[0])
        )
    dangling = facts["dangling_batches"]
    if dangling:
        problems.append(
            ngettext(
                "{n} application points to a batch that does not exist ({app_no}, batch "
                "{batch_id}): release it, or restore a backup.",
                "{n} applications point to a batch that does not exist (first: {app_no}, "
                "batch {batch_id}): release them, or restore a backup.",
                len(dangling),
            ).format(n=len(dangling), **dangling[0])
        )
    return Diagnosis(batches, sum(1 for b in batches if b["stale"]), problems)
