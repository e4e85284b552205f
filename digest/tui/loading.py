"""What the TUI does around a Digest besides showing it: open saved digests, locate and export.

Plain Python, no textual: the worker threads call these, and tests call them directly.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from digest.models import Citation, Digest, Document
from digest.sanitize import one_line, visible
from digest.settings import ALGORITHMS, Settings

if TYPE_CHECKING:
    from digest.brief.run import BriefOptions, Pending
    from digest.brief.state import Receipt
    from digest.brief.userconfig import UserConfig
    from digest.pipeline import Progress


class SavedDigestError(Exception):
    """A saved digest that cannot be opened; the message is one line for the user."""


class BriefingError(Exception):
    """A briefing that cannot be made (no feeds, none readable, the state unusable); one line."""

    def __init__(self, message: str, usage: bool) -> None:
        super().__init__(message)
        self.usage = usage
        """True for what the command line or config asks (digest brief exits 2 then), False for
        a state file that cannot be used (exit 1)."""


@dataclasses.dataclass(frozen=True)
class BriefSource:
    """What ``digest tui --brief`` shows: the briefing ``digest brief`` would make."""

    config: UserConfig
    """The config file, with the command line's summary options over it."""
    options: BriefOptions
    """--feed, --opml, --since, --all, --full-text, --wait (always run as --dry-run)."""
    state_path: Path
    """The state file: what was seen, and every article's text."""

    @property
    def label(self) -> str:
        """What the briefing is of, on one line."""
        feeds = [*self.options.feeds, *self.options.opml] or [*self.config.feeds, *self.config.opml]
        shown = " ".join(visible(f) for f in feeds[:3]) + (f" +{len(feeds) - 3}" if len(feeds) > 3 else "")
        return f"briefing: {shown}" if shown else "briefing"


def load_brief(
    source: BriefSource, algorithm: str | None, progress: Progress, cutoff: str | None = None
) -> tuple[Digest, list[str], Pending | None]:
    """The briefing of ``source``, made as ``digest brief --dry-run`` makes it: the state is read
    (what was seen, and the text of the articles seen recently) but nothing is recorded.

    Every document of the digest carries its text (fetched now, or kept in the state), so a
    sentence opens in its article without the network.

    Args:
        source: The config, options and state file.
        algorithm: Another summarizer than the config's (``a``), or None.
        progress: Called as the briefing goes; may raise to stop it.
        cutoff: Make the briefing again with this cutoff (``Pending.again``: ``a`` shows the
            same stories, those read since included), not ``--since``'s.

    Returns:
        The digest, notes for the user (failed feeds, skipped entries), and what recording its
        stories as read needs (``ReadLog``).

    Raises:
        BriefingError: no feeds, none readable, a bad --since, or the state unusable.
    """
    import sqlite3

    from digest.brief.run import BriefError, run
    from digest.brief.state import StateError, sqlite_problem

    config = (
        source.config
        if algorithm is None
        else dataclasses.replace(
            source.config, settings=dataclasses.replace(source.config.settings, algorithm=algorithm)
        )
    )
    options = dataclasses.replace(source.options, dry_run=True, output_format="tui", cutoff=cutoff)
    delivered: list[Digest] = []
    try:
        try:
            outcome = run(config, options, source.state_path, delivered.append, progress)
        except sqlite3.Error as exc:  # reading the state failed midway
            raise sqlite_problem(source.state_path, exc) from None
    except BriefError as exc:
        raise BriefingError(one_line(str(exc)), usage=True) from None
    except StateError as exc:
        raise BriefingError(one_line(str(exc)), usage=False) from None
    notes = []
    if outcome.warnings:
        more = f" (and {len(outcome.warnings) - 1} more)" if len(outcome.warnings) > 1 else ""
        notes.append(f"{one_line(outcome.warnings[0])}{more}")
    return delivered[0], notes, outcome.pending


