"""Invariants of every rendered digest, whatever the input (the hostile corpus and benchmarks/fuzz.py).

- no control character in any output (tab and newline aside; the terminal may carry its own
  SGR colour codes, nothing else);
- JSON parses strictly (no NaN), holds no control character in any value, and its
  citations check out;
- Markdown, parsed as GFM with autolinks, has no link, image or HTML, and only our headings;
- HTML holds only the elements the renderer writes, no event handler, and links only to http(s);
- email is 7-bit, parses, and its HTML part keeps the HTML invariants.
"""

from __future__ import annotations

import email
import email.policy
import json
import math
import re
from html.parser import HTMLParser
from typing import Any

# C0 controls but tab and newline, DEL, C1 controls, bidi embeddings/overrides/isolates, BOM.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
SGR = re.compile(r"\x1b\[[0-9;]*m")
HTML_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "body",
    "div",
    "h1",
    "h2",
    "p",
    "span",
    "ul",
    "li",
    "ol",
    "a",
    "code",
}


def no_controls(text: str, what: str, color: bool = False) -> None:
    """No control characters (only SGR colour codes when ``color``)."""
    if color:
        text = SGR.sub("", text)
    found = CONTROL.search(text)
    if found is not None:
        around = text[max(0, found.start() - 60) : found.start() + 60]
        raise AssertionError(f"{what}: control character {found.group()!r} at {found.start()}: {around!r}")


def check_json(text: str, digest: Any = None) -> dict[str, Any]:
    """Strict JSON with finite scores and checkable citations (when the text is included)."""
    data = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(f"JSON has {c}")))
    assert data["schema"] == "digest/1"
    _strings_clean(data, "json")  # the values too, not only the escaped text (\u001b)
    texts = {d["id"]: d.get("text") for d in data["documents"]}
    for cluster in data["clusters"]:
        for sentence in cluster["sentences"]:
            assert isinstance(sentence["score"], (int, float)) and math.isfinite(sentence["score"])
            for c in sentence["citations"]:  # every citation: the JSON contract
                t = texts[c["document"]]
                if t is None:
                    continue
                assert 0 <= c["start"] < c["end"] <= len(t)
                assert " ".join(t[c["start"] : c["end"]].split()) == " ".join(sentence["text"].split())
    return data


def _strings_clean(value: Any, where: str) -> None:
    if isinstance(value, str):  # CR may stay in a value, as sanitize.clean_text keeps it (the
        # verbatim text of a file with CR line endings, which citation offsets index)
        no_controls(value.replace("\r", "\n"), where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _strings_clean(item, f"{where}.{key}")
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _strings_clean(item, f"{where}[{n}]")


def check_markdown(text: str, stories: int) -> None:
    """Nothing live: no link, image, HTML, emphasis from the input; our headings only."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("gfm-like").enable("linkify")
    md.linkify.set({"fuzzy_link": False})  # GFM links www., scheme:// and e-mail, not bare domains
    tokens = md.parse(text)
    kinds = set()
    for token in tokens:
        kinds.add(token.type)
        for child in token.children or ():
            kinds.add(child.type)
    live = kinds & {
        "link_open",
        "image",
        "html_inline",
        "html_block",
        "table_open",
        "code_block",
        "fence",
        "blockquote_open",
        "hr",
        "s_open",
        "strong_open",
    }
    assert not live, f"Markdown has live {sorted(live)}"
    headings = [t.tag for t in tokens if t.type == "heading_open"]
    assert headings == ["h1"] + ["h2"] * stories, headings


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def unknown_decl(self, data: str) -> None:
        self.comments.append(data)


def check_html(text: str, stories: int) -> None:
    """Only the renderer's elements and attributes; links only to http(s)."""
    parser = _Elements()
    parser.feed(text)
    parser.close()
    assert not parser.comments, parser.comments
    for tag, attrs in parser.tags:
        assert tag in HTML_TAGS, f"HTML has a <{tag}> element"
        for name, value in attrs:
            assert name in {"style", "href", "value", "lang", "charset", "name", "content"}, f"<{tag} {name}>"
            if name == "href":
                assert value is not None and re.match(r"https?://", value), value
    assert sum(1 for tag, _ in parser.tags if tag == "h2") == stories


def check_email(text: str, stories: int) -> None:
    """7-bit, parses back, one text/plain and one text/html part that keep their invariants."""
    assert all(ord(c) < 128 for c in text), "email is not 7-bit"
    message = email.message_from_string(text, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    for header in ("From", "Subject", "Date"):
        assert message[header] is not None
        no_controls(str(message[header]), f"email {header}")
    plain = message.get_body(("plain",))
    page = message.get_body(("html",))
    assert plain is not None and page is not None
    no_controls(plain.get_content(), "email text/plain")
    html = page.get_content()
    no_controls(html, "email text/html")
    check_html(html, stories)


def check_output(name: str, text: str, digest: Any, color: bool = False) -> None:
    """Every invariant that applies to the output of renderer ``name``."""
    stories = len(digest.stories)
    if name != "email":
        no_controls(text, name, color=color and name == "terminal")
    if name == "json":
        check_json(text, digest)
    elif name in ("markdown", "md"):
        check_markdown(text, stories)
    elif name == "html":
        check_html(text, stories)
    elif name == "email":
        check_email(text, stories)
