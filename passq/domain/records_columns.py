"""Pending books held as columns, the shape the queue rule reads them in (speed, not meaning)."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter, methodcaller
from typing import Any

# What the queue rule reads of a record: all a plan needs to load.
QUEUE_FIELDS = ("app_no", "service", "urgent", "applied", "travel")


class Columns(Sequence[Mapping[str, Any]]):
    """Records held as one list per field: a million books without a dict each (a third of the
    memory, and plan_queue takes the lists as they are). Reads like a list of dicts."""

    __slots__ = ("_fields",)

    def __init__(self, fields: Mapping[str, Sequence[Any]]) -> None:
        self._fields = dict(fields)

    def column(self, key: str) -> Sequence[Any]:
        """Every record's value of `key`, in order."""
        return self._fields[key]

    def __len__(self) -> int:
        return len(next(iter(self._fields.values()), ()))

    def __getitem__(self, index: int | slice) -> Any:  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return {key: values[index] for key, values in self._fields.items()}

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Columns({list(self)!r})"


def joined(first: Columns, second: Columns) -> Columns:
    """The records of `first` then those of `second` (the same fields)."""
    fields = {key: list(first.column(key)) for key in QUEUE_FIELDS}
    for key in QUEUE_FIELDS:
        fields[key].extend(second.column(key))
    return Columns(fields)


def column(records: Sequence[Mapping[str, Any]], key: str) -> list[Any]:
    """Every record's value of `key` (None where a hand-made record leaves it out)."""
    if isinstance(records, Columns):
        values = records.column(key)
        return values if isinstance(values, list) else list(values)
    try:
        return list(map(itemgetter(key), records))
    except KeyError:
        return list(map(methodcaller("get", key), records))


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused: for planning, placements included."""
    # A million books make millions of objects, none in a cycle: the collector would rescan
    # them again and again (seconds) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
