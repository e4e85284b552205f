"""Pilot-driven tests of every key and flow of `digest tui`, on the real pipeline and saved digests."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, LoadingIndicator, Markdown, OptionList

from digest.models import Digest, Story
from digest.render import RenderOptions, get_renderer
from digest.render.common import source_numbers, source_parts, story_line
from digest.render.html import since_text
from digest.sanitize import one_line
from digest.settings import ALGORITHMS, Settings
from digest.tui.app import DigestApp, make_app
from digest.tui.messages import BuildFailed, BuildProgressed, DigestBuilt
from digest.tui.screens import HELP, AlgorithmScreen, ArticleScreen, GroupingScreen, HelpScreen, SearchScreen
from digest.tui.widgets import SourceView, StoryList, SummaryList
from tests.tui.helpers import brightness, colours, pilot_test, ready, save_digest, screen_text

SEEDS = "corpus/seeds"
NARROW = (80, 24)
WIDE = (160, 40)


def folded(text: str) -> str:
    return " ".join(text.split())


def showing(app: DigestApp, kind: type[Screen[Any]]) -> bool:
    """Whether the screen on top is a ``kind`` (a function: no type narrowing of app.screen)."""
    return isinstance(app.screen, kind)


def searching(app: DigestApp) -> SearchScreen:
    """The search dialog on top."""
    assert isinstance(app.screen, SearchScreen)
    return app.screen


def plain(option_list: OptionList, index: int) -> str:
    prompt = option_list.get_option_at_index(index).prompt
    return str(getattr(prompt, "plain", prompt))


def shown(app: DigestApp) -> str:
    """The screen's words on one line, box borders out (long lines wrap anywhere)."""
    return folded(screen_text(app).replace("│", " "))


def sentence_with(story: Story, copies: int) -> int:
    """The index of the first sentence of ``story`` carried by ``copies`` documents."""
    return next(k for k, p in enumerate(story.sentences) if len(p.candidate.citations) == copies)


def articles_gone(saved: Path, folder: Path) -> Path:
    """A copy of a saved digest (without texts) whose articles are nowhere to be found: the
    folder it was built in (``base``) is gone, and so are its files from here and beside it."""
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["base"] = str(folder / "gone")
    copy = folder / "elsewhere.json"
    copy.write_text(json.dumps(data), encoding="utf-8")
    return copy


def cited_line_visible(view: SourceView) -> bool:
    line = view.cited_line
    return line is not None and view.scroll_y <= line < view.scroll_y + view.scrollable_content_region.height


# -- layout and first build --------------------------------------------------------------------


@pilot_test
async def test_build_shows_stories_summary_and_sources() -> None:
    messages: list[Message] = []
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW, message_hook=messages.append) as pilot:
        await ready(pilot)
        built = [m for m in messages if isinstance(m, DigestBuilt)]
        assert len(built) == 1 and not built[0].rebuilt
        assert any(isinstance(m, BuildProgressed) and m.stage == "summarizing" for m in messages)
        stories = app.main.query_one(StoryList)
        assert stories.option_count == 1
        assert "Russia denounces “false flag” allegations" in plain(stories, 0)
        assert "2 sources · 3 articles" in plain(stories, 0)
        assert app.focused is stories
        text = screen_text(app)
        assert "1 story from 3 articles" in text and "lexrank" in text
        assert "[1][2]" in text and "[3]" in text
        summary = app.main.query_one(SummaryList)
        kinds = [e for e in summary.entries]
        assert [e.sentence for e in kinds if e and e.sentence is not None] == [0, 1, 2, 3]
        assert [e.document for e in kinds if e and e.document] == ["d1", "d2", "d3"]
        assert "copy of [1]" in plain(summary, summary.option_count - 2)


@pilot_test
async def test_tui_calls_the_same_build_as_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.pipeline

    calls: list[tuple[list[str], Settings]] = []
    real = digest.pipeline.build

    def spy(inputs: list[str], settings: Settings, progress: Any = None) -> Any:
        calls.append((list(inputs), settings))
        return real(inputs, settings, progress)

    monkeypatch.setattr(digest.pipeline, "build", spy)
    settings = Settings(sentences=2)
    app = make_app([SEEDS], settings)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert calls == [([SEEDS], settings)]
        assert len(app.digest.stories[0].sentences) == 2  # type: ignore[union-attr]


@pilot_test
async def test_loading_indicator_while_building_and_the_interface_stays_responsive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import digest.pipeline

    release = threading.Event()
    real = digest.pipeline.build

    def slow(inputs: list[str], settings: Settings, progress: Any = None) -> Any:
        progress("reading", 0, 0)
        assert release.wait(10)
        return real(inputs, settings, progress)

    monkeypatch.setattr(digest.pipeline, "build", slow)
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause(0.2)
        screen = app.main
        assert screen.has_class("-loading")
        assert screen.query_one("#status LoadingIndicator", LoadingIndicator).display
        line = next(line for line in screen_text(app).splitlines() if "Reading" in line)
        left, right = len(line) - len(line.lstrip()), len(line) - len(line.rstrip())
        assert abs(left - right) <= 1, line  # centred, under the spinner
        await pilot.press("question_mark")  # keys work while the worker runs
        assert showing(app, HelpScreen)
        await pilot.press("escape")
        assert app.screen is screen
        release.set()
        await ready(pilot)
        assert not screen.has_class("-loading")
        assert app.digest is not None


