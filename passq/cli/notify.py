"""`passq notify`: the messages to send applicants (WhatsApp click-to-chat links), and the
record that they were sent. passq never sends anything itself."""

from pathlib import Path
from typing import Annotated

import typer

from passq.cli import PassqGroup, render, root, session
from passq.cli.options import AppNos, AsJson
from passq.domain.notices import KINDS, MESSAGE_LANGUAGES, Notice
from passq.domain.records import DEFAULT_LANGUAGE
from passq.errors import Invalid
from passq.i18n import _, _l, ngettext
from passq.services import notify

notify_app = typer.Typer(
    cls=PassqGroup,
    no_args_is_help=True,
    help=_l(
        "The messages to send applicants (WhatsApp links), and the record that they were sent."
    ),
)
root.add_typer(notify_app, name="notify")

Lang = Annotated[
    str,
    typer.Option(
        "--lang",
        metavar="id|en",
        show_default=False,
        help=_l("The applicants' language [default: id, Indonesian]."),
    ),
]
BookLang = Annotated[
    str | None,
    typer.Option(
        "--lang",
        metavar="id|en",
        show_default=False,
        help=_l(
            "Every message in this language (id or en) [default: each book's language, "
            "Indonesian when it has none]."
        ),
    ),
]
Html = Annotated[
    Path | None,
    typer.Option("--html", metavar="FILE", help=_l("Write a page of links a clerk clicks.")),
]
Csv = Annotated[
    Path | None,
    typer.Option("--csv", metavar="FILE", help=_l("Write a CSV for a bulk-messaging tool.")),
]
MarkSent = Annotated[
    bool,
    typer.Option(
        "--mark-sent", help=_l("Record that every applicant listed was told (nobody twice).")
    ),
]


def _language(lang: str | None) -> str | None:
    if lang is None:
        return None
    code = lang.strip().lower()
    if code not in MESSAGE_LANGUAGES:
        raise Invalid(
            _("Unknown message language '{lang}': use id (Indonesian) or en (English).").format(
                lang=lang
            )
        )
    return code


def _title(kind: str) -> str:
    return {
        "ready": _("Passports ready to collect"),
        "planned": _("Travellers: planned print day and collection day"),
        "late": _("Travellers who will be late, or whose flight date has passed"),
        "uncollected": _("Passports not collected, before they are cancelled"),
    }[kind]


def _notice_json(n: Notice) -> dict:
    return {
        "app_no": n.app_no,
        "name": n.name,
        "phone": n.phone,
        "kind": n.kind,
        "language": n.language,
        "message": n.message,
        "link": n.link,
        "day": n.day,
        "collect_day": n.collect_day,
        "travel": n.travel,
        "cancel_day": n.cancel_day,
    }


def _run(
    ctx: typer.Context,
    kind: str,
    lang: str | None,
    as_json: bool,
    csv: Path | None,
    html: Path | None,
    mark_sent: bool,
) -> None:
    s = session(ctx)
    found = notify.notices_of(s, kind, _language(lang))
    if html is not None or csv is not None:
        from passq.files import notices as files

        if html is not None:
            page = files.html_page(found, kind, _title(kind), s.settings["office"], s.stamp)
            files.write(html, page, "--html")
        if csv is not None:
            files.write(csv, files.csv_text(found, s.settings["csv_delimiter"]), "--csv")
    marked: list[str] = []
    if mark_sent and any(n.link for n in found):
        # Only the linked ones: those without a phone are called, then recorded with `sent`.
        marked, _skipped = notify.mark_sent(s, kind, [n.app_no for n in found if n.link])
    if as_json:
        render.emit_json(
            {
                "kind": kind,
                "today": s.today,
                "notices": [_notice_json(n) for n in found if n.link],
                "no_phone": [_notice_json(n) for n in found if not n.link],
                "marked_sent": marked,
            }
        )
        return
    _render(found, kind, html, csv, marked, mark_sent)


