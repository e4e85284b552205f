"""--engine dask against the local engine: the same digest, and how long each takes (issue 6).

Usage (from the repository root, with the dask extra: pip install -e '.[dask]'):

    python benchmarks/dask_equal.py                          # 1k articles, into benchmarks/results/dask.txt
    python benchmarks/dask_equal.py --sizes 1000,5000 --output -
    python benchmarks/dask_equal.py --scheduler tcp://host:8786   # also on a running cluster

Each size's corpus (benchmarks/make_corpus.py, fixed seed, under --corpora as scale.py makes
them) is built by ``digest build DIR --format json --include-text -q --no-cache`` in a child
process: with the local engine, with ``--engine dask`` (a LocalCluster started and closed by
the build, its start included in the time) and, given ``--scheduler``, on that cluster. The
outputs are compared whole but for ``generated_at``; wall time and peak memory (the build
and its worker processes) as scale.py measures them.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import corpus, load, run  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "dask.txt"


def built(path: Path, extra: Sequence[str], out: Path, timeout: float) -> tuple[float, float, dict | None]:
    """Build ``path`` with ``extra`` options: (wall s, peak MB, the digest without generated_at)."""
    wall, peak, status = run(
        [
            "build",
            str(path),
            "--format",
            "json",
            "--include-text",
            "-q",
            "--no-cache",
            "-o",
            str(out),
            *extra,
        ],
        timeout,
    )
    if status != 0:
        return wall, peak, None
    digest = json.loads(out.read_text(encoding="utf-8"))
    digest.pop("generated_at", None)
    return wall, peak, digest


def measure(folder: Path, n: int, scheduler: str | None, timeout: float) -> list[str]:
    path = corpus(folder, n)
    engines = [("local", []), ("dask, local cluster", ["--engine", "dask"])]
    if scheduler:
        engines.append((f"dask, {scheduler}", ["--engine", "dask", "--scheduler", scheduler]))
    lines = []
    reference = None
    with tempfile.TemporaryDirectory() as temp:
        for number, (name, extra) in enumerate(engines):
            wall, peak, digest = built(path, extra, Path(temp) / f"{number}.json", timeout)
            if digest is None:
                verdict = "FAILED"
            elif reference is None:
                reference = digest
                verdict = (
                    f"{len(digest['documents'])} documents, {len(digest['clusters'])} stories, "
                    f"{sum(len(c['sentences']) for c in digest['clusters'])} sentences"
                )
            else:
                verdict = "equal to local" if digest == reference else "DIFFERENT from local"
            lines.append(f"{n:>8} {name:<28} {wall:>7.1f} {peak:>8.0f}  {verdict}")
            print(lines[-1], flush=True)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="corpus sizes (default: %(default)s)")
    parser.add_argument("--scheduler", help="also build on the Dask scheduler at this address")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=Path(tempfile.gettempdir()) / "digest-bench",
        help="where corpora are made and kept (default: %(default)s)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per build (default: 600)")
    parser.add_argument(
        "--output",
        default=str(RESULTS),
        help="where to write the report; '-' for nowhere (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    lines = [
        f"$ python benchmarks/{Path(__file__).name} {shlex.join(sys.argv[1:] if argv is None else argv)}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}",
        f"machine: {os.cpu_count()} cores; load at start: {load()}",
        "",
        "digest build DIR --format json --include-text -q --no-cache [--engine dask ...], child process;",
        "outputs compared whole but for generated_at",
        "",
        f"{'articles':>8} {'engine':<28} {'wall s':>7} {'peak MB':>8}  digest",
    ]
    print("\n".join(lines[-1:]), flush=True)
    equal = True
    for n in [int(s) for s in args.sizes.split(",")]:
        rows = measure(args.corpora, n, args.scheduler, args.timeout)
        lines += rows
        equal = equal and all("DIFFERENT" not in row and "FAILED" not in row for row in rows)
    lines += ["", f"load at end: {load()}"]
    report = "\n".join(lines) + "\n"
    if args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")
    print(f"\n{report}" if args.output == "-" else f"written to {args.output}")
    return 0 if equal else 1


if __name__ == "__main__":
    sys.exit(main())