@pytest.mark.parametrize(
    "size,classes", [((80, 24), "-narrow"), ((120, 30), "-wide"), ((170, 40), "-widest")]
)
@pilot_test
async def test_layout_adapts_to_the_terminal(size: tuple[int, int], classes: str) -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        screen = app.main
        assert screen.has_class(classes)
        preview = screen.query_one("#preview-pane")
        assert preview.display == (classes == "-widest")
        stories, summary = screen.query_one("#stories-pane"), screen.query_one("#summary-pane")
        if classes == "-narrow":
            assert stories.region.bottom <= summary.region.y  # stacked
        else:
            assert stories.region.right <= summary.region.x  # side by side
        for widget in (stories, summary):
            assert widget.region.width > 20 and widget.region.height >= 3


@pilot_test
async def test_resizing_moves_between_layouts(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.main.has_class("-narrow")
        await pilot.resize_terminal(*WIDE)
        await pilot.pause()
        assert app.main.has_class("-widest")
        assert app.main.query_one("#preview", SourceView).cited is not None


# -- moving ------------------------------------------------------------------------------------


@pilot_test
async def test_up_down_j_k_move_through_the_stories(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None and len(digest.stories) > 3
        stories = app.main.query_one(StoryList)
        steps = [("down", 1), ("j", 2), ("k", 1), ("up", 0), ("G", len(digest.stories) - 1), ("g", 0)]
        for key, expected in steps:
            await pilot.press(key)
            assert stories.highlighted == expected, key
            assert app.main.story is digest.stories[expected]
        await pilot.press("j", "j")
        heading = str(app.main.query_one("#story-heading").render())
        assert folded(digest.stories[2].title) in heading


@pilot_test
async def test_enter_opens_a_story_and_escape_or_backspace_come_back(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        stories, summary = app.main.query_one(StoryList), app.main.query_one(SummaryList)
        await pilot.press("down", "enter")
        assert summary.has_focus and summary.highlighted == 0
        await pilot.press("j")
        assert summary.highlighted == 1
        await pilot.press("escape")
        assert stories.has_focus and stories.highlighted == 1
        await pilot.press("enter", "backspace")
        assert stories.has_focus


@pilot_test
async def test_w_says_why_the_articles_of_a_story_are_together() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("w")
        assert showing(app, GroupingScreen) and "Why these articles" in screen_text(app)
        first, copy, other = app.screen.lines
        assert first.startswith("[1] ") and first.endswith("the first article of the story")
        assert copy.startswith("[2] ") and copy.endswith(": a copy of [1]")
        assert (
            other.startswith("[3] ") and ": linked to [1], " in other and "% likely the same event" in other
        )
        assert "Ukraine" in other.split("; shares ")[1]  # one of the names the two reports share
        assert "% likely" in screen_text(app)
        await pilot.press("escape")
        assert not showing(app, GroupingScreen)
        await pilot.press("question_mark")
        assert showing(app, HelpScreen)
        assert "| `w` | why the story's articles are together" in HELP.read_text(encoding="utf-8")


@pilot_test
async def test_tab_cycles_the_panes() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        order = []
        for _ in range(4):
            order.append(app.focused.id if app.focused else None)
            await pilot.press("tab")
        assert order == ["stories", "summary", "preview", "stories"]
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused is not None and app.focused.id == "preview"


# -- from sentence to source -------------------------------------------------------------------


@pilot_test
async def test_enter_on_a_sentence_shows_it_highlighted_in_its_source() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[0]
        for k, pick in enumerate(story.sentences):
            await pilot.press("enter")
            app.main.query_one(SummaryList).select_sentence(k)
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, ArticleScreen)
            view = screen.query_one(SourceView)
            citation = pick.candidate.citations[0]
            assert screen.document.id == citation.document
            assert view.cited == (citation.start, citation.end)
            assert folded(view.cited_text) == folded(pick.candidate.text)
            assert app.focused is view
            assert cited_line_visible(view)
            copies = len(pick.candidate.citations)
            assert f"Sentence {k + 1} of {len(story.sentences)}" in shown(app)
            assert ("also in [" in shown(app)) == (copies > 1)
            await pilot.press("escape", "escape")


@pilot_test
async def test_the_source_keeps_its_paragraphs() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("enter", "enter")
        view = app.screen.query_one(SourceView)
        assert isinstance(app.screen, ArticleScreen)
        text = app.screen.document.text
        assert "\n\n" in text  # the first seed is written in paragraphs
        breaks = [end for _, end in view.lines if end < len(view.text) and view.text[end] == "\n"]
        assert len(breaks) >= text.count("\n") // 2  # lines end where the article's lines end
        assert any(start == end for start, end in view.lines)  # a blank line between paragraphs


@pilot_test
async def test_full_stop_and_comma_go_through_every_copy_of_a_sentence() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        k = sentence_with(digest.stories[0], 2)
        pick = digest.stories[0].sentences[k]
        assert {c.document for c in pick.candidate.citations} == {"d1", "d2"}  # d2 is a copy of d1
        await pilot.press("enter")
        app.main.query_one(SummaryList).select_sentence(k)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        seen = []
        for key in (".", ".", ","):
            seen.append(screen.document.id)
            view = screen.query_one(SourceView)
            assert folded(view.cited_text) == folded(pick.candidate.text)
            assert cited_line_visible(view)
            await pilot.press(key)
        seen.append(screen.document.id)
        assert seen == ["d1", "d2", "d1", "d2"]
        assert "also in [1]" in shown(app) and ". Other source" in shown(app)


@pilot_test
async def test_a_sentence_with_one_source_hides_other_source() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("enter")
        app.main.query_one(SummaryList).select_sentence(sentence_with(digest.stories[0], 1))
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ArticleScreen) and len(screen.copies) == 1
        document = screen.document
        assert "Other source" not in shown(app) and "also in" not in shown(app)
        await pilot.press("full_stop")
        assert screen.document is document


@pilot_test
async def test_back_returns_to_where_you_were() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        summary = app.main.query_one(SummaryList)
        await pilot.press("enter", "down", "down", "enter")
        assert showing(app, ArticleScreen)
        await pilot.press("n", "escape")  # back on the sentence read last
        assert app.screen is app.main
        assert app.focused is summary and summary.highlighted == 3
        await pilot.press("enter")
        assert showing(app, ArticleScreen)
        await pilot.press("backspace")
        assert app.screen is app.main and summary.highlighted == 3


@pilot_test
async def test_enter_on_a_source_shows_the_article_with_its_cited_sentences() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("enter", "G", "enter")  # the last source: [3]
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        assert screen.document.id == "d3"
        cited = [
            (c.start, p.candidate.text)
            for p in digest.stories[0].sentences
            for c in p.candidate.citations
            if c.document == "d3"
        ]
        view = screen.query_one(SourceView)
        assert len(cited) > 1 and f"Cited sentence 1 of {len(cited)} in this article" in shown(app)
        footer = screen_text(app).splitlines()[-1]  # one article's sentences
        assert "n Next sentence" in footer
        for _, text in sorted(cited):  # n goes through them in the order of the text
            assert folded(view.cited_text) == folded(text)
            await pilot.press("n")


@pilot_test
async def test_wide_terminals_preview_the_source_of_the_sentence_under_the_cursor() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=WIDE) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        preview = app.main.query_one("#preview", SourceView)
        await pilot.press("enter")
        for k in range(4):
            pick = digest.stories[0].sentences[k]
            assert folded(preview.cited_text) == folded(pick.candidate.text)
            assert cited_line_visible(preview)
            await pilot.press("down")


