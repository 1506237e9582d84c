"""`find` on PostgreSQL: the phone and the number by index; names and destinations matched
here, word by word, with accents and case folded as SQLite's full-text index folds them.

The words are matched here, in Python: PostgreSQL's `unaccent` is an extension an office's login
may not be allowed to create. The server first narrows the rows to those that can match (a
plain-ASCII row must hold each word somewhere, in any case), so Python folds a few hundred
names, not every name of the office.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from passq.domain.search import Query


def folded_words(text: str | None) -> list[str]:
    """`text`'s words, without accents, in lower case: 'Désirée Widodo' -> désirée... -> desiree."""
    if not text:
        return []
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).casefold()
    return "".join(c if c.isalnum() else " " for c in plain).split()


def matches(query: Query, name: str | None, destination: str | None) -> bool:
    """Every word of `query` starts a word of the name or the destination."""
    words = folded_words(name) + folded_words(destination)
    wanted = [w for word in query.words for w in folded_words(word)]
    return bool(wanted) and all(any(w.startswith(part) for w in words) for part in wanted)


# The server's narrowing (see _candidates). A row with a character outside printable ASCII
# stays a candidate: its folded words can hold letters its text does not (é folds to e). A
# server whose lower() does not lower ASCII as ASCII does (a Turkish locale lowers I to ı)
# narrows nothing. A regular expression and lower() cost a sixth of translate() here.
_NOT_PLAIN = "lower('I') != 'i' OR name ~ '[^ -~]' OR destination ~ '[^ -~]'"
_HOLDS = "(lower(name) LIKE %s OR lower(destination) LIKE %s)"


def _candidates(query: Query) -> tuple[str, list[str]]:
    """A condition the rows that `query`'s words can match all meet (more may meet it), with its
    parameters: a plain row holds each folded word in its name or destination, as a substring
    in any case; a row that is not plain ASCII stays a candidate."""
    parts = [w for word in query.words for w in folded_words(word)]
    if not parts or not all(part.isascii() for part in parts):
        return "", []
    each = " AND ".join(_HOLDS for _ in parts)
    params = [f"%{part}%" for part in parts for _ in range(2)]  # folded: letters and digits only
    return f" AND ({_NOT_PLAIN} OR ({each}))", params


def find(
    rows: Callable[[str, Sequence[Any]], list[tuple]],
    applications: Callable[[str, Sequence[Any], str], list[dict]],
    office: str,
    query: Query,
    limit: int,
) -> tuple[list[dict], int]:
    """The applications `query` matches, newest first, at most `limit`, and how many match."""
    found: set[str] = set()
    if query.words:
        narrow, params = _candidates(query)
        candidates = rows(
            "SELECT app_no, name, destination FROM applications WHERE office = %s" + narrow,
            (office, *params),
        )
        found.update(a for a, name, where in candidates if matches(query, name, where))
    if query.phone is not None:
        found.update(
            a
            for (a,) in rows(
                "SELECT app_no FROM applications WHERE office = %s AND phone = %s",
                (office, query.phone),
            )
        )
    if query.app_no is not None:
        found.update(
            a
            for (a,) in rows(
                "SELECT app_no FROM applications WHERE office = %s AND app_no LIKE %s",
                (office, query.app_no.replace("%", r"\%").replace("_", r"\_") + "%"),
            )
        )
    if not found:
        return [], 0
    records = applications(
        "AND app_no = ANY(%s)",
        (sorted(found),),
        f"ORDER BY applied DESC, created_at DESC, app_no LIMIT {int(limit)}",
    )
    return records, len(found)
