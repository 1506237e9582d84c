"""The office's settings: defaults, types and checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from passq.domain.records import MAX_NAME, check_text
from passq.errors import Invalid
from passq.i18n import _

# Office settings kept in the database, with their defaults (DESIGN §7).
DEFAULT_SETTINGS = {
    "capacity": 250,
    "pickup_days": 1,
    "horizon_days": 10,  # chosen with bench/simulate.py: see the README
    # Percent of a print day's capacity a batch leaves free until reprint_hour, for the day's
    # misprints (domain/reserve.py); chosen with bench/simulate.py: see the README.
    "reprint_reserve_percent": 5,
    "reprint_hour": 15,
    "office": "",
    "timezone": "Asia/Jakarta",
    "stale_hours": 8,
    # The CSV export's separator: ';' is what Indonesian Excel expects (its list separator).
    "csv_delimiter": ",",
    # The form of a new application number (a regular expression; add and import enforce it).
    "app_no_pattern": "[A-Za-z0-9][A-Za-z0-9/-]{0,39}",
    # Days a printed book waits for its applicant before it is cancelled (DESIGN §3, pickup).
    "collection_days": 30,
    # The office's own notice texts (empty: passq's own, in the applicant's language).
    **{f"notice_{kind}": "" for kind in ("ready", "planned", "late", "uncollected")},
}


def typed_settings(stored: Mapping[str, str]) -> dict:
    """The settings with defaults filled in and numbers as ints."""
    settings: dict[str, Any] = dict(DEFAULT_SETTINGS)
    for key, value in stored.items():
        if key in settings:
            settings[key] = int(value) if isinstance(settings[key], int) else value
    return settings


SETTING_RANGES = {
    "capacity": (0, 100_000),
    "pickup_days": (0, 30),
    "horizon_days": (0, 60),
    "reprint_reserve_percent": (0, 50),
    "reprint_hour": (0, 23),
    "stale_hours": (1, 720),
    "collection_days": (7, 365),
}


def check_setting(key: str, value: str) -> str:
    """A setting's value checked and normalised for storing; Invalid names the allowed ones."""
    if key not in DEFAULT_SETTINGS:
        raise Invalid(
            _("Unknown setting '{key}': use {keys}.").format(
                key=key, keys=", ".join(DEFAULT_SETTINGS)
            )
        )
    value = value.strip()
    if key in SETTING_RANGES:
        low, high = SETTING_RANGES[key]
        if not value.isascii() or not value.isdigit() or not low <= int(value) <= high:
            raise Invalid(
                _("Invalid {key} '{value}': use a whole number from {low} to {high}.").format(
                    key=key, value=value, low=low, high=high
                )
            )
        return str(int(value))
    if key == "timezone":
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(
                _(
                    "Unknown time zone '{value}': use an IANA name such as Asia/Jakarta, "
                    "Asia/Makassar or Asia/Jayapura."
                ).format(value=value)
            ) from None
        return value
    if key == "csv_delimiter":
        return check_delimiter(value, key)
    if key == "app_no_pattern":
        return check_pattern(value)
    if key.startswith("notice_"):
        from passq.domain.notices import check_template

        return check_template(value)
    return check_text(value, key, MAX_NAME)


DELIMITER_WORDS = {
    ",": ",",
    "comma": ",",
    "koma": ",",
    ";": ";",
    "semicolon": ";",
    "titik koma": ";",
    "titik-koma": ";",
    "titikkoma": ";",
}


def check_delimiter(value: str, option: str = "--delimiter") -> str:
    """A CSV separator as typed (',' ';' or its name) -> ',' or ';'."""
    found = DELIMITER_WORDS.get(value.strip().lower())
    if found is None:
        raise Invalid(
            _(
                "Invalid {option} '{value}': use ',' (comma) or ';' (semicolon, what "
                "Indonesian Excel expects)."
            ).format(option=option, value=_shown(value))
        )
    return found


def _shown(text: str) -> str:
    """Typed text as one printable line (a newline shown as \\n)."""
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text
    )


def check_pattern(value: str) -> str:
    """A regular expression for application numbers: it must compile (and not be empty)."""
    import re

    text = check_text(value, "app_no_pattern", MAX_NAME)
    try:
        re.compile(text)
    except re.error as error:
        raise Invalid(
            _(
                "Invalid app_no_pattern '{value}' ({reason}): give a regular expression such as "
                "[0-9]{{16}}."
            ).format(value=value, reason=error.msg)
        ) from None
    if not text:
        raise Invalid(
            _("The app_no_pattern is empty: give a regular expression such as [0-9]{{16}}.")
        )
    return text
