"""Helpers for the TUI tests: run Pilot tests, wait for the digest, read the screen, save digests.

Kept out of conftest.py so that test modules import them once, as tests.tui.helpers.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import io
import json
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, ParamSpec

from rich.console import Console
from textual.color import Color
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from digest.serialization import to_dict
from digest.settings import Settings
from digest.tui.app import DigestApp

ROOT = Path(__file__).resolve().parents[2]
GENERATED_AT = "2025-03-14T07:30:00+00:00"
P = ParamSpec("P")


def pilot_test(test: Callable[P, Awaitable[None]]) -> Callable[P, None]:
    """Run an async Pilot test in its own event loop (no pytest-asyncio needed)."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))  # type: ignore[arg-type]

    return run


@contextlib.contextmanager
def _in(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def save_digest(inputs: list[str], path: Path, include_text: bool, cwd: Path = ROOT) -> Path:
    """Build ``inputs`` (relative to ``cwd``) and save the digest as JSON at ``path``."""
    from digest.pipeline import build

    with _in(cwd):
        digest = build(inputs, Settings())
    digest = dataclasses.replace(digest, generated_at=GENERATED_AT)
    text = json.dumps(to_dict(digest, include_text), ensure_ascii=False, indent=1)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text (the SVG snapshot's words, without colours)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system=None,
        record=True,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


def colours(app: Any) -> list[tuple[str, str]]:
    """Every piece of text on the screen with the colour it is drawn in (``#rrggbb``), in order."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return [
        (segment.text, segment.style.color.get_truecolor().hex)
        for segment in console._record_buffer
        if segment.text.strip() and segment.style is not None and segment.style.color is not None
    ]


def brightness(hex_colour: str) -> float:
    """How bright ``#rrggbb`` looks, 0 (black) to 1 (white)."""
    return Color.parse(hex_colour).brightness


async def ready(pilot: Pilot[None]) -> DigestApp:
    """Wait for the build worker, then for the screen to show its result."""
    app = pilot.app
    assert isinstance(app, DigestApp)
    try:
        await app.workers.wait_for_complete()
    except WorkerFailed:
        pass
    for _ in range(100):  # the outcome is a message from the worker thread: let it arrive
        await pilot.pause()
        if not app.main.has_class("-loading") and not app.main.query_one("#summary-pane").loading:
            break
    await pilot.pause()
    return app


HOSTILE_TITLE = "[/bold] Storm [link=https://x]warning[/link] for [red]the coast"
_HOSTILE_BODY = (
    "The storm reached the coast on Monday and forecasters said it would [bold]strengthen[/] "
    "overnight. Residents were told to stay indoors as the storm \x1b[2J passed. "
    "Officials said the storm caused flooding in [link=https://x]three towns[/link] near the coast.\n"
)
HOSTILE_ARTICLES = {
    "a.txt": f"{HOSTILE_TITLE}\x1b]0;pwned\x07\n\n{_HOSTILE_BODY}",
    "b.txt": f"Storm [/] hits the coast\n\n{_HOSTILE_BODY}Another storm line said the storm moved north.\n",
}
"""Two articles whose titles and text hold Rich markup and terminal escapes."""

DATA = Path(__file__).with_name("data")
"""Saved digests the snapshots show, so that they change with the TUI, not with the summarizer."""


def make_data() -> None:
    """Write the saved digests in data/ again (``python -m tests.tui.helpers``)."""
    import tempfile

    DATA.mkdir(exist_ok=True)
    save_digest(["corpus/seeds"], DATA / "seeds.json", include_text=True)
    save_digest(["corpus"], DATA / "corpus.json", include_text=False)  # texts are read again
    with tempfile.TemporaryDirectory() as temp:
        (Path(temp) / "articles").mkdir()
        for name, text in HOSTILE_ARTICLES.items():
            (Path(temp) / "articles" / name).write_text(text, encoding="utf-8")
        save_digest(["articles"], DATA / "hostile.json", include_text=True, cwd=Path(temp))


if __name__ == "__main__":
    make_data()
