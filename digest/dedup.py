"""Recognise copies: near-duplicate documents, and the same sentence carried by several documents."""

from __future__ import annotations

from collections.abc import Sequence

from digest.clean import normalize
from digest.models import Candidate, Citation, Document, Sentence

SHINGLE = 5
"""Words per shingle when comparing documents."""
COPY_THRESHOLD = 0.5
"""Jaccard similarity of shingle sets from which two documents are copies of one article."""


def _shingles(text: str) -> set[str]:
    words = normalize(text).split()
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def find_copies(documents: Sequence[Document]) -> dict[str, str]:
    """Map each near-copy's id to the id of its original (the first of its group in input order).

    Candidates come from MinHash LSH (datasketch), so the cost grows with the number of
    documents, not its square; each candidate pair is then confirmed with the exact Jaccard
    similarity of the two shingle sets.
    """
    from datasketch import MinHash, MinHashLSH  # deferred: numpy-heavy

    shingles = [_shingles(doc.text) for doc in documents]
    lsh = MinHashLSH(threshold=COPY_THRESHOLD * 0.8, num_perm=64)
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, grams in enumerate(shingles):
        if not grams:
            continue
        signature = MinHash(num_perm=64, seed=1)
        signature.update_batch([g.encode("utf-8") for g in grams])
        for key in lsh.query(signature):
            j = int(key)
            other = shingles[j]
            if len(grams & other) >= COPY_THRESHOLD * len(grams | other):
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(str(i), signature)
    return {documents[i].id: documents[root(i)].id for i in range(len(documents)) if root(i) != i}


def sentence_key(text: str) -> str:
    """Key under which identical sentences (up to case, quotes and spacing) merge."""
    return normalize(text)


NEAR_SENTENCE = 0.8
"""Jaccard similarity of word sets from which two sentences are the same sentence (wire copy)."""


def merge_sentences(documents: Sequence[Document], sentences: dict[str, list[Sentence]]) -> list[Candidate]:
    """Merge the candidate sentences of a story's documents into Candidates.

    Identical sentences (up to case, quotes and spacing) and near-identical ones (word sets
    with Jaccard >= NEAR_SENTENCE, at least 8 words) become one Candidate that cites every
    document carrying them, each citation with that document's own offsets. The shown text
    comes from the first document in ``documents`` (originals come first).
    """
    groups: list[list[tuple[int, Sentence]]] = []
    by_key: dict[str, int] = {}
    for rank, doc in enumerate(documents):
        for sentence in sentences.get(doc.id, []):
            if not sentence.candidate:
                continue
            key = sentence_key(sentence.text)
            if key in by_key:
                groups[by_key[key]].append((rank, sentence))
            else:
                by_key[key] = len(groups)
                groups.append([(rank, sentence)])
    groups = _merge_near(groups)
    originals = {doc.id: (doc.copy_of or doc.id) for doc in documents}
    counts = {doc.id: max(1, sum(1 for s in sentences.get(doc.id, []))) for doc in documents}
    candidates = []
    for members in groups:
        members.sort(key=lambda m: (m[0], m[1].index))
        rank, first = members[0]
        citations = []
        cited: set[str] = set()
        for _, sentence in members:
            if sentence.doc_id in cited:
                continue  # a document repeating a sentence is cited once, at its first place
            cited.add(sentence.doc_id)
            citations.append(Citation(sentence.doc_id, sentence.start, sentence.end))
        candidates.append(Candidate(
            text=first.text,
            citations=tuple(citations),
            position=first.index / counts[first.doc_id],
            order=(rank, first.index),
            support=len({originals[c.document] for c in citations}),
        ))
    candidates.sort(key=lambda c: c.order)
    return candidates


def _merge_near(groups: list[list[tuple[int, Sentence]]]) -> list[list[tuple[int, Sentence]]]:
    if len(groups) < 2:
        return groups
    from sklearn.feature_extraction.text import CountVectorizer  # deferred: heavy import

    keys = [sentence_key(g[0][1].text) for g in groups]
    try:
        matrix = CountVectorizer(binary=True, token_pattern=r"\S+").fit_transform(keys)
    except ValueError:
        return groups
    sizes = matrix.sum(axis=1).A1
    overlap = (matrix @ matrix.T).tocoo()
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, inter in zip(overlap.row, overlap.col, overlap.data):
        if i < j and min(sizes[i], sizes[j]) >= 8 and inter >= NEAR_SENTENCE * (sizes[i] + sizes[j] - inter):
            a, b = root(int(i)), root(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
    merged: dict[int, list[tuple[int, Sentence]]] = {}
    for i, group in enumerate(groups):
        merged.setdefault(root(i), []).extend(group)
    return list(merged.values())
