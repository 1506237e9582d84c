"""The office's commands: its print calendar, its settings, and a demo."""

from pathlib import Path
from typing import Annotated

import typer

from passq import cli
from passq.cli import PassqGroup, render, root, session
from passq.cli.options import AsJson, Yes
from passq.cli.printing import next_batch
from passq.cli.supervisor import report
from passq.domain.dates import parse_date, show_date
from passq.domain.records import check_text
from passq.errors import Invalid, Refused
from passq.i18n import _, _l, format_day
from passq.services import office
from passq.store import display_name, local_name


@root.command()
def demo(
    ctx: typer.Context,
    size: Annotated[
        int, typer.Option("--size", min=1, max=2_000_000, help=_l("How many books."))
    ] = 1250,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help=_l("Demo database [default: demo.db beside the real one]."),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Build a realistic sample backlog in a demo database; show its next batch and report,
    and write the report's page beside it."""
    s = session(ctx)
    root = ctx.find_root()
    named = db or (
        s.db_path
        if getattr(root.get_parameter_source("db"), "name", None) == "COMMANDLINE"
        else None
    )
    target = named or cli.default_db().with_name("demo.db")
    count = office.demo(s, target, fresh=named is None, size=size)
    shown = display_name(target)
    render.line(_("Demo database {path}: {n} pending books.").format(path=shown, n=count))
    render.line(_("Try it: passq --db {path} next-batch --peek").format(path=shown))
    ctx.invoke(next_batch, ctx=ctx, size=10, peek=True, as_json=False)
    ctx.invoke(report, ctx=ctx, day=None, as_json=False)
    from passq.cli.report_page import write_day_page

    page = local_name(target).with_suffix(".html")  # beside the file, or here for a server
    write_day_page(s, page)
    render.line(_("The day report's page: {path} (open it in a browser).").format(path=page))


calendar_app = typer.Typer(
    cls=PassqGroup, no_args_is_help=True, help=_l("Print days: holidays, closures, extra shifts.")
)


root.add_typer(calendar_app, name="calendar")


OverrideReason = Annotated[
    str, typer.Option("--reason", help=_l("Why (shown in 'calendar show')."))
]


@calendar_app.command("off")
def calendar_off(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help=_l("The day to close."), metavar="DATE")],
    reason: OverrideReason = "",
) -> None:
    """Close a day: nothing is planned on it (a system outage, a local holiday)."""
    s = session(ctx)
    closed = parse_date(day, s.today, "date")
    office.set_override(s, closed, 0, check_text(reason, "reason"))
    render.line(_("{day} is closed: nothing will be planned on it.").format(day=show_date(closed)))


@calendar_app.command("on")
def calendar_on(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help=_l("The day to open."), metavar="DATE")],
    capacity: Annotated[
        int, typer.Option("--capacity", min=1, max=100_000, help=_l("Books that day."))
    ],
    reason: OverrideReason = "",
    yes: Yes = False,
) -> None:
    """Open a day with a capacity (a Saturday overtime shift, a day with more printers)."""
    s = session(ctx)
    opened = parse_date(day, s.today, "date")
    holiday = s.calendar.holiday(opened)
    if holiday is not None and not yes:
        raise Refused(
            _("{day} is a public holiday ({holiday}): add --yes to open it all the same.").format(
                day=show_date(opened), holiday=holiday
            )
        )
    office.set_override(s, opened, capacity, check_text(reason, "reason"))
    render.line(
        _("{day} is a print day for {capacity} books.").format(
            day=show_date(opened), capacity=capacity
        )
    )


@calendar_app.command("clear")
def calendar_clear(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help=_l("The day to give back."), metavar="DATE")],
) -> None:
    """Remove the office's override of a day: it is again as the calendar has it."""
    s = session(ctx)
    cleared = parse_date(day, s.today, "date")
    office.clear_override(s, cleared)
    render.line(
        _("{day} is back to the calendar: {reason}, {capacity} books.").format(
            day=show_date(cleared),
            reason=s.calendar.reason(cleared),
            capacity=s.calendar.capacity(cleared),
        )
    )


