"""Rank a story's candidate sentences with a sumy summarizer, then select and order them.

sumy ranks; digest adds what multi-document news needs: leads count for more, sentences
whose words the story's other sources also use count for more, sentences carried by
several sources count for more, fragments, run-ons and quotes count for less (the prior).
The selection then covers the most concepts (pairs of words) weighted by the sources that
use them, as an integer program (Gillick and Favre 2009), plus the prior of each word
picked; near-repeats are not picked together, the picks fill a sentence or word budget
without exceeding it, and are put back in reading order.
"""

from __future__ import annotations

import heapq
import math
import os
import re
import sys
import threading
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from digest.models import Candidate, Pick
from digest.settings import ALGORITHMS, Settings
from digest.stages.language import stemmer as _stemmer
from digest.stages.language import stop_words as _stop_words

WEIGHTS = {"algorithm": 0.25, "position": 0.35, "centrality": 0.3, "sources": 0.1, "coverage": 0.2}
"""How the score components add up to a score (each component is in [0, 1]).

Chosen on ../shared/data/multiling2011_en and checked on the single articles of
../shared/data/gum_wikinews (see benchmarks/): every weighting near this one scores within
about half a ROUGE point of it. News puts its main facts first, so the lead is the
strongest single signal; the sumy rating and cross-document centrality each add to it.
The prior is the weighted mean of all but ``coverage``; coverage, the concepts a
selection covers, is maximized by the selection itself (``summarize``), and the component
of that name only shows the share of the densest candidate's concept weight a pick holds.
"""
REDUNDANCY = 0.5
"""Share of content words that a sentence may have in common with a picked one."""
SHORT, LONG = 8, 40
"""Sentences of fewer words (fragments, captions) or more (run-ons, lists) count for less."""
QUOTED = 0.5
"""Share of a sentence inside quotation marks above which it counts for less: a digest
reports what happened, and quotes rarely say it."""
QUOTE_FACTOR = 0.8
"""What a mostly quoted sentence's score is multiplied by."""
CONCEPT_SOURCES = 1
"""Sources a concept (two consecutive words) must be found in to count for coverage. Every
concept counts, weighted by its sources: leaving out those of one source (Gillick and
Favre's rule) lost up to half a ROUGE point on stories of 3 and 5 articles of
multiling2011_en and changed little on 10, where a concept of one source weighs a tenth
of a concept of all."""

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_QUOTE_MARKS = re.compile('[“”"]')


class WordTokenizer:
    """The tokenizer sumy's Sentence needs: words only.

    sumy's own Tokenizer needs NLTK punkt data that pip does not install; sentences are
    already split by digest.stages.segment, so only ``to_words`` is ever called.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def to_words(self, text: str) -> tuple[str, ...]:
        """Words of a sentence."""
        return tuple(_WORD.findall(text))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """Sentences of a paragraph (one per line: digest.stages.segment has split them)."""
        return tuple(line for line in text.splitlines() if line.strip())


def sumy_classes() -> dict[str, Any]:
    """sumy's summarizer class for each algorithm name (imported on call: they import nltk)."""
    from sumy.summarizers import edmundson, kl, lex_rank, lsa, luhn, random, reduction, sum_basic, text_rank

    return {
        "lexrank": lex_rank.LexRankSummarizer,
        "textrank": text_rank.TextRankSummarizer,
        "lsa": lsa.LsaSummarizer,
        "luhn": luhn.LuhnSummarizer,
        "edmundson": edmundson.EdmundsonSummarizer,
        "kl": kl.KLSummarizer,
        "sumbasic": sum_basic.SumBasicSummarizer,
        "reduction": reduction.ReductionSummarizer,
        "random": random.RandomSummarizer,
    }


def _make_summarizer(name: str, language: str, titles: Sequence[str]) -> Any:
    summarizer = sumy_classes()[name](_stemmer(language))
    stop = _stop_words(language)
    if hasattr(summarizer, "stop_words"):
        summarizer.stop_words = stop
    if name == "edmundson":
        # Edmundson's cue method needs bonus and stigma words: the headlines' content words
        # are bonus words; words of attribution and promotion are stigma words.
        summarizer.bonus_words = [w for t in titles for w in _WORD.findall(t.lower()) if w not in stop]
        summarizer.stigma_words = ["click", "subscribe", "app", "advertisement", "newsletter", "reportedly"]
        summarizer.null_words = stop
    return summarizer


def rate(
    texts: Sequence[str],
    algorithm: str,
    language: str = "english",
    titles: Sequence[str] = (),
    native: bool = True,
) -> list[float]:
    """Score each text with sumy's ``algorithm``; higher is better.

    sumy returns only the chosen sentences; the ratings it computed are caught where every
    summarizer hands them to ``_get_best_sentences``, and read back by position (sumy's
    Sentence compares by text, so identical texts would collide in a lookup by text).
    Where sumy's implementation grows with the square of the sentences in pure Python,
    ``NATIVE`` holds a vectorized one that ranks the same (``native=False``: sumy's own).
    Ratings are rounded to 10 significant digits, so that a tie stays a tie whichever
    implementation summed the floating-point numbers.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}. Try one of: {', '.join(ALGORITHMS)}")
    if not texts:
        return []
    try:
        with warnings.catch_warnings():
            # numpy warns where degenerate input gives NaN ratings; those become 0 below. sumy's
            # LSA warns when a story has fewer words than sentences: a note for sumy's own
            # users, a two-line Python warning on digest's stderr.
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.filterwarnings("ignore", category=UserWarning, module="sumy")
            if native and algorithm in NATIVE:
                caught = NATIVE[algorithm](texts, language)
            else:
                caught = _rate_with_sumy(texts, algorithm, language, titles)
    except (ZeroDivisionError, ValueError):
        caught = []  # degenerate input (no content words): fall back to reading order
    if len(caught) != len(texts):
        return [float(len(texts) - i) for i in range(len(texts))]
    return [0.0 if value != value else _round(value) for value in caught]  # NaN never escapes


def _round(value: float) -> float:
    return float(f"{value:.10g}")


def _rate_with_sumy(
    texts: Sequence[str], algorithm: str, language: str, titles: Sequence[str], fast_lsa: bool = False
) -> list[float]:
    """The ratings sumy's summarizer computes, caught by position."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = WordTokenizer(language)
    sentences = [SumySentence(text, tokenizer) for text in texts]
    document = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = _make_summarizer(algorithm, language, titles)
    if fast_lsa:
        summarizer._compute_term_frequency = _lsa_term_frequency
        summarizer._compute_ranks = _lsa_ranks
    caught: list[float] = []

    def catch(sents: Sequence[Any], count: Any, rating: Any, *args: Any, **kwargs: Any) -> tuple[()]:
        for s in sents:
            value = rating[s] if isinstance(rating, dict) else rating(s, *args, **kwargs)
            caught.append(float(value))
        return ()

    summarizer._get_best_sentences = catch
    if algorithm == "random":
        import random as random_module

        random_module.seed(0)  # the same input gives the same digest
    summarizer(document, len(sentences))
    return caught


DENSE_LIMIT = 4_000_000
"""Sentences × words up to which _lexrank works on dense arrays."""


def _lexrank(texts: Sequence[str], language: str) -> list[float]:
    """sumy's LexRank (``LexRankSummarizer``, threshold 0.1, epsilon 0.1) with sparse matrices.

    The same words (lower-cased, stop words out, stemmed), the same tf (count over the
    sentence's highest count), idf (log(n / (1 + n_j))), idf-modified cosine, threshold,
    degree normalisation and power method; but the similarity matrix is a sparse product
    computed a block of rows at a time and only its entries above the threshold are kept,
    instead of n² cosines in Python and a dense n×n matrix.
    """

    import numpy as np

    tokenizer = WordTokenizer(language)
    stop = frozenset(w.lower() for w in _stop_words(language))
    stem = _stemmer(language)
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, text in enumerate(texts):
        counts: dict[int, int] = {}
        for word in tokenizer.to_words(text):
            word = word.lower()
            if word in stop:
                continue
            term = vocabulary.setdefault(stem(word), len(vocabulary))
            counts[term] = counts.get(term, 0) + 1
        top = max(counts.values()) if counts else 1
        for term, count in counts.items():
            rows.append(row)
            cols.append(term)
            values.append(count / top)
    n = len(texts)
    size = max(len(vocabulary), 1)
    containing = np.bincount(np.asarray(cols, dtype=np.int64), minlength=size)
    idf = np.array([math.log(n / (1 + c)) for c in containing])
    if n * size <= DENSE_LIMIT:
        # Small stories (nearly all): dense arrays, cheaper than building sparse ones.
        weights = np.zeros((n, size))
        weights[rows, cols] = values
        weights *= idf
        norms = np.sqrt((weights * weights).sum(axis=1))
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        unit = weights * inverse[:, None]
        adjacency_dense = ((unit @ unit.T) > 0.1).astype(np.float64)
        degrees = adjacency_dense.sum(axis=1)
        degrees[degrees == 0] = 1
        transition = (adjacency_dense / degrees[:, None]).T
    else:
        from scipy.sparse import csr_matrix, diags, vstack  # deferred: small stories need none

        tf = csr_matrix((values, (rows, cols)), shape=(n, size), dtype=np.float64)
        weights = (tf @ diags(idf)).tocsr()
        norms = np.sqrt(np.asarray(weights.multiply(weights).sum(axis=1)).ravel())
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        unit = (diags(inverse) @ weights).tocsr()
        transposed = unit.T.tocsc()
        blocks = []
        for start in range(0, n, 2000):
            block = (unit[start : start + 2000] @ transposed).tocsr()
            block.data = (block.data > 0.1).astype(np.float64)
            block.eliminate_zeros()
            blocks.append(block)
        adjacency = vstack(blocks).tocsr()
        degrees = np.asarray(adjacency.sum(axis=1)).ravel()
        degrees[degrees == 0] = 1
        transition = (diags(1.0 / degrees) @ adjacency).T.tocsr()
    p = np.full(n, 1.0 / n)
    change = 1.0
    while change > 0.1:
        following = transition @ p
        norm = np.linalg.norm(following)
        if norm == 0:  # no sentence links to any (e.g. every idf is 0): all rate 0, as in sumy
            p = following
            break
        following /= norm
        change = float(np.linalg.norm(following - p))
        p = following
    # sumy rates through a dict keyed by sentence text: identical texts share the last rating.
    last = dict(zip(texts, p.tolist(), strict=True))
    return [last[text] for text in texts]


def _kl(texts: Sequence[str], language: str) -> list[float]:
    """sumy's KL-Sum (``KLSummarizer``) with the divergences of all sentences computed at once.

    As sumy: the document's distribution is over its content words (stop words dropped as
    written, then lower-cased); each round, the sentence whose content words, joined to the
    words of the sentences already taken (sumy joins their raw words), give the smallest
    KL(document || joint) is taken; its rating is minus the round. sumy recomputes every
    joint distribution in Python each round (cubic); here each round is one pass over the
    sparse sentence × word counts: KL splits into a part shared by every sentence (the
    summary's words) and a correction for each sentence's own words.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    tokenizer = WordTokenizer(language)
    stop = _stop_words(language)
    vocabulary: dict[str, int] = {}
    content_rows, content_cols, raw_rows, raw_cols = [], [], [], []
    document_words: list[int] = []
    lengths, raw_lengths = [], []
    for row, text in enumerate(texts):
        words = tokenizer.to_words(text)
        content = [w.lower() for w in words if w.lower() not in stop]
        document_words.extend(
            vocabulary.setdefault(w.lower(), len(vocabulary)) for w in words if w not in stop
        )
        for w in content:
            content_rows.append(row)
            content_cols.append(vocabulary.setdefault(w, len(vocabulary)))
        for w in words:
            raw_rows.append(row)
            raw_cols.append(vocabulary.setdefault(w, len(vocabulary)))
        lengths.append(len(content))
        raw_lengths.append(len(words))
    n, size = len(texts), max(len(vocabulary), 1)
    counts = csr_matrix((np.ones(len(content_cols)), (content_rows, content_cols)), shape=(n, size))
    counts.sum_duplicates()
    raw = csr_matrix((np.ones(len(raw_cols)), (raw_rows, raw_cols)), shape=(n, size))
    raw.sum_duplicates()
    doc = np.bincount(np.asarray(document_words, dtype=np.int64), minlength=size) / max(
        len(document_words), 1
    )
    log_doc = np.log(np.where(doc > 0, doc, 1.0))
    coo = counts.tocoo()
    entry_row, entry_col, entry_count = coo.row, coo.col, coo.data
    in_doc = doc[entry_col] > 0
    entry_row, entry_col, entry_count = entry_row[in_doc], entry_col[in_doc], entry_count[in_doc]
    entry_doc, entry_log_doc = doc[entry_col], log_doc[entry_col]
    length = np.asarray(lengths, dtype=np.float64)
    summary = np.zeros(size)
    summary_length = 0.0
    remaining = np.ones(n, dtype=bool)
    ratings: dict[str, float] = {}
    for _ in range(n):
        # Words of the summary: present in every sentence's joint distribution.
        shared = (summary > 0) & (doc > 0)
        base = float(np.sum(doc[shared] * (log_doc[shared] - np.log(np.where(shared, summary, 1.0)[shared]))))
        base_mass = float(doc[shared].sum())
        joint = entry_count + summary[entry_col]
        own = entry_doc * (entry_log_doc - np.log(joint))
        in_summary = summary[entry_col] > 0
        correction = np.where(
            in_summary,
            own - entry_doc * (entry_log_doc - np.log(np.where(in_summary, summary[entry_col], 1.0))),
            own,
        )
        mass = np.where(in_summary, 0.0, entry_doc)
        kl = base + np.bincount(entry_row, weights=correction, minlength=n)
        total_mass = base_mass + np.bincount(entry_row, weights=mass, minlength=n)
        kl = (
            kl
            + np.log(length + summary_length, where=(length + summary_length) > 0, out=np.zeros(n))
            * total_mass
        )
        kl = np.round(kl, 9)
        kl[~remaining] = np.inf
        best = int(np.argmin(kl))
        remaining[best] = False
        ratings[texts[best]] = float(-len(ratings))  # as sumy: a repeated text keeps the count
        start, end = raw.indptr[best], raw.indptr[best + 1]
        np.add.at(summary, raw.indices[start:end], raw.data[start:end])
        summary_length += raw_lengths[best]
    return [ratings[text] for text in texts]


def _lsa_term_frequency(matrix: Any, smooth: float = 0.4) -> Any:
    """sumy's ``LsaSummarizer._compute_term_frequency`` as array operations (the same floats)."""
    import numpy as np

    top = np.max(matrix, axis=0)
    safe = np.where(top != 0, top, 1.0)
    return np.where(top != 0, smooth + (1.0 - smooth) * (matrix / safe), matrix)


