"""The widgets of the TUI: story list, summary, source view and the top bar.

Every untrusted string (titles, sentences, article text, paths) reaches textual as
``Content`` built from plain text, never as markup: ``[/bold]`` in a headline shows as typed.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.content import Content
from textual.css.styles import RulesMap
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions, Visual
from textual.widgets import Footer, OptionList, Static
from textual.widgets._footer import FooterKey  # not exported: the keys the footer shows
from textual.widgets.option_list import Option

from digest.models import Digest, Pick, Story
from digest.render.common import SEEN_MARK, markers, source_numbers, source_parts, update_prefix
from digest.sanitize import one_line

MOVE = Binding.Group("Move")
"""Footer group: the up and down keys shown once as "↑↓ Move"."""

MUTED = "$foreground-muted"
"""Counts, dates, paths, old sentences. Not ``$text-muted``: that is "auto 60%", which textual
resolves against the background in CSS but draws as white in inline Content."""
MARKER = "bold $accent"
READ_MARK = "read"
"""After the headline of a story read in this session (one of an earlier briefing: SEEN_MARK)."""
UPDATE = "bold $warning"

# Characters that would move the cursor if printed; sanitize.clean_text removed the others
# when the text was read. Replaced one for one, so citation offsets still index the text.
# Newlines stay: wrap_offsets breaks lines there, so the article keeps its paragraphs.
_UNPRINTABLE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_WORD = re.compile(r"\S+\s*|\s+")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """Word-wrap ``text`` to ``width`` cells; each line is given as (start, end) offsets.

    Lines break at newlines and between words; a word wider than a line is cut. Offsets
    index ``text`` itself, so a citation's line is found without searching.
    """
    width = max(width, 2)
    lines: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split("\n"):
        end_of_paragraph = position + len(paragraph)
        start, used = position, 0
        if not paragraph:
            lines.append((position, position))
        for match in _WORD.finditer(paragraph):
            word = match.group()
            at = position + match.start()
            size = cell_len(word.rstrip())
            if used and used + size > width:
                lines.append((start, at))
                start, used = at, 0
            while size > width:  # a word longer than a line: cut it
                cut, cells = at, 0
                while cut < at + len(word) and cells + cell_len(text[cut]) <= width:
                    cells += cell_len(text[cut])
                    cut += 1
                cut = max(cut, at + 1)
                lines.append((start, cut))
                word, at, start = text[cut : at + len(word)], cut, cut
                size = cell_len(word.rstrip())
            used += cell_len(word)
        if paragraph and start < end_of_paragraph:
            lines.append((start, end_of_paragraph))
        position = end_of_paragraph + 1
    return lines or [(0, 0)]


class Hanging(Visual):
    """Content with a prefix on its first line and continuation lines indented under the text:

    1 15 Royal Navy sailors captured at gunpoint by
      Iranian guards  10 sources · 10 articles
    """

    def __init__(self, prefix: Content, body: Content) -> None:
        self.prefix = prefix
        self.body = body
        self.plain = prefix.plain + body.plain
        """The text shown, for tests and searching."""

    def render_strips(
        self, width: int, height: int | None, style: VisualStyle, options: RenderOptions
    ) -> list[Strip]:
        indent = min(self.prefix.cell_length, max(width - 10, 0))
        lines = self.body.render_strips(max(width - indent, 1), None, style, options)
        if indent:
            first = self.prefix.render_strips(indent, 1, style, options)[0].crop_extend(0, indent, None)
            blank = Strip.blank(indent, style.rich_style)
            lines = [Strip.join([first if n == 0 else blank, line]) for n, line in enumerate(lines)]
        return lines if height is None else lines[:height]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        indent = self.prefix.cell_length
        return indent + self.body.get_optimal_width(rules, max(container_width - indent, 1))

    def get_height(self, rules: RulesMap, width: int) -> int:
        indent = min(self.prefix.cell_length, max(width - 10, 0))
        return self.body.get_height(rules, max(width - indent, 1))


class TopBar(Static):
    """One line at the top: what is shown, how it was built, and progress."""

    DEFAULT_CSS = """
    TopBar {
        height: 1; background: $panel; color: $text; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    @staticmethod
    def text(*parts: str | tuple[str, str]) -> Content:
        """Plain-text parts separated by dots; a (text, style) pair is styled."""
        pieces: list[str | tuple[str, str]] = [("digest", "bold")]
        for part in parts:
            pieces.append(("  ·  ", MUTED))
            pieces.append(part if isinstance(part, tuple) else one_line(part))
        return Content.assemble(*pieces)

    def show(self, *parts: str | tuple[str, str]) -> None:
        """Show plain-text parts separated by dots; a (text, style) pair is styled."""
        self.update(self.text(*parts))


class KeysFooter(Footer):
    """The footer, whose keys lose their words, from the last, when they do not all fit in the
    width: every key still shows, and the help, quit and back keys keep their words."""

    KEEP = frozenset({"help", "quit", "back", "close", "cancel"})
    """Actions whose keys keep their words."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._words: weakref.WeakKeyDictionary[FooterKey, str] = weakref.WeakKeyDictionary()

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self._fit)

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        keys = [key for key in self.query(FooterKey) if key.action not in self.KEEP]
        for key in keys:
            self._words.setdefault(key, key.description)
        # The width with every word: what is drawn now, plus the words taken away.
        width = sum(child.outer_size.width + child.styles.margin.width for child in self.children)
        width += sum(
            1 + cell_len(self._words[key]) for key in keys if not key.description and self._words[key]
        )
        keep = set(keys)
        for key in reversed(keys):  # the words of the last keys go first
            if width <= self.size.width:
                break
            if self._words[key]:
                keep.discard(key)
                width -= 1 + cell_len(self._words[key])
        for key in keys:
            words = self._words[key] if key in keep else ""
            if key.description != words:
                key.description = words
                key.refresh(layout=True)


class NavList(OptionList):
    """An option list that moves with the arrows, j/k and g/G, and never reads markup."""

    BINDINGS = [
        Binding("up", "cursor_up", "Up", group=MOVE),
        Binding("down", "cursor_down", "Down", group=MOVE),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("g", "first", "First", show=False),
        Binding("G", "last", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 (textual's name)
        super().__init__(markup=False, id=id)


class StoryList(NavList):
    """The stories of the digest: headline, number of sources and of articles."""

    BINDINGS = [Binding("enter", "select", "Read")]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a story."""

        index: int

    @dataclass
    class Selected(Message):
        """A story was chosen (enter or click)."""

        index: int

    def show(self, digest: Digest, highlight: int = 0, read: set[str] | frozenset[str] = frozenset()) -> None:
        """List the stories of ``digest`` (those whose ids are in ``read`` as read) and put the
        cursor on story ``highlight``."""
        self.set_options(
            [Option(self.prompt(n, story, story.id in read)) for n, story in enumerate(digest.stories, 1)]
        )
        if digest.stories:
            self.highlighted = min(max(highlight, 0), len(digest.stories) - 1)

    def mark(self, index: int, story: Story, read: bool) -> None:
        """Show the story at ``index`` as read or unread."""
        self.replace_option_prompt_at_index(index, self.prompt(index + 1, story, read))

    @staticmethod
    def prompt(number: int, story: Story, read: bool = False) -> Hanging:
        """A story's entry: its number, headline (bold until it is read) and counts."""
        articles = len(story.documents)
        counts = (
            f"{story.sources} {'source' if story.sources == 1 else 'sources'} · "
            f"{articles} {'article' if articles == 1 else 'articles'}"
        )
        mark = f"{SEEN_MARK} · " if not story.new else (f"{READ_MARK} · " if read else "")
        return Hanging(
            Content.styled(f"{number:>2} ", MUTED),
            Content.assemble(
                (update_prefix(story), UPDATE),
                (one_line(story.title) or "(untitled)", "" if read else "bold"),
                "  ",
                (mark, MUTED),
                (counts, MUTED),
            ),
        )

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(event.option_index))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Selected(event.option_index))


