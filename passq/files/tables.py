"""Reading spreadsheets: a CSV or .xlsx file's header and rows as text, columns matched to fields.

No SQL and no rendering: plain data out (files/rows.py checks the rows, files/exports.py writes).
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from passq.errors import Invalid
from passq.files.columns import (
    IGNORED_HEADERS,
    REQUIRED_COLUMNS,
    Choices,
    header_key,
    looks_like,
    refuse_suspects,
    shown,
)
from passq.i18n import _

DELIMITERS = (";", ",", "\t")
HEADER_SEARCH = 20  # non-blank rows looked at for the header (title rows come first)
ROW_SPAN = 10_000_000  # row keys of the n-th sheet of a workbook start at n × ROW_SPAN
# Excel serial numbers of 1980-01-01 to 2149-12-31: dates typed into a cell formatted as number.
SERIAL_RANGE = (29221, 91310)
EXCEL_EPOCH = date(1899, 12, 30)

# What a spreadsheet would run as a formula at the start of a cell; exports mark such cells
# with a leading apostrophe (files/exports.py), which import takes off again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

_SEP_LINE = re.compile(r"sep=(.)\r?\n", re.IGNORECASE)
_NOTHING = re.compile(r"[\s;,]*")  # what Excel saves for an empty sheet
# Bytes that never appear in a text file (tab, newline and carriage return excluded).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SERIAL = re.compile(r"\d{5}(?:\.\d+)?\Z")

Row = tuple[int, list[str]]


@dataclass(frozen=True, slots=True)
class Table:
    """A file's header and data rows as text, with its columns matched to fields."""

    source: str
    header: list[str]
    columns: dict[str, int]  # field -> index into a row's cells
    # (row key, cells); blank rows left out. The key is the row number as the spreadsheet
    # shows it, plus n × ROW_SPAN for the n-th of several sheets (see row_label).
    rows: list[Row]
    unknown: list[str]  # header cells not recognised: reported, ignored
    ignored: list[str]  # recognised but not imported (export state columns, reason, --ignore)
    delimiter: str | None  # None for xlsx
    sheets: tuple[str, ...] = ()  # the sheets read, when more than one held rows
    left_out: tuple[str, ...] = ()  # sheets with no header passq knows: reported, not read

    def row_label(self, key: int) -> str:
        """A row as people find it: '7', or 'Juli!7' when several sheets were read."""
        if not self.sheets:
            return str(key)
        return f"{self.sheets[key // ROW_SPAN]}!{key % ROW_SPAN}"


# --- Reading --------------------------------------------------------------------------------


def read_table(
    path: str | os.PathLike[str], choices: Choices | None = None, sheet: str | None = None
) -> Table:
    """Read a CSV (UTF-8 or Windows ANSI; ';' ',' or tab) or .xlsx file (every sheet holding
    rows, or `sheet`) into a Table, its columns matched by their header and `choices`."""
    choices = choices or Choices()
    source = shown(os.fspath(path))
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as error:  # ValueError: a NUL in the name
        raise Invalid(
            _("Cannot read {source}: {reason}.").format(
                source=source, reason=getattr(error, "strerror", None) or error
            )
        ) from None
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data, source, choices, sheet)
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
    if sheet is not None:
        raise Invalid(
            _("{source} is a CSV file, it has no sheets: --sheet is for .xlsx workbooks.").format(
                source=source
            )
        )
    return _read_csv(_decode(data, source), source, choices)


def _decode(data: bytes, source: str) -> str:
    """UTF-8 when the bytes are UTF-8, else Windows ANSI (cp1252: what Indonesian Excel saves
    as plain 'CSV'); Invalid for bytes that are neither."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        if _BINARY_BYTES.search(data[:65536]):
            raise _not_a_table(source) from None
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        line = data.count(b"\n", 0, error.start) + 1
        raise Invalid(
            _(
                "{source} is not UTF-8 text (byte 0x{byte:02X} on line {line}): in Excel save "
                "it as 'CSV UTF-8 (Comma delimited)', or as .xlsx, and import that."
            ).format(source=source, byte=data[error.start], line=line)
        ) from None


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


def _read_csv(text: str, source: str, choices: Choices) -> Table:
    if _NOTHING.fullmatch(text):
        raise _empty(source)
    delimiter = None
    # Excel honours a first line 'sep=;' and hides it, so the header stays row 1.
    if match := _SEP_LINE.match(text):
        delimiter, text = match.group(1), text[match.end() :]
    if delimiter is None:
        delimiter = max(DELIMITERS, key=lambda candidate: _header_score(text, candidate, choices))
    try:
        records = _csv_rows(text, delimiter, strict=True)
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            # A quote opened and never closed: the rest of the file would be one cell.
            raise Invalid(
                _(
                    "{source} has a quote opened on row {row} and never closed: close it (or "
                    "delete it) in that row and import again."
                ).format(source=source, row=error.args[1])
            ) from None
        try:  # a stray quote inside a cell ('"Jl. Mawar" 5'): read as before, leniently
            records = _csv_rows(text, delimiter, strict=False)
        except csv.Error as error:
            raise Invalid(
                _(
                    "{source} could not be read as CSV at row {row} ({error}): look for a "
                    "quote that is opened and never closed."
                ).format(source=source, row=error.args[1], error=error.args[0])
            ) from None
    return _table(source, records, delimiter, choices)


def _csv_rows(text: str, delimiter: str, strict: bool) -> list[Row]:
    """Every row (numbered as a spreadsheet shows it); csv.Error(message, row) when broken."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=strict)
    records: list[Row] = []
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell[:1] == "'" for cell in cells):
                cells = [_unmarked(cell) for cell in cells]
            records.append((number, cells))
    except csv.Error as error:
        raise csv.Error(str(error), number + 1) from None
    return records


