"""digest brief end to end, in-process, against feeds served on 127.0.0.1 that change between runs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest

from tests.feedserver import (
    FAST_FETCH,
    LAUNCH,
    RATES,
    RATES_B,
    STORM,
    STORM_B,
    STORM_UPDATE,
    FeedServer,
    Item,
    rss,
)

Brief = Callable[..., Any]


def serve_two(server: FeedServer, update: bool = False, etag: bool = True) -> tuple[str, str]:
    items_a = [STORM_UPDATE, STORM, RATES] if update else [STORM, RATES]
    a = server.serve("/a.xml", rss("Daily A", items_a), etag='"a2"' if update else '"a1"' if etag else None)
    b = server.serve("/b.xml", rss("Gazette B", [STORM_B, RATES_B, LAUNCH]), etag='"b1"' if etag else None)
    return a, b


def as_json(result: Any) -> dict[str, Any]:
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def titles(data: dict[str, Any]) -> list[str]:
    return [c["title"] for c in data["clusters"]]


def rows(state: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(state)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_first_run_then_nothing_then_only_the_update(
    server: FeedServer, brief: Brief, isolated: Path
) -> None:
    a, b = serve_two(server)
    first = as_json(brief("--feed", a, "--feed", b, "-f", "json"))
    assert titles(first) == [
        "Storm Elena floods Marlow",
        "Central bank raises rates",
        "Weather satellite launched",
    ]
    assert all(c["new"] and not c["update"] for c in first["clusters"])
    assert all(s["new"] for c in first["clusters"] for s in c["sentences"])

    second = brief("--feed", a, "--feed", b, "-f", "markdown")
    assert second.exit_code == 0
    assert second.stdout.startswith("# Digest\n\nNothing new since ")
    assert "0 new articles, 0 stories shown" in second.stderr
    # Both feeds answered 304 to the conditional GET.
    assert server.hits("/a.xml")[1]["if-none-match"] == '"a1"'
    assert server.hits("/b.xml")[1]["if-none-match"] == '"b1"'

    serve_two(server, update=True)
    third = as_json(brief("--feed", a, "--feed", b, "-f", "json"))
    [story] = third["clusters"]
    assert story["update"] and story["new"]
    assert story["title"] == "Storm Elena floods Marlow"  # the title it was shown under
    texts = [s["text"] for s in story["sentences"]]
    assert texts and all(t in STORM_UPDATE.text for t in texts)
    cited = {c["document"] for s in story["sentences"] for c in s["citations"]}
    urls = {d["id"]: d["url"] for d in third["documents"]}
    assert {urls[d] for d in cited} == {STORM_UPDATE.link}

    update_md = brief("--feed", a, "--feed", b, "-f", "markdown", "--dry-run", "--since", "1h")
    assert "## 1. Storm Elena floods Marlow" in update_md.stdout  # within the last hour: all new again

    fourth = brief("--feed", a, "--feed", b, "-f", "text")
    assert fourth.stdout.startswith("Nothing new since")
    assert rows(isolated / "state.db", "SELECT count(*) FROM runs") == [(4,)]


def test_update_marks_in_every_format(server: FeedServer, brief: Brief) -> None:
    a, b = serve_two(server)
    assert brief("--feed", a, "--feed", b, "-f", "json").exit_code == 0
    serve_two(server, update=True)
    md = brief("--feed", a, "--feed", b, "-f", "markdown", "--dry-run").stdout
    assert "## 1. Update: Storm Elena floods Marlow" in md
    text = brief("--feed", a, "--feed", b, "-f", "text", "--dry-run").stdout
    assert "1. Update: Storm Elena floods Marlow" in text
    terminal = brief("--feed", a, "--feed", b, "-f", "terminal", "--dry-run").stdout
    assert "1. Update: Storm Elena floods Marlow" in terminal
    html = brief("--feed", a, "--feed", b, "-f", "html", "--dry-run").stdout
    assert ">Update</span>Storm Elena floods Marlow</h2>" in html

    everything = as_json(brief("--feed", a, "--feed", b, "-f", "json", "--all", "--dry-run"))
    flags = [(c["title"], c["new"], c["update"]) for c in everything["clusters"]]
    assert flags == [
        ("Storm Elena floods Marlow", True, True),
        ("Central bank raises rates", False, False),
        ("Weather satellite launched", False, False),
    ]
    storm = everything["clusters"][0]["sentences"]
    assert any(s["new"] for s in storm) and any(not s["new"] for s in storm)
    assert not any(s["new"] for c in everything["clusters"][1:] for s in c["sentences"])
    md_all = brief("--feed", a, "--feed", b, "-f", "markdown", "--all", "--dry-run").stdout
    assert "## 2. Central bank raises rates _(seen before)_" in md_all
    assert "_(seen before)_\n" in md_all


def test_a_new_story_in_a_changed_feed(server: FeedServer, brief: Brief) -> None:
    a = server.serve("/a.xml", rss("Daily A", [STORM]))
    assert brief("--feed", a, "-f", "json").exit_code == 0
    server.serve("/a.xml", rss("Daily A", [RATES, STORM]))
    data = as_json(brief("--feed", a, "-f", "json"))
    assert titles(data) == ["Central bank raises rates"]
    assert not data["clusters"][0]["update"]


def test_one_failing_feed_does_not_stop_the_others(server: FeedServer, brief: Brief, isolated: Path) -> None:
    good = server.serve("/a.xml", rss("Daily A", [STORM, RATES]))
    bad = server.serve("/bad.xml", b"", status=500)
    junk = server.serve("/junk.xml", b"<html>not a feed</html>", content_type="text/html")
    slow = server.serve("/slow.xml", rss("Slow", [LAUNCH]), delay=2)
    result = brief("--feed", good, "--feed", bad, "--feed", junk, "--feed", slow, "-f", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["clusters"]) == 2
    assert "timed out after 0.5 s (2 attempts)" in result.stderr
    assert "feed failed:" in result.stderr and "HTTP 500" in result.stderr
    assert "not an RSS, Atom or JSON feed" in result.stderr
    assert "4 feeds, 3 failed" in result.stderr
    errors = dict(rows(isolated / "state.db", "SELECT location, last_error FROM feeds"))
    assert errors[good] is None and "HTTP 500" in errors[bad]


def test_every_feed_failing_is_an_error(server: FeedServer, brief: Brief, isolated: Path) -> None:
    bad = server.serve("/bad.xml", b"", status=500)
    result = brief("--feed", bad, "--feed", str(isolated / "missing.xml"))
    assert result.exit_code == 2
    assert "no feed could be read (2 tried)" in result.stderr


def test_no_feeds_says_where_to_put_them(brief: Brief, isolated: Path) -> None:
    result = brief()
    assert result.exit_code == 2
    assert "no feeds: pass --feed URL" in result.stderr and str(isolated / "config.toml") in result.stderr


def test_feeds_from_the_config_file_and_opml(brief: Brief, isolated: Path, server: FeedServer) -> None:
    a, b = serve_two(server)
    (isolated / "config.toml").write_text(f'feeds = ["{a}", "{b}"]\nformat = "json"\n' + FAST_FETCH)
    data = as_json(brief())
    assert len(data["clusters"]) == 3
    opml = isolated / "subs.opml"
    opml.write_text(f'<opml version="2.0"><body><outline xmlUrl="{a}"/><outline xmlUrl="{b}"/></body></opml>')
    again = as_json(brief("--opml", str(opml), "--all", "--dry-run"))
    assert [c["new"] for c in again["clusters"]] == [False, False, False]


def test_local_feed_files_and_other_dialects(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM, LAUNCH]))
    data = as_json(brief("--feed", str(feed), "-f", "json"))
    assert sorted(titles(data)) == ["Storm Elena floods Marlow", "Weather satellite launched"]
    from tests.feedserver import FEEDS

    more = as_json(
        brief(
            "--feed",
            str(FEEDS / "atom.xml"),
            "--feed",
            str(FEEDS / "feed.json"),
            "--feed",
            str(FEEDS / "rss1.xml"),
            "-f",
            "json",
        )
    )
    assert more["clusters"]


def test_since_a_date_leaves_out_older_articles(brief: Brief, isolated: Path) -> None:
    from datetime import datetime, timedelta

    recent = datetime.now(UTC) - timedelta(hours=2)
    old = datetime(2020, 1, 1, tzinfo=UTC)
    feed = isolated / "dated.xml"
    feed.write_bytes(
        rss(
            "Dated",
            [
                Item(STORM.title, STORM.link, STORM.text, recent),
                Item(RATES.title, RATES.link, RATES.text, old),
            ],
        )
    )
    data = as_json(brief("--feed", str(feed), "-f", "json", "--since", "yesterday"))
    assert titles(data) == ["Storm Elena floods Marlow"]
    assert data["settings"]["since"]
    bad = brief("--feed", str(feed), "--since", "last tuesday")
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_nothing_is_recorded_when_the_output_cannot_be_written(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    failed = brief("--feed", str(feed), "-f", "markdown", "-o", str(isolated / "no" / "such" / "dir.md"))
    assert failed.exit_code == 1
    assert "nothing was recorded" in failed.stderr
    assert rows(isolated / "state.db", "SELECT count(*) FROM articles") == [(0,)]
    assert rows(isolated / "state.db", "SELECT count(*) FROM runs") == [(0,)]
    written = brief("--feed", str(feed), "-f", "markdown", "-o", str(isolated / "out.md"))
    assert written.exit_code == 0
    assert "Storm Elena floods Marlow" in (isolated / "out.md").read_text()
    assert rows(isolated / "state.db", "SELECT count(*) FROM articles") == [(1,)]


def test_dry_run_records_nothing(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    assert "not recorded" in brief("--feed", str(feed), "-f", "json", "--dry-run").stderr
    assert titles(as_json(brief("--feed", str(feed), "-f", "json"))) == ["Storm Elena floods Marlow"]


def test_same_article_under_another_url_is_seen_by_its_text(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    assert brief("--feed", str(feed), "-f", "json").exit_code == 0
    feed.write_bytes(rss("Local", [Item(STORM.title, "https://a.example/storm?moved=1", STORM.text)]))
    assert brief("--feed", str(feed), "-f", "json").stdout.count('"clusters": []') == 1


def test_full_text_fetches_the_article_page(server: FeedServer, brief: Brief) -> None:
    page_url = server.serve(
        "/article.html",
        (
            "<html><head><title>Satellite</title></head><body><nav>Home | News</nav><article>"
            f"<h1>Weather satellite launched</h1><p>{LAUNCH.text}</p></article></body></html>"
        ).encode(),
        content_type="text/html; charset=utf-8",
    )
    teaser = Item(LAUNCH.title, page_url, "A satellite went up.")
    feed = server.serve("/teasers.xml", rss("Teasers", [teaser]))
    data = as_json(brief("--feed", feed, "-f", "json", "--full-text"))
    sentences = [s["text"] for s in data["clusters"][0]["sentences"]]
    assert any("track hurricanes" in s for s in sentences)
    assert data["documents"][0]["text_kind"] == "extracted"
    assert server.hits("/article.html")


def test_hostile_titles_stay_inert(brief: Brief, isolated: Path) -> None:
    evil = Item(
        '<script>alert(1)</script> "q" & [click](javascript:alert(1)) \x1b[31mred',
        "javascript:alert(1)",
        STORM.text,
    )
    feed = isolated / "evil.xml"
    feed.write_bytes(rss("Evil <b>Feed</b>", [evil]))
    html = brief("--feed", str(feed), "-f", "html", "--dry-run").stdout
    assert "<script>" not in html and "<b>" not in html and "\x1b" not in html
    # The feed's title is HTML (feedparser: text/html): its tags are markup, read as text.
    assert "Evil Feed" in html and "&lt;b&gt;" not in html
    assert "&quot;q&quot; &amp; [click](javascript:alert(1)) red" in html
    assert "<a " not in html  # no http(s) URL: no link at all
    md = brief("--feed", str(feed), "-f", "markdown", "--dry-run").stdout
    assert "\x1b" not in md and "\\[click\\]" in md


@pytest.mark.parametrize("args", [["--help"], ["config", "--help"], ["config", "path", "--help"]])
def test_help(brief: Brief, args: list[str]) -> None:
    result = brief(*args[1:], command=args[0]) if args[0] != "--help" else brief("--help")
    assert result.exit_code == 0 and "Usage" in result.stdout
