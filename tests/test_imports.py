"""Import hygiene: the core never imports the TUI, and the CLI starts without heavy imports."""

from __future__ import annotations

import subprocess
import sys

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
    for heavy in ("sumy", "sklearn", "numpy", "trafilatura", "textual", "datasketch"):
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
