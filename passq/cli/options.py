"""Options and arguments several commands share."""

from typing import Annotated

import typer

from passq.i18n import _

Name = Annotated[str | None, typer.Option("--name", help=_("Applicant's name."))]


Service = Annotated[
    str | None, typer.Option("--service", help=_("regular, express or pmi [default: regular]."))
]


Applied = Annotated[
    str | None,
    typer.Option(
        "--applied", help=_("Day the application was complete [default: today]."), metavar="DATE"
    ),
]


Travel = Annotated[
    str | None, typer.Option("--travel", help=_("Travel date, if known."), metavar="DATE")
]


Destination = Annotated[str | None, typer.Option("--destination", help=_("Destination country."))]


Phone = Annotated[str | None, typer.Option("--phone", help=_("Phone (0812…, 62812… or +62 812…)."))]


Urgent = Annotated[
    str | None,
    typer.Option("--urgent", help=_("Urgent humanitarian case: the reason."), metavar="REASON"),
]


Note = Annotated[str | None, typer.Option("--note", help=_("Free note."))]


AsJson = Annotated[bool, typer.Option("--json", help=_("Output JSON with stable keys."))]


AppNos = Annotated[
    list[str],
    typer.Argument(help=_("Application numbers."), show_default=False, metavar="APP_NO..."),
]


Reason = Annotated[str, typer.Option("--reason", help=_("Why (kept in the history)."))]
