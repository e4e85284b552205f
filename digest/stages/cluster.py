"""Group documents into stories: an article joins a story only on evidence that it reports the
same event.

Precision first: merging two stories is a worse error for a reader than showing one story twice,
and most real inputs are mostly stories of one article. For every pair of articles the evidence
is read as the probability that both report the same event (``same_event``), from

- ``body``: cosine of the TF-IDF vectors of title and text;
- ``lead``: cosine of the title and the first LEAD_WORDS words (what a report leads with);
- ``names``: cosine of the proper names (capitalised words inside sentences, acronyms), which
  tell two earthquakes, two rehab stories or two shootings apart;
- ``content``: cosine of title and text without the names (what happened), and its geometric
  mean with ``names``;
- ``title``: cosine of the titles alone;
- ``salient``: the share of their TOP_TERMS heaviest terms the two have in common;
- ``rare names``: cosine of the names that are no words of the language, and how many they share;
- ``days``: log(1 + days between their publication dates) where both are known: reports days
  apart need more evidence than reports of one day (see ``design``).

The IDF of a word blends its document frequency in the input with a general-language prior
(the ``wordfreq`` package's word frequencies for ``--language``, PRIOR_DOCS pseudo-documents of
PRIOR_LENGTH words): a briefing of ten articles weighs "police" and "Lavrov" as a corpus of
thousands would, and a corpus of thousands mostly by its own frequencies. Words that most
documents of the language contain are stop words.

The weights of the evidence are a logistic model fitted on labelled pairs of real news (one news
day of 181 web pages and the ECB+ similar-event pairs, odd topics: ``python
benchmarks/grouping.py --fit``). Only pairs whose body cosine is at least CANDIDATE are weighed.
Stories are average-linkage clusters of these probabilities: two groups merge while the mean
probability over their pairs of articles is over the threshold (``--grouping``: THRESHOLDS, or a
number in (0, 1)).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from digest.errors import TooMuchInput
from digest.models import Document

THRESHOLDS = {"strict": 0.6, "default": 0.3, "loose": 0.15}
"""--grouping: the mean probability of "same event" over two groups' pairs above which they merge."""
DEFAULT_THRESHOLD = THRESHOLDS["default"]

WEIGHTS = (5.48, 4.58, 8.01, 1.73, 0.60, 4.85, 3.15, 2.68, 0.32, -0.96)
"""The logistic model's weight of each input (INPUTS order); fitted by
``python benchmarks/grouping.py --fit`` (see benchmarks/results/grouping.txt)."""
BIAS = -6.80
"""Its intercept."""

PRIOR_DOCS = 20.0
"""Pseudo-documents of the general-language prior in each word's document frequency."""
PRIOR_LENGTH = 400.0
"""Words per pseudo-document: a word of frequency f is in one with probability 1 - exp(-f * this)."""
STOP_SHARE = 0.3
"""A word that the prior puts in more than this share of documents is a stop word."""
LEAD_WORDS = 50
TOP_TERMS = 20
FLOOR = 0.01
"""Probabilities at or under this count as 0 in the graph of pairs (they cannot merge anything)."""

_WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*[^\W_])?")


@lru_cache(maxsize=1)
def _capital() -> re.Pattern[str]:
    """A _WORD that starts with a capital letter (the same span _WORD matches there), in group 2;
    group 1 is not empty when the word starts a sentence: after . ! ? : ; a dash, a bar, a bullet
    or a line break, opening quotes and brackets skipped."""
    upper = "".join(re.escape(chr(c)) for c in range(0x10000) if chr(c).isupper() and chr(c).isalpha())
    start = "([" + re.escape(_SENTENCE_END) + "][" + re.escape(_OPENING) + "]*)?"
    return re.compile(start + r"(?<![\w'’\-])([" + upper + r"](?:[\w'’\-]*[^\W_])?)")


_OPENING = " \t\"'“‘«(["
_SENTENCE_END = ".!?:;\n—–|•"

