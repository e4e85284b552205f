"""`digest tui --brief` and briefings saved by `digest brief --format json`, in the TUI, against
feeds on the loopback server (tests/feedserver.py), with a real state file; Pilot-driven."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from digest.settings import Settings
from digest.tui.app import DigestApp, make_app
from digest.tui.screens import ArticleScreen
from digest.tui.widgets import SourceView, StoryList, SummaryList
from tests.conftest import invoke
from tests.feedserver import FAST_FETCH, LAUNCH, RATES, RATES_B, STORM, STORM_B, FeedServer, rss
from tests.tui.helpers import pilot_test, ready, screen_text

NARROW = (80, 24)
TITLES = ["Storm Elena floods Marlow", "Central bank raises rates", "Weather satellite launched"]


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A config file that lets digest read the loopback server, and a state file, both in tmp_path
    (and in the environment, so that nothing reads the user's)."""
    config, state = tmp_path / "config.toml", tmp_path / "state.db"
    config.write_text(FAST_FETCH, encoding="utf-8")
    monkeypatch.setenv("DIGEST_CONFIG", str(config))
    monkeypatch.setenv("DIGEST_STATE", str(state))
    return {"config": config, "state": state}


def feeds(server: FeedServer) -> list[str]:
    """Two feeds, three stories; as ``--feed A --feed B``."""
    a = server.serve("/a.xml", rss("Daily A", [STORM, RATES]))
    b = server.serve("/b.xml", rss("Gazette B", [STORM_B, RATES_B, LAUNCH]))
    return ["--feed", a, "--feed", b]


def tui_of(monkeypatch: pytest.MonkeyPatch, *args: str) -> DigestApp:
    """The app ``digest tui ARGS`` makes, from the real command line, not yet run."""
    import digest.tui.app

    made: list[DigestApp] = []

    def capture(*a: Any, **k: Any) -> DigestApp:
        app = make_app(*a, **k)
        app.run = lambda *_, **__: None  # type: ignore[method-assign]  # the test runs it under Pilot
        made.append(app)
        return app

    monkeypatch.setattr(digest.tui.app, "make_app", capture)
    result = invoke("tui", *args)
    assert result.exit_code == 0, result.output
    [app] = made
    return app


def count(state: Path, table: str) -> int:
    conn = sqlite3.connect(state)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


def folded(text: str) -> str:
    return " ".join(text.split())


async def open_first_sentence(pilot: Any, app: DigestApp) -> tuple[ArticleScreen, SourceView, str]:
    """Enter the first story, then its first sentence: the article view, and the sentence."""
    assert app.digest is not None
    pick = app.digest.stories[0].sentences[0]
    await pilot.press("enter")
    app.main.query_one(SummaryList).select_sentence(0)
    await pilot.press("enter")
    screen = app.screen
    assert isinstance(screen, ArticleScreen)
    return screen, screen.query_one(SourceView), pick.candidate.text


@pilot_test
async def test_tui_brief_shows_the_briefing_and_opens_sentences_with_the_server_stopped(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tui_of(monkeypatch, "--brief", *feeds(server), "--state", str(files["state"]))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.failure is None and app.digest is not None
        assert [s.title for s in app.digest.stories] == TITLES
        text = folded(screen_text(app))
        assert all(title in text for title in TITLES), text
        assert "briefing: http://127.0.0.1" in text
        assert app.main.query_one(StoryList).option_count == 3
        server.close()  # offline from here: the articles' texts came with the briefing
        screen, view, sentence = await open_first_sentence(pilot, app)
        assert view.cited is not None and folded(view.cited_text) == folded(sentence)
        assert "not available" not in folded(screen_text(app))
        assert screen.document.text and screen.document.url in (STORM.link, STORM_B.link)
    # A dry run, but for the story opened: it is read, recorded as brief records what it shows
    # (one run, its two articles); the other two stay new.
    assert count(files["state"], "runs") == 1 and count(files["state"], "articles") == 2


@pilot_test
async def test_tui_brief_is_what_brief_would_show_since_the_last_run(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [*feeds(server), "--state", str(files["state"])]
    assert invoke("brief", *args, "-f", "json").exit_code == 0  # recorded: nothing new after it
    app = tui_of(monkeypatch, "--brief", *args)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.digest is not None and app.digest.stories == ()
        assert "Nothing new since" in folded(screen_text(app))
    app = tui_of(monkeypatch, "--brief", "--all", "-a", "textrank", *args)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.digest is not None
        assert [s.title for s in app.digest.stories] == TITLES
        assert not any(s.new for s in app.digest.stories)  # seen before
        assert app.digest.settings["algorithm"] == "textrank"
        server.close()
        _, view, sentence = await open_first_sentence(pilot, app)  # texts from the state
        assert view.cited is not None and folded(view.cited_text) == folded(sentence)
    assert count(files["state"], "runs") == 1


@pilot_test
async def test_a_briefing_saved_as_json_with_include_text_opens_its_articles(
    server: FeedServer, files: dict[str, Path], tmp_path: Path
) -> None:
    saved = tmp_path / "brief.json"
    result = invoke("brief", *feeds(server), "--all", "--include-text", "-f", "json", "-o", str(saved))
    assert result.exit_code == 0, result.stderr
    assert all(d["text"] for d in json.loads(saved.read_text(encoding="utf-8"))["documents"])
    server.close()
    app = make_app([], Settings(), saved)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.digest is not None and [s.title for s in app.digest.stories] == TITLES
        _, view, sentence = await open_first_sentence(pilot, app)
        assert view.cited is not None and folded(view.cited_text) == folded(sentence)
        assert "not available" not in folded(screen_text(app))


def test_brief_json_holds_texts_only_with_include_text(server: FeedServer, files: dict[str, Path]) -> None:
    args = [*feeds(server), "--all", "--dry-run", "-f", "json"]
    without = json.loads(invoke("brief", *args).stdout)["documents"]
    with_text = json.loads(invoke("brief", *args, "--include-text").stdout)["documents"]
    assert without and not any("text" in d for d in without)
    assert len(with_text) == len(without) and all(d["text"] for d in with_text)
    assert any(STORM.text.split(". ")[0] in d["text"] for d in with_text)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--brief", "a.txt"], "give no PATH"),
        ([], "--brief"),
        (["a.txt", "--feed", "http://x/"], "only with --brief"),
        (["a.txt", "--since", "2d"], "only with --brief"),
    ],
)
def test_tui_brief_usage_errors(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]
) -> None:
    made: list[object] = []
    monkeypatch.setattr("digest.tui.app.make_app", lambda *a, **k: made.append(a))
    result = invoke("tui", *args)
    assert result.exit_code == 2
    assert message in folded(result.output)
    assert made == []


