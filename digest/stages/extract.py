"""An article's text and metadata from an HTML page: trafilatura, checked, then rid of furniture.

1. trafilatura with ``favor_precision`` (less text, less furniture) and with its defaults,
   and a second opinion: readability's main block of the page, as text (by trafilatura).
2. When the precise text is under half of the default one, the precise pass probably lost
   the article (one page came out as 142 characters where the default found 1,233): if the
   second opinion also finds that much, the default text is taken; if not (the default then
   holds a menu, teasers or metadata), the precise text stays. When the second opinion holds
   the text taken and more than twice as much (an article in several blocks, of which
   trafilatura kept one), the second opinion is taken.
3. When both opinions found the same article (most of the text taken is in the second
   opinion too), the text is cut to the stretch between the first and the last line they
   agree on: furniture sits around an article (kickers, captions, teasers, footers), and what
   only one extractor kept there is most likely furniture. Inside the stretch nothing goes,
   nor does a paragraph of more than 60 words anywhere.
4. The lines of page furniture (``digest.stages.furniture``) are dropped: calls to action, teasers,
   credits, captions, contact lines, the title repeated as the first line, labels at either
   end of the body.

Measured by benchmarks/extraction.py (results/extraction.txt).
"""

from __future__ import annotations

import re
from typing import Any

from digest.stages.furniture import continues, furniture_lines

SHORT = 0.5
"""The precise text is suspect when it is shorter than this share of the default text."""
MORE = 2.0
"""The second opinion is taken when it holds the text taken and is this many times as long."""
SAME = 0.7
"""Both opinions found the same article when this share of the text taken's word trigrams is
in the second opinion."""
AGREE = 0.5
"""A line both opinions hold: this share of its word trigrams is in the second opinion."""
PARAGRAPH = 60
"""A line of more words is a paragraph of prose, kept wherever it is."""
HOLDS = 0.8
"""The second opinion holds the text taken: this share of its trigrams is in it."""
_WORD = re.compile(r"\w+")
_CAPTION_CLASSES = (
    "caption",
    "wp-caption-text",
    "figure-caption",
    "image-caption",
    "img-caption",
    "photo-caption",
    "credit",
    "photo-credit",
    "image-credit",
    "img-credit",
    "media-credit",
    "credits",
)
CAPTIONS = "//figcaption | " + " | ".join(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]" for name in _CAPTION_CLASSES
)
"""Captions and photo credits, by element and class, pruned before extraction (trafilatura
drops most figures itself; captions outside a <figure> would pass)."""


def extract(html: str) -> dict[str, Any]:
    """trafilatura's metadata of a whole page (``title``, ``sitename``, ``date``, ``url``,
    ``description`` ...) and ``text``, the article's text as described above ('' if none).

    Raises what the parsers raise on a page they cannot read."""
    import trafilatura  # deferred: a heavy import only HTML input needs
    from trafilatura.settings import set_date_params

    options: dict[str, Any] = {"include_comments": False, "include_tables": False, "prune_xpath": CAPTIONS}
    result = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        favor_precision=True,
        date_extraction_params=set_date_params(False),
        **options,
    )
    meta = result.as_dict() if result is not None and hasattr(result, "as_dict") else dict(result or {})
    text = _arbitrated(html, meta.get("text") or "", options)
    meta["text"] = strip_furniture(text, meta.get("title") or "")
    return meta


def _arbitrated(html: str, precise: str, options: dict[str, Any]) -> str:
    """The article's text: trafilatura's precise pass ``precise``, replaced by its default pass
    or readability's main block (the second opinion) when the precise one lost the article,
    or cut to the stretch the second opinion agrees with."""
    import trafilatura

    text = precise
    second = _second_opinion(html, options)
    # The default pass can only win when the second opinion is longer than the precise text.
    default = (trafilatura.extract(html, **options) or "") if len(second) > len(text) else ""
    if len(text) < SHORT * len(default) and len(second) >= SHORT * len(default):
        text = default
    grams = _trigrams(second)
    if len(second) > MORE * len(text) and (_share(text, grams) or 0.0) >= HOLDS:  # None: under 3 words
        return second
    if second and (_share(text, grams) or 0.0) >= SAME:
        return _agreed_stretch(text, grams)
    return text


def _second_opinion(html: str, options: dict[str, Any]) -> str:
    """readability's main block of the page, as text by trafilatura ('' when none is found)."""
    import trafilatura

    try:
        from readability import Document

        summary = Document(html).summary(html_partial=False)
        return (trafilatura.extract(summary, **options) or "") if summary.strip() else ""
    except Exception:  # noqa: BLE001 - a second opinion that fails gives no opinion
        return ""


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _trigrams(text: str) -> set[tuple[str, ...]]:
    words = _words(text)
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _share(text: str, grams: set[tuple[str, ...]]) -> float | None:
    """The share of ``text``'s word trigrams found in ``grams``; None for under 3 words."""
    words = _words(text)
    if len(words) < 3:
        return None
    own = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    return sum(g in grams for g in own) / len(own)


def _agreed_stretch(text: str, grams: set[tuple[str, ...]]) -> str:
    """``text`` from its first to its last line that the second opinion holds too, or that is
    a paragraph (more than PARAGRAPH words: furniture is short)."""
    lines = text.splitlines()
    agreed = [
        i
        for i, line in enumerate(lines)
        if (_share(line, grams) or 0.0) >= AGREE or len(_words(line)) > PARAGRAPH
    ]
    if not agreed:
        return text
    start, end = agreed[0], agreed[-1]
    # Never inside a sentence: a <br> within a paragraph is a line break too.
    while start > 0 and continues(lines[start - 1], lines[start]):
        start -= 1
    while end + 1 < len(lines) and continues(lines[end], lines[end + 1]):
        end += 1
    return "\n".join(lines[start : end + 1])


def strip_furniture(text: str, title: str = "") -> str:
    """``text`` without its furniture lines; unchanged when every line would go."""
    lines = text.splitlines()
    flags = furniture_lines(lines, title)
    kept = [line for line, flag in zip(lines, flags, strict=True) if not flag]
    return "\n".join(kept) if any(line.strip() for line in kept) else text
