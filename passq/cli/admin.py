"""Keeping the data: backups, the doctor, import and export."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from passq.cli import PassqGroup, _database, render, root, session
from passq.cli.counter import LIST_STATUSES
from passq.cli.options import AsJson
from passq.errors import Invalid, PassqError, Refused
from passq.i18n import _, _l, ngettext
from passq.services import admin
from passq.store import display_name


@root.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(
            help=_l(
                "Backup file, or a folder for the default name [default: beside the database]."
            ),
            metavar="[PATH]",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a consistent copy of the database (others may keep working), readable by you only."""
    written, count = admin.backup(session(ctx), path)
    render.line(
        _("Backed up {n} applications to {path}; put it back with 'passq restore {path}'.").format(
            n=count, path=written
        )
    )


@root.command()
def restore(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help=_l("A file made by 'passq backup'."), metavar="PATH")
    ],
) -> None:
    """Replace the database by a backup, after checking it; the replaced one is kept aside."""
    s = session(ctx)
    version, count, aside = admin.restore(s, path)
    render.line(
        _(
            "Restored {path} (schema {version}, {n} applications) into {db}; the replaced "
            "database is kept as {aside}."
        ).format(path=path, version=version, n=count, db=display_name(s.db_path), aside=aside)
    )


@root.command()
def doctor(
    ctx: typer.Context,
    as_json: AsJson = False,
) -> None:
    """Check the database: schema, integrity, WAL, counts, open batches, events against statuses."""
    s = session(ctx)
    try:
        facts, found = admin.doctor(s)
        stale_hours = s.settings["stale_hours"]
    except Exception as error:
        # `doctor --json` always prints JSON, even when it cannot open the database.
        problem = _as_problem(error, s.db_path)
        if not as_json or problem is None:
            raise
        shown = display_name(s.db_path)  # never the password of a server's URL
        render.emit_json({"database": shown, "healthy": False, "problems": [str(problem)]})
        raise problem from None
    windows = _windows_note()
    if as_json:
        render.emit_json(
            {
                **facts,
                "open_batches": found.open_batches,
                "stale_hours": stale_hours,
                "problems": found.problems,
                "healthy": found.healthy,
                "notes": [windows] if windows else [],
            }
        )
    else:
        _render_doctor(facts, found, stale_hours)
        if windows:
            render.line(windows)
    if not found.healthy:
        raise Refused(
            ngettext(
                "passq doctor found {n} problem, listed above: fix it, or restore a backup.",
                "passq doctor found {n} problems, listed above: fix them, or restore a backup.",
                len(found.problems),
            ).format(n=len(found.problems))
        )


def _as_problem(error: Exception, db: Path | str) -> PassqError | None:
    """The one-sentence error `error` stands for (None: not a database problem)."""
    from passq.store import display_name, neutral_error

    return error if isinstance(error, PassqError) else neutral_error(error, display_name(db))


def _windows_note() -> str | None:
    """On Windows the file's mode bits do not keep others out: the folder's permissions do."""
    if not sys.platform.startswith("win"):
        return None
    return _(
        "On Windows the database file's own permissions do not protect it: keep it in a folder "
        "that only the office's staff may open."
    )


def _render_doctor(facts: dict, found, stale_hours: float) -> None:
    from passq.domain import maintenance

    render.line(_("Database: {path}").format(path=facts["database"]))
    render.line(
        _("Schema version: {found} (this passq: {known})").format(
            found=facts["schema_version"], known=facts["schema_current"]
        )
    )
    render.line(_("Integrity check: {result}").format(result="; ".join(facts["integrity"][:5])))
    if facts["journal_mode"] is not None:  # None: a server's own journal (PostgreSQL)
        render.line(
            _("Journal mode: {mode}, WAL file {size} bytes").format(
                mode=facts["journal_mode"], size=facts["wal_bytes"]
            )
        )
    render.line(
        _("Applications: {counts}").format(
            counts=", ".join(f"{status} {n}" for status, n in facts["counts"].items())
        )
    )
    if found.open_batches:
        render.table(
            (_("Batch"), _("Operator"), _("Claimed at"), _("Books"), _("Age (h)"), _("Stale")),
            (
                (
                    b["batch_id"],
                    b["operator"],
                    b["claimed_at"],
                    b["still_claimed"],
                    b["age_hours"],
                    _("yes") if b["stale"] else "",
                )
                for b in found.open_batches
            ),
            title=_("Open batches"),
        )
    else:
        render.line(_("Open batches: none"))
    if found.stale_batches:
        render.line(
            _(
                "{n} batch(es) claimed {hours} hours ago or more: print them, or "
                "'passq release --stale {hours}'."
            ).format(n=found.stale_batches, hours=stale_hours)
        )
    if facts["disagreements"]:
        render.table(
            (_("App no"), _("Status"), _("Last event"), _("Its status")),
            (
                (d["app_no"], d["status"], d["action"], d["event_status"])
                for d in facts["disagreements"][: maintenance.SHOWN]
            ),
            title=_("Status disagrees with the events (first {n} of {total})").format(
                n=min(maintenance.SHOWN, len(facts["disagreements"])),
                total=len(facts["disagreements"]),
            ),
        )
    if found.healthy:
        render.line(_("No problem found."))
    for problem in found.problems:
        render.line(_("Problem: {problem}").format(problem=problem))