def load_saved(path: Path, max_bytes: int) -> tuple[Digest, list[str]]:
    """Read a digest saved with ``--format json``, re-reading article texts it left out.

    A digest saved without ``--include-text`` holds no article text, which the source view
    needs: each such document is read again from its path, as ``digest build`` read it.

    Returns:
        The digest, and notes for the user (articles that could not be read again).

    Raises:
        SavedDigestError: when the file cannot be read or is not a digest/1 digest.
    """
    from digest.serialization import SchemaError, from_dict

    name = visible(str(path))
    from digest.files import NotARegularFile, ReadFailed, TooLarge, read_capped

    try:
        data = read_capped(path, max_bytes)
    except OSError as exc:
        raise SavedDigestError(f"{name}: cannot read ({exc.strerror or exc})") from None
    except NotARegularFile:
        raise SavedDigestError(f"{name}: not a regular file") from None
    except ReadFailed as exc:
        raise SavedDigestError(f"{name}: cannot read ({exc})") from None
    except TooLarge:
        raise SavedDigestError(f"{name}: larger than {max_bytes // (1024 * 1024)} MB") from None
    try:
        digest = from_dict(json.loads(data))
    except (UnicodeDecodeError, ValueError) as exc:
        if isinstance(exc, SchemaError):
            raise SavedDigestError(f"{name}: not a saved digest: {exc}") from None
        raise SavedDigestError(f"{name}: not a saved digest: invalid JSON") from None
    documents, missing = [], 0
    for doc in digest.documents:
        doc = _relocated(doc, [Path(digest.base)] if digest.base else [], path.parent)
        if not doc.text:
            text = reread(doc, max_bytes)
            if text is None:
                missing += 1
            else:
                doc = dataclasses.replace(doc, text=text)
        documents.append(doc)
    notes = []
    if missing:
        notes.append(
            f"{missing} of {len(documents)} articles could not be read again: "
            "their text is not in the saved digest (save with --include-text)"
        )
    return dataclasses.replace(digest, documents=tuple(documents)), notes


def _relocated(doc: Document, bases: list[Path], folder: Path) -> Document:
    """Paths in a saved digest are relative to where it was built; when that is not here,
    try them relative to the folder the build ran in (``Digest.base``), then to the folder
    of the saved file.
    """
    origin = doc.origin
    if (
        _is_local_file(origin)
        or os.path.isabs(origin)
        or origin == "-"
        or origin.startswith(("http://", "https://"))
    ):
        return doc
    for where in [*bases, folder]:
        if (where / origin).is_file():
            return dataclasses.replace(doc, origin=str(where / origin))
    return doc


def reread(doc: Document, max_bytes: int) -> str | None:
    """The text of a document read again from its path, or None when it cannot be."""
    from digest.stages.ingest import InputError, RawInput, read

    if not _is_local_file(doc.origin):
        return None
    try:
        return read(RawInput(doc.origin, Path(doc.origin).suffix.lower()), doc.id, max_bytes).text
    except (InputError, OSError, ValueError):
        return None


def _is_local_file(origin: str) -> bool:
    return origin != "-" and not origin.startswith(("http://", "https://")) and os.path.isfile(origin)


def rebuild_inputs(digest: Digest) -> tuple[list[str] | None, str]:
    """The paths to rebuild a saved digest from, or None and the reason it cannot be."""
    paths = [doc.origin for doc in digest.documents]
    missing = [p for p in paths if not _is_local_file(p)]
    if missing:
        return None, (
            f"cannot recompute: {len(missing)} of {len(paths)} articles are not files here "
            f"(first: {visible(missing[0])})"
        )
    return paths, ""


def _grouping_ok(value: object) -> bool:
    from digest.stages.cluster import threshold_of

    try:
        return isinstance(value, str) and bool(threshold_of(value))
    except ValueError:
        return False


def settings_from(saved: Mapping[str, object], fallback: Settings) -> Settings:
    """The Settings a saved digest was built with, or ``fallback`` where they are unusable."""

    def count(value: object) -> bool:
        return value is None or (isinstance(value, int) and not isinstance(value, bool) and value >= 1)

    checks: dict[str, Callable[[object], bool]] = {
        "algorithm": lambda v: v in ALGORITHMS,
        "sentences": count,
        "words": count,
        "clusters": lambda v: isinstance(v, str) and (v == "auto" or (v.isdigit() and int(v) >= 1)),
        "language": lambda v: isinstance(v, str) and v.isalpha(),
        "grouping": _grouping_ok,
    }
    values = {k: saved[k] for k, ok in checks.items() if k in saved and ok(saved[k])}
    return dataclasses.replace(fallback, **values)  # type: ignore[arg-type]


def _folded(text: str) -> str:
    return " ".join(text.split())


