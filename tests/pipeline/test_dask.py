"""--engine dask: the same digest as the local engine, on a LocalCluster of this machine;
its errors in one line; and the runner contract without dask (spawned processes,
which inherit nothing from this one)."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from typer.testing import CliRunner

from digest import pipeline, serialization
from digest.cli import app as cli
from digest.run import Executor
from digest.settings import Settings
from tests.conftest import CORPUS, ROOT, SEEDS

MISSING = "digest: the dask engine needs the dask extra: pip install 'news-digest[dask]'\n"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m digest ARGS`` in the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=180,
    )


def without_time(text: str) -> dict[str, object]:
    digest = json.loads(text)
    digest.pop("generated_at", None)
    return digest


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds and 300 articles by benchmarks/make_corpus.py: past WORKERS_FROM, so the local
    engine uses its worker processes too."""
    if not (ROOT.parent / "shared" / "data" / "multiling2011_en").is_dir():
        pytest.skip("needs ../shared/data beside the clone (benchmarks/make_corpus.py reads it)")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    folder = tmp_path_factory.mktemp("dask") / "corpus"
    make_corpus.make(300, folder / "made")
    for seed in SEEDS.iterdir():
        (folder / "seeds").mkdir(exist_ok=True)
        (folder / "seeds" / seed.name).write_bytes(seed.read_bytes())
    return folder


@pytest.fixture(scope="module")
def local_json(big_corpus: Path) -> dict[str, object]:
    result = run("build", str(big_corpus), "--format", "json", "--include-text", "--no-cache")
    assert result.returncode == 0, result.stderr
    return without_time(result.stdout)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of two single-threaded worker processes on 127.0.0.1."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        yield cluster.scheduler_address


def test_dask_engine_gives_the_local_digest(
    big_corpus: Path, local_json: dict[str, object], scheduler: str
) -> None:
    result = run(
        "build",
        str(big_corpus),
        "--format",
        "json",
        "--include-text",
        "--no-cache",
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    remote = without_time(result.stdout)
    assert len(remote["documents"]) == 303 and len(remote["clusters"]) > 30  # type: ignore[arg-type]
    assert remote == local_json


def test_dask_engine_with_the_cache(
    big_corpus: Path, local_json: dict[str, object], scheduler: str, tmp_path: Path
) -> None:
    """A first build fills a new cache through the cluster, a second one reuses it: both
    give the local digest."""
    env = {"DIGEST_CACHE": str(tmp_path / "cache")}
    args = (
        "build",
        str(big_corpus),
        "--format",
        "json",
        "--include-text",
        "--engine",
        "dask",
        "--scheduler",
        scheduler,
    )
    first = run(*args, env=env)
    assert first.returncode == 0 and first.stderr == "", first.stderr
    assert (tmp_path / "cache" / "cache.sqlite3").stat().st_size > 100_000
    second = run(*args, env=env)
    assert second.returncode == 0 and second.stderr == "", second.stderr
    assert without_time(first.stdout) == without_time(second.stdout) == local_json


class CountingExecutor:
    """A real executor that counts the tasks it is given."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self.executor = executor
        self.tasks = 0

    def submit(self, *args: object, **kwargs: object) -> object:
        self.tasks += 1
        return self.executor.submit(*args, **kwargs)  # type: ignore[arg-type]


def test_engine_gets_only_what_the_cache_lacks(tmp_path: Path) -> None:
    from digest.cache import Cache

    inputs = [str(SEEDS), str(CORPUS / "multiling2011" / "M001"), str(CORPUS / "multiling2011" / "M002")]
    expected = serialization.to_dict(pipeline.build(inputs, Settings(words=80)), include_text=True)
    expected.pop("generated_at")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        counting = CountingExecutor(pool)
        engine = Executor(counting, workers=2)
        for run_number in (1, 2):
            cache = Cache(tmp_path / "cache.sqlite3")
            built = pipeline.build(inputs, Settings(words=80), runner=engine, cache=cache)
            got = serialization.to_dict(built, include_text=True)
            got.pop("generated_at")
            assert got == expected
            if run_number == 1:
                assert counting.tasks >= 3  # parsing, splitting and summaries went to the engine
                counting.tasks = 0
    assert counting.tasks == 0  # the second build found everything in the cache


def test_dask_engine_starts_a_local_cluster_by_default() -> None:
    pytest.importorskip("distributed")
    # Relative paths and the local cluster's own worker processes (one here).
    args = ["build", "corpus/seeds", "corpus/multiling2011/M000", "--format", "json", "-a", "textrank"]
    local = run(*args)
    dask = run(*args, "--engine", "dask", env={"DIGEST_WORKERS": "1"})
    assert dask.returncode == 0 and dask.stderr == "", dask.stderr
    assert without_time(dask.stdout) == without_time(local.stdout)


def test_engine_gets_everything_as_arguments() -> None:
    """The runner contract without dask: spawned workers inherit nothing, all comes as arguments."""
    inputs = [str(SEEDS), str(CORPUS / "multiling2011" / "M001"), str(CORPUS / "multiling2011" / "M002")]
    expected = serialization.to_dict(pipeline.build(inputs, Settings(words=80)), include_text=True)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        engine = Executor(pool, workers=2)
        built = pipeline.build(inputs, Settings(words=80), runner=engine)
        got = serialization.to_dict(built, include_text=True)
    expected.pop("generated_at")
    got.pop("generated_at")
    assert got == expected


def test_without_dask_one_line_and_exit_2() -> None:
    # As if the extra were not installed: importing distributed fails.
    code = (
        "import sys; sys.modules['distributed'] = None; sys.argv[1:] = ['build', 'corpus/seeds', "
        "'--engine', 'dask']; from digest.cli.app import main; main()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (2, "", MISSING)


def test_unreachable_scheduler_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    import socket

    from digest.run import dask as engine_dask

    monkeypatch.setattr(engine_dask, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = CliRunner().invoke(
        cli.app, ["build", str(SEEDS), "--engine", "dask", "--scheduler", f"tcp://127.0.0.1:{port}"]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"digest: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1


def test_scheduler_address_errors_exit_2() -> None:
    result = CliRunner().invoke(cli.app, ["build", str(SEEDS), "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2 and "only with --engine dask" in result.stderr
    pytest.importorskip("distributed")
    result = CliRunner().invoke(cli.app, ["build", str(SEEDS), "--engine", "dask", "--scheduler", "nope://x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("digest: --scheduler nope://x: ") and result.stderr.count("\n") == 1


def test_the_core_never_imports_dask() -> None:
    code = (
        "import sys, digest.pipeline, digest.cli.app; "
        "print(sorted(m for m in ('dask', 'distributed', 'digest.run.dask') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.stdout.strip() == "[]", result.stderr
