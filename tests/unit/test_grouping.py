"""Story grouping: an article joins a story only on evidence that it reports the same event."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from digest.evaluate import bcubed
from digest.models import Document
from digest.pipeline import build
from digest.serialization import from_dict, to_dict
from digest.settings import Settings
from digest.stages.cluster import THRESHOLDS, cluster, evidence, group, same_event, threshold_of
from digest.stages.dedup import find_copies
from digest.stages.ingest import ingest
from tests.conftest import CORPUS

ROOT = Path(__file__).resolve().parents[2]
AEB = ROOT.parent / "shared" / "data" / "aeb"
MULTILING = CORPUS / "multiling2011"


def read(*names: str) -> list[Document]:
    documents, warnings = ingest([str(MULTILING / n) for n in names], 10**7)
    assert not warnings
    return documents


def test_bcubed() -> None:
    assert bcubed(["a", "a", "b"], [1, 1, 2]) == (1.0, 1.0, 1.0)
    # All in one group: precision (2/3 * 2 + 1/3) / 3 = 5/9, recall 1.
    p, r, f = bcubed(["a", "a", "b"], [1, 1, 1])
    assert (round(p, 6), r) == (round(5 / 9, 6), 1.0) and f == pytest.approx(2 * p / (p + 1))
    # All alone: precision 1, recall (1/2 + 1/2 + 1) / 3.
    assert bcubed(["a", "a", "b"], [1, 2, 3])[:2] == (1.0, pytest.approx(2 / 3))
    with pytest.raises(ValueError):
        bcubed(["a"], [])


def test_threshold_of() -> None:
    assert threshold_of("default") == THRESHOLDS["default"]
    assert threshold_of(" Strict ") == THRESHOLDS["strict"] > THRESHOLDS["default"] > THRESHOLDS["loose"]
    assert threshold_of("0.45") == 0.45
    for bad in ("0", "1", "1.5", "-0.2", "nan", "tight", ""):
        with pytest.raises(ValueError):
            threshold_of(bad)


def test_no_story_mixes_two_multiling_stories() -> None:
    """Ten WikiNews stories told over weeks or years: every group found holds articles of one of
    them (precision 1), and the reports of one event come together."""
    documents, _ = ingest([str(MULTILING)], 10**7)
    groups = cluster(documents)
    truth = [Path(d.origin).parent.name for d in documents]
    found = [0] * len(documents)
    for number, members in enumerate(groups):
        for m in members:
            found[m] = number
    precision, recall, _ = bcubed(truth, found)
    assert precision == 1.0
    assert sum(1 for g in groups if len(g) > 1) >= 10 and recall > 0.2


def test_two_earthquakes_are_two_stories() -> None:
    """Chile and Haiti, weeks apart, with the same vocabulary of magnitudes and aftershocks."""
    chile = read("M005/M0059.txt", "M005/M0050.txt")
    haiti = read("M006/M0060.txt", "M006/M0061.txt")
    docs = chile + haiti
    ev = evidence(docs)
    across = same_event(ev, [0, 0, 1, 1], [2, 3, 2, 3])
    assert across.max() < 0.05
    groups = cluster(docs)
    assert not any({0, 1} & set(g) and {2, 3} & set(g) for g in groups)


def test_one_event_from_two_outlets_is_one_story() -> None:
    documents, _ = ingest([str(CORPUS / "seeds")], 10**7)
    copies = find_copies(documents)
    originals = [d for d in documents if d.id not in copies]
    assert len(originals) == 2
    result = group(originals)
    assert result.groups == [[0, 1]]
    [link] = result.links[0]
    assert (link.document, link.linked_to) == (1, 0) and link.probability > 0.9
    # What carried the link: the names the two reports share.
    assert {"Ukraine", "Russia", "Moscow"} <= set(link.shared)


def test_the_prior_weighs_a_small_input_like_a_large_one() -> None:
    """Two articles alone: words every article has are stop words, the outlets' names are no
    evidence, and the pair is judged as within the 103 articles of the corpus."""
    documents, _ = ingest([str(CORPUS / "seeds")], 10**7)
    pair = [d for d in documents if d.id not in find_copies(documents)]
    alone = evidence(pair)
    assert "said" not in alone.terms and "the" not in alone.terms
    assert "Lavrov" in alone.terms
    everything, _ = ingest([str(CORPUS)], 10**7)
    originals = [d for d in everything if d.id not in find_copies(everything)]
    index = [i for i, d in enumerate(originals) if "seeds" in d.origin]
    small = same_event(alone, [0], [1])[0]
    large = same_event(evidence(originals), [index[0]], [index[1]])[0]
    assert small > 0.9 and large > 0.9


def test_stop_words_follow_the_language() -> None:
    text = (
        "Die Regierung und der Rat haben am Montag in Berlin einen neuen Haushalt beschlossen. "
        "Die Opposition kritisierte den Plan, der die Ausgaben für Schulen erhöht."
    )
    docs = [
        Document(id="d1", origin="a.txt", title="Haushalt beschlossen", text=text),
        Document(id="d2", origin="b.txt", title="Berlin", text=text.replace("Montag", "Dienstag")),
    ]
    german = evidence(docs, "german").terms
    english = evidence(docs, "english").terms
    for word in ("und", "der", "die"):
        assert word not in german
        assert word in english
    assert "haushalt" in {t.lower() for t in german}


def test_days_apart_need_more_evidence() -> None:
    seeds, _ = ingest([str(CORPUS / "seeds")], 10**7)
    a, b = [d for d in seeds if d.id not in find_copies(seeds)]
    same_day = same_event(evidence([a, dataclasses.replace(b, published=a.published)]), [0], [1])[0]
    later = dataclasses.replace(b, published="2030-01-01")
    months = same_event(evidence([dataclasses.replace(a, published="2029-09-01"), later]), [0], [1])[0]
    assert months < same_day


def test_grouping_setting_moves_the_balance() -> None:
    documents, _ = ingest([str(MULTILING)], 10**7)
    counts = {name: len(cluster(documents, threshold=t)) for name, t in THRESHOLDS.items()}
    assert counts["strict"] >= counts["default"] >= counts["loose"]
    assert counts["strict"] > counts["loose"]


def test_json_says_why_articles_are_together() -> None:
    digest = build([str(CORPUS / "seeds")], Settings())
    [story] = to_dict(digest)["clusters"]
    links = {link["document"]: link for link in story["links"]}
    # d2 is a copy of d1; d3 was grouped with d1, with the names the two share.
    assert links["d2"] == {
        "document": "d2",
        "linked_to": "d1",
        "similarity": None,
        "shared": [],
        "copy": True,
    }
    assert links["d3"]["linked_to"] == "d1" and not links["d3"]["copy"]
    assert 0.5 < links["d3"]["similarity"] <= 1 and "Ukraine" in links["d3"]["shared"]
    assert set(links) == set(story["documents"]) - {"d1"}
    back = from_dict(to_dict(digest))
    assert back.stories[0].links == digest.stories[0].links


def test_settings_carry_the_grouping() -> None:
    strict = build([str(MULTILING / "M002")], Settings(grouping="strict"))
    loose = build([str(MULTILING / "M002")], Settings(grouping="loose"))
    assert strict.settings["grouping"] == "strict"
    assert len(strict.stories) >= len(loose.stories)


@pytest.mark.skipif(not AEB.is_dir(), reason="needs ../shared/data/aeb beside the clone")
def test_one_real_news_day(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The 181 pages of one news day (152 stories, 17 told by 2-4 outlets): grouped with the
    default settings as a build groups them, scored with B-cubed (the recorded figure is in
    benchmarks/results/grouping.txt)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import grouping_sets
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    items = grouping_sets.aeb(cache=tmp_path_factory.mktemp("aeb"))
    documents, _ = ingest([path for path, _ in items], 10**7)
    label_of = {str(Path(p).resolve()): label for p, label in items}
    copies = find_copies(documents)
    originals = [d for d in documents if d.id not in copies]
    found = {}
    for number, members in enumerate(cluster(originals)):
        for m in members:
            found[originals[m].id] = number
    index = {d.id: d for d in documents}
    for doc in documents:
        if doc.id in copies:
            found[doc.id] = found[index[copies[doc.id]].id]
    truth = [label_of[str(Path(d.origin).resolve())] for d in documents]
    precision, recall, f1 = bcubed(truth, [found[d.id] for d in documents])
    assert f1 >= 0.94 and precision >= 0.9, (precision, recall, f1)


def test_unit_rows_are_sklearns_normalize_to_the_last_bit() -> None:
    # digest.stages.cluster divides each row by its norm itself (scikit-learn's import took
    # 0.6 s of a build): the same floats as sklearn.preprocessing.normalize.
    import numpy as np
    from scipy.sparse import random as sparse_random
    from sklearn.preprocessing import normalize

    from digest.stages.cluster import _unit_rows

    rng = np.random.default_rng(0)
    for seed in range(100):
        rows, cols = int(rng.integers(1, 40)), int(rng.integers(1, 300))
        matrix = sparse_random(
            rows, cols, density=float(rng.uniform(0, 0.4)), format="csr", random_state=seed
        )
        matrix.data = (1.0 + np.log(rng.uniform(1.0, 20.0, matrix.data.shape))) * rng.uniform(
            0, 3, matrix.data.shape
        )
        matrix.sort_indices()
        expected = normalize(matrix)
        got = _unit_rows(matrix.copy())
        assert np.array_equal(got.data, expected.data) and np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
