"""Import hygiene: the core never imports the TUI, and the CLI starts without heavy imports."""

from __future__ import annotations

import subprocess
import sys


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
