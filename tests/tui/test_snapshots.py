"""SVG snapshots of the main screens (pytest-textual-snapshot).

Update with ``python -m pytest tests/tui --snapshot-update`` and review the SVGs (the HTML report
pytest writes on a failure shows old and new side by side).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from digest.settings import Settings
from digest.tui.app import DigestApp, make_app
from digest.tui.widgets import SummaryList
from tests.tui.helpers import ready

# Saved digests (tests/tui/data, written by `python -m tests.tui.helpers`): the snapshots change
# when the TUI does, not when the summarizer picks other sentences. Paths are relative to the
# repository, the tests' working directory.
SEEDS = Path("tests/tui/data/seeds.json")
CORPUS = Path("tests/tui/data/corpus.json")
HOSTILE = Path("tests/tui/data/hostile.json")
NARROW = (80, 24)
WIDE = (160, 40)

Compare = Callable[..., bool]


def saved(path: Path) -> DigestApp:
    return make_app([], Settings(), saved_json_path=path)


def after(*keys: str, sentence: int | None = None) -> Callable[[Pilot[None]], Any]:
    """Wait for the digest, optionally put the cursor on a summary sentence, then press keys."""

    async def run(pilot: Pilot[None]) -> None:
        app = await ready(pilot)
        if sentence is not None:
            await pilot.press("enter")
            app.main.query_one(SummaryList).select_sentence(sentence)
        await _press(pilot, keys)
        await pilot.pause()

    return run


async def _press(pilot: Pilot[None], keys: Iterable[str]) -> None:
    for key in keys:
        await pilot.press(key)
    await ready(pilot)  # after `a`, the recomputation


class TestDigestScreen:
    def test_narrow(self, snap_compare: Compare) -> None:
        assert snap_compare(saved(SEEDS), terminal_size=NARROW, run_before=after())

    def test_narrow_many_stories(self, snap_compare: Compare) -> None:
        app = saved(CORPUS)
        assert snap_compare(app, terminal_size=NARROW, run_before=after("j", "j"))

    def test_wide_with_source_preview(self, snap_compare: Compare) -> None:
        app = saved(CORPUS)
        assert snap_compare(app, terminal_size=WIDE, run_before=after("j", sentence=1))


class TestArticle:
    def test_sentence_highlighted_in_its_source(self, snap_compare: Compare) -> None:
        app = saved(SEEDS)
        assert snap_compare(app, terminal_size=NARROW, run_before=after("enter", sentence=1))

    def test_second_copy(self, snap_compare: Compare) -> None:
        app = saved(SEEDS)
        assert snap_compare(app, terminal_size=WIDE, run_before=after("enter", "full_stop", sentence=0))


class TestDialogs:
    def test_help(self, snap_compare: Compare) -> None:
        assert snap_compare(saved(SEEDS), terminal_size=NARROW, run_before=after("question_mark"))

    def test_search(self, snap_compare: Compare) -> None:
        app = saved(CORPUS)
        assert snap_compare(app, terminal_size=NARROW, run_before=after("slash", *"quake"))

    def test_algorithm(self, snap_compare: Compare) -> None:
        assert snap_compare(saved(SEEDS), terminal_size=NARROW, run_before=after("a", "j"))


class TestErrors:
    def test_broken_saved_digest(
        self, snap_compare: Compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        Path("today.json").write_text('{"schema": "digest/1", "documents": "oops"}', encoding="utf-8")
        app = make_app([], Settings(), saved_json_path=Path("today.json"))
        assert snap_compare(app, terminal_size=NARROW, run_before=after())


class TestUntrustedText:
    def test_markup_in_titles_shows_literally(self, snap_compare: Compare) -> None:
        assert snap_compare(saved(HOSTILE), terminal_size=NARROW, run_before=after("enter"))
