"""The core every front end runs through: inputs in, a Digest out.

``build`` composes the stages and nothing else: read -> split -> copies -> stories ->
summaries. Each step is a stage of ``digest.stages`` run over its items by a Runner
(``digest.run``: here, local worker processes, or Dask) and remembered by the build cache
(``digest.cache``) under a key of everything it reads; what the cache holds is not computed
again. Every step hands over the same data whoever ran it, from the cache or not: a stage's
result is stored as plain data, and read back from it, on every build.

It never imports textual or typer: the CLI, the TUI and ``brief`` all call it.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from digest import stories
from digest.cache import (
    Cache,
    NoCache,
    check_input,
    content_hash,
    copies_from_data,
    document_fields,
    grouping_from_data,
    picks_from_data,
    picks_to_data,
    sentences_from_data,
    story_from_data,
)
from digest.errors import NothingToSummarize, TooMuchInput
from digest.models import Digest, Document, Pick, Sentence
from digest.run import Batch, Runner, SerialBatch
from digest.run.local import LocalPool, worker_count
from digest.sanitize import visible
from digest.settings import Settings
from digest.stages.cluster import Grouping, check_size, group, threshold_of
from digest.stages.cluster import Link as Tie
from digest.stages.dedup import (
    MAX_STORY_SENTENCES,
    find_copies,
    merge_sentences,
    shingles,
    story_sentence_count,
)
from digest.stages.ingest import InputError, RawInput, discover, parse, read_bytes
from digest.stages.recurring import recurring
from digest.stages.segment import segment
from digest.stages.summarize import summarize

__all__ = ["NothingToSummarize", "Progress", "TooMuchInput", "build", "build_from_documents"]

Progress = Callable[[str, int, int], None]
"""Called with (stage, done, total) as the build goes."""

AnyCache = Cache | NoCache
Entry = tuple[Any, bytes | None]
"""A step's result for one item as the cache holds it: JSON data and an optional blob."""


def build(
    inputs: Iterable[str],
    settings: Settings = Settings(),
    progress: Progress | None = None,
    runner: Runner | None = None,
    cache: Cache | None = None,
) -> Digest:
    """Build the digest of ``inputs`` (paths, folders, '-').

    ``runner``: where to run parsing, splitting and summarizing (default: worker processes
    from ``digest.run.local.WORKERS_FROM`` inputs); the digest is the same.
    ``cache``: reuse what an earlier build parsed and computed; the digest is the same, and
    only what the cache lacks is run.

    Raises:
        NothingToSummarize: when nothing usable is left; its ``warnings`` say why.
    """
    report = progress or _quiet
    report("reading", 0, 0)
    raws, warnings = discover(inputs)
    store = cache if cache is not None else NoCache()
    runner = runner or LocalPool(worker_count(len(raws)))
    documents, blobs, more = _read(raws, settings, runner, store, report)
    if not documents:
        raise NothingToSummarize("no usable input: no article could be read", warnings + more)
    digest = build_from_documents(
        documents, settings, warnings + more, report, runner=runner, cache=cache, blobs=blobs
    )
    # The folder relative paths are read from: a saved digest opened elsewhere finds its articles.
    return dataclasses.replace(digest, base=os.getcwd())


