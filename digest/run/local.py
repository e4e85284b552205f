"""A pool of local worker processes, forked so that they inherit the items they work on.

Forking shares the items (documents, stories and their sentences) with the workers without
pickling them: a task names only a range of them. Results come back through the pool. A
worker exits when its parent is gone or on Ctrl-C, and a pool whose batch fails or is
interrupted terminates its workers: no process is left behind.
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from digest.run import SerialBatch, chunk_size

WORKERS_FROM = 200
"""Inputs from which a build uses a pool of worker processes (below: ``Serial``)."""
POOL_FROM = 8
"""Items from which a batch is worth a pool (fewer run here)."""

_SHARED: dict[int, tuple[Callable[[Any], Any], Sequence[Any]]] = {}
"""What worker processes inherit when forked: each running batch's function and items."""
_BATCHES = itertools.count()


def worker_count(items: int) -> int:
    """Worker processes for ``items`` inputs: one per usable core (``$DIGEST_WORKERS`` overrides),
    and none (1) below WORKERS_FROM or where processes cannot be forked."""
    import multiprocessing

    if items < WORKERS_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return requested_workers() or max(1, min(usable_cores(), 8))


def requested_workers() -> int | None:
    """``$DIGEST_WORKERS``, when it is a number of workers (1 or more)."""
    wanted = os.environ.get("DIGEST_WORKERS", "")
    return int(wanted) if wanted.isdigit() and int(wanted) >= 1 else None


def usable_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


class LocalPool:
    """Batches on ``workers`` forked processes (a batch of a few items runs here)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def start(
        self, fn: Callable[[Any], Any], items: Sequence[Any], chunk: int | None = None
    ) -> SerialBatch | _PoolBatch:
        if self.workers <= 1 or len(items) < POOL_FROM:
            return SerialBatch(fn, items)
        return _PoolBatch(fn, items, self.workers, chunk or chunk_size(len(items), self.workers))


def _run_range(batch: int, start: int, end: int) -> list[Any]:
    """In a worker: the batch's function on its items ``start:end``, inherited through fork."""
    fn, items = _SHARED[batch]
    return [fn(item) for item in items[start:end]]


class _PoolBatch:
    def __init__(self, fn: Callable[[Any], Any], items: Sequence[Any], workers: int, size: int) -> None:
        self._stack = ExitStack()
        number = next(_BATCHES)
        _SHARED[number] = (fn, items)  # before the pool forks its workers
        self._stack.callback(_SHARED.pop, number, None)
        pool = self._stack.enter_context(_pool(workers))
        self._futures = [
            pool.submit(_run_range, number, i, min(i + size, len(items))) for i in range(0, len(items), size)
        ]

    def __iter__(self) -> Iterator[Any]:
        for future in self._futures:
            yield from future.result()

    def __enter__(self) -> _PoolBatch:
        return self

    def __exit__(self, *exc: Any) -> bool | None:
        return self._stack.__exit__(*exc)


def _worker_start(parent: int) -> None:
    """In a new worker: exit quietly on Ctrl-C (the parent says it was interrupted), and
    exit when the parent is gone (it may have exited at once on Ctrl-C, see digest.cli.interrupt)."""
    import threading
    import time

    interrupted = 128 + signal.SIGINT  # the shell's convention for a process ended by SIGINT
    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(interrupted))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(interrupted)

    threading.Thread(target=watch, daemon=True).start()


@contextmanager
def _pool(workers: int) -> Iterator[Any]:
    """A process pool that leaves no worker behind: on an error or Ctrl-C its workers are
    terminated (a worker left blocked on writing its result would outlive digest)."""
    # fork: workers inherit the imported modules (and _SHARED) instead of importing them again.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_worker_start,
        initargs=(os.getpid(),),
    )
    try:
        yield pool
    except BaseException:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=2)
        raise
    pool.shutdown()
