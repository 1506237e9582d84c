"""The command line: typer commands grouped by who uses them; they parse, call a service, render.

No SQL here (passq.store) and no rules (passq.domain): see docs/architecture.md.
"""

# No `from __future__ import annotations` in passq.cli: typer would eval every parameter's
# annotation string at start-up (~10 ms for 25 commands); real annotations are read as they are.
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from typer.core import TyperGroup

from passq import __version__, i18n
from passq.cli import render
from passq.cli.options import OfficeCode
from passq.errors import Invalid, PassqError
from passq.i18n import _, _l
from passq.services.session import Session
from passq.store import display_name, is_url, neutral_error

# typer's bundled Click in the user's language (help, usage errors): before any command is built.
i18n.install_click_translations()


class PassqGroup(TyperGroup):
    """Turns domain errors into one sentence on stderr and their exit code."""

    def parse_args(self, ctx, args):
        # A shell passes bytes that are not UTF-8 as lone surrogates: no file, database or
        # sentence can hold them, so refuse them here, once for every command and option.
        for arg in args:
            if any("\ud800" <= c <= "\udfff" for c in arg):
                _language_from(args)  # parsing, which reads --lang, has not run yet
                shown = arg.encode("utf-8", "backslashreplace").decode("ascii", "replace")
                render.warn(
                    _("'{value}' holds bytes that are not text (UTF-8): type it again.").format(
                        value=shown
                    )
                )
                ctx.exit(2)
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PassqError as error:
            render.warn(str(error))
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            render.warn(_("Interrupted: nothing more was written."))
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None
        except Exception as error:
            # A full disk, a read-only file, a damaged database, a lost server…: one sentence.
            db = getattr(ctx.find_root().obj, "db_path", None)
            problem = neutral_error(error, None if db is None else display_name(db))
            if problem is None:
                raise
            render.warn(str(problem))
            raise typer.Exit(problem.exit_code) from None


def _language_from(args: list[str]) -> None:
    """Speak the language `--lang` asks for in `args`, before they are parsed."""
    for index, arg in enumerate(args):
        value = arg.partition("=")[2] if arg.startswith("--lang=") else None
        if arg == "--lang" and index + 1 < len(args):
            value = args[index + 1]
        if value in ("id", "en"):
            i18n.set_language(value)


# The root group. Command modules register on it (`@root.command()`); `app` (below) is the
# same group with every command loaded, for tests and embedding.
root = typer.Typer(
    cls=PassqGroup,
    name="passq",
    help=_l(
        "Print the passport backlog in the order that gets the most people onto their flights."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def default_db() -> Path:
    """The database used when neither --db nor PASSQ_DB names one."""
    return Path(typer.get_app_dir("passq")) / "passq.db"


def _database(db: str) -> Path | str:
    """A postgresql:// URL as it is; anything else is a SQLite file's path."""
    return db if is_url(db) else Path(db)


def session(ctx: typer.Context) -> Session:
    """The session the global options built."""
    return ctx.find_root().obj


def _version(value: bool) -> None:
    if value:
        render.line(f"passq {__version__}")
        raise typer.Exit()


@root.callback()
def main_options(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="PASSQ_DB",
            metavar="PATH|URL",
            help=_l(
                "Database file, or a postgresql:// URL for a database server [default: passq.db "
                "in the passq application folder]."
            ),
            show_default=False,
        ),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="PASSQ_NOW",
            metavar="DATE|DATETIME",
            help=_l("Behave as if it were this moment (DATE or DATETIME, office time)."),
        ),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator",
            envvar="PASSQ_OPERATOR",
            metavar="NAME",
            help=_l("Who is working [default: your login name]."),
            show_default=False,
        ),
    ] = None,
    busy_timeout: Annotated[
        float,
        typer.Option(
            "--busy-timeout",
            envvar="PASSQ_BUSY_TIMEOUT",
            min=0,
            max=600,
            metavar="SECONDS",
            help=_l("How long to wait for another desk's write before giving up."),
        ),
    ] = 10.0,
    office_code: OfficeCode = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_l("Show the version.")),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="id|en",
            is_eager=True,
            callback=i18n.language_option,
            help=i18n.LANGUAGE_HELP,
        ),
    ] = None,
) -> None:
    """Print the passport backlog in the order that gets the most people onto their flights."""
    who = _operator(operator)
    _check_folder(db)
    if busy_timeout != busy_timeout:  # NaN passes typer's range check
        raise Invalid(_("Invalid --busy-timeout 'nan': give a number of seconds from 0 to 600."))
    ctx.obj = Session(
        _database(db) if db else default_db(),
        now,
        who,
        busy_timeout,
        read_only_ok=ctx.invoked_subcommand in READ_ONLY_COMMANDS,
        office=_office(office_code),
    )
    ctx.call_on_close(lambda: _close(ctx.obj, announce=db is None))


def _operator(operator: str | None) -> str:
    """The operator's name: given, else the login name; Invalid when empty or unprintable."""
    if not operator:
        import getpass  # with termios and pwd: only without --operator or PASSQ_OPERATOR

        operator = getpass.getuser()
    who = operator.strip()
    if not who:
        raise Invalid(_("The operator name is empty: give it with --operator."))
    if any(ord(c) < 32 or ord(c) == 127 for c in who):
        raise Invalid(
            _("The operator name contains control characters: remove them and try again.")
        )
    return who