def build_from_documents(
    documents: list[Document],
    settings: Settings,
    warnings: list[str],
    report: Progress,
    runner: Runner | None = None,
    cache: Cache | None = None,
    blobs: list[bytes] | None = None,
) -> Digest:
    """The steps after reading, for callers that already hold Documents (``brief``).

    ``blobs``: each document's shingles (``dedup.shingles``) as bytes, when known already.
    ``cache``: committed here, at the end of a successful build.
    """
    store = cache if cache is not None else NoCache()
    runner = runner or LocalPool(worker_count(len(documents)))
    warnings = list(warnings)
    try:
        check_size(len(documents), None if settings.clusters == "auto" else int(settings.clusters))
    except TooMuchInput as exc:  # at once, not after reading, splitting and finding copies
        raise TooMuchInput(str(exc), warnings) from None
    # Sentences are split (in workers) while copies and stories are found here.
    with _split(documents, settings.language, runner, store) as splitting:
        copies = _copies(documents, blobs, store)
        originals = [d for d in documents if d.id not in copies]
        report("grouping", 0, len(originals))
        try:
            grouping = _stories(originals, settings, store)
        except TooMuchInput as exc:
            raise TooMuchInput(str(exc), warnings) from None
        sentences = {
            d.id: split for d, split in zip(documents, splitting.collect(report, "splitting"), strict=True)
        }
    documents, originals, members, story_docs = _members(documents, originals, copies, grouping.groups)
    masked = _mask_recurring(documents, sentences, originals, grouping.groups)
    summaries = _summaries(story_docs, members, sentences, masked, settings, runner, store, report)
    warnings += _sampled(story_docs, sentences)
    assembled = _assemble(story_docs, members, summaries, grouping.links, originals, warnings)
    if not assembled:
        raise NothingToSummarize(
            "nothing to summarize: no article has a sentence that can be quoted", warnings
        )
    store.commit()
    return Digest(
        stories=tuple(stories.rank(assembled, documents)),
        documents=tuple(documents),
        settings=settings.to_dict(),
        generated_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
        warnings=tuple(warnings),
    )


def _mask_recurring(
    documents: list[Document],
    sentences: dict[str, list[Sentence]],
    originals: list[Document],
    groups: list[list[int]],
) -> dict[str, frozenset[int]]:
    """A sentence that one source repeats across its stories is boilerplate (stages.recurring):
    it stays in its document but is no candidate. Returns the masked sentences' indices."""
    masked = recurring(
        documents, sentences, {originals[i].id: g for g, story in enumerate(groups) for i in story}
    )
    for doc_id, indices in masked.items():
        sentences[doc_id] = [
            dataclasses.replace(s, candidate=False) if s.index in indices else s for s in sentences[doc_id]
        ]
    return masked


def _assemble(
    story_docs: list[list[Document]],
    members: list[list[Document]],
    summaries: list[tuple[list[Any], str]],
    links: list[list[Any]],
    originals: list[Document],
    warnings: list[str],
) -> list[Any]:
    """Each story with picks, as stories.rank takes them; a story without one is a warning."""
    assembled = []
    for docs, story_members, (picks, title), ties in zip(story_docs, members, summaries, links, strict=True):
        if not picks:
            warnings.extend(f"{visible(doc.origin)}: no sentence to quote" for doc in docs)
            continue
        assembled.append((docs, story_members, picks, title, stories.links(ties, originals, docs)))
    return assembled


def _sampled(story_docs: list[list[Document]], sentences: dict[str, list[Sentence]]) -> list[str]:
    """A warning for each story too big to summarize whole."""
    warnings = []
    for docs in story_docs:
        count = story_sentence_count(docs, sentences)
        if count > MAX_STORY_SENTENCES:
            warnings.append(
                f"{visible(docs[0].origin)}: a story of {count:,} distinct sentences: "
                f"{MAX_STORY_SENTENCES:,} of them are summarized"
            )
    return warnings


def _quiet(stage: str, done: int, total: int) -> None:
    return None


UNUSABLE = (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError)
"""What reading back a malformed cache entry raises: the entry is computed again."""


