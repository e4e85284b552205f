"""Ctrl-C for the commands that write a digest: stop at once, say so on one line, exit 130.

Python turns SIGINT into a KeyboardInterrupt raised wherever the main thread happens to be.
When that is a finalizer (``__del__``, a weakref callback, both common in the libraries we
use), Python prints "Exception ignored in ..." with a traceback and carries on as if nothing
happened. So the entry point hands SIGINT to ``_stop`` instead: the temporary files of
outputs not yet complete are removed and the process exits with 130. Nothing else needs undoing:
outputs are renamed into place whole or not at all, and the state file is an SQLite database
that rolls back a transaction its process did not finish.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

from digest.cli.exit_codes import ExitCode

pending: set[str] = set()
"""Temporary files to remove when interrupted (outputs being written)."""


_owner: list[int] = []
"""The process that installed the handlers (forked workers inherit them, and must not act)."""


def _stop(signum: int, frame: FrameType | None) -> None:
    if signum == getattr(signal, "SIGTERM", None) and _owner and os.getpid() != _owner[0]:
        signal.signal(signum, signal.SIG_DFL)  # a forked worker told to stop: stop as usual
        os.kill(os.getpid(), signum)
        return
    for path in list(pending):
        try:
            os.unlink(path)
        except OSError:
            pass
    term = signum == getattr(signal, "SIGTERM", None)
    try:
        os.write(sys.stderr.fileno(), b"\ndigest: terminated\n" if term else b"\ndigest: interrupted\n")
    except (OSError, ValueError):
        pass
    os._exit(ExitCode.TERMINATED if term else ExitCode.INTERRUPTED)


def install() -> None:
    """Handle SIGINT (and SIGTERM, exit 143) as above for the rest of the process: for the entry
    point only."""
    _owner[:] = [os.getpid()]
    signal.signal(signal.SIGINT, _stop)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, _stop)
    if hasattr(signal, "pthread_sigmask"):
        # A parent that had them blocked (a process at the end of its own run) passes the
        # blocked mask on: unblocked, Ctrl-C still stops this one.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


def finished() -> None:
    """The command is done: a Ctrl-C from now on is ignored.

    Python restores the default SIGINT action while it shuts down, and a signal then would
    kill the process silently (status -2) after its work was done and written.
    """
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