@dataclass(frozen=True)
class Entry:
    """A line of the summary: a sentence (with its index) or a source (with its document id)."""

    sentence: int | None = None
    """Index in ``Story.sentences``."""
    document: str | None = None
    """Id of a source document."""


class SummaryList(NavList):
    """The selected story's summary: sentences with their [n] markers, then its sources."""

    BINDINGS = [Binding("enter", "select", "Source")]

    @dataclass
    class Highlighted(Message):
        """The cursor moved to a sentence or a source."""

        entry: Entry

    @dataclass
    class Selected(Message):
        """A sentence or a source was chosen (enter or click): show it in its article."""

        entry: Entry

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.entries: list[Entry | None] = []
        """What each option stands for; None for the separator and heading."""

    def show(self, digest: Digest, story: Story) -> None:
        """Show the summary of ``story``, cursor on its first sentence."""
        numbers = source_numbers(story)
        options: list[Option | None] = []
        self.entries = []
        for k, pick in enumerate(story.sentences):
            options.append(Option(self.sentence_prompt(pick, numbers, story)))
            self.entries.append(Entry(sentence=k))
        options += [None, Option(Content.styled("Sources", "bold"), disabled=True)]
        self.entries += [None, None]
        for doc_id, n in numbers.items():
            parts = source_parts(digest.document(doc_id), digest, numbers)
            options.append(
                Option(
                    Hanging(
                        Content.styled(f"[{n}] ", MARKER),
                        Content.assemble(parts[0], (" — " + " — ".join(parts[1:]), MUTED)),
                    )
                )
            )
            self.entries.append(Entry(document=doc_id))
        # The separator is not an option: entries must line up with option indexes.
        self.entries = [e for e, o in zip(self.entries, options, strict=True) if o is not None]
        self.set_options(options)
        self.highlighted = 0 if story.sentences else None
        self.scroll_home(animate=False)

    @staticmethod
    def sentence_prompt(pick: Pick, numbers: dict[str, int], story: Story) -> Hanging:
        """A sentence followed by the [n] markers of the sources that carry it."""
        refs = "".join(f"[{n}]" for n in markers(story, numbers, pick.candidate.citations))
        text = Content.assemble(
            (one_line(pick.candidate.text), "" if pick.new else MUTED),
            " ",
            (refs, MARKER),
            ("" if pick.new else f" {SEEN_MARK}", MUTED),
        )
        return Hanging(Content.styled("• ", MUTED), text)

    @property
    def entry(self) -> Entry | None:
        """What the cursor is on."""
        if self.highlighted is None or self.highlighted >= len(self.entries):
            return None
        return self.entries[self.highlighted]

    def select_sentence(self, index: int) -> None:
        """Put the cursor on sentence ``index``."""
        for n, entry in enumerate(self.entries):
            if entry is not None and entry.sentence == index:
                self.highlighted = n
                return

    def select_document(self, doc_id: str) -> None:
        """Put the cursor on the source ``doc_id``."""
        for n, entry in enumerate(self.entries):
            if entry is not None and entry.document == doc_id:
                self.highlighted = n
                return

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self.entry is not None:
            self.post_message(self.Highlighted(self.entry))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self.entry is not None:
            self.post_message(self.Selected(self.entry))


