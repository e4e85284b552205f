"""Hardening, round 2 (issue 15), item 16: a state file that cannot be written, or is no file.

Before: a full disk or a read-only folder was reported as "the state file is corrupt ... move
it away" (following that advice loses the state); a full disk at the commit, after the
briefing was delivered, was a traceback; a FIFO as the state path hung the run.

The real ``digest brief`` runs in a child process on a local JSON Feed. A full disk is a real
one where the tests may mount (root: a 1 MB tmpfs in a private mount namespace, made with
``unshare -m``) and otherwise a file size limit (RLIMIT_FSIZE: SQLite's writes fail as on a
full disk, with an I/O error); a read-only folder is a read-only bind mount (root, who
ignores modes) or chmod (anyone else).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX file systems, limits and FIFOs")
CONFIG = "[fetch]\ntimeout = 2\nretries = 0\n"


def _feed(tmp_path: Path, count: int) -> Path:
    """A JSON Feed of ``count`` articles of 10 sentences of 40 made-up words (about 3 KB each),
    each a story of its own."""
    import random

    rng = random.Random(count)

    def word() -> str:
        return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))

    items = []
    for n in range(count):
        text = " ".join(" ".join(word() for _ in range(40)).capitalize() + "." for _ in range(10))
        items.append(
            {
                "id": f"item-{n}",
                "url": f"https://news.example/{n}",
                "title": f"Town {n} {word()}",
                "content_text": text,
            }
        )
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Towns", "items": items}),
        encoding="utf-8",
    )
    return feed


def _brief(
    tmp_path: Path, state: Path, *args: str, limit: int | None = None, prefix: list[str] = ()
) -> subprocess.CompletedProcess[str]:
    """``digest brief --state STATE ARGS -f json`` in a child process (with a file size limit)."""
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
        "DIGEST_CONFIG": str(tmp_path / "config.toml"),
    }

    def limited() -> None:
        import resource
        import signal

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG), not kills
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    command = [*prefix, sys.executable, "-m", "digest", "brief", "--state", str(state), "-f", "json", *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        preexec_fn=limited if limit is not None else None,
    )


@functools.cache
def _can_mount() -> bool:
    """Whether this (root) process may mount in a private mount namespace."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


def _namespace(script: str) -> list[str]:
    """A prefix that runs the command after ``script`` (mounts), in a private mount namespace."""
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", f'{script} && exec "$@"', "sh"]


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if not line.startswith("digest: warning:")]
    assert len(lines) == 1, result.stderr
    assert "corrupt" not in lines[0] and "move it away" not in lines[0], lines[0]
    return lines[0]


# ---------------------------------------------------------------- a full disk


Disk = Callable[[Path, Path], tuple[list[str], int | None]]


def _tmpfs(tmp_path: Path, folder: Path) -> tuple[list[str], int | None]:
    if not _can_mount():
        pytest.skip("needs root and unshare -m to mount a small tmpfs")
    script = f"mount -t tmpfs -o size=128k tmpfs {folder} && cp -a {tmp_path}/saved/. {folder}/"
    return _namespace(script), None


def _rlimit(tmp_path: Path, folder: Path) -> tuple[list[str], int | None]:
    shutil.copytree(tmp_path / "saved", folder, dirs_exist_ok=True)
    return [], 80_000  # the state file (60 KB) and SQLite's shared memory (32 KB) fit, not its log


def _new_state(path: Path) -> bytes:
    """A new, empty state file (made by digest.brief.state, as a first run does); its bytes."""
    from digest.brief.state import State

    State.open(path).close()
    return path.read_bytes()


@posix_only
@pytest.mark.parametrize("disk", [_tmpfs, _rlimit], ids=["tmpfs", "rlimit"])
def test_a_full_disk_at_the_commit_is_one_line_after_the_briefing(tmp_path: Path, disk: Disk) -> None:
    """The briefing (20 articles, 60 KB) is delivered; recording it fills the disk (the state
    and its log need 200 KB): exit 1, one line saying it was delivered but not recorded, and
    the next run shows the same."""
    saved, folder = tmp_path / "saved", tmp_path / "disk"
    saved.mkdir()
    folder.mkdir()
    _new_state(saved / "state.db")
    feed = _feed(tmp_path, 20)
    prefix, limit = disk(tmp_path, folder)
    result = _brief(tmp_path, folder / "state.db", "--feed", str(feed), limit=limit, prefix=prefix)
    assert result.returncode == 1, result.stderr
    assert len(json.loads(result.stdout)["documents"]) == 20  # delivered
    line = _one_line(result)
    assert line.startswith(
        f"digest: {folder / 'state.db'}: the briefing was delivered but could not be "
        "recorded in the state file ("
    ), line
    assert line.endswith("); the next briefing shows the same articles again"), line
    assert (
        "database or disk is full; the disk is full: free some space" in line
        or "disk I/O error; a read or write failed: is the disk full or failing?" in line
    ), line
    if not prefix:  # the file is still there: nothing of the run was kept
        again = _brief(tmp_path, folder / "state.db", "--feed", str(feed), "--dry-run")
        assert again.returncode == 0 and len(json.loads(again.stdout)["documents"]) == 20, again.stderr


