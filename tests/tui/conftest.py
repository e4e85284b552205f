"""Fixtures for the TUI tests: a fixed clock and cwd, no cursor blink, saved digests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.tui.helpers import GENERATED_AT, HOSTILE_ARTICLES, ROOT, save_digest


class _FrozenDatetime(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _FrozenDatetime:
        return cls.fromisoformat(GENERATED_AT).astimezone(tz or UTC)


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths relative to the repository, a fixed build time, colour on, no cursor blink."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setattr("digest.pipeline.datetime", _FrozenDatetime)
    monkeypatch.delenv("NO_COLOR", raising=False)  # the snapshots show the highlight's colour
    monkeypatch.setattr("textual.widgets._input.Input.cursor_blink", False)


@pytest.fixture(scope="session")
def corpus_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample corpus (11 stories), saved with its texts, paths relative to the repository."""
    return save_digest(["corpus"], tmp_path_factory.mktemp("saved") / "corpus.json", include_text=True)


@pytest.fixture(scope="session")
def seeds_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds digest saved without texts, as `digest build --format json` writes it."""
    return save_digest(["corpus/seeds"], tmp_path_factory.mktemp("saved") / "seeds.json", include_text=False)


@pytest.fixture
def hostile(articles: Callable[[dict[str, str]], Path]) -> Path:
    """Two articles whose titles and text hold Rich markup and terminal escapes."""
    return articles(dict(HOSTILE_ARTICLES))
