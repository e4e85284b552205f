"""Speed and memory of digest on a corpus with the shape of real news (issue 16), beside a floor.

Usage (from the repository root):

    python benchmarks/scale_news.py                      # 1k-20k, into benchmarks/results/scale-news.txt
    python benchmarks/scale_news.py --sizes 1000,2000 --output -

The corpora are made by ``benchmarks/news_corpus.py`` (real articles only; see its docstring for
how, and how they differ from a day of real feeds) under ``--corpora`` (default
``$DIGEST_BENCH/news`` or ``~/.cache/digest-bench/news``), never in the repository; a smaller
corpus is the beginning of a larger one. For each size, in one run, the sizes in turn:

- floor: in this process (imports excluded), reading each file, decoding and extracting it as
  digest does (``digest.stages.ingest.ingest``: HTML pages' text extracted), then splitting
  its text into sentences with the Punkt splitter alone (``punkt.tokenizer_for("english")``);
  reading+decoding and splitting are timed apart;
- cold: ``digest build CORPUS --format json -o FILE -q --no-cache`` in a child process, 2
  workers (``DIGEST_WORKERS=2``): wall time, articles/s, peak memory (the child and its workers,
  see ``scale.run``), and the stories it found;
- fill and warm: the same build twice with a new, empty cache (``DIGEST_CACHE``): the first
  fills it, the second (warm) reuses it;
- sumy: plain sumy LexRank (Snowball stemmer, English stop words, 5 sentences) on each true story
  of the corpus (its articles' texts, as the floor decoded them, concatenated and split by
  Punkt), the user's alternative to digest for the summaries only (no grouping, no copies): the
  floor's reading+decoding plus sumy's time. sumy's LexRank compares every pair of sentences
  in Python, so its time is capped (``--sumy-seconds`` per size): past the cap, the stories
  not done are estimated from the ones done, in proportion to their squared sentence count
  (marked ``~``).

Each figure is also given as a ratio to the floor of the same size measured in the same run.
Timings depend on the machine's load, which the report records (``uptime``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import news_corpus  # noqa: E402
from scale import load, run  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "scale-news.txt"
SIZES = (1000, 2000, 5000, 10000, 20000)
CACHE = Path(os.environ.get("DIGEST_BENCH", Path.home() / ".cache" / "digest-bench"))
TARGET_RATE = 300.0
TARGET_FLOOR_RATIO = 3.0
TARGET_PEAK_MB = 1536
TARGET_GROWTH = 2.1
TARGET_WARM = 5.0


def floor(paths: Sequence[str]) -> tuple[float, float, dict[str, str], int]:
    """Seconds to read+decode and to split ``paths``; each path's text; the sentence count."""
    import punkt

    from digest.settings import Settings
    from digest.stages.ingest import ingest

    tokenizer = punkt.tokenizer_for("english")
    start = time.perf_counter()
    documents, _ = ingest(list(paths), Settings().max_bytes)
    read = time.perf_counter() - start
    start = time.perf_counter()
    count = sum(len(tokenizer.tokenize(d.text)) for d in documents)
    split = time.perf_counter() - start
    return read, split, {d.origin: d.text for d in documents}, count


def sumy_lexrank(stories: dict[str, list[str]], budget: float) -> tuple[float, bool]:
    """Seconds of plain sumy LexRank over ``stories`` (texts); True when estimated past ``budget``."""
    import punkt
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from rouge import PunktTokenizer

    splitter = punkt.tokenizer_for("english")
    words = PunktTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")
    order = sorted(stories)
    random.Random(16).shuffle(order)
    weight = {s: len(splitter.tokenize("\n\n".join(stories[s]))) ** 2 + 1 for s in order}
    spent, done = 0.0, 0.0
    for story in order:
        if spent > budget:
            break
        start = time.perf_counter()
        text = "\n\n".join(stories[story])
        sentences = [Sentence(s, words) for s in splitter.tokenize(text) if s.strip()]
        summarizer(ObjectDocumentModel([Paragraph(sentences)]), 5)
        spent += time.perf_counter() - start
        done += weight[story]
    total = sum(weight.values())
    return (spent * total / done, True) if done < total else (spent, False)


def build(path: Path, out: Path, timeout: float, cache: str | None) -> tuple[float, float, int]:
    args = ["build", str(path), "--format", "json", "-o", str(out), "-q"]
    if cache is None:
        args.append("--no-cache")
        return run(args, timeout)
    saved = os.environ.get("DIGEST_CACHE")
    os.environ["DIGEST_CACHE"] = cache
    try:
        return run(args, timeout)
    finally:
        if saved is None:
            os.environ.pop("DIGEST_CACHE", None)
        else:
            os.environ["DIGEST_CACHE"] = saved


def stories_found(out: Path) -> int:
    try:
        return len(json.loads(out.read_text(encoding="utf-8"))["clusters"])
    except (OSError, ValueError, KeyError):
        return -1


