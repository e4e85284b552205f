"""The briefing state (SQLite): articles seen, stories and sentences shown, feed validators, runs.

One ``State`` is one run. Opening it takes the database's write lock (``BEGIN IMMEDIATE``,
WAL journal): a second run on the same file waits ``wait`` seconds, then fails with
``StateBusy``, so two runs never interleave. Everything a run learns is written by
``record`` in the same transaction, after the digest was delivered; a run that fails or is
killed before that leaves the file as it was (SQLite rolls the transaction back).

A file that is empty, not SQLite, another application's database, corrupt, or written by a
newer digest is refused with ``StateError``; it is never replaced or repaired silently. So
is a path that is not a regular file (a FIFO would block the run, a device is not ours).
A state that cannot be written (a full disk, a read-only file or folder: SQLite keeps its
``-wal`` and ``-shm`` files next to it) is a ``StateError`` that says so, never "corrupt":
at the start, before anything is fetched; at the end, saying that the briefing was
delivered but not recorded (the next one shows the same articles).
A new file is built aside and linked into place, so a half-made file is never seen.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from digest.sanitize import visible

APPLICATION_ID = 0x44475354  # "DGST": marks the file as digest's (PRAGMA application_id)
SCHEMA_VERSION = 1
HEADER = b"SQLite format 3\x00"

# Warnings about an article (no text, nothing to quote) said once, not on every run. Added
# after version 1 without a new version: a file without it is read as "nothing reported" and
# gains it when a run is recorded; a digest that does not know it leaves it alone.
REPORTED = """
CREATE TABLE IF NOT EXISTS reported (
    key TEXT PRIMARY KEY,
    first_reported TEXT NOT NULL
);
"""

SCHEMA = (
    """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    since TEXT,
    feeds INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    new_articles INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    format TEXT
);
CREATE TABLE feeds (
    location TEXT PRIMARY KEY,
    title TEXT,
    etag TEXT,
    last_modified TEXT,
    last_fetched TEXT,
    last_error TEXT
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    first_seen TEXT NOT NULL,
    feed TEXT,
    title TEXT NOT NULL,
    url TEXT,
    source TEXT,
    published TEXT,
    text TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'text'
);
CREATE INDEX articles_first_seen ON articles (first_seen);
CREATE TABLE article_keys (
    key TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX article_keys_article ON article_keys (article_id);
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    first_shown TEXT NOT NULL,
    last_shown TEXT NOT NULL
);
CREATE TABLE story_articles (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, article_id)
);
CREATE INDEX story_articles_article ON story_articles (article_id);
CREATE TABLE sentences (
    hash TEXT PRIMARY KEY,
    story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    first_shown TEXT NOT NULL
);
"""
    + REPORTED
)


class StateError(Exception):
    """A state file that cannot be used; the message names it and says what to do."""


class StateBusy(StateError):
    """Another run holds the state file."""


@dataclass(frozen=True)
class StoredArticle:
    """An article the state has seen."""

    id: int
    """Row id."""
    first_seen: str
    """When it was first delivered (ISO 8601 UTC)."""
    feed: str | None
    """The feed it came from."""
    title: str
    """Headline."""
    url: str | None
    """Its URL."""
    source: str | None
    """The outlet."""
    published: str | None
    """Publication time."""
    text: str
    """The text it was summarized from."""
    kind: str
    """'text' or 'extracted'."""


@dataclass(frozen=True)
class NewArticle:
    """An article to remember: what was delivered."""

    keys: tuple[str, ...]
    """GUID, URL and content keys."""
    feed: str | None
    """Its feed."""
    title: str
    """Headline."""
    url: str | None
    """URL."""
    source: str | None
    """Outlet."""
    published: str | None
    """Publication time."""
    text: str
    """Text."""
    kind: str = "text"
    """'text' or 'extracted'."""


@dataclass(frozen=True)
class ShownStory:
    """A story as it was delivered."""

    title: str
    """The title shown."""
    articles: tuple[int, ...]
    """Row ids of its articles (new ones included)."""
    sentences: tuple[str, ...]
    """Hashes of the sentences shown."""
    story_id: int | None = None
    """The stored story it updates, or None for a new one."""


@dataclass(frozen=True)
class FeedStatus:
    """What to remember about a feed after a run."""

    location: str
    """As listed."""
    title: str | None = None
    """Its title."""
    etag: str | None = None
    """Validator for the next conditional GET."""
    last_modified: str | None = None
    """Validator for the next conditional GET."""
    error: str | None = None
    """The last failure, or None."""


@dataclass(frozen=True)
class Receipt:
    """What one recorded run wrote that taking it back (``State.take_back``) removes: a run
    that marked stories read in the TUI, which the reader then marks unread."""

    run: int
    """Row id of the run."""
    articles: tuple[int, ...] = ()
    """Row ids of the articles it stored."""
    stories: tuple[int, ...] = ()
    """Row ids of the stories it created."""
    updated: tuple[tuple[int, str], ...] = ()
    """Stories it showed again, with their ``last_shown`` before."""
    sentences: tuple[str, ...] = ()
    """Hashes of the sentences it recorded first."""


def _problem(path: Path, what: str) -> StateError:
    return StateError(
        f"{visible(str(path))}: {what}. It was left as it is: move it away to start afresh, "
        "or choose another file with --state"
    )


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def sqlite_problem(path: Path, exc: sqlite3.Error, delivered: bool = False) -> StateError:
    """A one-line StateError for an SQLite failure: "corrupt" only when SQLite says the file is;
    a full disk or a file or folder that cannot be written says so (and nothing to move away)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if not delivered and (
        name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
        or "malformed" in text
        or "not a database" in text
    ):
        return _problem(path, f"the state file is corrupt ({exc})")
    if name.startswith("SQLITE_FULL") or "full" in text:
        advice = "the disk is full: free some space"
    elif (
        name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH"))
        or "readonly" in text
        or "unable to open" in text
    ):
        advice = (
            "the state file and its folder must be writable (SQLite keeps its -wal and -shm files next to it)"
        )
    elif name.startswith("SQLITE_IOERR") or "I/O" in text:
        advice = "a read or write failed: is the disk full or failing?"
    else:
        advice = "try again"
    if delivered:
        return StateError(
            f"{visible(str(path))}: the briefing was delivered but could not be recorded "
            f"in the state file ({exc}; {advice}); the next briefing shows the same articles "
            "again"
        )
    return StateError(
        f"{visible(str(path))}: cannot use the state file ({exc}; {advice}); it was left as it is"
    )


