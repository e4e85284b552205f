"""The digest/1 JSON contract: strict, complete, and readable back."""

from __future__ import annotations

import json

import pytest

from digest.pipeline import build
from digest.serialization import SchemaError, from_dict, to_dict
from digest.settings import Settings
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def seeds():
    return build([str(SEEDS)], Settings())


def test_required_fields(seeds) -> None:
    data = to_dict(seeds)
    assert data["schema"] == "digest/1"
    for doc in data["documents"]:
        assert {"id", "title", "path", "url", "source", "published", "copy_of"} <= doc.keys()
        assert "text" not in doc
    for cluster in data["clusters"]:
        assert {"id", "title", "documents", "sentences"} <= cluster.keys()
        for sentence in cluster["sentences"]:
            assert {"text", "score", "citations"} <= sentence.keys()
            assert all({"document", "start", "end"} <= c.keys() for c in sentence["citations"])


def test_round_trip(seeds) -> None:
    data = json.loads(json.dumps(to_dict(seeds, include_text=True), allow_nan=False))
    again = from_dict(data)
    assert to_dict(again, include_text=True) == data


@pytest.mark.parametrize(
    "broken",
    [
        [],
        {"schema": "other/1"},
        {"schema": "digest/1"},
        {"schema": "digest/1", "documents": [{"id": "d1"}], "clusters": []},
        {
            "schema": "digest/1",
            "documents": [],
            "clusters": [{"id": "c1", "title": "t", "documents": ["d9"], "sentences": []}],
        },
    ],
)
def test_broken_json_is_a_schema_error(broken) -> None:
    with pytest.raises(SchemaError):
        from_dict(broken)


def test_undecodable_file_name_keeps_json_valid_utf8(articles) -> None:
    import os

    folder = articles({})
    name = os.fsencode(str(folder)) + b"/caf\xe9 \x1b[2J.txt"
    with open(name, "wb") as handle:
        handle.write(
            b"Storm news\nThe storm hit the coast on Monday and thousands lost power, officials said.\n"
        )
    data = to_dict(build([str(folder)], Settings()))
    encoded = json.dumps(data, ensure_ascii=False).encode("utf-8")
    assert b"\x1b" not in encoded
    assert data["documents"][0]["path"].endswith("caf\\xe9 \\x1b[2J.txt")
