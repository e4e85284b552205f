"""The errors the core reports to its front ends; each message is one line.

The core never chooses an exit status: the CLI maps these to its exit codes
(digest.cli.exit_codes), the TUI shows them.
"""

from __future__ import annotations

from collections.abc import Iterable


class NothingToSummarize(Exception):
    """No usable input: no readable article, or no sentence that can be quoted."""

    def __init__(self, message: str, warnings: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


class TooMuchInput(NothingToSummarize):
    """More articles than a build takes (``digest.stages.cluster``: MAX_DOCUMENTS, MAX_FORCED,
    MAX_PAIRS): a usage error, with the message saying what to do."""


class EngineError(Exception):
    """The chosen engine (``--engine dask``) cannot run. ``usage``: the way it was asked for
    is wrong (the dask extra is missing, the scheduler is not an address), rather than
    something that failed while running."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage
