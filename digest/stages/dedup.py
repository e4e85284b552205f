"""Recognise copies: near-duplicate documents, and the same sentence carried by several documents."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from digest.models import Candidate, Citation, Document, Sentence
from digest.stages.clean import normalize

SHINGLE = 5
"""Words per shingle when comparing documents."""
COPY_THRESHOLD = 0.5
"""Jaccard similarity of shingle sets from which two documents are copies of one article."""


def shingles(text: str):  # type: ignore[no-untyped-def]
    """The document's distinct shingles (SHINGLE words in a row), as sorted 64-bit hashes.

    Hashing words with CRC-32 and combining them in numpy replaces a SHA-1 of every shingle
    string (datasketch's default), which dominated copy detection. Two different shingles
    share a 64-bit hash with negligible probability.
    """
    import zlib

    import numpy as np

    words = normalize(text).split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    hashes = np.fromiter((zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words))
    if len(words) < SHINGLE:
        windows = [hashes]
    else:
        windows = [hashes[i : len(words) - SHINGLE + 1 + i] for i in range(SHINGLE)]
    combined = np.zeros(len(windows[0]), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for window in windows:
            combined = combined * np.uint64(0x100000001B3) + window  # FNV prime; wraps mod 2**64
    return np.unique(combined)


def find_copies(documents: Sequence[Document], hashed: Sequence[Any] | None = None) -> dict[str, str]:
    """Map each near-copy's id to the id of its original (the first of its group in input order).

    Candidates come from MinHash LSH (datasketch), so the cost grows with the number of
    documents, not its square; each candidate pair is then confirmed with the exact Jaccard
    similarity of the two shingle sets. ``hashed``: each document's ``shingles``, when
    computed already (by the worker processes that read the documents).
    """
    if len(documents) < 2:
        return {}  # no pair: not worth datasketch's import (half a second, scipy.integrate in it)
    import numpy as np
    from datasketch import MinHash, MinHashLSH  # deferred: numpy-heavy

    all_shingles = list(hashed) if hashed is not None else [shingles(doc.text) for doc in documents]
    lsh = MinHashLSH(threshold=COPY_THRESHOLD * 0.8, num_perm=64)
    first = MinHash(num_perm=64, seed=1, hashfunc=int)
    parent = list(range(len(documents)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, grams in enumerate(all_shingles):
        if not len(grams):
            continue
        # The shingles are hashed already: the MinHash takes their low 32 bits as they are.
        signature = MinHash(
            num_perm=64, seed=1, hashfunc=int, permutations=first.permutations, scheme=first.scheme
        )
        signature.update_batch((grams & np.uint64(0xFFFFFFFF)).tolist())
        for key in lsh.query(signature):
            j = int(key)
            other = all_shingles[j]
            common = len(np.intersect1d(grams, other, assume_unique=True))
            if common >= COPY_THRESHOLD * (len(grams) + len(other) - common):
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


MAX_STORY_SENTENCES = 1000
"""Distinct candidate sentences of one story that are summarized. Near-copy detection and the
graph algorithms (LexRank, TextRank, reduction) grow with the square of this number: a crafted
article of thousands of dense sentences would otherwise take gigabytes or minutes. Past it,
the sentences that most documents carry are kept, then the earliest (a warning says so)."""


def story_sentence_count(documents: Sequence[Document], sentences: dict[str, list[Sentence]]) -> int:
    """Distinct candidate sentences of a story's documents, as merge_sentences counts them."""
    return len({sentence_key(s.text) for doc in documents for s in sentences.get(doc.id, []) if s.candidate})


def _sample(groups: list[list[tuple[int, Sentence]]]) -> list[int]:
    return sorted(range(len(groups)), key=lambda g: (-len({r for r, _ in groups[g]}), g))[
        :MAX_STORY_SENTENCES
    ]


def merge_sentences(documents: Sequence[Document], sentences: dict[str, list[Sentence]]) -> list[Candidate]:
    """Merge the candidate sentences of a story's documents into Candidates.

    Identical sentences (up to case, quotes and spacing) and near-identical ones (word sets
    with Jaccard >= NEAR_SENTENCE, at least 8 words) become one Candidate. The shown text
    comes from the first document in ``documents`` (originals come first); it cites every
    document that carries that text word for word (up to spacing), with that document's
    own offsets, so every citation checks out against its document. Documents that carry
    only a variant are its ``related`` places: they count as support, but a quote is never
    attributed to a text that differs from it.
    """
    groups = _exact_groups(documents, sentences)
    if len(groups) > MAX_STORY_SENTENCES:
        groups = [groups[g] for g in sorted(_sample(groups))]
    groups = _merge_near(groups)
    originals = {doc.id: (doc.copy_of or doc.id) for doc in documents}
    counts = {doc.id: max(1, sum(1 for s in sentences.get(doc.id, []))) for doc in documents}
    candidates = [_candidate(members, counts, originals) for members in groups]
    candidates.sort(key=lambda c: c.order)
    return candidates


def _exact_groups(
    documents: Sequence[Document], sentences: dict[str, list[Sentence]]
) -> list[list[tuple[int, Sentence]]]:
    """The candidate sentences grouped by ``sentence_key``, each with its document's rank, in
    the order they first appear."""
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
    return groups


def _candidate(
    members: list[tuple[int, Sentence]], counts: dict[str, int], originals: dict[str, str]
) -> Candidate:
    """One group of sentences as a Candidate: the first document's text, citing those that
    carry it word for word, the others as related places."""
    members.sort(key=lambda m: (m[0], m[1].index))
    rank, first = members[0]
    shown = " ".join(first.text.split())
    exact = [s for _, s in members if " ".join(s.text.split()) == shown]
    citations: list[Citation] = []
    related: list[Citation] = []
    cited: set[str] = set()
    for sentence in exact + [s for _, s in members]:
        if sentence.doc_id in cited:
            continue  # a document repeating a sentence is cited once, at its first place
        cited.add(sentence.doc_id)
        place = Citation(sentence.doc_id, sentence.start, sentence.end)
        (citations if sentence in exact else related).append(place)
    return Candidate(
        text=first.text,
        citations=tuple(citations),
        position=first.index / counts[first.doc_id],
        order=(rank, first.index),
        support=len({originals[c.document] for c in citations + related}),
        related=tuple(related),
    )


SMALL_STORY = 200
"""Sentences of 8 words or more up to which their pairs are compared one by one, in
Python: the sparse products below would cost more in imports (scipy, 0.3 s) than a small
story (a single article) costs in comparisons."""


def _merge_near(groups: list[list[tuple[int, Sentence]]]) -> list[list[tuple[int, Sentence]]]:
    if len(groups) < 2:
        return groups
    words = [frozenset(sentence_key(group[0][1].text).split()) for group in groups]
    long = [g for g, w in enumerate(words) if len(w) >= 8]
    if len(long) < 2:
        return groups
    if len(long) <= SMALL_STORY:
        return _merge_near_small(groups, words, long)
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    # Binary word rows of the sentence keys, built directly: scikit-learn's CountVectorizer
    # costs milliseconds per call, and there is a call per story.
    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for group in groups:
        keys = sentence_key(group[0][1].text).split()
        indices.extend({vocabulary.setdefault(w, len(vocabulary)) for w in keys})
        indptr.append(len(indices))
    if not vocabulary:
        return groups
    matrix = csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(groups), len(vocabulary)))
    matrix.sort_indices()
    sizes = np.diff(np.asarray(indptr))
    # Only sentences of 8 words or more can be near-copies: the product is taken among them.
    rows_long = np.flatnonzero(sizes >= 8)
    rows = matrix[rows_long].tocsr()
    i, j = _candidate_pairs(rows)
    inter = np.asarray(rows[i].multiply(rows[j]).sum(axis=1)).ravel()
    union = sizes[rows_long[i]] + sizes[rows_long[j]] - inter
    keep = inter >= NEAR_SENTENCE * union
    if not keep.any():
        return groups
    from scipy.sparse import coo_matrix

    pairs = coo_matrix(
        (np.ones(int(keep.sum())), (rows_long[i[keep]], rows_long[j[keep]])), shape=(len(groups),) * 2
    )
    _, component = connected_components(pairs, directed=False)
    # Each merged group is named after its first member, as the union-find it replaces did.
    first: dict[int, int] = {}
    for index, label in enumerate(component):
        first.setdefault(int(label), index)
    parent = [first[int(label)] for label in component]

    def root(i: int) -> int:
        return parent[i]

    merged: dict[int, list[tuple[int, Sentence]]] = {}
    for i, group in enumerate(groups):
        merged.setdefault(root(i), []).extend(group)
    return list(merged.values())