def _lsa_ranks(sigma: Any, v_matrix: Any) -> list[float]:
    """sumy's ``LsaSummarizer._compute_ranks`` as array operations."""
    import numpy as np
    from sumy.summarizers.lsa import LsaSummarizer

    dimensions = max(LsaSummarizer.MIN_DIMENSIONS, int(len(sigma) * LsaSummarizer.REDUCTION_RATIO))
    powered = np.where(np.arange(len(sigma)) < dimensions, np.asarray(sigma) ** 2, 0.0)
    ranks = np.sqrt((powered[:, None] * np.asarray(v_matrix) ** 2).sum(axis=0))
    return ranks.tolist()


def _lsa(texts: Sequence[str], language: str) -> list[float]:
    """sumy's LSA, its two loops over every cell of the word × sentence matrix vectorized.

    The SVD runs on one BLAS thread: on a busy machine OpenBLAS threads spinning against
    each other made the SVD of a 10-article story take seconds instead of a tenth of one.
    """
    from threadpoolctl import threadpool_limits  # comes with scikit-learn

    with threadpool_limits(limits=1, user_api="blas"):
        return _rate_with_sumy(texts, "lsa", language, (), fast_lsa=True)


def _shared_words(texts: Sequence[str], language: str) -> tuple[Any, Any]:
    """For sumy's Reduction and TextRank: the number of word pairs two sentences share
    (sum over their words of equal words: the product of their stem counts), for every pair,
    and each sentence's number of words (lower-cased, stop words out, stemmed, as sumy's
    ``_to_words_set``)."""
    import numpy as np

    tokenizer = WordTokenizer(language)
    stop = frozenset(w.lower() for w in _stop_words(language))
    stem = _stemmer(language)
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, text in enumerate(texts):
        for word in tokenizer.to_words(text):
            word = word.lower()
            if word not in stop:
                rows.append(row)
                cols.append(vocabulary.setdefault(stem(word), len(vocabulary)))
    n, size = len(texts), max(len(vocabulary), 1)
    lengths = np.bincount(np.asarray(rows, dtype=np.int64), minlength=n).astype(np.float64)
    if n * size <= DENSE_LIMIT:
        counts = np.zeros((n, size))
        np.add.at(counts, (rows, cols), 1.0)
        return counts @ counts.T, lengths
    from scipy.sparse import csr_matrix  # deferred: small stories need none

    sparse = csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(n, size))
    return (sparse @ sparse.T).toarray(), lengths


def _edges(shared: Any, lengths: Any) -> Any:
    """shared / (log len_i + log len_j) where they share a word, else 0 (sumy's edge rating)."""
    import numpy as np

    logs = np.log(np.where(lengths > 0, lengths, 1.0))
    norm = logs[:, None] + logs[None, :]
    return np.divide(shared, norm, out=np.zeros_like(shared), where=(shared > 0) & (norm != 0))


def _reduction(texts: Sequence[str], language: str) -> list[float]:
    """sumy's Reduction (``ReductionSummarizer``): a sentence's rating is the sum of its edge
    ratings to every other sentence; sumy loops over the pairs and their words in Python
    (quartic in the worst case), here one matrix product. As sumy's dict keyed by sentence
    text: identical texts pool their ratings."""
    edges = _edges(*_shared_words(texts, language))
    edges[range(len(texts)), range(len(texts))] = 0.0
    pooled: dict[str, float] = {}
    for text, total in zip(texts, edges.sum(axis=1).tolist(), strict=True):
        pooled[text] = pooled.get(text, 0.0) + total
    return [pooled[text] for text in texts]


def _textrank(texts: Sequence[str], language: str) -> list[float]:
    """sumy's TextRank (``TextRankSummarizer``: damping 0.85, epsilon 1e-4): the same edge
    matrix (a sentence with itself included; two one-word sentences rate their shared word
    1) built by one matrix product instead of a Python loop over the pairs, then sumy's
    row normalisation and power method."""
    import numpy as np

    shared, lengths = _shared_words(texts, language)
    weights = _edges(shared, lengths)
    single = (lengths == 1)[:, None] & (lengths == 1)[None, :]
    weights = np.where(single, shared, weights)
    weights /= weights.sum(axis=1)[:, np.newaxis] + 1e-7  # sumy's _ZERO_DIVISION_PREVENTION
    n = len(texts)
    damping = 0.85
    transposed = (np.full((n, n), (1.0 - damping) / n) + damping * weights).T
    ranks = np.full(n, 1.0 / n)  # sumy's power_method (without importing sumy's summarizers: nltk)
    change = 1.0
    while change > 1e-4:
        following = np.dot(transposed, ranks)
        change = float(np.linalg.norm(np.subtract(following, ranks)))
        ranks = following
    last = dict(zip(texts, ranks.tolist(), strict=True))  # identical texts: the last rating
    return [last[text] for text in texts]


