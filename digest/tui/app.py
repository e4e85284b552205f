"""The digest TUI: browse stories, and go from any sentence to its source, highlighted.

The app never computes a digest itself: a worker thread calls ``digest.pipeline.build``,
the same function the CLI calls, and posts the result back as a message.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from digest.models import Digest, Document
from digest.sanitize import visible
from digest.settings import Settings
from digest.tui.loading import (
    BriefingError,
    BriefSource,
    ReadLog,
    SavedDigestError,
    export_markdown,
    folder_lines,
    load_saved,
    open_target,
    rebuild_inputs,
)
from digest.tui.messages import (
    BuildFailed,
    BuildProgressed,
    DigestBuilt,
    MarkFailed,
    OpenRequested,
    ReadRequested,
    RecomputeRequested,
    RefreshRequested,
    ScreenReady,
)
from digest.tui.screens import DigestScreen, HelpScreen

if TYPE_CHECKING:
    from digest.brief.run import Pending


class _Cancelled(Exception):
    """Raised in the worker thread by the progress callback: a newer build superseded this one."""


class DigestApp(App[None]):
    """Stories, summaries with [n] markers, and the cited source of every sentence."""

    CSS_PATH = Path(__file__).with_name("digest.tcss")  # absolute: subclasses elsewhere find it too
    TITLE = "digest"
    ENABLE_COMMAND_PALETTE = False  # every command has its own key, shown in the footer

    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "quit", "Quit"),
        # priority: from the dialogs too, which do not pass keys on to the app
        Binding("ctrl+c", "interrupt", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        inputs: Sequence[str],
        settings: Settings,
        saved_json_path: Path | str | None = None,
        export_dir: Path | None = None,
        quiet: bool = False,
        cache: bool = False,
        brief: BriefSource | None = None,
    ) -> None:
        super().__init__()
        self.inputs = list(inputs)
        """What to build the digest from (paths, folders, '-')."""
        self.settings = settings
        """How to build it; the algorithm changes with ``a``."""
        self.saved_json_path = Path(saved_json_path) if saved_json_path is not None else None
        """A digest saved with ``--format json`` to open instead of building one."""
        self.export_dir = export_dir
        """Where ``e`` writes Markdown; None for the current directory at the time."""
        self.quiet = quiet
        """Say nothing about skipped inputs."""
        self.cache = cache
        """Reuse and keep what builds parse and compute (digest.cache)."""
        self.brief = brief
        """The briefing to show (``digest tui --brief``) instead of building or opening a digest."""
        self.digest: Digest | None = None
        """The digest shown, once there is one."""
        self.failure: str | None = None
        """Why there is no digest, when the build or the saved digest failed."""
        self.failure_usage = True
        """Whether that is the input's fault (the command exits 2), not a file's such as the state (1)."""
        self.main = DigestScreen(self.input_label)
        """The stories-and-summary screen, at the bottom of the stack."""
        self.pending: Pending | None = None
        """The briefing shown, as recording its stories read needs (``digest tui --brief``)."""
        self.read_log = (
            ReadLog(brief.state_path, brief.options.wait, self._mark_failed) if brief is not None else None
        )
        """Writes read marks to the briefing's state; None when there is no state."""
        self._openers: list[subprocess.Popen[bytes]] = []

    @property
    def input_label(self) -> str:
        """What the digest is of, on one line."""
        if self.brief is not None:
            return self.brief.label
        if self.saved_json_path is not None:
            return visible(str(self.saved_json_path))
        shown = " ".join(visible(i) for i in self.inputs[:3])
        return shown + (f" +{len(self.inputs) - 3}" if len(self.inputs) > 3 else "")

    def get_default_screen(self) -> DigestScreen:
        return self.main

    # -- the worker ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="digest")
    def load(self, settings: Settings, rebuild: bool, refresh: bool = False) -> None:
        """Build the digest (or open the saved one) in a thread and post the outcome.

        ``rebuild``: with other settings (another summarizer); ``refresh``: with the same,
        from the feeds or files read again (``r``)."""
        worker = get_current_worker()

        def progress(stage: str, done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.post_message(BuildProgressed(stage, done, total))

        # Deferred: the pipeline brings in sumy, scikit-learn and numpy (about a second), and the
        # first screen must not wait for them.
        from digest.errors import NothingToSummarize
        from digest.pipeline import build

        notes: list[str] = []
        pending = None
        rebuilt = rebuild or refresh
        try:
            if self.brief is not None:
                from digest.tui.loading import load_brief

                if self.read_log is not None:
                    self.read_log.drain()  # the briefing made again sees the marks made so far
                algorithm = settings.algorithm if rebuilt else None  # first: the config file's
                # Another summarizer: the same briefing (its cutoff); r: what brief shows now.
                again = self.pending.again if rebuild and self.pending is not None else None
                digest, notes, pending = load_brief(self.brief, algorithm, progress, again)
            elif self.saved_json_path is not None and not rebuild:
                digest, notes = load_saved(self.saved_json_path, settings.max_bytes)
            else:
                if self.cache:
                    from digest.cache import Cache

                    digest = build(self.inputs, settings, progress, cache=Cache(warn=notes.append))
                else:
                    digest = build(self.inputs, settings, progress)
                notes = notes + _skipped(digest.warnings)
        except _Cancelled:
            return
        except NothingToSummarize as exc:
            if not worker.is_cancelled:
                self.post_message(BuildFailed("Nothing to summarize", str(exc), exc.warnings, rebuilt))
            return
        except SavedDigestError as exc:
            self.post_message(BuildFailed("Cannot open the saved digest", str(exc), (), rebuilt))
            return
        except BriefingError as exc:
            if not worker.is_cancelled:
                self.post_message(BuildFailed("No briefing", str(exc), (), rebuilt, exc.usage))
            return
        if not worker.is_cancelled:
            self.post_message(DigestBuilt(digest, tuple(notes), rebuilt, pending, refresh))

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "digest" and event.state == WorkerState.ERROR:
            error = event.worker.error
            self.post_message(
                BuildFailed("Internal error", f"{type(error).__name__}: {error}", (), self.digest is not None)
            )

    @on(BuildProgressed)
    def _progressed(self, event: BuildProgressed) -> None:
        self.main.show_progress(event.stage, event.done, event.total)

    @on(DigestBuilt)
    def _built(self, event: DigestBuilt) -> None:
        from digest.tui.loading import settings_from

        previous = self.digest
        self.digest = event.digest
        self.pending = event.pending
        self.settings = settings_from(event.digest.settings, self.settings)
        self.main.show_digest(event.digest, event.rebuilt)
        for note in () if self.quiet else event.notes:
            self.notify(note, severity="warning", timeout=8, markup=False)
        if event.refreshed:
            self.notify(refreshed_text(previous, event.digest), markup=False)
        elif event.rebuilt:
            self.notify(f"Recomputed with {self.settings.algorithm}.", markup=False)

    @on(BuildFailed)
    def _failed(self, event: BuildFailed) -> None:
        if event.rebuilt:
            self.main.recompute_failed()
            self.notify(event.message, title=event.title, severity="error", timeout=10, markup=False)
        else:
            self.failure = event.message
            self.failure_usage = event.usage
            self.main.show_failure(event.title, event.message, event.details)

    def on_screen_ready(self, message: ScreenReady) -> None:
        self.load(self.settings, rebuild=False)

    def on_recompute_requested(self, message: RecomputeRequested) -> None:
        self.recompute(message.algorithm)

    def on_refresh_requested(self, message: RefreshRequested) -> None:
        self.refresh_digest()

    def on_read_requested(self, message: ReadRequested) -> None:
        """Keep the marks in the briefing's state (with ``--brief``); elsewhere they last the session."""
        if self.read_log is None or self.pending is None:
            return
        for story in message.stories:
            self.read_log.mark(self.pending, story, message.read)

    def _mark_failed(self, story: str, message: str, read: bool) -> None:
        self.post_message(MarkFailed(story, message, read))  # from the ReadLog's thread

    @on(MarkFailed)
    def _marking_failed(self, event: MarkFailed) -> None:
        self.main.set_read(event.story, not event.read)
        what = "read" if event.read else "unread"
        self.notify(event.message, title=f"Not marked {what}", severity="error", timeout=10, markup=False)

    def refresh_digest(self) -> None:
        """Make the digest again from its feeds (a briefing) or files, in the worker; the place
        in it is kept."""
        if self.digest is None:
            return
        if self.brief is None and self.saved_json_path is not None:
            self.notify(
                "A saved digest is shown: there are no feeds to read again.",
                severity="warning",
                markup=False,
            )
            return
        self.main.show_refreshing()
        self.load(self.settings, rebuild=False, refresh=True)

    def on_open_requested(self, message: OpenRequested) -> None:
        self.open_external(message.document)

    def recompute(self, algorithm: str) -> None:
        """Rebuild the digest with another summarizer, in the worker."""
        if self.digest is None:
            return
        if self.brief is None and self.saved_json_path is not None:
            paths, reason = rebuild_inputs(self.digest)
            if paths is None:
                self.notify(reason, title="Saved digest", severity="warning", timeout=10, markup=False)
                return
            self.inputs = paths
        self.main.show_recomputing(algorithm)
        self.load(dataclasses.replace(self.settings, algorithm=algorithm), rebuild=True)

    # -- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export":
            return self.digest is not None
        return True

    def on_unmount(self) -> None:
        if self.read_log is not None:  # the marks made are written before digest exits
            self.read_log.close(timeout=self.read_log.wait + 5)

    def action_interrupt(self) -> None:
        """Ctrl+C quits, as in other terminal programs (textual's own only says to press ctrl+q);
        with text selected (by the mouse, or in the search box), it copies it instead."""
        focused = self.screen.focused
        selected = focused.selected_text if isinstance(focused, Input) else ""
        selected = selected or self.screen.get_selected_text() or ""
        if selected:
            self.copy_to_clipboard(selected)
        else:
            self.exit()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_export(self) -> None:
        """Write the digest as Markdown to a new file and say where."""
        if self.digest is None:
            self.notify("Nothing to export yet.", severity="warning", markup=False)
            return
        folder = self.export_dir if self.export_dir is not None else Path.cwd()
        try:
            path = export_markdown(self.digest, folder, datetime.now())
        except OSError as exc:
            self.notify(
                f"Cannot write to {visible(str(folder))}: {exc.strerror or exc}",
                title="Export failed",
                severity="error",
                markup=False,
            )
            return
        # A toast is 60 cells wide, at most half the screen, less its padding and border: the
        # folder is broken after a separator rather than in the middle of a name.
        width = max(min(60, self.size.width // 2) - 3, 16)
        lines = [visible(path.name), *folder_lines(path.parent, width - 3)]
        lines[1] = "in " + lines[1]
        self.notify("\n".join(lines), title="Exported as Markdown", timeout=8, markup=False)

    def open_external(self, doc: Document) -> None:
        """Open the document's URL or file with the system opener, never through a shell."""
        roots = None
        if self.saved_json_path is not None:  # its file names are untrusted: only its folders
            roots = [self.digest.base if self.digest is not None else "", str(self.saved_json_path.parent)]
        target = open_target(doc, roots)
        if target is None:
            self.notify(
                f"{visible(doc.origin)} has no web address and is not a file here.",
                severity="warning",
                markup=False,
            )
            return
        opener = shutil.which("xdg-open") or shutil.which("open")
        if opener is None:
            self.notify(
                f"No system opener (xdg-open or open) was found. The article is at {target}",
                severity="warning",
                timeout=10,
                markup=False,
            )
            return
        self._openers = [p for p in self._openers if p.poll() is None]  # reap finished ones
        try:
            self._openers.append(
                subprocess.Popen(
                    [opener, target],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        except OSError as exc:
            self.notify(f"Cannot run {opener}: {exc.strerror or exc}", severity="error", markup=False)
            return
        self.notify(f"Opening {target}", markup=False)


def refreshed_text(previous: Digest | None, digest: Digest) -> str:
    """What reading the feeds or files again brought: the articles new to the view."""
    before = {_where(d) for d in previous.documents} if previous is not None else set()
    arrived = {
        (story.id, where)
        for story in digest.stories
        for where in (_where(digest.document(d)) for d in story.documents)
        if where not in before
    }
    if not arrived:
        return "Refreshed: nothing new."
    n, k = len({where for _, where in arrived}), len({story for story, _ in arrived})
    return (
        f"Refreshed: {n} new {'article' if n == 1 else 'articles'} in {k} {'story' if k == 1 else 'stories'}."
    )


def _where(doc: Document) -> str:
    return doc.url or doc.origin


def _skipped(warnings: Sequence[str]) -> list[str]:
    if not warnings:
        return []
    more = f" (and {len(warnings) - 1} more)" if len(warnings) > 1 else ""
    return [f"Skipped: {warnings[0]}{more}"]


def make_app(
    inputs: Sequence[str],
    settings: Settings,
    saved_json_path: Path | str | None = None,
    export_dir: Path | None = None,
    quiet: bool = False,
    cache: bool = False,
    brief: BriefSource | None = None,
) -> DigestApp:
    """The TUI for ``inputs`` built with ``settings``, or for a digest saved as JSON.

    Args:
        inputs: Paths, folders or '-', as ``digest build`` takes them.
        settings: How to build the digest (algorithm, budget, stories, language).
        saved_json_path: A digest saved with ``--format json`` to open instead.
        export_dir: Where ``e`` writes Markdown; the current directory when None.
        quiet: Say nothing about skipped inputs.
        cache: Reuse and keep what builds parse and compute (``digest tui`` unless --no-cache).
        brief: Show this briefing (``digest tui --brief``): made as ``digest brief --dry-run``
            makes it, the articles' texts with it; ``a`` makes it again with another summarizer.

    Returns:
        The app, not yet running.
    """
    return DigestApp(inputs, settings, saved_json_path, export_dir, quiet, cache, brief)
