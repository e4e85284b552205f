"""Headlines without site names, outlets from publisher metadata, repaired feed titles (issue 14, item 4)."""

from __future__ import annotations

import re

import pytest

from digest.brief.feeds import parse_feed
from digest.sanitize import repair_mojibake
from digest.stages.ingest import parse_html
from digest.stages.titles import clean_title, page_metadata
from tests.aeb_pages import pages

WSVN = "WSVN 7News | Miami News, Weather, Sports | Fort Lauderdale"
BODY = (
    "<p>The driver of a pickup truck died after a crash with a bus on Monday morning, police said, "
    "and two passengers of the bus were taken to hospital with minor injuries.</p>"
    "<p>Investigators closed the road for six hours while they examined the scene of the crash, "
    "which happened at a junction where residents have long asked for traffic lights.</p>"
    "<p>The county said it would review the junction, the third to see a fatal crash this year.</p>"
)


@pytest.mark.parametrize(
    ("title", "names", "url", "expected"),
    [
        (
            f"Man dies in SW Miami-Dade crash - {WSVN}",
            [WSVN],
            "https://wsvn.com/news/local/crash/",
            "Man dies in SW Miami-Dade crash",
        ),
        (
            f"Man dies in SW Miami-Dade crash - {WSVN}",
            ["WSVN-TV"],
            "https://wsvn.com/news/local/crash/",
            "Man dies in SW Miami-Dade crash",
        ),
        (
            "The Guardian view on Hong Kong: a city on the brink | Editorial | The Guardian",
            ["the Guardian"],
            "https://www.theguardian.com/x",
            "The Guardian view on Hong Kong: a city on the brink",
        ),
        (
            "Opinion | Republicans Are Following Trump to Nowhere",
            ["NYTimes"],
            "https://www.nytimes.com/x",
            "Republicans Are Following Trump to Nowhere",
        ),
        (
            "LinkNaija | Nigeria's popular news platform: Nollywood Actress Is Looking Stunning",
            ["LinkNaija | Nigeria's popular news platform"],
            None,
            "Nollywood Actress Is Looking Stunning",
        ),
        (
            "Black Friday per nostalgici - Remember 80/90 - Memorabilia anni 80/90",
            ["Remember 80/90 - Memorabilia anni 80/90"],
            None,
            "Black Friday per nostalgici",
        ),
        (
            "Bike & Style book with soundtrack review | MoreBikes",
            [],
            "https://www.morebikes.co.uk/7908/",
            "Bike & Style book with soundtrack review",
        ),
        # Nothing to strip: a dash inside the headline, a site name inside it, a headline alone.
        ("Trump - the man and the myth", ["CNN"], "https://www.cnn.com/x", "Trump - the man and the myth"),
        (
            "Star Wars Jedi: Fallen Order review - shoots for the moon - VG247",
            ["VG247"],
            None,
            "Star Wars Jedi: Fallen Order review - shoots for the moon",
        ),
        ("The Guardian view on Hong Kong", ["the Guardian"], None, "The Guardian view on Hong Kong"),
        ("BBC News", ["BBC News"], None, "BBC News"),
    ],
)
def test_site_names_slogans_and_sections_leave_the_title(
    title: str, names: list[str], url: str | None, expected: str
) -> None:
    assert clean_title(title, names, url) == expected


def page(head: str, body: str = BODY) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


def test_a_placeholder_title_gives_way_to_og_title_and_the_outlet_is_og_site_name() -> None:
    html = page(
        '<title>escenic</title><meta property="og:title" content="Bus crash kills driver">'
        '<meta property="og:site_name" content="The Telegraph">',
        f"<h1>Bus crash kills driver</h1>{BODY}",
    )
    doc = parse_html(html, "a.html", "d1")
    assert doc.title == "Bus crash kills driver"
    assert doc.source == "The Telegraph"
    html = page("<title>escenic</title>", f"<h1>Bus crash kills the driver of a pickup</h1>{BODY}")
    assert parse_html(html, "a.html", "d1").title == "Bus crash kills the driver of a pickup"


