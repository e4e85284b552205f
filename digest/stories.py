"""Stories assembled from the stages' results: their documents, picks, headline, links, rank.

The story a reader sees first is the one the most outlets carried (distinct outlets, then
articles, then the order of the inputs). Its headline is the title of its most central
article.
"""

from __future__ import annotations

from collections.abc import Sequence

from digest.models import Document, Link, Pick, Story
from digest.stages.cluster import Link as Tie


def sources(originals: Sequence[Document]) -> int:
    """Distinct outlets; a document whose outlet is unknown counts as one of its own."""
    return len({(d.source or "").casefold() or d.id for d in originals})


def headline(members: Sequence[Document], language: str = "english") -> str:
    """The title of the story's most central document, preferring real headlines.

    Central: the highest cosine similarity to the story's TF-IDF centroid.
    """
    titled = [d for d in members if not d.title.endswith("…")] or list(members)
    if len(titled) == 1:
        return titled[0].title
    import numpy as np

    from digest.stages.cluster import vectorize

    matrix = vectorize([f"{d.title}\n{d.text}" for d in titled], language)
    centroid = np.asarray(matrix.mean(axis=0)).ravel()
    scores = np.round(matrix @ centroid, 9)  # a tie (two articles are equally central) goes to the first
    return titled[int(np.argmax(scores))].title


def links(
    ties: Sequence[Tie], originals: Sequence[Document], story_docs: Sequence[Document]
) -> tuple[Link, ...]:
    """Why the story's articles are together: the grouping's ties, then each copy."""
    why = [
        Link(originals[t.document].id, originals[t.linked_to].id, round(t.probability, 4), t.shared)
        for t in ties
    ]
    why += [Link(d.id, d.copy_of, None, (), copy=True) for d in story_docs if d.copy_of is not None]
    return tuple(why)


def rank(
    stories: Sequence[tuple[list[Document], list[Document], list[Pick], str, tuple[Link, ...]]],
    documents: Sequence[Document],
) -> list[Story]:
    """Stories from (documents, originals, picks, headline, links), numbered c1, c2 ... in rank order."""
    order = {d.id: i for i, d in enumerate(documents)}
    ranked = sorted(stories, key=lambda s: (-sources(s[1]), -len(s[0]), order[s[0][0].id]))
    return [
        Story(
            id=f"c{number}",
            title=title,
            documents=tuple(sorted((d.id for d in story_docs), key=order.__getitem__)),
            sentences=tuple(picks),
            sources=sources(members),
            links=why,
        )
        for number, (story_docs, members, picks, title, why) in enumerate(ranked, 1)
    ]
