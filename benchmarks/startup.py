"""Start-up and splitting time (issue 16): ``digest --help``, a one-article build, segment().

Usage (from the repository root):

    python benchmarks/startup.py                       # into benchmarks/results/startup.txt
    python benchmarks/startup.py --against OLD --name before   # and another checkout, taking turns

Each command runs ``--runs`` times in a fresh interpreter (``python -m digest``, with the
checkout first on the path; with ``--against``, the two take turns, so that both see the
same load), after one run that writes the bytecode (into a temporary folder: an installed
package has its bytecode), and the median counts. The builds, with ``--no-cache`` and
written to nowhere, are of one article (corpus/multiling2011/M000/M0000.txt) and of its
story's ten (no target: a few feeds).
One more run with ``-X importtime`` says which of the heavy libraries the build imported.
Splitting: ``digest.stages.segment.segment`` of the 100 articles of multiling2011_en as one
document, in paragraphs and as one line, once and 8 times over (median of 3). Targets:
``--help`` <= 0.3 s, the build <= 0.6 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "startup.txt"
ARTICLE = "corpus/multiling2011/M000/M0000.txt"
STORY = "corpus/multiling2011/M000"
HEAVY = ("nltk", "scipy", "datasketch", "sklearn", "sumy", "numpy", "highspy")
TARGETS = {"help": 0.3, "build": 0.6, "story": None}
SPLIT = r"""
import statistics, sys, time
from pathlib import Path
from digest.models import Document
from digest.stages.segment import segment
texts = [p.read_text() for p in sorted(Path(sys.argv[1]).rglob("*.txt"))]
one_line = " ".join(" ".join(t.split()) for t in texts)
shapes = {"paragraphs": ("\n\n".join(texts), "\n\n"), "one line": (one_line, " ")}
segment(Document(id="w", origin="w.txt", title="", text="Warm up. Punkt loads."))
for name, (base, sep) in shapes.items():
    for times in (1, 8):
        doc = Document(id="d", origin="d.txt", title="", text=sep.join([base] * times))
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            count = len(segment(doc))
            runs.append(time.perf_counter() - start)
        print(f"{name:10} x{times}  {len(doc.text):9} {count:9} {statistics.median(runs):9.3f}")
"""


def environment(tree: Path, pycache: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(tree), PYTHONPYCACHEPREFIX=pycache)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(command: list[str], trees: list[Path], envs: list[dict[str, str]], runs: int) -> list[list[float]]:
    """Seconds of each run of ``command`` in each tree, the trees taking turns (the same load)."""
    for tree, env in zip(trees, envs, strict=True):
        subprocess.run(command, cwd=tree, env=env, capture_output=True, check=True)  # writes the bytecode
    times: list[list[float]] = [[] for _ in trees]
    for _ in range(runs):
        for k, (tree, env) in enumerate(zip(trees, envs, strict=True)):
            start = time.perf_counter()
            subprocess.run(
                command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
            )
            times[k].append(time.perf_counter() - start)
    return times


def imported(command: list[str], tree: Path, env: dict[str, str]) -> list[str]:
    """The HEAVY libraries the command imports (its ``-X importtime`` report)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", *command[1:]], cwd=tree, env=env, capture_output=True, text=True
    )
    names = {
        line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time")
    }
    return [name for name in HEAVY if name in names]


def split_times(tree: Path, env: dict[str, str], data: Path) -> list[str]:
    run = subprocess.run(
        [sys.executable, "-c", SPLIT, str(data)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return run.stdout.splitlines()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--against", type=Path, help="another checkout to time, taking turns with this one")
    parser.add_argument("--name", default="other", help="what to call it in the report")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--data", type=Path, default=None, help="multiling2011_en (default: ../shared/data)")
    parser.add_argument("--output", default=str(RESULTS), help="'-' for stdout only")
    args = parser.parse_args()
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    names = ["this checkout", args.name][: len(trees)]
    shared = [
        p for p in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data") if p.is_dir()
    ]
    data = args.data or (shared[0] if shared else ROOT) / "multiling2011_en"
    lines = [
        "$ python benchmarks/startup.py " + " ".join(sys.argv[1:]),
        f"date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"python: {sys.version.split()[0]}; CPUs: {len(os.sched_getaffinity(0))}; "
        f"load average at the start: {os.getloadavg()[0]:.2f}",
        f"{args.runs} runs of each command in a fresh interpreter, the checkouts taking turns; bytecode "
        "written by a first run",
        f"ARTICLE: {ARTICLE}; STORY: {STORY} (10 articles)",
        "",
        f"{'command':32} {'checkout':14} {'median s':>9} {'min s':>7} {'max s':>7} {'target':>7}  "
        "heavy imports",
    ]
    commands = {
        "help": [sys.executable, "-m", "digest", "--help"],
        "build": [sys.executable, "-m", "digest", "build", ARTICLE, "--no-cache"],
        "story": [sys.executable, "-m", "digest", "build", STORY, "--no-cache"],
    }
    labels = {
        "help": "digest --help",
        "build": "digest build ARTICLE --no-cache",
        "story": "digest build STORY --no-cache",
    }
    with tempfile.TemporaryDirectory() as pycache:
        envs = [environment(tree, f"{pycache}/{k}") for k, tree in enumerate(trees)]
        for key, command in commands.items():
            times = timed(command, trees, envs, args.runs)
            for tree, env, name, these in zip(trees, envs, names, times, strict=True):
                heavy = ", ".join(imported(command, tree, env)) or "none"
                lines.append(
                    f"{labels[key]:32} {name:14} {statistics.median(these):9.3f} {min(these):7.3f} "
                    f"{max(these):7.3f} {TARGETS[key] or '-':>7}  {heavy}"
                )
                print(lines[-1], flush=True)
        lines += ["", "segment() of multiling2011_en as one document (median of 3)"]
        lines.append(f"{'checkout':14} {'shape':13} {'chars':>9} {'sentences':>9} {'s':>9}")
        for tree, env, name in zip(trees, envs, names, strict=True):
            if data.is_dir():
                lines += [f"{name:14} {line}" for line in split_times(tree, env, data)]
            else:
                lines.append(f"(no {data})")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.output != "-":
        Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