def _unmarked(cell: str) -> str:
    """An exported cell marked as text ("'=x") back as it was ("=x")."""
    return cell[1:] if cell[:1] == "'" and cell[1:].startswith(FORMULA_STARTS) else cell


def _header_score(text: str, delimiter: str, choices: Choices) -> tuple[int, int]:
    """How well `delimiter` splits the header (the best of the first rows, a title row may
    come first): recognised columns, then cells."""
    best = (0, 0)
    seen = 0
    try:
        for cells in csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in cells):
                best = max(best, (sum(map(choices.known, cells)), len(cells)))
                seen += 1
                if seen == HEADER_SEARCH:
                    break
    except csv.Error:
        pass
    return best


def _read_xlsx(data: bytes, source: str, choices: Choices, wanted: str | None) -> Table:
    import warnings

    import openpyxl  # ~150 ms: only for .xlsx files

    sheets: dict[str, list[Row]] = {}
    try:
        with warnings.catch_warnings():
            # openpyxl warns on stderr about styles and extensions it does not read.
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                names = [sheet.title for sheet in workbook.worksheets]
                if wanted is not None:
                    names = [_sheet_named(wanted, names, source)]
                for name in names:
                    sheet = workbook[name]
                    sheet.reset_dimensions()  # some writers store wrong dimensions
                    sheets[name] = [
                        (number, [_unmarked(cell_text(value)) for value in values])
                        for number, values in enumerate(sheet.iter_rows(values_only=True), 1)
                    ]
            finally:
                workbook.close()
    except Invalid:
        raise
    except Exception:
        # openpyxl raises many types (zip, XML, key, value errors) for damaged files.
        raise Invalid(
            _(
                "{source} could not be read as an Excel workbook: open it in Excel, save it "
                "again as .xlsx or as CSV UTF-8, and import that."
            ).format(source=source)
        ) from None
    filled = {name: rows for name, rows in sheets.items() if _first_filled(rows) is not None}
    # A sheet without a single header cell passq knows (notes, a summary) is left out, named.
    left_out = tuple(name for name, rows in filled.items() if not _any_known(rows, choices))
    if len(filled) > 1 and len(left_out) < len(filled):
        filled = {name: rows for name, rows in filled.items() if name not in left_out}
    else:
        left_out = ()
    if len(filled) <= 1:
        rows = next(iter(filled.values()), [])
        table = _excel_dates(_table(source, rows, None, choices))
        return replace(table, left_out=left_out)
    tables = []
    for name, rows in filled.items():
        where = _("{source}, sheet '{sheet}'").format(source=source, sheet=name)
        tables.append(_excel_dates(_table(where, rows, None, choices, check_choices=False)))
    choices.check_present((cell for table in tables for cell in table.header), source)
    return replace(_combine(source, tables, tuple(filled)), left_out=left_out)


def _sheet_named(wanted: str, names: list[str], source: str) -> str:
    for name in names:
        if name.strip().casefold() == wanted.strip().casefold():
            return name
    raise Invalid(
        _("{source} has no sheet '{sheet}': its sheets are {sheets}.").format(
            source=source,
            sheet=shown(wanted),
            sheets=", ".join(f"'{shown(name)}'" for name in names),
        )
    )


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


def _excel_dates(table: Table) -> Table:
    """Date columns of a workbook with Excel's serial numbers (a date typed into a cell
    formatted as a number: 45474 is 2024-07-01) read as the dates they are."""
    low, high = SERIAL_RANGE
    for field in ("applied", "travel"):
        index = table.columns.get(field)
        if index is None:
            continue
        for _number, cells in table.rows:
            text = cells[index].strip() if index < len(cells) else ""
            if _SERIAL.match(text) and low <= float(text) <= high:
                cells[index] = (EXCEL_EPOCH + timedelta(days=int(float(text)))).isoformat()
    return table


