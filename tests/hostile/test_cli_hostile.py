"""The real command under a hostile environment: Ctrl-C, an ASCII-only locale, an output it cannot write.

(A closed pipe, ``digest ... | head``, is tested in tests/cli/test_cli.py.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", "PYTHONPATH": str(ROOT)}
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="signals and locales")
ARTICLE = (
    "Café “Le Chat” reopens — after the storm\n\n"
    "The café “Le Chat” reopened on Monday after the storm flooded its kitchen, the owner said.\n"
    "Customers queued in the rain for the first croissants, the owner’s daughter said on Monday.\n"
)


def _digest(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "digest", *args],
        cwd=ROOT,
        env=env or ENV,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


@posix_only
@pytest.mark.parametrize("blocked", [False, True])
def test_ctrl_c_while_reading_standard_input(tmp_path: Path, blocked: bool) -> None:
    """SIGINT while digest waits for input: one line, exit 130, no traceback, no output file.
    ``blocked``: started by a parent that had SIGINT and SIGTERM blocked and passes the mask on
    (a process at the end of its own digest run, as a test of main() left this suite)."""
    target = tmp_path / "digest.json"

    def block() -> None:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})

    process = _digest(
        "build", "-", "-o", str(target), stdin=subprocess.PIPE, preexec_fn=block if blocked else None
    )
    try:
        time.sleep(1.5)  # started, and blocked reading standard input
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert err.strip() == "digest: interrupted"
    assert out == ""
    assert list(tmp_path.iterdir()) == []


@posix_only
def test_ctrl_c_at_random_points_of_a_build(tmp_path: Path) -> None:
    """SIGINT at several points of a real build: exit 130 or a finished digest, never a partial file."""
    folder = tmp_path / "articles"
    folder.mkdir()
    words = "storm coast power homes rain bridge council river repairs engineers traffic market".split()
    for n in range(120):
        sentences = [
            f"The {words[(n + i) % len(words)]} report number {n} said the "
            f"{words[(n * i) % len(words)]} was hit on Monday, officials said in statement {i}."
            for i in range(8)
        ]
        (folder / f"a{n:03}.txt").write_text(f"Report {n}\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    outcomes = set()
    for n, delay in enumerate((0.7, 1.3, 1.9)):
        target = tmp_path / f"out{n}.json"
        process = _digest("build", str(folder), "-o", str(target), "-q")
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        assert "Traceback" not in err, err
        assert process.returncode in (0, 130), (process.returncode, err)
        if process.returncode == 130:
            assert err.strip() == "digest: interrupted"
            assert not target.exists()
        else:
            json.loads(target.read_text(encoding="utf-8"))  # whole, never partial
        outcomes.add(process.returncode)
        assert not list(tmp_path.glob(".digest-*")), "a temporary file was left behind"
    assert 130 in outcomes


ASCII = {**ENV, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}
ASCII.pop("PYTHONIOENCODING", None)


@posix_only
@pytest.mark.parametrize("fmt", ["terminal", "json"])  # text and markdown write the same way
def test_ascii_only_locale(tmp_path: Path, fmt: str) -> None:
    article = tmp_path / "café-“news”.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    empty = tmp_path / "vide-é.txt"
    empty.write_text("")
    process = _digest("build", str(article), str(empty), "-f", fmt, "--include-text", env=ASCII)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "Traceback" not in err and "UnicodeEncodeError" not in err
    assert err.count("\n") == 1 and "empty file" in err  # the warning, its name escaped
    assert all(ord(c) < 128 for c in out)
    if fmt == "json":
        data = json.loads(out)  # still valid JSON: what ASCII lacks is \uXXXX
        assert data["documents"][0]["title"] == "Café “Le Chat” reopens — after the storm"
    else:
        assert "Caf\\u00e9 \\u201cLe Chat\\u201d reopens" in out


def _read_only_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in, even by root (then a read-only system folder)."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    for candidate in (folder, Path("/sys"), Path("/proc/sys")):
        try:
            fd, name = tempfile.mkstemp(dir=candidate)
        except OSError:
            return candidate
        os.close(fd)
        os.unlink(name)
    pytest.skip("no read-only folder available")


@posix_only
@pytest.mark.parametrize("command", ["build", "brief"])
def test_output_into_a_read_only_folder(tmp_path: Path, command: str) -> None:
    """(A missing folder: tests/cli/test_cli.py and tests/brief/test_brief.py.)"""
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title><item><title>Storm</title>'
        "<link>https://e.example/a</link><description>The storm hit the coast on Monday and thousands "
        "of homes lost power, officials said. Repairs will take a week, the utility said.</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    source = [str(SEEDS)] if command == "build" else ["--feed", str(feed), "--state", str(tmp_path / "s.db")]
    env = {**ENV, "DIGEST_CONFIG": str(tmp_path / "none.toml")}
    try:
        for target in (_read_only_folder(tmp_path) / "digest.json",):
            process = _digest(command, *source, "-o", str(target), "-f", "json", env=env)
            out, err = process.communicate(timeout=120)
            assert process.returncode == 1, err
            assert out == "" and "Traceback" not in err
            assert err.startswith("digest: cannot write") and err.count("\n") == 1, err
            assert not target.exists()
            if command == "brief":
                assert "nothing was recorded" in err
    finally:
        (tmp_path / "read-only").chmod(0o755)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["feed.xml", "read-only"] + (["s.db"] if command == "brief" and (tmp_path / "s.db").exists() else [])
    )
    assert list((tmp_path / "read-only").iterdir()) == []
