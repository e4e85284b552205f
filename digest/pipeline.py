"""The core every front end runs through: inputs in, a Digest out.

``build`` composes the stages (ingest, segment, copies, stories, summaries) and nothing
else. It never imports textual: the CLI, the TUI and ``brief`` all call it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from digest.cluster import Grouping, group, threshold_of
from digest.config import Settings
from digest.dedup import find_copies, merge_sentences, shingles
from digest.ingest import InputError, RawInput, discover, parse, read, read_all, read_bytes
from digest.models import Digest, Document, Link, Pick, Sentence, Story
from digest.recurring import recurring
from digest.sanitize import visible
from digest.segment import segment
from digest.summarize import summarize

if TYPE_CHECKING:
    from digest.cache import Cache


class NothingToSummarize(Exception):
    """No usable input: no readable article, or no sentence that can be quoted."""

    def __init__(self, message: str, warnings: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as the build goes."""


def build(inputs: Iterable[str], settings: Settings = Settings(), progress: Progress | None = None,
          engine: Engine | None = None, cache: Cache | None = None) -> Digest:
    """Build the digest of ``inputs`` (paths, folders, '-').

    ``engine``: where to run reading, splitting and summarizing instead of local worker
    processes (whatever the number of inputs); the digest is the same.
    ``cache``: reuse what an earlier build parsed and computed (``digest.cache``); the
    digest is the same. With an ``engine`` too: only what the cache lacks is sent to it.

    Raises:
        NothingToSummarize: when nothing usable is left; its ``warnings`` say why.
    """
    # The folder relative paths are read from: a saved digest opened elsewhere finds its articles.
    return dataclasses.replace(_build(inputs, settings, progress, engine, cache), base=os.getcwd())


def _build(inputs: Iterable[str], settings: Settings, progress: Progress | None, engine: Engine | None,
           cache: Cache | None) -> Digest:
    report = progress or (lambda stage, done, total: None)
    report("reading", 0, 0)
    raws, warnings = discover(inputs)
    if cache is not None:
        documents, blobs, more = _read_cached(raws, settings, cache, report, engine)
        if not documents:
            raise NothingToSummarize("no usable input: no article could be read", warnings + more)
        return build_from_documents(documents, settings, warnings + more, report, engine=engine, cache=cache,
                                    blobs=blobs)
    if engine is not None:
        documents, hashed, more = _parse_in_engine(raws, settings, engine, report)
        warnings += more
    elif (workers := worker_count(len(raws))) > 1 and all(raw.origin != "-" for raw in raws):
        documents, hashed, more = _read_in_workers(raws, settings, workers, report)
        warnings += more
    else:
        documents, more = read_all(raws, settings.max_bytes)
        warnings += more
        hashed = None
    if not documents:
        raise NothingToSummarize("no usable input: no article could be read", warnings)
    return build_from_documents(documents, settings, warnings, report, hashed, engine)


WORKERS_FROM = 200
"""Inputs from which reading, splitting and summarizing use a pool of worker processes."""


@dataclasses.dataclass(frozen=True)
class Engine:
    """Somewhere else to run the per-document stages and the per-story summaries, such as a
    Dask cluster (digest.engine_dask). Its workers share nothing with this process: every
    task gets its data as arguments (the files are read here, parsed there)."""

    executor: Executor
    """Runs the tasks; only ``submit`` is used, and it is not shut down here."""
    workers: int
    """How many tasks it runs at once: work is cut into a few chunks per worker."""


