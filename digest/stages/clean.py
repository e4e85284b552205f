"""Tell article prose from the lines around it: titles, promo, cross-links, footers, datelines.

Nothing is removed from the text: these functions only say which lines and sentences are
not candidates for a summary, or which leading span (a dateline) a sentence starts after.
"""

from __future__ import annotations

import re
from functools import lru_cache

from digest.stages.furniture import is_furniture, is_offer

_PROMO = re.compile(
    r"^\s*(click here|tap here|sign up|subscribe\b|download\b|get the .* app|follow us|read more|"
    r"related:|see also|advertisement|sponsored|share this|watch:|listen:|newsletter)",
    re.I,
)
_APP_PROMO = re.compile(r"\b(app|newsletter|podcast)\b", re.I)
_COPYRIGHT_LINE = re.compile(r"^\s*(©|\(c\)\s|copyright\b|all rights reserved)", re.I)
_LICENCE = re.compile(
    r"(\ball rights reserved\b|©|\bcopyright\s+(©\s*)?\d{4}|"
    r"\b(content|material|article|story|text)\b.{0,80}\b(is|are)\s+licensed under\b|"
    r"\bmay not be (published|broadcast|rewritten|redistributed)\b)",
    re.I,
)
_DATE_LINE = re.compile(
    r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(january|february|march|april|may|june|july|august|september|october|november|december)"
    r"\s+\d{1,2},?\s+\d{4}\s*$",
    re.I,
)
# "TEHRAN (Iran News) – " or "WASHINGTON (AP) — " or "LONDON, Jan. 5 (Reuters) -"
DATELINE = re.compile(
    r"^[A-Z]{3,}[A-Z .,'-]{0,40}(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?\s*(?:\([^()\n]{2,40}\))?\s*[-–—]+\s+"
)
_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$|[\"”’»]\s*$")
WORD = re.compile(r"\w+(?:[-'’.]\w+)*")


def normalize(text: str) -> str:
    """Comparison key: lower-case words only, so quotes, dashes and spacing do not matter."""
    return _key(_fold(text))


def _fold(text: str) -> str:
    return text.lower().replace("’", "'")


def _key(folded: str) -> str:
    return " ".join(WORD.findall(folded))


@lru_cache(maxsize=16)
def _longest(key: str) -> str:
    """The longest word of a ``normalize`` key: a line without it cannot have that key."""
    return max(key.split(" "), key=len)


def is_all_caps(line: str) -> bool:
    """A line in capitals: a cross-headline or a section label, not prose."""
    letters = "".join(filter(str.isalpha, line))  # C-level loops: this runs on every line
    return len(letters) >= 4 and sum(map(str.isupper, letters)) >= 0.8 * len(letters)


def line_is_boilerplate(line: str, title_key: str) -> bool:
    """True for a whole line that is not article prose."""
    stripped = line.strip()
    if not stripped:
        return True
    if title_key:
        # The title, or the title repeated in the body (normalize's words are all in its input).
        folded = _fold(stripped)
        if _longest(title_key) in folded and _key(folded) == title_key:
            return True
    if stripped.startswith("#"):
        return True  # a Markdown heading
    if is_all_caps(stripped):
        return True
    if _PROMO.match(stripped) or (_APP_PROMO.search(stripped) and is_all_caps(stripped)):
        return True
    if _COPYRIGHT_LINE.match(stripped) or _DATE_LINE.match(stripped):
        return True
    return is_furniture(stripped)  # calls to action, teasers, credits, notices (digest.stages.furniture)


def sentence_is_prose(text: str) -> bool:
    """A sentence that may be quoted: long enough, complete, not a fragment."""
    words = WORD.findall(text)
    if len(words) < 3:
        return False
    first = text.lstrip("\"'“‘(«[ ")[:1]
    if first.islower():
        return False  # a fragment cut by a line break
    return bool(_END.search(text))


def is_notice(text: str) -> bool:
    """A copyright or licence notice, or a sponsor's offer code: not a quote, even as one
    sentence of a line of prose."""
    return bool(_LICENCE.search(text)) or is_offer(text)


def dateline_length(text: str) -> int:
    """Length of a leading dateline ("TEHRAN (Iran News) – ") to leave out of the quote."""
    match = DATELINE.match(text)
    if not match:
        return 0
    rest = text[match.end() :]
    return match.end() if rest[:1].isupper() or rest[:1] in '"“' else 0
