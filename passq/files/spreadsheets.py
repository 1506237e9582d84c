"""Bulk import and export at file level: read CSV/xlsx tables, check their rows, write exports.

No SQL (store.py lands the records) and no rendering (cli.py prints): plain data in and out.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from passq.domain.dates import parse_date
from passq.domain.records import (
    FIELDS,
    check_app_no,
    check_dates,
    check_name,
    check_phone,
    check_service,
    check_text,
)
from passq.errors import Invalid
from passq.i18n import _

# The columns `import` reads, in export order (an export re-imports cleanly).
IMPORT_COLUMNS = ("app_no", *FIELDS)
# What `export` adds after them; import recognises and ignores these.
STATE_COLUMNS = (
    "status",
    "planned_day",
    "batch_id",
    "created_at",
    "printed_at",
    "collected_at",
)
EXPORT_COLUMNS = (*IMPORT_COLUMNS, *STATE_COLUMNS)
REQUIRED_COLUMNS = ("app_no", "name")
REASON_COLUMN = "reason"

# Header spellings (after `header_key`) -> field. English, then Indonesian.
HEADER_ALIASES: dict[str, str] = {
    "app_no": "app_no",
    "application_number": "app_no",
    "nomor_permohonan": "app_no",
    "no_permohonan": "app_no",
    "name": "name",
    "nama": "name",
    "nama_pemohon": "name",
    "service": "service",
    "layanan": "service",
    "jenis_layanan": "service",
    "applied": "applied",
    "tanggal_wawancara": "applied",
    "tanggal_permohonan": "applied",
    "travel": "travel",
    "tanggal_berangkat": "travel",
    "destination": "destination",
    "tujuan": "destination",
    "negara_tujuan": "destination",
    "phone": "phone",
    "telepon": "phone",
    "no_hp": "phone",
    "whatsapp": "phone",
    "no_telepon": "phone",
    "no_wa": "phone",
    "urgent": "urgent",
    "mendesak": "urgent",
    "note": "note",
    "catatan": "note",
    "keterangan": "note",
}
# Recognised but not imported: export's state columns and the rejects file's reason.
IGNORED_HEADERS = frozenset({*STATE_COLUMNS, REASON_COLUMN, "alasan"})

NOT_URGENT = frozenset({"", "0", "no", "tidak", "false"})
URGENT_WORDS = frozenset({"yes", "ya", "1", "true", "x"})
DELIMITERS = (";", ",", "\t")
PROGRESS_EVERY = 1000

_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
_SEP_LINE = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)
_NOTHING = re.compile(r"[\s;,]*")  # what Excel saves for an empty sheet
_PHONE_SHAPE = re.compile(r"\+?[0-9]+(?:[ -][0-9]+)*\Z")
# Bytes that never appear in a text file (tab, newline and carriage return excluded).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Row = tuple[int, list[str]]


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and data rows as text, with its columns matched to fields."""

    source: str
    header: list[str]
    columns: dict[str, int]  # field -> index into a row's cells
    rows: list[Row]  # (row number as a spreadsheet shows it, cells); blank rows left out
    unknown: list[str]  # header cells not recognised: reported, ignored
    ignored: list[str]  # recognised but not imported (export state columns, reason)
    delimiter: str | None  # None for xlsx


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


