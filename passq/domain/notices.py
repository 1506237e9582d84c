"""Notices to applicants: the messages the office sends (passq never sends them itself), their
WhatsApp click-to-chat links, and the rules of who is told what (DESIGN §3, pickup)."""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

from passq.domain.records import DEFAULT_LANGUAGE, LANGUAGES
from passq.errors import Invalid
from passq.i18n import _

KINDS = ("ready", "planned", "late", "uncollected")
MESSAGE_LANGUAGES = LANGUAGES
# What a message may name: a template with anything else is refused when it is set.
PLACEHOLDERS = ("name", "office", "app_no", "bring", "day", "collect_day", "travel", "cancel_day")
# Reminders start this many days before the cancellation day.
REMIND_DAYS = 7
MAX_TEMPLATE = 1000

# The messages themselves, in the applicant's language (not the clerk's): polite and short.
TEMPLATES = {
    "id": {
        "ready": "Yth. {name}, paspor Anda dengan nomor permohonan {app_no} sudah selesai dan "
        "dapat diambil di {office} pada hari kerja. Mohon membawa {bring}. Terima kasih.",
        "planned": "Yth. {name}, paspor Anda dengan nomor permohonan {app_no} dijadwalkan "
        "dicetak pada {day} dan dapat diambil di {office} mulai {collect_day}. Mohon membawa "
        "{bring}. Terima kasih.",
        "late": "Yth. {name}, mohon maaf, paspor Anda dengan nomor permohonan {app_no} belum "
        "dapat selesai sebelum tanggal keberangkatan Anda, {travel}. Mohon datang ke {office} "
        "atau balas pesan ini dengan tanggal keberangkatan yang baru. Terima kasih.",
        "uncollected": "Yth. {name}, paspor Anda dengan nomor permohonan {app_no} sudah "
        "selesai tetapi belum diambil di {office}. Mohon diambil paling lambat {cancel_day}; "
        "setelah itu paspor dibatalkan. Mohon membawa {bring}. Terima kasih.",
    },
    "en": {
        "ready": "Dear {name}, your passport for application number {app_no} is ready to "
        "collect at {office} on any working day. Please bring {bring}. Thank you.",
        "planned": "Dear {name}, your passport for application number {app_no} is planned to "
        "be printed on {day} and can be collected at {office} from {collect_day}. Please bring "
        "{bring}. Thank you.",
        "late": "Dear {name}, we are sorry: your passport for application number {app_no} "
        "cannot be ready before your travel date, {travel}. Please come to {office} or reply "
        "with your new travel date. Thank you.",
        "uncollected": "Dear {name}, your passport for application number {app_no} is ready "
        "but has not been collected at {office}. Please collect it by {cancel_day}; after that "
        "it is cancelled. Please bring {bring}. Thank you.",
    },
}
BRING = {
    "id": "tanda terima permohonan, atau surat kuasa bila diambil oleh orang lain",
    "en": "your application receipt, or a letter of authority if someone collects it for you",
}
OFFICE = {"id": "kantor imigrasi", "en": "the immigration office"}
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November "
    "Desember".split(),
    "en": "January February March April May June July August September October November "
    "December".split(),
}
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


@dataclass(frozen=True, slots=True)
class Notice:
    """One message to one applicant, with its click-to-chat link (None: no valid phone)."""

    kind: str
    app_no: str
    name: str
    phone: str | None
    message: str
    link: str | None
    language: str = DEFAULT_LANGUAGE  # the message's: the book's, or the clerk's --lang
    day: date | None = None  # planned: the print day; uncollected: the day it was printed
    collect_day: date | None = None
    travel: date | None = None
    cancel_day: date | None = None


def language_of(record: Mapping, override: str | None = None) -> str:
    """The language of the message to `record`'s applicant: the clerk's `override` if given,
    else the book's own, else the office's default (Indonesian)."""
    return override or record.get("language") or DEFAULT_LANGUAGE


def long_date(day: date, lang: str) -> str:
    """`Kamis, 27 Juni 2024` (or `Thursday, 27 June 2024`)."""
    return f"{_DAYS[lang][day.weekday()]}, {day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def masked(app_no: str) -> str:
    """The application number hidden but for its last 4 characters: `xxxxxxxxxxxx0918`."""
    return "x" * max(0, len(app_no) - 4) + app_no[-4:]


def wa_number(phone: str | None) -> str | None:
    """The digits of an E.164 phone for wa.me (no +), or None when it is not a valid one."""
    if phone and _E164.fullmatch(phone.strip()):
        return phone.strip()[1:]
    return None


def wa_link(phone: str | None, message: str) -> str | None:
    """`https://wa.me/<digits>?text=<message, URL-encoded>`, or None without a valid phone."""
    digits = wa_number(phone)
    if digits is None:
        return None
    return f"https://wa.me/{digits}?text={quote(message, safe='')}"


def fields_of(template: str) -> list[str]:
    """The placeholders `template` names (Invalid when its braces do not pair up)."""
    try:
        return [
            field
            for _text, field, _spec, _conv in string.Formatter().parse(template)
            if field is not None
        ]
    except ValueError:
        raise Invalid(
            _(
                "The message has a brace without its pair: write placeholders as {{name}}, and "
                "double a brace to show it."
            )
        ) from None


