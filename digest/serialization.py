"""The JSON wire format of a digest (schema "digest/1"): the public interface for scripts."""

from __future__ import annotations

import math
from typing import Any

from digest.models import Candidate, Citation, Digest, Document, Link, Pick, Story
from digest.sanitize import clean_text, plain_url, visible

SCHEMA = "digest/1"


def _number(value: float) -> float:
    return value if math.isfinite(value) else 0.0  # strict JSON has no NaN or Infinity


def document_dict(doc: Document, include_text: bool) -> dict[str, Any]:
    """One document's entry."""
    # visible(): a path with control characters or undecodable bytes is written escaped, so
    # the JSON stays valid UTF-8 and a terminal showing it cannot be driven by it.
    remote = doc.origin.startswith(("http://", "https://"))
    entry: dict[str, Any] = {
        "id": doc.id,
        "title": _clean(doc.title),
        "path": None if remote else visible(doc.origin),
        "url": visible(doc.url) if doc.url else (visible(doc.origin) if remote else None),
        "source": _clean(doc.source),
        "published": _clean(doc.published),
        "copy_of": doc.copy_of,
        "text_kind": doc.kind,
    }
    if include_text:
        entry["text"] = _clean(doc.text)  # clean already, so the offsets still hold
    return entry


def _clean(value: Any) -> Any:
    """Untrusted text sanitized again on the way out (a no-op on text that came in through ingest)."""
    return clean_text(value) if isinstance(value, str) else value


def to_dict(digest: Digest, include_text: bool = False) -> dict[str, Any]:
    """The digest as the "digest/1" JSON object."""
    return {
        "schema": SCHEMA,
        "generated_at": digest.generated_at,
        "base": _clean(digest.base),
        "settings": digest.settings,
        "documents": [document_dict(d, include_text) for d in digest.documents],
        "clusters": [
            {
                "id": story.id,
                "title": _clean(story.title),
                "sources": story.sources,
                "documents": list(story.documents),
                "new": story.new,
                "update": story.update,
                # Why its articles are together: each (but the first) with the one it was linked to.
                "links": [
                    {
                        "document": link.document,
                        "linked_to": link.linked_to,
                        "similarity": None if link.similarity is None else _number(link.similarity),
                        "shared": [_clean(term) for term in link.shared],
                        "copy": link.copy,
                    }
                    for link in story.links
                ],
                "sentences": [
                    {
                        "text": _clean(pick.candidate.text),
                        "score": _number(pick.score),
                        "components": {
                            k: v if isinstance(v, str) else _number(v) for k, v in pick.components.items()
                        },
                        "citations": [
                            {"document": c.document, "start": c.start, "end": c.end}
                            for c in pick.candidate.citations
                        ],
                        # Near-identical variants in documents not cited (not the same text).
                        "related": [
                            {"document": c.document, "start": c.start, "end": c.end}
                            for c in pick.candidate.related
                        ],
                        "new": pick.new,
                    }
                    for pick in story.sentences
                ],
            }
            for story in digest.stories
        ],
        "warnings": [_clean(w) for w in digest.warnings],
    }


class SchemaError(ValueError):
    """A JSON document that is not a digest/1 digest; the message says what is wrong."""


def from_dict(data: Any) -> Digest:
    """Read a "digest/1" JSON object back into a Digest (the inverse of ``to_dict``).

    Documents saved without ``--include-text`` come back with an empty ``text``; a front end
    can re-read them from ``origin``. Untrusted strings are sanitized again on the way in.

    Raises:
        SchemaError: when ``data`` is not a valid digest/1 object.
    """
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise SchemaError(f'not a {SCHEMA} digest (no "schema": "{SCHEMA}")')
    documents = [
        _document(entry, f"documents[{n}]")
        for n, entry in enumerate(_need(data, "documents", list, "digest"), 1)
    ]
    order = {d.id: i for i, d in enumerate(documents)}
    stories = [
        _story(entry, f"clusters[{n}]", order)
        for n, entry in enumerate(_need(data, "clusters", list, "digest"), 1)
    ]
    settings: dict[str, object] = data["settings"] if isinstance(data.get("settings"), dict) else {}
    generated: str = data["generated_at"] if isinstance(data.get("generated_at"), str) else ""
    warnings = [clean_text(w) for w in data.get("warnings", []) if isinstance(w, str)]
    base = clean_text(data["base"]) if isinstance(data.get("base"), str) else ""
    return Digest(tuple(stories), tuple(documents), settings, generated, tuple(warnings), base)


