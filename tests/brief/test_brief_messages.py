"""What brief and build say around the digest (issue 17): the progress line, the email subject,
--since ages and their time zone, warnings about old entries, the format of an -o file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.feedserver import STORM, Item, rss

Brief = Callable[..., Any]


def test_warnings_about_old_entries_are_given_once(brief: Brief, isolated: Path) -> None:
    teaser = Item("Launch soon", "https://a.example/teaser", "Details to follow")
    empty = Item("Nothing here", "https://a.example/empty", "")
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM, teaser, empty]))
    dry = brief("--feed", str(feed), "-f", "json", "--dry-run")
    assert "1 entry without text skipped" in dry.stderr and "no sentence to quote" in dry.stderr
    first = brief("--feed", str(feed), "-f", "json")  # the dry run recorded nothing: said again
    assert "1 entry without text skipped" in first.stderr
    assert "a.example/teaser: no sentence to quote" in first.stderr
    second = brief("--feed", str(feed), "-f", "json")
    assert second.exit_code == 0, second.stderr
    assert "without text" not in second.stderr and "no sentence to quote" not in second.stderr
    # Another entry without text is news, and said.
    feed.write_bytes(rss("Local", [STORM, teaser, empty, Item("Blank", "https://a.example/blank", "")]))
    third = brief("--feed", str(feed), "-f", "json")
    assert "1 entry without text skipped" in third.stderr and "no sentence to quote" not in third.stderr


def test_a_state_from_before_the_reported_warnings_is_read_and_gains_them(
    brief: Brief, isolated: Path
) -> None:
    import sqlite3

    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM, Item("Nothing here", "https://a.example/empty", "")]))
    assert brief("--feed", str(feed), "-f", "json", "--dry-run").exit_code == 0
    conn = sqlite3.connect(isolated / "state.db")
    conn.execute("DROP TABLE reported")  # as a state file written before it existed
    conn.commit()
    conn.close()
    first = brief("--feed", str(feed), "-f", "json")
    assert first.exit_code == 0 and "1 entry without text skipped" in first.stderr
    second = brief("--feed", str(feed), "-f", "json")
    assert second.exit_code == 0 and "without text" not in second.stderr