NATIVE: dict[str, Callable[[Sequence[str], str], list[float]]] = {
    "lexrank": _lexrank,
    "lsa": _lsa,
    "kl": _kl,
    "reduction": _reduction,
    "textrank": _textrank,
}
"""Vectorized implementations that rank as sumy's own (tests/pipeline/test_scale.py)."""


def _rank_normalize(values: Sequence[float]) -> list[float]:
    """Map scores to [0, 1] by rank (ties share a rank): comparable across algorithms."""
    n = len(values)
    if n == 1:
        return [1.0]
    order = sorted(set(values))
    rank = {v: i for i, v in enumerate(order)}
    top = max(len(order) - 1, 1)
    return [rank[v] / top for v in values]


def _words(text: str, language: str) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The content words of a sentence (lower-cased, stemmed, without stop words) and its
    ``_concepts``, its words found and stemmed once."""
    stem = _stemmer(language)
    stop = _stop_words(language)
    words = _WORD.findall(text.lower())
    stems = [stem(w) for w in words]
    content = frozenset(s for w, s in zip(words, stems, strict=True) if w not in stop)
    concepts = frozenset(
        (stems[k], stems[k + 1])
        for k in range(len(words) - 1)
        if words[k] not in stop or words[k + 1] not in stop
    )
    return content, concepts


def _lead(candidates: Sequence[Candidate]) -> list[float]:
    """1 for a document's first candidate sentence, 1/2 for its second, and so on.

    A sentence carried by several documents takes its best place among them. Counting
    candidates, not all sentences, keeps titles, datelines and captions from pushing the
    real lead down.
    """
    by_document: dict[str, list[tuple[int, int]]] = {}
    for i, candidate in enumerate(candidates):
        for citation in candidate.carriers:
            by_document.setdefault(citation.document, []).append((citation.start, i))
    best = [len(candidates)] * len(candidates)
    for places in by_document.values():
        places.sort()
        for rank, (_, i) in enumerate(places):
            best[i] = min(best[i], rank)
    return [1.0 / (1 + rank) for rank in best]


def _by_source(candidates: Sequence[Candidate], items: Sequence[frozenset[Any]]) -> list[set[Any]]:
    """For each of the story's sources, the union of ``items`` (one set per candidate) over
    the candidates it carries.

    Copies of one article count as one source: documents that carry a sentence that only
    one original carries are the same source.
    """
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        parent.setdefault(doc, doc)
        while parent[doc] != doc:
            parent[doc] = parent[parent[doc]]
            doc = parent[doc]
        return doc

    for candidate in candidates:
        docs = [root(c.document) for c in candidate.carriers]
        if candidate.support == 1:
            for other in docs[1:]:
                if other != docs[0]:
                    parent[other] = docs[0]
    union: dict[str, set[Any]] = {}
    for candidate, these in zip(candidates, items, strict=True):
        for c in candidate.carriers:
            union.setdefault(root(c.document), set()).update(these)
    return list(union.values())


def _centrality(candidates: Sequence[Candidate], contents: Sequence[frozenset[str]]) -> list[float]:
    """Cross-document centrality: how many of the story's sources use a sentence's words.

    The mean, over a sentence's content words (stemmed), of the share of sources whose
    candidate sentences contain that word: a sentence about what every source reports
    scores high, a detail only one source gives scores low, whatever its length. Copies
    of one article count as one source (``_by_source``). 0 for every sentence of a
    one-source story.
    """
    words = _by_source(candidates, contents)
    if len(words) < 2:
        return [0.0] * len(candidates)
    frequency: dict[str, int] = {}
    for vocabulary in words:
        for word in vocabulary:
            frequency[word] = frequency.get(word, 0) + 1
    return [
        sum(frequency[w] for w in content) / (len(content) * len(words)) if content else 0.0
        for content in contents
    ]


def _concepts(text: str, language: str) -> frozenset[tuple[str, str]]:
    """The concepts of a sentence: pairs of consecutive words (lower-cased, then stemmed),
    leaving out pairs of two stop words."""
    return _words(text, language)[1]


def _concept_weights(
    candidates: Sequence[Candidate], concepts: Sequence[frozenset[tuple[str, str]]]
) -> dict[tuple[str, str], int]:
    """Weight of each concept: the number of the story's sources that use it (copies of one
    article count as one, ``_by_source``), for those that at least ``CONCEPT_SOURCES`` use.

    In a story of one source, what the article comes back to is what it is about: the
    number of its candidate sentences that hold the concept, for those that two or more hold
    (on gum_wikinews's single articles, 1.1 to 1.5 points of ROUGE-1 and ROUGE-2 over the
    prior alone).
    """
    sources = _by_source(candidates, concepts)
    weight: dict[tuple[str, str], int] = {}
    if len(sources) < 2:
        for found in concepts:
            for concept in found:
                weight[concept] = weight.get(concept, 0) + 1
        return {c: n for c, n in weight.items() if n >= 2}
    for held in sources:
        for concept in held:
            weight[concept] = weight.get(concept, 0) + 1
    return {c: n for c, n in weight.items() if n >= CONCEPT_SOURCES}


def _quoted_share(text: str) -> float:
    """Share of a sentence's characters inside quotation marks (a quote left open runs to the end)."""
    inside = False
    count = last = 0
    for mark in _QUOTE_MARKS.finditer(text):  # from mark to mark: no per-character loop
        if inside:
            count += mark.start() - last
        inside = mark.group() == "“" or (mark.group() == '"' and not inside)
        last = mark.end()
    if inside:
        count += len(text) - last
    return count / len(text) if text else 0.0


