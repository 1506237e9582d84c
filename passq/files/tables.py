"""Reading spreadsheets: a CSV or .xlsx file's header and rows as text, columns matched to fields.

No SQL and no rendering: plain data out (files/rows.py checks the rows, files/exports.py writes).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from passq.domain.records import FIELDS
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

DELIMITERS = (";", ",", "\t")

_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
_SEP_LINE = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)
_NOTHING = re.compile(r"[\s;,]*")  # what Excel saves for an empty sheet
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
