"""The core every front end runs through: inputs in, a Digest out.

``build`` composes the stages (ingest, segment, copies, stories, summaries) and nothing
else. It never imports textual: the CLI, the TUI and ``brief`` all call it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from typing import Any

from digest.cluster import cluster
from digest.config import Settings
from digest.dedup import find_copies, merge_sentences, shingles
from digest.ingest import InputError, RawInput, discover, read, read_all
from digest.models import Digest, Document, Pick, Sentence, Story
from digest.sanitize import visible
from digest.segment import segment
from digest.summarize import summarize


class NothingToSummarize(Exception):
    """No usable input: no readable article, or no sentence that can be quoted."""

    def __init__(self, message: str, warnings: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as the build goes."""


def build(inputs: Iterable[str], settings: Settings = Settings(), progress: Progress | None = None) -> Digest:
    """Build the digest of ``inputs`` (paths, folders, '-').

    Raises:
        NothingToSummarize: when nothing usable is left; its ``warnings`` say why.
    """
    report = progress or (lambda stage, done, total: None)
    report("reading", 0, 0)
    raws, warnings = discover(inputs)
    workers = worker_count(len(raws))
    if workers > 1 and all(raw.origin != "-" for raw in raws):
        documents, hashed, more = _read_in_workers(raws, settings, workers, report)
        warnings += more
    else:
        documents, more = read_all(raws, settings.max_bytes)
        warnings += more
        hashed = None
    if not documents:
        raise NothingToSummarize("no usable input: no article could be read", warnings)
    return build_from_documents(documents, settings, warnings, report, hashed)


WORKERS_FROM = 200
"""Inputs from which reading, splitting and summarizing use a pool of worker processes."""


def worker_count(items: int) -> int:
    """Worker processes for ``items`` inputs: one per usable core (``$DIGEST_WORKERS`` overrides),
    and none (1) below WORKERS_FROM or where processes cannot be forked."""
    import multiprocessing

    if items < WORKERS_FROM or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    wanted = os.environ.get("DIGEST_WORKERS", "")
    if wanted.isdigit() and int(wanted) >= 1:
        return int(wanted)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def _worker_start(parent: int) -> None:
    """In a new worker: exit quietly on Ctrl-C (the parent says it was interrupted), and
    exit when the parent is gone (it may have exited at once on Ctrl-C, see digest.interrupt)."""
    import signal
    import threading
    import time

    signal.signal(signal.SIGINT, lambda signum, frame: os._exit(130))

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(130)

    threading.Thread(target=watch, daemon=True).start()


@contextmanager
def _pool(workers: int) -> Iterator[Any]:
    """A process pool that leaves no worker behind: on an error or Ctrl-C its workers are
    terminated (a worker left blocked on writing its result would outlive digest)."""
    # fork: workers inherit the imported modules (and _SHARED) instead of importing them again.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_start, initargs=(os.getpid(),))
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


def _read_chunk(raws: list[RawInput], max_bytes: int) -> list[tuple[object, object]]:
    """In a worker: read inputs; (Document without id, its shingles) or (warning, None)."""
    results: list[tuple[object, object]] = []
    for raw in raws:
        try:
            doc = read(raw, "", max_bytes)
        except InputError as exc:
            results.append((str(exc), None))
            continue
        results.append((doc, shingles(doc.text)))
    return results


def _split_range(start: int, end: int, language: str) -> list[list[tuple[int, int, bool]]]:
    """In a worker: sentence spans of documents ``start:end`` of _SHARED["documents"]."""
    documents = _SHARED["documents"][start:end]  # type: ignore[index]
    return [[(s.start, s.end, s.candidate) for s in segment(doc, language)] for doc in documents]


