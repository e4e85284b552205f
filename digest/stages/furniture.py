"""Page furniture: the lines around an article that are not its prose.

Calls to action (subscribe, sign up, follow us, download the app, read more), paywall notices,
advertising disclosures, related-link teasers, captions and photo credits, bylines and
reporting credits, contact lines, share and comment prompts, bare URLs, e-mail addresses and
timestamps. Each rule names the form of the line, not a site: a real sentence that merely
mentions a newsletter or a photograph is prose and stays (tests/unit/test_furniture.py holds both
sides).

``is_furniture`` judges one line alone; ``furniture_lines`` also uses a line's neighbours (the
items of a "Related:" list) and its place (a short line without a sentence end at the very start
or end of a body is a label, a caption or a date, not prose).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_FLAGS = re.I

# A line that opens with one of these is a call to action or a teaser: "Read more: ...",
# "Related: ...", "SEE MORE: ...", "Sign up for ...", "Follow us on ...".
_OPENERS = re.compile(
    r"^[\s\[(*•·>-]*(?:"
    r"read (?:more|next|also)\b|read the full (?:story|article)\b|more:|see more\b|see also\b|"
    r"also (?:on|read)\b|related\b[^.!?]{0,40}:|"
    r"related (?:posts?|stories|articles|coverage|content|reading|links?)\b|more (?:on|from) this\b|"
    r"(?:you|we think you) (?:may|might|will) (?:also )?(?:like|enjoy)\b|don'?t miss\b|"
    r"most (?:read|popular)\b|"
    r"recommended(?: for you)?\s*:|trending(?: now)?\s*:|top stories\s*:|watch(?: now)?\s*:|"
    r"listen(?: now)?\s*:|"
    r"sign up\b|subscribe\b|follow (?:us|me)\b|"
    r"follow(?![\w-])[^.!?]{0,60}\bon (?:twitter|facebook|instagram|youtube|linkedin|tiktok)\b|"
    r"like us on\b|share (?:this|on)\b|click here\b|tap here\b|"
    r"tags?\s*:|filed under\b|topics?\s*:|categor(?:y|ies)\s*:|"
    r"(?:photo|image|picture|video|graphic|illustration)s?(?: credit)?\s*:|"
    r"(?:photo|image|picture)s? (?:by|courtesy(?: of)?)\b|(?:image )?(?:copyright|caption)\s*:?|"
    r"source\s*:|"
    r"advertisement\b|sponsored(?: content)?\b|"
    r"(?:\()?(?:additional )?reporting by (?-i:[A-Z])|(?:written|edited|editing) by (?-i:[A-Z])|"
    r"(?:print|e-?mail|order reprints|share|tweet|comments?|reprints?|print article)\s*$"
    r")",
    _FLAGS,
)

# Anywhere in a line, these phrases make it a notice, a disclosure or a promotion.
_PHRASES = re.compile(
    r"(?:please (?:subscribe|log ?in|sign in)\b|to (?:view|read|continue reading) (?:the|this) (?:full )?"
    r"(?:story|article)\b|subscribers? only\b|"
    r"contains (?:references to products|affiliate links)|"
    r"if you (?:buy|purchase) (?:something|a product|anything) (?:through|via|from) (?:this|our|a) |"
    r"(?:may|might|will) (?:get|earn|receive) a (?:share|commission|portion)|"
    r"(?:may|might) (?:earn|receive) (?:a )?(?:small )?(?:commission|compensation)|"
    r"download (?:the|our) [^.]{0,60}\bapps?\b|(?:get|download) (?:the|our) [^.]{0,30}\bapp\b|"
    r"(?:sign up|subscribe) (?:for|to) [^.]{0,60}\b(?:newsletters?|alerts|updates|podcast)\b|"
    r"delivered (?:straight |right )?(?:to|in(?:to)?|through) your (?:inbox|letterbox|door)|"
    r"(?:tell us|let us know) (?:what you think|in the comments)|(?:right|straight) (?:in|to) your inbox|"
    r"contributed (?:reporting|to (?:this|the) (?:report|story|article))\b|"
    r"\(AP Photo\b|\bGetty Images\b|\bAFP via Getty\b|\bShutterstock\b|\(Reuters/|"
    r"share (?:it|this (?:story|article)) with a friend|"
    r"this copy is for your personal, non-commercial use|all rights reserved|"
    r"\bmoderating (?:all )?comments\b|"
    r"\b(?:comments?|comentários|comentarios|kommentare)\b[^.]{0,120}\b(?:moderated|moderador|moderator|"
    r"moderiert)\b|"
    r"\b(?:listen|watch|read|click|tap|sign up|subscribe|find out more|learn more|"
    r"more information)\b[^.]{0,30}"
    r"\bhere\s*[.!]?\s*$|"
    r"\b(?:photos?|images?|pictures?)\s*(?:©|\(c\)|credit\b))",
    _FLAGS,
)

# A byline: "By Patrick Shanley", "By Jane Doe and John Roe | Reuters", "By AP".
_NAME = r"(?-i:[A-Z][\w.'’-]*)"
_BYLINE = re.compile(
    rf"^\s*by\s+{_NAME}(?:\s+(?:(?-i:[a-z]{{1,3}})\s+)?{_NAME}){{0,3}}"
    rf"(?:\s*(?:,|and|&)\s*{_NAME}(?:\s+{_NAME}){{0,3}})*\s*(?:[|,–—-]\s*[^.!?]{{0,40}})?$",
    _FLAGS,
)
# A sponsor's offer code, as podcasts and newsletters read them: "Use code ATP for 20% off."
_PROMO_CODE = re.compile(
    r"^\s*(?:use|enter|try)\s+(?:the\s+)?(?:promo\s+|coupon\s+|discount\s+|offer\s+)?code\s+"
    r"[\"“']?(?-i:[A-Z0-9]{2,})\b",
    _FLAGS,
)
# A byline with its place and date, as a blog signs every post: "By Ruben Schade in Sydney,
# 2023-01-08." (the date makes it differ from post to post, so it is not found as recurring).
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}}"
    rf"|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
)
_DATED_BYLINE = re.compile(
    rf"^\s*by\s+{_NAME}(?:\s+{_NAME}){{0,3}}\s+in\s+{_NAME}(?:\s+{_NAME}){{0,2}},\s*{_DATE}\.?\s*$", _FLAGS
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
# A contact line: "Email Tariq Malik at ... or follow him @tariqjmalik", "Write to Al Root at ...".
_CONTACT = re.compile(
    r"^[\s(]*(?:follow|e-?mail|write to|reach|contact|have a (?:news )?tip|"
    r"send (?:us )?(?:your )?(?:news )?tips?|"
    r"you can (?:follow|reach|e-?mail|contact|find))\b|\b(?:follow|reach|e-?mail|contact) (?:him|her|them|me|"
    r"us)\b",
    _FLAGS,
)
# An editor's note on the article itself: "This article was updated on November 24, 2017 with
# ...", "Editor's note: This story has been corrected ...", "Update 11/28/17: Added a note ...".
_EDITORS_NOTE = re.compile(
    r"^\s*(?:editor'?s'? note\s*:\s*)?(?:this (?:article|story|post|page|piece) (?:was|has been|is) "
    r"(?:updated|corrected|amended|revised)\b|(?:update|updated|correction)\s*(?:\(|\d[\d/.-]*\s*:|:))",
    _FLAGS,
)
# "Updated at 1:23 p.m.", "Published: 19 Nov 2019 10:04"
_STAMP = re.compile(r"^\s*(?:last )?(?:updated|published|posted)\b[^.!?]*\d", _FLAGS)
# A teaser link: "China furious at Macron for Hong Kong protest jibe [INSIGHT]".
_TEASER_TAG = re.compile(r"\[[A-Z][A-Z ]{2,15}\]\s*\|?\s*$")
# An excerpt cut short by a teaser list: "... esperando mais à frente por …", "... [...]".
_EXCERPT = re.compile(r"\w\s+(?:…|\.\.\.)\s*$|\[(?:…|\.\.\.)\]\s*$")
_ONLY_URL = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", _FLAGS)
_ONLY_EMAIL = re.compile(r"^\s*(?:e-?mail:?\s*)?[\w.+-]+@[\w-]+\.[\w.-]+\s*$", _FLAGS)
_ONLY_HANDLE = re.compile(r"^\s*(?:(?:twitter|instagram)(?:\.com/|:\s*)|@)\w+\s*$", _FLAGS)
_TIMESTAMP = re.compile(
    r"^\s*\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\s*$"
)
_COPYRIGHT = re.compile(r"^\s*(?:©|\(c\)\s|copyright\b)|\bcopyright\s+(?:©\s*)?\d{4}\b|©\s*\d{4}", _FLAGS)
# A title in quotes alone on a line (a work, a caption): "‘Jewels after Jewels after Jewels’".
# Quoted speech ends with its punctuation inside the quotes ("“We got her!”").
_QUOTED_TITLE = re.compile(r"^[‘“\"'«][^.!?…‘“\"«»”’]{1,80}[’”\"'»]$")
_SENTENCE_END = re.compile(r"[.!?…:;。！？][\"'”’»)\]」』]*\s*$")
_WORDS = re.compile(r"\w+")

# A heading over a list of links: the short lines that follow it are its items.
_LIST_HEADING = re.compile(
    r"^[\s\[(*•·>-]*(?:related\b[^.!?]{0,40}|more\b[^.!?]{0,30}|read (?:more|next|also)|see (?:more|also)|"
    r"(?:you|we think you) (?:may|might) (?:also )?like|don'?t miss|most (?:read|popular)\b[^.!?]{0,30}|"
    r"recommended\b[^.!?]{0,30}|trending\b[^.!?]{0,20}|top stories)\s*[:…]*\s*$",  # a sentence is none
    _FLAGS,
)
_SPONSOR_HEADING = re.compile(
    r"^[\s\[(*•·>-]*(?:(?:this (?:episode|week|show|issue) is )?(?:sponsored|brought to you|supported) by|"
    r"(?:thanks to )?(?:our|today'?s|this week'?s) sponsors?)\s*[:.…]*\s*$",
    _FLAGS,
)
"""A heading over a show's sponsor reads ("Sponsored by:"), each "Brand: its offer."."""
_SPONSOR_ITEM = re.compile(r"^\s*(?:[-*•·]\s+)?(?-i:[A-Z0-9])[\w.&'’+ -]{0,30}:\s+\S")
EDGE_LABELS = 3
"""The most labels dropped at either end of a body; a longer run is taken for a list."""
_LIST_ITEM = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")
# A teaser line that may head a list of more teasers: "Related: SpaceX's Starship in Pictures".
_TEASER = re.compile(
    r"^[\s\[(*•·>-]*(?:related\b|read (?:more|next|also)\b|see (?:more|also)\b|more:)", _FLAGS
)


