"""Copies, wire-copy sentences and story grouping."""

from __future__ import annotations

import pytest

from digest.models import Document
from digest.pipeline import NothingToSummarize, build
from digest.settings import Settings
from digest.stages import dedup
from digest.stages.dedup import find_copies, merge_sentences
from digest.stages.segment import segment
from tests.conftest import CORPUS

BODY = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "The plan raises spending on schools by ten percent over two years.",
    "Opposition members said the increase was not enough to hire new teachers.",
    "The mayor called the vote a victory for families across the city.",
    "A final reading is planned for next month, officials said.",
]


def make(doc_id: str, text: str, title: str = "Council passes budget") -> Document:
    return Document(id=doc_id, origin=f"{doc_id}.txt", title=title, text=text)


def test_whitespace_copy_with_footer_is_a_copy() -> None:
    a = make("d1", "Council passes budget\n\n" + "\n\n".join(BODY) + "\n")
    b = make("d2", " ".join(BODY) + " All content by Example News is licensed under CC BY 4.0.")
    c = make(
        "d3",
        "Storm hits coast\n\nA storm hit the coast on Monday. Thousands lost power overnight. "
        "Repairs will take a week, the utility said. Schools stayed closed.",
        title="Storm hits coast",
    )
    assert find_copies([a, b, c]) == {"d2": "d1"}


def test_same_sentence_in_two_documents_is_one_candidate_with_two_citations() -> None:
    a = make("d1", "Council passes budget\n" + " ".join(BODY))
    # Wire copy: straight quotes instead of curly, other spacing, one sentence edited.
    b = make(
        "d2",
        "Budget approved\n"
        + "  ".join(BODY[:3]).replace("not enough", "“not enough”")
        + " Something else entirely happened in the capital today, witnesses said.",
        title="Budget approved",
    )
    candidates = merge_sentences([a, b], {d.id: segment(d) for d in (a, b)})
    texts = [c.text for c in candidates]
    assert len(texts) == len(set(texts))
    first = next(c for c in candidates if c.text == BODY[0])
    assert [x.document for x in first.citations] == ["d1", "d2"]
    assert first.support == 2
    # The edited sentence is one candidate (never shown twice), carried by both documents,
    # but quoted only from the one whose text it is: d2's variant is a related place.
    edited = next(c for c in candidates if c.text.startswith("Opposition members"))
    assert [x.document for x in edited.citations] == ["d1"]
    assert [x.document for x in edited.related] == ["d2"] and edited.support == 2
    assert "“not enough”" in b.text[edited.related[0].start : edited.related[0].end]
    for c in candidates:  # every citation checks out, as the JSON contract says
        for citation in c.citations:
            doc = a if citation.document == "d1" else b
            assert " ".join(doc.text[citation.start : citation.end].split()) == " ".join(c.text.split())


@pytest.mark.parametrize("story", ["M000", "M004", "M007"])
def test_small_stories_merge_near_copies_as_large_ones(story: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Up to dedup.SMALL_STORY long sentences, pairs are compared in Python (no scipy import);
    # above, with sparse products: the same candidates either way. The story's articles and
    # an edited copy of the first (a word changed in a few sentences: near-copies).
    docs = []
    for path in sorted((CORPUS / "multiling2011" / story).glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        docs.append(make(path.stem, text, title=text.splitlines()[0]))
    edited = docs[0].text.replace(" the ", " a ", 4)
    docs.append(make("edited", edited, title=docs[0].title))
    sentences = {d.id: segment(d) for d in docs}
    small = merge_sentences(docs, sentences)
    monkeypatch.setattr(dedup, "SMALL_STORY", 0)
    large = merge_sentences(docs, sentences)
    assert small == large
    assert any(c.related for c in small)  # near-copies did merge


@pytest.mark.parametrize("count", [1, 3])
def test_cluster_count_is_honoured(count: int) -> None:
    digest = build(
        [str(CORPUS / "multiling2011" / "M000"), str(CORPUS / "seeds")], Settings(clusters=str(count))
    )
    assert len(digest.stories) == count


def test_stories_ordered_by_sources_then_size() -> None:
    digest = build([str(CORPUS)], Settings())
    keys = [(s.sources, len(s.documents)) for s in digest.stories]
    assert keys == sorted(keys, reverse=True)
    seeds = [s for s in digest.stories if any("seeds" in digest.document(d).origin for d in s.documents)]
    assert len(seeds) == 1 and len(seeds[0].documents) == 3


def test_nothing_to_summarize(articles) -> None:
    folder = articles({"a.txt": "Just a title\n", "b.txt": "   \n"})
    with pytest.raises(NothingToSummarize) as info:
        build([str(folder)], Settings())
    assert any("empty" in w for w in info.value.warnings)


def test_a_file_named_twice_is_read_once() -> None:
    seed = str(CORPUS / "seeds" / "003_9268d6ca20cf8fd5.txt")
    digest = build([str(CORPUS / "seeds"), seed, seed], Settings())
    assert len(digest.documents) == 3


def test_a_forced_count_with_an_article_of_no_content_words() -> None:
    from digest.stages.cluster import cluster

    stop = make(
        "d9", "The And\n\nIt was what it is. They were there and then they were not there.", title="The And"
    )
    others = [make(f"d{i}", f"Story {i}\n\n" + " ".join(BODY)) for i in range(3)]
    groups = cluster([*others, stop], 2)
    assert len(groups) == 2 and [3] in groups  # the empty one stands alone, without a crash
