"""Plain text where a person reads plain text (issue 14, item 5).

The text/plain part of an email is plain text, with nothing escaped; Markdown escapes only
what would be markup where it stands, so ordinary punctuation reads as typed. That nothing
untrusted ever becomes live markup is tests/hostile/test_escaping.py's to prove.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from digest.pipeline import build
from digest.render import RENDERERS, RenderOptions
from digest.render.markdown import escape
from digest.sanitize import one_line
from digest.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MD = MarkdownIt("gfm-like").enable("linkify")
MD.linkify.set({"fuzzy_link": False})  # as tests/hostile/test_escaping.py parses
LIVE = {
    "link_open",
    "image",
    "html_inline",
    "html_block",
    "code_inline",
    "em_open",
    "strong_open",
    "s_open",
    "table_open",
    "fence",
    "code_block",
    "blockquote_open",
    "hr",
    "heading_open",
    "bullet_list_open",
    "ordered_list_open",
}

PUNCTUATION = (
    "B&Bs",
    "AT&T and P&O",
    "a | b | c",
    "5 * 3 = 15",
    "snake_case_name",
    "a < b > c",
    "C++ and C#",
    "It's 50% off!",
    "x.example.org",
    "Tel: 555-0100",
    "Q&A: (yes)",
    "~5 km",
    "2 + 2",
    "#hashtag",
    '"Stop!" he said.',
    "[sic",
    "rock 'n' roll",
    "1,000.5",
    "x = y; z",
    "e.g. this",
)
"""Ordinary punctuation: nothing here is markup, so nothing is escaped."""

MARKUP = (
    "[x](http://e.example)",
    "![i](http://e.example/i.png)",
    "[ref]: http://e.example",
    "<b>bold</b>",
    "<http://e.example>",
    "&amp; &#60;",
    "**strong**",
    "*em* and _em_",
    "a*b*c",
    "`code`",
    "~~strike~~",
    "# heading",
    "- item",
    "+ item",
    "* item",
    "1. item",
    "2) item",
    "> quote",
    "***",
    "___",
    "a \\*b*",
)
"""Markup where it stands: neutralized, and the reader still sees the text."""

AUTOLINKS = ("http://x", "https://e.example/a?b=1", "mail luke@lukedorny.com", "(//e.example)")
"""What linkify turns into a link: one backslash at the character that starts it."""

OUR_ITEM = [
    "bullet_list_open",
    "list_item_open",
    "paragraph_open",
    "inline",
    "paragraph_close",
    "list_item_close",
    "bullet_list_close",
]


def _reads(line: str) -> tuple[set[str], str]:
    """What is live in our list item "- line" ("structure" when the line changes the blocks:
    a heading, a nested list, a reference definition), and the text a reader sees."""
    tokens = MD.parse("- " + line)
    kinds = {"structure"} if [t.type for t in tokens] != OUR_ITEM else set()
    shown = []
    for token in tokens:
        for child in token.children or ():
            kinds.add(child.type)
            if child.type == "text":
                shown.append(child.content)
    return kinds & (LIVE | {"structure"}), "".join(shown)


@pytest.mark.parametrize("text", PUNCTUATION)
def test_ordinary_punctuation_is_not_escaped(text: str) -> None:
    assert escape(text) == text
    assert _reads(text) == (set(), text)


@pytest.mark.parametrize("text", MARKUP)
def test_markup_is_neutralized(text: str) -> None:
    assert _reads(text) != (set(), text), f"{text!r} is not markup: the case tests nothing"
    assert _reads(escape(text)) == (set(), text)


@pytest.mark.parametrize("text", AUTOLINKS)
def test_autolinks_take_one_backslash(text: str) -> None:
    assert "link_open" in _reads(text)[0], f"{text!r} is not linked: the case tests nothing"
    escaped = escape(text)
    assert escaped.count("\\") == 1 and escaped.replace("\\", "") == text
    assert _reads(escaped) == (set(), text)


def test_www_takes_one_backslash_as_gfm_would_link_it() -> None:
    assert escape("see www.e.example today") == "see www\\.e.example today"
    assert escape("the www.") == "the www."


def test_emphasis_across_title_and_outlet_is_judged_together(articles: Callable[..., Path]) -> None:
    # Each alone has one "*" run, which cannot pair; on the Sources line they would.
    folder = articles(
        {
            "a.html": "<html><head><title>Big ***[news</title>"
            "<meta property='og:site_name' content='[** Daily'></head><body><article>"
            "<p>The storm hit the coast on Monday and thousands of homes lost power.</p>"
            "<p>Repairs to the storm damage will take a week, the utility said.</p>"
            "</article></body></html>"
        }
    )
    out = io.StringIO()
    RENDERERS["markdown"](build([str(folder)], Settings()), out, RenderOptions())
    line = next(line for line in out.getvalue().splitlines() if line.startswith("1. Big"))
    kinds = {c.type for t in MD.parse(line) for c in (t.children or [])}
    assert not kinds & {"strong_open", "em_open", "link_open"}, line
    assert "Big ***[news — [** Daily" in MD.render(line)


def _mail_plain_part(paths: list[str]) -> tuple[str, object]:
    digest = build(paths, Settings())
    out = io.StringIO()
    RENDERERS["email"](digest, out, RenderOptions(headers=(("To", "me@example.org"),)))
    message = email.message_from_string(out.getvalue(), policy=email.policy.default)
    plain = message.get_body(("plain",))
    assert plain is not None and plain.get_content_type() == "text/plain"
    return plain.get_content(), digest


def _check_plain(text: str, digest: object) -> None:
    assert "\\" not in text, re.findall(r".{0,30}\\.{0,30}", text)[:5]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text)
    folded = " ".join(text.split())
    for story in digest.stories:  # type: ignore[attr-defined]
        for pick in story.sentences:  # every quote, word for word (wrapped at 78 columns)
            assert one_line(pick.candidate.text) in folded


def test_the_plain_part_of_a_mail_of_corpus_has_no_backslash_escapes() -> None:
    text, digest = _mail_plain_part([str(CORPUS)])
    assert text.startswith("DIGEST: ") and len(digest.stories) > 5  # type: ignore[attr-defined]
    _check_plain(text, digest)


def test_the_plain_part_of_a_mail_reads_punctuation_as_typed(articles: Callable[..., Path]) -> None:
    folder = articles(
        {
            "a.txt": "Seaside B&Bs fill up\n\n"
            "Seaside B&Bs are full for the summer, owners told luke@lukedorny.com on Monday.\n"
            "Bookings at http://bookings.example/summer rose by a third | owners said.\n"
            "The *best* rooms [sea view] went first, and <b>prices</b> rose 5 * 3 percent.\n",
        }
    )
    text, digest = _mail_plain_part([str(folder)])
    _check_plain(text, digest)
    for typed in (
        "B&Bs",
        "luke@lukedorny.com",
        "http://bookings.example/summer",
        "a third | owners",
        "*best*",
        "[sea view]",
        "<b>prices</b>",
    ):
        assert typed in " ".join(text.split()), typed