def _first_filled(records: list[Row]) -> int | None:
    return next((i for i, (_n, cells) in enumerate(records) if any(c.strip() for c in cells)), None)


def _any_known(records: list[Row], choices: Choices) -> bool:
    filled = (cells for _n, cells in records if any(cell.strip() for cell in cells))
    return any(any(map(choices.known, cells)) for cells in islice(filled, HEADER_SEARCH))


def _header_at(records: list[Row], choices: Choices) -> int | None:
    """Where the header is: the first of the first rows with two recognised cells (a title row
    such as 'DAFTAR PASPOR BELUM DICETAK' may come before it), else the first filled row."""
    first = _first_filled(records)
    if first is None:
        return None
    seen = 0
    for index in range(first, len(records)):
        cells = records[index][1]
        if not any(cell.strip() for cell in cells):
            continue
        if sum(map(choices.known, cells)) >= 2:
            return index
        seen += 1
        if seen == HEADER_SEARCH:
            break
    return first


def _table(
    source: str,
    records: list[Row],
    delimiter: str | None,
    choices: Choices,
    check_choices: bool = True,
) -> Table:
    at = _header_at(records, choices)
    if at is None:
        raise _empty(source)
    header = records[at][1]
    records = records[at + 1 :]
    if check_choices:
        choices.check_present(header, source)
    columns, unknown, ignored = _match_columns(source, header, choices)
    missing = [field for field in REQUIRED_COLUMNS if field not in columns]
    if missing:
        found = ", ".join(f"'{shown(cell.strip())}'" for cell in header if cell.strip())
        raise Invalid(
            _(
                "{source} has no {missing} column (found {found}): name the columns app_no "
                "and name, or nomor_permohonan and nama."
            ).format(source=source, missing=" or ".join(missing), found=found)
        )
    _refuse_suspects(source, header, records, unknown)
    wanted = sorted(columns.values())
    width = len(header)
    rows = [
        (number, cells)
        for number, cells in records
        if any(index < len(cells) and cells[index].strip() for index in wanted)
        or (delimiter is not None and any(cell.strip() for cell in cells[width:]))
    ]
    return Table(source, header, columns, rows, unknown, ignored, delimiter)


def _refuse_suspects(
    source: str, header: list[str], records: list[Row], unknown: list[str]
) -> None:
    """Invalid for a column passq would leave out although it looks like dates or phones."""
    suspects = {}
    for index, cell in enumerate(header):
        if cell.strip() and cell.strip() not in unknown:
            continue
        kind = looks_like(cell, (cells[index] for _n, cells in records if index < len(cells)))
        if kind is None:
            continue
        if not cell.strip():
            raise Invalid(
                _(
                    "Column {letter} of {source} has no header but looks like dates or phone "
                    "numbers: write its header (travel, applied or phone) and import again."
                ).format(letter=column_letter(index), source=source)
            )
        suspects[cell.strip()] = kind
    refuse_suspects(suspects, source)


def column_letter(index: int) -> str:
    """A column as Excel names it: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _match_columns(
    source: str, header: list[str], choices: Choices
) -> tuple[dict[str, int], list[str], list[str]]:
    """The header's fields (field -> index), its unknown cells and its ignored ones."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    ignored: list[str] = []
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        field = None if key in choices.dropped else choices.field_of(cell)
        if field is None:
            known = key in IGNORED_HEADERS or key in choices.dropped
            (ignored if known else unknown).append(cell.strip())
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
    return columns, unknown, ignored


def _combine(source: str, tables: list[Table], sheets: tuple[str, ...]) -> Table:
    """Several sheets as one table: the first sheet's columns, then any field it lacks."""
    header = list(tables[0].header)
    columns = dict(tables[0].columns)
    for table in tables[1:]:
        for field, index in table.columns.items():
            if field not in columns:
                columns[field] = len(header)
                header.append(table.header[index])
    rows: list[Row] = []
    for position, table in enumerate(tables):
        for number, cells in table.rows:
            if position == 0:  # as it is, so a rejects file keeps its other columns
                width = len(table.header)
                laid = (cells + [""] * width)[:width] + [""] * (len(header) - width)
            else:
                laid = [""] * len(header)
                for field, index in table.columns.items():
                    laid[columns[field]] = cells[index] if index < len(cells) else ""
            rows.append((position * ROW_SPAN + number, laid))
    unknown = list(dict.fromkeys(cell for table in tables for cell in table.unknown))
    ignored = list(dict.fromkeys(cell for table in tables for cell in table.ignored))
    return Table(source, header, columns, rows, unknown, ignored, None, sheets)
