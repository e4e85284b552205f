"""Import hygiene: the core never imports the TUI, and the CLI starts without heavy imports."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_core_does_not_import_textual() -> None:
    loaded = modules_after("import digest.pipeline, digest.render, digest.serialization")
    assert "textual" not in loaded


def test_cli_module_defers_heavy_imports() -> None:
    # `digest --help` must answer in well under 0.5 s: sumy, scikit-learn, numpy and
    # trafilatura are imported only when a digest is built.
    loaded = modules_after("import digest.cli.app")
    for heavy in ("sumy", "sklearn", "numpy", "scipy", "nltk", "trafilatura", "textual", "datasketch"):
        assert heavy not in loaded, heavy


def test_no_headless_module_imports_a_front_end_or_its_libraries() -> None:
    """Every module outside digest.cli and digest.tui, imported together: no textual, typer,
    click or rich (rich is the terminal renderer's, which is left out), no front end."""
    package = ROOT / "digest"
    names = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[1] in ("cli", "tui", "__main__") or parts[1:] == ("render", "terminal"):
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    assert "digest.pipeline" in names and "digest.stages.segment" in names and len(names) > 25
    loaded = modules_after("\n".join(f"import {name}" for name in names))
    front = {m for m in loaded if m.split(".")[0] in ("textual", "typer", "click", "rich")}
    front |= {m for m in loaded if m.startswith(("digest.cli", "digest.tui", "digest.render.terminal"))}
    assert not front, sorted(front)


def _digest_imports(path: Path, module: str) -> set[str]:
    """The digest modules that ``path`` imports anywhere (in functions too), but not under
    ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("digest")} - {module}


def test_the_module_graph_has_no_circle() -> None:
    """No module imports one that imports it back, directly or through others: a package's
    __init__ and its modules included (the lazy imports inside functions count)."""
    modules = {}
    for path in sorted((ROOT / "digest").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {name: _digest_imports(path, name) & modules.keys() for name, path in modules.items()}
    state: dict[str, int] = {}
    circles = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                circles.append(" -> ".join([*trail[trail.index(other) :], other]))
            elif other not in state:
                visit(other, [*trail, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not circles, circles


CORPUS = ROOT / "corpus"


@pytest.mark.parametrize(
    ("inputs", "unneeded"),
    [
        # One article: no copies to find, a small story.
        (
            "multiling2011/M000/M0000.txt",
            ("nltk", "scipy", "datasketch", "sklearn", "sumy.nlp", "sumy.summarizers"),
        ),
        # Ten articles: copies (datasketch) and grouping (scipy), but no nltk nor scikit-learn.
        ("multiling2011/M000", ("nltk", "sklearn", "sumy.nlp", "sumy.summarizers")),
    ],
)
def test_a_small_build_imports_only_what_it_needs(inputs: str, unneeded: tuple[str, ...]) -> None:
    # nltk took 1.7 s (scipy.stats behind nltk.metrics), datasketch 0.5 s (scipy.integrate),
    # scikit-learn 0.6 s: benchmarks/results/startup-before-issue16.txt.
    loaded = modules_after(
        "from digest.pipeline import build\n"
        "from digest.run.local import LocalPool\n"
        f"digest = build([{str(CORPUS / inputs)!r}], runner=LocalPool(1))\n"
        "assert digest.stories"
    )
    assert "digest.stages.summarize" in loaded  # it did build
    for heavy in unneeded:
        assert heavy not in loaded, heavy


def test_english_stems_are_nltks() -> None:
    # digest stems English words with PyStemmer instead of sumy's Stemmer (nltk's
    # SnowballStemmer, which imports all of nltk): the same stem for every word of corpus/.
    from sumy.nlp.stemmers import Stemmer

    from digest.stages.language import stemmer

    words: set[str] = set()
    for path in CORPUS.rglob("*.txt"):
        text = path.read_text(encoding="utf-8")
        words.update(re.findall(r"\w+(?:[-'’]\w+)*", text))
    words.update(w.lower() for w in list(words))
    words.update(("it’s", "‘tis", "’s", "don’t", "skies", "dying", "news", "generously", "a", "Ab"))
    assert len(words) > 5000
    nltk_stem, ours = Stemmer("english"), stemmer("english")
    assert [w for w in sorted(words) if ours(w) != nltk_stem(w)] == []


def test_stop_words_are_sumys() -> None:
    from sumy.utils import get_stop_words

    from digest.stages.language import stop_words

    for language in ("english", "German", "czech"):
        assert stop_words(language) == frozenset(get_stop_words(language))