def _form(text: str) -> float:
    """Multiplier in (0, 1] for what makes a sentence a poor digest line: its length, quotes."""
    words = len(text.split())
    factor = 1.0
    if words < SHORT:
        factor = words / SHORT
    elif words > LONG:
        factor = max(LONG / words, 0.5)
    if _quoted_share(text) > QUOTED:
        factor *= QUOTE_FACTOR
    return factor


SELECTION_LIMIT = 1000
"""Candidates above which the greedy selection runs instead of the exact integer program."""
ILP_MAX_PAIRS = 5 * SELECTION_LIMIT
"""Redundant pairs (one constraint each) above which the greedy selection runs: a story whose
sentences nearly all repeat each other (a 40-word vocabulary, 1,000 sentences: 85,000 pairs)
made one integer program take 14 s at its root. Real stories stay far below: 523 pairs at
most for the 989 candidates of all ten MultiLing stories summarized as one."""
ILP_NODES = 5000
"""Branch-and-bound nodes the integer program may take; past them, the best selection found so
far is kept. A count of work, not a time: the same story gives the same summary on a loaded
machine and an idle one (a 1 s time limit made a cached build differ from a fresh one)."""
ILP_SAFETY_SECONDS = 60.0
"""A time limit only against a pathological problem (none is known): well past ILP_NODES."""
PRIOR_SHARE = 4.0
"""What the prior (position, centrality, sumy rating, sources, form) is worth per word,
relative to the concept weight per word of the densest candidate: concepts decide what a
story's summary covers, the prior decides between selections that cover about as much.
Both parts grow with the words picked, so their balance is the same at 50 words or 400."""


def _prior(components: dict[str, float]) -> float:
    """A candidate's prior score in [0, 1]: the weighted sum of its fixed components (all of
    ``WEIGHTS`` but coverage, which the selection maximizes itself) times its ``form``."""
    fixed = {k: w for k, w in WEIGHTS.items() if k != "coverage"}
    return components["form"] * sum(w * components[k] for k, w in fixed.items()) / sum(fixed.values())


def _redundant_pairs(contents: Sequence[frozenset[str]]) -> list[tuple[int, int]]:
    """Pairs of candidates that repeat each other (``REDUNDANCY``): never both picked."""
    index: dict[str, list[int]] = {}
    for i, content in enumerate(contents):
        for word in content:
            index.setdefault(word, []).append(i)
    pairs = []
    for i, content in enumerate(contents):
        shared: dict[int, int] = {}
        for word in content:
            for j in index[word]:
                if j > i:
                    shared[j] = shared.get(j, 0) + 1
        for j, n in shared.items():
            if n > REDUNDANCY * min(len(content), len(contents[j])):
                pairs.append((i, j))
    return pairs


def _knapsack(
    values: Sequence[float], costs: Sequence[int], budget: int, pairs: Sequence[tuple[int, int]]
) -> list[int]:
    """The candidates of greatest total value whose costs fit in ``budget``: dynamic
    programming over the budget (exact), then any pick that repeats a better one dropped."""
    best = [0.0] * (budget + 1)
    taken: list[list[bool]] = []
    for value, cost in zip(values, costs, strict=True):
        row = [False] * (budget + 1)
        if value > 0:
            for b in range(budget, cost - 1, -1):
                if best[b - cost] + value > best[b]:
                    best[b] = best[b - cost] + value
                    row[b] = True
        taken.append(row)
    chosen, b = [], budget
    for i in range(len(values) - 1, -1, -1):
        if taken[i][b]:
            chosen.append(i)
            b -= costs[i]
    clash: dict[int, set[int]] = {i: set() for i in chosen}
    for i, j in pairs:
        if i in clash and j in clash:
            clash[i].add(j)
            clash[j].add(i)
    kept: list[int] = []
    for i in sorted(chosen, key=lambda i: -values[i]):
        if not clash[i] & set(kept):
            kept.append(i)
    return kept


