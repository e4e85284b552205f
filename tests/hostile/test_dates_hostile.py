"""Hardening, round 2 (issue 15), item 18: entry dates at the ends of the calendar, in every
feed format. The entry is kept and the bad date dropped: before, an Atom or RSS date of
0001-01-01T00:00+14:00 became the year 0 in UTC and was shown as "0-12-31T10:00Z"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TEXT = (
    "The river rose two metres overnight and flooded the lower town, officials said on Monday. "
    "Hundreds of residents left their homes before dawn as the water reached the market square."
)
EARLY, LATE = "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00"


def _rss(date: str) -> str:
    from datetime import datetime
    from email.utils import format_datetime

    try:
        stamp = format_datetime(datetime.fromisoformat(date))
    except (ValueError, OverflowError):
        stamp = date
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Y</title><item><title>Edge</title>'
        f"<link>https://y.example/a</link><guid>a1</guid><pubDate>{stamp}</pubDate>"
        f"<description>{TEXT}</description></item></channel></rss>"
    )


def _atom(date: str) -> str:
    return (
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Z</title><id>z</id>'
        f"<updated>{date}</updated><entry><title>Edge</title><id>z1</id>"
        '<link href="https://z.example/a"/>'
        f"<updated>{date}</updated><published>{date}</published>"
        f'<content type="text">{TEXT}</content></entry></feed>'
    )


def _json(date: str) -> str:
    return json.dumps(
        {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "J",
            "items": [
                {
                    "id": "1",
                    "url": "https://j.example/a",
                    "title": "Edge",
                    "date_published": date,
                    "content_text": TEXT,
                }
            ],
        }
    )


@pytest.mark.parametrize("date", [EARLY, LATE, "0000-06-01T00:00:00Z", "10000-01-01T00:00:00Z"])
@pytest.mark.parametrize("make", [_rss, _atom, _json], ids=["rss", "atom", "json"])
def test_an_entry_dated_off_the_calendar_is_kept_without_its_date(make, date: str) -> None:
    from datetime import datetime

    from digest.brief.feeds import parse_feed

    result = parse_feed(make(date).encode(), "feed.xml")
    (entry,) = result.entries
    assert entry.title == "Edge"
    if entry.published is not None:  # a date that is kept is a real one
        year = datetime.fromisoformat(entry.published.replace("Z", "+00:00")).year
        assert 1 <= year <= 9999, entry.published


def test_through_brief(tmp_path: Path) -> None:
    """The same, end to end: the entry is in the briefing, no date shown for it."""
    feed = tmp_path / "feed.xml"
    feed.write_text(_atom(EARLY), encoding="utf-8")
    (tmp_path / "config.toml").write_text("[fetch]\ntimeout = 2\nretries = 0\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DIGEST_CONFIG": str(tmp_path / "config.toml")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "digest",
            "brief",
            "--state",
            str(tmp_path / "s.db"),
            "--feed",
            str(feed),
            "-f",
            "json",
            "--dry-run",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (doc,) = json.loads(result.stdout)["documents"]
    assert doc["title"] == "Edge" and doc.get("published") is None, doc
