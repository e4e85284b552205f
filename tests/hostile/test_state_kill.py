"""`digest brief` killed (SIGKILL) at random points, again and again: the state file stays intact.

After every kill: SQLite's integrity check passes, the state opens (not refused, not locked),
every article it holds as seen was in a briefing that was delivered (an output file renamed
into place whole), and an output file is either absent or complete. Each run's feed carries
new articles, so every run has something to record. (Two runs at once, and corrupt, empty
and newer state files are tested in tests/brief/test_state.py.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest.brief.state import State
from tests.conftest import ROOT
from tests.feedserver import FeedServer, Item, rss

RUNS = int(os.environ.get("DIGEST_KILL_RUNS", "8"))
"""Runs, the first measuring, the last finishing; DIGEST_KILL_RUNS=30 for a longer trial."""
SEED = int(os.environ.get("DIGEST_KILL_SEED", "0")) or random.randrange(1, 1_000_000)


TOWNS = [
    "Marlow",
    "Henley",
    "Thame",
    "Witney",
    "Banbury",
    "Bicester",
    "Didcot",
    "Abingdon",
    "Wantage",
    "Wallingford",
    "Goring",
    "Pangbourne",
    "Reading",
    "Newbury",
    "Hungerford",
    "Faringdon",
]
SUBJECTS = [
    "the council",
    "the hospital trust",
    "the rail operator",
    "the water company",
    "the school board",
    "the police",
    "the fire service",
    "the bus company",
    "the library",
    "the football club",
]
EVENTS = [
    "approved a new budget",
    "closed the main road",
    "opened a new ward",
    "cancelled the evening trains",
    "raised its prices",
    "hired forty staff",
    "reported a burst pipe",
    "won the regional cup",
    "moved to a new building",
    "started a public consultation",
]


def _article(rng: random.Random, town: str) -> str:
    """A distinct article: each run's are new, never copies of earlier ones."""
    sentences = [
        f"In {town}, {rng.choice(SUBJECTS)} {rng.choice(EVENTS)} on {day}, officials said after "
        f"{rng.randrange(2, 999)} residents wrote to ask why."
        for day in ("Monday", "Tuesday", "Wednesday", "Thursday")
    ]
    return " ".join(sentences)


def _delivered(outputs: list[Path]) -> set[str]:
    urls = set()
    for path in outputs:
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))  # complete, or this raises
            urls.update(d["url"] for d in data["documents"] if d["url"])
    return urls


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_at_random_points_never_corrupts_or_marks_unseen(server: FeedServer, tmp_path: Path) -> None:
    rng = random.Random(SEED)
    state = tmp_path / "state.db"
    config = tmp_path / "config.toml"
    config.write_text("[fetch]\ntimeout = 5\nretries = 0\nallow_private = true\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT), "DIGEST_CONFIG": str(config)}
    outputs: list[Path] = []
    killed = 0
    duration = 0.0
    for run in range(RUNS + 1):
        items = [
            Item(f"{town} story {run}", f"https://k.example/{run}/{n}", _article(rng, town))
            for n, town in enumerate(rng.sample(TOWNS, 3))
        ]
        feed = server.serve("/feed.xml", rss(f"Feed {run}", items), delay=rng.uniform(0, 0.3))
        target = tmp_path / f"briefing-{run}.json"
        outputs.append(target)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "digest",
                "brief",
                "--feed",
                feed,
                "--state",
                str(state),
                "-o",
                str(target),
                "-f",
                "json",
                "--wait",
                "10",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started = time.monotonic()
        if 0 < run < RUNS:  # the first run measures how long a run takes; the last one finishes
            time.sleep(rng.uniform(0.4, 1.1) * duration)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                killed += 1
        _, err = process.communicate(timeout=60)
        if run == 0:
            assert process.returncode == 0, err
            duration = time.monotonic() - started
        assert "Traceback" not in err, (SEED, err)

        where = f"seed {SEED}, run {run}"
        if state.exists() and state.stat().st_size:
            conn = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",), where
                seen = {url for (url,) in conn.execute("SELECT url FROM articles")}
            finally:
                conn.close()
            with State.open(state, wait=5):  # ours, current, and not left locked
                pass
            assert seen <= _delivered(outputs), (where, seen - _delivered(outputs))
        if run in (0, RUNS):
            assert process.returncode == 0, err
            assert _delivered([target]), where
    assert killed >= (RUNS - 1) // 2, f"{killed} of {RUNS - 1} runs killed before they finished ({SEED})"


def test_new_sentence_of_a_new_article_is_shown_before_it_is_marked_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new article that repeats a story's known sentences and adds one: the update shows the new one.

    It used to be crowded out of the update by sentences shown before, and the article was
    then recorded as seen with its news never shown.
    """
    from typer.testing import CliRunner

    from digest.cli import app as cli
    from tests.feedserver import STORM

    monkeypatch.setenv("DIGEST_CONFIG", str(tmp_path / "none.toml"))
    feed = tmp_path / "feed.xml"
    outputs = []
    for run in range(2):
        text = STORM.text + f" Report {run} was filed by the desk on Monday, editors said."
        item = Item(STORM.title, f"https://k.example/{run}", text)
        feed.write_bytes(rss("Feed", [item]))
        result = CliRunner().invoke(
            cli.app,
            ["brief", "--feed", str(feed), "--state", str(tmp_path / "s.db"), "-f", "json"],
            catch_exceptions=False,
        )
        assert result.exit_code == 0, result.stderr
        outputs.append(json.loads(result.stdout))
    update = outputs[1]["clusters"]
    assert len(update) == 1 and update[0]["update"]
    shown = [s["text"] for s in update[0]["sentences"]]
    assert "Report 1 was filed by the desk on Monday, editors said." in shown