_HIGHS_LOCK = threading.Lock()
_highs_greeted = False


def _highs() -> Any:
    """A HiGHS solver that prints nothing.

    The first solver a process makes prints HiGHS's banner on file descriptor 1 before any
    option can be set: that one is made with descriptor 1 sent to /dev/null for the moment.
    """
    import highspy

    global _highs_greeted
    with _HIGHS_LOCK:
        if _highs_greeted:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "wb") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _highs_greeted = True
    h.setOptionValue("output_flag", False)
    return h


def _ilp(
    weights: dict[tuple[str, str], float],
    concepts: Sequence[frozenset[tuple[str, str]]],
    bonus: Sequence[float],
    costs: Sequence[int],
    budget: int,
    pairs: Sequence[tuple[int, int]],
) -> tuple[list[int], bool]:
    """Gillick and Favre's (2009) concept coverage, solved exactly with HiGHS.

    Maximize sum_c w_c z_c + sum_i bonus_i x_i subject to sum_i cost_i x_i <= budget,
    z_c <= sum of the x_i of the candidates that hold concept c, x_i + x_j <= 1 for
    redundant pairs; x binary, z in [0, 1] (integral at the optimum). Returns the picks
    and whether the optimum was proven (False: the node limit kept the best found).
    """
    import highspy
    import numpy as np

    n = len(costs)
    ids = {c: k for k, c in enumerate(weights)}
    h = _highs()
    h.setOptionValue("mip_max_nodes", ILP_NODES)
    h.setOptionValue("time_limit", ILP_SAFETY_SECONDS)
    h.setOptionValue("threads", 1)
    inf = highspy.kHighsInf
    m = len(ids)
    costs_vec = np.concatenate(
        [np.asarray(bonus, dtype=np.float64), np.asarray(list(weights.values()), dtype=np.float64)]
    )
    h.addVars(n + m, np.zeros(n + m), np.ones(n + m))
    h.changeColsCost(n + m, np.arange(n + m, dtype=np.int32), costs_vec)
    h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    holders: list[list[int]] = [[] for _ in range(m)]
    for i, found in enumerate(concepts):
        for c in found:
            k = ids.get(c)
            if k is not None:
                holders[k].append(i)
    starts, indices, values = [0], list(range(n)), [float(c) for c in costs]
    lower, upper = [-inf], [float(budget)]
    for k, held in enumerate(holders):
        indices += [n + k, *held]
        values += [1.0] + [-1.0] * len(held)
        starts.append(len(indices) - len(held) - 1)
        lower.append(-inf)
        upper.append(0.0)
    for i, j in pairs:
        starts.append(len(indices))
        indices += [i, j]
        values += [1.0, 1.0]
        lower.append(-inf)
        upper.append(1.0)
    h.addRows(
        len(lower),
        np.asarray(lower),
        np.asarray(upper),
        len(indices),
        np.asarray(starts, dtype=np.int32),
        np.asarray(indices, dtype=np.int32),
        np.asarray(values, dtype=np.float64),
    )
    h.run()
    status = h.getModelStatus()
    solution = h.getSolution()
    if not solution.value_valid:
        return [], False
    picked = [i for i, v in enumerate(solution.col_value[:n]) if v > 0.5]
    return picked, status == highspy.HighsModelStatus.kOptimal


def _greedy(
    weights: dict[tuple[str, str], float],
    concepts: Sequence[frozenset[tuple[str, str]]],
    bonus: Sequence[float],
    costs: Sequence[int],
    budget: int,
    contents: Sequence[frozenset[str]],
) -> list[int]:
    """The same objective as ``_ilp`` picked greedily: each time, the candidate that adds the
    most concept weight and bonus per word (cost) and still fits, skipping repeats; gains
    only fall as concepts are covered, so the best is found lazily."""
    covered: set[tuple[str, str]] = set()

    def gain(i: int) -> float:
        return (sum(weights.get(c, 0.0) for c in concepts[i] if c not in covered) + bonus[i]) / costs[i]

    queue = [(-gain(i), i) for i in range(len(costs))]
    heapq.heapify(queue)
    picked: list[int] = []
    used = 0
    while queue:
        _, i = heapq.heappop(queue)
        g = gain(i)
        if queue and -g > queue[0][0]:
            heapq.heappush(queue, (-g, i))
            continue
        if g <= 0 or used + costs[i] > budget:
            continue
        if any(
            len(contents[i] & contents[j]) > REDUNDANCY * min(len(contents[i]), len(contents[j]))
            for j in picked
        ):
            continue
        picked.append(i)
        covered |= concepts[i]
        used += costs[i]
    return picked