# sumy's and NLTK's language names -> wordfreq's language codes.
_CODES = {
    "arabic": "ar",
    "bulgarian": "bg",
    "catalan": "ca",
    "chinese": "zh",
    "czech": "cs",
    "danish": "da",
    "dutch": "nl",
    "english": "en",
    "finnish": "fi",
    "french": "fr",
    "german": "de",
    "greek": "el",
    "hebrew": "he",
    "hindi": "hi",
    "hungarian": "hu",
    "indonesian": "id",
    "italian": "it",
    "japanese": "ja",
    "korean": "ko",
    "latvian": "lv",
    "lithuanian": "lt",
    "norwegian": "nb",
    "persian": "fa",
    "polish": "pl",
    "portuguese": "pt",
    "romanian": "ro",
    "russian": "ru",
    "slovak": "sk",
    "slovene": "sl",
    "slovenian": "sl",
    "spanish": "es",
    "swedish": "sv",
    "tamil": "ta",
    "turkish": "tr",
    "ukrainian": "uk",
    "vietnamese": "vi",
}


def threshold_of(grouping: str) -> float:
    """The threshold that ``--grouping`` names: a preset (THRESHOLDS) or a number in (0, 1).

    Raises:
        ValueError: neither.
    """
    if grouping.strip().lower() in THRESHOLDS:
        return THRESHOLDS[grouping.strip().lower()]
    else:
        try:
            value = float(grouping)
        except ValueError:
            raise ValueError(
                f"{grouping!r} is not one of {', '.join(THRESHOLDS)} or a number between 0 and 1"
            ) from None
    if not 0.0 < value < 1.0 or not math.isfinite(value):
        raise ValueError(f"{grouping!r}: a grouping threshold is a number between 0 and 1 (exclusive)")
    return value


@lru_cache(maxsize=4)
def _prior(language: str) -> dict[str, float]:
    """Word frequencies of the language (wordfreq's small list), or {} when it has none."""
    code = _CODES.get(language.lower(), language.lower())
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - a dependency; without it the corpus alone counts
        return {}
    try:
        return dict(wordfreq.get_frequency_dict(code, wordlist="small"))
    except (LookupError, ValueError, OSError):
        return {}


def _stop_words(language: str) -> frozenset[str]:
    """sumy's stop words of the language (those the summaries leave out), when it has them."""
    from digest.stages.language import stop_words

    try:
        return stop_words(language)
    except LookupError:
        return frozenset()


def _fold(word: str) -> str:
    return word.lower().replace("’", "'")


NOUN_CAPITALS = frozenset({"german"})
"""Languages that capitalise every noun: there a capitalised word is a name only when it is no
word of the language."""


def _names(text: str, prior: dict[str, float], nouns_capitalised: bool = False) -> list[tuple[str, str]]:
    """(folded, as written) of the proper names in ``text``: capitalised words that do not
    start a sentence (after . ! ? : ; a dash, a bar or a line break, opening quotes skipped),
    words of two or more capitals anywhere, and capitalised words that start a sentence but are
    not words of the language (not in its word-frequency list)."""
    found = []
    for initial, word in _capital().findall("\n" + text):  # the line break: the text starts a sentence
        if len(word) < 2:
            continue
        folded = word.lower().replace("’", "'")
        if not word.isupper():
            if nouns_capitalised and prior and folded in prior:
                continue
            if initial and (not prior or folded in prior):
                continue
        found.append((folded, word))
    return found


@dataclass(frozen=True)
class Evidence:
    """What the grouping reads of each document, row i for document i (CSR matrices of
    L2-normalised TF-IDF rows over one vocabulary)."""

    body: Any
    """Title and text."""
    lead: Any
    """The title and the first LEAD_WORDS words."""
    names: Any
    """The proper names of the title and text."""
    content: Any
    """Title and text without their names: what happened, where ``names`` say who and where."""
    title: Any
    """The title."""
    top: Any
    """1 at each document's TOP_TERMS heaviest terms of body + lead."""
    rare: Any
    """The names that are not words of the language (not in its word-frequency list): the people,
    places and things particular to a story, where names like Pacific or Survey are not."""
    specific: Any
    """1 at each of those names (their product counts the names two documents share)."""
    days: Any
    """Publication day (proleptic ordinal) as floats, NaN where unknown."""
    terms: tuple[str, ...]
    """Each column's word (for names, as first written)."""


def _day(published: str | None) -> float:
    try:
        return float(date.fromisoformat((published or "")[:10]).toordinal())
    except ValueError:
        return math.nan


class _Vocabulary(dict[str, int]):
    """Word -> column, a new word getting the next column."""

    def __missing__(self, word: str) -> int:
        self[word] = column = len(self)
        return column