def check_template(value: str) -> str:
    """A notice template as the office typed it, checked: only known placeholders."""
    from passq.domain.records import check_text

    text = check_text(value, "message", MAX_TEMPLATE)
    if not text:
        raise Invalid(_("The message is empty: give its text, with placeholders such as {{name}}."))
    unknown = [field for field in fields_of(text) if field not in PLACEHOLDERS]
    if unknown:
        raise Invalid(
            _("Unknown placeholder {{{field}}} in the message: use {known}.").format(
                field=unknown[0], known=", ".join("{" + p + "}" for p in PLACEHOLDERS)
            )
        )
    return text


def message(
    kind: str, record: Mapping, lang: str, office: str, template: str | None = None, **days
) -> str:
    """The message of `kind` to `record`'s applicant in `lang`; `days` fills {day},
    {collect_day}, {travel} and {cancel_day} (a date each); `template` is the office's own, if
    set: its text is the office's language, Indonesian, so an English message is passq's own."""
    values = {
        "name": record["name"],
        "office": office or OFFICE[lang],
        "app_no": masked(record["app_no"]),
        "bring": BRING[lang],
        **{key: long_date(value, lang) if value else "-" for key, value in days.items()},
    }
    for key in PLACEHOLDERS:
        values.setdefault(key, "-")
    if lang != DEFAULT_LANGUAGE:
        template = None
    return (template or TEMPLATES[lang][kind]).format_map(values)


def notice(
    kind: str,
    record: Mapping,
    lang: str | None,
    office: str,
    template: str | None = None,
    **days,
) -> Notice:
    """One Notice: the message and its link to `record`'s phone, in `lang` (None: the book's
    own language, see language_of)."""
    chosen = language_of(record, lang)
    text = message(kind, record, chosen, office, template, **days)
    return Notice(
        kind,
        record["app_no"],
        record["name"],
        record.get("phone"),
        text,
        wa_link(record.get("phone"), text),
        chosen,
        **days,
    )


def stamp_day(stamp: str) -> date:
    """The office day of a stored timestamp."""
    return datetime.fromisoformat(stamp).date()


def told_since(told_at: str | None, since: str | None) -> bool:
    """Whether a notice recorded at `told_at` came after `since` (the printing, or today)."""
    if told_at is None:
        return False
    if since is None:
        return True
    return datetime.fromisoformat(told_at) >= datetime.fromisoformat(since)


def cancel_day(printed: date, collection_days: int, is_working_day) -> date:
    """The day an uncollected book is cancelled: `collection_days` after printing, moved to the
    next working day when the office is closed then (nobody can collect on a holiday)."""
    day = printed + timedelta(days=collection_days)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def remind_from(printed: date, collection_days: int) -> date:
    """The first day an uncollected book's applicant is reminded: `collection_days - 7` days
    after printing."""
    return printed + timedelta(days=max(0, collection_days - REMIND_DAYS))


# The announcement for social media: counts and dates only, never a name or a number.
ANNOUNCE = {
    "id": {
        "open": "Layanan paspor {office} kembali normal.",
        "ready": "Paspor dengan tanggal wawancara sampai dengan {ready_up_to} sudah dapat "
        "diambil pada hari kerja dengan membawa {bring}.",
        "waiting": "Saat ini {waiting} paspor sudah selesai dan menunggu diambil.",
        "clears": "Paspor lainnya ({pending}) dijadwalkan selesai paling lambat {clears_on}; "
        "pemohon akan kami hubungi melalui WhatsApp.",
        "close": "Terima kasih atas kesabaran Anda.",
    },
    "en": {
        "open": "Passport service at {office} is back to normal.",
        "ready": "Passports with an interview date up to {ready_up_to} can be collected on any "
        "working day; please bring {bring}.",
        "waiting": "{waiting} passports are ready and waiting to be collected.",
        "clears": "The other passports ({pending}) are planned to be ready by {clears_on}; we "
        "will contact applicants by WhatsApp.",
        "close": "Thank you for your patience.",
    },
}


def announcement(
    lang: str,
    office: str,
    ready_up_to: date | None,
    waiting: int,
    pending: int,
    clears_on: date | None,
) -> str:
    """The social-media text: the service is back, up to which interview date passports are
    ready, how many wait to be collected, and when the rest will be ready."""
    words = ANNOUNCE[lang]
    values = {
        "office": office or OFFICE[lang],
        "bring": BRING[lang],
        "waiting": waiting,
        "pending": pending,
        "ready_up_to": long_date(ready_up_to, lang) if ready_up_to else "-",
        "clears_on": long_date(clears_on, lang) if clears_on else "-",
    }
    parts = ["open"]
    if ready_up_to is not None:
        parts.append("ready")
    if waiting:
        parts.append("waiting")
    if pending and clears_on is not None:
        parts.append("clears")
    parts.append("close")
    return " ".join(words[part].format_map(values) for part in parts)


def ready_up_to(not_printed_applied: list[date], printed_applied: list[date]) -> date | None:
    """The last interview day whose passports are all printed: the day before the earliest
    one still waiting to be printed (or the latest printed one when none waits); None when
    no interview day is complete."""
    if not_printed_applied:
        earliest = min(not_printed_applied)
        done = [day for day in printed_applied if day < earliest]
        return earliest - timedelta(days=1) if done else None
    return max(printed_applied) if printed_applied else None