def test_the_outlet_is_never_the_title() -> None:
    # No site metadata: trafilatura would name the outlet after the title's last part.
    html = page(
        "<title>Doctors offer free flu shots to detained migrants | Warn of epidemic</title>"
        '<link rel="canonical" href="https://www.msn.com/en-us/news/us/doctors/ar-BBX">'
    )
    doc = parse_html(html, "a.html", "d1")
    assert doc.source == "msn.com"
    assert "msn" not in doc.title.lower()
    html = page(
        "<title>Home Depot sales miss, shares plunge | Fox Business</title>"
        '<script type="application/ld+json">{"@type": "NewsArticle", "publisher": '
        '{"@type": "Organization", "name": "Fox Business"}}</script>'
    )
    doc = parse_html(html, "a.html", "d1")
    assert (doc.title, doc.source) == ("Home Depot sales miss, shares plunge", "Fox Business")


def test_a_page_that_starts_with_8_kb_of_style_is_a_whole_page() -> None:
    style = "<style>" + ".a{color:red}\n" * 700 + "</style>"
    assert len(style) > 8192
    html = (
        f"{style}<html><head><title>Bus crash kills driver - Daily A</title>"
        '<meta property="og:site_name" content="Daily A"><meta name="date" content="2024-05-06">'
        f"</head><body><article>{BODY}</article></body></html>"
    )
    doc = parse_html(html, "a.html", "d1")
    assert (doc.title, doc.source, doc.published) == ("Bus crash kills driver", "Daily A", "2024-05-06")
    meta = page_metadata(html)
    assert meta["og:site_name"] == "Daily A"


def atom(title: str, title_type: str, text: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Daily A</title><id>urn:a</id><updated>2024-05-06T08:00:00Z</updated>"
        f'<entry><title type="{title_type}">{title}</title><id>urn:1</id>'
        f'<link href="https://a.example/1"/><updated>2024-05-06T08:00:00Z</updated>'
        f'<content type="html">{text}</content></entry></feed>'
    ).encode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Git Push: Just The&amp;nbsp;Tip", "Git Push: Just The Tip"),
        ("Looking back at 2009&amp;#8217;s best", "Looking back at 2009’s best"),
        ("Tom &amp;amp; Jerry &amp;lt;3", "Tom & Jerry <3"),
    ],
)
def test_html_feed_titles_have_their_entities_decoded(raw: str, expected: str) -> None:
    result = parse_feed(
        atom(raw, "html", "&lt;p&gt;Some text of the entry.&lt;/p&gt;"), "https://a.example/feed"
    )
    assert result.entries[0].title == expected


def test_double_encoded_feed_text_is_repaired() -> None:
    broken = "Banka hesabÄ± aÃ§Ä±ldÄ±, 2009â€™s best"
    result = parse_feed(atom(broken, "text", f"&lt;p&gt;{broken} again.&lt;/p&gt;"), "https://a.example/feed")
    assert result.entries[0].title == "Banka hesabı açıldı, 2009’s best"
    assert result.entries[0].text == "Banka hesabı açıldı, 2009’s best again."
    # Text that only looks odd stays as it is.
    for fine in ("Café naïve — “ok”", "Ålesund og Ærø", "ÂµTorrent", "x" * 10):
        assert repair_mojibake(fine) in (fine, fine.replace("ÂµTorrent", "µTorrent"))


_SEPARATORS = r"\s*(?:[|–—:·»-]|::)\s*"


def test_benchmark_titles_carry_no_site_name() -> None:
    left = []
    for item in pages():
        meta = page_metadata(item.html)
        names = {
            n for n in (item.document.source, meta.get("og:site_name"), *meta.get("publishers", [])) if n
        }
        title = item.document.title
        for name in names:
            if re.search(rf"{_SEPARATORS}{re.escape(name)}$", title, re.I) or re.match(
                rf"^{re.escape(name)}{_SEPARATORS}", title, re.I
            ):
                left.append(f"{item.key[:12]}: {title!r} keeps {name!r}")
        assert title.strip(), item.key
    assert not left, "\n".join(left)