def locate(doc: Document, citation: Citation, sentence: str) -> tuple[int, int] | None:
    """Where a cited sentence stands in ``doc.text``: the citation's offsets when they still
    hold the sentence, else where the sentence is found now (a re-read file that changed),
    else None.
    """
    text = doc.text
    start, end = citation.start, citation.end
    if 0 <= start <= end <= len(text) and _folded(text[start:end]) == _folded(sentence):
        return start, end
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(w) for w in words), text)
    return (match.start(), match.end()) if match else None


def export_path(folder: Path, now: datetime) -> Path:
    """A new file name in ``folder`` for an export made at ``now``: digest-YYYYMMDD-HHMMSS.md."""
    stem = f"digest-{now:%Y%m%d-%H%M%S}"
    path = folder / f"{stem}.md"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}.md"
        n += 1
    return path


def export_markdown(digest: Digest, folder: Path, now: datetime) -> Path:
    """Write the digest as Markdown to a new file in ``folder`` and return its path.

    The folder is created if it is missing. The file is created exclusively, so an existing
    file is never overwritten, and it is removed again if writing fails.

    Raises:
        OSError: when the file cannot be written.
    """
    from digest.render import RenderOptions, get_renderer

    buffer = io.StringIO()
    get_renderer("markdown")(digest, buffer, RenderOptions())
    folder.mkdir(parents=True, exist_ok=True)
    path = export_path(folder, now)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        try:
            handle.write(buffer.getvalue())
        except BaseException:
            handle.close()
            path.unlink(missing_ok=True)
            raise
    return path.resolve()


def folder_lines(folder: Path, width: int) -> list[str]:
    """How to show ``folder`` in lines of at most ``width`` cells, broken after a separator.

    A folder under the current one is shown relative to it, one under the home folder with
    ``~``; no name is cut unless it is longer than a line by itself.

    Args:
        folder: The folder to show.
        width: The most cells a line may take.

    Returns:
        The lines, each but the last ending with a separator.
    """
    folder = folder.resolve()
    home, here = Path.home().resolve(), Path.cwd().resolve()
    if folder == here:
        text = "."
    elif folder.is_relative_to(here):
        text = str(folder.relative_to(here))
    elif folder.is_relative_to(home):
        text = str(Path("~") / folder.relative_to(home))
    else:
        text = str(folder)
    text = visible(text)
    lines = [""]
    for part in re.findall(r"[^/\\]*[/\\]?", text):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        lines[-1] += part
    return [line for line in lines if line] or [text]


_WEB_ADDRESS = re.compile(
    r"https?://[^\s\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]+"
)


def open_target(doc: Document, roots: Sequence[str] | None = None) -> str | None:
    """What the system opener should open for ``doc``: its web address, else its file.

    ``roots``: for a saved digest (whose file names anyone may have written), the folders a
    file must be inside (the recorded base folder, the digest's own folder); an executable or
    a ``.desktop`` launcher is never opened, as the opener would run it.
    """
    for candidate in (doc.url, doc.origin):
        if candidate and _WEB_ADDRESS.fullmatch(candidate):  # fullmatch: no trailing newline
            return candidate
    if not _is_local_file(doc.origin):
        return None
    path = os.path.realpath(doc.origin)
    if roots is not None:
        inside = [os.path.realpath(r) for r in roots if r]
        if not any(os.path.commonpath([path, r]) == r for r in inside):
            return None
    if path.lower().endswith(".desktop") or os.access(path, os.X_OK):
        return None
    return os.path.abspath(doc.origin)  # absolute: never mistaken for an option


@dataclasses.dataclass(frozen=True)
class SearchHit:
    """A story headline, summary sentence or source article that matches a search."""

    story: int
    """Index of the story in ``Digest.stories``."""
    sentence: int | None
    """Index of the sentence in ``Story.sentences``; None for the headline or an article."""
    text: str
    """The matching text, on one line (for an article's text, the words around the match)."""
    start: int
    """Where the match starts in ``text``."""
    end: int
    """Where the match ends in ``text``."""
    document: str | None = None
    """Id of the story's source article whose title, outlet or text matches; None otherwise."""


_CONTEXT = 40
"""Characters of an article's text shown before a match (and twice that after it)."""