def _told(n: int) -> str:
    return ngettext("Recorded as told: {n} book.", "Recorded as told: {n} books.", n).format(n=n)


def _render(
    found: list[Notice], kind: str, html: Path | None, csv: Path | None, marked, mark_sent: bool
) -> None:
    linked = [n for n in found if n.link]
    unlinked = [n for n in found if not n.link]
    if html is None and csv is None:
        for n in linked:
            render.line(f"{n.app_no}  {n.name}")
            render.line(f"  {n.link}")
        if unlinked:
            render.line(_("No valid phone: call or write to them"))
            for n in unlinked:
                render.line(f"  {n.app_no}  {n.name}  {n.phone or '-'}")
    for path in (html, csv):
        if path is not None:
            render.line(_("Wrote {path}.").format(path=path))
    render.line(
        ngettext(
            "{kind}: {n} message with a WhatsApp link, {m} without a valid phone.",
            "{kind}: {n} messages with a WhatsApp link, {m} without a valid phone.",
            len(linked),
        ).format(kind=kind, n=len(linked), m=len(unlinked))
    )
    if mark_sent:
        render.line(_told(len(marked)))


@notify_app.command("ready")
def ready(
    ctx: typer.Context,
    lang: BookLang = None,
    as_json: AsJson = False,
    csv: Csv = None,
    html: Html = None,
    mark_sent: MarkSent = False,
) -> None:
    """Printed books whose applicant has not been told yet."""
    _run(ctx, "ready", lang, as_json, csv, html, mark_sent)


@notify_app.command("planned")
def planned(
    ctx: typer.Context,
    lang: BookLang = None,
    as_json: AsJson = False,
    csv: Csv = None,
    html: Html = None,
    mark_sent: MarkSent = False,
) -> None:
    """Travellers: their planned print day and the day they can collect."""
    _run(ctx, "planned", lang, as_json, csv, html, mark_sent)


@notify_app.command("late")
def late(
    ctx: typer.Context,
    lang: BookLang = None,
    as_json: AsJson = False,
    csv: Csv = None,
    html: Html = None,
    mark_sent: MarkSent = False,
) -> None:
    """Travellers who will miss their flight, and those whose flight date has passed."""
    _run(ctx, "late", lang, as_json, csv, html, mark_sent)


@notify_app.command("uncollected")
def uncollected(
    ctx: typer.Context,
    lang: BookLang = None,
    as_json: AsJson = False,
    csv: Csv = None,
    html: Html = None,
    mark_sent: MarkSent = False,
) -> None:
    """Printed books not collected, with the day they will be cancelled."""
    _run(ctx, "uncollected", lang, as_json, csv, html, mark_sent)


@notify_app.command("sent")
def sent(
    ctx: typer.Context,
    app_nos: AppNos,
    kind: Annotated[
        str, typer.Option("--kind", metavar="|".join(KINDS), help=_l("What they were told."))
    ] = "ready",
) -> None:
    """Record that these applicants were told (from the page's list), one event each."""
    from passq.domain.lifecycle import unique

    if kind not in KINDS:
        raise Invalid(
            _("Unknown notice '{kind}': use {kinds}.").format(kind=kind, kinds=", ".join(KINDS))
        )
    s = session(ctx)
    marked, skipped = notify.mark_sent(s, kind, unique(app_nos))
    render.line(_told(len(marked)))
    if skipped:
        render.line(
            _("Already recorded as told, left as they were: {numbers}.").format(
                numbers=", ".join(skipped)
            )
        )


@notify_app.command("announce")
def announce(ctx: typer.Context, lang: Lang = "id", as_json: AsJson = False) -> None:
    """The text for the office's social media: counts and dates only, no personal data."""
    s = session(ctx)
    text, facts = notify.announce(s, _language(lang) or DEFAULT_LANGUAGE)
    if as_json:
        render.emit_json({"text": text, **facts})
        return
    render.line(text)