def _chunk_size(items: int, workers: int) -> int:
    """Items per task: about eight tasks per worker, at most 64 items each."""
    return max(1, min(64, items // (workers * 8)))


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


def _executor(workers: int, engine: Engine | None) -> AbstractContextManager[Any]:
    """A local process pool, or the engine's executor (whose owner cancels what is left of
    its tasks when it closes the engine, after an error too)."""
    return _pool(workers) if engine is None else nullcontext(engine.executor)


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
    return _split(_SHARED["documents"][start:end], language)  # type: ignore[index]


def _split(documents: list[Document], language: str) -> list[list[tuple[int, int, bool]]]:
    """In a worker: the sentence spans (start, end, candidate) of each document."""
    return [[(s.start, s.end, s.candidate) for s in segment(doc, language)] for doc in documents]


def _parse_chunk(items: list[tuple[RawInput, bytes | str]]) -> list[tuple[object, object]]:
    """In an engine's worker: inputs read by the client, each its bytes or the warning that
    reading it gave, parsed as ``_read_chunk`` reads them."""
    results: list[tuple[object, object]] = []
    for raw, data in items:
        try:
            if isinstance(data, str):
                raise InputError(data)
            doc = parse(raw, data, "")
        except InputError as exc:
            results.append((str(exc), None))
            continue
        results.append((doc, shingles(doc.text)))
    return results


def _read_in_workers(raws: list[RawInput], settings: Settings, workers: int,
                     report: Progress) -> tuple[list[Document], list[object], list[str]]:
    """Read in worker processes; ids, order and warnings as a single process gives."""
    size = _chunk_size(len(raws), workers)
    chunks = [raws[i:i + size] for i in range(0, len(raws), size)]
    with _pool(workers) as pool:
        return _collect(pool.map(_read_chunk, chunks, [settings.max_bytes] * len(chunks)), len(raws), report)


def _parse_in_engine(raws: list[RawInput], settings: Settings, engine: Engine,
                     report: Progress) -> tuple[list[Document], list[object], list[str]]:
    """Read the inputs here, a chunk at a time, and parse each chunk on the engine (while
    the next is read); ids, order and warnings as a single process gives."""
    size = _chunk_size(len(raws), engine.workers)
    futures = []
    for start in range(0, len(raws), size):
        chunk: list[tuple[RawInput, bytes | str]] = []
        for raw in raws[start:start + size]:
            try:
                chunk.append((raw, read_bytes(raw, settings.max_bytes)))
            except InputError as exc:
                chunk.append((raw, str(exc)))
        futures.append(engine.executor.submit(_parse_chunk, chunk))
    return _collect((future.result() for future in futures), len(raws), report)


def _collect(chunks: Iterable[list[tuple[object, object]]], total: int,
             report: Progress) -> tuple[list[Document], list[object], list[str]]:
    """Documents (numbered in order), their shingles and the warnings from read chunks."""
    documents: list[Document] = []
    hashed: list[object] = []
    warnings: list[str] = []
    done = 0
    for results in chunks:
        for item, grams in results:
            if isinstance(item, str):
                warnings.append(item)
                continue
            assert isinstance(item, Document)
            documents.append(dataclasses.replace(item, id=f"d{len(documents) + 1}"))
            hashed.append(grams)
        done += len(results)
        report("reading", done, total)
    return documents, hashed, warnings


def _parse_for_cache(items: list[tuple[RawInput, bytes]]) -> list[tuple[Any, bytes | None]]:
    """In a worker (or not): parse read inputs into cache entries: a document (without id),
    with its shingles as the blob; or the warning."""
    from digest.cache import document_fields

    results: list[tuple[Any, bytes | None]] = []
    for raw, data in items:
        try:
            doc = parse(raw, data, "")
        except InputError as exc:
            results.append(({"warning": str(exc)}, None))
            continue
        results.append(({"document": document_fields(doc)}, shingles(doc.text).tobytes()))
    return results


def _read_cached(raws: list[RawInput], settings: Settings, cache: Cache, report: Progress,
                 engine: Engine | None = None) -> tuple[list[Document], list[bytes], list[str]]:
    """Read every input here and parse only those the cache does not hold, on the engine or
    in worker processes from WORKERS_FROM of them; ids, order and warnings as ``read_all``
    gives. Returns the documents, their shingles (as bytes) and the warnings."""
    from digest.cache import content_hash, key

    slots: list[str | tuple[RawInput, bytes, str]] = []
    for raw in raws:
        try:
            data = read_bytes(raw, settings.max_bytes)
        except InputError as exc:
            slots.append(str(exc))
            continue
        # The reader uses the path (a title-less article is named after its file) and the suffix.
        slots.append((raw, data, key("input", content_hash(data), raw.origin, raw.suffix)))
    entries = cache.get_many(slot[2] for slot in slots if not isinstance(slot, str))
    missing = [slot for slot in slots if not isinstance(slot, str) and slot[2] not in entries]
    items = [(raw, data) for raw, data, _ in missing]
    workers = worker_count(len(items))
    if engine is not None and items:
        size = _chunk_size(len(items), engine.workers)
        futures = [engine.executor.submit(_parse_for_cache, items[i:i + size])
                   for i in range(0, len(items), size)]
        parsed = [entry for future in futures for entry in future.result()]
    elif workers > 1:
        size = _chunk_size(len(items), workers)
        with _pool(workers) as pool:
            chunks = pool.map(_parse_for_cache, [items[i:i + size] for i in range(0, len(items), size)])
            parsed = [entry for chunk in chunks for entry in chunk]
    else:
        parsed = _parse_for_cache(items)
    for (_, _, k), (value, blob) in zip(missing, parsed):
        cache.put(k, value, blob)
        entries[k] = (value, blob)
    documents: list[Document] = []
    blobs: list[bytes] = []
    warnings: list[str] = []
    for slot in slots:
        if isinstance(slot, str):
            warnings.append(slot)
            continue
        value, blob = entries[slot[2]]
        if "warning" in value:
            warnings.append(value["warning"])
            continue
        documents.append(Document(id=f"d{len(documents) + 1}", **value["document"]))
        blobs.append(blob or b"")
    report("reading", len(raws), len(raws))
    return documents, blobs, warnings


_SHARED: dict[str, object] = {}
"""What worker processes inherit from the parent when forked: the documents to split, then
the stories to summarize (set just before each pool is made, cleared after)."""


def _summarize_story(index: int) -> tuple[list[Pick], str]:
    """In a worker (or not): the picks and the headline of story ``index`` of _SHARED."""
    return _summarize_given(_SHARED["stories"][index], _SHARED["members"][index],  # type: ignore[index]
                            _SHARED["sentences"], _SHARED["settings"])  # type: ignore[arg-type]


def _summarize_given(story_docs: list[Document], members: list[Document],
                     sentences: dict[str, list[Sentence]], settings: Settings) -> tuple[list[Pick], str]:
    """The picks and the headline of a story (its documents, originals first; its originals)."""
    candidates = merge_sentences(story_docs, sentences)
    picks = summarize(candidates, settings, [d.title for d in members])
    return picks, (_headline(members, settings.language) if picks else "")


def build_from_documents(documents: list[Document], settings: Settings, warnings: list[str],
                         report: Progress, hashed: list[object] | None = None,
                         engine: Engine | None = None, cache: Cache | None = None,
                         blobs: list[bytes] | None = None) -> Digest:
    """The stages after ingest, for callers that already hold Documents.

    ``cache``: reuse the sentences, copies, stories and summaries an earlier build found for
    the same documents, and hold this build's for ``cache.commit()`` (done here, at the end).
    ``blobs``: each document's shingles as bytes, when known already (from the cache).

    ``hashed``: each document's ``dedup.shingles``, when computed already (by the worker
    processes that read the documents). With workers (or an ``engine``), sentences are split
    in them while this process finds copies and groups stories.
    """
    sentences: dict[str, list[Sentence]] = {}
    targets, split_keys = documents, []  # the documents to split
    if cache is not None:
        targets, split_keys = _cached_sentences(documents, settings.language, cache, sentences)
    workers = engine.workers if engine is not None else worker_count(len(targets))
    pending: list[tuple[int, Any]] = []
    with ExitStack() as stack:
        stack.callback(_SHARED.clear)
        if targets and (engine is not None or workers > 1):
            pool = stack.enter_context(_executor(workers, engine))
            size = _chunk_size(len(targets), workers)
            if engine is None:
                _SHARED["documents"] = targets
                pending = [(start, pool.submit(_split_range, start, min(start + size, len(targets)),
                                               settings.language))
                           for start in range(0, len(targets), size)]
            else:
                pending = [(start, pool.submit(_split, targets[start:start + size], settings.language))
                           for start in range(0, len(targets), size)]
        else:
            for done, doc in enumerate(targets, 1):
                sentences[doc.id] = segment(doc, settings.language)
                report("splitting", done, len(targets))
        copies = _copies(documents, hashed, cache, blobs)
        originals = [d for d in documents if d.id not in copies]
        report("grouping", 0, len(originals))
        count = None if settings.clusters == "auto" else int(settings.clusters)
        grouping = _groups(originals, count, settings, cache, worker_count(len(originals)))
        groups = grouping.groups
        for start, future in pending:
            for offset, spans in enumerate(future.result()):
                doc = targets[start + offset]
                sentences[doc.id] = [Sentence(doc.id, i, s, e, doc.text[s:e], candidate)
                                     for i, (s, e, candidate) in enumerate(spans)]
            report("splitting", len(sentences), len(documents))
    if cache is not None:
        for doc, k in zip(targets, split_keys):
            cache.put(k, [[s.start, s.end, s.candidate] for s in sentences[doc.id]])
    documents = [dataclasses.replace(d, copy_of=copies.get(d.id)) for d in documents]
    by_id = {d.id: d for d in documents}
    originals = [by_id[d.id] for d in originals]
    copies_of: dict[str, list[Document]] = {}
    for doc in documents:
        if doc.copy_of is not None:
            copies_of.setdefault(doc.copy_of, []).append(doc)
    # A sentence that one source repeats across its stories is boilerplate (digest.recurring).
    masked = recurring(documents, sentences, {originals[i].id: g for g, members in enumerate(groups)
                                              for i in members})
    for doc_id, indices in masked.items():
        sentences[doc_id] = [dataclasses.replace(s, candidate=False) if s.index in indices else s
                             for s in sentences[doc_id]]
    stories = []
    all_members = [[originals[i] for i in members] for members in groups]
    all_docs = [members + [c for d in members for c in copies_of.get(d.id, [])] for members in all_members]
    done_picks, story_keys = _cached_summaries(all_docs, all_members, settings, cache, masked)
    todo = [i for i in range(len(groups)) if i not in done_picks]
    _SHARED.update(stories=all_docs, members=all_members, sentences=sentences, settings=settings)
    try:
        workers = engine.workers if engine is not None else worker_count(len(documents))
        if cache is not None and len(todo) < 8:
            workers = 1  # a few stories left to summarize: not worth a pool
        if todo and (engine is not None or workers > 1):
            with _executor(workers, engine) as pool:
                # Biggest stories first, so that no worker is left with a big one at the end.
                order = sorted(todo, key=lambda i: -len(all_docs[i]))
                if engine is None:
                    futures = {i: pool.submit(_summarize_story, i) for i in order}
                else:  # each story with its own documents and sentences, nothing through fork
                    futures = {i: pool.submit(_summarize_given, all_docs[i], all_members[i],
                                              {d.id: sentences[d.id] for d in all_docs[i]}, settings)
                               for i in order}
                for i in todo:
                    done_picks[i] = futures[i].result()
                    report("summarizing", len(done_picks), len(groups))
        else:
            for i in todo:
                done_picks[i] = _summarize_story(i)
                report("summarizing", len(done_picks), len(groups))
    finally:
        _SHARED.clear()
    all_picks = [done_picks[i] for i in range(len(groups))]
    from digest.dedup import MAX_STORY_SENTENCES, story_sentence_count

    for story_docs in all_docs:
        count = story_sentence_count(story_docs, sentences)
        if count > MAX_STORY_SENTENCES:
            warnings.append(f"{visible(story_docs[0].origin)}: a story of {count:,} distinct sentences: "
                            f"{MAX_STORY_SENTENCES:,} of them are summarized")
    if cache is not None:
        from digest.cache import picks_to_data

        for i in todo:
            local = {d.id: n for n, d in enumerate(all_docs[i])}
            picks, headline = all_picks[i]
            try:
                cache.put(story_keys[i], {"picks": picks_to_data(picks, local), "headline": headline})
            except TypeError:  # a value that is not plain data: that story is not kept
                pass
    for members, story_docs, (picks, headline), links in zip(all_members, all_docs, all_picks, grouping.links,
                                                               strict=True):
        if not picks:
            for doc in story_docs:
                warnings.append(f"{visible(doc.origin)}: no sentence to quote")
            continue
        why = [Link(originals[k.document].id, originals[k.linked_to].id, round(k.probability, 4), k.shared)
               for k in links]
        why += [Link(d.id, d.copy_of, None, (), copy=True) for d in story_docs if d.copy_of is not None]
        stories.append((story_docs, members, picks, headline, tuple(why)))
    if not stories:
        raise NothingToSummarize("nothing to summarize: no article has a sentence that can be quoted", warnings)
    order = {d.id: i for i, d in enumerate(documents)}
    ranked = sorted(stories, key=lambda s: (-_sources(s[1]), -len(s[0]), order[s[0][0].id]))
    result = []
    for number, (story_docs, members, picks, headline, why) in enumerate(ranked, 1):
        result.append(Story(
            id=f"c{number}",
            title=headline,
            documents=tuple(sorted((d.id for d in story_docs), key=order.__getitem__)),
            sentences=tuple(picks),
            sources=_sources(members),
            links=why,
        ))
    if cache is not None:
        cache.commit()
    return Digest(
        stories=tuple(result),
        documents=tuple(documents),
        settings=settings.to_dict(),
        generated_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        warnings=tuple(warnings),
    )


def _cached_sentences(documents: list[Document], language: str, cache: Cache,
                      sentences: dict[str, list[Sentence]]) -> tuple[list[Document], list[str]]:
    """Fill ``sentences`` with what an earlier build split of the same titles and texts
    (``segment`` reads both); return the documents left to split, and their keys."""
    from digest.cache import content_hash, key

    keys = [key("sentences", content_hash(f"{d.title}\n{d.text}"), language) for d in documents]
    entries = cache.get_many(keys)
    targets, missing = [], []
    for doc, k in zip(documents, keys):
        if k in entries:
            text = doc.text
            sentences[doc.id] = [Sentence(doc.id, i, s, e, text[s:e], bool(candidate))
                                 for i, (s, e, candidate) in enumerate(entries[k][0])]
        else:
            targets.append(doc)
            missing.append(k)
    return targets, missing


def _copies(documents: list[Document], hashed: list[object] | None, cache: Cache | None,
            blobs: list[bytes] | None) -> dict[str, str]:
    """``find_copies``, or what it found for the same texts in an earlier build."""
    if cache is None:
        return find_copies(documents, hashed)
    from digest.cache import content_hash, key

    k = key("copies", [content_hash(d.text) for d in documents])
    found = cache.get(k)
    if found is not None:
        return {documents[i].id: documents[j].id for i, j in found[0]}
    if hashed is None and blobs is not None:
        import numpy as np

        hashed = [np.frombuffer(blob, dtype=np.uint64) for blob in blobs]
    copies = find_copies(documents, hashed)
    index = {d.id: i for i, d in enumerate(documents)}
    cache.put(k, [[index[a], index[b]] for a, b in copies.items()])
    return copies


def _groups(originals: list[Document], count: int | None, settings: Settings, cache: Cache | None,
            threads: int = 1) -> Grouping:
    """``digest.cluster.group``, or what it found for the same documents in an earlier build."""
    from digest.cluster import Link as Tie

    threshold = threshold_of(settings.grouping)
    if cache is None:
        return group(originals, count, threshold, threads, settings.language)
    from digest.cache import content_hash, key

    # What the grouping reads of a document: its title, text, outlet and date.
    k = key("stories", count, threshold, settings.language,
            [content_hash(f"{d.title}\n{d.text}\n{d.source or ''}\n{d.published or ''}") for d in originals])
    found = cache.get(k)
    if found is not None:
        try:
            value = found[0]
            return Grouping([list(g) for g in value["groups"]],
                            [[Tie(int(a), int(b), float(p), tuple(map(str, shared))) for a, b, p, shared in links]
                             for links in value["links"]])
        except (KeyError, TypeError, ValueError):  # not what this version stores: computed again
            pass
    result = group(originals, count, threshold, threads, settings.language)
    cache.put(k, {"groups": result.groups,
                  "links": [[[t.document, t.linked_to, t.probability, list(t.shared)] for t in links]
                            for links in result.links]})
    return result


def _cached_summaries(all_docs: list[list[Document]], all_members: list[list[Document]], settings: Settings,
                      cache: Cache | None, masked: dict[str, frozenset[int]] | None = None,
                      ) -> tuple[dict[int, tuple[list[Pick], str]], list[str]]:
    """The summaries (picks, headline) an earlier build made of the same stories, by story
    index, and every story's key. A story is the same when its documents have the same
    titles and texts in the same order, with the same copies and the same sentences found to
    be boilerplate across documents (``masked``): what ``merge_sentences``, ``summarize`` and
    ``_headline`` read. Document ids are not part of it (a file added
    before them renumbers them): citations are stored by place in the story."""
    if cache is None:
        return {}, []
    from digest.cache import content_hash, key, picks_from_data

    options = [settings.algorithm, settings.sentences, settings.words, settings.language]
    keys = []
    for story_docs, members in zip(all_docs, all_members):
        local = {d.id: n for n, d in enumerate(story_docs)}
        keys.append(key("story", options,
                        [[content_hash(f"{d.title}\n{d.text}"), local.get(d.copy_of or ""),
                          sorted((masked or {}).get(d.id, ()))]
                         for d in story_docs],
                        [local[m.id] for m in members]))
    entries = cache.get_many(keys)
    found = {}
    for i, k in enumerate(keys):
        if k in entries:
            value = entries[k][0]
            found[i] = (picks_from_data(value["picks"], all_docs[i]), value["headline"])
    return found, keys


def _sources(originals: list[Document]) -> int:
    """Distinct outlets; a document whose outlet is unknown counts as one of its own."""
    return len({(d.source or "").casefold() or d.id for d in originals})


def _headline(members: list[Document], language: str = "english") -> str:
    """The title of the story's most central document, preferring real headlines.

    Central: the highest cosine similarity to the story's TF-IDF centroid.
    """
    titled = [d for d in members if not d.title.endswith("…")] or members
    if len(titled) == 1:
        return titled[0].title
    import numpy as np

    from digest.cluster import vectorize

    matrix = vectorize([f"{d.title}\n{d.text}" for d in titled], language)
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    scores = np.round(matrix @ centroid, 9)  # a tie (two articles are equally central) goes to the first
    return titled[int(np.argmax(scores))].title