# --- Reading --------------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header cell reduced for matching: lower case; spaces, '_', '-' and '.' alike."""
    return _HEADER_SEPARATORS.sub("_", text.strip().lower().replace(".", " ")).strip("_")


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read a CSV (UTF-8, ';' ',' or tab) or .xlsx file (first sheet) into a Table."""
    source = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise Invalid(
            _("Cannot read {source}: {reason}.").format(
                source=source, reason=error.strerror or error
            )
        ) from None
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, source)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid(
            _(
                "{source} is an old Excel .xls (or password-protected) workbook: save it "
                "without a password as .xlsx or as CSV UTF-8 and import that."
            ).format(source=source)
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Invalid(
            _(
                "{source} is UTF-16 text (Excel's 'Unicode Text'): save it as "
                "'CSV UTF-8 (Comma delimited)' and import that."
            ).format(source=source)
        )
    if b"\x00" in data[:65536]:
        raise _not_a_table(source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _BINARY_BYTES.search(data[:65536]):
            raise _not_a_table(source) from None
        line = data.count(b"\n", 0, error.start) + 1
        raise Invalid(
            _(
                "{source} is not UTF-8 text (byte 0x{byte:02X} on line {line}): in Excel save "
                "it as 'CSV UTF-8 (Comma delimited)', or as .xlsx, and import that."
            ).format(source=source, byte=data[error.start], line=line)
        ) from None
    return _read_csv(text.removeprefix("\ufeff"), source)


def _not_a_table(source: str) -> Invalid:
    return Invalid(
        _(
            "{source} is not a CSV or Excel file (it holds binary data): export the "
            "spreadsheet as CSV UTF-8 or .xlsx and import that."
        ).format(source=source)
    )


def _empty(source: str) -> Invalid:
    return Invalid(
        _(
            "{source} is empty: it needs a header row (app_no, name, …) and one row per "
            "application."
        ).format(source=source)
    )


def _read_csv(text: str, source: str) -> Table:
    if _NOTHING.fullmatch(text):
        raise _empty(source)
    delimiter = None
    # Excel honours a first line 'sep=;' and hides it, so the header stays row 1.
    if match := _SEP_LINE.match(text):
        delimiter, text = match.group(1), text[match.end() :]
    if delimiter is None:
        delimiter = max(DELIMITERS, key=lambda candidate: _header_score(text, candidate))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    records: list[Row] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if header is None:
                if any(cell.strip() for cell in cells):
                    header = cells
            else:
                records.append((number, cells))
    except csv.Error as error:
        raise Invalid(
            _(
                "{source} could not be read as CSV at row {row} ({error}): look for a "
                "quote that is opened and never closed."
            ).format(source=source, row=number + 1, error=error)
        ) from None
    if header is None:
        raise _empty(source)
    return _table(source, header, records, delimiter)


def _header_score(text: str, delimiter: str) -> tuple[int, int]:
    """How well `delimiter` splits the header: recognised columns, then cells."""
    try:
        for cells in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in cells):
                keys = [header_key(cell) for cell in cells]
                known = sum(key in HEADER_ALIASES or key in IGNORED_HEADERS for key in keys)
                return known, len(cells)
    except csv.Error:
        pass
    return 0, 0


def _read_xlsx(data: bytes, source: str) -> Table:
    import warnings

    import openpyxl  # ~150 ms: only for .xlsx files

    header: list[str] | None = None
    records: list[Row] = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns on stderr about styles and extensions it does not read.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # some writers store wrong dimensions
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    cells = [cell_text(value) for value in values]
                    if header is None:
                        if any(cell.strip() for cell in cells):
                            header = cells
                    else:
                        records.append((number, cells))
            finally:
                workbook.close()
    except Exception:
        # openpyxl raises many types (zip, XML, key, value errors) for damaged files.
        raise Invalid(
            _(
                "{source} could not be read as an Excel workbook: open it in Excel, save it "
                "again as .xlsx or as CSV UTF-8, and import that."
            ).format(source=source)
        ) from None
    if header is None:
        raise _empty(source)
    return _table(source, header, records, None)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as import text: dates ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    # Excel keeps dates as day counts; openpyxl returns datetime even for date-only cells.
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(source: str, header: list[str], records: list[Row], delimiter: str | None) -> Table:
    columns: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        field = HEADER_ALIASES.get(key)
        if field is None:
            (ignored if key in IGNORED_HEADERS else unknown).append(cell.strip())
        elif field in columns:
            raise Invalid(
                _(
                    "Columns '{first}' and '{second}' in {source} both hold the {field}: "
                    "delete or rename one of them."
                ).format(
                    first=header[columns[field]].strip(),
                    second=cell.strip(),
                    source=source,
                    field=field,
                )
            )
        else:
            columns[field] = index
    missing = [field for field in REQUIRED_COLUMNS if field not in columns]
    if missing:
        found = ", ".join(f"'{cell.strip()}'" for cell in header if cell.strip())
        raise Invalid(
            _(
                "{source} has no {missing} column (found {found}): name the columns app_no "
                "and name, or nomor_permohonan and nama."
            ).format(source=source, missing=" or ".join(missing), found=found)
        )
    wanted = sorted(columns.values())
    width = len(header)
    rows = [
        (number, cells)
        for number, cells in records
        if any(index < len(cells) and cells[index].strip() for index in wanted)
        or (delimiter is not None and any(cell.strip() for cell in cells[width:]))
    ]
    return Table(source, header, columns, rows, unknown, ignored, delimiter)


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
            ).format(app_no=app_no, rows=", ".join(map(str, rows)))
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


# --- Writing --------------------------------------------------------------------------------


def export_value(value: Any) -> str:
    """A record value as CSV text: dates and timestamps ISO, None empty."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def write_csv(records: Iterable[Mapping], stream: IO[str]) -> int:
    """Write records as CSV (',' separated, English headers, ISO dates); return the count."""
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in records:
        writer.writerow([export_value(record.get(column)) for column in EXPORT_COLUMNS])
        count += 1
    return count


def write_json(records: Iterable[Mapping], stream: IO[str]) -> int:
    """Write records as a JSON array of objects with every export key; return the count."""
    count = 0
    stream.write("[")
    for record in records:
        row = {column: _json_value(record.get(column)) for column in EXPORT_COLUMNS}
        stream.write(("\n  " if count == 0 else ",\n  ") + json.dumps(row, ensure_ascii=False))
        count += 1
    stream.write("\n]\n" if count else "]\n")
    return count


def write_xlsx(records: Iterable[Mapping], target: str | os.PathLike[str] | IO[bytes]) -> int:
    """Write records as an .xlsx workbook (text kept as text, dates as dates); return the count."""
    import warnings

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("passq")
    sheet.append(list(EXPORT_COLUMNS))
    count = 0
    for record in records:
        row: list[Any] = []
        for column in EXPORT_COLUMNS:
            value = record.get(column)
            if isinstance(value, datetime):
                value = value.isoformat()  # Excel has no time zones; keep the offset as text
            if isinstance(value, str):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
                if value.startswith("="):
                    # Otherwise openpyxl writes it as a formula that Excel would run.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            row.append(value)
        sheet.append(row)
        count += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if isinstance(target, str | os.PathLike):
            with _private_open(target, "wb") as stream:
                workbook.save(stream)
        else:
            workbook.save(target)
    return count


