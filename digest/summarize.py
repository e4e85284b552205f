"""Rank a story's candidate sentences with a sumy summarizer, then select and order them.

sumy ranks; digest adds what multi-document news needs: leads count for more, sentences
whose words the story's other sources also use count for more, sentences carried by
several sources count for more, fragments, run-ons and quotes count for less, near-repeats
are not picked twice, and the picks fill a sentence or word budget and are put back in
reading order.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from digest.config import ALGORITHMS, Settings
from digest.models import Candidate, Pick

WEIGHTS = {"algorithm": 0.25, "position": 0.35, "centrality": 0.3, "sources": 0.1}
"""How the score components add up to a score in [0, 1].

Chosen on ../shared/data/multiling2011_en and checked on the single articles of
../shared/data/gum_wikinews (see benchmarks/): every weighting near this one scores within
about half a ROUGE point of it. News puts its main facts first, so the lead is the
strongest single signal; the sumy rating and cross-document centrality each add to it.
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

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


class WordTokenizer:
    """The tokenizer sumy's Sentence needs: words only.

    sumy's own Tokenizer needs NLTK punkt data that pip does not install; sentences are
    already split by digest.segment, so only ``to_words`` is ever called.
    """

    def __init__(self, language: str) -> None:
        self.language = language

    def to_words(self, text: str) -> tuple[str, ...]:
        """Words of a sentence."""
        return tuple(_WORD.findall(text))

    def to_sentences(self, text: str) -> tuple[str, ...]:
        """Sentences of a paragraph (one per line: digest.segment has split them)."""
        return tuple(line for line in text.splitlines() if line.strip())


@lru_cache(maxsize=4)
def _stop_words(language: str) -> frozenset[str]:
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words(language))


@lru_cache(maxsize=4)
def _stemmer(language: str) -> Callable[[str], str]:
    from sumy.nlp.stemmers import Stemmer

    return Stemmer(language)  # type: ignore[no-any-return]