def check_file(path: Path) -> None:
    """Refuse what is not a digest state file, without changing it.

    Raises:
        StateError: not a regular file, empty, not SQLite, foreign, newer or corrupt.
    """
    try:
        # Not blocking: a FIFO opens at once (and is then refused), rather than waiting for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            os.close(fd)
            raise
        if not stat.S_ISREG(mode):
            os.close(fd)
            kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
            raise StateError(
                f"{visible(str(path))}: {kind}, not a state file; choose another file with --state"
            )
        with open(fd, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        reason = exc.strerror or exc
        raise StateError(f"{visible(str(path))}: cannot read the state file ({reason})") from None
    if not header:
        raise _problem(path, "the state file is empty, not a digest state database")
    if not header.startswith(HEADER) or len(header) < 100:
        raise _problem(path, "not a digest state file (not an SQLite database)")
    # The header holds user_version (offset 60) and application_id (offset 68), big-endian.
    application_id = int.from_bytes(header[68:72], "big")
    version = int.from_bytes(header[60:64], "big")
    if application_id != APPLICATION_ID:
        raise _problem(path, "an SQLite database of another application, not a digest state file")
    if version > SCHEMA_VERSION:
        raise _problem(
            path,
            f"written by a newer digest (state schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}); upgrade digest",
        )


def _create(path: Path) -> None:
    """Make a new state file: built aside, then linked into place (never over an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=".digest-state-", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.executescript("BEGIN;" + SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
            conn.execute("PRAGMA journal_mode = WAL")
        finally:
            conn.close()
        try:
            os.link(temp, path)  # fails if another run created it meanwhile: then that one is used
        except FileExistsError:
            pass
        except OSError:  # no hard links here (some file systems): rename, if still absent
            if not path.exists():
                os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(temp + suffix).unlink(missing_ok=True)


class State:
    """An open state file, locked for one run. Use as a context manager."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self.conn = conn
        self.done = False

    @classmethod
    def open(cls, path: Path, wait: float = 5.0) -> State:
        """Open (or create) the state at ``path`` and take its lock, waiting up to ``wait`` seconds.

        Raises:
            StateBusy: another run holds it.
            StateError: it is not a usable digest state file.
        """
        if not path.exists():
            try:
                _create(path)
            except OSError as exc:
                raise StateError(
                    f"{visible(str(path))}: cannot create the state file ({exc.strerror or exc})"
                ) from None
        check_file(path)
        try:
            conn = sqlite3.connect(
                path.resolve().as_uri() + "?mode=rw",
                uri=True,
                isolation_level=None,
                timeout=max(wait, 0.0),
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise sqlite_problem(path, exc) from None
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(max(wait, 0.0) * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise StateBusy(
                        f"{visible(str(path))}: another digest brief is running with this state file "
                        f"(waited {wait:g} s); try again when it has finished"
                    ) from None
                raise
            state = cls(path, conn)
            state._verify()
            # A read-only file opens (read-only) and even takes the lock: find out now, before
            # anything is fetched and delivered, rather than at the commit.
            conn.execute("UPDATE runs SET id = id WHERE 0")
            return state
        except sqlite3.Error as exc:
            conn.close()
            raise sqlite_problem(path, exc) from None
        except BaseException:
            conn.close()
            raise

    def _verify(self) -> None:
        row = self.conn.execute("PRAGMA quick_check(1)").fetchone()
        if not row or row[0] != "ok":
            raise _problem(self.path, f"the state file is corrupt ({row[0] if row else 'no answer'})")
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = {
            "runs",
            "feeds",
            "articles",
            "article_keys",
            "stories",
            "story_articles",
            "sentences",
        } - tables
        if missing:
            raise _problem(self.path, f"the state file lacks tables ({', '.join(sorted(missing))})")

    def __enter__(self) -> State:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the lock; what was not recorded is rolled back."""
        with contextlib.suppress(sqlite3.Error):
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        self.conn.close()

    # ------------------------------------------------------------ reading

    def last_run(self) -> str | None:
        """When the last recorded run finished (ISO 8601 UTC), or None."""
        row = self.conn.execute("SELECT max(finished_at) FROM runs").fetchone()
        return row[0] if row else None

    def validators(self) -> dict[str, tuple[str | None, str | None]]:
        """(ETag, Last-Modified) of every feed that had them."""
        return {
            r[0]: (r[1], r[2])
            for r in self.conn.execute(
                "SELECT location, etag, last_modified FROM feeds "
                "WHERE etag IS NOT NULL OR last_modified IS NOT NULL"
            )
        }

    def find(self, keys: Iterable[str]) -> StoredArticle | None:
        """The stored article with any of ``keys``, or None."""
        for key in keys:
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM articles JOIN article_keys ON article_keys.article_id = articles.id "
                "WHERE key = ?",
                (key,),
            ).fetchone()
            if row:
                return StoredArticle(*row)
        return None

    def articles_since(self, since: str) -> list[StoredArticle]:
        """Articles first seen at or after ``since``, oldest first."""
        return [
            StoredArticle(*r)
            for r in self.conn.execute(
                f"SELECT {_COLUMNS} FROM articles WHERE first_seen >= ? ORDER BY first_seen, id", (since,)
            )
        ]

    def story_of(self, article_ids: Iterable[int], until: str | None = None) -> tuple[int, str] | None:
        """The story last shown (up to ``until``) with any of these articles: (id, title), or None."""
        ids = list(article_ids)
        if not ids:
            return None
        marks = ",".join("?" * len(ids))
        row = self.conn.execute(
            f"SELECT stories.id, stories.title FROM stories JOIN story_articles ON story_id = stories.id "
            f"WHERE article_id IN ({marks}) AND first_shown <= ? "
            "ORDER BY last_shown DESC, stories.id DESC LIMIT 1",
            (*ids, until or "9999"),
        ).fetchone()
        return (row[0], row[1]) if row else None

    def shown(self, sentence_hash: str, until: str | None = None) -> bool:
        """Whether the sentence was shown (up to ``until``)."""
        return (
            self.conn.execute(
                "SELECT 1 FROM sentences WHERE hash = ? AND first_shown <= ?",
                (sentence_hash, until or "9999"),
            ).fetchone()
            is not None
        )

    def reported(self, keys: Iterable[str]) -> set[str]:
        """Those of ``keys`` whose warning was given in an earlier run."""
        keys = list(keys)
        has_table = self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'reported'"
        ).fetchone()
        if not keys or not has_table:
            return set()
        marks = ", ".join("?" * len(keys))
        return {r[0] for r in self.conn.execute(f"SELECT key FROM reported WHERE key IN ({marks})", keys)}

    # ------------------------------------------------------------ writing

    def add_articles(self, articles: Iterable[NewArticle], when: str) -> list[int]:
        """Store new articles (inside the run's transaction, not committed); their row ids."""
        ids = []
        for article in articles:
            cursor = self.conn.execute(
                "INSERT INTO articles (first_seen, feed, title, url, source, published, text, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    when,
                    article.feed,
                    article.title,
                    article.url,
                    article.source,
                    article.published,
                    article.text,
                    article.kind,
                ),
            )
            row_id = int(cursor.lastrowid or 0)
            self.add_keys(row_id, article.keys)
            ids.append(row_id)
        return ids

    def add_keys(self, article_id: int, keys: Iterable[str]) -> None:
        """More keys of a stored article (another URL or feed for the same text)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO article_keys (key, article_id) VALUES (?, ?)",
            [(k, article_id) for k in keys],
        )

    def record(
        self,
        *,
        started: str,
        finished: str,
        since: str | None,
        feeds: Iterable[FeedStatus],
        stories: Iterable[ShownStory],
        new_articles: int,
        output_format: str,
        retention_days: float | None = None,
        reported: Iterable[str] = (),
        stored: Iterable[int] = (),
    ) -> Receipt:
        """Write what the run delivered and commit: the only place a run's changes become visible.

        ``reported``: the keys of the warnings about articles this run gave (``reported``).
        ``stored``: the row ids of the articles this run added (``add_articles``), for the receipt.

        Returns:
            What the run wrote, to take it back (``take_back``).

        Raises:
            StateError: it could not be written (a full disk, a file made read-only); nothing
                of the run is kept.
        """
        try:
            return self._record(
                started=started,
                finished=finished,
                since=since,
                feeds=feeds,
                stories=stories,
                new_articles=new_articles,
                output_format=output_format,
                retention_days=retention_days,
                reported=reported,
                stored=tuple(stored),
            )
        except sqlite3.Error as exc:
            raise sqlite_problem(self.path, exc, delivered=True) from None

    def _record(
        self,
        *,
        started: str,
        finished: str,
        since: str | None,
        feeds: Iterable[FeedStatus],
        stories: Iterable[ShownStory],
        new_articles: int,
        output_format: str,
        retention_days: float | None,
        reported: Iterable[str],
        stored: tuple[int, ...],
    ) -> Receipt:
        conn = self.conn
        feeds = list(feeds)
        stories = list(stories)
        created: list[int] = []
        updated: list[tuple[int, str]] = []
        first: list[str] = []
        for feed in feeds:
            conn.execute(
                "INSERT INTO feeds (location, title, etag, last_modified, last_fetched, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (location) DO UPDATE SET "
                "title = coalesce(excluded.title, feeds.title), "
                "etag = CASE WHEN excluded.last_error IS NULL THEN excluded.etag ELSE feeds.etag END, "
                "last_modified = CASE WHEN excluded.last_error IS NULL THEN excluded.last_modified "
                "ELSE feeds.last_modified END, "
                "last_fetched = excluded.last_fetched, last_error = excluded.last_error",
                (feed.location, feed.title, feed.etag, feed.last_modified, finished, feed.error),
            )
        for story in stories:
            story_id = story.story_id
            if story_id is None:
                story_id = int(
                    conn.execute(
                        "INSERT INTO stories (title, first_shown, last_shown) VALUES (?, ?, ?)",
                        (story.title, finished, finished),
                    ).lastrowid
                    or 0
                )
                created.append(story_id)
            else:
                row = conn.execute("SELECT last_shown FROM stories WHERE id = ?", (story_id,)).fetchone()
                if row:
                    updated.append((story_id, row[0]))
                conn.execute("UPDATE stories SET last_shown = ? WHERE id = ?", (finished, story_id))
            conn.executemany(
                "INSERT OR IGNORE INTO story_articles (story_id, article_id) VALUES (?, ?)",
                [(story_id, a) for a in story.articles],
            )
            first += [h for h in story.sentences if self._first_sentence(h)]
            conn.executemany(
                "INSERT OR IGNORE INTO sentences (hash, story_id, first_shown) VALUES (?, ?, ?)",
                [(h, story_id, finished) for h in story.sentences],
            )
        run = conn.execute(
            "INSERT INTO runs (started_at, finished_at, since, feeds, failed, new_articles, stories, format) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                started,
                finished,
                since,
                len(feeds),
                sum(1 for f in feeds if f.error),
                new_articles,
                len(stories),
                output_format,
            ),
        ).lastrowid
        conn.execute(REPORTED)  # execute, not executescript: that would commit the run halfway
        conn.executemany(
            "INSERT OR IGNORE INTO reported (key, first_reported) VALUES (?, ?)",
            [(key, finished) for key in reported],
        )
        if retention_days is not None:
            self._forget(finished, retention_days)
        conn.execute("COMMIT")
        self.done = True
        return Receipt(int(run or 0), stored, tuple(created), tuple(updated), tuple(dict.fromkeys(first)))

    def _first_sentence(self, sentence_hash: str) -> bool:
        return (
            self.conn.execute("SELECT 1 FROM sentences WHERE hash = ?", (sentence_hash,)).fetchone() is None
        )

    def take_back(self, receipt: Receipt) -> None:
        """Remove what a recorded run wrote, and commit: its articles (with their keys and story
        links), the stories it created, the sentences it recorded first and the run itself; the
        stories it showed again get their earlier ``last_shown`` back.

        Raises:
            StateError: it could not be written.
        """
        conn = self.conn
        try:
            marks = ",".join("?" * len(receipt.articles))
            conn.execute(f"DELETE FROM articles WHERE id IN ({marks})", receipt.articles)
            conn.executemany("DELETE FROM sentences WHERE hash = ?", [(h,) for h in receipt.sentences])
            conn.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in receipt.stories])
            conn.executemany(
                "UPDATE stories SET last_shown = ? WHERE id = ?", [(when, i) for i, when in receipt.updated]
            )
            conn.execute("DELETE FROM runs WHERE id = ?", (receipt.run,))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise sqlite_problem(self.path, exc) from None
        self.done = True

    def _forget(self, now: str, days: float) -> None:
        """Drop what is older than the retention period (articles, their keys, stories, sentences)."""
        from datetime import datetime, timedelta

        cutoff = (datetime.fromisoformat(now) - timedelta(days=days)).isoformat(timespec="microseconds")
        self.conn.execute("DELETE FROM articles WHERE first_seen < ?", (cutoff,))
        self.conn.execute("DELETE FROM stories WHERE last_shown < ?", (cutoff,))
        self.conn.execute("DELETE FROM sentences WHERE first_shown < ?", (cutoff,))
        self.conn.execute("DELETE FROM reported WHERE first_reported < ?", (cutoff,))
        self.conn.execute(
            "DELETE FROM runs WHERE finished_at < ? AND id NOT IN (SELECT max(id) FROM runs)", (cutoff,)
        )


_COLUMNS = "articles.id, first_seen, feed, title, url, source, published, text, kind"


@contextlib.contextmanager
def opened(path: Path, wait: float = 5.0) -> Iterator[State]:
    """``State.open`` as a context manager."""
    state = State.open(path, wait)
    try:
        yield state
    finally:
        state.close()