PROGRESS_ROWS = 5000  # files this long show a progress bar (on a terminal)


SHOWN_PROBLEMS = 20
SHOWN_BOOKS = 20  # numbers named in one sentence


ColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--column",
        help=_l('Read a column as a field: "Tgl Brkt=travel" (repeatable).'),
        metavar="HEADER=FIELD",
        show_default=False,
    ),
]
IgnoreColumnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore-column",
        help=_l("Leave a column out of the import (repeatable)."),
        metavar="HEADER",
        show_default=False,
    ),
]
SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help=_l("Read this sheet of a workbook only [default: every sheet with rows]."),
        metavar="NAME",
        show_default=False,
    ),
]


@root.command("import")
def import_(
    ctx: typer.Context,
    file_name: Annotated[
        str,  # not Path: typer would stat it first, a traceback for a name with a NUL
        typer.Argument(
            help=_l("CSV (UTF-8 or Windows ANSI; ',' or ';') or .xlsx file."), metavar="FILE"
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=_l("Check the file and count; write nothing."))
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid", help=_l("Import the valid rows; write the others to --rejects.")
        ),
    ] = False,
    rejects_name: Annotated[
        str | None,
        typer.Option(
            "--rejects",
            help=_l("Where --skip-invalid writes rejected rows [default: FILE.rejects.csv]."),
            metavar="PATH",
            show_default=False,
        ),
    ] = None,
    update: Annotated[
        bool,
        typer.Option("--update", help=_l("Update changed fields of books already pending.")),
    ] = False,
    column: ColumnOption = None,
    ignore_column: IgnoreColumnOption = None,
    sheet: SheetOption = None,
) -> None:
    """Import pending books from a spreadsheet: every row or none (see --skip-invalid)."""
    from passq.files import spreadsheets as importer

    chosen = importer.choices(column or (), ignore_column or ())
    if rejects_name is not None and not skip_invalid:
        raise Invalid(_("--rejects only works with --skip-invalid."))
    file = Path(file_name)
    rejects = Path(rejects_name) if rejects_name is not None else importer.rejects_path(file)
    if skip_invalid and not dry_run and importer.same_file(rejects, file):
        raise Invalid(_("--rejects names the file being imported: give another file."))
    s = session(ctx)
    table = importer.read_table(file, chosen, sheet)
    if table.unknown:
        render.warn(
            _("Ignored columns passq does not know in {source}: {columns}.").format(
                source=file, columns=", ".join(f"'{c}'" for c in table.unknown)
            )
        )
    if table.left_out:
        render.warn(
            _("Sheets of {source} left out, no column passq knows in them: {sheets}.").format(
                source=file, sheets=", ".join(f"'{name}'" for name in table.left_out)
            )
        )
    if not table.rows:
        render.line(_("{source} has no rows: nothing to import.").format(source=file))
        return
    with render.progress(_("Checking rows"), len(table.rows), PROGRESS_ROWS) as advance:
        checked = importer.check_rows(table, s.today, advance)
    checked = admin.with_office_numbers(s, table, checked)

    try:
        merged = admin.import_table(
            s,
            table,
            checked,
            update=update,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            rejects=rejects,
            source=file.name,
        )
    except admin.ImportProblems as stopped:
        _refuse_import(file, table, checked, stopped.problems, rejects)
    _import_summary(file, checked, merged, update, dry_run, rejects)


def _refuse_import(file: Path, table, checked, problems: list, rejects: Path) -> None:
    """Show the first problems, then raise the closing sentence (nothing is written)."""
    bad = len({problem.row for problem in problems})
    render.table(
        (_("Row"), _("Column"), _("Value"), _("Problem")),
        (
            (
                table.row_label(p.row),
                p.column or _("(beyond the header)"),
                p.value if len(p.value) <= 40 else p.value[:39] + "…",
                p.message,
            )
            for p in problems[:SHOWN_PROBLEMS]
        ),
        title=_("Problems ({total})").format(total=len(problems))
        if len(problems) <= SHOWN_PROBLEMS
        else _("First {n} of {total} problems").format(n=SHOWN_PROBLEMS, total=len(problems)),
    )
    if bad == checked.rows:
        raise Invalid(
            _(
                "Nothing imported: all {rows} rows of {source} have problems; fix them and "
                "import again."
            ).format(rows=bad, source=file)
        )
    raise Invalid(
        _(
            "Nothing imported: {bad} of {rows} rows of {source} have problems; fix them and "
            "import again, or give --skip-invalid to import the other {valid} and write these "
            "to {rejects}."
        ).format(bad=bad, rows=checked.rows, source=file, valid=checked.rows - bad, rejects=rejects)
    )


