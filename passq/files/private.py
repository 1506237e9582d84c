"""Files passq writes for people: created readable by their owner only (they hold names)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def replaced_privately(target: Path, option: str) -> Iterator[tuple[int, str]]:
    """A new temporary file beside `target`, readable by its owner only: (descriptor, path).
    When the block ends it replaces `target` whole; when it fails it is removed, so nobody
    ever reads a half-written file. `option` names where the file name came from."""
    import tempfile

    try:
        descriptor, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise Invalid(
            _("Cannot write {path} ({reason}): check the folder, or give another {option}.").format(
                path=target, reason=error.strerror or error, option=option
            )
        ) from None
    try:
        yield descriptor, temporary
        os.replace(temporary, target)  # mkstemp made it 0600: the file keeps that
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