@posix_only
def test_a_full_disk_at_the_start_is_not_called_corrupt(tmp_path: Path) -> None:
    """No room for SQLite's shared-memory file (32 KB) when the run opens its state: exit 1
    before anything is fetched, and the file is left as it is."""
    state = tmp_path / "state.db"
    feed = _feed(tmp_path, 2)
    before = _new_state(state)
    if _can_mount():
        disk = tmp_path / "disk"
        script = (
            f"mount -t tmpfs -o size=256k tmpfs {disk} && cp {state} {disk}/ && "
            f"(dd if=/dev/zero of={disk / 'fill'} bs=4k 2>/dev/null || true)"
        )
        disk.mkdir()
        where = disk / "state.db"
        result = _brief(tmp_path, where, "--feed", str(feed), prefix=_namespace(script))
    else:
        result = _brief(tmp_path, state, "--feed", str(feed), limit=16_384)
        where = state
    assert result.returncode == 1 and result.stdout == "", result.stderr
    line = _one_line(result)
    assert line.startswith(f"digest: {where}: cannot use the state file ("), line
    assert line.endswith("; it was left as it is"), line
    assert state.read_bytes() == before


# ---------------------------------------------------------------- read-only


def _read_only(tmp_path: Path, folder: Path) -> list[str]:
    """A prefix under which ``folder`` is read-only (a bind mount for root, chmod for others)."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        if not _can_mount():
            pytest.skip("root ignores modes, and cannot mount a read-only folder here")
        return _namespace(f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder}")
    folder.chmod(0o555)
    return []


@posix_only
@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_state_is_one_clear_line(tmp_path: Path, what: str) -> None:
    """A state file in a read-only folder (SQLite cannot make its -wal and -shm files), or a
    read-only state file: exit 1 before anything is fetched, nothing called corrupt."""
    folder = tmp_path / "states"
    folder.mkdir()
    state = folder / "state.db"
    feed = _feed(tmp_path, 2)
    before = _new_state(state)
    try:
        if what == "folder":
            prefix = _read_only(tmp_path, folder)
        elif hasattr(os, "geteuid") and os.geteuid() == 0:
            if not _can_mount():
                pytest.skip("root ignores modes, and cannot mount a read-only file here")
            prefix = _namespace(f"mount --bind {state} {state} && mount -o remount,bind,ro {state}")
        else:
            state.chmod(0o444)
            prefix = []
        result = _brief(tmp_path, state, "--feed", str(feed), prefix=prefix)
    finally:
        folder.chmod(0o755)
        state.chmod(0o644)
    assert result.returncode == 1 and result.stdout == "", result.stderr
    line = _one_line(result)
    assert line.startswith(f"digest: {state}: cannot use the state file ("), line
    assert "must be writable" in line and line.endswith("; it was left as it is"), line
    assert state.read_bytes() == before


# ---------------------------------------------------------------- not a regular file


@posix_only
@pytest.mark.parametrize("kind", ["fifo", "device", "folder"])
def test_a_state_path_that_is_not_a_regular_file_is_refused(tmp_path: Path, kind: str) -> None:
    """A FIFO (before: the run hung, waiting for a writer), /dev/null, a folder: refused at
    once, left alone."""
    if kind == "fifo":
        state = tmp_path / "state.db"
        os.mkfifo(state)
        message = "a FIFO (named pipe)"
    elif kind == "device":
        state = tmp_path / "state.db"
        state.symlink_to(os.devnull)
        message = "a device"
    else:
        state = tmp_path / "states"
        state.mkdir()
        message = "a folder"
    result = _brief(tmp_path, state, "--feed", str(_feed(tmp_path, 1)))
    assert result.returncode == 1 and result.stdout == "", result.stderr
    expected = f"digest: {state}: {message}, not a state file; choose another file with --state"
    assert _one_line(result) == expected
    assert os.path.exists(os.devnull) and not Path(os.devnull).is_file()
    if kind == "folder":
        assert list(state.iterdir()) == []
