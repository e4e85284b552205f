"""The product's first test: the three seed articles."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from digest.pipeline import build
from digest.serialization import to_dict
from digest.settings import Settings
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seeds_digest() -> dict:
    return to_dict(build([str(SEEDS)], Settings()), include_text=True)


def test_one_story(seeds_digest: dict) -> None:
    assert len(seeds_digest["clusters"]) == 1
    assert seeds_digest["clusters"][0]["documents"] == ["d1", "d2", "d3"]


def test_copies_recognised(seeds_digest: dict) -> None:
    copies = {d["path"].rsplit("/", 1)[1]: d["copy_of"] for d in seeds_digest["documents"]}
    assert copies == {
        "000_48ebe642a7be89b3.txt": None,
        "001_1b9c847b0c5aab15.txt": "d1",
        "003_9268d6ca20cf8fd5.txt": None,
    }


def test_copied_sentences_cite_both_copies(seeds_digest: dict) -> None:
    sentences = seeds_digest["clusters"][0]["sentences"]
    from_first = [s for s in sentences if s["citations"][0]["document"] == "d1"]
    assert from_first, "the summary quotes the first article"
    for s in from_first:
        assert {c["document"] for c in s["citations"]} == {"d1", "d2"}


def test_no_boilerplate_and_no_repeats(seeds_digest: dict) -> None:
    texts = [s["text"] for c in seeds_digest["clusters"] for s in c["sentences"]]
    assert len(texts) == len(set(" ".join(t.lower().split()) for t in texts))
    for text in texts:
        assert "CLICK HERE" not in text
        assert "licensed under" not in text
        assert "RUSSIA BACKS OFF" not in text
        assert text != "Russia denounces “false flag” allegations"
        assert not text.startswith("TEHRAN")


def test_every_citation_checks_out(seeds_digest: dict) -> None:
    texts = {d["id"]: d["text"] for d in seeds_digest["documents"]}
    raw = {
        d["id"]: (SEEDS / d["path"].rsplit("/", 1)[1]).read_text(encoding="utf-8")
        for d in seeds_digest["documents"]
    }
    for cluster in seeds_digest["clusters"]:
        for sentence in cluster["sentences"]:
            for c in sentence["citations"]:
                for text in (texts[c["document"]], raw[c["document"]]):
                    quoted = text[c["start"] : c["end"]]
                    assert " ".join(quoted.split()) == " ".join(sentence["text"].split())


def test_cli_json_is_strict(tmp_path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "digest", "build", str(SEEDS), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(out.stdout, parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert data["schema"] == "digest/1"
