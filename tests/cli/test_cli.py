"""The digest command line, end to end (subprocesses) and in-process (typer's CliRunner).

Subprocesses cover what only a real process shows (the ``digest PATH`` shorthand in
``main()``, exit statuses, tracebacks, broken pipes, standard input, terminals); the
option semantics run in-process, which is much faster once the pipeline is imported.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from digest import __version__
from digest.cli import app as cli
from digest.settings import ALGORITHMS
from tests.conftest import CORPUS, ROOT, SEEDS, invoke

TWO_STORIES = [str(CORPUS / "multiling2011" / "M000"), str(CORPUS / "multiling2011" / "M001")]
SEED_FILE = sorted(SEEDS.glob("*.txt"))[0]
ENV = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100"}
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX file names, head or a pty")


def run(*args: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess[str]:
    """``python -m digest ARGS`` in the project folder."""
    return subprocess.run(
        [sys.executable, "-m", "digest", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env or ENV,
        timeout=120,
        **kwargs,
    )


def without_time(digest: dict) -> dict:
    return {k: v for k, v in digest.items() if k != "generated_at"}


def command_paths() -> list[list[str]]:
    """Every visible command and subcommand, e.g. ['build'], ['config', 'show']."""
    from digest.cli.manpage import commands

    return [name.split()[1:] for name, _cmd, _ctx in commands()]


# -- fixtures shared by the module: each digest is built once ------------------------------


@pytest.fixture(scope="module")
def seeds_json() -> dict:
    result = run("build", str(SEEDS), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def two_stories() -> dict[str, dict]:
    """The digest of two MultiLing stories with the default, one-story and budget settings."""
    runner = CliRunner()
    out = {}
    for key, extra in {
        "auto": [],
        "one": ["--clusters", "1"],
        "two_sentences": ["--sentences", "2"],
        "fifty_words": ["--words", "50"],
    }.items():
        result = runner.invoke(cli.app, ["build", *TWO_STORIES, "--format", "json", *extra])
        assert result.exit_code == 0, result.stderr
        out[key] = json.loads(result.stdout)
    return out


# -- help and version ------------------------------------------------------------------------


def test_app_help() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "Usage: digest" in result.stdout
    for path in command_paths():
        assert path[0] in result.stdout
    assert "digest PATH..." in result.stdout  # the shorthand is explained
    assert "<bool>" not in result.stdout


def test_short_help_option() -> None:
    result = run("-h")
    assert result.returncode == 0
    assert "Usage: digest" in result.stdout


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"digest {__version__}\n"


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_command_help(path: list[str], flag: str) -> None:
    result = invoke(*path, flag)
    assert result.exit_code == 0, result.output
    assert f"Usage: digest {' '.join(path)}" in result.stdout
    command = typer.main.get_command(cli.app)
    for name in path:
        command = command.commands[name]
    for param in command.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert opt in result.stdout
    # Flags take no value: typer's <bool> (and other <type> placeholders) must not show.
    assert "<bool>" not in result.stdout
    assert "<list[" not in result.stdout


def test_build_help_names_values() -> None:
    result = invoke("build", "--help")
    assert re.search(r"Usage: digest build \[OPTIONS\] PATH\.\.\.", result.stdout)
    assert "--format" in result.stdout and "FORMAT" in result.stdout
    assert "Sentences per story; 4 unless" in result.stdout
    for algorithm in ALGORITHMS:
        assert algorithm in result.stdout


# -- the shorthand and the default format ---------------------------------------------------


def test_shorthand_equals_build(seeds_json: dict) -> None:
    result = run(str(SEEDS), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert without_time(json.loads(result.stdout)) == without_time(seeds_json)


def test_shorthand_with_options_first(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seeds_json: dict
) -> None:
    monkeypatch.setattr(sys, "argv", ["digest", "--format", "json", str(SEEDS)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code in (0, None)
    assert without_time(json.loads(capsys.readouterr().out)) == without_time(seeds_json)


def test_shorthand_knows_every_command() -> None:
    """Commands registered later, with or without a name, are not taken for paths."""

    def zz_probe() -> None:
        """A probe."""

    cli.app.command()(zz_probe)
    try:
        assert {"build", "zz-probe"} <= cli.command_names()
    finally:
        cli.app.registered_commands.pop()
    assert "zz-probe" not in cli.command_names()


def test_default_format_is_markdown_when_piped() -> None:
    result = run("build", str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Digest\n")
    assert "\x1b" not in result.stdout


@pytest.mark.parametrize(
    "name, check",
    [
        ("text", lambda out: out.startswith("DIGEST: 1 story from 3 articles")),
        ("markdown", lambda out: out.startswith("# Digest\n")),
        ("md", lambda out: out.startswith("# Digest\n")),
        ("json", lambda out: json.loads(out)["schema"] == "digest/1"),
        ("terminal", lambda out: out.startswith("1 story from 3 articles\n") and "\x1b" not in out),
    ],
)
def test_formats(name: str, check: Callable[[str], bool]) -> None:
    result = invoke("build", str(SEEDS), "--format", name)
    assert result.exit_code == 0, result.stderr
    assert check(result.stdout), result.stdout[:300]


def test_unknown_format_is_a_usage_error() -> None:
    result = invoke("build", str(SEEDS), "--format", "pdf")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


# -- --output --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix, check",
    [
        (".json", lambda out: json.loads(out)["schema"] == "digest/1"),
        (".md", lambda out: out.startswith("# Digest\n")),
        (".txt", lambda out: out.startswith("DIGEST: ")),
        (".out", lambda out: out.startswith("# Digest\n")),
    ],
)
def test_output_file(tmp_path: Path, suffix: str, check: Callable[[str], bool]) -> None:
    target = tmp_path / f"digest{suffix}"
    result = invoke("build", str(SEEDS), "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert check(target.read_text(encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left


def test_output_format_option_beats_suffix(tmp_path: Path) -> None:
    target = tmp_path / "digest.json"
    result = invoke("build", str(SEEDS), "-o", str(target), "-f", "text")
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8").startswith("DIGEST: ")


def test_output_into_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "digest.json"
    result = invoke("build", str(SEEDS), "--output", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("digest: cannot write"), result.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_output_onto_a_folder_leaves_nothing_behind(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    folder.mkdir()
    result = invoke("build", str(SEEDS), "--output", str(folder))
    assert result.exit_code == 1
    assert result.stderr.startswith("digest: cannot write") and result.stderr.count("\n") == 1
    assert list(folder.iterdir()) == []
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


# -- bad inputs -------------------------------------------------------------------------------


def test_missing_path_among_good_ones() -> None:
    result = run("build", str(SEEDS), "no-such-file.txt", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "digest: warning: no-such-file.txt: no such file or directory" in result.stderr
    assert len(json.loads(result.stdout)["documents"]) == 3


def test_quiet_silences_warnings() -> None:
    result = invoke("build", str(SEEDS), "no-such-file.txt", "--format", "json", "--quiet")
    assert result.exit_code == 0
    assert result.stderr == ""


@pytest.mark.parametrize("kind", ["missing", "empty", "binary", "all"])
def test_no_usable_input(articles: Callable[..., Path], kind: str) -> None:
    folder = articles({"empty.txt": "  \n\n", "binary.txt": bytes(range(256)) * 40})
    paths = {
        "missing": [str(folder / "gone.txt")],
        "empty": [str(folder / "empty.txt")],
        "binary": [str(folder / "binary.txt")],
        "all": [str(folder), str(folder / "gone.txt")],
    }[kind]
    result = run("build", *paths)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith("digest: ") for line in lines), result.stderr
    assert lines[-1].startswith("digest: no usable input") or lines[-1].startswith("digest: nothing to")
    if kind == "all":
        quiet = run("build", *paths, "--quiet")
        assert quiet.returncode == 2
        assert len(quiet.stderr.splitlines()) == 1 and quiet.stderr.startswith("digest: ")


@posix_only
def test_escape_characters_in_file_names_are_shown_escaped(articles: Callable[..., Path]) -> None:
    folder = articles({"evil\x1b[2J.txt": "", "bell\x07\x1b]0;title\x07.md": b"\x00\x01\x02" * 100})
    result = run("build", str(folder), "gone\x1b[31m.txt")
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b[2J" in result.stderr
    assert "gone\\x1b[31m.txt" in result.stderr


# -- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "x", "-1", "1.5"])
def test_bad_clusters_is_a_usage_error(value: str) -> None:
    result = invoke("build", str(SEEDS), "--clusters", value)
    assert result.exit_code == 2
    assert "--clusters" in result.stderr
    assert "Traceback" not in result.stderr


def test_clusters(two_stories: dict[str, dict]) -> None:
    assert len(two_stories["auto"]["clusters"]) >= 2
    assert len(two_stories["one"]["clusters"]) == 1
    assert two_stories["one"]["clusters"][0]["sentences"]


def test_sentences(two_stories: dict[str, dict]) -> None:
    for story in two_stories["two_sentences"]["clusters"]:
        assert 1 <= len(story["sentences"]) <= 2


def test_words(two_stories: dict[str, dict]) -> None:
    for story in two_stories["fifty_words"]["clusters"]:
        lengths = [len(s["text"].split()) for s in story["sentences"]]
        assert lengths
        assert sum(lengths) <= 50 + max(lengths)
    assert two_stories["fifty_words"]["settings"]["words"] == 50


@pytest.mark.parametrize("value", ["0", "many"])
@pytest.mark.parametrize("option", ["--sentences", "--words"])
def test_bad_budget_is_a_usage_error(option: str, value: str) -> None:
    result = invoke("build", str(SEEDS), option, value)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_algorithms(algorithm: str) -> None:
    result = invoke("build", str(SEEDS), "--format", "json", "--algorithm", algorithm)
    assert result.exit_code == 0, result.stderr
    digest = json.loads(result.stdout)
    assert digest["settings"]["algorithm"] == algorithm
    assert sum(len(c["sentences"]) for c in digest["clusters"]) >= 1


def test_unknown_algorithm() -> None:
    result = invoke("build", str(SEEDS), "--algorithm", "gpt")
    assert result.exit_code == 2
    assert "--algorithm" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_language() -> None:
    result = invoke("build", str(SEEDS), "--language", "klingon")
    assert result.exit_code == 2
    assert "--language" in result.stderr


def test_include_text_makes_citations_checkable() -> None:
    result = invoke("build", str(SEEDS), "--format", "json", "--include-text")
    digest = json.loads(result.stdout)
    texts = {d["id"]: d["text"] for d in digest["documents"]}
    for story in digest["clusters"]:
        for sentence in story["sentences"]:
            for c in sentence["citations"]:
                quoted = texts[c["document"]][c["start"] : c["end"]]
                assert " ".join(quoted.split()) == " ".join(sentence["text"].split())


# -- standard input, pipes, terminals ---------------------------------------------------------


def test_standard_input() -> None:
    with SEED_FILE.open("rb") as handle:
        result = run("-", "--format", "json", stdin=handle)
    assert result.returncode == 0, result.stderr
    digest = json.loads(result.stdout)
    assert [d["path"] for d in digest["documents"]] == ["-"]
    assert digest["clusters"][0]["sentences"]


def test_broken_pipe_is_quiet() -> None:
    """``digest ... | head``: the reader is gone before digest writes; no traceback, status 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "build", str(SEEDS), "--format", "text"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=ENV,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "Exception ignored" not in stderr
    assert stderr == ""


