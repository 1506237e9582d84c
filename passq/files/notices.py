"""`notify`'s files: a page of click-to-chat links a clerk opens one after another in WhatsApp
Web (self-contained: styles inline, no script, nothing fetched), and a CSV for a bulk-messaging
tool. Both private: they hold names and phone numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from passq.domain.dates import show_stamp
from passq.domain.notices import Notice, wa_number
from passq.errors import Invalid
from passq.files.exports import safe_cell
from passq.files.private import replaced_privately
from passq.i18n import _, language

TEMPLATE = "notices.html.j2"
CSV_COLUMNS = ("app_no", "name", "whatsapp", "kind", "language", "message", "link")


def csv_text(notices: Sequence[Notice], delimiter: str = ",") -> str:
    """The notices as CSV (English headers, one row per applicant with a valid phone)."""
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for n in notices:
        if n.link is None:
            continue
        row = (n.app_no, n.name, wa_number(n.phone) or "", n.kind, n.language, n.message, n.link)
        writer.writerow([safe_cell(value) for value in row])
    return stream.getvalue()


def html_page(notices: Sequence[Notice], kind: str, title: str, office: str, stamp: str) -> str:
    """The page: one numbered link a row, then the books without a valid phone."""
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("passq.files", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template(TEMPLATE).render(
        lang=language(),
        kind=kind,
        title=title,
        office=office,
        stamp=show_stamp(stamp),  # 27/06/2024 08:00, as the office reads it
        linked=[n for n in notices if n.link],
        unlinked=[n for n in notices if not n.link],
        text={
            "open": _("Open in WhatsApp"),
            "number": _("Application"),
            "name": _("Name"),
            "message": _("Message"),
            "no_phone": _("No valid phone: call or write to them"),
            "phone": _("Phone"),
            "none": _("Nobody to tell."),
            "record": _("Once they are all sent, record them (copy this line):"),
            "how": _(
                "Click each link, press send in WhatsApp Web, then record who was told with "
                "'passq notify sent' and their numbers."
            ),
        },
    )


def write(path: Path, text: str, option: str) -> None:
    """Write `text` to `path`, readable by its owner only, whole or not at all."""
    target = Path(path)
    if target.is_dir():
        raise Invalid(
            _("{path} is a folder: give a file name with {option}.").format(
                path=target, option=option
            )
        )
    with (
        replaced_privately(target, option) as (descriptor, _temporary),
        open(descriptor, "w", encoding="utf-8", newline="") as stream,
    ):
        stream.write(text)
