"""Renderers: untrusted text never becomes live markup or reaches a terminal as escapes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

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


def test_markdown_golden_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds digest in Markdown, minus its build time, as committed in tests/golden."""
    import os

    from tests.conftest import ROOT, SEEDS

    monkeypatch.chdir(ROOT)
    digest = build([os.path.relpath(SEEDS, ROOT)], Settings())
    text = re.sub(r"built \S+\.", "built TIME.", rendered(digest, "markdown"))
    golden = Path(__file__).resolve().parents[1] / "golden" / "seeds.md"
    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert "\r" not in text
    assert text == golden.read_text(encoding="utf-8"), (
        "update with DIGEST_UPDATE_GOLDEN=1 and review the diff"
    )
