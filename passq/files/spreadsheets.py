"""Bulk import and export at file level, in four modules by topic, gathered here:

- files/columns.py knows which column holds which field (headers, --column, --ignore-column);
- files/tables.py reads CSV/xlsx tables (the header found and matched to fields);
- files/rows.py checks their rows as `add` would and merges them with the stored books;
- files/exports.py writes exports (CSV, JSON, xlsx) and the rejects file.

No SQL (the store lands the records) and no rendering (the CLI prints): plain data in and out.
"""

from __future__ import annotations

from passq.files.columns import (
    EXPORT_COLUMNS,
    HEADER_ALIASES,
    IGNORED_HEADERS,
    IMPORT_COLUMNS,
    REASON_COLUMN,
    REQUIRED_COLUMNS,
    STATE_COLUMNS,
    Choices,
    choices,
    header_key,
    shown,
)
from passq.files.exports import (
    FORMATS,
    cannot_write,
    check_file_name,
    check_writable,
    export_format,
    export_value,
    rejects_path,
    safe_cell,
    same_file,
    write_csv,
    write_export,
    write_json,
    write_rejects,
    write_xlsx,
)
from passq.files.rows import (
    NOT_URGENT,
    PROGRESS_EVERY,
    URGENT_WORDS,
    Checked,
    Merge,
    Problem,
    _indonesian_mobile,
    all_problems,
    check_rows,
    merge,
)
from passq.files.tables import (
    DELIMITERS,
    Row,
    Table,
    cell_text,
    read_table,
)

__all__ = [
    "DELIMITERS",
    "EXPORT_COLUMNS",
    "FORMATS",
    "HEADER_ALIASES",
    "IGNORED_HEADERS",
    "IMPORT_COLUMNS",
    "NOT_URGENT",
    "PROGRESS_EVERY",
    "REASON_COLUMN",
    "REQUIRED_COLUMNS",
    "STATE_COLUMNS",
    "URGENT_WORDS",
    "Checked",
    "Choices",
    "Merge",
    "Problem",
    "Row",
    "Table",
    "_indonesian_mobile",
    "all_problems",
    "cell_text",
    "check_rows",
    "choices",
    "cannot_write",
    "check_file_name",
    "check_writable",
    "export_format",
    "export_value",
    "safe_cell",
    "same_file",
    "header_key",
    "shown",
    "merge",
    "read_table",
    "rejects_path",
    "write_csv",
    "write_export",
    "write_json",
    "write_rejects",
    "write_xlsx",
]