def _unit_rows(matrix: Any) -> Any:
    """``sklearn.preprocessing.normalize(matrix)`` of a float64 CSR matrix, to the last bit,
    in place: each row divided by its L2 norm (rows of zeros left so), the squares summed in
    row order as sklearn's loop sums them. scikit-learn's import took 0.6 s of a build.

    Summed one position of every row at a time: numpy's own sums pair the terms up
    (another rounding), but each ``+`` here is one rounding of one row's running sum.
    """
    import numpy as np

    lengths = np.diff(matrix.indptr)
    squares = matrix.data * matrix.data
    order = np.argsort(-lengths, kind="stable")  # the longest rows first
    starts, remaining = matrix.indptr[:-1][order], lengths[order]
    sums = np.zeros(matrix.shape[0])
    active = len(order)
    for k in range(int(remaining[0]) if active else 0):
        while remaining[active - 1] <= k:
            active -= 1
        sums[order[:active]] += squares[starts[:active] + k]
    norms = np.sqrt(sums)
    norms[sums == 0.0] = 1.0
    matrix.data /= np.repeat(norms, lengths)
    return matrix


def evidence(documents: Sequence[Document], language: str = "english") -> Evidence:
    """The vectors ``same_event`` compares, for ``documents``."""
    import numpy as np
    from scipy.sparse import csr_matrix

    prior = _prior(language)
    n = len(documents)
    rows, words, shown = _counts(documents, prior, language.lower() in NOUN_CAPITALS)
    width = len(words)

    def raw(kind: str) -> Any:
        indices, values, indptr = rows[kind]
        result = csr_matrix(
            (
                np.asarray(values, dtype=np.float64),
                np.asarray(indices, dtype=np.int64),
                np.asarray(indptr, dtype=np.int64),
            ),
            shape=(n, width),
        )
        result.sum_duplicates()  # a name written two ways folds to one word
        return result

    body_raw, lead_raw, title_raw, names_raw = raw("body"), raw("lead"), raw("title"), raw("names")
    kept, weight = _weights(words, prior, _stop_words(language), body_raw, n)
    known = np.array([w in prior for w in words])

    def weighted(counts: Any) -> Any:
        result = counts.copy()
        result.data = (1.0 + np.log(np.maximum(result.data, 1.0))) * weight[result.indices]
        result.eliminate_zeros()
        result.sort_indices()
        return _unit_rows(result)

    named = names_raw.copy()
    named.data[:] = 1.0
    content_raw = (body_raw - body_raw.multiply(named)).tocsr()
    rare_raw = names_raw.multiply(csr_matrix((~known).astype(np.float64))).tocsr()
    body, lead, name, content, title, rare = (
        weighted(m) for m in (body_raw, lead_raw, names_raw, content_raw, title_raw, rare_raw)
    )
    top = _top_terms((body + lead).tocsr(), body.shape)
    terms = tuple(shown.get(w, w) if k else "" for w, k in zip(words, kept, strict=True))
    days = np.array([_day(d.published) for d in documents], dtype=np.float64)
    specific = rare.copy()
    specific.data[:] = 1.0
    return Evidence(body, lead, name, content, title, top, rare, specific, days, terms)


Rows = dict[str, tuple[list[int], list[int], list[int]]]
"""Sparse rows (indices, values, indptr) of word counts, per kind of evidence."""


def _counts(
    documents: Sequence[Document], prior: dict[str, float], capitalised_nouns: bool
) -> tuple[Rows, list[str], dict[str, str]]:
    """Each document's word counts in its body, lead, title and names; each column's word
    ("" for the one column of an input without words); how each name was first written."""
    vocabulary = _Vocabulary()
    shown: dict[str, str] = {}
    rows: Rows = {k: ([], [], [0]) for k in ("body", "lead", "title", "names")}

    def add(kind: str, counts: Counter[str]) -> None:
        indices, values, indptr = rows[kind]
        indices.extend(map(vocabulary.__getitem__, counts))
        values.extend(counts.values())
        indptr.append(len(indices))

    for doc in documents:
        # The outlet's own name says who published a report, not what happened.
        own = set(_WORD.findall(_fold(doc.source or "")))
        text_words = [w for w in _WORD.findall(_fold(doc.text)) if w not in own]
        title_words = [w for w in _WORD.findall(_fold(doc.title)) if w not in own]
        body = Counter(text_words)
        body.update(title_words)
        lead = Counter(text_words[:LEAD_WORDS])
        lead.update(title_words)
        found = [(f, w) for f, w in _names(doc.text, prior, capitalised_nouns) if f not in own]
        for folded, written in found:
            shown.setdefault(folded, written)
        add("body", body)
        add("lead", lead)
        add("title", Counter(title_words))
        add("names", Counter(folded for folded, _ in found))
    words = [""] * max(1, len(vocabulary))
    for word, column in vocabulary.items():
        words[column] = word
    return rows, words, shown


