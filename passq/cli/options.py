"""Options and arguments several commands share."""

from typing import Annotated

import typer

from passq.i18n import _l

Name = Annotated[str | None, typer.Option("--name", help=_l("Applicant's name."))]


Service = Annotated[
    str | None, typer.Option("--service", help=_l("regular, express or pmi [default: regular]."))
]


Applied = Annotated[
    str | None,
    typer.Option(
        "--applied", help=_l("Day the application was complete [default: today]."), metavar="DATE"
    ),
]


Travel = Annotated[
    str | None, typer.Option("--travel", help=_l("Travel date, if known."), metavar="DATE")
]


Destination = Annotated[str | None, typer.Option("--destination", help=_l("Destination country."))]


Phone = Annotated[
    str | None, typer.Option("--phone", help=_l("Phone (0812…, 62812… or +62 812…)."))
]


Urgent = Annotated[
    str | None,
    typer.Option("--urgent", help=_l("Urgent humanitarian case: the reason."), metavar="REASON"),
]


Note = Annotated[str | None, typer.Option("--note", help=_l("Free note."))]


Language = Annotated[
    str | None,
    typer.Option(
        "--language",
        metavar="id|en",
        help=_l(
            "The applicant's language for the messages passq prepares: id (Indonesian) or en "
            "(English) [default: the office's, Indonesian]."
        ),
    ),
]


AsJson = Annotated[bool, typer.Option("--json", help=_l("Output JSON with stable keys."))]


AppNos = Annotated[
    list[str],
    typer.Argument(help=_l("Application numbers."), show_default=False, metavar="APP_NO..."),
]


Reason = Annotated[str, typer.Option("--reason", help=_l("Why (kept in the history)."))]


Yes = Annotated[
    bool, typer.Option("--yes", help=_l("Confirm a value or an action passq asks about."))
]


Force = Annotated[
    bool, typer.Option("--force", help=_l("Act on another operator's batch all the same."))
]


# The global --office (passq.cli.main_options).
OfficeCode = Annotated[
    str | None,
    typer.Option(
        "--office",
        envvar="PASSQ_OFFICE",
        metavar="CODE",
        help=_l("Which office of a database server [default: main]; a file holds one."),
        show_default=False,
    ),
]