class _Step:
    """One step over items: what the cache holds for them, and a running batch for the rest.

    ``keys``: each item's cache key (None: no cache). ``start``: starts the step on the items
    at the given indices and gives their entries in that order. ``decode``: an item's entry
    into what the next step reads. ``check``: the same for an entry read from the cache,
    which it checks first (``digest.cache``'s readers): one that does not check out raises,
    and is computed again.
    """

    def __init__(
        self,
        store: AnyCache,
        count: int,
        keys: Callable[[], list[str]] | None,
        start: Callable[[list[int]], Batch[Entry]],
        decode: Callable[[int, Entry], Any],
        check: Callable[[int, Entry], Any] | None = None,
    ) -> None:
        self.store, self.decode = store, decode
        self.keys = keys() if store.enabled and keys is not None else None
        self.values: dict[int, Any] = {}
        if self.keys is not None:
            found = store.get_many(self.keys)
            for i, k in enumerate(self.keys):
                if k in found:
                    try:
                        self.values[i] = (check or decode)(i, found[k])
                    except UNUSABLE as exc:
                        store.reject(k, str(exc) or type(exc).__name__)
        self.missing = [i for i in range(count) if i not in self.values]
        self.batch = start(self.missing) if self.missing else None
        self.count = count

    def __enter__(self) -> _Step:
        if self.batch is not None:
            self.batch.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.batch is not None:
            self.batch.__exit__(*exc)

    def collect(self, report: Progress = _quiet, stage: str = "") -> list[Any]:
        """Every item's value, in order: the batch's results are kept in the cache."""
        done = len(self.values)
        for i, entry in zip(self.missing, self.batch or (), strict=True):
            if self.keys is not None and entry[0] is not None:
                self.store.put(self.keys[i], *entry)
            self.values[i] = self.decode(i, entry)
            done += 1
            if stage:
                report(stage, done, self.count)
        return [self.values[i] for i in range(self.count)]


# -- read: the inputs' bytes read here, parsed by the runner --------------------------------


def _parse_input(item: tuple[RawInput, bytes]) -> Entry:
    """In a worker (or not): an input's bytes parsed into a document (without id) and its
    shingles, or the warning that parsing gave."""
    raw, data = item
    try:
        doc = parse(raw, data, "")
    except InputError as exc:
        return {"warning": str(exc)}, None
    return {"document": document_fields(doc)}, shingles(doc.text).tobytes()


def _read(
    raws: list[RawInput], settings: Settings, runner: Runner, store: AnyCache, report: Progress
) -> tuple[list[Document], list[bytes], list[str]]:
    """Documents (numbered d1, d2 ... in input order), their shingles, and the warnings."""
    slots: list[str | tuple[RawInput, bytes]] = []
    for raw in raws:
        try:
            slots.append((raw, read_bytes(raw, settings.max_bytes)))
        except InputError as exc:
            slots.append(str(exc))
    present = [slot for slot in slots if not isinstance(slot, str)]

    def keys() -> list[str]:
        # The reader uses the path (a title-less article is named after its file) and the suffix.
        return [store.key("input", content_hash(data), raw.origin, raw.suffix) for raw, data in present]

    def decode(i: int, entry: Entry) -> str | tuple[Document, bytes]:
        value, blob = entry
        if "warning" in value:
            return str(value["warning"])
        return Document(id="", **value["document"]), bytes(blob or b"")

    def check(i: int, entry: Entry) -> str | tuple[Document, bytes]:
        check_input(*entry, present[i][0].origin)
        return decode(i, entry)

    with _Step(
        store,
        len(present),
        keys,
        lambda todo: runner.start(_parse_input, [present[i] for i in todo]),
        decode,
        check,
    ) as step:
        parsed = iter(step.collect())
    documents: list[Document] = []
    blobs: list[bytes] = []
    warnings: list[str] = []
    for slot in slots:
        result = slot if isinstance(slot, str) else next(parsed)
        if isinstance(result, str):
            warnings.append(result)
            continue
        doc, blob = result
        documents.append(dataclasses.replace(doc, id=f"d{len(documents) + 1}"))
        blobs.append(blob)
    report("reading", len(raws), len(raws))
    return documents, blobs, warnings


# -- split -----------------------------------------------------------------------------------


def _split_document(item: tuple[Document, str]) -> Entry:
    """In a worker (or not): a document's sentence spans (start, end, candidate)."""
    doc, language = item
    return [[s.start, s.end, s.candidate] for s in segment(doc, language)], None