def _weights(
    words: list[str], prior: dict[str, float], stop: frozenset[str], body_raw: Any, n: int
) -> tuple[Any, Any]:
    """Which words count (not stop words, not too common in news), and their IDF weights:
    document frequencies in this input, smoothed with the language's prior."""
    import numpy as np

    width = len(words)
    share = (
        1.0 - np.exp(-PRIOR_LENGTH * np.array([prior.get(w, 0.0) for w in words]))
        if prior
        else np.zeros(width)
    )
    df = np.bincount(body_raw.indices, minlength=width).astype(np.float64)
    m, total = (PRIOR_DOCS, n + PRIOR_DOCS) if prior else (0.0, float(n))
    idf = -np.log(np.maximum(df + m * share, 1e-12) / (total + 1.0))
    kept = (share <= STOP_SHARE) & np.array([len(w) >= 2 and w not in stop for w in words])
    return kept, np.where(kept, idf, 0.0)


def _top_terms(both: Any, shape: tuple[int, int]) -> Any:
    """Each document's TOP_TERMS heaviest words (ties by column), as a 0/1 matrix."""
    import numpy as np
    from scipy.sparse import csr_matrix

    top_rows: list[Any] = []
    for i in range(shape[0]):
        start, end = both.indptr[i], both.indptr[i + 1]
        order = np.lexsort((both.indices[start:end], -both.data[start:end]))[:TOP_TERMS]
        top_rows.append(np.sort(both.indices[start:end][order]))
    top_indices = np.concatenate(top_rows) if top_rows else np.zeros(0, dtype=np.int64)
    top_indptr = np.concatenate([[0], np.cumsum([len(r) for r in top_rows])]).astype(np.int64)
    return csr_matrix((np.ones(len(top_indices)), top_indices, top_indptr), shape=shape)


SIMILARITIES = ("body", "lead", "names", "content", "title", "salient", "rare names", "shared rare names")
"""The similarity features of a pair (cosines of the Evidence rows; salient: the share of top terms)."""


def _matrices(ev: Evidence) -> tuple[Any, ...]:
    """The Evidence matrices behind SIMILARITIES, in order (body first: its pattern holds the others')."""
    return ev.body, ev.lead, ev.names, ev.content, ev.title, ev.top, ev.rare, ev.specific


def design(similarities: Any, gap: Any) -> Any:
    """The model's inputs (INPUTS order) from pairs' SIMILARITIES (one row a pair) and the days
    between the two of each (NaN when unknown).

    Names and content also count together (their geometric mean): one event has the same who and
    the same what, where two similar events share the what (two rehab stories, two earthquakes)
    and two stories of one place or company share the who. Names that are no words of the
    language count again, as a cosine and as how many the two share: "Tanweer" and "Beeston"
    say more than "Police" and "London". The days between two reports count against them; a
    pair without both dates counts as of one day (no evidence either way).
    """
    import numpy as np

    s = np.asarray(similarities, dtype=np.float64)
    body, lead, names, content, title, salient, rare, shared = s.T
    undated = np.isnan(gap)
    both = np.sqrt(np.clip(names, 0.0, None) * np.clip(content, 0.0, None))
    days = np.log1p(np.where(undated, 0.0, gap))
    return np.column_stack([body, lead, names, content, title, salient, both, rare, np.log1p(shared), days])


INPUTS = (
    "body",
    "lead",
    "names",
    "content",
    "title",
    "salient",
    "names*content",
    "rare names",
    "log shared rare names",
    "log days",
)


def similarities(ev: Evidence, rows: Any, cols: Any) -> Any:
    """The SIMILARITIES of the pairs (rows[k], cols[k]), one row each."""
    import numpy as np

    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)

    def dot(matrix: Any) -> Any:
        return np.asarray(matrix[rows].multiply(matrix[cols]).sum(axis=1)).ravel()

    values = [dot(m) for m in _matrices(ev)]
    values[5] = values[5] / TOP_TERMS
    return np.column_stack(values)


def gaps(ev: Evidence, rows: Any, cols: Any) -> Any:
    """Days between the two of each pair, NaN where either date is unknown."""
    import numpy as np

    return np.abs(ev.days[np.asarray(rows, dtype=np.int64)] - ev.days[np.asarray(cols, dtype=np.int64)])


