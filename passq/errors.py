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