def _split(documents: list[Document], language: str, runner: Runner, store: AnyCache) -> _Step:
    """The step that splits each document into sentences (its values: lists of Sentence)."""

    def keys() -> list[str]:  # segment reads the title and the text
        return [store.key("sentences", content_hash(f"{d.title}\n{d.text}"), language) for d in documents]

    def decode(i: int, entry: Entry) -> list[Sentence]:
        doc = documents[i]
        return [
            Sentence(doc.id, n, s, e, doc.text[s:e], candidate)
            for n, (s, e, candidate) in enumerate(entry[0])
        ]

    def check(i: int, entry: Entry) -> list[Sentence]:
        return decode(i, (sentences_from_data(entry[0], documents[i].text), None))

    return _Step(
        store,
        len(documents),
        keys,
        lambda todo: runner.start(_split_document, [(documents[i], language) for i in todo]),
        decode,
        check,
    )


# -- copies and stories: every document at once, here ----------------------------------------


def _copies(documents: list[Document], blobs: list[bytes] | None, store: AnyCache) -> dict[str, str]:
    """``find_copies`` by document id, or what it found for the same texts in an earlier build."""
    import numpy as np

    def compute(_: int) -> Entry:
        hashed = None if blobs is None else [np.frombuffer(blob, dtype=np.uint64) for blob in blobs]
        index = {d.id: i for i, d in enumerate(documents)}
        return [[index[a], index[b]] for a, b in find_copies(documents, hashed).items()], None

    def decode(i: int, entry: Entry) -> dict[str, str]:
        return {documents[a].id: documents[b].id for a, b in entry[0]}

    def check(i: int, entry: Entry) -> dict[str, str]:
        return decode(i, (copies_from_data(entry[0], len(documents)), None))

    keys = lambda: [store.key("copies", [content_hash(d.text) for d in documents])]  # noqa: E731
    with _Step(store, 1, keys, lambda todo: SerialBatch(compute, todo), decode, check) as step:
        found: dict[str, str] = step.collect()[0]
        return found


def _stories(originals: list[Document], settings: Settings, store: AnyCache) -> Grouping:
    """``digest.stages.cluster.group``, or what it found for the same documents in an earlier build."""
    count = None if settings.clusters == "auto" else int(settings.clusters)
    threshold = threshold_of(settings.grouping)

    def compute(_: int) -> Entry:
        found = group(originals, count, threshold, worker_count(len(originals)), settings.language)
        return {
            "groups": found.groups,
            "links": [
                [[t.document, t.linked_to, t.probability, list(t.shared)] for t in links]
                for links in found.links
            ],
        }, None

    def decode(i: int, entry: Entry) -> Grouping:
        value = entry[0]
        return Grouping(
            [list(g) for g in value["groups"]],
            [[Tie(a, b, p, tuple(shared)) for a, b, p, shared in links] for links in value["links"]],
        )

    def check(i: int, entry: Entry) -> Grouping:
        groups, links = grouping_from_data(entry[0], len(originals))
        return Grouping(groups, [[Tie(*tie) for tie in ties] for ties in links])

    def keys() -> list[str]:  # what the grouping reads of a document: its title, text, outlet and date
        return [
            store.key(
                "stories",
                count,
                threshold,
                settings.language,
                [
                    content_hash(f"{d.title}\n{d.text}\n{d.source or ''}\n{d.published or ''}")
                    for d in originals
                ],
            )
        ]

    with _Step(store, 1, keys, lambda todo: SerialBatch(compute, todo), decode, check) as step:
        grouping: Grouping = step.collect()[0]
        return grouping


def _members(
    documents: list[Document], originals: list[Document], copies: dict[str, str], groups: list[list[int]]
) -> tuple[list[Document], list[Document], list[list[Document]], list[list[Document]]]:
    """The documents with their copies marked, the originals, each story's originals, and each
    story's documents: its originals, then their copies."""
    documents = [dataclasses.replace(d, copy_of=copies.get(d.id)) for d in documents]
    by_id = {d.id: d for d in documents}
    originals = [by_id[d.id] for d in originals]
    members = [[originals[i] for i in story] for story in groups]
    copies_of: dict[str, list[Document]] = {}
    for doc in documents:
        if doc.copy_of is not None:
            copies_of.setdefault(doc.copy_of, []).append(doc)
    story_docs = [story + [c for d in story for c in copies_of.get(d.id, [])] for story in members]
    return documents, originals, members, story_docs