def _import_summary(
    file: Path, checked, merged, update: bool, dry_run: bool, rejects: Path
) -> None:
    rejected = len({p.row for p in checked.problems} | {p.row for p in merged.problems})
    figures = {
        "source": file,
        "added": len(merged.added),
        "present": merged.present,
        "updated": len(merged.updates),
        "rejected": rejected,
    }
    if dry_run:
        render.line(
            _(
                "Dry run, nothing written: {source} would give {added} added, {present} already "
                "present, {updated} updated, {rejected} rejected."
            ).format(**figures)
        )
    else:
        render.line(
            _(
                "Imported {source}: {added} added, {present} already present, {updated} updated, "
                "{rejected} rejected."
            ).format(**figures)
        )
    if merged.differ:
        render.line(
            ngettext(
                "{n} row differs from the book already present: import again with --update to "
                "apply it.",
                "{n} rows differ from the books already present: import again with --update to "
                "apply them.",
                merged.differ,
            ).format(n=merged.differ)
        )
    if merged.kept and update:
        shown = ", ".join(merged.kept[:SHOWN_BOOKS]) + (
            ", …" if len(merged.kept) > SHOWN_BOOKS else ""
        )
        render.line(
            ngettext(
                "{n} book the file changes is past pending and was left as it is: {books}.",
                "{n} books the file changes are past pending and were left as they are: {books}.",
                len(merged.kept),
            ).format(n=len(merged.kept), books=shown)
        )
    if rejected and not dry_run:
        render.line(
            _(
                "Rejected rows are in {rejects}, with the reason: fix them and import that file."
            ).format(rejects=rejects)
        )


EXPORT_STATUSES = LIST_STATUSES


@root.command()
def export(
    ctx: typer.Context,
    status: Annotated[
        str,
        typer.Option(
            "--status", help=_l("pending, claimed, printed, collected, cancelled or all.")
        ),
    ] = "all",
    form: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=_l("csv, json or xlsx [default: from --output's extension, else csv]."),
            metavar="FORMAT",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            help=_l("File to write ('-': standard output) [default: -]."),
            metavar="PATH",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help=_l("CSV separator: ',' or ';' (Indonesian Excel) [default: csv_delimiter]."),
            metavar="SEP",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help=_l("Replace the --output file if it exists."))
    ] = False,
) -> None:
    """Export applications (import's columns, then status and planned day) to CSV, JSON or xlsx."""
    from passq.domain.settings import check_delimiter
    from passq.files import spreadsheets as importer

    if status not in EXPORT_STATUSES:
        raise Invalid(
            _("Unknown status '{status}': use {allowed}.").format(
                status=importer.shown(status), allowed=", ".join(EXPORT_STATUSES)
            )
        )
    form = importer.export_format(form, output)
    if delimiter is not None:
        delimiter = check_delimiter(delimiter)
        if form != "csv":
            raise Invalid(
                _("--delimiter is for CSV exports only: leave it out for {form}.").format(form=form)
            )
    to_stdout = output in (None, "-")
    if form == "xlsx" and to_stdout:
        raise Invalid(_("An xlsx export cannot go to standard output: give a file with --output."))
    s = session(ctx)
    rows = admin.export_rows(s, status)
    count = importer.write_export(
        rows,
        form,
        output,
        sys.stdout,
        delimiter=delimiter or s.settings["csv_delimiter"],
        force=force,
    )
    if not to_stdout:
        render.line(_("Exported {n} applications to {path}.").format(n=count, path=output))


db_app = typer.Typer(
    cls=PassqGroup, no_args_is_help=True, help=_l("Move an office's data between databases.")
)
root.add_typer(db_app, name="db")


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(help=_l("The database to copy (a file or a URL)."), metavar="SRC")
    ],
    dest: Annotated[
        str,
        typer.Argument(
            help=_l("An empty database to copy into (a file or a URL)."), metavar="DEST"
        ),
    ],
) -> None:
    """Copy every application, batch and event from one database to another, for example from a
    SQLite file to PostgreSQL, in one transaction; the destination must be empty."""
    s = session(ctx)
    count, events = admin.copy_database(
        _database(source), _database(dest), round(s.busy_timeout * 1000), office=s.office
    )
    render.line(
        ngettext(
            "Copied {n} application and {events} events from {source} to {dest}.",
            "Copied {n} applications and {events} events from {source} to {dest}.",
            count,
        ).format(n=count, events=events, source=display_name(source), dest=display_name(dest))
    )