def is_offer(text: str) -> bool:
    """A sponsor's offer code ("Use code ATP for 20% off.")."""
    return len(text.split()) <= 30 and bool(_PROMO_CODE.match(text))


def is_furniture(line: str) -> bool:
    """True for a line that is page furniture by its own form."""
    text = line.strip()
    if not text:
        return False
    if _ONLY_URL.match(text) or _ONLY_EMAIL.match(text) or _ONLY_HANDLE.match(text) or _TIMESTAMP.match(text):
        return True
    words = len(_WORDS.findall(text))
    return (
        any(words <= most and words >= least and test(text) for least, most, test in _BY_LENGTH)
        or bool(_QUOTED_TITLE.match(text))
        or is_offer(text)
    )


def _contact(text: str) -> bool:
    return bool((_EMAIL.search(text) or _HANDLE.search(text)) and _CONTACT.search(text))


_BY_LENGTH: tuple[tuple[int, int, Callable[[str], object]], ...] = (
    (0, 60, lambda t: _OPENERS.match(t) or _PHRASES.search(t)),  # calls to action, notices
    (0, 40, _COPYRIGHT.search),
    (0, 45, _contact),  # "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik."
    (0, 25, _TEASER_TAG.search),
    (0, 12, _STAMP.match),
    (12, 10**9, _EXCERPT.search),
    (0, 14, lambda t: _BYLINE.match(t) or _DATED_BYLINE.match(t)),
    (0, 45, _EDITORS_NOTE.match),
)
"""(fewest words, most words, test): a line of that length that the test finds is furniture."""


