"""Exit codes of the digest command, documented in the README and the man page."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What the process returns."""

    OK = 0
    """The digest was written, or its reader went away first (digest ... | head)."""
    ERROR = 1
    """An unexpected internal error or an output that could not be written."""
    USAGE = 2
    """A usage error, or no usable input (nothing to summarize)."""
    INTERRUPTED = 130
    """Stopped by Ctrl-C (SIGINT); no partial output file is left behind."""
    TERMINATED = 143
    """Stopped by SIGTERM; no partial output file is left behind, as for Ctrl-C."""