def measure(
    corpora: Path,
    sizes: Sequence[int],
    timeout: float,
    sumy_seconds: float,
    warm_sizes: set[int],
    report: Callable[[list[str]], None],
) -> list[str]:
    """Every size in turn; ``report`` is given the lines so far after each size."""
    os.environ["DIGEST_WORKERS"] = "2"
    lines = [
        "## per size (seconds; xF: times the floor of the same size; art/s: articles per second)",
        "",
        f"{'articles':>8} {'floor s':>8} {'(read':>6} {'split)':>6} {'cold s':>7} {'xF':>5} {'art/s':>6} "
        f"{'peak MB':>7} {'warm s':>6} {'xF':>5} {'cold/warm':>9} {'sumy s':>8} {'xF':>6} "
        f"{'found':>6} {'true':>5}  load",
    ]
    notes: list[str] = []
    previous: tuple[int, float, float] | None = None
    rows = []
    for n in sizes:
        corpus = corpora / f"c{n}"
        items = news_corpus.make(n, corpus)
        if previous is None or n == sizes[0]:
            notes += [f"corpus c{n}: " + line for line in news_corpus.describe(items)]
        else:
            notes += [f"corpus c{n}: " + news_corpus.describe(items)[1]]
        paths = [p for p, _ in items]
        read, split, texts, sentences = floor(paths)
        floor_s = read + split
        with tempfile.TemporaryDirectory(prefix="digest-news-") as scratch:
            out = Path(scratch) / "digest.json"
            cold = build(corpus, out, timeout, None)
            found = stories_found(out)
            cache = Path(scratch) / "cache"
            cache.mkdir(mode=0o700)
            if n in warm_sizes:
                fill = build(corpus, out, timeout, str(cache))
                warm = build(corpus, out, timeout, str(cache))
            else:
                fill = warm = (float("nan"), 0.0, 0)
        by_story: dict[str, list[str]] = defaultdict(list)
        for p, s in items:
            if p in texts:
                by_story[s].append(texts[p])
        sumy_s, estimated = sumy_lexrank(by_story, sumy_seconds)
        sumy_s += read
        peak = max(cold[1], fill[1], warm[1])
        status = next((r[2] for r in (cold, fill, warm) if r[2]), 0)
        rows.append((n, floor_s, cold, warm, fill, peak))
        line = (
            f"{n:>8} {floor_s:>8.1f} {read:>6.1f} {split:>6.1f} {cold[0]:>7.1f} {cold[0] / floor_s:>5.1f} "
            f"{n / cold[0]:>6.0f} {cold[1]:>7.0f} {warm[0]:>6.1f} {warm[0] / floor_s:>5.2f} "
            f"{cold[0] / warm[0]:>9.1f} {('~' if estimated else '') + f'{sumy_s:.0f}':>8} "
            f"{sumy_s / floor_s:>6.1f} {found:>6} {len(by_story):>5}  "
            f"{load().split('load average:')[-1].strip()}" + (f"  (exit {status})" if status else "")
        )
        lines.append(line)
        print(line, flush=True)
        notes.append(
            f"c{n}: {sentences} sentences (Punkt); fill run (empty cache) {fill[0]:.1f} s, peak "
            f"{fill[1]:.0f} MB; warm peak {warm[1]:.0f} MB; fill/warm x{fill[0] / warm[0]:.1f}"
            if n in warm_sizes
            else f"c{n}: {sentences} sentences (Punkt); warm not measured at this size (--warm-sizes)"
        )
        previous = (n, cold[0], peak)
        report([*lines, "", *notes, "", f"(run incomplete: {len(rows)} of {len(sizes)} sizes so far)", ""])
    lines += ["", *notes, "", "## targets (issue 16; cold = --no-cache, 2 workers)", ""]
    for n, floor_s, cold, warm, _fill, peak in rows:
        checks = []
        if n >= 10000:
            checks.append(
                f"{n / cold[0]:.0f} art/s (>= {TARGET_RATE:.0f}): {_met(n / cold[0] >= TARGET_RATE)}"
            )
            checks.append(
                f"x{cold[0] / floor_s:.1f} the floor (<= {TARGET_FLOOR_RATIO:.0f}): "
                f"{_met(cold[0] / floor_s <= TARGET_FLOOR_RATIO)}"
            )
        if n == 20000:
            checks.append(f"peak {peak:.0f} MB (<= {TARGET_PEAK_MB}): {_met(peak <= TARGET_PEAK_MB)}")
        if warm[0] == warm[0]:
            ratio = cold[0] / warm[0]
            checks.append(f"warm x{ratio:.1f} faster (>= {TARGET_WARM:.0f}): {_met(ratio >= TARGET_WARM)}")
        lines.append(f"{n:>6}: " + "; ".join(checks))
    by_n = {r[0]: r for r in rows}
    if 10000 in by_n and 20000 in by_n:
        growth = by_n[20000][2][0] / by_n[10000][2][0]
        lines.append(
            f"growth 10k -> 20k: x{growth:.2f} (<= {TARGET_GROWTH}): {_met(growth <= TARGET_GROWTH)}"
        )
    else:
        lines.append("growth 10k -> 20k: not measured (20k not in this run)")
    return lines + [""]


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="corpus sizes (default: %(default)s)"
    )
    parser.add_argument(
        "--corpora", type=Path, default=CACHE / "news", help="where corpora are made and kept"
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds per build (default: %(default)s)")
    parser.add_argument(
        "--sumy-seconds",
        type=float,
        default=60,
        help="sumy LexRank time per size before estimating (default: 60)",
    )
    parser.add_argument(
        "--warm-sizes",
        default="1000,2000,5000,10000",
        help="sizes with the cache runs (default: %(default)s)",
    )
    parser.add_argument(
        "--output", default=str(RESULTS), help="the report; '-' for nowhere (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    lines = [
        f"$ python benchmarks/{Path(__file__).name} {shlex.join(sys.argv[1:] if argv is None else argv)}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}",
        f"machine: {os.cpu_count()} cores; load at start: {load()}",
        "",
    ]

    def write(body: list[str]) -> None:
        if args.output != "-":
            Path(args.output).write_text("\n".join(lines + body) + "\n", encoding="utf-8")

    sizes = [int(s) for s in args.sizes.split(",")]
    warm = {int(s) for s in args.warm_sizes.split(",") if s}
    body = measure(args.corpora, sizes, args.timeout, args.sumy_seconds, warm, write)
    body.append(f"load at end: {load()}")
    write(body)
    report = "\n".join(lines + body) + "\n"
    print(f"\n{report}" if args.output == "-" else f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
