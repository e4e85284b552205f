"""The article view's reading flow, pressing the real keys: n/p through the summary, ]/[ through
the stories (the digest screen behind follows), ./, through the copies of a sentence, and c/u
copying a sentence with its citation or an article's address to the clipboard (OSC 52)."""

from __future__ import annotations

import base64
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from digest.models import Story
from digest.sanitize import one_line
from digest.settings import Settings
from digest.tui.app import DigestApp, make_app
from digest.tui.messages import DigestBuilt
from digest.tui.screens import ArticleScreen
from digest.tui.widgets import Entry, SourceView, StoryList, SummaryList
from tests.tui.helpers import DATA, pilot_test, ready, screen_text

SEEDS = "corpus/seeds"
NARROW = (80, 24)
CORPUS = DATA / "corpus.json"
"""11 stories, saved without their texts (read again from corpus/)."""


def folded(text: str) -> str:
    return " ".join(text.split())


def article(app: DigestApp) -> ArticleScreen:
    """The article view on top."""
    assert isinstance(app.screen, ArticleScreen), app.screen
    return app.screen


def notes(app: DigestApp) -> list[str]:
    """The messages of the notifications shown, oldest first."""
    return [n.message for n in app._notifications]


def assert_shows(app: DigestApp, story: Story, k: int) -> None:
    """The article view shows sentence ``k`` of ``story`` highlighted in its first source."""
    screen = article(app)
    pick = story.sentences[k]
    assert screen.story is story
    assert screen.document.id == pick.candidate.citations[0].document
    assert folded(screen.query_one(SourceView).cited_text) == folded(pick.candidate.text)
    assert f"Sentence {k + 1} of {len(story.sentences)}" in folded(screen_text(app))


def assert_main_on(app: DigestApp, index: int, sentence: int) -> None:
    """The digest screen shows story ``index``, the summary's cursor on ``sentence``."""
    assert app.digest is not None
    summary = app.main.query_one(SummaryList)
    assert app.main.query_one(StoryList).highlighted == index
    assert app.main.story is app.digest.stories[index]
    assert summary.entry == Entry(sentence=sentence)


@pilot_test
async def test_n_and_p_go_through_the_summary_each_sentence_in_its_first_source() -> None:
    app = make_app([], Settings(), CORPUS)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[2]
        assert len(story.sentences) == 4
        await pilot.press("j", "j", "enter", "enter")
        assert_shows(app, story, 0)
        for k in (1, 2, 3):
            await pilot.press("n")
            assert_shows(app, story, k)
            assert_main_on(app, 2, k)
        await pilot.press("n")  # the last: it says so and stays
        assert_shows(app, story, 3)
        assert notes(app)[-1] == "The story's last cited sentence; ] for the next story."
        await pilot.press("p", "p")
        assert_shows(app, story, 1)
        await pilot.press("p", "p")
        assert_shows(app, story, 0)
        assert notes(app)[-1] == "The story's first cited sentence."
        await pilot.press("n", "escape")  # back on the summary, on the sentence read last
        assert app.screen is app.main and app.focused is app.main.query_one(SummaryList)
        assert_main_on(app, 2, 1)


@pilot_test
async def test_from_a_source_n_stays_in_that_article_and_escape_comes_back_to_it() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        await pilot.press("enter", "G", "enter")  # the last source, [3]
        screen = article(app)
        await pilot.press("n")
        assert screen.document.id == "d3" and "Cited sentence 2 of" in folded(screen_text(app))
        await pilot.press("escape")
        assert app.main.query_one(SummaryList).entry == Entry(document="d3")


