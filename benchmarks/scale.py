"""How digest's speed and memory grow with the number of articles (issue 6: speed and scale).

Usage (from the repository root):

    python benchmarks/scale.py                       # everything, into benchmarks/results/scale.txt
    python benchmarks/scale.py --sizes 1000,2000 --output -
    python benchmarks/scale.py --only algorithms     # or: sizes, story, help, cache

Corpora come from ``benchmarks/make_corpus.py`` (fixed seed) and are written once under
``--corpora`` (default /tmp/digest-bench), never into the repository. Measured:

- sizes: a complete ``digest build DIR --format json -o /dev/null -q`` in a child process
  per corpus size, ``--repeat`` times (the fastest counts, see ``measure_sizes``), its
  wall time and its peak resident memory (``os.wait4``'s rusage of the child), and how the
  time grows from one size to the next;
- story: the same for one story of 500 articles (``make_corpus.py --story 500``);
- algorithms: each ``--algorithm`` on each 10-article story of
  ../shared/data/multiling2011_en, in process (imports excluded), the slowest story and the
  mean; for the rankers digest reimplements, sumy's own summarizer on the same sentences;
- help: ``digest --help`` in a child process (the best of 5 and the median);
- cache: the same build of ``--cache-size`` articles three times with a new, empty cache:
  ``--no-cache``, a first run that fills the cache, and a second run that reuses it.

Every other build runs with ``--no-cache``, so that one run of this script cannot speed up the next.

Build times and peaks include worker processes (``$DIGEST_WORKERS``, default one per core).

Timings depend on the machine and on its load, which the report records (``uptime``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
DATA = ROOT.parent / "shared" / "data" / "multiling2011_en"
RESULTS = Path(__file__).resolve().parent / "results" / "scale.txt"
SIZES = (1000, 2000, 5000, 10000)
TARGETS = {10000: 60.0}
"""Seconds a complete build may take (issue 6)."""
CACHE_SPEEDUP = 3.0
"""How many times faster a second build over the same inputs must be (issue 6)."""
MEMORY_TARGET_MB = 2048


def corpus(folder: Path, n: int, one_story: bool = False) -> Path:
    """The benchmark corpus of ``n`` articles under ``folder``, made once."""
    import make_corpus

    path = folder / (f"story{n}" if one_story else f"c{n}")
    done = path / ".complete"
    if not done.exists():
        make_corpus.make(n, path, one_story=one_story)
        done.write_text("made by benchmarks/make_corpus.py\n")
    return path


def _tree_rss_mb(root: int) -> float:
    """Proportional resident memory (Pss) of a process and all its descendants (the worker
    processes), in MB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                    parents[int(entry)] = int(handle.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            # Pss: each page shared by n processes (the forked workers and their parent) counts 1/n.
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
                total += next(int(line.split()[1]) for line in handle if line.startswith("Pss:")) * 1024
        except (OSError, ValueError, IndexError, StopIteration):
            continue
    return total / 2**20


def run(args: Sequence[str], timeout: float) -> tuple[float, float, int]:
    """Run ``digest ARGS`` in a child process: (wall seconds, peak RSS in MB, exit status).

    The peak is the larger of the child's own peak (``os.wait4``'s ru_maxrss, exact) and the
    highest sum of Pss (pages shared between the forked workers and their parent counted
    once) over the child and its worker processes, sampled every 0.2 s.
    """
    command = [sys.executable, "-m", "digest", *args]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = start + timeout
    tree_peak = 0.0
    sampled = 0.0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            child.kill()
            pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = -9
            return float("inf"), max(usage.ru_maxrss / 1024, tree_peak), -9
        if os.path.isdir("/proc") and time.perf_counter() - sampled >= 0.2:
            tree_peak = max(tree_peak, _tree_rss_mb(child.pid))
            sampled = time.perf_counter()
        time.sleep(0.005)  # the end is seen within 5 ms (sleeping 0.2 s made --help take 0.2 or 0.4 s)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.stderr.write(child.stderr.read().decode(errors="replace")[-2000:] if child.stderr else "")
    return wall, max(usage.ru_maxrss / 1024, tree_peak), child.returncode  # ru_maxrss: KB on Linux


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def measure_sizes(
    folder: Path, sizes: Sequence[int], extra: Sequence[str], timeout: float, repeat: int = 1
) -> list[str]:
    """Each size built ``repeat`` times, the sizes taken in turn (a change in the machine's
    speed then weighs on every size alike). The best time counts, as timeit's documentation
    advises: slower runs measure the machine's other work, not digest's (on a shared 2-core
    machine the same 10,000-article build took from 25 to 59 s in one hour). The median and
    every run are shown too."""
    lines = ["## complete builds (child process: digest build DIR --format json -o /dev/null -q)", ""]
    if repeat > 1:
        lines += [
            f"{repeat} builds per size, the sizes in turn; best: the fastest build (it counts), median,",
            "and every build in brackets; growth: of the best (of the median); peak: the highest",
            "",
        ]
    lines.append(
        f"{'articles':>8} {'words':>10} {'best s':>7} {'median':>7} {'peak MB':>8}  {'growth':<24}  load"
    )
    paths = {n: corpus(folder, n) for n in sizes}
    runs: dict[int, list[tuple[float, float, int]]] = {n: [] for n in sizes}
    loads: dict[int, str] = {}
    for _ in range(repeat):
        for n in sizes:
            runs[n].append(
                run(
                    [
                        "build",
                        str(paths[n]),
                        "--format",
                        "json",
                        "-o",
                        os.devnull,
                        "-q",
                        "--no-cache",
                        *extra,
                    ],
                    timeout,
                )
            )
            loads[n] = load().split("load average:")[-1].strip()
    previous: tuple[int, float, float] | None = None
    for n in sizes:
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths[n].rglob("*.txt"))
        best = min(r[0] for r in runs[n])
        median = statistics.median(r[0] for r in runs[n])
        peak = max(r[1] for r in runs[n])
        status = next((r[2] for r in runs[n] if r[2]), 0)
        growth = (
            f"x{best / previous[1]:.2f} (x{median / previous[2]:.2f}) for x{n / previous[0]:.1f}"
            if previous and median < 1e9
            else ""
        )
        verdict = ""
        if n in TARGETS:
            met = best <= TARGETS[n] and peak <= MEMORY_TARGET_MB
            verdict = f"  target {TARGETS[n]:.0f} s / {MEMORY_TARGET_MB} MB: {'met' if met else 'NOT met'}"
        shown = f"{best:7.1f} {median:7.1f}" if median < 1e9 else f"{'>' + str(int(timeout)):>15}"
        each = f" [{' '.join(f'{r[0]:.1f}' for r in runs[n])}]" if repeat > 1 else ""
        lines.append(
            f"{n:>8} {words:>10} {shown} {peak:>8.0f}  {growth:<24}  {loads[n]}{verdict}{each}"
            + (f"  (exit {status})" if status else "")
        )
        print(lines[-1], flush=True)
        previous = (n, best, median)
    return lines + [""]


