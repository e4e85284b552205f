"""The data model: documents, sentences, citations, stories and the digest, all frozen."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One input article."""

    id: str
    """Stable id within a digest: d1, d2 ... in input order."""
    origin: str
    """Where it came from: a file path, a URL or '-' for standard input."""
    title: str
    """Headline: the first line or heading, or the HTML title."""
    text: str
    """The exact text that sentence offsets index (decoded, control characters removed)."""
    source: str | None = None
    """The outlet, when the text or metadata names it."""
    published: str | None = None
    """Publication date (ISO 8601), when known."""
    url: str | None = None
    """The article's URL, when known."""
    copy_of: str | None = None
    """Id of the document this one is a near-copy of; None for an original."""
    kind: str = "text"
    """How ``text`` was obtained: 'text' (the decoded file) or 'extracted' (from HTML)."""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, located by character offsets."""

    doc_id: str
    """The document it belongs to."""
    index: int
    """0-based position among the document's sentences."""
    start: int
    """Offset of its first character in ``Document.text``."""
    end: int
    """Offset just past its last character in ``Document.text``."""
    text: str
    """``Document.text[start:end]``."""
    candidate: bool = True
    """False for lines that are not article prose (titles, promo, footers, fragments)."""


@dataclass(frozen=True)
class Citation:
    """Where a shown sentence stands in one source document."""

    document: str
    """Document id."""
    start: int
    """Start offset in that document's text."""
    end: int
    """End offset in that document's text."""


@dataclass(frozen=True)
class Candidate:
    """A sentence that may be shown, merged over every document that carries it."""

    text: str
    """The verbatim text shown (from the first document that carries it)."""
    citations: tuple[Citation, ...]
    """One per document carrying it word for word (up to spacing), first the one ``text``
    comes from: each is checkable against its document's text."""
    position: float
    """Relative position (0 = lead) of the sentence in its first document."""
    order: tuple[int, int]
    """(document order, sentence index) of the first citation: the reading order key."""
    support: int = 1
    """How many distinct original documents (copies not counted) carry it or a variant."""
    related: tuple[Citation, ...] = ()
    """Near-identical variants (wire copy with other words, quotes or case) in documents that
    are not cited: they count as carrying the sentence, but it is not quoted from them."""

    @property
    def carriers(self) -> tuple[Citation, ...]:
        """Every place the sentence or a variant stands: citations, then related."""
        return self.citations + self.related


@dataclass(frozen=True)
class Pick:
    """A selected sentence with its score."""

    candidate: Candidate
    """The sentence and its citations."""
    score: float
    """Its prior in [0, 1] (``summarize._prior``), which the selection weighs with the concepts it covers."""
    components: dict[str, float | str] = field(default_factory=dict)
    """Named parts of the score (algorithm, position, sources ...), and ``selection``: the
    method that picked it (ilp, greedy, knapsack)."""
    new: bool = True
    """False for a sentence already shown in an earlier briefing (``brief --all``)."""


@dataclass(frozen=True)
class Link:
    """Why an article is in its story: the article of the story it was linked to."""

    document: str
    """Id of the article."""
    linked_to: str
    """Id of the article of the same story it is most strongly tied to."""
    similarity: float | None
    """The probability that the two report the same event; None for a copy."""
    shared: tuple[str, ...] = ()
    """The names and words that weigh most in that link, heaviest first."""
    copy: bool = False
    """True when the article is a copy of ``linked_to`` (recognised as a copy, not grouped)."""


@dataclass(frozen=True)
class Story:
    """A group of documents about one story, with its summary."""

    id: str
    """c1, c2 ... in the order shown (most important first)."""
    title: str
    """Headline chosen from its documents."""
    documents: tuple[str, ...]
    """Ids of its documents, copies included."""
    sentences: tuple[Pick, ...]
    """Selected sentences in reading order."""
    sources: int = 1
    """Number of distinct outlets (or original documents where the outlet is unknown)."""
    new: bool = True
    """False for a story whose articles were all shown in an earlier briefing (``brief --all``)."""
    update: bool = False
    """A story shown in an earlier briefing that gained articles: its new sentences follow."""
    links: tuple[Link, ...] = ()
    """Why its articles are together: one Link for each article but the first of its originals."""


@dataclass(frozen=True)
class Digest:
    """The result of a build: what every renderer and the TUI read."""

    stories: tuple[Story, ...]
    """Stories, most important first."""
    documents: tuple[Document, ...]
    """Every document read, in input order."""
    settings: dict[str, object]
    """The settings the digest was built with."""
    generated_at: str
    """When it was built (ISO 8601, UTC)."""
    warnings: tuple[str, ...] = ()
    """Inputs that were skipped, and why."""
    base: str = ""
    """The folder relative paths were read from (the working directory of the build)."""

    def document(self, doc_id: str) -> Document:
        """Return the document with id ``doc_id``."""
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)
