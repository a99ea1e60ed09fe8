"""Errors a user can fix. The CLI prints them as one line and exits 2; never a stack trace."""

EXIT_USAGE = 2  # the exit code of a usage or configuration error (the verdicts' are in verdict)


class UsageError(Exception):
    """A user mistake (wrong option, file or value); the message names the cause and the fix."""
