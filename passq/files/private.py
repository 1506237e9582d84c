"""Files passq writes for people: created readable by their owner only (they hold names)."""

from __future__ import annotations

import os
from pathlib import Path

from passq.errors import Invalid, Refused
from passq.i18n import _


def require_database(path: Path) -> None:
    """Refused when there is no database file at `path` (so nothing is created by mistake)."""
    if not Path(path).is_file():
        raise Refused(
            _("There is no database at {path}: give the right file with --db.").format(path=path)
        )


def create_private(path: Path) -> None:
    """Create `path` empty and readable by its owner only; Refused if it exists."""
    if not path.parent.is_dir():
        raise Invalid(
            _("The folder {folder} does not exist: create it first, or give another path.").format(
                folder=path.parent
            )
        )
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise Refused(
            _("{path} already exists: give another file name, or move that file away.").format(
                path=path
            )
        ) from None
    except OSError as error:
        raise Refused(
            _("Cannot create {path} ({reason}): check the folder's permissions.").format(
                path=path, reason=error.strerror or error
            )
        ) from None
