"""Where the stages run: in this process, a local process pool, or an executor such as Dask's.

A ``Runner`` starts one function over a list of items and hands the results back in the
items' order, whoever computed them: the digest is the same whatever runs it. The pipeline
starts a batch, may do other work while it runs (copies and stories are found while the
sentences are being split), then reads the results:

    with runner.start(split, documents) as batch:
        ...
        for spans in batch: ...

The functions are module-level (they are sent to other processes by reference) and pure:
their result depends only on the item. ``Serial`` runs them here, ``digest.run.local`` in
forked worker processes that inherit the items, ``Executor`` (and ``digest.run.dask`` on top
of it) on any ``concurrent.futures`` executor, each task getting its items as arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Batch(Protocol[R]):
    """A function running over items: iterate for the results, in order; closing it stops
    what is left (and, for a process pool, its workers)."""

    def __iter__(self) -> Iterator[R]: ...

    def __enter__(self) -> Batch[R]: ...

    def __exit__(self, *exc: object) -> bool | None: ...


class Runner(Protocol):
    """Runs a function over items, in chunks, on ``workers`` workers at once."""

    workers: int

    def start(self, fn: Callable[[Any], R], items: Sequence[Any], chunk: int | None = None) -> Batch[R]:
        """Start ``fn`` on every item, ``chunk`` items per task (default: ``chunk_size``)."""
        ...


def chunk_size(items: int, workers: int) -> int:
    """Items per task: about eight tasks per worker, at most 64 items each."""
    return max(1, min(64, items // (workers * 8)))


def apply(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """In a worker: ``fn`` on each of ``items``."""
    return [fn(item) for item in items]


class SerialBatch:
    """Computes each result here when it is asked for."""

    def __init__(self, fn: Callable[[Any], R], items: Sequence[Any]) -> None:
        self._fn, self._items = fn, items

    def __iter__(self) -> Iterator[Any]:
        return (self._fn(item) for item in self._items)

    def __enter__(self) -> SerialBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class Serial:
    """Everything in this process."""

    workers = 1

    def start(self, fn: Callable[[Any], R], items: Sequence[Any], chunk: int | None = None) -> SerialBatch:
        return SerialBatch(fn, items)


class _FutureBatch:
    """Chunks submitted to an executor; results read in order."""

    def __init__(self, futures: list[Future[list[Any]]]) -> None:
        self._futures = futures

    def __iter__(self) -> Iterator[Any]:
        for future in self._futures:
            yield from future.result()

    def __enter__(self) -> _FutureBatch:
        return self

    def __exit__(self, *exc: object) -> None:
        for future in self._futures:
            future.cancel()


class Executor:
    """Any ``concurrent.futures``-like executor (only ``submit`` is used; it is not shut down
    here), such as a Dask client's, whose workers share nothing with this process: every
    task gets its items as arguments."""

    def __init__(self, executor: Any, workers: int) -> None:
        self.executor = executor
        self.workers = workers

    def start(self, fn: Callable[[Any], R], items: Sequence[Any], chunk: int | None = None) -> _FutureBatch:
        size = chunk or chunk_size(len(items), self.workers)
        return _FutureBatch(
            [self.executor.submit(apply, fn, list(items[i : i + size])) for i in range(0, len(items), size)]
        )
