"""Find English sentences in what passq said to an Indonesian user (issue 14).

Every English msgid of the catalogue whose Indonesian translation differs becomes a pattern
(placeholders match anything); a line of output matching one is English that reached the user.
The CLI fixture (conftest.Passq) runs each refused command once more with `--lang id` and checks
its standard error with `english_sentences`.
"""

from __future__ import annotations

import re
from functools import cache

from passq import i18n

# Shorter texts (a word, a unit) may legitimately read the same in both languages.
MIN_WORDS = 4


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    catalogue = i18n.catalogue("id")
    found = []
    for key, translated in getattr(catalogue, "_catalog", {}).items():
        english = key[0] if isinstance(key, tuple) else key
        if not english or english == translated or len(english.split()) < MIN_WORDS:
            continue
        parts = re.split(r"\{\w+\}", english)
        if max(len(part.split()) for part in parts) < 3:
            continue  # mostly placeholders: nothing English enough to recognise
        pattern = r".+?".join(re.escape(part) for part in parts)
        found.append((english, re.compile(pattern)))
    return found


def english_sentences(text: str) -> list[str]:
    """The catalogue's English sentences found in `text`."""
    return [english for english, pattern in _patterns() if pattern.search(text)]
