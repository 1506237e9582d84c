"""Translation hook: every sentence shown to people goes through `_` (English source text)."""

import gettext
from pathlib import Path

_translation = gettext.translation(
    "passq", localedir=Path(__file__).parent / "locale", fallback=True
)
_ = _translation.gettext
