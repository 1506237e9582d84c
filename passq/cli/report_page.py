"""`report --html FILE` and `report --from D --to D`: the head of office's page and the period
report (text, JSON or HTML), all from the one `ReportPage` of services/report_page.py."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from passq.cli import render
from passq.domain.dates import parse_date, show_date
from passq.domain.outlook import ReportPage
from passq.errors import Invalid
from passq.i18n import _
from passq.services import report_page as service
from passq.services.session import Session


def period(s: Session, day: str | None, first: str | None, last: str | None) -> tuple[date, date]:
    """The (first, last) days asked for: --from/--to, else --date, else today."""
    if day and (first or last):
        raise Invalid(_("Give either --date or --from and --to, not both."))
    if day:
        one = parse_date(day, s.today, "--date")
        return one, one
    end = parse_date(last, s.today, "--to") if last else s.today
    start = parse_date(first, s.today, "--from") if first else end
    return start, end


def run(
    s: Session,
    day: str | None,
    first: str | None,
    last: str | None,
    html: Path | None,
    names: bool,
    as_json: bool,
) -> None:
    """Build the page for the days asked for; write it to `html`, or show it as text or JSON."""
    if html is not None and as_json:
        raise Invalid(_("Give either --html or --json, not both."))
    start, end = period(s, day, first, last)
    page = service.report_page(s, start, end, names)
    if html is not None:
        write_page(s, page, html)
        render.line(
            _("The report is in {path}: open it in a browser to read or print it.").format(
                path=html
            )
        )
        return
    if as_json:
        render.emit_json(asdict(page))
        return
    _render_period(s, page)


def write_page(s: Session, page: ReportPage, path: Path) -> None:
    """Render `page` as HTML and write it, private, to `path`."""
    from passq.files import report_page as html_page

    html_page.write(path, html_page.render(page, live=page.last == s.today))


def write_day_page(s: Session, path: Path) -> None:
    """Today's report page, written to `path` (for `demo`)."""
    write_page(s, service.report_page(s, s.today, s.today), path)


def _render_period(s: Session, page: ReportPage) -> None:
    from passq.cli.supervisor import _render_report

    t = page.totals
    render.line(
        _("From {first} to {last}: {printed} printed, {new} new applications.").format(
            first=show_date(page.first), last=show_date(page.last), printed=t.printed,
            new=t.new_applications,
        )
    )  # fmt: skip
    render.table(
        (_("Day"), _("Printed"), _("Capacity"), _("Pending at day end")),
        (
            (show_date(d.day), d.printed, d.capacity or _("closed"), d.pending_end)
            for d in page.days
        ),
    )
    _render_report(page.figures, s.settings["office"], live=page.last == s.today)
    if page.at_risk:
        render.table(
            (_("App no"), _("Name"), _("Phone"), _("Travel"), _("Destination")),
            (
                (b["app_no"], b["name"], b["phone"], b["travel"], b["destination"])
                for b in page.at_risk
            ),
            title=_("Travellers who will miss their flight"),
        )
