"""Read and unread in the TUI, kept in the briefing's state (``digest tui --brief``), and ``r``:
against feeds on the loopback server, with a real state file, Pilot pressing the keys."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from digest.brief.run import BriefOptions, forget_read, record_read, run
from digest.brief.userconfig import load as load_config
from digest.models import Digest
from digest.tui.app import DigestApp
from digest.tui.widgets import StoryList
from tests.conftest import invoke
from tests.feedserver import LAUNCH, RATES, RATES_B, STORM, STORM_B, STORM_UPDATE, FeedServer, rss
from tests.tui.helpers import pilot_test, ready, screen_text
from tests.tui.test_brief_tui import NARROW, TITLES, count, feeds, files, folded, tui_of

__all__ = ["files"]  # the fixture, used by name


def prompts(app: DigestApp) -> list[str]:
    stories = app.main.query_one(StoryList)
    return [
        folded(str(getattr(stories.get_option_at_index(n).prompt, "plain", "")))
        for n in range(stories.option_count)
    ]


def brief_titles(args: list[str]) -> list[str]:
    """The stories a real ``digest brief`` shows now (and records)."""
    result = invoke("brief", *args, "-f", "json")
    assert result.exit_code == 0, result.output
    return [s["title"] for s in json.loads(result.stdout)["clusters"]]


async def settle(pilot: object, app: DigestApp) -> None:
    """Wait until the marks made are in the state, and their outcome on screen."""
    assert app.read_log is not None
    app.read_log.drain()
    for _ in range(3):
        await pilot.pause()  # type: ignore[attr-defined]


@pilot_test
async def test_opened_and_marked_stories_are_what_the_next_brief_treats_as_seen(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*feeds(server), "--state", str(files["state"])]
    app = tui_of(monkeypatch, "--brief", *args)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert [s.title for s in app.main.digest.stories] == TITLES  # type: ignore[union-attr]
        assert not any(" read · " in p for p in prompts(app))
        await pilot.press("enter")  # opens story 1: read
        await pilot.press("escape", "down", "m")  # story 2 marked read
        await pilot.press("m")  # ... and unread again: taken back
        await pilot.press("down", "m")  # story 3
        await settle(pilot, app)
        marks = prompts(app)
        assert " read · " in marks[0] and " read · " not in marks[1] and " read · " in marks[2], marks
        assert count(files["state"], "runs") == 2  # one run per story marked, none for the one taken back
    # The next briefing: the unread story alone. Nothing of the taken-back mark is left.
    assert brief_titles(args) == [TITLES[1]]


@pilot_test
async def test_n_goes_to_the_next_unread_story(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tui_of(monkeypatch, "--brief", *feeds(server), "--state", str(files["state"]))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        stories = app.main.query_one(StoryList)
        await pilot.press("m", "n")  # 1 read: next unread is 2
        assert stories.highlighted == 1
        await pilot.press("m", "n")  # 2 read: 3
        assert stories.highlighted == 2
        await pilot.press("m", "n")  # all read: stays, and says so
        assert stories.highlighted == 2
        assert any("No unread stories" in str(n.message) for n in app._notifications)
        await settle(pilot, app)
    assert count(files["state"], "runs") == 3


@pilot_test
async def test_r_brings_a_new_article_in_as_an_update_of_a_story_read(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a = server.serve("/a.xml", rss("Daily A", [STORM, RATES]))
    b = server.serve("/b.xml", rss("Gazette B", [STORM_B, RATES_B, LAUNCH]))
    app = tui_of(monkeypatch, "--brief", "--feed", a, "--feed", b, "--state", str(files["state"]))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("enter", "escape")  # the storm story read
        await pilot.press("down")  # the cursor on the rates story
        server.serve("/a.xml", rss("Daily A", [STORM_UPDATE, STORM, RATES]))
        await pilot.press("r")
        await ready(pilot)
        digest = app.main.digest
        assert digest is not None
        titles = [s.title for s in digest.stories]
        # The read story is back as an update (only what its new article adds); the two unread
        # ones are still there, and the cursor stayed on the rates story.
        assert titles[:2] == TITLES[1:] and titles[2] == TITLES[0], titles
        assert digest.stories[2].update and digest.stories[2].new
        assert STORM_UPDATE.link in {digest.document(d).url for d in digest.stories[2].documents}
        assert app.main.story is not None and app.main.story.title == TITLES[1]
        assert any("Refreshed: 1 new article in 1 story" in str(n.message) for n in app._notifications)
        assert "Update:" in folded(screen_text(app))


@pilot_test
async def test_a_keeps_the_stories_read_and_their_marks(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tui_of(monkeypatch, "--brief", *feeds(server), "--state", str(files["state"]))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("m")  # story 1 read (recorded)
        await settle(pilot, app)
        await pilot.press("a", "down", "enter")  # textrank: the same briefing, not the next one
        await ready(pilot)
        assert app.digest is not None and app.digest.settings["algorithm"] == "textrank"
        assert [s.title for s in app.digest.stories] == TITLES
        assert " read · " in prompts(app)[0]
        await pilot.press("m")  # unread: the mark made before `a` is taken back
        await settle(pilot, app)
    assert count(files["state"], "runs") == count(files["state"], "articles") == 0


@pilot_test
async def test_a_mark_that_cannot_be_written_is_said_and_undone_on_screen(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tui_of(monkeypatch, "--brief", *feeds(server), "--state", str(files["state"]), "--wait", "0.2")
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        other = sqlite3.connect(files["state"], isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another brief holds the state
        try:
            await pilot.press("m")
            await settle(pilot, app)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert " read · " not in prompts(app)[0]
        assert any("another digest brief is running" in str(n.message) for n in app._notifications)
    assert count(files["state"], "runs") == 0


@pilot_test
async def test_marks_without_a_briefing_last_the_session_and_write_nothing() -> None:
    from digest.settings import Settings
    from digest.tui.app import make_app

    app = make_app([], Settings(), saved_json_path=Path(__file__).parent / "data" / "corpus.json")
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.read_log is None
        await pilot.press("m")
        assert " read · " in prompts(app)[0]
        await pilot.press("n")  # the next unread
        assert app.main.query_one(StoryList).highlighted == 1


def test_record_read_and_forget_read_leave_the_state_as_it_was(
    server: FeedServer, files: dict[str, Path]
) -> None:
    config = load_config(files["config"])
    options = BriefOptions(feeds=tuple(feeds(server)[1::2]), dry_run=True)
    made: list[Digest] = []
    outcome = run(config, options, files["state"], made.append)
    assert outcome.pending is not None and not outcome.recorded
    before = {
        t: count(files["state"], t) for t in ("runs", "articles", "article_keys", "stories", "sentences")
    }
    receipt = record_read(files["state"], outcome.pending, [made[0].stories[0].id])
    assert count(files["state"], "articles") == len(made[0].stories[0].documents)
    assert count(files["state"], "stories") == 1 and count(files["state"], "sentences") > 0
    forget_read(files["state"], receipt)
    after = {t: count(files["state"], t) for t in before}
    assert after == before
