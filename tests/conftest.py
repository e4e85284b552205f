"""Shared fixtures: paths to the sample corpus, a builder for small article folders, the loopback
feed server (tests/feedserver.py) and ``invoke``, the typer app in-process."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parent.parent

# Before any test module copies os.environ for its subprocesses: no test run writes into the
# user's cache (digest.cache); _own_cache below gives each test a cache of its own.
_SESSION_CACHE = tempfile.mkdtemp(prefix="digest-test-cache-")
os.environ["DIGEST_CACHE"] = _SESSION_CACHE
atexit.register(shutil.rmtree, _SESSION_CACHE, True)
CORPUS = ROOT / "corpus"
SEEDS = CORPUS / "seeds"


@pytest.fixture
def articles(tmp_path: Path) -> Callable[..., Path]:
    """Write files {name: text or bytes} into a fresh folder and return it."""

    def make(files: dict[str, str | bytes]) -> Path:
        folder = tmp_path / "articles"
        folder.mkdir(exist_ok=True)
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return folder

    return make


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every test builds with a cache of its own, never the user's (digest.cache)."""
    monkeypatch.setenv("DIGEST_CACHE", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _signals_as_they_were() -> Iterator[None]:
    """A test that runs the CLI's main() in this process (tests/cli/test_cli.py) leaves SIGINT
    and SIGTERM blocked (digest.cli.interrupt.finished) and handled; the children of later
    tests would inherit the blocked mask and never see a Ctrl-C. Restore both after each test."""
    import signal

    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, set()) if hasattr(signal, "pthread_sigmask") else None
    yield
    for number, handler in handlers.items():
        signal.signal(number, handler)
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")


def invoke(*args: str, **kwargs: object) -> Result:
    """``digest ARGS`` through the typer app, in-process (the ``digest PATH`` shorthand lives in
    cli.app.main, which this bypasses)."""
    from digest.cli import app as cli

    return CliRunner().invoke(cli.app, list(args), **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A real HTTP server on 127.0.0.1 (tests/feedserver.py), closed after the test."""
    running = FeedServer()
    try:
        yield running
    finally:
        running.close()
