"""Time of digest's sentence selection (``digest.stages.summarize.summarize``) alone, for a
10-article and a 100-article story, at 100, 250 and 400 words.

Usage (from the repository root, with the package installed):

    python benchmarks/selection_speed.py          # written to benchmarks/results/selection-speed.txt

The stories: one story of ../shared/data/multiling2011_en (M001, 10 articles) and all 100
articles of the set built as one story (``clusters="1"``). The pipeline runs once to the
point where it calls ``summarize`` (the candidates are caught there); then ``summarize`` is
timed alone, ``--repeat`` times per budget after one warm-up call (highspy's import), and
the median counts. Targets (issue 18): 10 articles <= 0.3 s, 100 articles <= 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from digest import pipeline
from digest.settings import Settings
from digest.stages import summarize

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multiling2011_en"
RESULTS = Path(__file__).resolve().parent / "results" / "selection-speed.txt"
TARGETS = {10: 0.3, 100: 2.0}


def caught(docs: list[str]) -> tuple[list, list[str]]:  # type: ignore[type-arg]
    """The candidates and titles the pipeline hands to ``summarize`` for ``docs`` as one story."""
    seen: list[tuple] = []  # type: ignore[type-arg]
    real = pipeline.summarize

    def catch(candidates, settings, titles=()):  # type: ignore[no-untyped-def]
        seen.append((list(candidates), list(titles)))
        return real(candidates, settings, titles)

    pipeline.summarize = catch  # type: ignore[assignment]
    try:
        pipeline.build(docs, Settings(clusters="1", words=100))
    finally:
        pipeline.summarize = real  # type: ignore[assignment]
    (story,) = seen
    return story


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", help="where to write the report; '-' for nowhere")
    args = parser.parse_args()
    stories = {
        10: sorted(str(p) for p in (DATA / "M001" / "docs").glob("*.txt")),
        100: sorted(str(p) for p in DATA.glob("*/docs/*.txt")),
    }
    lines = [
        f"$ python benchmarks/selection_speed.py --repeat {args.repeat}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}",
        "seconds of summarize() alone, median of the runs; method: the selection that ran",
        f"{'story':<12} {'candidates':>10} {'words':>5} {'median s':>8} {'max s':>6} {'target':>6}  method",
    ]
    failed = False
    for size, docs in stories.items():
        candidates, titles = caught(docs)
        for words in (100, 250, 400):
            settings = Settings(clusters="1", words=words)
            summarize.summarize(candidates, settings, titles)  # warm-up
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                picks = summarize.summarize(candidates, settings, titles)
                times.append(time.perf_counter() - start)
            median = statistics.median(times)
            method = ",".join(sorted({str(p.components["selection"]) for p in picks}))
            ok = median <= TARGETS[size]
            failed |= not ok
            lines.append(
                f"{size:>3} articles {len(candidates):>10} {words:>5} {median:>8.3f} {max(times):>6.3f} "
                f"{TARGETS[size]:>6.1f}  {method}{'' if ok else '  OVER TARGET'}"
            )
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output != "-":
        out = Path(args.output) if args.output else RESULTS
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
