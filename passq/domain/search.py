"""`find`: what a clerk types (part of a name, a phone in any written form, a number) read as
a search: the words to match, the phone as E.164, the application number."""

from __future__ import annotations

import re
from dataclasses import dataclass

from passq.errors import Invalid
from passq.i18n import _

# Looks like a phone number: digits with the usual separators, at least 8 digits.
_PHONE_SHAPE = re.compile(r"\+?\(?[0-9][0-9 ().-]{6,}\Z")
_WORD = re.compile(r"\w", re.UNICODE)
MAX_QUERY = 200


@dataclass(frozen=True)
class Query:
    """What to look for: every word in the name or destination (prefixes, accents and case
    ignored), or the phone (E.164), or the application number."""

    words: tuple[str, ...]
    phone: str | None
    app_no: str | None

    def match_expression(self) -> str | None:
        """The words as an SQLite FTS5 query: each a quoted prefix, all of them required."""
        if not self.words:
            return None
        return " AND ".join('"{}"*'.format(word.replace('"', '""')) for word in self.words)


def parse_query(text: str) -> Query:
    """Read a `find` text; Invalid when it holds nothing to look for."""
    from passq.domain.records import APP_NO_PATTERN, normal_app_no

    value = " ".join(text.split())
    if len(value) > MAX_QUERY:
        raise Invalid(
            _("The search has {n} characters: shorten it to at most {limit}.").format(
                n=len(value), limit=MAX_QUERY
            )
        )
    words = tuple(
        word.strip(".,;:!?'\"()[]")
        for word in re.split(r"[\s,;]+", value)
        if _WORD.search(word) and "\x00" not in word
    )
    number = normal_app_no(value)
    app_no = number if APP_NO_PATTERN.match(number) else None
    phone = _phone(value)
    if not words and phone is None and app_no is None:
        raise Invalid(
            _(
                "Nothing to look for in '{text}': give part of a name, a phone number or an "
                "application number."
            ).format(text=text)
        )
    return Query(tuple(w for w in words if w), phone, app_no)


def _phone(text: str) -> str | None:
    """`text` as the E.164 form passq stores (+62812…) if it is written like a phone number:
    0812…, 62812…, +62 812… or another country's +CC…; no validation (nothing is stored, and a
    number that is not valid matches no book)."""
    if not _PHONE_SHAPE.match(text):
        return None
    digits = "".join(c for c in text if c.isdigit())
    if not 8 <= len(digits) <= 15:
        return None
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("62"):
        return "+" + digits
    return None
