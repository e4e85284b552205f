"""Import hygiene: the core never imports the TUI, and the CLI starts without heavy imports."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest


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


CORPUS = Path(__file__).resolve().parent.parent / "corpus"


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