def test_tui_brief_takes_brief_options_over_the_config(
    monkeypatch: pytest.MonkeyPatch, files: dict[str, Path]
) -> None:
    files["config"].write_text('algorithm = "lsa"\nsentences = 2\nfeeds = ["f.xml"]\n' + FAST_FETCH)
    made: list[dict[str, Any]] = []
    monkeypatch.setattr("digest.tui.app.make_app", lambda *a, **k: made.append(k) or _Done())
    assert invoke("tui", "--brief", "--since", "2d", "--all", "--wait", "1").exit_code == 0
    assert invoke("tui", "--brief", "-a", "luhn", "-w", "50", "--state", "s.db").exit_code == 0
    first, second = made[0]["brief"], made[1]["brief"]
    assert (first.config.settings.algorithm, first.config.settings.sentences) == ("lsa", 2)  # the config's
    assert first.config.feeds[0].endswith("f.xml") and first.state_path == files["state"]
    assert (first.options.since, first.options.show_all, first.options.wait) == ("2d", True, 1.0)
    assert first.options.dry_run
    assert (second.config.settings.algorithm, second.config.settings.words) == ("luhn", 50)
    assert second.state_path == Path("s.db")
    # Grouping and language options too, into the config's Settings.
    assert invoke("tui", "--brief", "-c", "2", "-g", "strict", "--language", "german").exit_code == 0
    third = made[2]["brief"].config.settings
    assert (third.clusters, third.grouping, third.language, third.algorithm) == (
        "2",
        "strict",
        "german",
        "lsa",
    )


class _Done:
    failure = None

    def run(self) -> None:
        pass


@pilot_test
async def test_a_makes_the_briefing_again_with_another_summarizer(
    server: FeedServer, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = tui_of(monkeypatch, "--brief", *feeds(server), "--state", str(files["state"]))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.digest is not None and app.digest.settings["algorithm"] == "lexrank"
        await pilot.press("a", "down", "enter")  # textrank
        await ready(pilot)
        assert app.digest.settings["algorithm"] == "textrank"
        assert [s.title for s in app.digest.stories] == TITLES  # still all new: nothing recorded
        server.close()
        await pilot.press("a", "down", "down", "enter")  # lsa: the feeds cannot be read now
        await ready(pilot)
        assert app.digest.settings["algorithm"] == "textrank"  # the briefing shown stays
        assert any("no feed could be read" in str(n.message) for n in app._notifications)
    assert count(files["state"], "runs") == 0


def run_headless(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``app.run()`` of the command runs the app under Pilot until it shows its outcome, then
    quits (as the reader would); returns what the screen showed."""
    import asyncio

    import digest.tui.app

    seen: list[str] = []

    def made(*a: Any, **k: Any) -> DigestApp:
        app = make_app(*a, **k)

        async def drive() -> None:
            async with app.run_test(size=NARROW) as pilot:
                await ready(pilot)
                seen.append(folded(screen_text(app)))

        app.run = lambda *_, **__: asyncio.run(drive())  # type: ignore[method-assign]
        return app

    monkeypatch.setattr(digest.tui.app, "make_app", made)
    return seen


@pytest.mark.parametrize(
    ("problem", "code", "message"),
    [("no feeds", 2, "no feeds: pass --feed URL"), ("bad state", 1, "not a digest state file")],
)
def test_a_briefing_that_cannot_be_made_is_one_line_and_brief_s_exit_code(
    problem: str, code: int, message: str, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = run_headless(monkeypatch)
    args = ["--brief"]
    if problem == "bad state":
        files["state"].write_bytes(b"not sqlite at all, " * 100)
        args += ["--feed", "f.xml"]
    result = invoke("tui", *args)
    assert result.exit_code == code
    [line] = result.stderr.splitlines()
    assert line.startswith("digest: ") and message in line, line
    assert "No briefing" in seen[0] and message in seen[0]


@pilot_test
async def test_a_feed_named_like_markup_is_shown_as_it_is(
    files: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = tmp_path / "[red]feed[link=x].xml"
    feed.write_bytes(rss("[red]Daily A", [STORM, RATES]))
    app = tui_of(monkeypatch, "--brief", "--feed", str(feed))
    async with app.run_test(size=(200, 24)) as pilot:
        await ready(pilot)
        assert app.digest is not None and len(app.digest.stories) == 2
        assert "[red]feed[link=x].xml" in folded(screen_text(app))
