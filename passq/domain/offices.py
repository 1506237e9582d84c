"""Offices on one server: their codes, and the directorate's figures across them (DESIGN §8:
counts only, never a name or a phone)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from passq.domain.figures import PlanFigures
from passq.domain.report import travelling_count
from passq.errors import Invalid
from passq.i18n import _

DEFAULT_OFFICE = "main"
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


def valid_code(code: str) -> str:
    """The office code, stripped; Invalid unless it is 1 to 32 letters, digits, - or _."""
    text = code.strip()
    if not _CODE.fullmatch(text):
        raise Invalid(
            _(
                "Invalid office code '{code}': use 1 to 32 letters, digits, - or _ "
                "(for example cilacap)."
            ).format(code=code)
        )
    return text


@dataclass(frozen=True)
class OfficeFigures:
    """One office's line in the directorate's view."""

    office: str
    name: str
    pending: int
    travel_within_7_days: int
    will_miss_flight: int
    flight_passed: int
    extra_per_day: int
    extra_days: int
    clears_on: date | None
    no_print_day_ahead: bool


@dataclass(frozen=True)
class Totals:
    """Every office's figures added up (the busiest office's clearing day)."""

    offices: int
    pending: int
    travel_within_7_days: int
    will_miss_flight: int
    flight_passed: int
    extra_books: int  # extra_per_day × extra_days, over every office
    last_clears_on: date | None


def office_figures(
    code: str,
    name: str,
    pending: Sequence[Mapping],
    claimed_soon: int,
    plan: PlanFigures,
    today: date,
) -> OfficeFigures:
    """One office's line: its `pending` books (queue fields), how many of its claimed books
    travel within 7 days, and the plan made from now (the figures of its own report)."""
    needed = plan.capacity_needed
    return OfficeFigures(
        office=code,
        name=name,
        pending=len(pending),
        travel_within_7_days=travelling_count(pending, today, today + timedelta(days=7))
        + claimed_soon,
        will_miss_flight=plan.will_miss_count,
        flight_passed=plan.flight_passed,
        extra_per_day=needed.extra_per_day,
        extra_days=needed.extra_days,
        clears_on=plan.clears_on,
        no_print_day_ahead=needed.no_print_day_at_all,
    )


def by_risk(rows: Sequence[OfficeFigures]) -> list[OfficeFigures]:
    """Most flights at risk first (then the longest backlog), office code last."""
    return sorted(rows, key=lambda r: (-r.will_miss_flight, -r.pending, r.office))


def totals(rows: Sequence[OfficeFigures]) -> Totals:
    clears = [r.clears_on for r in rows if r.clears_on is not None]
    return Totals(
        offices=len(rows),
        pending=sum(r.pending for r in rows),
        travel_within_7_days=sum(r.travel_within_7_days for r in rows),
        will_miss_flight=sum(r.will_miss_flight for r in rows),
        flight_passed=sum(r.flight_passed for r in rows),
        extra_books=sum(r.extra_per_day * r.extra_days for r in rows),
        last_clears_on=max(clears, default=None),
    )