# -- summaries -------------------------------------------------------------------------------

Story = tuple[list[Document], list[Document], dict[str, list[Sentence]], Settings]
"""What a story's summary reads: its documents (originals first), its originals, their
sentences and the settings."""


def _summarize_story(story: Story) -> Entry:
    """In a worker (or not): a story's picks (as plain data, citing documents by their place
    in the story) and headline. Picks that are not plain data are handed over as they are
    (and not kept in the cache)."""
    story_docs, members, sentences, settings = story
    picks = summarize(merge_sentences(story_docs, sentences), settings, [d.title for d in members])
    title = stories.headline(members, settings.language) if picks else ""
    try:
        local = {d.id: n for n, d in enumerate(story_docs)}
        return {"picks": picks_to_data(picks, local), "headline": title}, None
    except TypeError:
        return None, {"picks": picks, "headline": title}  # type: ignore[return-value]


def _summaries(
    story_docs: list[list[Document]],
    members: list[list[Document]],
    sentences: dict[str, list[Sentence]],
    masked: dict[str, frozenset[int]],
    settings: Settings,
    runner: Runner,
    store: AnyCache,
    report: Progress,
) -> list[tuple[list[Pick], str]]:
    """Each story's picks and headline: biggest stories first, so that no worker is left
    with a big one at the end."""
    options = [settings.algorithm, settings.sentences, settings.words, settings.language]

    def keys() -> list[str]:
        # A story is the same when its documents have the same titles and texts in the same
        # order, with the same copies and the same sentences found to be boilerplate across
        # documents (masked): what merge_sentences, summarize and the headline read. Not the
        # document ids (a file added before them renumbers them).
        result = []
        for docs, story in zip(story_docs, members, strict=True):
            local = {d.id: n for n, d in enumerate(docs)}
            result.append(
                store.key(
                    "story",
                    options,
                    [
                        [
                            content_hash(f"{d.title}\n{d.text}"),
                            local.get(d.copy_of or ""),
                            sorted(masked.get(d.id, ())),
                        ]
                        for d in docs
                    ],
                    [local[m.id] for m in story],
                )
            )
        return result

    def decode(i: int, entry: Entry) -> tuple[list[Pick], str]:
        value, held = entry
        if value is None:  # not plain data, straight from the worker
            raw: Any = held
            return raw["picks"], raw["headline"]
        return picks_from_data(value["picks"], story_docs[i]), str(value["headline"])

    def check(i: int, entry: Entry) -> tuple[list[Pick], str]:
        return story_from_data(entry[0], story_docs[i], members[i])

    def start(todo: list[int]) -> Batch[Entry]:
        order = sorted(todo, key=lambda i: -len(story_docs[i]))
        items = [
            (story_docs[i], members[i], {d.id: sentences[d.id] for d in story_docs[i]}, settings)
            for i in order
        ]
        return _Reordered(runner.start(_summarize_story, items, chunk=1), order, todo)

    with _Step(store, len(story_docs), keys, start, decode, check) as step:
        return step.collect(report, "summarizing")


class _Reordered:
    """A batch run in ``order`` whose results are read in the order of ``wanted``."""

    def __init__(self, batch: Batch[Entry], order: Sequence[int], wanted: Sequence[int]) -> None:
        self.batch, self.order, self.wanted = batch, order, wanted

    def __iter__(self) -> Any:
        results: dict[int, Entry] = {}
        done = zip(self.order, self.batch, strict=True)
        for i in self.wanted:
            while i not in results:
                j, entry = next(done)
                results[j] = entry
            yield results.pop(i)

    def __enter__(self) -> _Reordered:
        self.batch.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.batch.__exit__(*exc)