def is_label(line: str) -> bool:
    """A short line without a sentence end: a heading, a caption, a date, a label."""
    text = line.strip()
    return (
        bool(text) and len(text) <= 100 and len(_WORDS.findall(text)) <= 12 and not _SENTENCE_END.search(text)
    )


_GOES_ON = re.compile(r"\s*[a-z(\[,;]")


def continues(line: str, following: str) -> bool:
    """Whether ``following`` goes on with the sentence ``line`` leaves open: ``line`` ends on a
    comma, or on no sentence end and ``following`` starts in lower case or with a bracket."""
    if line.rstrip().endswith(","):
        return True
    return bool(line.strip()) and not _SENTENCE_END.search(line) and bool(_GOES_ON.match(following))


def furniture_lines(lines: Sequence[str], title: str = "") -> list[bool]:
    """Which of a body's lines are furniture.

    Besides ``is_furniture``: the items (list items, or short lines without a sentence end)
    that follow a heading of related links; the title repeated as the first line; and the
    labels (``is_label``) at the very start and end of the body, before its first and after its
    last line of prose, unless there are more than EDGE_LABELS of them (then they are a list
    that belongs to the article: tour dates, results, steps).
    """
    flags = [is_furniture(line) for line in lines]
    _flag_related_lists(lines, flags)
    title_key = " ".join(_WORDS.findall(title.lower()))
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for i in filled[:1]:
        if title_key and " ".join(_WORDS.findall(lines[i].lower())) == title_key:
            flags[i] = True
    for edge in (filled, filled[::-1]):  # from the top, then from the bottom
        run = _edge_labels(lines, flags, edge, from_top=edge is filled)
        if len(run) <= EDGE_LABELS:
            for i in run:
                flags[i] = True
    return flags


