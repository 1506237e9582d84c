"""The reprint reserve: the last slots of a print day, kept for the day's misprints.

Misprints are found when the printed books are checked, in the afternoon. A book misprinted on
the last print day before its flight is saved only if a slot is still free that day: the
reprint is then a must of today (DESIGN §5, step a) and first in the next batch. So, until
`reprint_hour`, a batch leaves `reprint_reserve_percent` percent of today's capacity unclaimed,
except for books that must be printed today for their flights (a reprint reported early among
them); from that hour the reserve is claimed like any slot, reprints first. The plan still
counts today's whole capacity: the reserve is printed today, only later in the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from passq.domain.queue import Placement


class Claimable(NamedTuple):
    """How many books a batch may claim now, and how many of today's slots are kept back."""

    books: int
    held: int


def reserve_slots(capacity: int, percent: int) -> int:
    """The slots kept for reprints on a day of `capacity`: `percent` of it, rounded down."""
    return max(0, capacity) * max(0, percent) // 100


def claimable(size: int, capacity: int, used: int, percent: int, reserve_open: bool) -> Claimable:
    """A batch of up to `size` books, today's `capacity` with `used` slots taken already.

    Before the reserve opens, the batch stops short of today's last reserved slots. Once
    today's capacity is all taken, a batch goes on into later days' books as it always did:
    the reserve only holds back slots that are still free today."""
    room = capacity - used
    reserve = 0 if reserve_open or room <= 0 else min(room, reserve_slots(capacity, percent))
    if not reserve:
        return Claimable(size, 0)
    return Claimable(min(size, room - reserve), reserve)


def within_reserve(chosen: Sequence[Placement], take: int, today: date) -> list[Placement]:
    """The first `take` books of a batch in queue order, and of the rest those that must be
    printed today for their flights: the reserve never holds back a flight's last print day."""
    must = [p for p in chosen[take:] if p.step == "must" and p.planned_day == today]
    return [*chosen[:take], *must]