def _make_summarizer(name: str, language: str, titles: Sequence[str]) -> Any:
    from sumy.summarizers import edmundson, kl, lex_rank, lsa, luhn, random, reduction, sum_basic, text_rank

    classes = {
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
    summarizer = classes[name](_stemmer(language))
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


def rate(texts: Sequence[str], algorithm: str, language: str = "english",
         titles: Sequence[str] = ()) -> list[float]:
    """Score each text with sumy's ``algorithm``; higher is better.

    sumy returns only the chosen sentences; the ratings it computed are caught where every
    summarizer hands them to ``_get_best_sentences``, and read back by position (sumy's
    Sentence compares by text, so identical texts would collide in a lookup by text).
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}. Try one of: {', '.join(ALGORITHMS)}")
    if not texts:
        return []
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence

    tokenizer = WordTokenizer(language)
    sentences = [SumySentence(text, tokenizer) for text in texts]
    document = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = _make_summarizer(algorithm, language, titles)
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
    try:
        with warnings.catch_warnings():
            # numpy warns where degenerate input gives NaN ratings; those become 0 below.
            warnings.simplefilter("ignore", RuntimeWarning)
            summarizer(document, len(sentences))
    except (ZeroDivisionError, ValueError):
        caught.clear()  # degenerate input (no content words): fall back to reading order
    if len(caught) != len(texts):
        return [float(len(texts) - i) for i in range(len(texts))]
    return [0.0 if value != value else value for value in caught]  # NaN never escapes


def _rank_normalize(values: Sequence[float]) -> list[float]:
    """Map scores to [0, 1] by rank (ties share a rank): comparable across algorithms."""
    n = len(values)
    if n == 1:
        return [1.0]
    order = sorted(set(values))
    rank = {v: i for i, v in enumerate(order)}
    top = max(len(order) - 1, 1)
    return [rank[v] / top for v in values]


def _content(text: str, language: str) -> frozenset[str]:
    stem = _stemmer(language)
    stop = _stop_words(language)
    return frozenset(stem(w) for w in _WORD.findall(text.lower()) if w not in stop)


def _lead(candidates: Sequence[Candidate]) -> list[float]:
    """1 for a document's first candidate sentence, 1/2 for its second, and so on.

    A sentence carried by several documents takes its best place among them. Counting
    candidates, not all sentences, keeps titles, datelines and captions from pushing the
    real lead down.
    """
    by_document: dict[str, list[tuple[int, int]]] = {}
    for i, candidate in enumerate(candidates):
        for citation in candidate.citations:
            by_document.setdefault(citation.document, []).append((citation.start, i))
    best = [len(candidates)] * len(candidates)
    for places in by_document.values():
        places.sort()
        for rank, (_, i) in enumerate(places):
            best[i] = min(best[i], rank)
    return [1.0 / (1 + rank) for rank in best]


def _centrality(candidates: Sequence[Candidate], contents: Sequence[frozenset[str]]) -> list[float]:
    """Cross-document centrality: how many of the story's sources use a sentence's words.

    The mean, over a sentence's content words (stemmed), of the share of sources whose
    candidate sentences contain that word: a sentence about what every source reports
    scores high, a detail only one source gives scores low, whatever its length. Copies
    of one article count as one source: documents that carry a sentence that only one
    original carries are the same source. 0 for every sentence of a one-source story.
    """
    parent: dict[str, str] = {}

    def root(doc: str) -> str:
        parent.setdefault(doc, doc)
        while parent[doc] != doc:
            parent[doc] = parent[parent[doc]]
            doc = parent[doc]
        return doc

    for candidate in candidates:
        docs = [root(c.document) for c in candidate.citations]
        if candidate.support == 1:
            for other in docs[1:]:
                if other != docs[0]:
                    parent[other] = docs[0]
    words: dict[str, set[str]] = {}
    for candidate, content in zip(candidates, contents):
        for c in candidate.citations:
            words.setdefault(root(c.document), set()).update(content)
    if len(words) < 2:
        return [0.0] * len(candidates)
    frequency: dict[str, int] = {}
    for vocabulary in words.values():
        for word in vocabulary:
            frequency[word] = frequency.get(word, 0) + 1
    return [sum(frequency[w] for w in content) / (len(content) * len(words)) if content else 0.0
            for content in contents]


def _quoted_share(text: str) -> float:
    """Share of a sentence's characters inside quotation marks (a quote left open runs to the end)."""
    inside = False
    count = 0
    for char in text:
        if char == "“" or (char == '"' and not inside):
            inside = True
        elif char == "”" or char == '"':
            inside = False
        elif inside:
            count += 1
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


def summarize(candidates: Sequence[Candidate], settings: Settings, titles: Sequence[str] = ()) -> list[Pick]:
    """Pick a story's sentences within the budget, without redundancy, in reading order.

    Each candidate's score is the weighted sum of its components (``WEIGHTS``), times its
    ``form`` (length and quotes); candidates are taken best first, skipping any that
    repeats a picked one (``REDUNDANCY``) and, with a word budget, any that does not fit
    in what is left, until the budget is full.
    """
    if not candidates:
        return []
    texts = [c.text for c in candidates]
    contents = [_content(text, settings.language) for text in texts]
    algo = _rank_normalize(rate(texts, settings.algorithm, settings.language, titles))
    lead = _lead(candidates)
    central = _rank_normalize(_centrality(candidates, contents))
    top_support = max(c.support for c in candidates)
    scored = []
    for i, c in enumerate(candidates):
        components = {
            "algorithm": round(algo[i], 4),
            "position": round(lead[i], 4),
            "centrality": round(central[i], 4),
            "sources": round(c.support / top_support, 4) if top_support > 1 else 0.0,
        }
        components["form"] = round(_form(c.text), 4)
        score = components["form"] * sum(WEIGHTS[k] * components[k] for k in WEIGHTS)
        scored.append((score, i, components))
    scored.sort(key=lambda item: (-item[0], candidates[item[1]].order))
    picks: list[Pick] = []
    chosen: list[frozenset[str]] = []
    words_used = 0
    for score, i, components in scored:
        candidate, content = candidates[i], contents[i]
        if any(len(content & other) > REDUNDANCY * min(len(content), len(other)) for other in chosen):
            continue
        length = len(candidate.text.split())
        if settings.words is not None:
            if picks and words_used + length > settings.words:
                if settings.words - words_used < 5:
                    break
                continue
        elif len(picks) >= settings.sentence_budget:
            break
        picks.append(Pick(candidate, round(score, 4), components))
        chosen.append(content)
        words_used += length
    picks.sort(key=lambda p: p.candidate.order)
    return picks
