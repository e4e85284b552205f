"""A line that one feed repeats in its entries is boilerplate, never a summary sentence (issue 14).

Through feeds served on 127.0.0.1 and ``digest brief``, in-process; and ``digest.stages.recurring``
on its own for the rule's edges: the same sentence within one story is the story's own.
"""

from __future__ import annotations

import json
from typing import Any

from digest.models import Document
from digest.pipeline import build_from_documents
from digest.settings import Settings
from digest.stages.recurring import recurring
from digest.stages.segment import segment
from tests.brief import articles
from tests.feedserver import LAUNCH, RATES, STORM, STORM_B, FeedServer, Item, rss

FOOTER = "Thank you for reading via RSS. Visit our website for the latest news and analysis."


def _with_footer(item: Item) -> Item:
    return Item(item.title, item.link, f"{item.text}</p><p>{FOOTER}", item.published)


def _sentences(data: dict[str, Any]) -> list[str]:
    return [s["text"] for c in data["clusters"] for s in c["sentences"]]


def test_a_feed_footer_in_every_entry_is_never_picked(server: FeedServer, brief: Any) -> None:
    feed = server.serve("/a.xml", rss("Daily A", [_with_footer(i) for i in (STORM, RATES, LAUNCH)]))
    other = server.serve("/b.xml", rss("Gazette B", [STORM_B]))
    result = brief("--feed", feed, "--feed", other, "-f", "json", "--sentences", "6")
    assert result.exit_code == 0, result.stderr
    picked = _sentences(json.loads(result.stdout))
    assert picked, "the stories are summarized"
    assert not [s for s in picked if "Thank you for reading" in s or "Visit our website" in s]
    assert any("Storm Elena" in s for s in picked)


def doc(number: int, text: str, source: str | None = "Daily A") -> Document:
    return Document(
        id=f"d{number}", origin=f"{number}.txt", title=f"Title {number}", text=text, source=source
    )


def _masked(documents: list[Document], stories: list[int]) -> dict[str, frozenset[int]]:
    sentences = {d.id: segment(d) for d in documents}
    return recurring(documents, sentences, {d.id: s for d, s in zip(documents, stories, strict=True)})


def test_the_rule_needs_several_stories_a_share_of_the_source_and_a_known_source() -> None:
    texts = [articles.STORM_1, articles.RATES_1, articles.LAUNCH, articles.RATES_2]
    docs = [doc(i, f"Title {i}\n\n{t}\n{FOOTER}\n") for i, t in enumerate(texts, 1)]
    masked = _masked(docs, [0, 1, 2, 1])
    assert set(masked) == {"d1", "d2", "d3", "d4"}
    for d in docs:
        assert {segment(d)[i].text for i in masked[d.id]} == set(FOOTER.replace(". ", ".\n").splitlines())
    # The same sentence in three articles of one story: the story's own, kept.
    assert _masked(docs[:3], [0, 0, 0]) == {}
    # In two articles of four: under MIN_DOCUMENTS.
    plain = [doc(i, f"Title {i}\n\n{t}\n") for i, t in enumerate(texts, 1)]
    assert _masked(docs[:2] + plain[2:], [0, 1, 2, 1]) == {}
    # Three of seven: under half of the source's articles.
    more = [
        doc(i, f"Title {i}\n\nOther news number {i} was reported on Friday by the agency.\n")
        for i in range(5, 9)
    ]
    assert _masked(docs[:3] + more, [0, 1, 2, 3, 4, 5, 6]) == {}
    # Five of twelve, in five stories: a template (a rotating sponsor read), whatever the share.
    five = [doc(i, f"Title {i}\n\nReport number {i} came out on Friday.\n{FOOTER}\n") for i in range(1, 6)]
    seven = [doc(i, f"Title {i}\n\nOther news number {i} was reported on Friday.\n") for i in range(6, 13)]
    masked = _masked(five + seven, list(range(12)))
    assert set(masked) == {f"d{i}" for i in range(1, 6)}
    # ... but five of twelve in four stories is not.
    assert _masked(five + seven, [0, 1, 2, 3, 3, *range(4, 11)]) == {}
    # Different sources, or none: never judged together.
    unknown = [doc(i, d.text, source=None) for i, d in enumerate(docs, 1)]
    assert _masked(unknown, [0, 1, 2, 1]) == {}


def test_a_build_of_files_from_one_outlet_quotes_no_footer() -> None:
    texts = [articles.STORM_1, articles.RATES_1, articles.LAUNCH]
    docs = [doc(i, f"Title {i}\n\n{t}\n{FOOTER}\n") for i, t in enumerate(texts, 1)]
    digest = build_from_documents(docs, Settings(clusters="auto", sentences=8), [], lambda *a: None)
    picked = [p.candidate.text for story in digest.stories for p in story.sentences]
    assert len(digest.stories) == 3 and picked
    assert not [s for s in picked if "Thank you" in s or "Visit our website" in s]