def measure_story(folder: Path, n: int, extra: Sequence[str], timeout: float) -> list[str]:
    path = corpus(folder, n, one_story=True)
    wall, peak, status = run(
        ["build", str(path), "--format", "json", "-o", os.devnull, "-q", "--no-cache", *extra], timeout
    )
    line = (
        f"one story of {n} articles: complete build {wall:.1f} s, peak {peak:.0f} MB "
        f"(target: summarized in 10 s: {'met' if wall <= 10 else 'NOT met'})"
        + (f" (exit {status})" if status else "")
    )
    print(line, flush=True)
    return ["## one big story", "", line, ""]


def measure_algorithms(data: Path) -> list[str]:
    from digest.evaluate import load as load_set
    from digest.pipeline import build
    from digest.settings import ALGORITHMS, Settings

    stories = load_set(data)
    lines = [
        "## each --algorithm on a 10-article story (in process, imports excluded)",
        "",
        f"{'algorithm':<10} {'slowest s':>9} {'mean s':>7}  target 1 s",
    ]
    build([str(p) for p in stories[0].docs], Settings(clusters="1"))  # warm up imports and caches
    for algorithm in ALGORITHMS:
        times = []
        for story in stories:
            start = time.perf_counter()
            build([str(p) for p in story.docs], Settings(algorithm=algorithm, clusters="1"))
            times.append(time.perf_counter() - start)
        lines.append(
            f"{algorithm:<10} {max(times):>9.2f} {statistics.mean(times):>7.2f}  "
            f"{'met' if max(times) <= 1 else 'NOT met'}"
        )
        print(lines[-1], flush=True)
    lines += ["", "sumy's own summarizer on the same candidate sentences, where digest replaces it:", ""]
    lines += _sumy_comparison(stories)
    return lines + [""]