def search(digest: Digest, query: str, limit: int = 200) -> list[SearchHit]:
    """What contains ``query`` (ignoring case), in digest order, at most ``limit``: for each
    story its headline, its summary sentences, then each of its articles whose title, outlet
    or text does (once an article, the first of these that matches).

    Args:
        digest: The digest to search.
        query: The words to find, in this order; any run of spaces matches any whitespace.
        limit: The most hits returned.

    Returns:
        The hits, in the order above.
    """
    needle = query.strip()
    if not needle:
        return []
    pattern = re.compile(re.escape(" ".join(needle.split())).replace(r"\ ", r"\s+"), re.IGNORECASE)
    hits: list[SearchHit] = []
    for s, story in enumerate(digest.stories):
        texts: list[tuple[int | None, str]] = [(None, _folded(story.title))]
        texts += [(k, _folded(p.candidate.text)) for k, p in enumerate(story.sentences)]
        for k, text in texts:
            match = pattern.search(text)
            if match:
                hits.append(SearchHit(s, k, text, match.start(), match.end()))
                if len(hits) >= limit:
                    return hits
        for doc_id in story.documents:
            hit = _article_hit(s, digest.document(doc_id), pattern)
            if hit is not None:
                hits.append(hit)
                if len(hits) >= limit:
                    return hits
    return hits


def _article_hit(story: int, doc: Document, pattern: re.Pattern[str]) -> SearchHit | None:
    """The first of an article's title, outlet and text that matches, as a hit."""
    for field in (doc.title, doc.source or ""):
        text = one_line(field)
        match = pattern.search(text)
        if match:
            return SearchHit(story, None, text, match.start(), match.end(), doc.id)
    match = pattern.search(doc.text)
    if match is None:
        return None
    start, end = max(0, match.start() - _CONTEXT), min(len(doc.text), match.end() + 2 * _CONTEXT)
    before = "…" if start else ""
    text = before + one_line(doc.text[start:end]) + ("…" if end < len(doc.text) else "")
    found = pattern.search(text, len(before))
    if found is None:  # cannot happen: the match is inside the window
        return None
    return SearchHit(story, None, text, found.start(), found.end(), doc.id)


class ReadLog:
    """Read marks written to the briefing's state (``digest tui --brief``), in the order they
    were made, by a thread of its own: the screen never waits for the state's lock.

    Marking a story read records it as ``digest brief`` records what it shows
    (``brief.run.record_read``): the next briefing leaves it out, or brings it back as an update
    when an article joins it. Marking it unread takes that back (``brief.run.forget_read``); a
    story of an earlier briefing (``Story.new`` False) has nothing to take back and stays seen.

    ``failed`` is called, from the thread, with the story id, a one-line message and whether
    the story was being marked read, when the state could not be written.
    """

    def __init__(self, state_path: Path, wait: float, failed: Callable[[str, str, bool], None]) -> None:
        import queue
        import threading

        self.state_path = state_path
        self.wait = wait
        self.failed = failed
        self._queue: queue.Queue[tuple[Pending, str, bool] | None] = queue.Queue()
        # The thread's alone: what each story's mark wrote, by the story's articles (its id
        # changes when the briefing is made again; its articles do not).
        self._receipts: dict[frozenset[str], Receipt] = {}
        self._thread = threading.Thread(target=self._run, name="digest-read-marks", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def mark(self, pending: Pending, story_id: str, read: bool) -> None:
        """Record (``read``) or take back the story ``story_id`` of the briefing ``pending``."""
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True
        self._queue.put((pending, story_id, read))

    def drain(self) -> None:
        """Wait until every mark made so far is written (or has failed)."""
        if self._started:
            self._queue.join()

    def close(self, timeout: float | None = None) -> None:
        """Write the marks still queued, then stop the thread (waiting ``timeout`` at most)."""
        if self._started:
            self._queue.put(None)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._write(*item)
            finally:
                self._queue.task_done()

    def _write(self, pending: Pending, story_id: str, read: bool) -> None:
        import sqlite3

        from digest.brief.run import forget_read, record_read
        from digest.brief.state import StateError, sqlite_problem

        story = next((st for st, _ in pending.shown if st.id == story_id), None)
        if story is None:
            return
        key = frozenset(x.doc.url or x.doc.origin for x in pending.articles if x.doc.id in story.documents)
        try:
            try:
                if read and key not in self._receipts:
                    self._receipts[key] = record_read(self.state_path, pending, [story_id], self.wait)
                elif not read and key in self._receipts:
                    forget_read(self.state_path, self._receipts[key], self.wait)
                    del self._receipts[key]
            except sqlite3.Error as exc:
                raise sqlite_problem(self.state_path, exc) from None
        except StateError as exc:
            self.failed(story_id, one_line(str(exc)), read)
