"""Output: Rich tables for people, JSON with stable keys for scripts."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from passq.i18n import _, format_number

# json and dataclasses are imported where they are used: the single-row commands (add,
# printed, collected) write no JSON, and start faster without them.


def _default(value: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def emit_json(data: Any) -> None:
    """Write `data` as indented JSON (dates ISO) to standard output; an `Objects` value of a
    top-level key is written as it is encoded, one object a line."""
    import json

    if not (isinstance(data, dict) and any(isinstance(v, Objects) for v in data.values())):
        try:
            sys.stdout.write(_dumps(data, indent=2) + "\n")
        except UnicodeEncodeError:
            # A path or name holding bytes that are not text (a file name in another encoding):
            # escaped, still JSON.
            sys.stdout.write(json.dumps(data, default=_default, indent=2) + "\n")
        return
    write = sys.stdout.write
    write("{")
    for number, (key, value) in enumerate(data.items()):
        write(",\n  " if number else "\n  ")
        write(f"{_dumps(key)}: ")
        if isinstance(value, Objects):
            value.write(write, "  ")
        else:
            write(_dumps(value, indent=2).replace("\n", "\n  "))
    write("\n}\n")


def _dumps(value: Any, indent: int | None = None) -> str:
    import json

    return json.dumps(value, default=_default, ensure_ascii=False, indent=indent)


class Objects:
    """A long JSON array of objects, given as columns (key -> every object's value) and encoded
    a chunk at a time in C: a million plan items in about a second, never all in memory."""

    CHUNK = 10_000

    def __init__(self, columns: dict[str, Iterable[Any]]) -> None:
        self.columns = columns

    def write(self, write: Callable[[str], Any], indent: str) -> None:
        """Write the array, one object a line, nested at `indent`."""
        from itertools import chain, islice, repeat

        # Each object is its keys' fixed text interleaved with its values' JSON, all joined
        # at once per chunk: no per-object formatting in Python.
        if not self.columns:
            write("[]")
            return
        keys = [_dumps(key) for key in self.columns]
        between = [f"{{{keys[0]}: ", *(f", {key}: " for key in keys[1:])]
        sources = [iter(values) for values in self.columns.values()]
        cache: dict[Any, str] = {}
        write("[")
        opening = f"\n{indent}  "
        after = f"}},\n{indent}  "
        while (chunk := [list(islice(source, self.CHUNK)) for source in sources]) and chunk[0]:
            texts = [_fragments(values, cache) for values in chunk]
            pieces = [
                part for pair in zip(map(repeat, between), texts, strict=True) for part in pair
            ]
            text = "".join(chain.from_iterable(zip(*pieces, repeat(after))))
            write(opening)
            write(text[: -len(after)] + "}")
            opening = f",\n{indent}  "
        write(f"\n{indent}]" if opening.startswith(",") else "]")


def _fragments(values: list[Any], cache: dict[Any, str]) -> Iterable[str]:
    """Each value as JSON text, per column in C: numbers and strings as they are, the few
    distinct dates and flags of a plan from `cache`, anything else through json.dumps."""
    from json.encoder import encode_basestring

    kinds = set(map(type, values))
    if kinds <= {int}:
        return map(str, values)
    if kinds <= {str}:
        return map(encode_basestring, values)
    if kinds <= {date, bool, type(None)}:
        for value in set(values).difference(cache):
            cache[value] = _dumps(value)
        return map(cache.__getitem__, values)
    return map(_dumps, values)


def cell(value: Any) -> str:
    """One value as people read it: dates day-first, nothing as '-'."""
    if value is None:
        return "-"
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)  # 1,250 (en), 1.250 (id)
    return str(value)


def _headings() -> dict[str, str]:
    return {
        "rank": _("Rank"),
        "app_no": _("App no"),
        "name": _("Name"),
        "service": _("Service"),
        "status": _("Status"),
        "flight_deadline": _("Flight deadline"),
        "planned_day": _("Planned day"),
        "step": _("Step"),
        "batch_id": _("Batch"),
        "updated_at": _("Updated"),
        "age_hours": _("Hours"),
    }


def heading(key: str) -> str:
    """A JSON key as a column heading in the user's language: planned_day -> Planned day."""
    return _headings().get(key) or key.replace("_", " ").capitalize()


def _words() -> dict[str, str]:
    """The plan steps as people read them. Statuses and services stay as typed (`regular`,
    `pending`): staff type them in commands (docs/glossary.md)."""
    from passq.domain.explain import step_label

    return {step: step_label(step) for step in ("must", "urgent", "protect", "will_miss", "queue")}


WORD_KEYS = frozenset({"step"})


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    """Print a Rich table to standard output (never cutting a cell when piped)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column, no_wrap=column in (_("App no"), _("When")))
    for row in rows:
        # Text, not str: a name like "Sari [bold]" must print as typed, not as Rich markup.
        grid.add_row(*(Text(cell(value)) for value in row))
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    console.print(grid)


def records(rows: Sequence[dict], title: str | None = None) -> None:
    """Print dicts sharing keys as a table, keys as headings."""
    words = _words()
    table(
        [heading(key) for key in rows[0]],
        (
            [words.get(value, value) if key in WORD_KEYS else value for key, value in row.items()]
            for row in rows
        ),
        title,
    )


def line(text: str = "") -> None:
    """Print one plain line to standard output (what its encoding cannot write, escaped)."""
    try:
        sys.stdout.write(text + "\n")
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "utf-8"
        sys.stdout.write((text + "\n").encode(encoding, "backslashreplace").decode(encoding))


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
