"""What brief and build say around the digest (issue 17): the progress line, the email subject,
--since ages and their time zone, warnings about old entries, the format of an -o file."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from digest.brief.run import cutoff
from digest.cli.progress import ProgressLine
from digest.models import Digest
from digest.render.email import subject_line
from digest.render.html import since_text
from tests.brief.test_email_html import evil_digest
from tests.conftest import SEEDS, invoke
from tests.feedserver import LAUNCH, STORM, Item, rss

Brief = Callable[..., Any]


def screen(output: str) -> list[str]:
    """The lines a terminal shows for ``output``: "\\r\\x1b[2K" (ProgressLine's) clears the line."""
    lines = [""]
    for part in re.split(r"(\r\x1b\[2K|\n)", output):
        if part == "\r\x1b[2K":
            lines[-1] = ""
        elif part == "\n":
            lines.append("")
        else:
            lines[-1] += part
    return lines


def test_the_progress_line_is_cleared_before_the_briefing(
    brief: Brief, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a terminal: the progress shown on stderr, stdout on the same screen (typer's
    # Result.output holds both, in the order they were written).
    monkeypatch.setattr("digest.cli.brief.ProgressLine", lambda enabled: ProgressLine(True))
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    first = brief("--feed", str(feed), "-f", "text")
    assert first.exit_code == 0, first.stderr
    assert "fetching" in first.stderr  # the progress was shown
    assert screen(first.output)[0].startswith("DIGEST"), first.output
    second = brief("--feed", str(feed), "-f", "text")
    assert screen(second.output)[0].startswith("Nothing new since "), second.output


def test_count_in_the_subject_is_the_number_of_stories() -> None:
    one = evil_digest()
    five = dataclasses.replace(one, stories=one.stories * 5)
    now = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    assert (
        subject_line("Digest for {date} ({count} stories)", five, now)
        == "Digest for Mon 06 May 2024 (5 stories)"
    )
    assert subject_line("{count} new", one, now) == "1 new"


def test_count_in_the_subject_from_the_command_line(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM, LAUNCH]))
    result = brief(
        "--feed", str(feed), "-f", "email", "--to", "me@example.org", "--subject", "({count} stories)"
    )
    assert result.exit_code == 0, result.stderr
    assert email.message_from_string(result.stdout, policy=email.policy.default)["Subject"] == "(2 stories)"


@pytest.mark.parametrize(
    ("since", "age"),
    [
        ("20m", timedelta(minutes=20)),
        ("90 m", timedelta(minutes=90)),
        ("36h", timedelta(hours=36)),
        ("2d", timedelta(days=2)),
        ("1w", timedelta(weeks=1)),
        ("1.5W", timedelta(days=10.5)),
    ],
)
def test_since_an_age_in_minutes_hours_days_or_weeks(since: str, age: timedelta) -> None:
    now = datetime(2024, 5, 6, 8, 0, tzinfo=UTC)
    moment, chosen = cutoff(since, None, now)  # type: ignore[arg-type]  # the state is for last-run only
    assert chosen and moment is not None
    assert datetime.fromisoformat(moment) == now - age


def test_since_minutes_on_the_command_line(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [Item(STORM.title, STORM.link, STORM.text, datetime.now(UTC))]))
    result = brief("--feed", str(feed), "-f", "json", "--since", "20m")
    assert result.exit_code == 0, result.stderr
    bad = brief("--feed", str(feed), "--since", "20s")
    assert bad.exit_code == 2 and "20m" in bad.stderr and "Traceback" not in bad.output


@pytest.fixture
def zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Set the local time zone (TZ) for the test; restored after it."""

    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_nothing_new_since_says_the_time_zone(zone: Callable[[str], None]) -> None:
    quiet = Digest((), (), {"since": "2024-05-01T05:38:00.000000+00:00"}, "2024-05-01T09:00:00+00:00")
    zone("UTC0")
    assert since_text(quiet) == "Nothing new since 2024-05-01 05:38 UTC."
    zone("CET-1CEST,M3.5.0,M10.5.0/3")
    assert since_text(quiet) == "Nothing new since 2024-05-01 07:38 +02:00."
    zone("NST+3:30NDT,M3.2.0,M11.1.0")
    assert since_text(quiet) == "Nothing new since 2024-05-01 03:08 -02:30."
    # --since 0001-01-01T00:00Z: in the local zone, before the year 1; said in UTC, no traceback.
    zone("EST5")
    first = dataclasses.replace(quiet, settings={"since": "0001-01-01T00:00:00.000000+00:00"})
    assert since_text(first) == "Nothing new since 0001-01-01 00:00 UTC."


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


@pytest.mark.parametrize(
    ("suffix", "starts"),
    [
        (".html", "<!DOCTYPE html>"),
        (".htm", "<!DOCTYPE html>"),
        (".json", "{"),
        (".md", "# "),
        (".txt", "DIGEST"),
    ],
)
def test_build_output_suffix_chooses_the_format(tmp_path: Path, suffix: str, starts: str) -> None:
    out = tmp_path / f"digest{suffix}"
    result = invoke("build", str(SEEDS), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(starts)


def test_build_format_html(tmp_path: Path) -> None:
    result = invoke("build", str(SEEDS), "--format", "html", "-q")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>") and "</html>" in result.stdout
    out = tmp_path / "digest.out"  # an unknown suffix: markdown, as before
    assert invoke("build", str(SEEDS), "-o", str(out), "-q").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("# Digest")


def test_brief_output_suffix_chooses_the_format(brief: Brief, isolated: Path) -> None:
    feed = isolated / "local.xml"
    feed.write_bytes(rss("Local", [STORM]))
    (isolated / "config.toml").write_text(
        (isolated / "config.toml").read_text(encoding="utf-8").replace("[fetch]", 'format = "text"\n[fetch]'),
        encoding="utf-8",
    )
    out = isolated / "brief.html"
    result = brief("--feed", str(feed), "-o", str(out), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    # Without a known suffix, the config file's format.
    other = isolated / "brief.out"
    assert brief("--feed", str(feed), "-o", str(other), "--dry-run").exit_code == 0
    assert other.read_text(encoding="utf-8").startswith("DIGEST")


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