@pilot_test
async def test_article_view_scrolls_with_j_k_space_b_g_G(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("enter", "enter")
        view = app.screen.query_one(SourceView)
        assert view.max_scroll_y > 0
        await pilot.press("g")
        assert view.scroll_y == 0
        await pilot.press("j", "j")
        assert view.scroll_y == 2
        await pilot.press("k")
        assert view.scroll_y == 1
        await pilot.press("space")
        paged = view.scroll_y
        assert paged > 2
        await pilot.press("b")
        assert view.scroll_y < paged
        await pilot.press("G")
        assert view.scroll_y == view.max_scroll_y


# -- search ------------------------------------------------------------------------------------


@pilot_test
async def test_slash_searches_sentences_and_enter_goes_to_the_match(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("slash")
        assert showing(app, SearchScreen)
        await pilot.press(*"pardoned")
        results = app.screen.query_one("#search-results", OptionList)
        assert results.option_count >= 1
        hit = searching(app).hits[0]
        assert hit.sentence is not None
        await pilot.press("enter")
        assert app.screen is app.main
        summary = app.main.query_one(SummaryList)
        assert app.focused is summary
        assert app.main.story is digest.stories[hit.story]
        assert summary.entry is not None and summary.entry.sentence == hit.sentence
        assert "pardoned" in digest.stories[hit.story].sentences[hit.sentence].candidate.text


@pilot_test
async def test_search_finds_headlines_remembers_the_query_and_escape_cancels(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        target = next(n for n, s in enumerate(digest.stories) if "Vinokourov" in s.title)
        await pilot.press("slash", *"VINOKOUROV")
        hits = searching(app).hits
        assert hits[0].sentence is None and hits[0].story == target  # headline first, any case
        await pilot.press("down", "up", "enter")
        assert app.focused is app.main.query_one(StoryList)
        assert app.main.query_one(StoryList).highlighted == target
        await pilot.press("slash")
        assert app.screen.query_one(Input).value == "VINOKOUROV"
        await pilot.press("ctrl+u", *"zzzz-no-such-thing")
        assert searching(app).hits == []
        await pilot.press("enter")  # nothing to go to: stays
        assert showing(app, SearchScreen)
        await pilot.press("escape")
        assert app.screen is app.main
        assert app.main.query_one(StoryList).highlighted == target


# -- algorithm ---------------------------------------------------------------------------------


@pilot_test
async def test_a_picks_another_algorithm_and_recomputes_in_the_worker() -> None:
    messages: list[Message] = []
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW, message_hook=messages.append) as pilot:
        await ready(pilot)
        await pilot.press("a")
        screen = app.screen
        assert isinstance(screen, AlgorithmScreen)
        options = screen.query_one(OptionList)
        assert options.option_count == len(ALGORITHMS)
        assert options.highlighted == ALGORITHMS.index("lexrank")
        await pilot.press("down", "enter")  # textrank
        assert app.screen is app.main
        await ready(pilot)
        rebuilt = [m for m in messages if isinstance(m, DigestBuilt) and m.rebuilt]
        assert len(rebuilt) == 1
        assert app.digest is not None and app.digest.settings["algorithm"] == "textrank"
        assert app.settings.algorithm == "textrank"
        assert "textrank" in screen_text(app)
        assert app.main.story is app.digest.stories[0]


@pilot_test
async def test_a_then_escape_changes_nothing() -> None:
    messages: list[Message] = []
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW, message_hook=messages.append) as pilot:
        await ready(pilot)
        await pilot.press("a", "j", "escape")
        await ready(pilot)
        assert app.screen is app.main
        assert sum(isinstance(m, DigestBuilt) for m in messages) == 1


@pilot_test
async def test_a_on_a_saved_digest_rebuilds_from_its_files(seeds_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=seeds_json)
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert app.digest is not None and app.digest.generated_at == "2025-03-14T07:30:00+00:00"
        await pilot.press("a")
        await pilot.click("#algorithm-list", offset=(4, ALGORITHMS.index("luhn")))  # the mouse works too
        await ready(pilot)
        assert app.digest.settings["algorithm"] == "luhn"
        assert app.inputs == [d.origin for d in app.digest.documents]


@pilot_test
async def test_a_on_a_saved_digest_whose_files_are_gone_says_it_cannot(
    seeds_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app([], Settings(), saved_json_path=articles_gone(seeds_json, tmp_path))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        before = app.digest
        await pilot.press("a", "down", "enter")
        await ready(pilot)
        assert app.digest is before
        assert any("cannot recompute" in n.message for n in app._notifications)


# -- export, open, help, quit ------------------------------------------------------------------


@pilot_test
async def test_e_exports_markdown_to_a_new_file_and_says_where(tmp_path: Path) -> None:
    app = make_app([SEEDS], Settings(), export_dir=tmp_path)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("e", "e")
        files = sorted(tmp_path.glob("digest-*.md"))
        assert len(files) == 2  # a second export never overwrites the first
        import io

        expected = io.StringIO()
        get_renderer("markdown")(digest, expected, RenderOptions())
        assert files[0].read_text(encoding="utf-8") == expected.getvalue()
        messages = [n.message for n in app._notifications]
        assert any(files[0].name in m for m in messages)


@pilot_test
async def test_e_creates_a_missing_folder_and_breaks_the_path_between_names(tmp_path: Path) -> None:
    folder = tmp_path / "exports-of-the-morning" / "new"
    app = make_app([SEEDS], Settings(), export_dir=folder)
    async with app.run_test(size=NARROW, notifications=True) as pilot:
        await ready(pilot)
        await pilot.press("e")
        await pilot.pause(0.5)  # the toast comes in
        (file,) = folder.glob("digest-*.md")
        # The toast's lines: right of its left edge (▌), without the pane's border behind it.
        toast = [line.split("▌", 1)[1].strip(" │─╯") for line in screen_text(app).splitlines() if "▌" in line]
        toast = [line for line in toast if line]
        assert toast[:2] == ["Exported as Markdown", file.name]  # the file name whole, on its own line
        where = str(file.parent.resolve())
        assert len(toast) > 3 and "".join(toast[2:]) == f"in {where}"  # broken in lines...
        assert all(line.endswith("/") for line in toast[2:-1])  # ...after a separator


@pilot_test
async def test_e_reports_a_folder_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    app = make_app([SEEDS], Settings(), export_dir=tmp_path / "a-file" / "exports")
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("e")
        assert any(n.severity == "error" and "a-file" in n.message for n in app._notifications)


@pilot_test
async def test_ctrl_c_quits_from_the_digest_and_from_the_search_box() -> None:
    for keys in ((), ("slash", *"storm")):
        app = make_app([SEEDS], Settings())
        async with app.run_test(size=NARROW) as pilot:
            await ready(pilot)
            await pilot.press(*keys, "ctrl+c")
            await pilot.pause()
            assert not app.is_running, keys


class FakePopen:
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def __init__(self, args: list[str], **kwargs: Any) -> None:
        FakePopen.calls.append((args, kwargs))

    def poll(self) -> int:
        return 0


@pilot_test
async def test_o_opens_the_source_with_the_system_opener_without_a_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    FakePopen.calls = []
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}" if name == "xdg-open" else None)
    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("enter", "o")  # the sentence under the cursor (the first, [1][2]): its first source
        await pilot.press("enter", "full_stop", "o")  # in the article view: the document shown ([2])
        first, second = [args for args, _ in FakePopen.calls]
        assert first == ["/usr/bin/xdg-open", str(Path(SEEDS, "000_48ebe642a7be89b3.txt").resolve())]
        assert second == ["/usr/bin/xdg-open", str(Path(SEEDS, "001_1b9c847b0c5aab15.txt").resolve())]
        assert all("shell" not in kwargs for _, kwargs in FakePopen.calls)


@pilot_test
async def test_o_without_a_system_opener_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    FakePopen.calls = []
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(subprocess, "Popen", FakePopen)
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("o")
        assert FakePopen.calls == []
        assert any("No system opener" in n.message for n in app._notifications)


@pilot_test
async def test_question_mark_shows_help_and_escape_closes_it() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        assert showing(app, HelpScreen)
        source = app.screen.query_one(Markdown).source
        for key in ("enter", "esc", "tab", "/", "`a`", "`e`", "`o`", "`q`", "`n` `p`"):
            assert key in source
        await pilot.press("escape")
        assert app.screen is app.main


def test_every_key_is_in_the_help_text() -> None:
    from digest.tui.screens import HELP

    text = HELP.read_text(encoding="utf-8")
    for key in (
        "`j`",
        "`k`",
        "`enter`",
        "`esc`",
        "`backspace`",
        "`tab`",
        "`/`",
        "`a`",
        "`e`",
        "`o`",
        "`?`",
        "`q`",
        "`n`",
        "`p`",
        "`]` `[`",
        "`.` `,`",
        "`c`",
        "`u`",
    ):
        assert key.strip("`") in text, key


@pilot_test
async def test_the_footer_shows_the_keys() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        footer = screen_text(app).splitlines()[-1]
        for words in (
            "Move",
            "Read",
            "Pane",
            "/ Search",
            "a Algorithm",
            "o Open",
            "e Export",
            "? Help",
            "q Quit",
        ):
            assert words in footer
        await pilot.press("enter")
        assert "Source" in screen_text(app).splitlines()[-1]
        await pilot.press("enter")
        footer = screen_text(app).splitlines()[-1]
        for words in ("esc Back", "n Next sentence", ". Other source", "c Copy", "o Open", "q Quit"):
            assert words in footer


@pilot_test
async def test_q_quits() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("enter", "enter")  # from anywhere, even the article view
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@pilot_test
async def test_q_while_building_quits_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.pipeline

    started = threading.Event()

    def endless(inputs: list[str], settings: Settings, progress: Callable[..., None]) -> Any:
        started.set()
        for n in range(1000):
            threading.Event().wait(0.01)
            progress("splitting", n, 1000)  # raises once the worker is cancelled
        raise AssertionError("not cancelled")

    monkeypatch.setattr(digest.pipeline, "build", endless)
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        assert started.wait(5)
        await pilot.press("q")
    assert not app.is_running


# -- the mouse ---------------------------------------------------------------------------------


@pilot_test
async def test_clicking_a_story_then_a_sentence_opens_its_source(corpus_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=corpus_json)
    async with app.run_test(size=WIDE) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        # Down the list, line by line: the first click that leaves the first story selects the second.
        for line in range(1, 8):
            await pilot.click(StoryList, offset=(5, line))
            if app.main.story is not digest.stories[0]:
                break
        assert app.main.story is digest.stories[1]
        assert app.focused is app.main.query_one(SummaryList)
        await pilot.click(SummaryList, offset=(5, 0))
        assert showing(app, ArticleScreen)
        assert folded(app.screen.query_one(SourceView).cited_text) == folded(
            digest.stories[1].sentences[0].candidate.text
        )
        for _ in range(100):  # the footer composes its keys after the screen is shown
            if app.screen.query("FooterKey"):
                break
            await pilot.pause(0.05)
        await pilot.click("FooterKey")  # esc Back
        assert app.screen is app.main


# -- saved digests -----------------------------------------------------------------------------


@pilot_test
async def test_a_saved_digest_without_texts_reads_the_articles_again(seeds_json: Path) -> None:
    app = make_app([], Settings(), saved_json_path=seeds_json)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None and all(d.text for d in digest.documents)
        assert str(seeds_json.name) in screen_text(app)
        await pilot.press("enter", "enter")
        view = app.screen.query_one(SourceView)
        assert folded(view.cited_text) == folded(digest.stories[0].sentences[0].candidate.text)
        await pilot.press("n")
        assert folded(view.cited_text) == folded(digest.stories[0].sentences[1].candidate.text)


@pilot_test
async def test_a_saved_digest_whose_articles_are_gone_still_opens(
    seeds_json: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = make_app([], Settings(), saved_json_path=articles_gone(seeds_json, tmp_path))
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert any("could not be read again" in n.message for n in app._notifications)
        await pilot.press("enter", "enter")
        view = app.screen.query_one(SourceView)
        assert view.placeholder and view.cited is None
        assert "not available" in screen_text(app)


@pilot_test
async def test_a_changed_article_is_searched_for_the_cited_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(Path(SEEDS), tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    saved = save_digest([str(tmp_path / "seeds")], tmp_path / "seeds.json", include_text=False)
    article = tmp_path / "seeds" / "000_48ebe642a7be89b3.txt"
    article.write_text(
        "UPDATED: a new first paragraph.\n\n" + article.read_text(encoding="utf-8"), encoding="utf-8"
    )
    app = make_app([], Settings(), saved_json_path=saved)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("enter", "enter")
        view = app.screen.query_one(SourceView)
        assert folded(view.cited_text) == folded(digest.stories[0].sentences[0].candidate.text)


# -- errors in the app, not tracebacks ---------------------------------------------------------


@pilot_test
async def test_no_usable_input_is_a_message(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    messages: list[Message] = []
    app = make_app([str(tmp_path / "empty"), str(tmp_path / "nope.txt")], Settings())
    async with app.run_test(size=NARROW, message_hook=messages.append) as pilot:
        await ready(pilot)
        assert any(isinstance(m, BuildFailed) for m in messages)
        text = shown(app)
        assert "Nothing to summarize" in text
        assert "nope.txt: no such file or directory" in str(app.main.query_one("#status-text").render())
        assert "Press q to quit" in text
        await pilot.press("slash", "a", "e", "o", "tab", "enter")  # nothing to act on: no crash
        assert app.screen is app.main and app.is_running
        await pilot.press("q")
    assert not app.is_running


@pytest.mark.parametrize(
    "content,expected",
    [
        ("{not json", "invalid JSON"),
        ('{"schema": "digest/1", "documents": [{"id": 3}]}', "'id' has the wrong type"),
        ('{"schema": "other"}', "not a digest/1 digest"),
        (b"\xff\xfe\x00garbage", "not a saved digest"),
    ],
)
@pilot_test
async def test_a_broken_saved_digest_is_a_message(
    tmp_path: Path, content: str | bytes, expected: str
) -> None:
    path = tmp_path / "today.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    app = make_app([], Settings(), saved_json_path=path)
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(pilot)
        text = shown(app)
        assert "Cannot open the saved digest" in text
        assert expected in text


@pilot_test
async def test_a_missing_saved_digest_is_a_message(tmp_path: Path) -> None:
    app = make_app([], Settings(), saved_json_path=tmp_path / "gone.json")
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        assert "cannot read" in shown(app)


@pilot_test
async def test_a_bug_in_the_build_is_a_message_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.pipeline

    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(digest.pipeline, "build", broken)
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause(0.3)
        await pilot.pause()
        text = screen_text(app)
        assert "Internal error" in text and "RuntimeError: boom" in text
        assert app.is_running


@pilot_test
async def test_a_failed_recompute_keeps_the_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.pipeline

    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        before = app.digest

        def empty(*args: Any) -> Any:
            raise digest.pipeline.NothingToSummarize("nothing to summarize: gone")

        monkeypatch.setattr(digest.pipeline, "build", empty)
        await pilot.press("a", "down", "enter")
        await ready(pilot)
        assert app.digest is before
        assert not app.main.query_one("#summary-pane").loading
        assert any(n.severity == "error" for n in app._notifications)


# -- untrusted text ----------------------------------------------------------------------------


@pilot_test
async def test_hostile_titles_and_text_show_literally(hostile: Path) -> None:
    app = make_app([str(hostile)], Settings())
    async with app.run_test(size=(100, 30)) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        text = screen_text(app)
        assert "[/bold]" in text and "[link=https://x]" in text and "[red]" in text
        assert "\x1b" not in text and "pwned" not in text
        await pilot.press("enter", "enter")
        text = screen_text(app)
        assert "[/bold] Storm [link=https://x]warning[/link]" in text
        assert "[bold]strengthen[/]" in text
        await pilot.press("escape", "slash", *"[/")
        assert searching(app).hits  # searching for markup characters finds them literally
        assert "[/" in screen_text(app)


# -- briefing marks and why a sentence was picked ----------------------------------------------


@pilot_test
async def test_briefing_marks_show_updates_and_what_was_seen_before(
    corpus_json: Path, tmp_path: Path
) -> None:
    data = json.loads(corpus_json.read_text(encoding="utf-8"))
    data["clusters"][0]["update"] = True
    data["clusters"][0]["title"] = "Storm floods the port"  # a heading on one line
    data["clusters"][0]["sentences"][0]["new"] = False
    data["clusters"][1]["new"] = False
    marked = tmp_path / "brief.json"
    marked.write_text(json.dumps(data), encoding="utf-8")
    app = make_app([], Settings(), marked)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        first, second = plain(app.main.query_one(StoryList), 0), plain(app.main.query_one(StoryList), 1)
        assert first.split(maxsplit=1)[1].startswith("Update: ") and "(seen before)" not in first
        assert "(seen before)" in second and "Update" not in second
        summary = app.main.query_one(SummaryList)
        assert "(seen before)" in plain(summary, 0) and "(seen before)" not in plain(summary, 1)
        assert f"Update: {data['clusters'][0]['title']}" in shown(app)


@pilot_test
async def test_the_article_view_says_why_the_sentence_was_picked() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        pick = digest.stories[0].sentences[0]
        assert len(pick.candidate.citations) == 2 and pick.components["sources"] == 0.0  # [1][2]: a copy
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, ArticleScreen)
        heading = app.screen.query_one("#article-heading")
        assert heading.outer_size.height <= 4  # title, source, one line of copy and score; its rule
        text = shown(app)
        assert f"score {pick.score:.2f}" in text and "w: why it was picked" in text
        assert "centrality" not in text and "algorithm" not in text  # no jargon by default
        await pilot.press("w")
        text = shown(app)
        assert f"where it stands in its article: {pick.components['position']:.2f} (1: the opening)" in text
        assert f"how the lexrank summarizer rates it: {pick.components['algorithm']:.2f}" in text
        assert "how many sources carry it: 0.00 (1: the most; copies of one article count once)" in text
        assert "best set of sentences that fits the length" in text  # how it was chosen (ilp)
        assert "centrality" not in text
        await pilot.press("w")
        assert "where it stands" not in shown(app) and heading.outer_size.height <= 4


@pilot_test
async def test_a_sentence_far_down_its_article_is_scrolled_into_view(articles: Callable[..., Path]) -> None:
    wire = "The harbour bridge reopened on Tuesday after six weeks of repairs to its cables."
    filler = "\n\n".join(
        f"Paragraph {n} tells of the town council and its long debate on roads." for n in range(60)
    )
    folder = articles(
        {
            "long.txt": f"Bridge reopens\n\n{filler}\n\n{wire}\n",
            "short.txt": f"Harbour bridge open again\n\n{wire} Traffic was light in the morning.\n",
        }
    )
    app = make_app([str(folder)], Settings(clusters="1"))
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[0]
        k = next(k for k, p in enumerate(story.sentences) if p.candidate.text == wire)
        await pilot.press("enter")
        app.main.query_one(SummaryList).select_sentence(k)
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        if screen.document.origin.endswith("short.txt"):
            await pilot.press("full_stop")  # the other source
        view = screen.query_one(SourceView)
        assert screen.document.origin.endswith("long.txt")
        assert view.cited_line is not None and view.cited_line > 100
        assert cited_line_visible(view)


@pilot_test
async def test_muted_text_is_dimmer_than_the_text_it_stands_beside(corpus_json: Path, tmp_path: Path) -> None:
    data = json.loads(corpus_json.read_text(encoding="utf-8"))
    data["clusters"][0]["sentences"][1]["new"] = False
    data["clusters"][1]["new"] = False
    marked = tmp_path / "brief.json"
    marked.write_text(json.dumps(data), encoding="utf-8")
    app = make_app([], Settings(), marked)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[0]
        pieces = colours(app)

        def drawn(fragment: str) -> list[float]:
            found = [brightness(colour) for text, colour in pieces if fragment in text]
            assert found, fragment
            return found

        body = max(drawn(one_line(story.sentences[2].candidate.text)[:20]))  # new, not under the cursor
        muted = [
            "  ·  ",  # the top bar's separators
            story_line(story),  # the counts under the headline
            "• ",
            "(seen before)",  # in the story list and after an old sentence
            one_line(story.sentences[1].candidate.text)[:20],  # an old sentence of an update
        ]
        for fragment in muted:
            assert max(drawn(fragment)) < body - 0.1, fragment
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, ArticleScreen)
        pieces = colours(app)
        doc = digest.document(app.screen.stop.document)
        outlet_line = " · ".join(source_parts(doc, digest, source_numbers(story))[1:])
        assert max(drawn(outlet_line[:15])) < body - 0.1


def drawn(widget: OptionList) -> str:
    """The lines a list draws (its own, not the screen's), on one line."""
    height = widget.scrollable_content_region.height
    return folded(" ".join(widget.render_line(y).text for y in range(height)))


def long_second_story(folder: Path) -> Path:
    """The snapshots' saved corpus, with a first story short enough to need no scrollbar and a
    second one of 14 sentences of growing length: at some width, one of them wraps its [n]
    marker to a line of its own."""
    data = json.loads(Path("tests/tui/data/corpus.json").read_text(encoding="utf-8"))
    assert data["clusters"][1]["title"] == "One year on, London remembers 7/7 victims"
    first, second = data["clusters"][0], data["clusters"][1]
    first["sentences"] = first["sentences"][:1]
    first["documents"] = [first["sentences"][0]["citations"][0]["document"]]
    first["sources"] = 1
    cited = second["sentences"][0]
    second["sentences"] = [
        {**cited, "text": f"Sentence {n:02d} {' '.join(['wordy'] * (8 + n // 2))}{'s' * (n % 2)} end{n:02d}."}
        for n in range(14)
    ]
    path = folder / "long.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("size", "by"), [((100, 30), "search"), ((160, 40), "search"), ((160, 40), "click")])
@pilot_test
async def test_markers_that_wrap_to_a_line_of_their_own_are_drawn(
    tmp_path: Path, size: tuple[int, int], by: str
) -> None:
    app = make_app([], Settings(), long_second_story(tmp_path))
    async with app.run_test(size=size) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        if by == "search":
            await pilot.press("slash", *"London remembers", "enter", "enter")
        else:
            for line in range(1, 8):
                await pilot.click(StoryList, offset=(5, line))
                if app.main.story is not digest.stories[0]:
                    break
        assert app.main.story is digest.stories[1]
        summary = app.main.query_one(SummaryList)
        for k in range(14):
            summary.select_sentence(k)
            await pilot.pause()
            assert f"end{k:02d}. [" in drawn(summary), k


@pytest.mark.parametrize("briefing", [True, False])
@pilot_test
async def test_a_digest_without_stories_says_so(tmp_path: Path, briefing: bool) -> None:
    data = json.loads(Path("tests/tui/data/corpus.json").read_text(encoding="utf-8"))
    data["clusters"] = []
    if briefing:
        data["settings"]["since"] = "2025-03-13T07:30:00+00:00"
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps(data), encoding="utf-8")
    app = make_app([], Settings(), empty)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None and not digest.stories
        text = shown(app)
        if briefing:
            assert since_text(digest).startswith("Nothing new since 2025-03-1")
            assert since_text(digest) in text
        else:
            assert "Nothing to show" in text
        assert "Stories" not in text and "Summary" not in text  # no blank panes
        footer = screen_text(app).splitlines()[-1]
        assert "Search" not in footer and "q Quit" in footer
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


@pilot_test
async def test_help_scrolls_with_j_k_space_b_g_G_and_shows_many_keys_a_screen() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        text = shown(app)
        for does in (
            "move",
            "first, last",
            "read its summary",
            "back to where you were",
            "next pane",
            "search",
        ):
            assert does in text, does  # no rule under every row: six keys and more on the first screen
        box = app.screen.query_one("#help")
        assert box.max_scroll_y > 0
        await pilot.press("j", "j")
        assert box.scroll_y == 2
        await pilot.press("k")
        assert box.scroll_y == 1
        await pilot.press("space")
        assert box.scroll_y > 2
        await pilot.press("b")
        assert box.scroll_y == 1
        await pilot.press("G")
        assert box.scroll_y == box.max_scroll_y
        await pilot.press("g")
        assert box.scroll_y == 0


@pytest.mark.parametrize("width", [50, 60])
@pilot_test
async def test_a_narrow_footer_still_shows_every_key_and_help_and_quit(width: int) -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=(width, 24)) as pilot:
        await ready(pilot)
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "? Help" in footer and "q Quit" in footer, footer
        for key in ("tab", "/", "a", "o", "e"):
            assert f" {key} " in f" {footer} ", key
        await pilot.press("enter", "enter")  # the article view
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "esc Back" in footer and "q Quit" in footer and " n " in footer, footer
        await pilot.press("escape")
        await pilot.resize_terminal(100, 24)  # wide enough: every word is back
        await pilot.pause()
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert "a Algorithm" in footer and "q Quit" in footer, footer


