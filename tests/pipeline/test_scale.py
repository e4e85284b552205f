"""The faster implementations behind issue 6 (speed and scale) give what the slow ones gave."""

from __future__ import annotations

import math

import numpy as np
import pytest

from digest.stages import summarize
from digest.stages.cluster import DEFAULT_THRESHOLD, cluster, evidence, same_event
from digest.stages.dedup import NEAR_SENTENCE, _candidate_pairs, find_copies, merge_sentences
from digest.stages.ingest import ingest
from digest.stages.segment import segment
from tests.conftest import CORPUS

# Three real 10-article stories: enough for the rankings to differ, fast enough for sumy's KL.
STORIES = ["M000", "M003", "M007"]


def _candidates(story: str) -> list[str]:
    documents, _ = ingest([str(CORPUS / "multiling2011" / story)], 10**7)
    sentences = {d.id: segment(d) for d in documents}
    return [c.text for c in merge_sentences(documents, sentences)]


@pytest.mark.parametrize("story", STORIES)
@pytest.mark.parametrize("algorithm", sorted(summarize.NATIVE))
def test_native_ranker_ranks_as_sumy(algorithm: str, story: str) -> None:
    texts = _candidates(story)
    ours = summarize.rate(texts, algorithm)
    sumy = summarize.rate(texts, algorithm, native=False)
    assert summarize._rank_normalize(ours) == summarize._rank_normalize(sumy)
    assert ours == sumy