def summarize(candidates: Sequence[Candidate], settings: Settings, titles: Sequence[str] = ()) -> list[Pick]:
    """Pick a story's sentences within the budget, without redundancy, in reading order.

    Each candidate has a prior (``_prior``: position, centrality, sumy rating, sources,
    times its form) and concepts (``_concepts``), weighted by the number of the story's
    sources that use them, or with one source by the sentences that hold them
    (``_concept_weights``). The selection maximizes the weight of the
    concepts covered plus the prior of every word picked (``PRIOR_SHARE``), within the budget
    (words, or sentences), never two that repeat each other (``REDUNDANCY``):

    - ``ilp``: solved exactly as an integer program (``_ilp``, HiGHS);
    - ``greedy``: above ``SELECTION_LIMIT`` candidates, or if the solver finds nothing in
      ``ILP_NODES`` (``_greedy``);
    - ``knapsack``: where no concept counts (one source that never repeats a concept), the
      prior alone, per word, exactly by dynamic programming (``_knapsack``).

    Each pick's components say which (``selection``); ``coverage`` is the share of the
    densest candidate's concept weight that the pick holds. The word budget is never
    exceeded, unless no candidate fits in it: then the one of best prior among the shortest
    is the summary.
    """
    if not candidates:
        return []
    texts = [c.text for c in candidates]
    contents, concepts = [], []
    for text in texts:
        content, concept = _words(text, settings.language)
        contents.append(content)
        concepts.append(concept)
    weight = _concept_weights(candidates, concepts)
    costs, budget = _costs(texts, settings)
    held = [sum(weight.get(c, 0) for c in found) for found in concepts]
    components = _components(candidates, contents, held, settings, titles)
    prior = [_prior(c) for c in components]
    picked, method = _chosen(weight, concepts, contents, held, prior, costs, budget)
    picks = [Pick(candidates[i], round(prior[i], 4), {**components[i], "selection": method}) for i in picked]
    picks.sort(key=lambda p: p.candidate.order)
    return picks


def _costs(texts: Sequence[str], settings: Settings) -> tuple[list[int], int]:
    """Each candidate's cost and the budget: words (at least 1 a sentence), or sentences."""
    if settings.words is not None:
        return [max(len(text.split()), 1) for text in texts], settings.words
    return [1] * len(texts), settings.sentence_budget


def _chosen(
    weight: Any,
    concepts: list[Any],
    contents: Sequence[frozenset[str]],
    held: Sequence[float],
    prior: Sequence[float],
    costs: list[int],
    budget: int,
) -> tuple[list[int], str]:
    """The indices picked among the candidates that fit the budget (``_select``), and how;
    with none that fits, the one of best prior among the shortest ("shortest")."""
    fits = [i for i in range(len(costs)) if costs[i] <= budget]
    if not fits:
        shortest = min(costs)
        return [
            max((i for i in range(len(costs)) if costs[i] == shortest), key=lambda i: prior[i])
        ], "shortest"
    top_density = max(h / c for h, c in zip(held, costs, strict=True)) if weight else 0.0
    found, method = _select(
        weight,
        [concepts[i] for i in fits],
        [prior[i] for i in fits],
        [costs[i] for i in fits],
        budget,
        [contents[i] for i in fits],
        top_density,
    )
    return [fits[k] for k in found], method


def _components(
    candidates: Sequence[Candidate],
    contents: Sequence[frozenset[str]],
    held: Sequence[float],
    settings: Settings,
    titles: Sequence[str],
) -> list[dict[str, float]]:
    """What each candidate's prior is made of, each in [0, 1] (the JSON's ``components``)."""
    texts = [c.text for c in candidates]
    algo = _rank_normalize(rate(texts, settings.algorithm, settings.language, titles))
    lead = _lead(candidates)
    central = _rank_normalize(_centrality(candidates, contents))
    top_support = max(c.support for c in candidates)
    top_held = max(held) or 1
    return [
        {
            "algorithm": round(algo[i], 4),
            "position": round(lead[i], 4),
            "centrality": round(central[i], 4),
            "sources": round(c.support / top_support, 4) if top_support > 1 else 0.0,
            "coverage": round(held[i] / top_held, 4),
            "form": round(_form(texts[i]), 4),
        }
        for i, c in enumerate(candidates)
    ]


def _select(
    weight: Any,
    concepts: list[Any],
    prior: list[float],
    costs: list[int],
    budget: int,
    contents: Sequence[frozenset[str]],
    top_density: float,
) -> tuple[list[int], str]:
    """The candidates that fit (by index), and the method that chose them (see ``summarize``)."""
    pairs = _redundant_pairs(contents) if len(costs) <= SELECTION_LIMIT else []
    if not weight:
        return _knapsack([p * c for p, c in zip(prior, costs, strict=True)], costs, budget, pairs), "knapsack"
    scale = PRIOR_SHARE * top_density
    bonus = [scale * p * c for p, c in zip(prior, costs, strict=True)]
    if len(costs) <= SELECTION_LIMIT and len(pairs) <= ILP_MAX_PAIRS:
        found, _ = _ilp(weight, concepts, bonus, costs, budget, pairs)
        if found:
            return found, "ilp"
    return _greedy(weight, concepts, bonus, costs, budget, contents), "greedy"
