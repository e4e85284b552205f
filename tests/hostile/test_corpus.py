"""The hostile corpus (cases/ and cases.toml), and the cases made at test time, through every renderer.

Each case is built alone (with one good article, so that a skipped case still leaves a
digest to render) and rendered in every format: no traceback, no control character, valid
JSON, nothing live in Markdown or HTML, a 7-bit email (tests/hostile/checks.py).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from digest.pipeline import NothingToSummarize, build
from digest.render import RENDERERS, RenderOptions
from digest.settings import Settings
from digest.stages.ingest import MAX_LINE_CHARS
from tests.conftest import ROOT
from tests.hostile.checks import check_output, no_controls

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
MANIFEST = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))
FORMATS = ("terminal", "markdown", "text", "json", "html", "email")
GOOD = (
    "Bridge reopens after repairs\n\n"
    "The old river bridge reopened to traffic on Friday after six months of repairs, the council said.\n"
    "Engineers replaced the worn cables and strengthened the deck, according to the city engineer.\n"
)
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file types and permissions")


def render_everything(digest: object) -> dict[str, str]:
    """Every format, checked; returns the outputs."""
    outputs = {}
    for name in FORMATS:
        out = io.StringIO()
        RENDERERS[name](
            digest,
            out,
            RenderOptions(
                include_text=True,
                width=10_000,  # type: ignore[arg-type]
                headers=(("To", "me@example.org"),),
            ),
        )
        outputs[name] = out.getvalue()
        check_output(name, outputs[name], digest)
    return outputs


def folded(text: str) -> str:
    return " ".join(text.split())


def test_every_case_file_is_in_the_manifest() -> None:
    assert sorted(p.name for p in CASES.iterdir()) == sorted(MANIFEST)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_case(name: str, tmp_path: Path) -> None:
    case = MANIFEST[name]
    settings = Settings(words=case.get("words"), clusters="auto")
    path = CASES / name
    # Alone first: a case that is skipped or has nothing to quote is "nothing to summarize".
    if case["expect"] in ("skipped", "nothing"):
        with pytest.raises(NothingToSummarize) as caught:
            build([str(path)], settings)
        assert any(case["warning"] in w for w in caught.value.warnings), caught.value.warnings
        assert all("\n" not in w for w in caught.value.warnings)
    # With a good article, a digest is always built and every output keeps the invariants.
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    digest = build([str(path), str(good)], settings)
    outputs = render_everything(digest)
    data = json.loads(outputs["json"])
    paths = [d["path"] for d in data["documents"]]
    if case["expect"] == "skipped":
        assert paths == [str(good)]
        assert any(case["warning"] in w for w in digest.warnings)
    else:
        assert paths[0] == str(path)
    if case["expect"] == "digest":
        quoted = [
            s["text"]
            for c in data["clusters"]
            for s in c["sentences"]
            if any(cit["document"] == "d1" for cit in s["citations"])
        ]
        assert quoted, "the case's own sentences are in the digest"
        shown = folded(" ".join([d["title"] for d in data["documents"]] + quoted))
        for text in case.get("shows", []):
            assert folded(text) in shown, (text, shown)
            assert folded(text) in folded(outputs["terminal"]), text
        for cluster in data["clusters"]:
            for sentence in cluster["sentences"]:
                assert sentence["score"] == sentence["score"]  # never NaN
    for text in case.get("hidden", []):
        for fmt, output in outputs.items():
            assert text not in output, (fmt, text)


# -- cases made at test time -------------------------------------------------------------------


def _digest_with(tmp_path: Path, paths: list[str]) -> tuple[object, list[str]]:
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    digest = build([*paths, str(good)], Settings())
    render_everything(digest)
    return digest, list(digest.warnings)  # type: ignore[attr-defined]


@posix_only
def test_fifo_is_skipped_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "news.txt"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    os.mkfifo(folder / "in-a-folder.txt")
    start = time.monotonic()
    _, warnings = _digest_with(tmp_path, [str(fifo), str(folder)])
    assert time.monotonic() - start < 30
    assert f"{fifo}: not a regular file" in warnings
    assert f"{folder / 'in-a-folder.txt'}: not a regular file" in warnings


@posix_only
def test_symlink_loop_is_skipped(tmp_path: Path) -> None:
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.txt").symlink_to(folder / "b.txt")
    (folder / "b.txt").symlink_to(folder / "a.txt")
    (folder / "up").symlink_to(folder)  # a folder that contains itself
    _, warnings = _digest_with(tmp_path, [str(loop), str(folder)])
    assert f"{loop}: symbolic link loop" in warnings
    assert f"{folder / 'a.txt'}: symbolic link loop" in warnings


@posix_only
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file_is_skipped(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(GOOD.replace("Bridge", "Tunnel"), encoding="utf-8")
    secret.chmod(0)
    try:
        _, warnings = _digest_with(tmp_path, [str(secret)])
    finally:
        secret.chmod(0o600)
    assert any(w.startswith(f"{secret}: ") and "ermission" in w for w in warnings), warnings


def test_directory_named_like_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "article.txt"
    folder.mkdir()
    (folder / "inside.txt").write_text(GOOD.replace("Bridge", "Tunnel"), encoding="utf-8")
    empty = tmp_path / "empty.html"
    empty.mkdir()
    digest, warnings = _digest_with(tmp_path, [str(folder), str(empty)])
    assert f"{empty}: no articles in this directory" in warnings
    assert [d.origin for d in digest.documents][0] == str(folder / "inside.txt")  # type: ignore[attr-defined]


def test_file_over_the_size_cap_is_skipped(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # 50 MB, sparse: cheap to make, and only 10 MB + 1 is read
        handle.write(GOOD.encode())
        handle.truncate(50 * 1024 * 1024)
    start = time.monotonic()
    _, warnings = _digest_with(tmp_path, [str(big)])
    assert time.monotonic() - start < 20
    assert f"{big}: larger than the 10 MB limit, skipped" in warnings


def test_file_with_a_5_mb_line_is_skipped(tmp_path: Path) -> None:
    sentence = "The storm hit the coast on Monday and thousands of homes lost power, officials said. "
    line = tmp_path / "one-line.txt"
    line.write_text("Storm\n\n" + sentence * (5 * 1024 * 1024 // len(sentence)) + "\n", encoding="utf-8")
    html = tmp_path / "minified.html"  # a long line of markup is fine: the limit is on the text
    html.write_text(
        "<html><body><article>"
        + "<span></span>" * (MAX_LINE_CHARS // 10)
        + "<p>The tunnel under the river opened on Friday after years of work, the mayor said."
        "</p>"
        "<p>Traffic on the old bridge fell by half in the first hours, the council said.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    start = time.monotonic()
    digest, warnings = _digest_with(tmp_path, [str(line), str(html)])
    assert time.monotonic() - start < 20
    assert f"{line}: a line longer than the 100,000 character limit, skipped" in warnings
    assert str(html) in [d.origin for d in digest.documents]  # type: ignore[attr-defined]


def test_10000_identical_lines(tmp_path: Path) -> None:
    same = tmp_path / "same.txt"
    line = "The storm hit the coast on Monday, officials said.\n"
    same.write_text("Storm\n\n" + line * 10_000, encoding="utf-8")
    start = time.monotonic()
    digest, _ = _digest_with(tmp_path, [str(same)])
    assert time.monotonic() - start < 20
    texts = [p.candidate.text for s in digest.stories for p in s.sentences]  # type: ignore[attr-defined]
    assert texts.count("The storm hit the coast on Monday, officials said.") == 1


@posix_only
@pytest.mark.parametrize(
    "name",
    [
        "new\nline.txt",
        "esc\x1b[2Jclear.txt",
        "title\x1b]0;pwned\x07.txt",
        "bidi\u202etxt.exe.txt",
        "c1\u009b31m.txt",
        "tab\there.txt",
    ],
)
def test_hostile_file_names_are_shown_escaped(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(GOOD.replace("Bridge", "Tunnel").replace("\n\n", "\n\n\x1b[2J"), encoding="utf-8")
    empty = tmp_path / ("empty-" + name)
    empty.write_text("")
    digest, warnings = _digest_with(tmp_path, [str(empty), str(path)])
    assert len(warnings) == 1 and "\n" not in warnings[0] and "\x1b" not in warnings[0]
    no_controls(warnings[0], "warning")
    assert "\\" in warnings[0]  # the control character is shown as an escape


def test_the_corpus_through_the_command(tmp_path: Path) -> None:
    """The real command over the whole corpus: a digest, one-line warnings, no traceback."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(ROOT)}
    for fmt in ("json", "markdown"):
        result = subprocess.run(
            [sys.executable, "-m", "digest", "build", str(CASES), "-f", fmt],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        skipped = [n for n, c in MANIFEST.items() if c["expect"] != "digest"]
        assert len(lines) == len(skipped) and all(line.startswith("digest: warning: ") for line in lines)
        no_controls(result.stderr, "stderr")
        no_controls(result.stdout, fmt)
        if fmt == "json":
            assert len(json.loads(result.stdout)["documents"]) == len(MANIFEST) - len(
                [n for n, c in MANIFEST.items() if c["expect"] == "skipped"]
            )
