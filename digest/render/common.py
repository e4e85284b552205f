"""What every renderer shares: the options, source numbers and markers, and the lines that
say what a digest or a story is. The renderers import this; the registry (digest.render)
imports the renderers: no circle."""

from __future__ import annotations

from dataclasses import dataclass

from digest.models import Citation, Digest, Document, Story
from digest.sanitize import one_line, visible


@dataclass(frozen=True)
class RenderOptions:
    """What renderers may be told besides the digest."""

    include_text: bool = False
    """JSON: put each document's text in the output."""
    color: bool | None = None
    """Terminal: force colour on or off; None decides from the terminal and NO_COLOR."""
    width: int | None = None
    """Terminal: line width; None asks the terminal."""
    headers: tuple[tuple[str, str], ...] = ()
    """Email: header fields (From, To, Cc, Subject); see digest.render.email."""


def source_numbers(story: Story) -> dict[str, int]:
    """Citation numbers [1], [2] ... of a story's documents, in the order they are listed."""
    return {doc_id: n for n, doc_id in enumerate(story.documents, 1)}


def grouping_lines(story: Story, digest: Digest) -> list[str]:
    """Why the story's articles are together, a line per article (single-line, no control
    characters): "[2] Title: linked to [1], 83% likely the same event; shares Lavrov, Ukraine"."""
    numbers = source_numbers(story)
    lines = []
    linked = {link.document: link for link in story.links}
    for doc_id in story.documents:
        doc = digest.document(doc_id)
        head = f"[{numbers[doc_id]}] {one_line(doc.title) or '(untitled)'}"
        link = linked.get(doc_id)
        if link is None or link.linked_to not in numbers:
            why = "the first article of the story" if len(story.documents) > 1 else "the only article"
        elif link.copy:
            why = f"a copy of [{numbers[link.linked_to]}]"
        else:
            chance = (
                f", {100 * link.similarity:.0f}% likely the same event" if link.similarity is not None else ""
            )
            shared = f"; shares {', '.join(one_line(t) for t in link.shared)}" if link.shared else ""
            why = f"linked to [{numbers[link.linked_to]}]{chance}{shared}"
        lines.append(f"{head}: {why}")
    return lines


def markers(story: Story, numbers: dict[str, int], citations: tuple[Citation, ...]) -> list[int]:
    """The sorted citation numbers of a sentence."""
    return sorted(numbers[c.document] for c in citations)


def source_parts(doc: Document, digest: Digest, numbers: dict[str, int]) -> list[str]:
    """The pieces of a Sources entry, all single-line and free of control characters."""
    parts = [one_line(doc.title) or "(untitled)"]
    if doc.source:
        parts.append(one_line(doc.source))
    if doc.published:
        parts.append(one_line(doc.published))
    parts.append(visible(doc.url or doc.origin))
    if doc.copy_of is not None and doc.copy_of in numbers:
        parts.append(f"copy of [{numbers[doc.copy_of]}]")
    return parts


def citation_line(text: str | None, doc: Document, digest: Digest) -> str:
    """A sentence and where it comes from, as plain text on one line, free of control characters
    (what the TUI copies): '"The storm reached the coast." — Storm hits, Coast News, 2025-03-14,
    https://example.org/storm'; without ``text``, the source alone."""
    where = ", ".join(source_parts(doc, digest, {}))
    return f'"{one_line(text)}" — {where}' if text is not None else where


def heading_line(digest: Digest) -> str:
    """The digest's opening line: how many stories from how many articles."""
    stories = len(digest.stories)
    articles = len(digest.documents)
    return f"{_count(stories, 'story', 'stories')} from {_count(articles, 'article', 'articles')}"


def update_prefix(story: Story) -> str:
    """'Update: ' before the title of a story shown before that gained articles, else ''."""
    return "Update: " if story.update else ""


SEEN_MARK = "(seen before)"
"""After a story or sentence that an earlier briefing showed (``brief --all``)."""


def story_line(story: Story) -> str:
    """'3 articles, 2 sources'."""
    n = len(story.documents)
    return f"{_count(n, 'article', 'articles')}, {_count(story.sources, 'source', 'sources')}"


def _count(n: int, one: str, many: str) -> str:
    """'1 story', '3 stories'."""
    return f"{n} {one if n == 1 else many}"
