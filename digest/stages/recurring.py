"""Boilerplate across documents: a sentence one source repeats in many of its articles.

A feed's footer ("Thank you for reading via RSS"), an outlet's signature or standard
paragraph, recurs word for word in article after article; each copy looks like a well-supported
sentence (it is "cited" by every article that carries it), and it would be picked first. A
sentence is such boilerplate when, among the original articles (not copies) of one source, it
is in at least MIN_DOCUMENTS of them and in more than one story, and either in at least SHARE
of them or in MANY_STORIES stories or more: a sentence that recurs within one story is the
story's own (wire copy, updates), however often, and one in two or three stories of a source
may be a developing story's background; but a sentence word for word in five different stories
is a template (a podcast's rotating sponsor read is in 41 of its 100 entries), not news.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from digest.models import Document, Sentence
from digest.stages.clean import normalize as sentence_key  # the key dedup merges identical sentences by

MIN_DOCUMENTS = 3
"""The fewest articles of one source that must carry a sentence for it to be boilerplate."""
SHARE = 0.5
"""The least share of the source's articles that must carry it."""
MANY_STORIES = 5
"""Stories of one source that carry a sentence: past this, it is boilerplate at any share."""


def source_of(doc: Document) -> str | None:
    """The source a document belongs to: its outlet (or feed), else its URL's host."""
    if doc.source and doc.source.strip():
        return doc.source.strip().casefold()
    if doc.url:
        host = urlsplit(doc.url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _template(ids: set[str], articles: int, story_of: Mapping[str, int]) -> bool:
    """Carried by these articles of a source of ``articles``: a template, not a story's own."""
    stories = len({story_of.get(i, -1) for i in ids})
    return stories > 1 and (len(ids) >= SHARE * articles or stories >= MANY_STORIES)


def recurring(
    documents: Sequence[Document], sentences: Mapping[str, list[Sentence]], story_of: Mapping[str, int]
) -> dict[str, frozenset[int]]:
    """The indices of each document's candidate sentences that are per-source boilerplate.

    ``documents``: every document of the build; copies (``copy_of``) count as their original's,
    never twice. ``story_of``: the story of each original document. Documents without a known
    source are never judged."""
    boiler = _boilerplate(documents, sentences, story_of)
    if not boiler:
        return {}
    by_id = {d.id: d for d in documents}
    found: dict[str, frozenset[int]] = {}
    for doc in documents:
        original = by_id.get(doc.copy_of or doc.id, doc)
        source = source_of(original)
        if source is None:
            continue
        hit = frozenset(
            s.index
            for s in sentences.get(doc.id, [])
            if s.candidate and (source, sentence_key(s.text)) in boiler
        )
        if hit:
            found[doc.id] = hit
    return found


def _boilerplate(
    documents: Sequence[Document], sentences: Mapping[str, list[Sentence]], story_of: Mapping[str, int]
) -> set[tuple[str, str]]:
    """The (source, sentence key) pairs that are boilerplate: carried by at least MIN_DOCUMENTS
    of the source's original articles, as a template (``_template``)."""
    carriers: dict[tuple[str, str], set[str]] = defaultdict(set)
    articles: dict[str, int] = defaultdict(int)
    for doc in documents:
        source = source_of(doc)
        if source is None or doc.copy_of is not None:
            continue
        articles[source] += 1
        for sentence in sentences.get(doc.id, []):
            if sentence.candidate:
                carriers[(source, sentence_key(sentence.text))].add(doc.id)
    return {
        pair
        for pair, ids in carriers.items()
        if len(ids) >= MIN_DOCUMENTS and _template(ids, articles[pair[0]], story_of)
    }