def write_rejects(problems: Iterable[Problem], table: Table, path: str | os.PathLike[str]) -> int:
    """Write the rows with problems, original columns plus 'reason', as CSV; return the count."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(problem.message)
    header = [cell.strip() for cell in table.header]
    width = len(header)
    # A rejects file re-imported and rejected again keeps one reason column.
    keys = [header_key(cell) for cell in header]
    reason_at = next((i for i, key in enumerate(keys) if key in (REASON_COLUMN, "alasan")), None)
    if reason_at is None:
        header.append(REASON_COLUMN)
    count = 0
    # BOM so that Excel shows names with accents right; read_table accepts it.
    with _private_open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=table.delimiter or ",", lineterminator="\r\n")
        writer.writerow(header)
        for number, cells in table.rows:
            if number not in reasons:
                continue
            row = (cells + [""] * width)[:width]
            reason = " ".join(reasons[number])
            if reason_at is None:
                row.append(reason)
            else:
                row[reason_at] = reason
            # Cells beyond the header (an unquoted delimiter) follow, so no data is lost.
            extra = cells[width:]
            while extra and not extra[-1].strip():
                extra.pop()
            writer.writerow(row + extra)
            count += 1
    return count


def _private_open(path: str | os.PathLike[str], mode: str, **kwargs: Any) -> IO[Any]:
    """Open for writing, created readable by its owner only: it holds names and phones."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(descriptor, mode, **kwargs)  # noqa: SIM115 (the caller closes it)


# --- Merging a checked file with the stored books (issue 4) ---------------------------------


@dataclass(frozen=True, slots=True)
class Merge:
    """What an import does: books to add, pending books to update, and what it leaves alone."""

    added: list[dict]
    updates: list[tuple[dict, dict]]  # (the stored record, the fields that change)
    present: int  # already stored and left as they are
    kept: int  # of those: past pending although the file differs (--update never touches them)
    problems: list[Problem]  # updates that would leave travel before applied

    @property
    def rows(self) -> list[int]:
        """Row numbers with a problem, in order."""
        return sorted({problem.row for problem in self.problems})


def merge(
    table: Table, checked: Checked, existing: Mapping[str, Mapping], update: bool, today: date
) -> Merge:
    """Split the valid records into new books and stored ones; with `update`, the changes.

    A stored book is never added again. With `update`, a pending book takes the values of the
    file's non-empty cells (an empty cell changes nothing: clear a field with 'passq edit');
    a book past pending keeps everything.
    """
    cells_of = dict(table.rows)
    added: list[dict] = []
    updates: list[tuple[dict, dict]] = []
    problems: list[Problem] = []
    present = kept = 0
    for record, number in zip(checked.records, checked.record_rows, strict=True):
        current = existing.get(record["app_no"])
        if current is None:
            added.append(record)
            continue
        changes = _changes(table, cells_of[number], record, current) if update else {}
        if not changes:
            present += 1
        elif current["status"] != "pending":
            present += 1
            kept += 1
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
    return Merge(added, updates, present, kept, problems)


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


def rejects_path(source: str | os.PathLike[str]) -> Path:
    """Where rejected rows go by default: backlog.csv -> backlog.rejects.csv, beside it."""
    path = Path(source)
    return path.with_name(f"{path.stem}.rejects.csv")


# --- Exporting to a file or standard output --------------------------------------------------

FORMATS = ("csv", "json", "xlsx")


def write_export(
    records: Iterable[Mapping], form: str, output: str | os.PathLike[str] | None, stdout: IO[str]
) -> int:
    """Write an export to `output` (created 0600, whole or not at all) or `stdout` for None/'-'."""
    writer = {"csv": write_csv, "json": write_json}.get(form)
    if output is None or os.fspath(output) == "-":
        if writer is None:
            raise Invalid(
                _("An xlsx export cannot go to standard output: give a file with --output.")
            )
        return writer(records, stdout)
    target = Path(output)
    if target.is_dir():
        raise Invalid(_("{path} is a folder: give a file name with --output.").format(path=target))
    import tempfile

    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise Invalid(
            _("Cannot write {path} ({reason}): check the folder, or give another --output.").format(
                path=target, reason=error.strerror or error
            )
        ) from None
    try:
        if writer is None:
            os.close(descriptor)
            count = write_xlsx(records, temporary)
        else:
            # A BOM in CSV files so that Excel shows accented names right; newline="" keeps
            # the CSV module's own line ends.
            encoding = "utf-8-sig" if form == "csv" else "utf-8"
            with open(descriptor, "w", encoding=encoding, newline="") as stream:
                count = writer(records, stream)
        os.replace(temporary, target)  # mkstemp made it 0600; the export keeps that
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count
