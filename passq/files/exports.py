"""Writing spreadsheets: exports (CSV, JSON, xlsx) and the rejects file of an import.

No SQL and no rendering: plain data in.
"""

from __future__ import annotations

import csv
import errno
import json
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from passq.errors import Invalid, Refused
from passq.files.columns import EXPORT_COLUMNS, REASON_COLUMN, header_key, shown
from passq.files.private import replaced_privately
from passq.files.rows import Problem
from passq.files.tables import FORMULA_STARTS, Table
from passq.i18n import _

# --- Writing --------------------------------------------------------------------------------


def export_value(value: Any) -> str:
    """A record value as CSV text: dates and timestamps ISO, None empty."""
    if value is None:
        return ""
    if isinstance(value, date):  # datetime included
        return value.isoformat()
    return str(value)


def safe_cell(text: str) -> str:
    """Text as a CSV cell no spreadsheet runs as a formula: '=…', '+…', '-…', '@…' get a
    leading apostrophe (Excel's own mark for "text"), which import takes off again."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def write_csv(records: Iterable[Mapping], stream: IO[str], delimiter: str = ",") -> int:
    """Write records as CSV (English headers, ISO dates, no cell a formula); return the count."""
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for record in records:
        writer.writerow([safe_cell(export_value(record.get(c))) for c in EXPORT_COLUMNS])
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


def write_rejects(
    problems: Iterable[Problem], table: Table, path: str | os.PathLike[str], delimiter: str = ","
) -> int:
    """Write the rows with problems, original columns plus 'reason', as CSV (the file's own
    separator, `delimiter` for a workbook); return the count."""
    reasons: dict[int, list[str]] = {}
    for problem in problems:
        reasons.setdefault(problem.row, []).append(problem.message)
    header = [safe_cell(cell.strip()) for cell in table.header]
    width = len(header)
    # A rejects file re-imported and rejected again keeps one reason column.
    keys = [header_key(cell) for cell in header]
    reason_at = next((i for i, key in enumerate(keys) if key in (REASON_COLUMN, "alasan")), None)
    if reason_at is None:
        header.append(REASON_COLUMN)
    count = 0
    # BOM so that Excel shows names with accents right; read_table accepts it.
    with _private_open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=table.delimiter or delimiter, lineterminator="\r\n")
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
            writer.writerow([safe_cell(cell) for cell in row + extra])
            count += 1
    return count


def _private_open(path: str | os.PathLike[str], mode: str, **kwargs: Any) -> IO[Any]:
    """Open for writing, created readable by its owner only: it holds names and phones."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    return open(descriptor, mode, **kwargs)  # noqa: SIM115 (the caller closes it)


def rejects_path(source: str | os.PathLike[str]) -> Path:
    """Where rejected rows go by default: backlog.csv -> backlog.rejects.csv, beside it."""
    path = Path(source)
    return path.parent / f"{path.stem or 'import'}.rejects.csv"


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (False for names no file can have)."""
    try:
        return first.resolve() == second.resolve()
    except (OSError, ValueError):
        return False


def check_file_name(path: Path, option: str) -> None:
    """Invalid for a name no file can have: a NUL, no name at all, a name over 255 bytes, or
    bytes that are not text (SQLite and the terminal take names as UTF-8)."""
    text = os.fspath(path)
    if (
        "\x00" in text
        or not path.name
        or len(os.fsencode(path.name)) > 255
        or not text.isprintable()
        and any("\ud800" <= c <= "\udfff" for c in text)
    ):
        raise Invalid(
            _("{option} '{path}' is not a file name passq can write: give another.").format(
                option=option, path=shown(text)
            )
        )


# --- Exporting to a file or standard output --------------------------------------------------

FORMATS = ("csv", "json", "xlsx")


def export_format(form: str | None, output: str | None) -> str:
    """The export's format: `form` when given, else from the file's extension, else csv."""
    if form is None:
        suffix = Path(output).suffix.lower().lstrip(".") if output not in (None, "-") else ""
        form = suffix if suffix in ("json", "xlsx") else "csv"
    if form not in FORMATS:
        raise Invalid(_("Unknown format '{form}': use csv, json or xlsx.").format(form=shown(form)))
    return form


def write_export(
    records: Iterable[Mapping],
    form: str,
    output: str | os.PathLike[str] | None,
    stdout: IO[str],
    *,
    delimiter: str = ",",
    force: bool = False,
) -> int:
    """Write an export to `output` (created 0600, whole or not at all; an existing file only
    with `force`) or `stdout` for None/'-'."""
    writers: dict[str, Callable[[Iterable[Mapping], IO[str]], int]] = {
        "csv": lambda rows, stream: write_csv(rows, stream, delimiter),
        "json": write_json,
    }
    writer = writers.get(form)
    if output is None or os.fspath(output) == "-":
        if writer is None:
            raise Invalid(
                _("An xlsx export cannot go to standard output: give a file with --output.")
            )
        return writer(records, stdout)
    target = Path(output)
    check_file_name(target, "--output")
    if target.is_dir():
        raise Invalid(_("{path} is a folder: give a file name with --output.").format(path=target))
    if target.exists() and not force:
        raise Refused(
            _("{path} already exists: give --force to replace it, or another --output.").format(
                path=target
            )
        )
    try:
        with replaced_privately(target, "--output") as (descriptor, temporary):
            if writer is None:
                os.close(descriptor)
                count = write_xlsx(records, temporary)
            else:
                # A BOM in CSV files so that Excel shows accented names right; newline=""
                # keeps the CSV module's own line ends.
                encoding = "utf-8-sig" if form == "csv" else "utf-8"
                with open(descriptor, "w", encoding=encoding, newline="") as stream:
                    count = writer(records, stream)
    except OSError as error:
        raise cannot_write(target, error) from None
    return count


def cannot_write(path: Path, error: OSError) -> Refused:
    """The sentence for a file passq cannot write: on Windows, mostly one open in Excel."""
    return Refused(
        _(
            "Cannot write {path} ({reason}): if it is open in Excel, close it in Excel; then "
            "try again."
        ).format(path=path, reason=error.strerror or error)
    )


def check_writable(path: Path, option: str) -> None:
    """Refused, before anything is written, when `path` cannot be written: a folder in the
    way, a read-only file, a file another program holds (Excel on Windows); Invalid when its
    folder does not exist or it is no file name."""
    check_file_name(path, option)
    if not path.parent.is_dir():
        raise Invalid(
            _("The folder {folder} does not exist: create it first, or give another path.").format(
                folder=path.parent
            )
        )
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if path.exists():
            open(path, "r+b").close()  # noqa: SIM115 - opened to learn whether it can be
        elif not os.access(path.parent, os.W_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
    except OSError as error:
        raise cannot_write(path, error) from None
