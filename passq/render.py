"""Output: Rich tables for people, JSON with stable keys for scripts."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Write `data` as indented JSON (dates ISO) to standard output."""
    sys.stdout.write(json.dumps(data, default=_default, ensure_ascii=False, indent=2) + "\n")


def cell(value: Any) -> str:
    """One value as people read it: dates day-first, nothing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return str(value)


def heading(key: str) -> str:
    """A JSON key as a column heading: planned_day -> Planned day."""
    return key.replace("_", " ").capitalize()


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    """Print a Rich table to standard output (never cutting a cell when piped)."""
    from rich.console import Console
    from rich.table import Table

    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column, no_wrap=column in ("App no", "When"))
    for row in rows:
        grid.add_row(*(cell(value) for value in row))
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    console.print(grid)


def records(rows: Sequence[dict], title: str | None = None) -> None:
    """Print dicts sharing keys as a table, keys as headings."""
    table([heading(key) for key in rows[0]], (row.values() for row in rows), title)


def line(text: str = "") -> None:
    """Print one plain line to standard output."""
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    """Print one line to standard error."""
    sys.stderr.write(text + "\n")


@contextmanager
def progress(label: str, total: int, at_least: int) -> Iterator[Callable[[int, int], None] | None]:
    """A Rich progress bar on standard error for `total` steps: None (silent) when `total` is
    below `at_least` or standard error is not a terminal. Yields the callback to advance it."""
    if total < at_least or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done, _total: bar.update(task, completed=done)
