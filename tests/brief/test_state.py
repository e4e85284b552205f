"""The state file: refused when it is not ours, locked against a second run, intact after a kill."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from digest.brief.state import SCHEMA_VERSION, State, StateBusy, StateError
from tests.conftest import ROOT
from tests.feedserver import FAST_FETCH, RATES, STORM, FeedServer, rss


def make_state(path: Path) -> None:
    State.open(path).close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the state file is empty"),
        (b"this is my shopping list\n" * 10, "not an SQLite database"),
        (None, "another application"),
        ("newer", r"written by a newer digest \(state schema 99"),
        ("corrupt", "corrupt"),
    ],
)
def test_unusable_files_are_refused_and_left_alone(tmp_path: Path, content: Any, message: str) -> None:
    path = tmp_path / "state.db"
    if content is None:
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.commit()
        conn.close()
    elif content == "newer":
        make_state(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA user_version = 99")
        conn.close()
    elif content == "corrupt":
        make_state(path)
        data = bytearray(path.read_bytes())
        assert len(data) > 4096
        data[100:] = b"\xde\xad\xbe\xef" * ((len(data) - 100) // 4) + b"\x00" * ((len(data) - 100) % 4)
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(StateError, match=message) as caught:
        State.open(path, wait=0.1)
    assert str(path) in str(caught.value) and "left as it is" in str(caught.value)
    assert path.read_bytes() == before  # never replaced, never repaired


def test_refusal_through_the_command(tmp_path: Path, brief: Any) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(b"")
    feed = tmp_path / "f.xml"
    feed.write_bytes(rss("F", [STORM]))
    result = brief("--feed", str(feed), "--state", str(path))
    assert result.exit_code == 1
    assert "the state file is empty" in result.stderr and result.stdout == ""
    assert path.read_bytes() == b""


def test_new_state_is_tagged_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "state.db"
    make_state(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".digest-state")] == []


def test_a_second_open_waits_then_gives_up(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    holder = State.open(path)
    try:
        start = time.monotonic()
        with pytest.raises(StateBusy, match="another digest brief is running"):
            State.open(path, wait=0.3)
        assert 0.25 < time.monotonic() - start < 5
    finally:
        holder.close()
    State.open(path, wait=0.3).close()  # free again


def test_a_second_open_gets_in_when_the_first_finishes_in_time(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    holder = State.open(path)
    threading.Timer(0.2, holder.close).start()
    State.open(path, wait=5).close()


def _spawn(args: list[str], tmp_path: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DIGEST_CONFIG": str(tmp_path / "config.toml"),
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "digest", "brief", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_two_runs_at_once_and_a_run_killed_midway(tmp_path: Path, server: FeedServer) -> None:
    (tmp_path / "config.toml").write_text(FAST_FETCH.replace("timeout = 0.5", "timeout = 30"))
    state = tmp_path / "state.db"
    gate = threading.Event()
    hung = server.serve("/hung.xml", rss("Hung", [RATES]), gate=gate)
    good = server.serve("/good.xml", rss("Good", [STORM]))
    args = ["--feed", good, "--feed", hung, "--state", str(state), "-f", "json"]

    first = _spawn(args, tmp_path)
    try:
        assert server.routes["/hung.xml"].entered.wait(30), "the first run never fetched"
        # The first run holds the state while it waits for the hung feed: a second one is turned away.
        second = _spawn([*args, "--wait", "0.5"], tmp_path)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1, err
        assert "another digest brief is running with this state file (waited 0.5 s)" in err
        assert out == ""
        # Kill the first one in the middle of its run.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
    gate.set()

    with State.open(state, wait=1) as opened:  # intact, unlocked, and nothing marked seen
        assert opened.last_run() is None
        assert opened.conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
        assert opened.validators() == {}

    third = _spawn(args, tmp_path)
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err
    assert '"title": "Storm Elena floods Marlow"' in out and '"title": "Central bank raises rates"' in out
