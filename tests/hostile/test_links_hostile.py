"""Hardening, round 2 (issue 15), item 13: invisible characters in links.

Bidi controls, marks, BOM, zero-width and tag characters make a link read as another address
(``https://bank.example/\u202egpj.exe``) or split it unseen. Feeds already dropped such links;
before, a saved digest's URLs had them removed silently (pointing the link elsewhere), and the
HTML and email renderers made links of any URL given to them that held one (a soft hyphen or
U+2062 also showed unescaped in the source list). Now such a link is dropped where it comes
in, and the renderers refuse it too (``sanitize.plain_url``: every format character, Cf).
"""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest.cli import app as cli
from digest.models import Candidate, Citation, Digest, Document, Pick, Story
from digest.render import RenderOptions, get_renderer
from digest.render.html import safe_url

HIDDEN = {
    "RLO": "\u202e",
    "LRI": "\u2066",
    "PDI": "\u2069",
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "ZWSP": "\u200b",
    "ZWNJ": "\u200c",
    "ZWJ": "\u200d",
    "WJ": "\u2060",
    "invisible times": "\u2062",
    "BOM": "\ufeff",
    "soft hyphen": "\u00ad",
    "tag A": "\U000e0041",
    "Mongolian vowel separator": "\u180e",
    "interlinear annotation": "\ufff9",
    "NBSP": "\u00a0",
    "line separator": "\u2028",
    "surrogate": "\ud800",
    "private use": "\ue000",
    "NEL": "\x85",
}
ARTICLE = (
    "The river rose two metres overnight and flooded the lower town, officials said. "
    "Hundreds of residents left their homes before dawn as the water reached the market. "
    "The mayor said the bridge would stay closed until engineers had inspected it."
)


@pytest.mark.parametrize("name", list(HIDDEN))
def test_a_url_with_an_invisible_character_is_no_link(name: str) -> None:
    from digest.sanitize import plain_url

    for url in (f"https://bank.example/{HIDDEN[name]}gpj.exe", f"https://bank{HIDDEN[name]}.example/a"):
        assert not plain_url(url) and safe_url(url) is None, (name, url)


def test_plain_and_international_urls_stay_links() -> None:
    from digest.sanitize import plain_url

    for url in (
        "https://news.example/a?b=c#d",
        "https://de.wikipedia.org/wiki/Straße",
        "https://ja.wikipedia.org/wiki/東京",
        "https://fa.example/\u0645\u0642\u0627\u0644\u0647",
    ):
        assert plain_url(url) and safe_url(url) == url


def _digest(url: str) -> Digest:
    doc = Document("d1", url, "River rises", ARTICLE, url=url)
    first = ARTICLE.index(".") + 1
    pick = Pick(Candidate(ARTICLE[:first], (Citation("d1", 0, first),), 0.0, (0, 0)), 1.0)
    return Digest((Story("c1", "River rises", ("d1",), (pick,)),), (doc,), {}, "2026-12-03T00:00:00+00:00")


@pytest.mark.parametrize("form", ["html", "email", "markdown", "text", "json"])
@pytest.mark.parametrize("name", ["RLO", "ZWSP", "BOM", "tag A", "soft hyphen", "LRI"])
def test_renderers_make_no_link_of_a_disguised_url(form: str, name: str) -> None:
    """A Document whose URL holds an invisible character (a caller of build_from_documents, a
    plug-in): no href with it, and the character never reaches the output as it is."""
    url = f"https://bank.example/{HIDDEN[name]}gpj.exe"
    out = io.StringIO()
    get_renderer(form)(
        _digest(url),
        out,
        RenderOptions(headers={"To": "a@b.example"}) if form == "email" else RenderOptions(),
    )
    text = out.getvalue()
    if form == "email":  # 7-bit: the parts decoded
        import email
        from email import policy

        message = email.message_from_string(text, policy=policy.default)
        text = "\n".join(
            part.get_content() for part in message.walk() if part.get_content_maintype() == "text"
        )
        assert "bank.example" in text
    if form == "json":  # data, not a link: kept as it is, in strict JSON
        json.loads(text)
        return
    assert 'href="https://bank.example' not in text and "](https://bank.example" not in text
    assert HIDDEN[name] not in text


@pytest.mark.parametrize("name", ["RLO", "ZWSP", "BOM", "tag A"])
def test_an_html_page_whose_own_url_is_disguised(tmp_path: Path, name: str) -> None:
    """An article saved from the web whose canonical link and og:url hold an invisible character:
    the page is decoded and cleaned before it is parsed (the character is gone from digest's
    copy of the page, so its URL is ``news.example/gpj.exe``, shown as it links): never the
    raw character, and the URL a plain one. A guard: this passed before."""
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>River rises</title>"
        f'<link rel="canonical" href="https://news.example/{HIDDEN[name]}gpj.exe">'
        f'<meta property="og:url" content="https://news.example/{HIDDEN[name]}gpj.exe"></head>'
        f"<body><article><h1>River rises</h1><p>{ARTICLE}</p><p>{ARTICLE}</p></article></body></html>",
        encoding="utf-8",
    )
    for form in ("json", "markdown", "text"):
        result = CliRunner().invoke(cli.app, ["build", str(page), "-f", form, "--no-cache"])
        assert result.exit_code == 0, result.stderr
        assert HIDDEN[name] not in result.stdout
        if form == "json":
            from digest.sanitize import plain_url

            url = json.loads(result.stdout)["documents"][0].get("url")
            assert url is None or (plain_url(url) and url.isascii()), url


def test_a_saved_digest_with_a_disguised_url(tmp_path: Path) -> None:
    """A crafted saved digest (read by the TUI and `digest tui FILE.json`): the URL is dropped,
    not silently changed into another address."""
    from digest.serialization import from_dict, to_dict

    data = to_dict(_digest("https://news.example/a"), include_text=True)
    data["documents"][0]["url"] = "https://bank.example/\u200bpay\u202egpj.exe"
    data["documents"][0].pop("path", None)
    loaded = from_dict(json.loads(json.dumps(data)))
    assert loaded.documents[0].url is None
    out = io.StringIO()
    get_renderer("html")(loaded, out, RenderOptions())
    assert not re.search(r'href="https://bank', out.getvalue())
    assert html.escape("bank.example/pay") not in out.getvalue()
