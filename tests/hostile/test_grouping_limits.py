"""Hardening, round 2 (issue 15), item 17: grouping's memory bound.

Before: no input limit; 100,000 short articles ended in a MemoryError after 188 s (the sparse
average-link dicts hold an entry per likely pair, and articles all alike make every pair
likely). Now a build takes at most cluster.MAX_DOCUMENTS articles, ``--clusters N`` at most
MAX_FORCED, and the sparse graph at most MAX_PAIRS entries: past each, a one-line usage error
(exit 2) that says what to do, at once or within the bound, never MemoryError.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app as cli
from digest.models import Document
from digest.pipeline import TooMuchInput, build_from_documents
from digest.settings import Settings
from digest.stages import cluster


def _documents(n: int, groups: int = 0) -> list[Document]:
    """``n`` short articles; with ``groups``, that many events, each reported alike by n / groups
    articles (each with a word of its own): every pair of one event is likely the same event."""
    if groups:
        import random

        rng = random.Random(7)

        def word() -> str:
            return "".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))

        words = [[word() for _ in range(12)] for _ in range(groups)]
        return [
            Document(
                f"d{i + 1}",
                f"a{i}.txt",
                f"{words[i % groups][0].title()} {words[i % groups][1]}",
                " ".join(words[i % groups]).capitalize()
                + f" reporter{i}. "
                + " ".join(reversed(words[i % groups])).capitalize()
                + ".",
            )
            for i in range(n)
        ]
    return [Document(f"d{i + 1}", f"a{i}.txt", f"Article {i}", f"Text number {i}.") for i in range(n)]


def test_more_articles_than_the_limit_fail_at_once() -> None:
    documents = _documents(cluster.MAX_DOCUMENTS + 1)
    started = time.monotonic()
    expected = (
        r"^too many articles to group: 20,001, at most 20,000 in one build "
        r"\(memory grows faster than the input\); split them over several builds$"
    )
    with pytest.raises(TooMuchInput, match=expected):
        build_from_documents(documents, Settings(), [], lambda *a: None)
    assert time.monotonic() - started < 5
    with pytest.raises(cluster.TooMuchInput):
        cluster.group(documents)


def test_a_forced_count_past_its_limit_fails_at_once() -> None:
    documents = _documents(cluster.MAX_FORCED + 1)
    started = time.monotonic()
    expected = r"^--clusters 3 groups at most 5,000 articles .* there are 5,001: use --clusters auto$"
    with pytest.raises(cluster.TooMuchInput, match=expected):
        cluster.group(documents, count=3)
    assert time.monotonic() - started < 5
    cluster.check_size(cluster.MAX_FORCED, 3)  # at the limit: fine


def test_articles_all_alike_stop_at_the_pair_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """3,300 articles (above EXACT_LIMIT: the sparse graph), six events of 550 reports each:
    1.8 million likely pairs, every one kept. The bound is scaled down here (500,000, not
    10 million: the real one needs 12,000 such articles and a minute), and the blocks of rows
    with it, to keep this test's own time and memory low; the mechanism is the real one."""
    monkeypatch.setattr(cluster, "MAX_PAIRS", 500_000)
    monkeypatch.setattr(cluster, "BLOCK_CELLS", 250_000)
    documents = _documents(3300, groups=6)
    started = time.monotonic()
    with pytest.raises(
        cluster.TooMuchInput,
        match=r"^3,300 articles too much alike to group: over 500,000 "
        r"pairs of them may report the same event",
    ):
        cluster.group(documents)
    assert time.monotonic() - started < 120
    assert len(cluster.group(documents[:600]).groups) == 6  # the six events, where they fit


def test_through_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The message and the exit code of `digest build` (with the limits made small here)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(4):
        (folder / f"a{n}.txt").write_text(
            f"Report {n}\n\nThe council of town {n} voted on the bridge, officials said on Monday {n}.\n",
            encoding="utf-8",
        )
    monkeypatch.setattr(cluster, "MAX_DOCUMENTS", 3)
    result = CliRunner().invoke(cli.app, ["build", str(folder), "--no-cache"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "digest: too many articles to group: 4, at most 3 in one build (memory "
        "grows faster than the input); split them over several builds"
    )
    monkeypatch.setattr(cluster, "MAX_DOCUMENTS", 20_000)
    monkeypatch.setattr(cluster, "MAX_FORCED", 3)
    result = CliRunner().invoke(cli.app, ["build", str(folder), "--no-cache", "--clusters", "2"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip().startswith("digest: --clusters 2 groups at most 3 articles"), result.stderr