def summary_words(digest: Digest) -> set[str]:
    """Every word of the digest's headlines and summary sentences, lower case."""
    texts = [s.title for s in digest.stories] + [
        p.candidate.text for s in digest.stories for p in s.sentences
    ]
    return {w.lower() for text in texts for w in re.findall(r"\w+", text)}


@pilot_test
async def test_search_finds_words_of_the_articles_their_titles_and_outlets(corpus_json: Path) -> None:
    app = make_app([], Settings(), corpus_json)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        known = summary_words(digest)
        story = 2
        doc = digest.document(digest.stories[story].documents[-1])
        title_words = {w.lower() for w in re.findall(r"\w+", doc.title)}
        body = next(w for w in re.findall(r"[A-Za-z]{8,}", doc.text) if w.lower() not in known | title_words)
        title = next(w for w in re.findall(r"[A-Za-z]{6,}", doc.title) if w.lower() not in known)
        outlets = {d.source for d in digest.documents if d.source}
        outlet = next(d.source for d in digest.documents if d.source and d.source.lower() not in known)
        assert outlet and len(outlets) > 1
        for word, field in ((body, doc.text), (title, doc.title)):
            await pilot.press("slash", *word)
            hits = searching(app).hits
            assert any(h.document == doc.id for h in hits), word
            hit = next(h for h in hits if h.document == doc.id)
            assert hit.text[hit.start : hit.end].lower() == word.lower() and word in field
            assert word in shown(app)
            for _ in range(hits.index(hit)):
                await pilot.press("down")
            await pilot.press("enter")  # to the story, the cursor on that source
            assert app.main.story is digest.stories[hit.story]
            summary = app.main.query_one(SummaryList)
            assert app.focused is summary and summary.entry is not None
            assert summary.entry.document == doc.id
            await pilot.press("escape")
        await pilot.press("slash")
        searching(app).query_one(Input).value = outlet
        await pilot.pause()
        hits = searching(app).hits
        assert hits and all(h.document is not None for h in hits)
        assert {digest.document(h.document or "").source for h in hits} == {outlet}
