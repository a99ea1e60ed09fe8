"""Errors a user can fix. The CLI prints them as one line and exits 2; never a stack trace."""

EXIT_USAGE = 2  # the exit code of a usage or configuration error (the verdicts' are in verdict)
# Ctrl-C before a run has read its options (nothing sent, no report): the shell's 128 + SIGINT
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A user mistake (wrong option, file or value); the message names the cause and the fix."""
