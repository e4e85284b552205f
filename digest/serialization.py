"""The JSON wire format of a digest (schema "digest/1"): the public interface for scripts."""

from __future__ import annotations

import math
from typing import Any, TypedDict

from digest.models import Digest, Document

SCHEMA = "digest/1"


class CitationDict(TypedDict):
    """A citation on the wire."""

    document: str
    start: int
    end: int


class SentenceDict(TypedDict):
    """A selected sentence on the wire."""

    text: str
    score: float
    components: dict[str, float]
    citations: list[CitationDict]


def _number(value: float) -> float:
    return value if math.isfinite(value) else 0.0  # strict JSON has no NaN or Infinity


def document_dict(doc: Document, include_text: bool) -> dict[str, Any]:
    """One document's entry."""
    entry: dict[str, Any] = {
        "id": doc.id,
        "title": doc.title,
        "path": None if doc.origin.startswith(("http://", "https://")) else doc.origin,
        "url": doc.url or (doc.origin if doc.origin.startswith(("http://", "https://")) else None),
        "source": doc.source,
        "published": doc.published,
        "copy_of": doc.copy_of,
        "text_kind": doc.kind,
    }
    if include_text:
        entry["text"] = doc.text
    return entry


def to_dict(digest: Digest, include_text: bool = False) -> dict[str, Any]:
    """The digest as the "digest/1" JSON object."""
    return {
        "schema": SCHEMA,
        "generated_at": digest.generated_at,
        "settings": digest.settings,
        "documents": [document_dict(d, include_text) for d in digest.documents],
        "clusters": [
            {
                "id": story.id,
                "title": story.title,
                "sources": story.sources,
                "documents": list(story.documents),
                "sentences": [
                    {
                        "text": pick.candidate.text,
                        "score": _number(pick.score),
                        "components": {k: _number(v) for k, v in pick.components.items()},
                        "citations": [
                            {"document": c.document, "start": c.start, "end": c.end}
                            for c in pick.candidate.citations
                        ],
                    }
                    for pick in story.sentences
                ],
            }
            for story in digest.stories
        ],
        "warnings": list(digest.warnings),
    }
