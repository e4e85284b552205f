"""Properties of the Markdown and HTML escaping: random untrusted strings never become live.

Markdown is parsed with markdown-it-py (GFM-like, with autolinks), HTML with html.parser. The
sanitizer's own properties (idempotent, removes every control sequence, keeps printable
text) are in tests/unit/test_sanitize.py.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from digest.models import Candidate, Citation, Digest, Document, Pick, Story
from digest.render import RENDERERS, RenderOptions
from digest.render.html import esc, safe_url
from digest.render.markdown import code, escape
from digest.sanitize import one_line
from tests.hostile.checks import check_output

# GFM's autolinks: www., scheme:// and e-mail addresses. Not bare domains ("news.example"),
# which GFM leaves as text; a mail client that links those does it to the rendered text,
# where no Markdown escape can reach.
MD = MarkdownIt("gfm-like").enable("linkify")
MD.linkify.set({"fuzzy_link": False})
FRAGMENTS = [
    "[",
    "]",
    "(",
    ")",
    "![",
    "](",
    "<",
    ">",
    "&",
    ";",
    "#",
    "##",
    "-",
    "+",
    "*",
    "_",
    "`",
    "```",
    "~",
    "~~",
    "|",
    "\\",
    "!",
    ":",
    "//",
    "@",
    ".",
    "=",
    "1.",
    "2)",
    " ",
    "  ",
    "\n",
    "\t",
    "www.",
    "http://",
    "https://",
    "mailto:",
    "javascript:",
    "e.example",
    "a@b.example",
    "<a href=x>",
    "<img src=x onerror=alert(1)>",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<![CDATA[",
    "&amp;",
    "&#60;",
    "&lt;",
    "&#x3c;",
    "[x]: http://e.example",
    "[link](http://e.example)",
    "![i](http://e.example/i.png)",
    "<http://e.example>",
    "[/bold]",
    "[link=https://x]",
    "//e.example",
    "(//e.example/x)",
    "**x",
    "x**",
    "_x",
    "x_",
    "](",
    "][",
    "[x]: ",
    "\x1b[2J",
    "\x1b]8;;http://e\x07",
    "\x9b",
    "\u202e",
    "\u00a0",
    "é",
    "中",
]
untrusted = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=30).map("".join)
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
    "softbreak",
    "hardbreak",
}


def _inline(prefix: str, text: str) -> tuple[set[str], str]:
    """The token kinds inside our own block, and the text the reader sees."""
    tokens = MD.parse(prefix + text)
    kinds: set[str] = set()
    shown = []
    outer = {"heading_open", "bullet_list_open", "ordered_list_open", "list_item_open", "paragraph_open"}
    seen_outer: list[str] = []
    for token in tokens:
        if token.type in outer:
            seen_outer.append(token.type)
        else:
            kinds.add(token.type)
        for child in token.children or ():
            kinds.add(child.type)
            if child.type == "text":
                shown.append(child.content)
    expected_outer = {
        "- ": ["bullet_list_open", "list_item_open", "paragraph_open"],
        "1. ": ["ordered_list_open", "list_item_open", "paragraph_open"],
        "## 1. ": ["heading_open"],
        "": ["paragraph_open"],
    }[prefix]
    if text:
        assert seen_outer == expected_outer, (prefix + text, seen_outer)
    return kinds, "".join(shown)


@settings(max_examples=300, deadline=None)
@given(untrusted)
def test_markdown_escape_is_inert_and_faithful(text: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped
    for prefix in ("- ", "1. ", "## 1. ", ""):
        kinds, shown = _inline(prefix, escaped)
        assert not kinds & LIVE, (text, escaped, kinds & LIVE)
        # What the reader sees is the text itself (on one line), not something else.
        expected = ("1. " + one_line(text)).strip() if prefix == "## 1. " else one_line(text)
        assert shown == expected, (text, escaped, shown)


@settings(max_examples=200, deadline=None)
@given(untrusted)
def test_markdown_code_span_shows_the_text(text: str) -> None:
    tokens = MD.parse("Path: " + code(text))
    children = tokens[1].children or []
    spans = [c for c in children if c.type == "code_inline"]
    assert [c.type for c in children if c.type not in ("text", "code_inline")] == []
    assert len(spans) == 1
    assert spans[0].content == one_line(text) or (not one_line(text) and spans[0].content.strip() == "")


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.tags.append(("/" + tag, []))

    def handle_data(self, data: str) -> None:
        self.data.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(data)

    def handle_decl(self, decl: str) -> None:
        self.other.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.other.append(data)

    def handle_pi(self, data: str) -> None:
        self.other.append(data)


def _parse(document: str) -> _Parsed:
    parser = _Parsed()
    parser.feed(document)
    parser.close()
    return parser


@settings(max_examples=300, deadline=None)
@given(untrusted)
def test_html_escape_is_inert_and_faithful(text: str) -> None:
    parsed = _parse(f"<p>{esc(text)}</p>")
    assert parsed.tags == [("p", []), ("/p", [])]
    assert not parsed.other
    assert "".join(parsed.data) == one_line(text)
    # Inside an attribute value too.
    parsed = _parse(f'<a title="{esc(text)}">x</a>')
    assert parsed.tags[0] == ("a", [("title", one_line(text))])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        untrusted,
        st.sampled_from(
            [
                "https://e.example/a?b=1&c=2",
                "http://e.example",
                "HTTPS://E.EXAMPLE/x",
                "javascript:alert(1)",
                "//e.example",
                'https://e.example/"onmouseover=alert(1)',
                "data:text/html,x",
            ]
        ),
    ).map(lambda s: s if s.startswith(("http", "HTTP", "java", "data", "//")) else "https://e.example/" + s)
)
def test_only_plain_http_urls_become_links(url: str) -> None:
    safe = safe_url(url)
    if safe is None:
        return
    import html

    parsed = _parse(f'<a href="{html.escape(safe, quote=True)}">x</a>')
    assert parsed.tags[0] == ("a", [("href", url)])
    assert url.lower().startswith(("http://", "https://"))


def _digest(title: str, sentence: str, source: str, origin: str, url: str | None) -> Digest:
    text = f"{title}\n\n{sentence}"
    doc = Document(id="d1", origin=origin, title=title, text=text, source=source or None, url=url)
    start = text.index(sentence) if sentence else 0
    citation = Citation("d1", start, start + max(len(sentence), 1))
    pick = Pick(Candidate(sentence or ".", (citation,), 0.0, (0, 0)), 0.5)
    story = Story(id="c1", title=title, documents=("d1",), sentences=(pick,))
    return Digest(stories=(story,), documents=(doc,), settings={}, generated_at="2024-05-06T08:00:00+00:00")


@settings(max_examples=60, deadline=None)
@given(untrusted, untrusted, untrusted, untrusted, st.one_of(st.none(), untrusted))
def test_every_renderer_keeps_untrusted_fields_inert(
    title: str, sentence: str, source: str, origin: str, url: str | None
) -> None:
    digest = _digest(title, sentence, source, origin, url)
    for name in ("terminal", "markdown", "text", "json", "html", "email"):
        out = io.StringIO()
        RENDERERS[name](digest, out, RenderOptions(width=80, headers=(("Subject", title),)))
        check_output(name, out.getvalue(), digest)