class SourceView(ScrollView, can_focus=True):
    """An article's text, word-wrapped, with cited sentences highlighted.

    The text is laid out here rather than in a Static so that the line of a citation is
    known exactly: its offsets index the text, and each wrapped line keeps its offsets.
    """

    COMPONENT_CLASSES = {"source-view--cited", "source-view--also", "source-view--placeholder"}

    DEFAULT_CSS = """
    SourceView { scrollbar-gutter: stable; padding: 0 1; }
    SourceView > .source-view--cited { background: $warning 35%; text-style: bold; }
    SourceView > .source-view--also { text-style: underline; }
    SourceView > .source-view--placeholder { color: $text-muted; text-style: italic; }
    """

    BINDINGS = [
        Binding("k", "scroll_up", "Up", show=False),
        Binding("j", "scroll_down", "Down", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
        Binding("space,f", "page_down", "Page down", show=False),
        Binding("b", "page_up", "Page up", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.text = ""
        """The text shown (control characters blanked, offsets unchanged)."""
        self.cited: tuple[int, int] | None = None
        """Offsets of the highlighted sentence."""
        self.also: tuple[tuple[int, int], ...] = ()
        """Offsets of other sentences of the story, marked more lightly."""
        self.placeholder = False
        self.lines: list[tuple[int, int]] = []
        """The wrapped lines, as offsets into ``text``."""
        self._wrapped_at = 0
        self._scroll_to_cited = False

    def show(
        self,
        text: str,
        cited: tuple[int, int] | None = None,
        also: Sequence[tuple[int, int]] = (),
        placeholder: bool = False,
    ) -> None:
        """Show ``text`` scrolled to the ``cited`` span, which is highlighted."""
        self.text = _UNPRINTABLE.sub(" ", text.replace("\r\n", " \n"))
        self.cited = cited
        self.also = tuple(span for span in also if span != cited)
        self.placeholder = placeholder
        self._wrapped_at = 0
        self._scroll_to_cited = True
        self._layout()

    @property
    def cited_text(self) -> str:
        """The highlighted text, or '' when nothing is highlighted."""
        return self.text[self.cited[0] : self.cited[1]] if self.cited else ""

    @property
    def cited_line(self) -> int | None:
        """The wrapped line on which the highlighted sentence starts."""
        if self.cited is None:
            return None
        for n, (start, end) in enumerate(self.lines):
            if start <= self.cited[0] < max(end, start + 1) or start >= self.cited[0]:
                return n
        return len(self.lines) - 1

    def _layout(self) -> None:
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize comes back here
        top = (
            self.lines[int(self.scroll_y)][0]
            if self.lines and not self._scroll_to_cited and int(self.scroll_y) < len(self.lines)
            else None
        )
        if width != self._wrapped_at:
            self.lines = wrap_offsets(self.text, width)
            self._wrapped_at = width
            self.virtual_size = Size(width, len(self.lines))
        if self._scroll_to_cited:
            self._scroll_to_cited = False
            line = self.cited_line
            target = 0 if line is None else max(0, line - self.scrollable_content_region.height // 3)
            # force: the scrollbars are not set up yet on the first layout, and without it
            # scroll_to gives up and a sentence below the first screen stays out of view.
            self.scroll_to(y=target, animate=False, immediate=True, force=True)
        elif top is not None:
            line = next((n for n, (start, end) in enumerate(self.lines) if start >= top), 0)
            self.scroll_to(y=line, animate=False, immediate=True, force=True)
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        self._layout()

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        width = self.scrollable_content_region.width
        number = int(self.scroll_y) + y
        if number >= len(self.lines):
            return Strip.blank(width, base)
        start, end = self.lines[number]
        if self.placeholder:
            style = base + self.get_component_rich_style("source-view--placeholder")
            return Strip([Segment(self.text[start:end], style)]).crop_extend(0, width, base)
        return Strip(self._segments(start, end, base)).crop_extend(0, width, base)

    def _segments(self, start: int, end: int, base: Style) -> list[Segment]:
        spans = [(s, e, "source-view--also") for s, e in self.also]
        if self.cited:
            spans.append((self.cited[0], self.cited[1], "source-view--cited"))
        cuts = sorted({start, end, *(max(start, min(end, x)) for s, e, _ in spans for x in (s, e))})
        segments = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            style = base
            for s, e, name in spans:  # the cited span comes last and wins
                if s <= a < e:
                    style = base + self.get_component_rich_style(name)
            segments.append(Segment(self.text[a:b], style))
        return segments
