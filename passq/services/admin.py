"""Keeping the data: backups, restore, the doctor's facts, import and export."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from passq.errors import Invalid, Refused
from passq.files.private import create_private, require_database
from passq.i18n import _
from passq.services import counter
from passq.services.session import Session
from passq.store import is_url, local_name

if TYPE_CHECKING:
    from passq.domain.maintenance import Diagnosis
    from passq.files.spreadsheets import Checked, Merge, Problem, Table


def backup(s: Session, path: Path | None) -> tuple[Path, int]:
    """Write a consistent private copy of the database to `path` (a file, or a folder for the
    default name); returns the file and its number of applications."""
    from passq.domain import maintenance

    if not is_url(s.db_path):
        require_database(Path(s.db_path))
    target = maintenance.backup_name(local_name(s.db_path), s.now)
    if path is not None:
        from passq.files.exports import check_file_name

        check_file_name(path, "backup")
        target = path / target.name if path.is_dir() else path
    create_private(target)
    count = s.store.backup(target)
    _refuse_a_damaged_copy(s, target)
    return target, count


def _refuse_a_damaged_copy(s: Session, target: Path) -> None:
    """Remove the copy and refuse when the database copied fails its integrity check: a
    damaged backup would only be found the day it is needed."""
    from passq.errors import Refused
    from passq.store.sqlite_readonly import integrity_problems

    problems = integrity_problems(target)
    if problems:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        raise Refused(
            _(
                "{path} is damaged (integrity check: {problem}): no backup was made; run "
                "'passq doctor', and restore an earlier backup with 'passq restore'."
            ).format(path=s.db_path, problem=problems[0])
        )


def restore(s: Session, source: Path) -> tuple[int, int, Path]:
    """Replace the database by the backup `source`, keeping the replaced one aside; returns
    the backup's schema version, its number of applications and where the old one is kept."""
    from passq.domain import maintenance
    from passq.store.sqlite_files import check_backup_file

    if not is_url(s.db_path) and source.resolve() == Path(s.db_path).resolve():
        raise Invalid(
            _("{path} is the database in use: give a backup file to restore.").format(path=source)
        )
    check_backup_file(source)
    aside = maintenance.replaced_name(local_name(s.db_path), s.now)
    create_private(aside)
    version, count = s.store.restore(source, aside)
    s.reopen(s.db_path)
    s.store  # noqa: B018 - opening it again migrates a backup made by an older passq
    return version, count, aside


def doctor(s: Session) -> tuple[dict, Diagnosis]:
    """The database's facts and the doctor's diagnosis of them."""
    from passq.domain import maintenance

    if not is_url(s.db_path):
        require_database(Path(s.db_path))
    facts = s.store.doctor_facts()
    return facts, maintenance.diagnose(facts, s.now, s.settings["stale_hours"])


def copy_database(
    source: Path | str, dest: Path | str, busy_timeout_ms: int, office: str | None = None
) -> tuple[int, int]:
    """Copy every row of the database `source` into the empty database `dest` (either backend,
    created and migrated if new), in one transaction on `dest`; returns (applications, events).
    `office`: the office of a server on either side (a file holds one)."""
    from passq.store import display_name, open_store
    from passq.store.copy import copy_between

    if display_name(source) == display_name(dest) or (
        not is_url(source) and not is_url(dest) and Path(source).resolve() == Path(dest).resolve()
    ):
        raise Invalid(
            _("{source} and {dest} are the same database: give another destination.").format(
                source=display_name(source), dest=display_name(dest)
            )
        )
    if not is_url(source):
        require_database(Path(source))
    from_store = open_store(source, busy_timeout_ms, office=office, one_office_ok=True)
    try:
        to_store = open_store(dest, busy_timeout_ms, office=office, one_office_ok=True)
        try:
            return copy_between(from_store, to_store)
        finally:
            to_store.close()
    finally:
        from_store.close()


class ImportProblems(Invalid):
    """Rows with problems stop an import: nothing is written (the CLI shows them)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("")
        self.problems = problems


def with_office_numbers(s: Session, table: Table, checked: Checked) -> Checked:
    """`checked` with every valid row whose number has not this office's form (the setting
    app_no_pattern) turned into a problem of that row."""
    from passq.domain.records import check_app_no
    from passq.domain.settings import DEFAULT_SETTINGS
    from passq.files.spreadsheets import Checked, Problem

    pattern = s.settings["app_no_pattern"]
    if pattern == DEFAULT_SETTINGS["app_no_pattern"]:
        return checked  # the rule check_rows applied already
    label = table.header[table.columns["app_no"]].strip()
    records, rows, problems = [], [], list(checked.problems)
    for record, row in zip(checked.records, checked.record_rows, strict=True):
        try:
            check_app_no(record["app_no"], pattern)
        except Invalid as error:
            problems.append(Problem(row, label, record["app_no"], str(error)))
            continue
        records.append(record)
        rows.append(row)
    return Checked(records, rows, problems, checked.rows)


def import_table(
    s: Session,
    table: Table,
    checked: Checked,
    *,
    update: bool,
    skip_invalid: bool,
    dry_run: bool,
    rejects: Path,
    source: str,
) -> Merge:
    """Land the checked rows of `table` as one command (every row, or none): new books added,
    with `update` changed pending books edited; rejected rows (with `skip_invalid`) are written
    to `rejects` once the transaction is over. ImportProblems when a row is wrong."""
    from passq.files import spreadsheets

    if checked.problems and not skip_invalid:
        raise ImportProblems(checked.problems)
    numbers = [record["app_no"] for record in checked.records]

    def merged_with(existing: dict[str, dict]) -> tuple[Merge, list[Problem]]:
        merged = spreadsheets.merge(table, checked, existing, update, s.today)
        problems = spreadsheets.all_problems(checked, merged)
        if problems and not skip_invalid:
            raise ImportProblems(problems)
        return merged, problems

    if dry_run:
        merged, problems = merged_with(s.store.existing(numbers))
        return merged
    if skip_invalid:
        spreadsheets.check_writable(rejects, "--rejects")  # before anything is written, not after
    # Reading which numbers exist and writing happen under one write lock: a number another
    # desk adds meanwhile is never duplicated, and `undo` finds the import as one command.
    with s.store.command(s.stamp, s.operator) as log:
        merged, problems = merged_with(s.store.existing(numbers))
        s.store.insert_many(log, merged.added, {"import": source})
        for current, changes in merged.updates:
            counter.apply_edit(s, log, current, changes)
    if problems:
        try:
            spreadsheets.write_rejects(problems, table, rejects, s.settings["csv_delimiter"])
        except OSError as error:
            raise Refused(
                _(
                    "{source} was imported, but its rejected rows could not be written to "
                    "{rejects} ({reason}): close it in Excel if it is open there, then import "
                    "{source} again with --skip-invalid to write them (nothing is added twice)."
                ).format(source=source, rejects=rejects, reason=error.strerror or error)
            ) from None
    return merged


def export_rows(s: Session, status: str) -> Iterator[dict]:
    """The applications with `status` ('all': every one), each with its planned print day."""
    records = s.store.applications(None if status == "all" else status)
    planned: dict[str, date | None] = {}
    if status in ("pending", "all"):
        planned = {p.app_no: p.planned_day for p in s.plan()}
    return ({**record, "planned_day": planned.get(record["app_no"])} for record in records)