@posix_only
def test_broken_pipe_through_head() -> None:
    result = subprocess.run(
        f"{sys.executable} -m digest build corpus/seeds --format text | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=ENV,
        timeout=120,
    )
    assert result.stdout == "DIGEST: 1 story from 3 articles\n"
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_interrupt(monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.pipeline

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(digest.pipeline, "build", interrupted)
    result = invoke("build", str(SEEDS))
    assert result.exit_code == 130
    assert result.stderr.strip() == "digest: interrupted"


def test_piped_terminal_format_has_no_escapes() -> None:
    result = invoke("build", str(SEEDS), "--format", "terminal", env={"NO_COLOR": None})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr


def _on_terminal(env: dict[str, str]) -> str:
    """Run digest with standard output on a pseudo-terminal; return what it showed."""
    import pty
    import select

    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "digest", "build", str(SEEDS)],
        stdout=secondary,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the process closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


@posix_only
def test_terminal_output_honours_no_color() -> None:
    with_color = _on_terminal({k: v for k, v in ENV.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color"})
    assert "\x1b[" in with_color, "a terminal gets colour, so the NO_COLOR check below means something"
    without = _on_terminal(ENV | {"TERM": "xterm-256color"})
    assert "1 story from 3 articles" in without
    assert "\x1b" not in without


def test_no_library_warning_reaches_stderr(tmp_path: Path) -> None:
    """sumy's LSA warns (two lines, a path into site-packages) when a story has fewer distinct
    words than sentences; the digest is built and stderr stays clean."""
    import random

    rng = random.Random(1)
    words = ["storm", "coast", "hit", "power", "rain", "w1"]
    text = " ".join(" ".join(rng.choice(words) for _ in range(6)).capitalize() + "." for _ in range(12))
    article = tmp_path / "few-words.txt"
    article.write_text(f"Title\n\n{text}\n", encoding="utf-8")
    result = run(str(article), "-a", "lsa", "--no-cache")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