@calendar_app.command("show")
def calendar_show(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--from", help=_l("First day [default: today]."), metavar="DATE")
    ] = None,
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help=_l("How many days."))] = 14,
    as_json: AsJson = False,
) -> None:
    """List each day with its capacity and why."""
    s = session(ctx)
    first = parse_date(start, s.today, "--from date") if start else s.today
    listed = s.calendar.days(first, days)
    if as_json:
        render.emit_json(
            [
                {
                    "date": d.date,
                    "capacity": d.capacity,
                    "reason": d.reason,
                    "holiday": s.calendar.holiday(d.date),
                }
                for d in listed
            ]
        )
        return
    render.table(
        (_("Day"), _("Capacity"), _("Why")),
        ((format_day(d.date, year=True), d.capacity, d.reason) for d in listed),
    )


config_app = typer.Typer(cls=PassqGroup, no_args_is_help=True, help=_l("The office's settings."))


root.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show every setting (shared by every desk using this database)."""
    s = session(ctx)
    settings = s.settings
    if as_json:
        render.emit_json(settings)
        return
    render.table((_("Setting"), _("Value")), settings.items())
    render.line(_("Database: {path}").format(path=display_name(s.db_path)))


@config_app.command("set")
def config_set(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            help=_l("capacity, pickup_days, horizon_days, office or timezone."), metavar="KEY"
        ),
    ],
    value: Annotated[str, typer.Argument(help=_l("The new value."), metavar="VALUE")],
) -> None:
    """Change a setting: capacity, pickup_days, horizon_days, office, timezone."""
    s = session(ctx)
    stored = office.set_setting(s, key, value)
    render.line(_("{key} is now {value}.").format(key=key, value=stored))


offices_app = typer.Typer(
    cls=PassqGroup,
    no_args_is_help=True,
    help=_l("Offices on a database server, and the logins that may work on each."),
)


root.add_typer(offices_app, name="office")


@offices_app.command("add")
def office_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help=_l("Short code, for --office."), metavar="CODE")],
    name: Annotated[
        str, typer.Option("--name", help=_l("The office's name, shown in its reports."))
    ],
) -> None:
    """Add an office to the server (administrator login only)."""
    from passq.services import offices

    name = check_text(name, "--name")
    if not name:
        raise Invalid(_("The office's name is empty: give it with --name."))
    if offices.add_office(session(ctx), code, name):
        render.line(_("Added office {code} ({name}).").format(code=code.strip(), name=name))
    else:
        raise Refused(
            _("The office {code} exists already: nothing changed.").format(code=code.strip())
        )


@offices_app.command("grant")
def office_grant(
    ctx: typer.Context,
    login: Annotated[str, typer.Argument(help=_l("A login of the server."), metavar="LOGIN")],
    code: Annotated[
        str | None, typer.Argument(help=_l("The office it works on."), metavar="CODE")
    ] = None,
    every_office: Annotated[
        bool,
        typer.Option(
            "--all-offices", help=_l("Read every office's figures, write none (directorate).")
        ),
    ] = False,
) -> None:
    """Let a login work on one office only (the engine hides every other office's rows from
    it), or read every office with --all-offices (administrator login only)."""
    from passq.services import offices

    if (code is None) == (not every_office):
        raise Invalid(
            _("Give the office's code, or --all-offices for a login that reads every office.")
        )
    offices.grant(session(ctx), login, code)
    if code is None:
        render.line(_("{login} now reads every office and writes none.").format(login=login))
    else:
        render.line(
            _("{login} now works on office {code} and sees no other.").format(
                login=login, code=code.strip()
            )
        )


@offices_app.command("list")
def office_list(ctx: typer.Context, as_json: AsJson = False) -> None:
    """The offices whose rows this login reads."""
    from passq.services import offices

    found = offices.offices(session(ctx))
    if as_json:
        render.emit_json([{"office": code, "name": name} for code, name in found])
        return
    render.table((_("Office"), _("Name")), found)
