"""Hardening, round 2 (issue 15), items 11 and 12: a build cache that someone else could have
written, planted entries, and malformed entries in a valid SQLite file.

Real SQLite files, written by a real build and then edited here; the build runs through the
CLI (typer's runner, in this process).
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from digest.cli import app as cli
from tests.conftest import CORPUS

STORIES = [str(CORPUS / "multiling2011" / "M000"), str(CORPUS / "multiling2011" / "M001")]
posix_only = pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners and modes")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DIGEST_CACHE", str(folder))
    return folder


def build(*args: str) -> tuple[dict[str, Any], list[str]]:
    """``digest build STORIES ARGS -f json``: the digest without its time, and the warnings."""
    result = CliRunner().invoke(cli.app, ["build", *STORIES, *args, "-f", "json"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    data = json.loads(result.stdout)
    del data["generated_at"]
    return data, [line for line in result.stderr.splitlines() if "cache" in line]


@pytest.fixture(scope="module")
def uncached() -> dict[str, Any]:
    return build("--no-cache")[0]


def _edit(path: Path, change: Callable[[Any], Any]) -> int:
    """Replace every entry's value by ``change(value)`` (the JSON text if it returns a str, kept
    if None); the number of entries changed."""
    changed = 0
    conn = sqlite3.connect(path)
    try:
        with conn:
            for k, value in conn.execute("SELECT key, value FROM entry").fetchall():
                new = change(json.loads(value))
                if new is not None:
                    conn.execute(
                        "UPDATE entry SET value = ? WHERE key = ?",
                        (new if isinstance(new, str) else json.dumps(new), k),
                    )
                    changed += 1
    finally:
        conn.close()  # the write-ahead log checkpointed into the file
    return changed


# ---------------------------------------------------------------- 11. a private file


@posix_only
def test_the_cache_is_made_private(cache_dir: Path) -> None:
    """Before: the folder 0755 and the file 0644 (with a 022 umask), anybody could read the articles."""
    old = os.umask(0o022)
    try:
        build()
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((cache_dir / "cache.sqlite3").stat().st_mode) == 0o600
    (cache_dir / "cache.sqlite3").chmod(0o644)  # made by an earlier version: private from now on
    build()
    assert stat.S_IMODE((cache_dir / "cache.sqlite3").stat().st_mode) == 0o600


@posix_only
def test_the_default_cache_folder_of_an_earlier_version_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """~/.cache/digest made 0775 by an earlier version under a 002 umask: made 0700, and used
    (a folder named by DIGEST_CACHE is the user's: refused instead, see below)."""
    monkeypatch.delenv("DIGEST_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    from digest.cache import location

    folder = location().parent
    assert folder.is_relative_to(tmp_path)
    folder.mkdir(parents=True)
    folder.chmod(0o775)
    _, warnings = build()
    assert warnings == [] and stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (folder / "cache.sqlite3").is_file()


@posix_only
@pytest.mark.parametrize(
    "how", ["link", "group-writable", "world-writable", "folder-writable", "other-owner"]
)
def test_a_cache_someone_else_could_write_is_not_used(
    cache_dir: Path, tmp_path: Path, how: str, uncached: dict[str, Any]
) -> None:
    """A cache file reached by a symbolic link, writable by others, in a folder others can write,
    or owned by another user (with a planted sentence in it): one warning, the build goes on
    without it and leaves it as it is. Before: it was used (and the link followed)."""
    build()
    path = cache_dir / "cache.sqlite3"
    planted = _plant(path)
    if how == "link":
        real = tmp_path / "elsewhere.sqlite3"
        path.rename(real)
        path.symlink_to(real)
        path, message = real, "it is a symbolic link"
    elif how == "group-writable":
        path.chmod(0o620)
        message = "it is writable by other users"
    elif how == "world-writable":
        path.chmod(0o606)
        message = "it is writable by other users"
    elif how == "folder-writable":
        cache_dir.chmod(0o1777)
        message = f"its folder {cache_dir} is writable by other users; set DIGEST_CACHE to a private folder"
    else:
        if os.geteuid() != 0:
            pytest.skip("only root can give a file to another user")
        os.chown(path, 65534, 65534)
        message = "it belongs to another user (uid 65534)"
    before = path.read_bytes(), stat.S_IMODE(path.stat().st_mode)
    data, warnings = build()
    assert warnings == [f"digest: warning: cache {cache_dir / 'cache.sqlite3'} not used: {message}"]
    assert data == uncached and planted not in json.dumps(data)
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == before


@posix_only
def test_a_fifo_as_the_cache_file_does_not_block(cache_dir: Path, uncached: dict[str, Any]) -> None:
    cache_dir.mkdir(mode=0o700)
    os.mkfifo(cache_dir / "cache.sqlite3", 0o600)
    data, warnings = build()
    assert data == uncached
    path = cache_dir / "cache.sqlite3"
    assert warnings == [f"digest: warning: cache {path} not used: it is not a regular file"]


# ---------------------------------------------------------------- 11. entries checked against their documents


def _plant(path: Path) -> str:
    """Put a sentence that no article has in place of every cached summary's sentences."""
    planted = "The minister admitted everything in a signed statement."

    def change(value: Any) -> Any:
        if isinstance(value, dict) and "picks" in value:
            text = json.dumps(value)
            for pick in value["picks"]:
                shown = pick["Pick"]["candidate"]["Candidate"]["text"]
                text = text.replace(json.dumps(shown), json.dumps(planted))
            return text
        return None

    assert _edit(path, change) > 0
    return planted


def test_a_planted_sentence_is_not_shown(cache_dir: Path, uncached: dict[str, Any]) -> None:
    """A cached summary whose sentence is not the slice of the article it cites (before: shown
    as a cited, verbatim quote): a miss, one warning, the digest computed again."""
    build()
    planted = _plant(cache_dir / "cache.sqlite3")
    data, warnings = build()
    assert planted not in json.dumps(data)
    assert data == uncached
    assert len(warnings) == 1, warnings
    assert (
        "an entry that does not check out (a sentence that is not in the document it cites) is "
        "ignored and computed again"
    ) in warnings[0], warnings
    assert build() == (uncached, [])  # replaced by the good entry


def test_shifted_sentence_offsets_are_a_miss(cache_dir: Path, uncached: dict[str, Any]) -> None:
    """Cached sentence spans past the end of their document: a miss, split again."""
    build()

    def change(value: Any) -> Any:
        if isinstance(value, list) and value and isinstance(value[0], list) and len(value[0]) == 3:
            return [[s + 10**6, e + 10**6, c] for s, e, c in value]
        return None

    assert _edit(cache_dir / "cache.sqlite3", change) > 0
    data, warnings = build()
    assert data == uncached and len(warnings) == 1, warnings


# ---------------------------------------------------------------- 12. malformed entries


DEEP = "[" * 200_000 + "]" * 200_000


def _malformed(kind: str) -> Callable[[Any], Any]:
    def change(value: Any) -> Any:
        if kind == "deep":
            return DEEP
        if kind == "not json":
            return "{not json"
        if kind == "null":
            return "null"
        if kind == "wrong types":
            if isinstance(value, dict) and "picks" in value:
                return {"picks": [{"Pick": {"candidate": 5, "score": "x"}}], "headline": 7}
            if isinstance(value, dict) and "document" in value:
                return {"document": {**value["document"], "text": 12, "title": None}}
            if isinstance(value, dict) and "groups" in value:
                return {"groups": [["0"]], "links": "x"}
            if isinstance(value, list):
                return [[None, "a", 3]] if value and len(value[0]) == 3 else [[0, 10**9]]
            return None
        if kind == "missing keys":
            if isinstance(value, dict) and "picks" in value:
                return {"picks": [{"Pick": {}}]}
            if isinstance(value, dict) and "document" in value:
                return {"document": {}}
            if isinstance(value, dict) and "groups" in value:
                return {"groups": []}
            if isinstance(value, list):
                return [[]]
            return None
        if kind == "nested story":  # deep, but within what json.loads takes
            if isinstance(value, dict) and "picks" in value:
                return {"picks": json.loads("[" * 500 + "]" * 500), "headline": value["headline"]}
            return None
        if kind == "negative places":
            if isinstance(value, dict) and "picks" in value:
                return json.dumps(value).replace('"document": 0', '"document": -1')
            if isinstance(value, list):
                return [[-1 - a, b] for a, b in value] if value and len(value[0]) == 2 else None
            return None
        raise AssertionError(kind)

    return change


@pytest.mark.parametrize(
    "kind", ["deep", "not json", "null", "wrong types", "missing keys", "nested story", "negative places"]
)
def test_a_malformed_entry_is_a_miss_with_one_warning(
    cache_dir: Path, kind: str, uncached: dict[str, Any]
) -> None:
    """Valid SQLite, digest's own file, entries that are not what digest stores (before:
    KeyError, TypeError or RecursionError tracebacks): each is a miss, one warning in all."""
    build()
    assert _edit(cache_dir / "cache.sqlite3", _malformed(kind)) > 0
    data, warnings = build()
    assert data == uncached
    assert len(warnings) == 1, warnings
    assert "does not check out" in warnings[0] and "computed again" in warnings[0], warnings
    assert build() == (uncached, [])


def test_a_value_that_is_not_text_is_a_miss(cache_dir: Path, uncached: dict[str, Any]) -> None:
    build()
    conn = sqlite3.connect(cache_dir / "cache.sqlite3")
    with conn:
        conn.execute("UPDATE entry SET value = 12345, blob = 'text, not bytes'")
    conn.close()
    data, warnings = build()
    assert data == uncached and len(warnings) == 1, warnings
