"""What the stages share of a language: sumy's stop words and Snowball stemmer.

Neither imports all of nltk (1.7 s, scipy.stats behind nltk.metrics) where it can be
helped: the stop words are read from sumy's data files, and English words are stemmed by
PyStemmer, which gives nltk's Snowball stems (``_english`` says where it does not).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201b": "'"})


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    """sumy's stop words of ``language``; LookupError when it has none."""
    path = resources.files("sumy").joinpath("data", "stopwords", f"{language.lower()}.txt")
    if path.is_file():  # as sumy.utils.get_stop_words reads it, without its requests import
        return frozenset(w.rstrip() for w in path.read_bytes().decode("utf-8").splitlines() if w)
    from sumy.utils import get_stop_words  # a language code ("en"), or none: sumy decides

    return frozenset(get_stop_words(language))


@lru_cache(maxsize=4)
def stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer of ``language``, each word stemmed once."""
    stem = _english() if language.lower() == "english" else _sumy(language)
    # Snowball stemming in pure Python dominated ranking: each word is stemmed once.
    return lru_cache(maxsize=1 << 18)(stem)


def _sumy(language: str) -> Callable[[str], str]:
    from sumy.nlp.stemmers import Stemmer  # imports all of nltk

    return Stemmer(language)


def _english() -> Callable[[str], str]:
    """nltk's ``EnglishStemmer().stem``, sumy's English stemmer, without nltk.

    As nltk: lower case, words of two letters kept as they are, typographic apostrophes
    read as ``'``; then Snowball's English (Porter2) algorithm as PyStemmer 2.2 implements
    it (Snowball 3 changed some stems), one stemmer per thread as PyStemmer asks. The stems
    are nltk's for every word of corpus/ and of the development data (tests/test_imports.py
    checks corpus/); of wordfreq's 100,000 commonest English words 9 differ, where nltk
    keeps a suffix after step 2 ("realization": "realize"; Snowball: "realiz", as "realize").
    """
    import Stemmer  # PyStemmer

    local = threading.local()

    def stem(word: str) -> str:
        word = word.lower()
        if len(word) <= 2:
            return word
        snowball = getattr(local, "stemmer", None)
        if snowball is None:
            snowball = local.stemmer = Stemmer.Stemmer("english")
        return snowball.stemWord(word.translate(_APOSTROPHES))

    return stem
