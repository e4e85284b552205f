"""The screens: the digest (stories and summary), an article, help, search and algorithm."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, LoadingIndicator, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from digest.models import Citation, Digest, Document, Pick, Story
from digest.render.common import (
    SEEN_MARK,
    citation_line,
    grouping_lines,
    heading_line,
    source_numbers,
    source_parts,
    story_line,
    update_prefix,
)
from digest.render.html import since_text
from digest.sanitize import one_line, visible
from digest.settings import ALGORITHMS
from digest.tui.loading import SearchHit, locate, search
from digest.tui.messages import (
    OpenRequested,
    ReadRequested,
    RecomputeRequested,
    RefreshRequested,
    ScreenReady,
)
from digest.tui.widgets import (
    MARKER,
    MUTED,
    UPDATE,
    Entry,
    Hanging,
    KeysFooter,
    NavList,
    SourceView,
    StoryList,
    SummaryList,
    TopBar,
)

if TYPE_CHECKING:
    from digest.tui.app import DigestApp

HELP = Path(__file__).with_name("help.md")
"""The help screen's text."""


@dataclass(frozen=True)
class Stop:
    """A place the article view can show: a cited sentence in one document."""

    document: str
    """Document id."""
    citation: Citation | None
    """Where the sentence stands; None to show the document from its top."""
    sentence: str = ""
    """The sentence as the digest shows it (to find it again in a file that changed)."""


def sentence_stops(story: Story, index: int) -> list[Stop]:
    """One stop per document that carries sentence ``index`` of ``story``, in source order."""
    pick = story.sentences[index]
    numbers = source_numbers(story)
    citations = sorted(pick.candidate.citations, key=lambda c: numbers.get(c.document, 0))
    return [Stop(c.document, c, pick.candidate.text) for c in citations]


def document_stops(story: Story, doc_id: str) -> list[Stop]:
    """The story's sentences cited in one document, in text order; its top if none."""
    stops = [
        Stop(doc_id, c, pick.candidate.text)
        for pick in story.sentences
        for c in pick.candidate.citations
        if c.document == doc_id
    ]
    return sorted(stops, key=lambda s: s.citation.start if s.citation else 0) or [Stop(doc_id, None)]


