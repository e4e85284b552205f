"""Hostile feeds through the real `digest brief`: bounded time and memory, reported and skipped.

The loopback server (tests/feedserver.py) serves a feed that never finishes sending, an endless
(100 MB) one, an HTML page, a truncated feed, an entity bomb, an external entity naming a
local file, titles with newlines and escapes, and an entry whose text is one 150,000
character line, next to one good feed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.feedserver import STORM, FeedServer, Item, rss
from tests.hostile.checks import check_output, no_controls

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="resource limits")
SECRET = "TOPSECRET-d1g3st"


def _bomb() -> bytes:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel><title>&a9;</title>'
        "<item><title>Bomb &a9;</title><description>&a9;</description></item></channel></rss>"
    ).encode()


def _xxe(secret: Path) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        '<rss version="2.0"><channel><title>X &xxe;</title><item><title>Entry &xxe;</title>'
        "<link>https://x.example/a</link><description>The storm hit the coast on Monday and thousands "
        "of homes lost power, officials said. &xxe; Repairs will take a week, the utility said."
        "</description></item></channel></rss>"
    ).encode()


NEWLINES = Item(
    "Storm\nElena\r\nfloods \x1b]0;pwned\x07Marlow\x1b[2J",
    "https://n.example/storm",
    "Wind and rain\nbattered the town of Marlow on Monday, officials said. " * 3,
)


def _trickle(stop: threading.Event) -> Callable[[BaseHTTPRequestHandler], None]:
    """Sends a byte now and then, forever (until the server closes)."""

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.end_headers()
        request.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>')
        while not stop.wait(0.1):
            request.wfile.write(b"x")
            request.wfile.flush()

    return answer


def _huge(stop: threading.Event) -> Callable[[BaseHTTPRequestHandler], None]:
    """100 MB without a Content-Length."""

    def answer(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "application/rss+xml")
        request.end_headers()
        request.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>')
        chunk = b"<!--" + b"x" * 65_000 + b"-->"
        for _ in range(100 * 1024 * 1024 // len(chunk)):
            if stop.is_set():
                break
            request.wfile.write(chunk)

    return answer


@pytest.fixture
def hostile(server: FeedServer, tmp_path: Path) -> FeedServer:
    """The loopback server (tests/feedserver.py) with the hostile routes."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    good = rss("Good", [STORM])
    routes = {
        "/good.xml": good,
        "/truncated.xml": good[: len(good) // 2],
        "/bomb.xml": _bomb(),
        "/xxe.xml": _xxe(secret),
        "/longline.xml": rss(
            "Long",
            [
                Item(
                    "One long paragraph",
                    "https://l.example/a",
                    "The storm hit the coast on Monday, officials said. " * 3000,
                )
            ],
        ),
        "/newlines.xml": rss("Line\nbreaks\x1b[31m", [NEWLINES])
        .replace(b"\x1b", b"&#27;")
        .replace(b"\x07", b"&#7;"),
    }
    for path, body in routes.items():
        server.serve(path, body, content_type="application/xml")
    server.serve(
        "/page.xml",
        b"<!DOCTYPE html><html><head><title>Not a feed</title></head><body><p>Hello</p></body></html>",
        content_type="text/html",
    )
    server.serve("/trickle.xml", b"", handler=_trickle(server.stopping))
    server.serve("/huge.xml", b"", handler=_huge(server.stopping))
    return server


def _brief(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """``digest brief ARGS`` in a child process, and that child's own peak memory in MB
    (RUSAGE_CHILDREN would give the largest of every child this test session waited for)."""
    config = tmp_path / "config.toml"
    config.write_text(
        "[fetch]\ntimeout = 0.5\nretries = 1\nbackoff = 0.05\nallow_private = true\n", encoding="utf-8"
    )
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "PYTHONPATH": str(ROOT),
        "DIGEST_CONFIG": str(config),
        "DIGEST_STATE": str(tmp_path / "state.db"),
    }
    command = [sys.executable, "-m", "digest", "brief", *args]
    out, err = tmp_path / "stdout", tmp_path / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    deadline = time.monotonic() + 120
    while (waited := os.wait4(child.pid, os.WNOHANG))[0] == 0:  # wait4: this child's own rusage
        if time.monotonic() > deadline:
            child.kill()
            waited = os.wait4(child.pid, 0)
            break
        time.sleep(0.05)
    _, status, usage = waited
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    result = subprocess.CompletedProcess(
        command, child.returncode, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8")
    )
    return result, usage.ru_maxrss / 1024


@posix_only
def test_hostile_feeds_are_reported_and_skipped(hostile: FeedServer, tmp_path: Path) -> None:
    names = ["good", "trickle", "huge", "page", "truncated", "bomb", "xxe", "newlines", "longline"]
    feeds = [arg for name in names for arg in ("--feed", hostile.url(f"/{name}.xml"))]
    start = time.monotonic()
    result, peak_mb = _brief(tmp_path, *feeds, "-f", "json", "--all")
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stderr
    assert elapsed < 30, elapsed  # the trickle is cut at 3 x the timeout, the huge feed at 5 MB
    assert peak_mb < 800, f"{peak_mb:.0f} MB"
    assert "Traceback" not in result.stderr
    no_controls(result.stderr, "stderr")
    errors = {line for line in result.stderr.splitlines()}
    assert any(hostile.url("/trickle.xml") in line and "too slow" in line for line in errors), errors
    assert any(hostile.url("/huge.xml") in line and "larger than the" in line for line in errors), errors
    assert any(
        hostile.url("/page.xml") in line and "not an RSS, Atom or JSON feed" in line for line in errors
    )
    assert any(hostile.url("/truncated.xml") in line and "malformed feed" in line for line in errors)
    assert (
        "digest: warning: https://l.example/a: a line longer than the 100,000 character limit, skipped"
        in errors
    )
    assert SECRET not in result.stdout and SECRET not in result.stderr  # the entity is not resolved
    assert "lollollol" not in result.stdout  # nor the bomb expanded
    data = json.loads(result.stdout)
    titles = [d["title"] for d in data["documents"]]
    assert "Storm Elena floods Marlow" in titles
    for title in titles:
        assert "\n" not in title and "\x1b" not in title and "pwned" not in title
    assert len(result.stderr.splitlines()) <= len(names) + 2


def test_hostile_feed_in_every_format(hostile: FeedServer, tmp_path: Path) -> None:
    """The feed with newlines and escapes in its titles, through every output format of brief."""
    import io

    from digest.brief.feeds import Fetcher, fetch_feed
    from digest.brief.run import _from_entry
    from digest.brief.userconfig import FetchSettings
    from digest.pipeline import build_from_documents
    from digest.render import RENDERERS, RenderOptions
    from digest.settings import Settings

    settings = FetchSettings(timeout=0.5, retries=0, allow_private=True)
    with Fetcher(settings) as fetcher:
        result = fetch_feed(hostile.url("/newlines.xml"), fetcher, settings)
    assert result.error is None
    import dataclasses

    docs = [dataclasses.replace(_from_entry(e), id=f"d{n}") for n, e in enumerate(result.entries, 1)]
    digest = build_from_documents(docs, Settings(), [], lambda *a: None)
    assert digest.stories[0].title == "Storm Elena floods Marlow"
    for name in ("terminal", "markdown", "text", "json", "html", "email"):
        out = io.StringIO()
        RENDERERS[name](digest, out, RenderOptions(width=100, headers=(("Subject", "Digest"),)))
        check_output(name, out.getvalue(), digest)
        assert "pwned" not in out.getvalue()


def test_line_breaks_in_feed_html_are_spaces() -> None:
    """HTML wrapped at 80 columns (as many feeds send it) keeps its sentences whole."""
    from digest.brief.feeds import html_to_text

    text = html_to_text(
        "<p>The storm hit the coast\non Monday, officials\r\n  said.</p><p>Next<br>line</p>"
        "<pre>kept\n  as is</pre>"
    )
    assert text == "The storm hit the coast on Monday, officials said.\n\nNext\nline\n\nkept\nas is"