def test_sparse_lexrank_ranks_as_sumy(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _candidates("M000")
    monkeypatch.setattr(summarize, "DENSE_LIMIT", 0)  # the path of big stories
    assert summarize.rate(texts, "lexrank") == summarize.rate(texts, "lexrank", native=False)


@pytest.mark.parametrize("algorithm", sorted(summarize.NATIVE))
def test_native_ranker_on_degenerate_input_as_sumy(algorithm: str) -> None:
    for texts in (
        ["the of and", "a the"],
        ["Rain falls in Spain."],
        ["Rain falls in Spain.", "Rain falls in Spain.", "Snow in Oslo today."],
        # No word shared: every idf is log(2/2) = 0, and nothing links (was 0/0, NaN).
        ["The harbour bridge reopened today.", "Storms battered the northern coast."],
    ):
        ours = summarize.rate(texts, algorithm)
        assert all(math.isfinite(r) for r in ours)
        assert ours == summarize.rate(texts, algorithm, native=False)


def test_threshold_clustering_equals_dense_average_linkage(monkeypatch: pytest.MonkeyPatch) -> None:
    from scipy.cluster.hierarchy import fcluster, linkage

    from digest.stages import cluster as cluster_module

    documents, _ = ingest([str(CORPUS / "multiling2011"), str(CORPUS / "seeds")], 10**7)
    copies = find_copies(documents)
    originals = [d for d in documents if d.id not in copies]
    ev = evidence(originals)
    n = len(originals)
    rows, cols = np.triu_indices(n, 1)
    # Average linkage on every pair's probability, from scipy with the dense matrix.
    distance = 1.0 - same_event(ev, rows, cols)
    labels = fcluster(
        linkage(distance, method="average"),
        t=np.nextafter(1.0 - DEFAULT_THRESHOLD, 0.0),
        criterion="distance",
    )
    dense: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        dense.setdefault(int(label), []).append(index)
    expected = sorted(dense.values(), key=lambda g: g[0])
    assert len(expected) > 10
    assert cluster(originals) == expected
    # The sparse-graph average linkage of big inputs is exact when it keeps every positive pair.
    monkeypatch.setattr(cluster_module, "EXACT_LIMIT", 0)
    monkeypatch.setattr(cluster_module, "FLOOR", 0.0)
    monkeypatch.setattr(cluster_module, "BAND", n)
    assert cluster(originals) == expected
    # With the defaults (pairs under FLOOR dropped, and each document's weak pairs cut to
    # its BAND strongest), these stories come out the same.
    monkeypatch.undo()
    monkeypatch.setattr(cluster_module, "EXACT_LIMIT", 0)
    assert cluster(originals) == expected


def test_graph_blocks_give_each_pairs_probability(monkeypatch: pytest.MonkeyPatch) -> None:
    """The blockwise graph (sparse products) and same_event (pair by pair) are one model."""
    from digest.stages import cluster as cluster_module

    documents, _ = ingest([str(CORPUS / "multiling2011"), str(CORPUS / "seeds")], 10**7)
    ev = evidence(documents)
    monkeypatch.setattr(cluster_module, "FLOOR", 0.0)
    dense = cluster_module.graph(ev).toarray()
    rows, cols = np.triu_indices(len(documents), 1)
    expected = same_event(ev, rows, cols)
    shares_a_word = (ev.body[rows].multiply(ev.body[cols]).sum(axis=1).A.ravel()) > 0
    assert np.allclose(dense[rows, cols][shares_a_word], expected[shares_a_word])
    assert np.all(dense[rows, cols][~shares_a_word] == 0.0)


def test_threads_group_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    from digest.stages import cluster as cluster_module

    documents, _ = ingest([str(CORPUS / "multiling2011"), str(CORPUS / "seeds")], 10**7)
    monkeypatch.setattr(cluster_module, "CHUNK", 7)  # many blocks, computed by two threads
    for limit in (cluster_module.EXACT_LIMIT, 0):  # exact, then the sparse graph with its band
        monkeypatch.setattr(cluster_module, "EXACT_LIMIT", limit)
        alone = cluster(documents)
        assert len(alone) > 5
        assert cluster(documents, threads=2) == alone


def test_strongest_keeps_every_close_pair_and_the_strongest_weak_ones() -> None:
    from scipy.sparse import csr_matrix

    from digest.stages.cluster import _strongest

    rows = csr_matrix(
        np.array(
            [
                [1.0, 0.5, 0.06, 0.07, 0.08, 0.2],
                [0.5, 1.0, 0.0, 0.09, 0.0, 0.06],
                [0.06, 0.0, 1.0, 0.0, 0.0, 0.0],
            ]
        )
    )
    kept = _strongest(rows, 0.1, 2).toarray()
    assert kept.tolist() == [
        [1.0, 0.5, 0.0, 0.07, 0.08, 0.2],  # over 0.1: all kept; of the rest, the 2 largest
        [0.5, 1.0, 0.0, 0.09, 0.0, 0.06],
        [0.06, 0.0, 1.0, 0.0, 0.0, 0.0],
    ]
    assert _strongest(rows, 0.1, 0).toarray().tolist() == [
        [1.0, 0.5, 0.0, 0.0, 0.0, 0.2],
        [0.5, 1.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    ]


def test_prefix_filter_finds_every_near_pair() -> None:
    from sklearn.feature_extraction.text import CountVectorizer

    from digest.stages.dedup import sentence_key

    texts = [t for story in STORIES for t in _candidates(story)]
    # Near-copies made on purpose: one word changed, one dropped.
    texts += [t.replace(" the ", " a ", 1) for t in texts[::7]]
    texts += [" ".join(t.split()[1:]) for t in texts[::5]]
    keys = [sentence_key(t) for t in texts]
    rows = CountVectorizer(binary=True, token_pattern=r"\S+").fit_transform(keys).tocsr()
    sizes = np.asarray(rows.sum(axis=1)).ravel()
    full = (rows @ rows.T).tocoo()
    brute = {
        (int(i), int(j))
        for i, j, inter in zip(full.row, full.col, full.data, strict=True)
        if i < j and inter >= NEAR_SENTENCE * (sizes[i] + sizes[j] - inter)
    }
    assert brute  # the test means something
    found = set(zip(*(a.tolist() for a in _candidate_pairs(rows)), strict=True))
    assert brute <= found


def test_worker_processes_give_the_same_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    from digest import pipeline, serialization
    from digest.run import local as local_runner
    from digest.settings import Settings

    def built(workers: str) -> dict[str, object]:
        monkeypatch.setenv("DIGEST_WORKERS", workers)
        monkeypatch.setattr(local_runner, "WORKERS_FROM", 1)
        result = serialization.to_dict(pipeline.build([str(CORPUS)], Settings()), include_text=True)
        result.pop("generated_at", None)
        return result

    assert built("2") == built("1")


def test_progress_shows_stage_count_and_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import time

    from digest.cli.progress import ProgressLine

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    clock = iter([100.0, 102.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    progress = ProgressLine(enabled=True)
    progress("reading", 0, 400)
    progress("reading", 200, 400)
    assert err.getvalue().endswith("reading 200/400 (100/s)")