def _flag_related_lists(lines: Sequence[str], flags: list[bool]) -> None:
    """Flags the items that follow a heading of related links (or a teaser), or of sponsors, in
    place."""
    in_list = sponsors = False
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            continue
        if _LIST_HEADING.match(text) or (flags[i] and _TEASER.match(text)) or _SPONSOR_HEADING.match(text):
            flags[i] = True
            in_list, sponsors = True, bool(_SPONSOR_HEADING.match(text))
        elif in_list and (
            _LIST_ITEM.match(text) or is_label(text) or (sponsors and _SPONSOR_ITEM.match(text))
        ):
            flags[i] = True
        else:
            in_list = sponsors = False


def _edge_labels(lines: Sequence[str], flags: list[bool], edge: list[int], from_top: bool) -> list[int]:
    """The labels at one edge of the body (``edge``: the filled lines' places, in reading order
    from that edge), up to its first line of prose or list item."""
    run = []
    for n, i in enumerate(edge):
        if flags[i]:
            continue
        if not is_label(lines[i]) or _LIST_ITEM.match(lines[i]):
            break
        after = edge[n + 1] if n + 1 < len(edge) else None
        if after is not None and (
            continues(lines[i], lines[after]) if from_top else continues(lines[after], lines[i])
        ):
            break  # a sentence broken over lines (a <br>): prose, not a label
        run.append(i)
    return run
