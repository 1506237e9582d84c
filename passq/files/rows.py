"""Checking a table's rows as `add` would, and merging the valid ones with the stored books.

No SQL and no rendering: plain data in and out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from passq.domain.dates import parse_date
from passq.domain.records import (
    FIELDS,
    check_app_no,
    check_dates,
    check_language,
    check_name,
    check_phone,
    check_service,
    check_text,
)
from passq.errors import Invalid
from passq.files.tables import Table
from passq.i18n import _

NOT_URGENT = frozenset({"", "0", "no", "tidak", "false"})
URGENT_WORDS = frozenset({"yes", "ya", "1", "true", "x"})
PROGRESS_EVERY = 1000

_PHONE_SHAPE = re.compile(r"\+?[0-9]+(?:[ -][0-9]+)*\Z")


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell (or row): where it is, what it holds and what is wrong."""

    row: int
    column: str  # the header as the file spells it; "" for cells beyond the header
    value: str
    message: str


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking a table: valid records (file order) and every problem found."""

    records: list[dict]
    record_rows: list[int]  # the row number of each record, same order
    problems: list[Problem]
    rows: int  # data rows checked (blank rows not counted)

    @property
    def rejected_rows(self) -> list[int]:
        """Row numbers with at least one problem, in order."""
        return sorted({problem.row for problem in self.problems})


# --- Checking -------------------------------------------------------------------------------


class _Checker:
    """Field checks for one import, with caches: dates and phones repeat across rows."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.dates: dict[tuple[str, str], date] = {}
        self.phones: dict[str, tuple[str, bool]] = {}  # text -> (E.164 or message, valid)
        self.fast_phone: Callable[[str], str | None] | None = None

    def date(self, text: str, field: str) -> date:
        key = (text, field)
        found = self.dates.get(key)
        if found is None:
            found = self.dates[key] = parse_date(text, self.today, f"{field} date")
        return found

    def phone(self, text: str) -> str:
        found = self.phones.get(text)
        if found is None:
            if self.fast_phone is None:
                self.fast_phone = _indonesian_mobile()
            try:
                found = (self.fast_phone(text) or check_phone(text), True)
            except Invalid as error:
                found = (str(error), False)
            self.phones[text] = found
        value, valid = found
        if not valid:
            raise Invalid(value)
        return value

    def urgent(self, text: str) -> str | None:
        word = text.strip().lower()
        if word in NOT_URGENT:
            return None
        if word in URGENT_WORDS:
            return _("marked urgent in import")
        return check_text(text, "urgent reason")


def _indonesian_mobile() -> Callable[[str], str | None]:
    """A fast path for the common forms 08…, +62 8… and 628…, exact or None (use check_phone).

    phonenumbers.parse takes ~32 µs a number, most of a 100,000-row import; these forms need
    only its own metadata patterns (the test suite checks agreement with check_phone).
    """
    import phonenumbers

    metadata: Any = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    general = re.compile(metadata.general_desc.national_number_pattern)
    mobile = re.compile(metadata.mobile.national_number_pattern)
    lengths = set(metadata.general_desc.possible_length) & set(metadata.mobile.possible_length)

    def fast(text: str) -> str | None:
        value = text.strip()
        if not _PHONE_SHAPE.match(value):
            return None
        digits = value.replace(" ", "").replace("-", "")
        if digits.startswith("+62"):
            national = digits[3:]
        elif digits.startswith("0"):
            national = digits[1:]
        # Without '+', phonenumbers drops a leading 62 only if the whole number is not itself
        # a plausible national number.
        elif digits.startswith("62") and not general.fullmatch(digits):
            national = digits[2:]
        else:
            return None
        if len(national) in lengths and general.fullmatch(national) and mobile.fullmatch(national):
            return "+62" + national
        return None

    return fast


def check_rows(
    table: Table, today: date, progress: Callable[[int, int], None] | None = None
) -> Checked:
    """Check every row as `add` would; return the valid records and every problem, by cell."""
    checker = _Checker(today)
    labels = {field: table.header[index].strip() for field, index in table.columns.items()}
    order = {label: position for position, label in enumerate(labels.values())}
    records: list[dict] = []
    record_rows: list[int] = []
    problems: list[Problem] = []
    seen: dict[str, list[int]] = {}
    total = len(table.rows)
    for done, (number, cells) in enumerate(table.rows, start=1):
        record, row_problems = _check_row(table, checker, labels, number, cells)
        if record is not None:
            seen.setdefault(record["app_no"], []).append(number)
            if not row_problems:
                records.append(record)
                record_rows.append(number)
        problems.extend(row_problems)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    duplicates = {app_no: rows for app_no, rows in seen.items() if len(rows) > 1}
    if duplicates:
        # Neither row can be trusted over the other: both are rejected, each naming both.
        for app_no, rows in duplicates.items():
            message = _(
                "Application number {app_no} appears more than once, on rows {rows}: keep one row."
            ).format(app_no=app_no, rows=", ".join(map(table.row_label, rows)))
            problems.extend(Problem(row, labels["app_no"], app_no, message) for row in rows)
        bad = {row for rows in duplicates.values() for row in rows}
        kept = [(r, n) for r, n in zip(records, record_rows, strict=True) if n not in bad]
        records = [record for record, _row in kept]
        record_rows = [row for _record, row in kept]
        problems.sort(key=lambda problem: (problem.row, order.get(problem.column, len(order))))
    return Checked(records, record_rows, problems, total)


