"""Rank a story's candidate sentences with a sumy summarizer, then select and order them.

sumy ranks; digest adds what multi-document news needs: sentences carried by several
sources count for more, leads count for more, near-repeats are not picked twice, and the
picks fill a sentence or word budget and are put back in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from digest.config import ALGORITHMS, Settings
from digest.models import Candidate, Pick

WEIGHTS = {"algorithm": 0.6, "position": 0.25, "sources": 0.15}
"""How the score components add up (tuned on ../shared/data/multiling2011_en; see benchmarks/)."""
REDUNDANCY = 0.5
"""Share of content words that a sentence may have in common with a picked one."""

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


def summarize(candidates: Sequence[Candidate], settings: Settings, titles: Sequence[str] = ()) -> list[Pick]:
    """Pick a story's sentences within the budget, without redundancy, in reading order."""
    if not candidates:
        return []
    texts = [c.text for c in candidates]
    algo = _rank_normalize(rate(texts, settings.algorithm, settings.language, titles))
    top_support = max(c.support for c in candidates)
    scored = []
    for c, a in zip(candidates, algo):
        components = {
            "algorithm": round(a, 4),
            "position": round(1.0 - c.position, 4),
            "sources": round(c.support / top_support, 4) if top_support > 1 else 0.0,
        }
        score = sum(WEIGHTS[k] * v for k, v in components.items())
        scored.append((score, c, components))
    scored.sort(key=lambda item: (-item[0], item[1].order))
    picks: list[Pick] = []
    chosen: list[frozenset[str]] = []
    words_used = 0
    for score, candidate, components in scored:
        content = _content(candidate.text, settings.language)
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