class DigestScreen(Screen[None]):
    """Stories, the selected story's summary and, on wide terminals, a source preview."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (150, "-widest")]
    AUTO_FOCUS = None  # the story list takes the focus once there are stories

    BINDINGS = [
        Binding("tab", "pane(1)", "Pane"),
        Binding("shift+tab", "pane(-1)", "Pane", show=False),
        Binding("escape,backspace", "back", "Back", show=False),
        Binding("slash", "search", "Search", key_display="/"),
        Binding("a", "algorithm", "Algorithm"),
        Binding("w", "why", "Why grouped", show=False),  # on the help screen; the footer is full
        Binding("o", "open_external", "Open"),
        Binding("n", "next_unread", "Next unread", show=False),
        Binding("m", "toggle_read", "Read/unread", show=False),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("c", "copy_citation", "Copy", show=False),  # on the help screen
        Binding("u", "copy_url", "Copy URL", show=False),
    ]

    app: DigestApp

    def __init__(self, label: str) -> None:
        super().__init__(classes="-loading")
        self.input_label = label
        """What the digest is of, on one line."""
        self.digest: Digest | None = None
        self.story: Story | None = None
        self.last_query = ""
        self.read: set[str] = set()
        """Ids of the stories read: opened, marked (``m``), or shown in an earlier briefing."""

    def compose(self) -> ComposeResult:
        # The first contents are given here, not in on_mount: a fast worker (a saved digest)
        # can report before this screen's on_mount runs.
        yield TopBar(TopBar.text(self.input_label, "reading…"), id="topbar")
        with Container(id="body", disabled=True):  # nothing to focus until there is a digest
            with Vertical(id="stories-pane", classes="pane"):
                yield StoryList(id="stories")
            with Vertical(id="summary-pane", classes="pane"):
                yield Static(id="story-heading")
                yield SummaryList(id="summary")
            with Vertical(id="preview-pane", classes="pane"):
                yield Static(id="preview-heading")
                yield SourceView(id="preview")
        with Vertical(id="status"):
            yield LoadingIndicator()
            yield Static(Content("Reading the articles…"), id="status-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#stories-pane").border_title = Content("Stories")
        self.query_one("#summary-pane").border_title = Content("Summary")
        self.query_one("#preview-pane").border_title = Content("Source")
        self.post_message(ScreenReady())  # the app builds once the screen can show the outcome

    # -- what the app tells the screen -------------------------------------------------------

    def show_progress(self, stage: str, done: int, total: int) -> None:
        """Show how far the build is."""
        step = f"{stage} {done}/{total}" if total else f"{stage}…"
        if self.digest is None:
            self.query_one("#status-text", Static).update(Content(step.capitalize()))
        self.query_one(TopBar).show(self.input_label, step)

    def show_digest(self, digest: Digest, rebuilt: bool = False) -> None:
        """Show a (new) digest; after a recomputation, stay on the same story if it is still there."""
        previous, before = self.story, self.digest

        self.digest = digest
        # A story made again keeps its mark; one of an earlier briefing was read then.
        kept = {s.id for s in digest.stories if before is not None and _same(before, digest, s, self.read)}
        self.read = {s.id for s in digest.stories if not s.new} | (kept if rebuilt else set())
        self.remove_class("-loading", "-failed", "-empty")
        self.query_one("#body").disabled = False
        self._show_top()
        if not digest.stories:
            self._show_empty(digest)
            return
        index = 0
        if rebuilt and previous is not None and before is not None:
            index = _place(before, previous, digest)
        stories = self.query_one(StoryList)
        self.story = None
        stories.show(digest, index, self.read)
        self._set_story(index)
        for widget in (self.query_one("#summary-pane"), self.query_one("#preview-pane")):
            widget.loading = False
        if not rebuilt:
            stories.focus()

    def show_recomputing(self, algorithm: str) -> None:
        """A recomputation started: the summary waits for it."""
        for widget in (self.query_one("#summary-pane"), self.query_one("#preview-pane")):
            widget.loading = True
        self.query_one(TopBar).show(self.input_label, f"recomputing with {algorithm}…")

    def show_refreshing(self) -> None:
        """The feeds (or files) are read again: the digest shown stays until the new one is made."""
        self.query_one(TopBar).show(self.input_label, "reading again…")

    def set_read(self, story_id: str, read: bool) -> None:
        """Show story ``story_id`` as read or unread."""
        if self.digest is None:
            return
        (self.read.add if read else self.read.discard)(story_id)
        for index, story in enumerate(self.digest.stories):
            if story.id == story_id:
                self.query_one(StoryList).mark(index, story, read)

    def _read(self, story: Story, read: bool = True) -> None:
        """Mark a story read (or unread) here, and ask the app to keep it."""
        if (story.id in self.read) == read:
            return
        self.set_read(story.id, read)
        self.post_message(ReadRequested((story.id,), read))

    def recompute_failed(self) -> None:
        """The recomputation failed: the digest shown stays."""
        for widget in (self.query_one("#summary-pane"), self.query_one("#preview-pane")):
            widget.loading = False
        self._show_top()

    def show_failure(self, title: str, message: str, details: tuple[str, ...]) -> None:
        """No digest: say why, in the middle of the screen."""
        self.remove_class("-loading")
        self.add_class("-failed")
        lines: list[str | tuple[str, str]] = [(title, "bold $error"), "\n\n", one_line(message)]
        for detail in details[:12]:
            lines += ["\n", ("  " + one_line(detail), MUTED)]
        if len(details) > 12:
            lines += ["\n", (f"  … and {len(details) - 12} more", MUTED)]
        lines += ["\n\n", ("Press q to quit, ? for help.", MUTED)]
        self.query_one("#status-text", Static).update(Content.assemble(*lines))
        self.query_one(TopBar).show(self.input_label, ("nothing to show", "$error"))
        self.set_focus(None)
        self.refresh_bindings()

    def _show_empty(self, digest: Digest) -> None:
        """No stories: a briefing with nothing new since the last one, or an empty digest."""
        self.add_class("-empty")
        self.story = None
        self.query_one("#body").disabled = True
        message = (
            since_text(digest)
            if "since" in digest.settings
            else "Nothing to show: the digest has no stories."
        )
        lines: list[str | tuple[str, str]] = [(message, "bold"), "\n\n", (heading_line(digest) + ".", MUTED)]
        lines += ["\n\n", ("Press q to quit, ? for help.", MUTED)]
        self.query_one("#status-text", Static).update(Content.assemble(*lines))
        self.set_focus(None)

    def _show_top(self) -> None:
        if self.digest is not None:
            algorithm = str(self.digest.settings.get("algorithm", "?"))
            self.query_one(TopBar).show(self.input_label, heading_line(self.digest), algorithm)
        self.refresh_bindings()

    # -- moving around ------------------------------------------------------------------------

    def _set_story(self, index: int) -> None:
        if self.digest is None or not 0 <= index < len(self.digest.stories):
            return
        story = self.digest.stories[index]
        if story is self.story:
            return
        self.story = story
        heading = Content.assemble(
            (update_prefix(story), UPDATE),
            (one_line(story.title), "bold"),
            ("" if story.new else f" {SEEN_MARK}", MUTED),
            "\n",
            (story_line(story), MUTED),
        )
        self.query_one("#story-heading", Static).update(heading)
        self.query_one(SummaryList).show(self.digest, story)
        self._preview(self.query_one(SummaryList).entry)

    @on(StoryList.Highlighted)
    def _story_highlighted(self, event: StoryList.Highlighted) -> None:
        self._set_story(event.index)

    @on(StoryList.Selected)
    def _story_selected(self, event: StoryList.Selected) -> None:
        self._set_story(event.index)
        if self.story is not None:
            self._read(self.story)
        self.query_one(SummaryList).focus()

    @on(SummaryList.Highlighted)
    def _entry_highlighted(self, event: SummaryList.Highlighted) -> None:
        self._preview(event.entry)

    @on(SummaryList.Selected)
    def _entry_selected(self, event: SummaryList.Selected) -> None:
        self.open_entry(event.entry)

    def _stops(self, entry: Entry | None) -> list[Stop]:
        if self.story is None or entry is None:
            return []
        if entry.sentence is not None:
            return sentence_stops(self.story, entry.sentence)
        return document_stops(self.story, entry.document or "")

    def _preview(self, entry: Entry | None) -> None:
        """On wide terminals, the source of the sentence under the cursor."""
        stops = self._stops(entry)
        if self.digest is None or self.story is None or not stops:
            return
        heading, text, cited, also, placeholder = article_view(self.digest, self.story, stops[0])
        self.query_one("#preview-heading", Static).update(heading)
        self.query_one("#preview", SourceView).show(text, cited, also, placeholder)

    def open_entry(self, entry: Entry) -> None:
        """Open the article view on a sentence (in its first source) or a source."""
        stops = self._stops(entry)
        if self.digest is not None and self.story is not None and stops:
            self._read(self.story)
            in_article = entry.sentence is None
            self.app.push_screen(ArticleScreen(self.digest, self.story, stops[0], in_article, self))

    def story_order(self) -> list[int]:
        """The digest's stories (their indexes in ``Digest.stories``) in the order the story
        list shows them: the article view's ``]`` and ``[`` go through them in this order."""
        return list(range(len(self.digest.stories))) if self.digest is not None else []

    def show_story(self, index: int, sentence: int | None = None) -> None:
        """Show story ``index`` of ``Digest.stories``, the summary's cursor on its sentence
        ``sentence``: the article view moves this screen along, so that back here the reader is
        on the story and sentence they were reading."""
        if self.digest is None or not 0 <= index < len(self.digest.stories):
            return
        self.query_one(StoryList).highlighted = index
        self._set_story(index)
        summary = self.query_one(SummaryList)
        if sentence is not None:
            summary.select_sentence(sentence)
        self.set_focus(summary)
        if self.story is not None:
            self._read(self.story)  # read from the article view

    def go_to(self, hit: SearchHit | None) -> None:
        """Show a search result: its story, and its sentence under the cursor."""
        if hit is None or self.digest is None:
            return
        self.query_one(StoryList).highlighted = hit.story
        self._set_story(hit.story)
        summary = self.query_one(SummaryList)
        if hit.document is not None:
            summary.select_document(hit.document)
            summary.focus()
        elif hit.sentence is None:
            self.query_one(StoryList).focus()
        else:
            summary.select_sentence(hit.sentence)
            summary.focus()

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in (
            "search",
            "algorithm",
            "open_external",
            "pane",
            "why",
            "next_unread",
            "toggle_read",
        ) and not (self.digest and self.digest.stories):
            return False
        if action == "refresh":
            return self.digest is not None
        if action == "back":
            return self.focused is not None and self.focused.id != "stories"
        if action in ("copy_citation", "copy_url"):  # the sentence or source under the cursor
            return isinstance(self.focused, SummaryList | SourceView) and self.story is not None
        return True

    def action_back(self) -> None:
        self.query_one(StoryList).focus()

    def action_toggle_read(self) -> None:
        """Mark the story under the cursor read, or unread again."""
        if self.story is None:
            return
        if self.story.id in self.read and not self.story.new:
            self.notify(
                "This story was in an earlier briefing: it stays seen.", severity="warning", markup=False
            )
            return
        self._read(self.story, self.story.id not in self.read)

    def action_next_unread(self) -> None:
        """Go to the next unread story (after the one under the cursor, then from the top)."""
        if self.digest is None or not self.digest.stories:
            return
        stories = self.digest.stories
        here = next((n for n, s in enumerate(stories) if s is self.story), -1)
        order = [*range(here + 1, len(stories)), *range(0, here + 1)]
        unread = next((n for n in order if stories[n].id not in self.read), None)
        if unread is None:
            self.notify("No unread stories.", markup=False)
            return
        self.query_one(StoryList).highlighted = unread
        self._set_story(unread)
        self.query_one(StoryList).focus()

    def action_refresh(self) -> None:
        self.post_message(RefreshRequested())

    def action_pane(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def action_search(self) -> None:
        if self.digest is None:
            return

        def done(hit: SearchHit | None) -> None:
            self.go_to(hit)

        self.app.push_screen(SearchScreen(self.digest, self.last_query, self), done)

    def action_algorithm(self) -> None:
        if self.digest is None:
            return
        current = str(self.digest.settings.get("algorithm", ""))

        def done(name: str | None) -> None:
            if name is not None and name != current:
                self.post_message(RecomputeRequested(name))

        self.app.push_screen(AlgorithmScreen(current), done)

    def action_why(self) -> None:
        """Show why the selected story's articles are together."""
        if self.digest is not None and self.story is not None:
            self.app.push_screen(GroupingScreen(self.digest, self.story))

    def action_open_external(self) -> None:
        if self.digest is None or self.story is None:
            return
        focused = self.focused
        if isinstance(focused, SummaryList) and focused.entry is not None:
            doc_id = self._stops(focused.entry)[0].document
        elif isinstance(focused, SourceView) and self._stops(self.query_one(SummaryList).entry):
            doc_id = self._stops(self.query_one(SummaryList).entry)[0].document
        else:
            doc_id = self.story.documents[0]
        self.post_message(OpenRequested(self.digest.document(doc_id)))

    def action_copy_citation(self) -> None:
        """Copy the sentence under the cursor with its citation (or the source under it)."""
        entry = self.query_one(SummaryList).entry
        stops = self._stops(entry)
        if self.digest is None or self.story is None or entry is None or not stops:
            return
        text = self.story.sentences[entry.sentence].candidate.text if entry.sentence is not None else None
        doc = self.digest.document(stops[0].document)
        copy_text(
            self,
            citation_line(text, doc, self.digest),
            "the sentence and its source" if text else "the source",
        )

    def action_copy_url(self) -> None:
        """Copy the URL (or file) of the source of the sentence under the cursor, or of that source."""
        stops = self._stops(self.query_one(SummaryList).entry)
        if self.digest is not None and stops:
            doc = self.digest.document(stops[0].document)
            copy_text(self, visible(doc.url or doc.origin), "the address")


def _where(digest: Digest, story: Story) -> set[str]:
    """The addresses (URL, else origin) of a story's articles: what stays when ids change."""
    return {(d.url or d.origin) for d in (digest.document(i) for i in story.documents)}


def _same(before: Digest, after: Digest, story: Story, ids: set[str]) -> bool:
    """Whether ``story`` of ``after`` has the articles of one of ``before``'s stories ``ids``."""
    articles = _where(after, story)
    return any(s.id in ids and _where(before, s) == articles for s in before.stories)


def _place(before: Digest, story: Story, after: Digest) -> int:
    """Where ``story`` of ``before`` is in ``after``: the story with the same articles, else the
    one sharing most of them, else the same headline, else its place in the list."""
    articles = _where(before, story)
    shared = [len(articles & _where(after, s)) for s in after.stories]
    if shared and max(shared) > 0:
        return shared.index(max(shared))
    titles = [n for n, s in enumerate(after.stories) if s.title == story.title]
    if titles:
        return titles[0]
    index = next((n for n, s in enumerate(before.stories) if s is story), 0)
    return min(index, len(after.stories) - 1)


def article_view(
    digest: Digest, story: Story, stop: Stop, position: str = "", explain: bool | None = None
) -> tuple[Content, str, tuple[int, int] | None, list[tuple[int, int]], bool]:
    """What the source view shows for ``stop``: heading, text, cited span, other spans, placeholder.

    The heading gives the sentence's score on one line; ``explain`` True spells out what the
    score is made of, False offers it (``w``), None (the preview) does neither. The cited span
    comes from the citation's offsets into ``Document.text``; when they no longer hold the
    sentence (a file re-read since), the sentence is searched for.
    """
    doc = digest.document(stop.document)
    numbers = source_numbers(story)
    parts = source_parts(doc, digest, numbers)
    n = numbers.get(doc.id)
    lines: list[str | tuple[str, str]] = []
    if n is not None:
        lines.append((f"[{n}] ", MARKER))
    lines += [(parts[0], "bold"), "\n", (" · ".join(parts[1:]), MUTED)]
    picked = next((pick for pick in story.sentences if stop.citation in pick.candidate.citations), None)
    status = [position] if position else []
    if picked is not None:
        status.append(f"score {picked.score:.2f}" if position else f"Score {picked.score:.2f}")
        if explain is False:
            status.append("w: why it was picked")
    if status:
        lines += ["\n", (" · ".join(status), MUTED)]
    if picked is not None and explain:
        algorithm = str(digest.settings.get("algorithm", "the"))
        lines += [("\n" + line, MUTED) for line in why_lines(picked, algorithm)]
    if not doc.text:
        where = visible(doc.origin)
        missing = "The article's text is not in the saved digest and cannot be read again."
        lines += ["\n", (missing, "$warning")]
        return (
            Content.assemble(*lines),
            f"The text of {where} is not available. Save digests with --include-text to keep it.",
            None,
            [],
            True,
        )
    cited = locate(doc, stop.citation, stop.sentence) if stop.citation is not None else None
    if stop.citation is not None and cited is None:
        lines += [
            "\n",
            (
                "This article changed since the digest was built: the cited sentence is not in it any more.",
                "$warning",
            ),
        ]
    also = [
        span
        for pick in story.sentences
        for c in pick.candidate.citations
        if c.document == doc.id
        if (span := locate(doc, c, pick.candidate.text)) is not None
    ]
    return Content.assemble(*lines), doc.text, cited, also, False


# What each of a sentence's components (the JSON's) says, in words; each is in [0, 1].
_COMPONENT_WORDS = {
    "position": "where it stands in its article: {:.2f} (1: the opening)",
    "algorithm": "how the {algorithm} summarizer rates it: {:.2f} (1: the story's best)",
    "centrality": "how much it shares with the story's other sentences: {:.2f}",
    "sources": "how many sources carry it: {:.2f} (1: the most; copies of one article count once)",
    "coverage": "how much of the story's shared wording it holds: {:.2f}",
    "form": "its length and quotes: {:.2f} (under 1: too short, too long or mostly a quote)",
}
_SELECTION_WORDS = {
    "ilp": "chosen with the others as the best set of sentences that fits the length",
    "knapsack": "chosen by its score, in the best set of sentences that fits the length",
    "greedy": "chosen one by one, best first (a story of over 1,000 sentences, "
    "or of sentences that nearly all repeat each other)",
}


def why_lines(pick: Pick, algorithm: str) -> list[str]:
    """Why a sentence was picked, in words: what its score is made of, and how it was chosen.

    Args:
        pick: The picked sentence, with its ``components``.
        algorithm: The summarizer that rated it (the digest's settings).

    Returns:
        One line for the score, one for each component, one for how it was chosen.
    """
    lines = ["Its score is how good a summary line it is by itself, from:"]
    for name, value in pick.components.items():
        if name in _COMPONENT_WORDS and not isinstance(value, str):
            lines.append("  " + _COMPONENT_WORDS[name].format(value, algorithm=algorithm))
        elif name != "selection":
            lines.append(f"  {name}: {value}")
    selection = pick.components.get("selection")
    if isinstance(selection, str):
        lines.append(_SELECTION_WORDS.get(selection, f"chosen by {selection}").capitalize() + ".")
    return lines


class ArticleScreen(Screen[None]):
    """One source article, scrolled to the cited sentence, which is highlighted.

    ``n``/``p`` go to the next, previous sentence of the story's summary, each in its first
    source; opened from a source, to that article's next, previous cited sentence, in the order
    of its text. ``]``/``[`` go to the next, previous story (its first sentence), and the
    digest screen behind follows. ``.``/``,`` show the sentence in the other articles that
    carry it. ``c`` copies the sentence with its citation, ``u`` the article's address.
    """

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", key_display="esc"),
        Binding("n", "step(1)", "Next sentence"),
        Binding("p", "step(-1)", "Prev sentence", show=False),
        Binding("right_square_bracket", "story(1)", "Next story", key_display="]"),
        Binding("left_square_bracket", "story(-1)", "Prev story", key_display="[", show=False),
        Binding("full_stop", "other_source(1)", "Other source", key_display="."),
        Binding("comma", "other_source(-1)", "Other source", key_display=",", show=False),
        Binding("c", "copy_citation", "Copy"),
        Binding("u", "copy_url", "Copy URL", show=False),
        Binding("w", "explain", "Why picked", show=False),  # the heading offers it
        Binding("o", "open_external", "Open"),
    ]

    app: DigestApp

    def __init__(
        self,
        digest: Digest,
        story: Story,
        stop: Stop,
        in_article: bool = False,
        origin: DigestScreen | None = None,
    ) -> None:
        super().__init__()
        self.digest = digest
        self.story = story
        self.stop = stop
        """What is shown: a cited sentence in one document."""
        self.in_article = in_article
        """Whether ``n``/``p`` go through the cited sentences of the article shown (it was
        opened from a source), else through the summary."""
        self.origin = origin
        """The digest screen behind, which follows the story and sentence read."""
        self.explain = False
        """Whether the heading spells out what the sentence's score is made of (``w``)."""

    @property
    def document(self) -> Document:
        """The document shown."""
        return self.digest.document(self.stop.document)

    @property
    def story_index(self) -> int:
        """The index of the story shown in ``Digest.stories``."""
        return next((n for n, s in enumerate(self.digest.stories) if s is self.story), 0)

    @property
    def sentence(self) -> int | None:
        """The index of the sentence shown in ``Story.sentences``; None for an article's top."""
        if self.stop.citation is None:
            return None
        return next(
            (
                k
                for k, pick in enumerate(self.story.sentences)
                if self.stop.citation in pick.candidate.citations
            ),
            None,
        )

    @property
    def copies(self) -> list[Stop]:
        """Every document that carries the sentence shown, in source order."""
        k = self.sentence
        return sentence_stops(self.story, k) if k is not None else [self.stop]

    def _track(self) -> list[Stop]:
        """What ``n``/``p`` go through: the summary's sentences, or the article's cited sentences."""
        if self.in_article:
            return document_stops(self.story, self.stop.document)
        return [sentence_stops(self.story, k)[0] for k in range(len(self.story.sentences))]

    def _place(self, stops: list[Stop]) -> int:
        """Where the sentence shown stands in ``stops`` (in another copy: the same sentence)."""
        if self.in_article:
            return next((n for n, s in enumerate(stops) if s == self.stop), 0)
        return self.sentence or 0

    def _stories(self) -> list[int]:
        """The digest's stories in the order the story list shows them."""
        if self.origin is not None:
            return self.origin.story_order()
        return list(range(len(self.digest.stories)))

    def compose(self) -> ComposeResult:
        yield TopBar()
        yield Static(id="article-heading")
        yield SourceView(id="source")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show()
        self.query_one(SourceView).focus()

    def _show(self) -> None:
        order = self._stories()
        index = self.story_index
        number, total = (order.index(index) + 1, len(order)) if index in order else (index + 1, len(order))
        self.query_one(TopBar).show((f"Story {number} of {total}", "bold"), one_line(self.story.title))
        heading, text, cited, also, placeholder = article_view(
            self.digest, self.story, self.stop, self._position(), self.explain
        )
        self.query_one("#article-heading", Static).update(heading)
        self.query_one(SourceView).show(text, cited, also, placeholder)
        self.refresh_bindings()

    def _position(self) -> str:
        """'Sentence 2 of 4 · also in [2]', or 'Cited sentence 1 of 3 in this article'."""
        track = self._track()
        parts = []
        if self.in_article and len(track) > 1:
            parts.append(f"Cited sentence {self._place(track) + 1} of {len(track)} in this article")
        elif not self.in_article and self.sentence is not None:
            parts.append(f"Sentence {self.sentence + 1} of {len(track)}")
        others = [s.document for s in self.copies if s.document != self.stop.document]
        if others:
            numbers = source_numbers(self.story)
            parts.append("also in " + "".join(f"[{numbers.get(d, '?')}]" for d in others))
        return " · ".join(parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "step":
            return len(self._track()) > 1
        if action == "other_source":
            return len(self.copies) > 1
        if action == "story":
            return len(self._stories()) > 1
        return True

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_explain(self) -> None:
        """Show or hide what the sentence's score is made of."""
        self.explain = not self.explain
        heading = article_view(self.digest, self.story, self.stop, self._position(), self.explain)[0]
        self.query_one("#article-heading", Static).update(heading)  # the text stays where it is

    def action_step(self, step: int) -> None:
        """The next, previous sentence; at either end, say so (``]`` goes on to the next story)."""
        track = self._track()
        target = self._place(track) + step
        if not 0 <= target < len(track):
            where = "article" if self.in_article else "story"
            end = "last" if step > 0 else "first"
            hint = "; ] for the next story" if step > 0 and not self.in_article else ""
            self.notify(f"The {where}'s {end} cited sentence{hint}.", markup=False)
            return
        self.stop = track[target]
        self._show()
        self._follow()

    def action_story(self, step: int) -> None:
        """The next, previous story, from its first sentence in its first source."""
        order = self._stories()
        index = self.story_index
        target = (order.index(index) if index in order else -1) + step
        if not 0 <= target < len(order):
            self.notify(f"The {'last' if step > 0 else 'first'} story.", markup=False)
            return
        self.story = self.digest.stories[order[target]]
        self.stop = first_stop(self.story)
        self.in_article = False
        self._show()
        self._follow()

    def action_other_source(self, step: int) -> None:
        """The sentence in the next, previous article that carries it."""
        copies = self.copies
        here = next((n for n, s in enumerate(copies) if s.document == self.stop.document), 0)
        self.stop = copies[(here + step) % len(copies)]
        self._show()

    def _follow(self) -> None:
        """Move the digest screen behind to the story and sentence shown (not from a source:
        back there, the cursor stays on the source it was opened from)."""
        if self.origin is not None and not self.in_article:
            self.origin.show_story(self.story_index, self.sentence)

    def action_copy_citation(self) -> None:
        """Copy the sentence with its citation: title, outlet, date, address."""
        pick = self.story.sentences[self.sentence] if self.sentence is not None else None
        text = citation_line(pick.candidate.text if pick else None, self.document, self.digest)
        copy_text(self, text, "the sentence and its source")

    def action_copy_url(self) -> None:
        """Copy the article's URL, or its file when it has none."""
        copy_text(self, visible(self.document.url or self.document.origin), "the address")

    def action_open_external(self) -> None:
        self.post_message(OpenRequested(self.document))


def first_stop(story: Story) -> Stop:
    """Where a story starts in the article view: its first sentence in its first source."""
    if story.sentences:
        return sentence_stops(story, 0)[0]
    return Stop(story.documents[0], None)


def copy_text(screen: Screen[None], text: str, what: str) -> None:
    """Copy plain text to the clipboard (textual writes OSC 52: the terminal's clipboard, where it
    supports it) and say what was copied. Control characters never reach it: the text is made of
    one_line and visible pieces, and OSC 52 carries it base64-encoded."""
    text = one_line(text)
    shown = text if len(text) <= 80 else text[:40] + "…" + text[-39:]  # the address's start and end
    screen.app.copy_to_clipboard(text)
    screen.notify(shown, title=f"Copied {what}", markup=False)


class HelpScreen(ModalScreen[None]):
    """The keys, and what the markers mean (help.md)."""

    BINDINGS = [
        Binding("escape,question_mark,backspace", "close", "Close", key_display="esc"),
        Binding("j", "scroll('scroll_down')", "Down", show=False),
        Binding("k", "scroll('scroll_up')", "Up", show=False),
        Binding("space,f", "scroll('page_down')", "Page down", show=False),
        Binding("b", "scroll('page_up')", "Page up", show=False),
        Binding("g", "scroll('scroll_home')", "Top", show=False),
        Binding("G", "scroll('scroll_end')", "Bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP.read_text(encoding="utf-8"))
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#help").border_title = Content("Help")
        self.query_one("#help").focus()

    def action_scroll(self, where: str) -> None:
        """Scroll the help as the article view scrolls: j k, space b, g G."""
        getattr(self.query_one("#help", VerticalScroll), f"action_{where}")()

    def action_close(self) -> None:
        self.dismiss(None)


class GroupingScreen(ModalScreen[None]):
    """Why a story's articles are together: each with the article it was linked to, how likely
    the two report the same event, and the names and words they share."""

    BINDINGS = [Binding("escape,w,backspace,q", "close", "Close", key_display="esc")]

    def __init__(self, digest: Digest, story: Story) -> None:
        super().__init__()
        self.digest, self.story = digest, story
        self.lines = grouping_lines(story, digest)
        """What it shows of each article (for tests)."""

    def compose(self) -> ComposeResult:
        note = (
            "A story of one article."
            if len(self.lines) == 1
            else "Each article with the article of the story it is most like: how likely the two "
            "report the same event, and the names and words they share."
        )
        with VerticalScroll(id="grouping"):
            yield Static(Content(one_line(self.story.title)), id="grouping-title")
            yield Static(Content(note))
            for line in self.lines:
                yield Static(Content(line), classes="grouping-line")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#grouping").border_title = Content("Why these articles")
        self.query_one("#grouping").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class SearchScreen(ModalScreen[SearchHit | None]):
    """Search story headlines, summary sentences and the stories' articles (titles, outlets,
    text); enter goes to the highlighted result."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", key_display="esc"),
        Binding("down", "move(1)", "Down", show=False),
        Binding("up", "move(-1)", "Up", show=False),
    ]

    def __init__(self, digest: Digest, query: str, origin: DigestScreen) -> None:
        super().__init__()
        self.digest = digest
        self.initial = query
        self.origin = origin
        self.hits: list[SearchHit] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="search"):
            yield Input(
                value=self.initial, placeholder="Search stories, sentences and articles", id="search-input"
            )
            yield OptionList(markup=False, id="search-results")
            yield Static(id="search-count")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#search").border_title = Content("Search")
        self._update(self.initial)
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._update(event.value)

    def _update(self, query: str) -> None:
        self.hits = search(self.digest, query)
        results = self.query_one("#search-results", OptionList)
        results.set_options([Option(self._prompt(hit)) for hit in self.hits])
        results.highlighted = 0 if self.hits else None
        if not query.strip():
            count = "Type to search the headlines, sentences and articles."
        else:
            count = f"{len(self.hits)} {'match' if len(self.hits) == 1 else 'matches'}"
            if self.hits:
                count += " · ↑↓ choose · enter: go to"
        self.query_one("#search-count", Static).update(Content.styled(count, MUTED))

    def _prompt(self, hit: SearchHit) -> Hanging:
        """Story number, then the headline (bold), the sentence, or the article's [n] and its
        title, outlet or words, with the match highlighted."""
        text = Content(hit.text).stylize("reverse", hit.start, hit.end)
        if hit.document is not None:
            n = source_numbers(self.digest.stories[hit.story]).get(hit.document, "?")
            text = Content.assemble((f"[{n}] ", MARKER), text)
        elif hit.sentence is None:
            text = text.stylize_before("bold")
        return Hanging(Content.styled(f"{hit.story + 1:>2} ", MUTED), text)

    def action_move(self, step: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if step > 0:
            results.action_cursor_down()
        else:
            results.action_cursor_up()

    def action_go(self) -> None:
        results = self.query_one("#search-results", OptionList)
        self.origin.last_query = self.query_one(Input).value
        if results.highlighted is None or not self.hits:
            self.app.bell()
            return
        self.dismiss(self.hits[results.highlighted])

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_go()

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self) -> None:
        self.action_go()

    def action_cancel(self) -> None:
        self.origin.last_query = self.query_one(Input).value
        self.dismiss(None)


class AlgorithmList(NavList):
    """The summarizers; enter picks one."""

    BINDINGS = [Binding("enter", "select", "Recompute")]


class AlgorithmScreen(ModalScreen[str | None]):
    """Pick the summarizer that ranks sentences; the digest is recomputed with it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", key_display="esc")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="algorithms"):
            yield AlgorithmList(id="algorithm-list")
        yield KeysFooter()

    def on_mount(self) -> None:
        box = self.query_one("#algorithms")
        box.border_title = Content("Summarizer")
        options = self.query_one(NavList)
        options.set_options(
            [
                Option(Content.assemble(("● " if name == self.current else "  ", MARKER), name))
                for name in ALGORITHMS
            ]
        )
        options.highlighted = ALGORITHMS.index(self.current) if self.current in ALGORITHMS else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self) -> None:
        self.action_pick()

    def action_pick(self) -> None:
        index = self.query_one(NavList).highlighted
        self.dismiss(ALGORITHMS[index] if index is not None else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
