"""Plain text: no markup at all, wrapped for reading."""

from __future__ import annotations

import textwrap
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
from digest.sanitize import one_line


def render(digest: Digest, out: TextIO, options: RenderOptions) -> None:
    """Write the digest as plain text wrapped at 78 columns."""
    width = 78
    out.write(f"DIGEST: {heading_line(digest)}\n")
    for number, story in enumerate(digest.stories, 1):
        numbers = source_numbers(story)
        title = f"{number}. {update_prefix(story)}{one_line(story.title)}"
        title += "" if story.new else f" {SEEN_MARK}"
        out.write(f"\n{title}\n{'=' * min(len(title), width)}\n({story_line(story)})\n\n")
        for pick in story.sentences:
            refs = "".join(f"[{n}]" for n in markers(story, numbers, pick.candidate.citations))
            seen = "" if pick.new else f" {SEEN_MARK}"
            # Lines break at spaces only: a quote keeps "Under-Secretary-General" and URLs whole.
            out.write(
                textwrap.fill(
                    f"{one_line(pick.candidate.text)} {refs}{seen}",
                    width,
                    initial_indent="* ",
                    subsequent_indent="  ",
                    break_on_hyphens=False,
                    break_long_words=False,
                )
                + "\n"
            )
        out.write("\nSources:\n")
        for doc_id, n in numbers.items():
            line = f"[{n}] " + " | ".join(source_parts(digest.document(doc_id), digest, numbers))
            out.write(
                textwrap.fill(
                    line, width, subsequent_indent="    ", break_on_hyphens=False, break_long_words=False
                )
                + "\n"
            )