@pilot_test
async def test_brackets_go_through_the_stories_and_escape_comes_back_to_the_last_one() -> None:
    app = make_app([], Settings(), CORPUS)
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        stories = digest.stories
        await pilot.press("enter", "enter")
        assert "Story 1 of 11" in screen_text(app)
        await pilot.press("left_square_bracket")  # the first story: it says so
        assert notes(app)[-1] == "The first story." and article(app).story is stories[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert_shows(app, stories[2], 0)
        assert "Story 3 of 11" in screen_text(app)
        assert_main_on(app, 2, 0)
        await pilot.press("n", "left_square_bracket")  # from its first sentence again
        assert_shows(app, stories[1], 0)
        await pilot.press("right_square_bracket", "n", "n")
        assert_shows(app, stories[2], 2)
        await pilot.press("escape")
        assert app.screen is app.main and app.focused is app.main.query_one(SummaryList)
        assert_main_on(app, 2, 2)
        await pilot.press("enter")  # and on from there
        assert_shows(app, stories[2], 2)
        for _ in range(len(stories)):
            await pilot.press("right_square_bracket")
        assert article(app).story is stories[-1] and "Story 11 of 11" in screen_text(app)
        assert notes(app)[-1] == "The last story."


@pilot_test
async def test_other_source_shows_the_sentence_in_every_article_that_carries_it() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[0]
        assert {c.document for c in story.sentences[0].candidate.citations} == {"d1", "d2"}
        await pilot.press("enter", "enter")
        screen = article(app)
        footer = screen_text(app).splitlines()[-1]
        assert ". Other source" in footer and "also in [2]" in screen_text(app)
        await pilot.press("full_stop")
        assert screen.document.id == "d2" and "also in [1]" in screen_text(app)
        assert folded(screen.query_one(SourceView).cited_text) == folded(story.sentences[0].candidate.text)
        await pilot.press("comma")
        assert screen.document.id == "d1"
        await pilot.press("full_stop", "n")  # the next sentence, in its own first source
        assert_shows(app, story, 1)
        k = next(k for k, p in enumerate(story.sentences) if len(p.candidate.citations) == 1)
        while screen.sentence != k:
            await pilot.press("n")
        assert "Other source" not in screen_text(app).splitlines()[-1]


def expected_citation(app: DigestApp, doc_id: str, text: str | None) -> str:
    """What c copies, spelled out here: "<sentence>" — title, outlet, date, path or URL."""
    assert app.digest is not None
    doc = app.digest.document(doc_id)
    where = ", ".join(p for p in (doc.title, doc.source, doc.published, doc.url or doc.origin) if p)
    return f'"{one_line(text)}" — {where}' if text is not None else where


@pilot_test
async def test_c_copies_the_sentence_with_its_citation_and_u_the_address() -> None:
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        story = digest.stories[0]
        await pilot.press("enter", "enter", "n", "c")  # the second sentence, in the article view
        first = story.sentences[1].candidate.citations[0].document
        copied = expected_citation(app, first, story.sentences[1].candidate.text)
        assert app.clipboard == copied and copied.startswith(f'"{story.sentences[1].candidate.text[:20]}')
        assert notes(app)[-1] == (copied if len(copied) <= 80 else copied[:40] + "…" + copied[-39:])
        await pilot.press("u")
        assert app.clipboard == digest.document(first).origin == notes(app)[-1]
        await pilot.press("escape", "down", "c")  # on the summary list: the sentence under the cursor
        copied = expected_citation(
            app, story.sentences[2].candidate.citations[0].document, story.sentences[2].candidate.text
        )
        assert app.clipboard == copied
        await pilot.press("G", "c")  # a source: its citation
        assert app.clipboard == expected_citation(app, "d3", None)
        await pilot.press("u")
        assert app.clipboard == digest.document("d3").origin
        await pilot.press("escape", "c")  # on the story list: nothing under the cursor to copy
        assert app.clipboard == digest.document("d3").origin


HOSTILE = "\x1b]0;x\x07[bold]"


def record_writes(app: DigestApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the (headless) driver is given to write to the terminal, from now on."""
    assert app._driver is not None
    written: list[str] = []
    write = app._driver.write

    def recording(data: str) -> None:
        written.append(data)
        write(data)

    monkeypatch.setattr(app._driver, "write", recording)
    return written


def assert_osc52_only(written: list[str], text: str) -> None:
    """The terminal got ``text`` base64-encoded in one OSC 52 sequence and nothing raw of it."""
    clips = [w for w in written if w.startswith("\x1b]52;")]
    assert clips[-1] == "\x1b]52;c;" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "\a"
    assert not any(HOSTILE in w or "\x1b]0;x" in w for w in written)


@pilot_test
async def test_a_hostile_title_and_file_name_are_copied_as_plain_text(
    articles: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "The storm reached the coast on Monday and forecasters said it would strengthen overnight. "
    folder = articles(
        {
            f"storm{HOSTILE}.txt": f"[bold]Storm{HOSTILE} warning[/bold]\n\n{body}Residents stayed home.\n",
            "b.txt": f"Storm hits the coast\n\n{body}Another storm line said the storm moved north.\n",
        }
    )
    app = make_app([str(folder)], Settings(clusters="1"))
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        written = record_writes(app, monkeypatch)
        await pilot.press("enter", "enter")
        if article(app).document.title.startswith("Storm hits"):
            await pilot.press("full_stop")  # the sentence in the hostile article
        assert "\x1b" in article(app).document.origin  # the file name holds it, as read
        await pilot.press("c")
        copied = app.clipboard
        assert "[bold]Storm" in copied and "[/bold]" in copied and "\\x1b]0;x\\x07[bold].txt" in copied
        assert not any(ch in copied for ch in "\x1b\x07\n")
        assert_osc52_only(written, copied)
        await pilot.press("u")
        assert app.clipboard.endswith("storm\\x1b]0;x\\x07[bold].txt") and "\x1b" not in app.clipboard
        assert notes(app)[-1].endswith("\\x07[bold].txt")  # shortened; the markup as typed
        assert_osc52_only(written, app.clipboard)


@pilot_test
async def test_a_url_with_escapes_never_reaches_the_terminal_raw(
    articles: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: the readers drop such a URL (sanitize.plain_url), but whatever digest
    the app is given (the worker's DigestBuilt message), c and u copy it as visible text."""
    app = make_app([SEEDS], Settings())
    async with app.run_test(size=NARROW) as pilot:
        digest = (await ready(pilot)).digest
        assert digest is not None
        url = f"https://example.org/storm{HOSTILE}"
        documents = tuple(dataclasses.replace(d, url=url) if d.id == "d1" else d for d in digest.documents)
        app.post_message(DigestBuilt(dataclasses.replace(digest, documents=documents), ()))
        await pilot.pause()
        written = record_writes(app, monkeypatch)
        await pilot.press("enter", "enter", "u")
        assert app.clipboard == "https://example.org/storm\\x1b]0;x\\x07[bold]"
        assert_osc52_only(written, app.clipboard)
        await pilot.press("c")
        assert app.clipboard.endswith(", https://example.org/storm\\x1b]0;x\\x07[bold]")
        assert "\x1b" not in app.clipboard and "\x07" not in app.clipboard
        assert_osc52_only(written, app.clipboard)