def _merge_near_small(
    groups: list[list[tuple[int, Sentence]]], words: list[frozenset[str]], long: list[int]
) -> list[list[tuple[int, Sentence]]]:
    """``_merge_near`` for a few sentences: every pair of long ones compared, the same merges.

    The same test (shared words >= NEAR_SENTENCE × words of either), and each merged group
    named after its first member, members in the order of the groups.
    """
    parent = list(range(len(groups)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, i in enumerate(long):
        for j in long[a + 1 :]:
            inter = len(words[i] & words[j])
            if inter >= NEAR_SENTENCE * (len(words[i]) + len(words[j]) - inter):
                ri, rj = root(i), root(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
    merged: dict[int, list[tuple[int, Sentence]]] = {}
    for i, group in enumerate(groups):
        merged.setdefault(root(i), []).extend(group)
    return list(merged.values())


def _candidate_pairs(rows):  # type: ignore[no-untyped-def]
    """Pairs (i < j) of binary word rows that may have Jaccard >= NEAR_SENTENCE: all of them.

    Prefix filtering (Chaudhuri et al. 2006; Bayardo et al. 2007): with words ordered rarest
    first, two sets with Jaccard >= t share a word among the first ``size - ceil(t * size) + 1``
    of each. Joining on those prefixes (rare words) instead of on every word keeps the product
    sparse where common words would make it dense (every pair of a story's sentences).
    """
    import math

    import numpy as np
    from scipy.sparse import csr_matrix

    frequency = np.asarray(rows.sum(axis=0)).ravel()
    rank = np.empty(rows.shape[1], dtype=np.int64)
    rank[np.lexsort((np.arange(rows.shape[1]), frequency))] = np.arange(rows.shape[1])
    indptr, indices = rows.indptr, rows.indices
    keep_rows, keep_cols = [], []
    for r in range(rows.shape[0]):
        words = indices[indptr[r] : indptr[r + 1]]
        size = len(words)
        prefix = size - math.ceil(NEAR_SENTENCE * size - 1e-9) + 1
        chosen = words[np.argsort(rank[words], kind="stable")[:prefix]]
        keep_rows.append(np.full(len(chosen), r))
        keep_cols.append(chosen)
    prefixes = csr_matrix(
        (np.ones(sum(map(len, keep_cols))), (np.concatenate(keep_rows), np.concatenate(keep_cols))),
        shape=rows.shape,
    )
    pairs = (prefixes @ prefixes.T).tocoo()
    upper = pairs.row < pairs.col
    return pairs.row[upper], pairs.col[upper]