def _sumy_comparison(stories) -> list[str]:  # type: ignore[no-untyped-def]
    from digest.settings import Settings
    from digest.stages import summarize
    from digest.stages.dedup import merge_sentences
    from digest.stages.ingest import ingest
    from digest.stages.segment import segment

    replaced = getattr(summarize, "NATIVE", {})
    lines = []
    for algorithm in sorted(replaced):
        ours, theirs = [], []
        for story in stories:
            documents, _ = ingest([str(p) for p in story.docs], Settings().max_bytes)
            sentences = {d.id: segment(d) for d in documents}
            texts = [c.text for c in merge_sentences(documents, sentences)]
            start = time.perf_counter()
            summarize.rate(texts, algorithm)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            summarize.rate(texts, algorithm, native=False)
            theirs.append(time.perf_counter() - start)
        lines.append(
            f"{algorithm:<10} digest {max(ours):.3f} s, sumy {max(theirs):.3f} s (slowest story, "
            f"ranking only)"
        )
        print(lines[-1], flush=True)
    return lines or ["(none replaced)"]


def measure_cache(folder: Path, n: int, extra: Sequence[str], timeout: float) -> list[str]:
    """Uncached, first (empty cache) and second build of the n-article corpus, in child processes."""
    path = corpus(folder, n)
    args = ["build", str(path), "--format", "json", "-o", os.devnull, "-q", *extra]
    lines = [f"## second run over the same inputs (the cache; {n} articles, child processes)", ""]
    saved = os.environ.get("DIGEST_CACHE")
    with tempfile.TemporaryDirectory(prefix="digest-cache-bench-") as cache:
        os.environ["DIGEST_CACHE"] = cache
        try:
            uncached = run([*args, "--no-cache"], timeout)
            first = run(args, timeout)
            second = run(args, timeout)
            size = sum(p.stat().st_size for p in Path(cache).iterdir()) / 2**20
        finally:
            if saved is None:
                os.environ.pop("DIGEST_CACHE", None)
            else:
                os.environ["DIGEST_CACHE"] = saved
    for name, (wall, peak, status) in (
        ("--no-cache", uncached),
        ("first run", first),
        ("second run", second),
    ):
        lines.append(
            f"{name:<11} {wall:6.1f} s  peak {peak:5.0f} MB" + (f"  (exit {status})" if status else "")
        )
    ratio = first[0] / second[0]
    lines.append(
        f"second run x{ratio:.1f} faster than the first ({size:.0f} MB of cache; target "
        f"x{CACHE_SPEEDUP:.0f}: {'met' if ratio >= CACHE_SPEEDUP else 'NOT met'}); load "
        f"{load().split('load average:')[-1].strip()}"
    )
    print("\n".join(lines[2:]), flush=True)
    return lines + [""]


def measure_help() -> list[str]:
    times = [run(["--help"], 30)[0] for _ in range(5)]
    line = (
        f"digest --help: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
        f"(target 0.5 s: {'met' if statistics.median(times) <= 0.5 else 'NOT met'})"
    )
    print(line, flush=True)
    return ["## start-up", "", line, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="corpus sizes (default: %(default)s)"
    )
    parser.add_argument("--story", type=int, default=500, help="articles of the one big story (default: 500)")
    parser.add_argument(
        "--corpora",
        type=Path,
        default=Path(tempfile.gettempdir()) / "digest-bench",
        help="where corpora are made and kept (default: %(default)s)",
    )
    parser.add_argument("--data", type=Path, default=DATA, help="10-article stories (default: %(default)s)")
    parser.add_argument(
        "--cache-size", type=int, default=2000, help="articles of the cache measurement (default: 2000)"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=["sizes", "story", "algorithms", "help", "cache"],
        help="measure only this (repeatable)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds per build (default: 600)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="builds per corpus size, of which the fastest counts (default: 5)",
    )
    parser.add_argument("--build-args", default="", help="more options for every build, e.g. '-a kl'")
    parser.add_argument(
        "--output",
        default=str(RESULTS),
        help="where to write the report; '-' for nowhere (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    only = set(args.only or ["sizes", "story", "algorithms", "help", "cache"])
    extra = shlex.split(args.build_args)
    lines = [
        f"$ python benchmarks/{Path(__file__).name} {shlex.join(sys.argv[1:] if argv is None else argv)}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}",
        f"machine: {os.cpu_count()} cores; load at start: {load()}",
        "",
    ]
    if "help" in only:
        lines += measure_help()
    if "algorithms" in only:
        lines += measure_algorithms(args.data)
    if "story" in only:
        lines += measure_story(args.corpora, args.story, extra, args.timeout)
    if "sizes" in only:
        lines += measure_sizes(
            args.corpora, [int(s) for s in args.sizes.split(",")], extra, args.timeout, max(1, args.repeat)
        )
    if "cache" in only:
        lines += measure_cache(args.corpora, args.cache_size, extra, args.timeout)
    lines.append(f"load at end: {load()}")
    report = "\n".join(lines) + "\n"
    if args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")
    print(f"\n{report}" if args.output == "-" else f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
