"""The core every front end runs through: inputs in, a Digest out.

``build`` composes the stages (ingest, segment, copies, stories, summaries) and nothing
else. It never imports textual: the CLI, the TUI and ``brief`` all call it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from digest.cluster import cluster
from digest.config import Settings
from digest.dedup import find_copies, merge_sentences
from digest.ingest import ingest
from digest.models import Digest, Document, Sentence, Story
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
    documents, warnings = ingest(inputs, settings.max_bytes)
    if not documents:
        raise NothingToSummarize("no usable input: no article could be read", warnings)
    return build_from_documents(documents, settings, warnings, report)


def build_from_documents(documents: list[Document], settings: Settings, warnings: list[str],
                         report: Progress) -> Digest:
    """The stages after ingest, for callers that already hold Documents."""
    sentences: dict[str, list[Sentence]] = {}
    for done, doc in enumerate(documents, 1):
        sentences[doc.id] = segment(doc, settings.language)
        report("splitting", done, len(documents))
    copies = find_copies(documents)
    documents = [dataclasses.replace(d, copy_of=copies.get(d.id)) for d in documents]
    originals = [d for d in documents if d.copy_of is None]
    report("grouping", 0, len(originals))
    count = None if settings.clusters == "auto" else int(settings.clusters)
    groups = cluster(originals, count)
    copies_of: dict[str, list[Document]] = {}
    for doc in documents:
        if doc.copy_of is not None:
            copies_of.setdefault(doc.copy_of, []).append(doc)
    stories = []
    for done, group in enumerate(groups, 1):
        members = [originals[i] for i in group]
        story_docs = members + [c for d in members for c in copies_of.get(d.id, [])]
        candidates = merge_sentences(story_docs, sentences)
        titles = [d.title for d in members]
        picks = summarize(candidates, settings, titles)
        report("summarizing", done, len(groups))
        if not picks:
            for doc in story_docs:
                warnings.append(f"{visible(doc.origin)}: no sentence to quote")
            continue
        stories.append((story_docs, members, picks))
    if not stories:
        raise NothingToSummarize("nothing to summarize: no article has a sentence that can be quoted", warnings)
    order = {d.id: i for i, d in enumerate(documents)}
    ranked = sorted(stories, key=lambda s: (-_sources(s[1]), -len(s[0]), order[s[0][0].id]))
    result = []
    for number, (story_docs, members, picks) in enumerate(ranked, 1):
        result.append(Story(
            id=f"c{number}",
            title=_headline(members),
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
