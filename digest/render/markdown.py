"""Markdown that reads well as plain text in an email, with untrusted text escaped."""

from __future__ import annotations

import re
from typing import TextIO

from digest.models import Digest
from digest.render import (
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

# Characters that can start markup anywhere inline: emphasis, code, links, images, raw HTML,
# entities, tables, strike-through and autolinks (GFM turns bare e-mail addresses and
# www./scheme:// text into links, so '@', and the ':' and '.' that make them, are escaped).
_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9])(:)(?=//)|(?<=www)(\.)|(@)")
# What starts a block at the start of a line, and so also right after our "- " or "1. ":
# a heading, a list item or a thematic break ("# x", "+ x", "- x", "- - -", and "--" after our
# "- "; "2. x", "2) x"; '>' is escaped everywhere already).
_BLOCK_START = re.compile(r"^([#+-])(?=[\s#-]|$)|^(\d{1,9})([.)])(?=\s|$)")
# A closing sequence of '#' that our "## " heading would drop.
_HEADING_END = re.compile(r"(?<=\s)(#+)$")


def escape(text: str) -> str:
    """Make untrusted text inert in Markdown: it renders as itself, never as markup.

    The text is folded onto one line first, so it cannot start a heading, list, quote,
    table or code block on a line of its own; our own markup always stands at the start of
    the line, and what would start a block right after it (our "- " list marker) is escaped.
    """
    text = _INLINE.sub(r"\\\1", one_line(text))
    text = _BLOCK_START.sub(
        lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text)
    text = _HEADING_END.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: "\\" + m.group(0), text)


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
            parts = [escape(p) for p in source_parts(doc, digest, {})[:-1]]
            parts.append(code(visible(doc.url or doc.origin)))
            if doc.copy_of is not None and doc.copy_of in numbers:
                parts.append(f"copy of [{numbers[doc.copy_of]}]")
            out.write(f"{n}. " + " — ".join(parts) + "\n")
