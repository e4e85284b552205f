"""Reading feeds (every dialect, untrusted content) and fetching them over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from digest.brief.feeds import (
    USER_AGENT,
    Fetcher,
    FetchError,
    Validators,
    fetch_all,
    fetch_feed,
    html_to_text,
    normalize_url,
    parse_feed,
    read_opml,
)
from digest.brief.userconfig import FetchSettings
from tests.feedserver import FEEDS, STORM, FeedServer, rss

FAST = FetchSettings(timeout=0.5, retries=1, backoff=0.01, allow_private=True)  # loopback server


def read(name: str):  # type: ignore[no-untyped-def]
    return parse_feed((FEEDS / name).read_bytes(), str(FEEDS / name))


def test_rss_091_latin1() -> None:
    feed = read("rss091.xml")
    assert feed.title == "Old Times"
    [entry] = feed.entries
    assert entry.title == "Café owners protest new rules"
    assert entry.text.startswith("Café owners marched")
    assert entry.url == "https://old.example/cafe"
    assert entry.summary_only


def test_rss_10_content_encoded_without_script() -> None:
    [entry] = read("rss1.xml").entries
    assert entry.title == "Bridge reopens after repairs"
    assert entry.text == "The old bridge reopened to traffic on Monday.\n\nRepairs took two years."
    assert "alert" not in entry.text
    assert entry.published == "2024-05-06T09:30Z"
    assert not entry.summary_only


def test_rss_20_html_description() -> None:
    feed = parse_feed(rss("Daily A", [STORM]), "a.xml")
    [entry] = feed.entries
    assert (feed.title, entry.title, entry.url) == ("Daily A", STORM.title, STORM.link)
    assert entry.text == STORM.text
    assert entry.published == "2024-05-06T08:00Z"
    assert entry.source == "Daily A"


def test_atom_html_title_and_summary() -> None:
    feed = read("atom.xml")
    first, second = feed.entries
    assert first.title == "Library opens late"
    assert (
        first.text
        == "The city library will open until midnight from June.\n\nStudents asked for longer hours."
    )
    assert first.published == "2024-05-06T05:15Z"  # converted to UTC
    assert second.summary_only and second.text == "A short teaser."


def test_json_feed_and_unsafe_url_dropped() -> None:
    feed = read("feed.json")
    assert feed.title == "JSON Wire"
    first, second = feed.entries
    assert first.text == "Three new cranes arrived at the harbour.\n\nThey will double its capacity."
    assert first.published == "2024-05-06T06:00Z"
    assert second.url is None  # javascript: is not an article URL
    assert second.text == "A plain text item. It has two sentences."


def test_a_json_feed_that_names_its_version_with_http_is_read() -> None:
    """As real feeds do ("version": "http://jsonfeed.org/version/1"); it was refused."""
    data = json.loads((FEEDS / "feed.json").read_text(encoding="utf-8"))
    data["version"] = "http://jsonfeed.org/version/1"
    feed = parse_feed(json.dumps(data).encode(), "http.json")
    assert feed.title == "JSON Wire" and len(feed.entries) == 2
    data["version"] = "http://example.org/version/1"
    with pytest.raises(FetchError, match="not a JSON feed"):
        parse_feed(json.dumps(data).encode(), "other.json")


def test_malformed_feed_is_an_error() -> None:
    with pytest.raises(FetchError, match="not an RSS, Atom or JSON feed"):
        read("malformed.xml")
    with pytest.raises(FetchError, match="not a valid JSON feed"):
        parse_feed(b"{not json", "x.json")


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>X &xxe;</title><item><title>Entry &xxe;</title>'
        "<description>Text &xxe; here.</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(data, "xxe.xml")
    everything = repr(feed)
    assert "TOPSECRET" not in everything


def test_entity_bomb_does_not_expand() -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 9)
    )
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>&a8;</title><item><title>x</title><description>&a8;</description></item>"
        "</channel></rss>"
    ).encode()
    start = time.monotonic()
    try:
        feed = parse_feed(data, "bomb.xml")
    except FetchError:
        return
    assert time.monotonic() - start < 10
    assert len(repr(feed)) < 100_000  # 10**8 "lol"s were not made


def test_html_to_text_drops_markup_scripts_and_controls() -> None:
    text = html_to_text(
        "<p>One &amp; <b>two</b>.</p><script>evil()</script><style>p{}</style>"
        "<p>Three\x1b[31m red</p><img src=x onerror=alert(1)>"
    )
    assert text == "One & two.\n\nThree red"


def test_normalize_url() -> None:
    assert normalize_url("HTTPS://Example.ORG:443/a?utm_source=x&id=3#frag") == "https://example.org/a?id=3"
    assert normalize_url("http://example.org") == "http://example.org/"


def test_opml_lists_feeds_relative_to_itself(tmp_path: Path) -> None:
    feeds = read_opml(str(FEEDS / "subscriptions.opml"))
    assert feeds == [str(FEEDS / "atom.xml"), str(FEEDS / "feed.json"), "https://remote.example/rss"]
    doctype = tmp_path / "bad.opml"
    doctype.write_text('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "y">]><opml><body/></opml>')
    with pytest.raises(FetchError, match="DOCTYPE"):
        read_opml(str(doctype))


def test_local_file_errors() -> None:
    missing = fetch_feed("/nonexistent/feed.xml", None, FAST)
    assert missing.error and "no such file" in missing.error
    other = fetch_feed("ftp://example.org/feed.xml", None, FAST)
    assert other.error and "only http, https and local files" in other.error


# ------------------------------------------------------------------ over HTTP


def test_conditional_get_and_user_agent(server: FeedServer) -> None:
    url = server.serve("/a.xml", rss("Daily A", [STORM]), etag='"v1"')
    with Fetcher(FAST) as fetcher:
        first = fetch_feed(url, fetcher, FAST)
        assert first.error is None and first.validators == Validators('"v1"', None)
        second = fetch_feed(url, fetcher, FAST, first.validators)
    assert second.not_modified and not second.entries
    headers = server.hits("/a.xml")
    assert headers[0]["user-agent"] == USER_AGENT
    assert "if-none-match" not in headers[0]
    assert headers[1]["if-none-match"] == '"v1"'


def test_retry_after_a_server_error(server: FeedServer) -> None:
    url = server.serve("/flaky.xml", rss("Flaky", [STORM]), fail_first=1)
    slept: list[float] = []
    with Fetcher(FAST, sleep=slept.append) as fetcher:
        result = fetch_feed(url, fetcher, FAST)
    assert result.error is None and len(result.entries) == 1
    assert slept == [FAST.backoff]
    assert len(server.hits("/flaky.xml")) == 2


def test_failures_are_reported_and_others_go_on(server: FeedServer) -> None:
    good = server.serve("/good.xml", rss("Good", [STORM]))
    broken = server.serve("/broken.xml", b"", status=500)
    missing = server.url("/missing.xml")
    slow = server.serve("/slow.xml", rss("Slow", [STORM]), delay=1.5)
    junk = server.serve("/junk.xml", b"<html><body>no feed</body></html>", content_type="text/html")
    start = time.monotonic()
    results = fetch_all([good, broken, missing, slow, junk], FAST, {})
    assert time.monotonic() - start < 6  # concurrent, and the slow one timed out
    assert results[0].error is None and results[0].entries
    assert "HTTP 500 (2 attempts)" in (results[1].error or "")
    assert "HTTP 404" in (results[2].error or "")
    assert "timed out" in (results[3].error or "")
    assert "not an RSS, Atom or JSON feed" in (results[4].error or "")


def test_size_cap(server: FeedServer) -> None:
    url = server.serve("/big.xml", rss("Big", [STORM] * 50))
    small = FetchSettings(timeout=0.5, retries=0, max_bytes=2048, allow_private=True)
    with Fetcher(small) as fetcher:
        result = fetch_feed(url, fetcher, small)
    assert "larger than the 2048 byte limit" in (result.error or "")
