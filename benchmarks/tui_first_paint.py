"""How soon `digest tui corpus/` paints its first screen, and how soon the digest is shown.

Usage (from the repository root, with the package installed):

    python benchmarks/tui_first_paint.py                 # 5 runs, written to results/tui-first-paint.txt
    python benchmarks/tui_first_paint.py --runs 10 --output -

Each run is a fresh interpreter that runs ``digest tui corpus/`` through ``digest.cli.app.main``,
as the `digest` command does, with the app headless at 80x24. The child reports two
moments, both measured by this parent from just before it starts the child:

- first paint: textual's ``Ready`` event (the DOM is ready and the first frame is out),
  with the loading indicator on screen. Target: under 1 s.
- digest shown: the ``DigestBuilt`` message from the build worker has been handled.

A benchmark, not a timed test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
import digest.cli.app
import digest.tui.app as tui
from digest.tui.messages import DigestBuilt

class Timed(tui.DigestApp):
    def on_ready(self) -> None:
        print("paint", flush=True)

    def on_digest_built(self, event: DigestBuilt) -> None:
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        print("shown", flush=True)
        self.exit()

    def run(self, **options):
        return super().run(headless=True, size=(80, 24))

tui.make_app = lambda *args: Timed(*args)  # the command builds the app through make_app
sys.argv = ["digest", "tui", sys.argv[1]]
digest.cli.app.main()
"""


def run_once(inputs: str) -> tuple[float, float]:
    """(seconds to first paint, seconds to digest shown) for one fresh process."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, inputs], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    moments = {}
    for line in child.stdout:
        moments[line.strip()] = time.perf_counter() - start
    if child.wait() != 0 or set(moments) != {"paint", "shown"}:
        raise SystemExit(f"the app did not start and show the digest: {moments}")
    return moments["paint"], moments["shown"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--inputs", default="corpus/")
    parser.add_argument(
        "--output",
        default=str(ROOT / "benchmarks" / "results" / "tui-first-paint.txt"),
        help="file to write the report to, or - for standard output only",
    )
    args = parser.parse_args()
    runs = [run_once(args.inputs) for _ in range(args.runs)]
    paint = [p for p, _ in runs]
    shown = [s for _, s in runs]
    lines = [
        f"# python benchmarks/tui_first_paint.py --runs {args.runs} --inputs {args.inputs}",
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}",
        "",
        f"first paint (loading indicator)  median {statistics.median(paint):.2f} s  "
        f"min {min(paint):.2f}  max {max(paint):.2f}   target < 1 s: "
        f"{'met' if statistics.median(paint) < 1 else 'NOT met'}",
        f"digest shown                     median {statistics.median(shown):.2f} s  "
        f"min {min(shown):.2f}  max {max(shown):.2f}",
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
