"""``digest build --engine dask``: the per-document stages and the per-story summaries on a
Dask cluster (the optional ``dask`` extra: ``pip install 'news-digest[dask]'``).

Imported only when that engine is asked for: dask and distributed take about a second to
import, and ``digest --help`` must answer at once.

The pipeline (``digest.pipeline.build`` with this runner) sends each task its data as
arguments, since Dask workers are separate processes, on other machines perhaps, that share
nothing with this one. This process discovers the inputs and reads their bytes, so the
paths are this machine's (relative ones included) and the workers need no access to them;
the workers decode, extract HTML, clean and shingle the articles, split sentences and
summarize stories. Finding copies and grouping stories need every document at once and stay
here. Every task is a pure function of its arguments, and the digest is the one the local
engine makes (tests/pipeline/test_dask.py).

Without a scheduler address a LocalCluster runs for the build: one single-threaded worker
process per core (``$DIGEST_WORKERS`` overrides), on 127.0.0.1, no dashboard, over TLS with
throwaway certificates (``Security.temporary()``): a Dask scheduler runs whatever its clients
send, and any other user of the machine could otherwise connect to it during the build and
run commands as this one.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from concurrent.futures import CancelledError
from contextlib import ExitStack, contextmanager

from digest import __version__
from digest.errors import EngineError
from digest.run import Executor
from digest.run.local import requested_workers, usable_cores

MISSING = "the dask engine needs the dask extra: pip install 'news-digest[dask]'"
QUIET_TRACKER = "ignore:resource_tracker:UserWarning"
CONNECT_TIMEOUT = 10.0
"""Seconds to reach a scheduler, and then to wait for its first worker."""


def _digest_version() -> str:
    """On a worker: the digest it would run."""
    return __version__


def local_workers() -> int:
    """Worker processes of the local cluster: one per usable core, or ``$DIGEST_WORKERS``."""
    return requested_workers() or usable_cores()


@contextmanager
def dask_engine(scheduler: str | None = None, workers: int | None = None) -> Iterator[Executor]:
    """A runner (digest.run.Executor) on the Dask scheduler at ``scheduler`` (such as tcp://host:8786), or on
    a LocalCluster of ``workers`` processes (default ``local_workers()``) started for it.

    Everything is closed on the way out; what is left of the tasks is cancelled.

    Raises:
        EngineError: dask is not installed or ``scheduler`` is not an address (``usage``); the
            scheduler cannot be reached, it has no worker, its workers cannot run this digest,
            or it was lost during the build.
    """
    try:
        import distributed
    except ImportError:
        raise EngineError(MISSING, usage=True) from None
    with ExitStack() as stack:
        stack.enter_context(_quiet_logs())
        if scheduler is None:
            # Ctrl-C ends digest at once (digest.cli.interrupt); multiprocessing's resource tracker
            # then cleans up the cluster's semaphores, and would say so on stderr.
            if QUIET_TRACKER not in sys.warnoptions:
                sys.warnoptions.append(QUIET_TRACKER)  # passed on to the tracker's interpreter
            try:
                security = distributed.security.Security.temporary()  # needs cryptography
            except ImportError:
                raise EngineError(MISSING, usage=True) from None
            cluster = stack.enter_context(
                distributed.LocalCluster(
                    n_workers=workers or local_workers(),
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    protocol="tls://",
                    security=security,
                    dashboard_address=None,
                    silence_logs=logging.CRITICAL,
                    # No dashboard; the scheduler's HTTP server (health, metrics) on a free port, as
                    # the default 8787 may be taken.
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                )
            )
            client = stack.enter_context(distributed.Client(cluster))
        else:
            client = stack.enter_context(_connect(distributed, scheduler))
        _check_workers(client, scheduler)
        try:
            yield Executor(client.get_executor(pure=False), workers=sum(client.nthreads().values()))
        except (CancelledError, distributed.KilledWorker) as exc:
            # The scheduler went away (the client cancels every task), or workers kept dying.
            reason = " ".join(str(exc).split()) or "its tasks were cancelled"
            raise EngineError(f"lost {_where(scheduler)}: {reason}") from None


def _where(scheduler: str | None) -> str:
    return f"the Dask scheduler at {scheduler}" if scheduler else "the local Dask cluster"


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """No log records of distributed on stderr (its default shows warnings and errors, with
    tracebacks): failures reach the user as one line, an EngineError. Restored on the way out."""
    names = [
        name
        for name in list(logging.root.manager.loggerDict)
        if name == "distributed" or name.startswith("distributed.")
    ]
    saved = [(logging.getLogger(name), logging.getLogger(name).level) for name in names]
    for logger, _ in saved:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)


@contextmanager
def _connect(distributed: object, scheduler: str) -> Iterator[object]:
    """A client of the scheduler at ``scheduler``, or EngineError in one line."""
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)  # type: ignore[attr-defined]
    except (OSError, TimeoutError, ValueError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        if isinstance(exc, ValueError):  # not an address: tcp://host:port, tls://…, or host:port
            raise EngineError(f"--scheduler {scheduler}: {reason}", usage=True) from None
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler}: {reason}") from None
    with client:
        yield client


def _check_workers(client: object, scheduler: str | None) -> None:
    """At least one worker, and each runs this digest (tasks name its functions)."""
    where = _where(scheduler)
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)  # type: ignore[attr-defined]
    except TimeoutError:
        raise EngineError(f"{where} has no worker (waited {CONNECT_TIMEOUT:.0f} s)") from None
    try:
        versions = client.run(_digest_version)  # type: ignore[attr-defined]
    except Exception as exc:  # a worker without digest cannot unpickle the function
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise EngineError(f"the workers of {where} cannot run digest: {reason}") from None
    wrong = sorted({v for v in versions.values() if v != __version__})
    if wrong:
        raise EngineError(f"the workers of {where} run digest {', '.join(wrong)}, not {__version__}")
