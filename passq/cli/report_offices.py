"""`passq report --all-offices`: the directorate's view of every office on a server (counts
only: DESIGN §8, never a name or a phone)."""

from dataclasses import asdict
from typing import Any

from passq.cli import render
from passq.domain.dates import show_date
from passq.domain.offices import totals
from passq.errors import Invalid
from passq.i18n import _, ngettext
from passq.services import offices
from passq.services.session import Session


def run(s: Session, day: str | None, names: bool, other: Any, as_json: bool) -> None:
    """Print (or emit as JSON) every office's figures, most flights at risk first."""
    if day or names or other:
        raise Invalid(
            _(
                "--all-offices reports today's counts only: leave out --date, --names, --html, "
                "--from and --to."
            )
        )
    rows = offices.every_office(s)
    total = totals(rows)
    if as_json:
        render.emit_json(
            {"date": s.today, "offices": [asdict(r) for r in rows], "totals": asdict(total)}
        )
        return
    render.table(
        (
            _("Office"),
            _("Pending"),
            _("Travel ≤ 7 days"),
            _("Will miss a flight"),
            _("Extra books a day"),
            _("Clears on"),
        ),
        [
            (
                f"{r.office} ({r.name})" if r.name and r.name != r.office else r.office,
                r.pending,
                r.travel_within_7_days,
                r.will_miss_flight,
                _extra(r.extra_per_day, r.extra_days),
                show_date(r.clears_on) if r.clears_on else "-",
            )
            for r in rows
        ],
        title=_("Every office, {day}").format(day=show_date(s.today)),
    )
    render.line(
        ngettext(
            "Total: {offices} office, {pending} pending, {soon} travelling within 7 days, "
            "{miss} will miss a flight, {extra} extra books needed.",
            "Total: {offices} offices, {pending} pending, {soon} travelling within 7 days, "
            "{miss} will miss a flight, {extra} extra books needed.",
            total.offices,
        ).format(
            offices=total.offices,
            pending=total.pending,
            soon=total.travel_within_7_days,
            miss=total.will_miss_flight,
            extra=total.extra_books,
        )
    )


def _extra(per_day: int, days: int) -> str:
    if not per_day:
        return "0"
    return _("{extra} × {days} days").format(extra=per_day, days=days)