def _probability(inputs: Any) -> Any:
    import numpy as np

    return 1.0 / (1.0 + np.exp(-(inputs @ np.asarray(WEIGHTS) + BIAS)))


def same_event(ev: Evidence, rows: Any, cols: Any) -> Any:
    """The probability that the documents of each pair (rows[k], cols[k]) report the same event."""
    return _probability(design(similarities(ev, rows, cols), gaps(ev, rows, cols)))


def _rowdot(matrix: Any, rows: Any, cols: Any, at_once: int = 20_000) -> Any:
    """The dot product of rows[k] and cols[k] of a CSR matrix, for each k."""
    import numpy as np

    out = np.empty(len(rows))
    for start in range(0, len(rows), at_once):
        a, b = matrix[rows[start : start + at_once]], matrix[cols[start : start + at_once]]
        out[start : start + at_once] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


def _block(ev: Evidence, start: int, stop: int, body_t: Any, floor: float) -> Any:
    """The probabilities of rows start..stop against every document, over ``floor`` (CSR, rows
    start..stop), for the candidate pairs: those whose body cosine is at least CANDIDATE (every
    pair that shares a word when ``floor`` is 0). The others count as 0."""
    import numpy as np
    from scipy.sparse import csr_matrix

    matrices = _matrices(ev)
    body = (matrices[0][start:stop] @ body_t).tocsr()
    if floor > 0.0:
        body.data[body.data < CANDIDATE] = 0.0
        body.eliminate_zeros()
    body.sort_indices()
    rows = np.repeat(np.arange(body.shape[0], dtype=np.int64), np.diff(body.indptr))
    cols = body.indices.astype(np.int64)
    values = np.empty((len(rows), len(matrices)))
    values[:, 0] = body.data
    for k in range(1, len(matrices)):
        values[:, k] = _rowdot(matrices[k], rows + start, cols)
    values[:, 5] /= TOP_TERMS
    probability = _probability(design(values, gaps(ev, rows + start, cols)))
    keep = probability > floor
    return csr_matrix((probability[keep], (rows[keep], cols[keep])), shape=(stop - start, body.shape[1]))


CANDIDATE = 0.08
"""Pairs whose body cosine is under this are no candidates: their probability counts as 0 (on the
development sets no such pair would change a story; it spares computing the other evidence of
nearly every pair, as news makes nearly every pair share a word)."""
CHUNK = 500
"""Rows of the probability graph computed at a time, to bound memory (fewer from BLOCK_CELLS / CHUNK
documents on)."""
BLOCK_CELLS = 5_000_000
EXACT_LIMIT = 3000
"""Up to this many documents, average linkage is exact (a dense matrix per component)."""
BAND = 20
"""Above EXACT_LIMIT, how many of its probabilities between FLOOR and the threshold each document
keeps (its largest): the rest count as 0 (see _sparse_average)."""
MAX_DOCUMENTS = 20_000
"""Articles grouped in one build at most (10,000 took 1.0 GB): past it, TooMuchInput. Memory
grows faster than the input (a dict entry per likely pair); documented in the README's limits."""
MAX_FORCED = 5_000
"""``--clusters N`` groups at most this many articles: a forced count needs the whole tree, a
dense matrix of every pair (5,000: 200 MB a copy)."""
MAX_PAIRS = 10_000_000
"""Entries of the sparse graph above EXACT_LIMIT at most (both directions of each pair kept:
about 1 GB in _sparse_average's dicts). Real news keeps at most BAND + its few close pairs per
article; only articles nearly all alike reach it: TooMuchInput, not MemoryError."""


def check_size(n: int, count: int | None = None) -> None:
    """Raise TooMuchInput when ``n`` articles (with ``--clusters count``) are past the limits."""
    if n > MAX_DOCUMENTS:
        raise TooMuchInput(
            f"too many articles to group: {n:,}, at most {MAX_DOCUMENTS:,} in one build "
            "(memory grows faster than the input); split them over several builds"
        )
    if count is not None and count > 1 and n > MAX_FORCED:
        raise TooMuchInput(
            f"--clusters {count} groups at most {MAX_FORCED:,} articles (a forced number of "
            f"stories compares every pair); there are {n:,}: use --clusters auto"
        )


