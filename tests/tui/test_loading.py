"""The TUI's plain-Python parts: wrapping with offsets, locating citations, export, opener targets."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from digest.models import Citation, Digest, Document
from digest.settings import Settings
from digest.tui.loading import export_markdown, export_path, locate, open_target, search, settings_from
from digest.tui.widgets import wrap_offsets
from tests.tui.helpers import ROOT


@given(st.text(alphabet=st.sampled_from("ab cd\n\tæ日本-"), max_size=200), st.integers(2, 30))
def test_wrapped_lines_cover_the_text_in_order_and_fit(text: str, width: int) -> None:
    lines = wrap_offsets(text, width)
    position = 0
    for start, end in lines:
        assert position <= start <= end
        assert set(text[position:start]) <= {"\n"}  # only the newlines between paragraphs are left out
        assert "\n" not in text[start:end]
        assert cell_len(text[start:end].rstrip()) <= width
        position = end
    assert set(text[position:]) <= {"\n"}


def test_wrapping_breaks_between_words() -> None:
    text = "The storm hit the coast.\n\nIt moved north."
    assert [text[s:e] for s, e in wrap_offsets(text, 12)] == [
        "The storm ",
        "hit the ",
        "coast.",
        "",
        "It moved ",
        "north.",
    ]


def document(text: str) -> Document:
    return Document(id="d1", origin="a.txt", title="A", text=text)


def test_locate_uses_the_offsets_when_they_hold_the_sentence() -> None:
    doc = document("Intro.  The storm hit the\ncoast. End.")
    assert locate(doc, Citation("d1", 8, 32), "The storm hit the coast.") == (8, 32)


def test_locate_finds_the_sentence_in_a_changed_text_or_gives_up() -> None:
    doc = document("NEW LINE. Intro.  The storm hit the\ncoast. End.")
    start, end = locate(doc, Citation("d1", 8, 32), "The storm hit the coast.")  # type: ignore[misc]
    assert doc.text[start:end] == "The storm hit the\ncoast."
    assert locate(doc, Citation("d1", 8, 32), "Not there at all.") is None
    assert locate(document(""), Citation("d1", 8, 32), "The storm.") is None


def test_export_never_overwrites(tmp_path: Path) -> None:
    now = datetime(2025, 3, 14, 7, 30, 5)
    first = export_path(tmp_path, now)
    assert first.name == "digest-20250314-073005.md"
    first.write_text("x")
    assert export_path(tmp_path, now).name == "digest-20250314-073005-2.md"
    digest = Digest(stories=(), documents=(), settings={}, generated_at="2025-03-14T07:30:00+00:00")
    written = export_markdown(digest, tmp_path, now)
    assert written.name == "digest-20250314-073005-2.md" and first.read_text() == "x"
    assert written.read_text(encoding="utf-8").startswith("# Digest")


def test_open_target_is_a_web_address_or_an_absolute_existing_file(tmp_path: Path) -> None:
    article = tmp_path / "-rf.txt"  # a name that looks like an option is passed as an absolute path
    article.write_text("x")
    assert open_target(Document("d1", str(article), "t", "x")) == str(article)
    assert open_target(Document("d1", "https://example.org/a", "t", "x")) == "https://example.org/a"
    assert (
        open_target(Document("d1", "a.txt", "t", "x", url="https://example.org/b")) == "https://example.org/b"
    )
    assert open_target(Document("d1", "-", "t", "x")) is None
    assert open_target(Document("d1", "gone.txt", "t", "x", url="javascript:alert(1)")) is None
    assert open_target(Document("d1", "gone.txt", "t", "x", url="https://x.org/a b")) is None


def test_saved_settings_are_used_where_they_are_valid() -> None:
    fallback = Settings(algorithm="lsa")
    saved = {"algorithm": "luhn", "sentences": 2}
    assert settings_from(saved, fallback) == Settings(algorithm="luhn", sentences=2)
    broken = {"algorithm": "rm -rf", "sentences": "2", "words": -1, "clusters": "x", "max_bytes": "big"}
    assert settings_from(broken, fallback) == fallback


def test_search_ignores_case_and_reports_the_span() -> None:
    from digest.models import Candidate, Pick, Story

    pick = Pick(Candidate("The Storm hit.", (Citation("d1", 0, 14),), 0.0, (0, 0)), 1.0)
    digest = Digest(
        stories=(Story("c1", "Storm news", ("d1",), (pick,)),),
        documents=(document("x"),),
        settings={},
        generated_at="",
    )
    hits = search(digest, "storm")
    assert [(h.sentence, h.text[h.start : h.end]) for h in hits] == [(None, "Storm"), (0, "Storm")]
    assert search(digest, "   ") == []
    assert search(digest, "[/") == []


def _imports(nodes: Sequence[ast.stmt] | ast.Module) -> list[str]:
    found = []
    for node in ast.walk(nodes) if isinstance(nodes, ast.Module) else nodes:
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(node.module or "")
    return found


def test_only_the_tui_package_imports_textual() -> None:
    """textual only in digest/tui; digest.tui only there and inside the CLI's tui command (digest/cli)."""
    for path in (ROOT / "digest").rglob("*.py"):
        if "tui" in path.relative_to(ROOT / "digest").parts:
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        for name in _imports(module):
            assert not name.startswith("textual"), f"{path} imports {name}"
            if path.relative_to(ROOT / "digest").parts[0] != "cli":
                assert not name.startswith("digest.tui"), f"{path} imports {name}"
        top_level = [node for node in module.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        assert not any(name.startswith("digest.tui") for name in _imports(top_level)), path


def test_the_core_loads_without_textual_in_a_fresh_process() -> None:
    core = sorted(
        ".".join(("digest", *p.relative_to(ROOT / "digest").with_suffix("").parts))
        for p in (ROOT / "digest").rglob("*.py")
        if p.name != "__main__.py" and p.relative_to(ROOT / "digest").parts[0] != "tui"
    )
    code = "; ".join(f"import {m.removesuffix('.__init__')}" for m in core)
    code += "; import digest.tui.loading; import sys; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_a_saved_digest_opened_from_another_folder_finds_its_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from digest.tui.loading import load_saved
    from tests.tui.helpers import save_digest

    (tmp_path / "saved").mkdir()
    saved = save_digest(["corpus/seeds"], tmp_path / "saved" / "seeds.json", include_text=False)
    assert json.loads(saved.read_text(encoding="utf-8"))["base"] == str(ROOT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # neither the build's folder nor the saved file's
    digest, notes = load_saved(saved, 10**7)
    assert notes == []
    assert all(doc.text for doc in digest.documents)
    assert all(Path(doc.origin).is_file() for doc in digest.documents)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs")
def test_a_fifo_given_as_a_saved_digest_is_refused_not_waited_on(tmp_path: Path) -> None:
    """It blocked the TUI's loading for as long as nothing wrote into the FIFO (the saved
    digest's reader was the one reader without the non-blocking open and the regular-file
    check that articles and local feeds had; now all three are digest.files.read_capped)."""
    from digest.tui.loading import SavedDigestError, load_saved

    fifo = tmp_path / "digest.json"
    os.mkfifo(fifo)
    with pytest.raises(SavedDigestError, match="not a regular file"):
        load_saved(fifo, 10**7)
