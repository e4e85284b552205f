"""The build cache (digest.cache): a second build reuses the first one's work, and gives the same digest."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from digest import cache as cache_module
from digest import pipeline, stories
from digest.cache import Cache
from digest.cli import app as cli
from digest.run import local as local_runner
from digest.serialization import to_dict
from digest.settings import Settings
from tests.conftest import CORPUS, SEEDS

TWO_STORIES = [str(CORPUS / "multiling2011" / "M000"), str(CORPUS / "multiling2011" / "M001")]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("DIGEST_CACHE", str(folder))
    return folder


def digest_json(*args: str) -> tuple[dict[str, Any], str]:
    """``digest build ARGS --format json``: the digest without its time, and standard error."""
    result = CliRunner().invoke(cli.app, ["build", *args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    del data["generated_at"]
    return data, result.stderr


def built(inputs: list[str], store: Cache | None, settings: Settings = Settings()) -> dict[str, Any]:
    data = to_dict(pipeline.build(inputs, settings, cache=store), include_text=True)
    del data["generated_at"]
    return data


def test_second_run_equals_first_and_an_uncached_run(cache_dir: Path) -> None:
    first, _ = digest_json(*TWO_STORIES, str(SEEDS))
    assert (cache_dir / "cache.sqlite3").is_file()
    second, errors = digest_json(*TWO_STORIES, str(SEEDS))
    uncached, _ = digest_json(*TWO_STORIES, str(SEEDS), "--no-cache")
    assert first == second == uncached
    assert "cache" not in errors


def test_second_run_parses_and_computes_nothing(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = built(TWO_STORIES, Cache())

    def boom(*args: object, **kwargs: object) -> None:
        raise AssertionError("computed again")

    for name in ("parse", "segment", "find_copies", "group", "summarize"):
        monkeypatch.setattr(pipeline, name, boom)
    monkeypatch.setattr(stories, "headline", boom)
    assert built(TWO_STORIES, Cache()) == first


def test_the_digest_from_the_cache_equals_a_new_one_field_for_field(cache_dir: Path) -> None:
    import dataclasses

    inputs = [*TWO_STORIES, str(SEEDS)]
    pipeline.build(inputs, Settings(), cache=Cache())
    again = pipeline.build(inputs, Settings(), cache=Cache())
    uncached = pipeline.build(inputs, Settings())
    assert dataclasses.replace(again, generated_at="") == dataclasses.replace(uncached, generated_at="")


def test_a_changed_file_is_read_again(cache_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(CORPUS / "multiling2011" / "M000", folder)
    built([str(folder)], Cache())
    changed = sorted(folder.glob("*.txt"))[1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\nThe harbour board met again on Friday "
        "and approved a new budget for the ferry.\n",
        encoding="utf-8",
    )
    again = built([str(folder)], Cache())
    assert "ferry" in next(d["text"] for d in again["documents"] if d["path"] == str(changed))
    assert again == built([str(folder)], None)


def test_a_file_added_first_renumbers_documents_and_the_cache_still_agrees(
    cache_dir: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(CORPUS / "multiling2011" / "M001", folder)
    built(TWO_STORIES[:1] + [str(folder)], Cache())
    shutil.copy(sorted(folder.glob("*.txt"))[0], folder / "0-first.txt")  # a copy: ids shift by one
    assert built(TWO_STORIES[:1] + [str(folder)], Cache()) == built(TWO_STORIES[:1] + [str(folder)], None)


def test_settings_are_part_of_the_key(cache_dir: Path) -> None:
    built(TWO_STORIES, Cache())
    for settings in (Settings(algorithm="luhn"), Settings(sentences=2), Settings(clusters="1")):
        assert built(TWO_STORIES, Cache(), settings) == built(TWO_STORIES, None, settings)


def test_worker_processes_parse_what_the_cache_lacks(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local_runner, "WORKERS_FROM", 2)
    monkeypatch.setenv("DIGEST_WORKERS", "2")
    inputs = [*TWO_STORIES, str(SEEDS)]
    first = built(inputs, Cache())
    assert built(inputs, Cache()) == first
    monkeypatch.setattr(local_runner, "WORKERS_FROM", 10_000)
    assert built(inputs, None) == first


@pytest.mark.parametrize(
    "content", [b"this is not a database, just text\n" * 100, b""], ids=["text", "empty"]
)
def test_a_corrupt_cache_file_is_ignored_with_one_warning(cache_dir: Path, content: bytes) -> None:
    cache_dir.mkdir()
    (cache_dir / "cache.sqlite3").write_bytes(content)
    expected, _ = digest_json(*TWO_STORIES, "--no-cache")
    got, errors = digest_json(*TWO_STORIES)
    assert got == expected
    if content:
        assert errors.count("warning") == 1 and "not used" in errors and "Traceback" not in errors
        assert (cache_dir / "cache.sqlite3").read_bytes() == content  # left alone
    assert digest_json(*TWO_STORIES, "-q")[1] == ""


def test_a_foreign_database_is_left_alone(cache_dir: Path) -> None:
    cache_dir.mkdir()
    path = cache_dir / "cache.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
    before = path.read_bytes()
    got, errors = digest_json(*TWO_STORIES)
    assert "not a digest cache" in errors
    assert path.read_bytes() == before


def test_an_unusable_cache_folder_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("DIGEST_CACHE", str(blocker / "cache"))
    got, errors = digest_json(*TWO_STORIES)
    assert errors.count("warning") == 1 and "cache" in errors


def test_no_cache_writes_nothing(cache_dir: Path) -> None:
    digest_json(*TWO_STORIES, "--no-cache")
    assert not cache_dir.exists()


def test_digest_cache_names_the_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIGEST_CACHE", str(tmp_path / "elsewhere"))
    assert cache_module.location() == tmp_path / "elsewhere" / "cache.sqlite3"
    digest_json(*TWO_STORIES)
    assert (tmp_path / "elsewhere" / "cache.sqlite3").stat().st_size > 0
    monkeypatch.delenv("DIGEST_CACHE")
    assert cache_module.location().name == "cache.sqlite3"
    assert "digest" in str(cache_module.location())


def test_least_recently_used_entries_are_evicted(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Cache()
    for n in range(20):
        store.put(f"k{n}", {"n": n}, b"x" * 1000)
    store.commit()
    store.get("k0")  # used again: kept
    monkeypatch.setattr(cache_module, "MAX_BYTES", 10_000)
    store.put("new", {"n": -1}, b"y" * 1000)
    store.commit()
    with sqlite3.connect(cache_dir / "cache.sqlite3") as conn:
        keys = {k for (k,) in conn.execute("SELECT key FROM entry")}
        total = conn.execute("SELECT sum(size) FROM entry").fetchone()[0]
    assert total <= 10_000 and {"k0", "new"} <= keys and "k1" not in keys


def test_keys_change_with_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache_module.key("input", "abc")
    assert before == cache_module.key("input", "abc") != cache_module.key("input", "abd")
    monkeypatch.setattr(cache_module, "fingerprint", lambda: "other code")
    assert cache_module.key("input", "abc") != before


@pytest.mark.parametrize(("args", "cached"), [([], True), (["--no-cache"], False)])
def test_tui_uses_the_cache_unless_told_not_to(
    monkeypatch: pytest.MonkeyPatch, args: list[str], cached: bool
) -> None:
    import digest.tui.app

    made: list[tuple[Any, ...]] = []

    class Fake:
        failure = None

        def run(self) -> None:
            pass

    def make_app(*given: Any, **options: Any) -> Fake:
        made.append(given)
        return Fake()

    monkeypatch.setattr(digest.tui.app, "make_app", make_app)
    result = CliRunner().invoke(cli.app, ["tui", str(SEEDS), *args])
    assert result.exit_code == 0, result.output
    assert made[0][-1] is cached