def _read_in_workers(raws: list[RawInput], settings: Settings, workers: int,
                     report: Progress) -> tuple[list[Document], list[object], list[str]]:
    """Read in worker processes; ids, order and warnings as a single process gives."""
    size = max(1, min(64, len(raws) // (workers * 8)))
    chunks = [raws[i:i + size] for i in range(0, len(raws), size)]
    documents: list[Document] = []
    hashed: list[object] = []
    warnings: list[str] = []
    done = 0
    with _pool(workers) as pool:
        for results in pool.map(_read_chunk, chunks, [settings.max_bytes] * len(chunks)):
            for item, grams in results:
                if isinstance(item, str):
                    warnings.append(item)
                    continue
                assert isinstance(item, Document)
                documents.append(dataclasses.replace(item, id=f"d{len(documents) + 1}"))
                hashed.append(grams)
            done += len(results)
            report("reading", done, len(raws))
    return documents, hashed, warnings


_SHARED: dict[str, object] = {}
"""What worker processes inherit from the parent when forked: the documents to split, then
the stories to summarize (set just before each pool is made, cleared after)."""


def _summarize_story(index: int) -> tuple[list[Pick], str]:
    """In a worker (or not): the picks and the headline of story ``index`` of _SHARED."""
    story_docs = _SHARED["stories"][index]  # type: ignore[index]
    members = _SHARED["members"][index]  # type: ignore[index]
    candidates = merge_sentences(story_docs, _SHARED["sentences"])  # type: ignore[arg-type]
    picks = summarize(candidates, _SHARED["settings"], [d.title for d in members])  # type: ignore[arg-type]
    return picks, (_headline(members) if picks else "")


def build_from_documents(documents: list[Document], settings: Settings, warnings: list[str],
                         report: Progress, hashed: list[object] | None = None) -> Digest:
    """The stages after ingest, for callers that already hold Documents.

    ``hashed``: each document's ``dedup.shingles``, when computed already (by the worker
    processes that read the documents). With workers, sentences are split in them while
    this process finds copies and groups stories.
    """
    workers = worker_count(len(documents))
    sentences: dict[str, list[Sentence]] = {}
    pending: list[tuple[int, Any]] = []
    with ExitStack() as stack:
        stack.callback(_SHARED.clear)
        if workers > 1:
            _SHARED["documents"] = documents
            pool = stack.enter_context(_pool(workers))
            size = max(1, min(64, len(documents) // (workers * 8)))
            pending = [(start, pool.submit(_split_range, start, min(start + size, len(documents)),
                                           settings.language))
                       for start in range(0, len(documents), size)]
        else:
            for done, doc in enumerate(documents, 1):
                sentences[doc.id] = segment(doc, settings.language)
                report("splitting", done, len(documents))
        copies = find_copies(documents, hashed)
        originals = [d for d in documents if d.id not in copies]
        report("grouping", 0, len(originals))
        count = None if settings.clusters == "auto" else int(settings.clusters)
        groups = cluster(originals, count)
        for start, future in pending:
            for offset, spans in enumerate(future.result()):
                doc = documents[start + offset]
                sentences[doc.id] = [Sentence(doc.id, i, s, e, doc.text[s:e], candidate)
                                     for i, (s, e, candidate) in enumerate(spans)]
            report("splitting", len(sentences), len(documents))
    documents = [dataclasses.replace(d, copy_of=copies.get(d.id)) for d in documents]
    by_id = {d.id: d for d in documents}
    originals = [by_id[d.id] for d in originals]
    copies_of: dict[str, list[Document]] = {}
    for doc in documents:
        if doc.copy_of is not None:
            copies_of.setdefault(doc.copy_of, []).append(doc)
    stories = []
    all_members = [[originals[i] for i in group] for group in groups]
    all_docs = [members + [c for d in members for c in copies_of.get(d.id, [])] for members in all_members]
    _SHARED.update(stories=all_docs, members=all_members, sentences=sentences, settings=settings)
    try:
        workers = worker_count(len(documents))
        if workers > 1:
            with _pool(workers) as pool:
                # Biggest stories first, so that no worker is left with a big one at the end.
                order = sorted(range(len(groups)), key=lambda i: -len(all_docs[i]))
                futures = {i: pool.submit(_summarize_story, i) for i in order}
                all_picks = []
                for done, i in enumerate(range(len(groups)), 1):
                    all_picks.append(futures[i].result())
                    report("summarizing", done, len(groups))
        else:
            all_picks = []
            for done, i in enumerate(range(len(groups)), 1):
                all_picks.append(_summarize_story(i))
                report("summarizing", done, len(groups))
    finally:
        _SHARED.clear()
    for members, story_docs, (picks, headline) in zip(all_members, all_docs, all_picks):
        if not picks:
            for doc in story_docs:
                warnings.append(f"{visible(doc.origin)}: no sentence to quote")
            continue
        stories.append((story_docs, members, picks, headline))
    if not stories:
        raise NothingToSummarize("nothing to summarize: no article has a sentence that can be quoted", warnings)
    order = {d.id: i for i, d in enumerate(documents)}
    ranked = sorted(stories, key=lambda s: (-_sources(s[1]), -len(s[0]), order[s[0][0].id]))
    result = []
    for number, (story_docs, members, picks, headline) in enumerate(ranked, 1):
        result.append(Story(
            id=f"c{number}",
            title=headline,
            documents=tuple(sorted((d.id for d in story_docs), key=order.__getitem__)),
            sentences=tuple(picks),
            sources=_sources(members),
        ))
    return Digest(
        stories=tuple(result),
        documents=tuple(documents),
        settings=settings.to_dict(),
        generated_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        warnings=tuple(warnings),
    )


def _sources(originals: list[Document]) -> int:
    """Distinct outlets; a document whose outlet is unknown counts as one of its own."""
    return len({(d.source or "").casefold() or d.id for d in originals})


def _headline(members: list[Document]) -> str:
    """The title of the story's most central document, preferring real headlines.

    Central: the highest cosine similarity to the story's TF-IDF centroid.
    """
    titled = [d for d in members if not d.title.endswith("…")] or members
    if len(titled) == 1:
        return titled[0].title
    import numpy as np

    from digest.cluster import vectorize

    matrix = vectorize([f"{d.title}\n{d.text}" for d in titled])
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    scores = matrix @ centroid
    return titled[int(np.argmax(scores))].title