def graph(
    ev: Evidence,
    threads: int = 1,
    band: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    floor: float | None = None,
) -> Any:
    """The symmetric CSR graph of "same event" probabilities over ``floor`` (FLOOR by default;
    diagonal included) of the pairs that share a word.

    ``band``: keep, in each row, every probability over ``threshold`` and only the ``band``
    largest of the others."""
    import threading

    import numpy as np
    from scipy.sparse import csr_matrix, vstack

    n = ev.body.shape[0]
    body_t = ev.body.T.tocsc()
    rows_at_once = max(1, min(CHUNK, BLOCK_CELLS // max(n, 1)))
    kept = [0]
    lock = threading.Lock()

    def rows(start: int) -> Any:
        block = _block(ev, start, min(n, start + rows_at_once), body_t, FLOOR if floor is None else floor)
        block = _strongest(block, threshold, band) if band is not None else block
        if band is not None:
            with lock:
                kept[0] += block.nnz
                if kept[0] > MAX_PAIRS:
                    raise TooMuchInput(
                        f"{n:,} articles too much alike to group: over {MAX_PAIRS:,} pairs of them may "
                        "report the same event; remove the near-copies, or split them over several builds"
                    )
        return block

    # scipy's sparse product and numpy release the GIL: threads use every core, and each block
    # is computed alike wherever it runs.
    starts = range(0, n, rows_at_once)
    if threads > 1 and len(starts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(rows, starts))
    else:
        parts = [rows(start) for start in starts]
    result = vstack(parts).tocsr() if parts else csr_matrix((n, n))
    result = result.maximum(result.T).tocsr()
    result.data = np.asarray(result.data, dtype=np.float64)
    return result


@dataclass(frozen=True)
class Grouping:
    """Stories found, and why each article is in its story."""

    groups: list[list[int]]
    """Groups of indexes into the documents, each sorted, groups in order of first member."""
    links: list[list[Link]]
    """For each group, a Link for each member but its first (none where the grouping was not
    computed: one document, or one story forced)."""


def group(
    documents: Sequence[Document],
    count: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    threads: int = 1,
    language: str = "english",
) -> Grouping:
    """Group documents by story, and say why.

    Args:
        documents: the originals to group (copies follow their original elsewhere).
        count: the number of stories wanted, or None to find it from ``threshold``.
        threshold: the mean "same event" probability over which two groups merge.
        threads: how many threads compute the probabilities (the groups are the same).
        language: the articles' language (stop words, the word-frequency prior).
    """
    n = len(documents)
    check_size(n, count)
    if n == 0:
        return Grouping([], [])
    if n == 1 or count == 1:
        return Grouping([list(range(n))], [[]])
    if count is not None and count >= n:
        return Grouping([[i] for i in range(n)], [[] for _ in range(n)])
    ev = evidence(documents, language)
    if count is not None:  # every pair that shares a word counts, however unlikely, to rank the merges
        probabilities = graph(ev, threads, floor=0.0)
        groups = _by_count(probabilities, count)
    elif n > EXACT_LIMIT:
        probabilities = graph(ev, threads, band=BAND, threshold=threshold)
        groups = _sparse_average(probabilities, threshold)
    else:
        probabilities = graph(ev, threads)
        groups = _by_threshold(probabilities, threshold)
    return Grouping(groups, [_links(ev, probabilities, g) for g in groups])


def cluster(
    documents: Sequence[Document],
    count: int | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    threads: int = 1,
    language: str = "english",
) -> list[list[int]]:
    """The groups of ``group`` (see there)."""
    return group(documents, count, threshold, threads, language).groups


def _by_count(probabilities: Any, count: int) -> list[list[int]]:
    """Average linkage on 1 - probability, cut into ``count`` groups (a forced count needs the
    whole tree: a dense matrix)."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    n = probabilities.shape[0]
    distance = 1.0 - probabilities.toarray()
    np.fill_diagonal(distance, 0.0)
    distance = np.clip(distance, 0.0, 1.0)
    tree = linkage(distance[np.triu_indices(n, k=1)], method="average")
    labels = fcluster(tree, t=count, criterion="maxclust")
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: g[0])


def _by_threshold(probabilities: Any, threshold: float) -> list[list[int]]:
    """Average-linkage clusters of the probabilities, merged while the mean is over ``threshold``.

    Two groups merge only when their mean probability is over the threshold, so only when some
    pair across them is: every group lies within one connected component of the graph of such
    pairs, and average linkage on each component alone (scipy, from its dense matrix) gives
    exactly the groups of average linkage on all documents.
    """
    from scipy.sparse.csgraph import connected_components

    strong = probabilities.copy()
    strong.data[strong.data <= threshold] = 0.0
    strong.eliminate_zeros()
    _, component = connected_components(strong, directed=False)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(component):
        members.setdefault(int(label), []).append(index)
    groups: list[list[int]] = []
    for indexes in members.values():
        groups.extend(
            _dense_average(probabilities[indexes][:, indexes], indexes, threshold)
            if len(indexes) > 1
            else [indexes]
        )
    return sorted((sorted(g) for g in groups), key=lambda g: g[0])


def _strongest(block: Any, close: float, keep: int) -> Any:
    """``block`` (CSR rows of similarities) with, in each row, every value over ``close``
    and only the ``keep`` largest of the others."""
    import numpy as np

    rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
    weak = np.flatnonzero(block.data <= close)
    order = weak[np.lexsort((-block.data[weak], rows[weak]))]
    first = np.searchsorted(rows[order], rows[order], side="left")
    dropped = order[np.arange(len(order)) - first >= keep]
    result = block.copy()  # eliminate_zeros works in place, on indices shared with a view
    result.data[dropped] = 0.0
    result.eliminate_zeros()
    return result


def _dense_average(probabilities: Any, indexes: list[int], threshold: float) -> list[list[int]]:
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    distance = np.clip(1.0 - probabilities.toarray(), 0.0, 1.0)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(len(indexes), k=1)], method="average")
    # Keep the merges strictly over the threshold (strictly under 1 - threshold in distance).
    labels = fcluster(tree, t=np.nextafter(1.0 - threshold, 0.0), criterion="distance")
    found: dict[int, list[int]] = {}
    for index, label in zip(indexes, labels, strict=True):
        found.setdefault(int(label), []).append(index)
    return list(found.values())


def _sparse_average(graph: Any, close: float) -> list[list[int]]:
    """Average linkage on a sparse, symmetric similarity graph: merge while some pair of
    clusters has an average similarity over ``close``, the closest pair first (ties: the
    lowest indexes).

    A pair missing from the graph counts as similarity 0, so this is average linkage exactly
    when the graph holds every positive similarity; with the similarities under FLOOR left
    out, averages come out at most FLOOR lower, which only holds back merges. The sum of
    similarities between two clusters is kept per pair of neighbouring clusters and added
    up on a merge, so the cost follows the edges, not n².

    The heap holds each cluster's best neighbour, not every close pair: the closest pair of
    all is the best of both its clusters. After a and b merge, a neighbour's average with
    the new cluster is a weighted mean of its averages with a and b, so only a neighbour
    whose best was a or b looks for its best again; for the others the new pair can at
    most tie their best.
    """
    import heapq

    import numpy as np

    n = graph.shape[0]
    graph = graph.tocsr()
    indptr, indices, data = graph.indptr.tolist(), graph.indices.tolist(), graph.data.tolist()
    links: list[dict[int, float]] = [
        dict(zip(indices[indptr[i] : indptr[i + 1]], data[indptr[i] : indptr[i + 1]], strict=True))
        for i in range(n)
    ]
    for i in range(n):
        links[i].pop(i, None)
    size = [1] * n
    sizes = np.ones(n, dtype=np.int64)
    version = [0] * n
    partner = np.full(n, -1, dtype=np.int64)  # each cluster's best neighbour over close, or -1
    score = np.zeros(n)  # and their average similarity
    heap: list[tuple[float, int, int, int, int]] = []

    def find_best(i: int) -> None:
        neighbours = links[i]
        best, best_average = -1, close
        if len(neighbours) > 64:  # a big cluster: array operations
            keys = np.fromiter(neighbours.keys(), dtype=np.int64, count=len(neighbours))
            sums = np.fromiter(neighbours.values(), dtype=np.float64, count=len(neighbours))
            averages = sums / (size[i] * sizes[keys])
            top = averages.max()
            if top > close:
                best, best_average = int(keys[averages == top].min()), float(top)
        else:
            for k, value in neighbours.items():
                average = value / (size[i] * size[k])
                if average > best_average or (average == best_average and best != -1 and k < best):
                    best, best_average = k, average
        partner[i], score[i] = best, best_average
        if best != -1:
            low, high = min(i, best), max(i, best)
            heapq.heappush(heap, (-best_average, low, high, version[low], version[high]))

    for i in range(n):
        find_best(i)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    while heap:
        _negative, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        if len(links[a]) < len(links[b]):
            a, b = b, a
        # b joins a.
        alive[b] = False
        partner[b] = -1
        del links[a][b]
        for k, value in links[b].items():
            if k == a:
                continue
            links[a][k] = links[a].get(k, 0.0) + value
            del links[k][b]
            links[k][a] = links[a][k]
        links[b] = {}
        size[a] += size[b]
        sizes[a] = size[a]
        members[a].extend(members[b])
        members[b] = []
        version[a] += 1
        find_best(a)
        neighbours = links[a]
        if not neighbours:
            continue
        keys = np.fromiter(neighbours.keys(), dtype=np.int64, count=len(neighbours))
        theirs = partner[keys]
        for k in keys[(theirs == a) | (theirs == b)].tolist():
            find_best(k)
        # A neighbour without a best had no close pair with a or b: nor with their union.
        others = keys[(theirs != a) & (theirs != b) & (theirs != -1)]
        if len(others):
            sums = np.fromiter((neighbours[k] for k in others.tolist()), dtype=np.float64, count=len(others))
            averages = sums / (size[a] * sizes[others])
            better = (averages > score[others]) | ((averages == score[others]) & (a < partner[others]))
            for k, average in zip(others[better].tolist(), averages[better].tolist(), strict=True):
                partner[k], score[k] = a, average
                low, high = min(k, a), max(k, a)
                heapq.heappush(heap, (-average, low, high, version[low], version[high]))
    return sorted((sorted(m) for m in members if m), key=lambda g: g[0])


# --- why a story's articles are together ----------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """Why one article of a story is in it: the article of the story it is most likely the same
    event as, that probability, and what carried it."""

    document: int
    """Index of the article (into the documents grouped)."""
    linked_to: int
    """Index of the other article."""
    probability: float
    """The probability that the two report the same event."""
    shared: tuple[str, ...]
    """The names and words that weigh most in their similarity, heaviest first."""


SHARED_SHOWN = 6
"""How many shared names and words a Link lists."""


def _links(ev: Evidence, probabilities: Any, members: list[int]) -> list[Link]:
    """Each member but the first with the member it is most strongly tied to: the tree of
    strongest links of the group (a maximum spanning tree of its probabilities), walked from its
    first member. A member with no link over FLOOR is tied to the first (a forced count)."""
    from scipy.sparse.csgraph import breadth_first_order, minimum_spanning_tree

    if len(members) < 2:
        return []
    sub = probabilities[members][:, members].tocsr()
    sub.setdiag(0.0)
    sub.eliminate_zeros()
    cost = sub.copy()
    cost.data = 2.0 - cost.data  # all positive; the lightest tree holds the strongest links
    tree = minimum_spanning_tree(cost)
    tree = tree.maximum(tree.T)
    order, parent = breadth_first_order(tree, 0, directed=False, return_predecessors=True)
    links = []
    reached = set(order.tolist())
    for i in order[1:].tolist():
        a, b = members[i], members[int(parent[i])]
        links.append(Link(a, b, float(sub[i, int(parent[i])]), _shared(ev, a, b)))
    for i in range(1, len(members)):
        if i not in reached:
            a, b = members[i], members[0]
            links.append(Link(a, b, float(same_event(ev, [a], [b])[0]), _shared(ev, a, b)))
    return links


def _shared(ev: Evidence, a: int, b: int) -> tuple[str, ...]:
    """The terms that carry the similarity of a and b: names first, then words, heaviest first."""
    import numpy as np

    def weights(matrix: Any) -> dict[int, float]:
        row_a, row_b = matrix.getrow(a), matrix.getrow(b)
        common = np.intersect1d(row_a.indices, row_b.indices)
        if not len(common):
            return {}
        wa = dict(zip(row_a.indices.tolist(), row_a.data.tolist(), strict=True))
        wb = dict(zip(row_b.indices.tolist(), row_b.data.tolist(), strict=True))
        return {int(c): wa[int(c)] * wb[int(c)] for c in common}

    names = weights(ev.names)
    words = weights(ev.body)
    ordered = sorted(names, key=lambda c: (-names[c], c)) + sorted(
        (c for c in words if c not in names), key=lambda c: (-words[c], c)
    )
    return tuple(ev.terms[c] for c in ordered[:SHARED_SHOWN])


def vectorize(texts: Sequence[str], language: str = "english") -> Any:
    """L2-normalised TF-IDF vectors of texts (the ``body`` evidence), e.g. to find a story's
    most central article."""
    documents = [Document(id=str(i), origin="", title="", text=t) for i, t in enumerate(texts)]
    return evidence(documents, language).body
