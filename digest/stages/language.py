"""What the stages share of a language: sumy's stop words and Snowball stemmer."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=4)
def stop_words(language: str) -> frozenset[str]:
    """sumy's stop words of ``language``; LookupError when it has none."""
    from sumy.utils import get_stop_words

    return frozenset(get_stop_words(language))


@lru_cache(maxsize=4)
def stemmer(language: str) -> Callable[[str], str]:
    """sumy's stemmer of ``language``, each word stemmed once."""
    from sumy.nlp.stemmers import Stemmer

    # Snowball stemming in pure Python dominated ranking: each word is stemmed once.
    return lru_cache(maxsize=1 << 18)(Stemmer(language))
