"""Markdown that reads well as plain text in an email, with untrusted text escaped."""

from __future__ import annotations

import re
import unicodedata
from typing import TextIO

from digest.models import Digest
from digest.render.common import (
    SEEN_MARK,
    RenderOptions,
    heading_line,
    markers,
    source_numbers,
    source_parts,
    story_line,
    update_prefix,
)
from digest.sanitize import one_line, visible

# Each pattern marks characters that would start markup *at that position*; ordinary
# punctuation ("B&Bs", "a | b", "5 * 3", "snake_case", "a < b") is left as it is.
_ALWAYS = re.compile(r"`|~(?=~)|(?<=~)~")  # code spans; "~~" strike-through (and fences)
_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~]|$)")  # a backslash escape of ours or theirs
_HTML = re.compile(r"<(?=[A-Za-z/!?])")  # tags, comments, declarations, autolinks <http://x>
_ENTITY = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
# GFM autolinks and linkify: scheme://, a protocol-relative //host, www., e-mail addresses.
# One escape breaks each: "http\://x", "\//x.org", "www\.x.org", "a\@b.org".
_AUTOLINK = re.compile(
    r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<![:/\w])/(?=/\w)|(?<![\w.])www(\.)(?=\w)|(?<=\S)@(?=\S)"
)
# What starts a block at the start of a line, and so also right after our "- " or "1. ":
# a heading, a list item, a quote or a thematic break ("# x", "+ x", "- x", "- - -", "* x",
# "***", "___", "> x"; "2. x", "2) x").
_BLOCK_START = re.compile(r"^(?:[#+-](?=[\s#-]|$)|[*_](?=[\s*_-]|$)|>)|^\d{1,9}([.)])(?=\s|$)")
# A closing sequence of '#' that our "## " heading would drop.
_HEADING_END = re.compile(r"(?<=\s)#+$")
# A link or image "[x](u)", a reference "[x][y]", a definition "[x]: u" opening the text:
# its brackets are escaped. Without a definition (no text can make one) "[x]" stays text.
_LINK = re.compile(r"\]\(|\]\[|^\[.*\]:")


def _punctuation(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch)[0] in "PS"


def _delimiter_runs(text: str, char: str) -> list[tuple[int, int]]:
    """The runs of ``char`` (``*`` or ``_``) that could open or close emphasis, when one that
    could open comes before one that could close (CommonMark's flanking rules); else none."""
    runs = []
    opened = paired = False
    for match in re.finditer(re.escape(char) + "+", text):
        before = text[match.start() - 1 : match.start()] or " "
        after = text[match.end() : match.end() + 1] or " "
        can_open, can_close = _flanking(before, after, char)
        if can_close and opened:
            paired = True
        opened = opened or can_open
        if can_open or can_close:
            runs.append(match.span())
    return runs if paired else []


def _flanking(before: str, after: str, char: str) -> tuple[bool, bool]:
    """Whether a run of ``char`` between the characters ``before`` and ``after`` (a space at
    either end of the text) can open and can close emphasis (CommonMark's flanking rules)."""
    left = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
    right = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
    if char == "_":
        return left and (not right or _punctuation(before)), right and (not left or _punctuation(after))
    return left, right


def escape(text: str) -> str:
    """Make untrusted text inert in Markdown: it renders as itself, never as markup.

    The text is folded onto one line first, so it cannot start a heading, list, quote,
    table or code block on a line of its own; our own markup always stands at the start of
    the line, and what would start a block right after it (our "- " list marker) is escaped.
    Only what would be markup where it stands gets a backslash: brackets of a link, image,
    reference or definition, "*" and "_" that could pair up as emphasis, a "<" that may open
    a tag, an "&" that spells an entity, what GFM would autolink; a text with no markup reads
    as itself. Several untrusted strings on one line must be escaped together,
    as one string, for emphasis to be judged across them.
    """
    text = one_line(text)
    marks: set[int] = set()
    for pattern in (_ALWAYS, _BACKSLASH, _HTML, _ENTITY, _AUTOLINK, _BLOCK_START, _HEADING_END):
        for match in pattern.finditer(text):
            group = match.lastindex or 0  # the character a group names, else the whole match
            marks.update(range(match.start(group), match.end(group)))
    if _LINK.search(text):
        marks.update(i for i, c in enumerate(text) if c in "[]")
    for char in "*_":
        for start, end in _delimiter_runs(text, char):
            marks.update(range(start, end))
    if not marks:
        return text
    return "".join("\\" + c if i in marks else c for i, c in enumerate(text))


def code(text: str) -> str:
    """An inline code span: shows a path or URL literally and never as a link."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    """Write the digest as Markdown."""
    out.write(f"# Digest\n\n{heading_line(digest)}, built {digest.generated_at}.\n")
    for number, story in enumerate(digest.stories, 1):
        numbers = source_numbers(story)
        title = f"{update_prefix(story)}{escape(story.title)}" + ("" if story.new else f" _{SEEN_MARK}_")
        out.write(f"\n## {number}. {title}\n\n_{story_line(story)}_\n\n")
        for pick in story.sentences:
            # [1][2] stay literal: a reference link needs a "[2]: url" definition at the start
            # of a line, and escaped untrusted text can never start a line.
            refs = "".join(f"[{n}]" for n in markers(story, numbers, pick.candidate.citations))
            seen = "" if pick.new else f" _{SEEN_MARK}_"
            out.write(f"- {escape(pick.candidate.text)} {refs}{seen}\n")
        out.write("\nSources:\n\n")
        for doc_id, n in numbers.items():
            doc = digest.document(doc_id)
            # title, outlet and date escaped as one string: emphasis could pair across them
            parts = [escape(" — ".join(source_parts(doc, digest, {})[:-1]))]
            parts.append(code(visible(doc.url or doc.origin)))
            if doc.copy_of is not None and doc.copy_of in numbers:
                parts.append(f"copy of [{numbers[doc.copy_of]}]")
            out.write(f"{n}. " + " — ".join(parts) + "\n")