def _office(code: str | None) -> str | None:
    """The office code given (None: the default); Invalid when it is malformed. A database
    file refuses any office but the default when it is opened (passq.store.open_store)."""
    if code is None:
        return None
    from passq.domain.offices import valid_code

    return valid_code(code)


def _check_folder(db: str | None) -> None:
    """Invalid when --db names a file in a folder that does not exist: only passq's own
    folder is made for it; a folder named by hand is a typo if it is missing."""
    if db is not None and "://" not in db and not Path(db).parent.exists():
        raise Invalid(
            _(
                "The folder {folder} of the database does not exist: create it first, or give "
                "another --db."
            ).format(folder=Path(db).parent)
        )


# The commands that only read: they open a database they may not write read-only (a backup
# on read-only media), so a supervisor can look at it.
READ_ONLY_COMMANDS = frozenset({"list", "show", "find", "report", "plan", "doctor", "export"})


def _close(s: Session, announce: bool) -> None:
    """Close the session; with `announce` (no --db given), say where a new database was
    created (on standard error: JSON output stays clean)."""
    if s.created and announce:
        render.warn(_("Created a new passq database: {path}").format(path=s.db_path))
    s.close()


def main() -> None:
    """Console entry point."""
    import gc

    # One command, then the process ends: the cyclic collector would only walk the queue's
    # hundred thousand objects again and again (a tenth of `list`); reference counting frees
    # what passq drops, and it makes no cycles worth collecting before it exits.
    gc.disable()
    args = sys.argv[1:]
    name = _command_name(args)
    version_only = name is None and "--version" in args
    if not version_only:  # --version needs no command
        load_commands(name)
    _register_only(name)
    if version_only or name in QUICK_EXIT:
        _run_and_leave()
    root(prog_name="passq")


# The single-row commands staff type all day: they close the database and write their last
# line before they return, so the process may end without Python's teardown, which frees every
# module one by one (10-14 ms here, a sixth of the start-up budget).
QUICK_EXIT = frozenset({"add", "edit", "printed", "failed", "release", "collected"})


def _run_and_leave() -> NoReturn:
    """Run the command, flush what it wrote, and end the process with its exit code."""
    try:
        root(prog_name="passq")
        code = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:  # a message, as Python would print it
            print(done.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a closed or broken pipe: nothing more to say
            stream.flush()
    os._exit(code)


GLOBAL_VALUE_OPTIONS = frozenset(
    {"--db", "--now", "--operator", "--busy-timeout", "--lang", "--office"}
)

# Which module registers each command and command group, in the order `--help` lists them.
# A start imports only the named command's module (and what it needs): importing every
# command's module, and with them the queue rule, cost a quarter of the start-up budget.
COMMAND_MODULES = {
    **dict.fromkeys(("add", "edit", "show", "list", "find"), "counter"),
    **dict.fromkeys(
        ("next-batch", "printed", "failed", "release", "collected", "cancel", "undo"), "printing"
    ),
    **dict.fromkeys(("report", "plan"), "supervisor"),
    **dict.fromkeys(("demo", "calendar", "config", "office"), "office"),
    **dict.fromkeys(("backup", "restore", "doctor", "import", "export", "db"), "admin"),
    "notify": "notify",
}


def load_commands(name: str | None = None) -> None:
    """Register the command `name` (its module's commands); every command when `name` is
    None or unknown, so help and 'No such command' read as always."""
    known = COMMAND_MODULES.get(name or "")
    for module in [known] if known else dict.fromkeys(COMMAND_MODULES.values()):
        # __import__, not importlib.import_module: `python -X importtime` (the speed guards)
        # sees only imports made through it.
        __import__(f"passq.cli.{module}")


def _command_name(args: list[str]) -> str | None:
    """The command `args` name (the first word that is not a global option or its value);
    None when help is asked for before it (`passq --help add` lists every command)."""
    words = iter(args)
    for word in words:
        if word in ("--", "-h", "--help"):
            break
        if word.startswith("-"):
            if word in GLOBAL_VALUE_OPTIONS:
                next(words, None)
            continue
        return word
    return None


def _register_only(name: str | None) -> None:
    """Keep only the command (or command group) `name` registered: typer builds every
    registered command's parameters at each start (9 ms for all, 1 ms for one). Without a
    known name all stay, so help and 'No such command' read as always."""
    from typer.main import get_command_name

    commands = [
        command
        for command in root.registered_commands
        if (command.name or get_command_name(getattr(command.callback, "__name__", ""))) == name
    ]
    groups = [group for group in root.registered_groups if group.name == name]
    if commands or groups:
        root.registered_commands, root.registered_groups = commands, groups


def __getattr__(name: str) -> typer.Typer:
    # `from passq.cli import app`: the root group with every command registered.
    if name == "app":
        load_commands()
        return root
    raise AttributeError(f"module 'passq.cli' has no attribute {name!r}")
