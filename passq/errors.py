"""Domain errors: each carries its exit code; the CLI turns them into one sentence on stderr."""


class PassqError(Exception):
    """A problem to show the user as one sentence."""

    exit_code = 1


class Refused(PassqError):
    """The request is understood but not allowed (exit 1)."""

    exit_code = 1


class Invalid(PassqError):
    """Bad usage or an invalid value (exit 2)."""

    exit_code = 2


# --- Backend-neutral store errors: every backend raises these, the CLI shows their sentence ---


def _(text: str) -> str:
    from passq.i18n import _ as gettext

    return gettext(text)


class Busy(Refused):
    """Another desk holds the write lock longer than the busy timeout."""

    def __init__(self) -> None:
        super().__init__(
            _("The database is busy (another desk is writing): try again in a moment.")
        )


class Unreachable(Refused):
    """The database server cannot be reached, or the connection was lost."""

    def __init__(self, where: str) -> None:
        super().__init__(
            _(
                "Cannot reach the database {where}: check the server and the network, then try "
                "again (nothing was written)."
            ).format(where=where)
        )


class Damaged(Refused):
    """The database is a passq database but damaged."""

    def __init__(self, where: str) -> None:
        super().__init__(
            _(
                "{path} is damaged: run 'passq doctor', and restore a backup with 'passq restore'."
            ).format(path=where)
        )


class NotPassqDatabase(Invalid):
    """The database named is not passq's."""

    def __init__(self, where: str) -> None:
        super().__init__(
            _("{path} is not a passq database: give another file with --db.").format(path=where)
        )


class NewerSchema(Refused):
    """The database was made by a newer passq."""

    def __init__(self, where: str, found: int, known: int) -> None:
        super().__init__(
            _(
                "The database {path} was made by a newer passq (schema {found}, this one knows "
                "{known}): upgrade passq."
            ).format(path=where, found=found, known=known)
        )


class UnknownApplication(Refused):
    """No application has this number."""

    def __init__(self, app_no: str) -> None:
        super().__init__(
            _("No application {app_no}: check the number, or add it with 'passq add'.").format(
                app_no=app_no
            )
        )


class UnknownBatch(Refused):
    """No batch has this id."""

    def __init__(self, batch_id: int) -> None:
        super().__init__(
            _("No batch {batch_id}: see open batches with 'passq list --status claimed'.").format(
                batch_id=batch_id
            )
        )