def _need(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """``mapping[key]``, which must be a ``kind``; else SchemaError naming ``where``."""
    if not isinstance(mapping, dict) or key not in mapping:
        raise SchemaError(f"{where}: missing {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise SchemaError(f"{where}: {key!r} has the wrong type")
    return value


def _text_or_none(mapping: dict[str, Any], key: str) -> str | None:
    value = mapping.get(key)
    return clean_text(value) if isinstance(value, str) else None


def _document(entry: Any, where: str) -> Document:
    doc_id = _need(entry, "id", str, where)
    path = _text_or_none(entry, "path")
    url = _text_or_none(entry, "url")
    if url is not None and not plain_url(entry["url"]):
        url = None  # a link with a hidden character: dropped, not altered
    return Document(
        id=doc_id,
        origin=path or url or doc_id,
        title=clean_text(_need(entry, "title", str, where)),
        text=clean_text(entry.get("text") or ""),
        source=_text_or_none(entry, "source"),
        published=_text_or_none(entry, "published"),
        url=url,
        copy_of=_text_or_none(entry, "copy_of"),
        kind=entry.get("text_kind") if entry.get("text_kind") in ("text", "extracted") else "text",
    )


def _story(entry: Any, where: str, order: dict[str, int]) -> Story:
    members = _need(entry, "documents", list, where)
    if any(m not in order for m in members):
        raise SchemaError(f"{where}: cites a document that is not listed")
    picks = [
        _pick(sentence, f"{where}.sentences[{k}]", order)
        for k, sentence in enumerate(_need(entry, "sentences", list, where), 1)
    ]
    return Story(
        id=_need(entry, "id", str, where),
        title=clean_text(_need(entry, "title", str, where)),
        documents=tuple(members),
        sentences=tuple(picks),
        sources=entry.get("sources") if isinstance(entry.get("sources"), int) else len(members),
        new=entry.get("new") is not False,
        update=entry.get("update") is True,
        links=_links(entry.get("links"), members),
    )


def _citations(entries: Any, place: str, order: dict[str, int]) -> list[Citation]:
    citations = []
    for c in entries if isinstance(entries, list) else ():
        doc_id = _need(c, "document", str, place)
        start, end = _need(c, "start", int, place), _need(c, "end", int, place)
        if doc_id not in order or not 0 <= start <= end:
            raise SchemaError(f"{place}: a citation does not point into a listed document")
        citations.append(Citation(doc_id, start, end))
    return citations


def _pick(sentence: Any, place: str, order: dict[str, int]) -> Pick:
    citations = _citations(_need(sentence, "citations", list, place), place, order)
    related = _citations(sentence.get("related", ()), place, order)
    if not citations:
        raise SchemaError(f"{place}: no citation")
    score = _need(sentence, "score", (int, float), place)
    components = sentence.get("components") if isinstance(sentence.get("components"), dict) else {}
    candidate = Candidate(
        text=clean_text(_need(sentence, "text", str, place)),
        citations=tuple(citations),
        position=0.0,
        order=(order[citations[0].document], citations[0].start),
        support=len({c.document for c in citations + related}),
        related=tuple(related),
    )
    return Pick(
        candidate,
        float(score),
        {
            str(k): float(v) if isinstance(v, (int, float)) else clean_text(v)[:40]
            for k, v in components.items()
            if isinstance(v, (int, float, str))
        },
        new=sentence.get("new") is not False,
    )


def _links(entries: Any, members: list[str]) -> tuple[Link, ...]:
    links = []
    for link in entries if isinstance(entries, list) else ():
        if not isinstance(link, dict):
            continue
        a, b, similarity = link.get("document"), link.get("linked_to"), link.get("similarity")
        if a in members and b in members:
            shared: list[Any] = link["shared"] if isinstance(link.get("shared"), list) else []
            links.append(
                Link(
                    a,
                    b,
                    float(similarity) if isinstance(similarity, (int, float)) else None,
                    tuple(clean_text(t) for t in shared if isinstance(t, str)),
                    copy=link.get("copy") is True,
                )
            )
    return tuple(links)