def _check_row(
    table: Table, checker: _Checker, labels: Mapping[str, str], number: int, cells: list[str]
) -> tuple[dict | None, list[Problem]]:
    """One row's record (app_no set when it is valid) and problems, field by field."""
    problems: list[Problem] = []
    record: dict = {field: None for field in FIELDS}
    record["service"] = "regular"
    record["applied"] = checker.today
    app_no_ok = False
    for field, index in table.columns.items():
        text = cells[index] if index < len(cells) else ""
        try:
            if field == "app_no":
                if not text.strip():
                    raise Invalid(_("The application number is empty: every row needs one."))
                record["app_no"] = check_app_no(text)
                app_no_ok = True
            elif field == "name":
                record["name"] = check_name(text)
            elif not text.strip():
                continue  # the defaults above: regular, applied today, the rest None
            elif field == "service":
                record["service"] = check_service(text)
            elif field in ("applied", "travel"):
                record[field] = checker.date(text, field)
            elif field == "phone":
                record["phone"] = checker.phone(text)
            elif field == "urgent":
                record["urgent"] = checker.urgent(text)
            elif field == "language":
                record["language"] = check_language(text)
            else:
                record[field] = check_text(text, field) or None
        except Invalid as error:
            problems.append(Problem(number, labels[field], text, str(error)))
    if table.delimiter is not None and len(cells) > len(table.header):
        extra = [cell for cell in cells[len(table.header) :] if cell.strip()]
        if extra:
            problems.append(
                Problem(
                    number,
                    "",
                    table.delimiter.join(extra),
                    _(
                        "The row has {n} more cells than the header: put quotes around values "
                        "that contain '{delimiter}'."
                    ).format(n=len(extra), delimiter=table.delimiter),
                )
            )
    date_problem = any(p.column in (labels.get("applied"), labels.get("travel")) for p in problems)
    if not date_problem:
        try:
            check_dates(record, checker.today)
        except Invalid as error:
            field = "applied" if record["applied"] > checker.today else "travel"
            text = cells[table.columns[field]]
            problems.append(Problem(number, labels[field], text, str(error)))
    return (record if app_no_ok else None), problems


# --- Merging a checked file with the stored books (issue 4) ---------------------------------


@dataclass(frozen=True, slots=True)
class Merge:
    """What an import does: books to add, pending books to update, and what it leaves alone."""

    added: list[dict]
    updates: list[tuple[dict, dict]]  # (the stored record, the fields that change)
    present: int  # already stored and left as they are
    # Of those: pending books the file changes, left as they are without `update`.
    differ: int
    # And the books past pending although the file changes them (--update never touches them).
    kept: list[str]
    problems: list[Problem]  # updates that would leave travel before applied

    @property
    def rows(self) -> list[int]:
        """Row numbers with a problem, in order."""
        return sorted({problem.row for problem in self.problems})


def merge(
    table: Table, checked: Checked, existing: Mapping[str, Mapping], update: bool, today: date
) -> Merge:
    """Split the valid records into new books and stored ones (`existing`: whole records);
    with `update`, the changes.

    A stored book is never added again. With `update`, a pending book takes the values of the
    file's non-empty cells (an empty cell changes nothing: clear a field with 'passq edit');
    a book past pending keeps everything.
    """
    cells_of = dict(table.rows)
    added: list[dict] = []
    updates: list[tuple[dict, dict]] = []
    problems: list[Problem] = []
    present = differ = 0
    kept: list[str] = []
    for record, number in zip(checked.records, checked.record_rows, strict=True):
        current = existing.get(record["app_no"])
        if current is None:
            added.append(record)
            continue
        changes = _changes(table, cells_of[number], record, current)
        if not changes:
            present += 1
        elif current["status"] != "pending":
            present += 1
            kept.append(record["app_no"])
        elif not update:
            present += 1
            differ += 1
        else:
            try:
                check_dates({**current, **changes}, today)
            except Invalid as error:
                field = "applied" if "applied" in changes else "travel"
                index = table.columns.get(field, table.columns["app_no"])
                text = cells_of[number][index] if index < len(cells_of[number]) else ""
                problems.append(Problem(number, table.header[index].strip(), text, str(error)))
                continue
            updates.append((dict(current), changes))
    return Merge(added, updates, present, differ, kept, problems)


def _changes(table: Table, cells: list[str], record: Mapping, current: Mapping) -> dict:
    """The fields whose non-empty cell differs from the stored value."""
    changes = {}
    for field, index in table.columns.items():
        text = cells[index].strip() if index < len(cells) else ""
        if field == "app_no" or not text:
            continue
        if field == "urgent" and current["urgent"] and text.lower() in URGENT_WORDS:
            continue  # 'ya' keeps the reason already recorded
        if record[field] != current[field]:
            changes[field] = record[field]
    return changes


def all_problems(checked: Checked, merged: Merge | None = None) -> list[Problem]:
    """The file's problems and the merge's, by row."""
    if merged is None or not merged.problems:
        return checked.problems
    return sorted([*checked.problems, *merged.problems], key=lambda problem: problem.row)
