"""Renderers: untrusted text never becomes live markup or reaches a terminal as escapes."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from markdown_it import MarkdownIt

from digest.models import Digest
from digest.pipeline import build
from digest.render import FORMATS, RenderOptions, get_renderer
from digest.render.markdown import code, escape
from digest.settings import Settings

HOSTILE = {
    "a [bold]title <b>x \x1b[31mred.txt": (
        "[/bold] # Heading <script>alert(1)</script> [link=https://evil.example]x[/link]\n\n"
        "Visit [the site](http://evil.example/a) for more details about the storm, he said.\n"
        "An image ![x](http://evil.example/x.png) was posted online by the storm chasers.\n"
        "<script>alert(1)</script> was found in the storm page, researchers said on Monday.\n"
        "Contact admin@evil.example for details about the storm relief offer today.\n"
        "Go to www.evil.example or https://evil.example/claim now to claim storm relief, it said.\n"
        "Rich markup [bold]storm[/bold] and [link=https://x.example]click[/link] appeared in the storm "
        "message.\n"
        "The storm \x1b[2J\x1b]0;pwned\x07cleared the screen and \x9b31m set the title, they said.\n"
        "| a | b | and `code` and *stars* and _under_ and ~~strike~~ in the storm report.\n"
    ),
    "b.txt": (
        "Storm news\n\n"
        "The storm hit the coast on Monday and thousands of homes lost power, officials said.\n"
        "Repairs to the storm damage will take a week, the utility company said on Tuesday.\n"
    ),
}


@pytest.fixture(scope="module")
def hostile_digest(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("hostile")
    for name, text in HOSTILE.items():
        (folder / name).write_text(text, encoding="utf-8")
    return build([str(folder)], Settings(clusters="1", sentences=20))


def rendered(digest, name: str) -> str:
    out = io.StringIO()
    get_renderer(name)(digest, out, RenderOptions(include_text=True, width=100))
    return out.getvalue()


@pytest.mark.parametrize("name", FORMATS)
def test_no_control_characters_in_any_output(hostile_digest, name: str) -> None:
    text = rendered(hostile_digest, name)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), repr(text)


def test_markdown_has_nothing_live(hostile_digest) -> None:
    text = rendered(hostile_digest, "markdown")
    html = MarkdownIt("gfm-like").enable("linkify").render(text)
    for tag in ("<a ", "<a>", "<img", "<script", "<b>", "<table", "<strong", "<del", "<code>x"):
        assert tag not in html, tag
    # Our own markup only: one h1, then per story an h2 and the emphasised counts line.
    stories = len(hostile_digest.stories)
    assert html.count("<h1>") == 1 and html.count("<h2>") == stories and html.count("<em>") == stories
    assert "[link=https://x.example]" in MarkdownIt("commonmark").render(text).replace("\\", "")


def test_terminal_shows_rich_markup_literally(hostile_digest) -> None:
    text = rendered(hostile_digest, "terminal")
    assert "[bold]storm[/bold]" in text
    assert "[link=https://x.example]click[/link]" in text


def test_json_strict_and_citations_check_out(hostile_digest) -> None:
    data = json.loads(rendered(hostile_digest, "json"))
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert data["clusters"]
    for cluster in data["clusters"]:
        for sentence in cluster["sentences"]:
            for c in sentence["citations"]:
                quoted = texts[c["document"]][c["start"] : c["end"]]
                assert " ".join(quoted.split()) == " ".join(sentence["text"].split())


def test_escape_examples() -> None:
    md = MarkdownIt("gfm-like").enable("linkify")
    for hostile in [
        "[x](http://e.example)",
        "![i](http://e.example/i.png)",
        "<http://e.example>",
        "www.e.example",
        "mail me@e.example",
        "https://e.example/x",
        "<img src=x>",
        "&lt;b&gt;",
        "**bold**",
        "`code`",
    ]:
        html = md.render("- " + escape(hostile))
        assert "<a" not in html and "<img" not in html and "<strong" not in html, (hostile, html)
        assert "<code" not in html, (hostile, html)
    assert md.render(code("a`b`` c.txt")).count("<code>") == 1
    assert "<a" not in md.render(code("https://e.example/x"))


@pytest.fixture(scope="module")
def seeds_digest() -> Digest:
    """The seeds digest, built from the relative path (as README command 1 shows it), at a
    fixed build time: every renderer's output of it is a golden file."""
    import dataclasses
    import os

    from tests.conftest import ROOT, SEEDS

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        digest = build([os.path.relpath(SEEDS, ROOT)], Settings())
    finally:
        os.chdir(here)
    return dataclasses.replace(digest, generated_at="2024-05-06T08:00:00+00:00")


@pytest.mark.parametrize("name", ["terminal", "markdown", "text", "json", "html", "email"])
def test_every_renderer_golden_on_the_seeds(name: str, seeds_digest: Digest, snapshot: Any) -> None:
    """Each format's whole output of the seeds digest, as approved in
    tests/unit/__snapshots__/test_render.ambr (``pytest --snapshot-update``, then review the diff)."""
    headers = (("From", "digest@example.org"), ("To", "me@example.org"), ("Subject", "Digest {count}"))
    out = io.StringIO()
    get_renderer(name)(seeds_digest, out, RenderOptions(color=False, width=100, headers=headers))
    text = out.getvalue()
    if name == "json":  # the folder the inputs were read from: this checkout's own
        text = re.sub(r'"base": "[^"]*"', '"base": "BASE"', text)
    if name == "email":  # the time of sending and the message's own identifiers
        text = re.sub(r"(?m)^(Date|Message-ID): .*$", r"\1: MASKED", text)
        text = re.sub(r"=+\d+==", "BOUNDARY", text)
    assert "\r" not in text or name == "email"
    assert text == snapshot
