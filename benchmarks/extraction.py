"""How well digest extracts an article's text from a web page: the article-extraction benchmark.

Usage (from the repository root):

    python benchmarks/extraction.py                    # written to benchmarks/results/extraction.txt
    python benchmarks/extraction.py --output -         # print only
    python benchmarks/extraction.py --baseline none    # digest only
    python benchmarks/extraction.py --worst 10         # also list the 10 pages digest scores worst on

Data: ``../shared/data/aeb`` (``--data DIR``), the 181 pages of the scrapinghub
article-extraction-benchmark (``html/<id>.html.gz``), their true article bodies
(``ground-truth.json``) and the benchmark's own scorer (``evaluate.py``, imported from there, not
copied): token 4-gram shingles, precision/recall per page, means over the pages, F1 of the means.

Systems: **digest**, the ``text`` of the Document ``digest build`` reads from each page (what
``--include-text`` writes: ``digest.stages.ingest.parse``, the HTML path, on the page's bytes); and, as
baselines, **trafilatura** with its defaults and with ``favor_precision`` (plain
``trafilatura.extract``, no metadata). Figures to beat (the benchmark's listing): trafilatura 2.0
F1 0.958 / precision 0.938; the best listed system 0.970 / 0.984.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from digest.stages.ingest import InputError, RawInput, parse

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results" / "extraction.txt"
DATA = ROOT.parent.parent / "shared" / "data" / "aeb"
TARGET = {"f1": 0.97, "precision": 0.98}
"""Issue 14's target for digest's extracted text."""


def scorer(data: Path):  # type: ignore[no-untyped-def]
    """The benchmark's own evaluate.py, as a module."""
    spec = importlib.util.spec_from_file_location("aeb_evaluate", data / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pages(data: Path) -> dict[str, bytes]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()) for key in truth}


def digest_text(key: str, page: bytes) -> str:
    try:
        return parse(RawInput(f"{key}.html", ".html"), page, "d1").text
    except InputError:
        return ""


def trafilatura_text(page: bytes, **options: bool) -> str:
    import trafilatura

    return (
        trafilatura.extract(
            page.decode("utf-8", errors="replace"), include_comments=False, include_tables=False, **options
        )
        or ""
    )


SYSTEMS = {
    "digest": lambda key, page: digest_text(key, page),
    "trafilatura": lambda key, page: trafilatura_text(page),
    "trafilatura-precision": lambda key, page: trafilatura_text(page, favor_precision=True),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument(
        "--baseline", default="trafilatura,trafilatura-precision", help="comma-separated baselines, or 'none'"
    )
    parser.add_argument("--worst", type=int, default=0, help="list the N pages digest scores worst on")
    parser.add_argument("--output", default=str(RESULTS), help="report file, or '-' to print only")
    args = parser.parse_args(argv)
    if not (args.data / "ground-truth.json").is_file():
        print(f"extraction.py: no benchmark at {args.data} (ground-truth.json missing)", file=sys.stderr)
        return 2
    evaluate = scorer(args.data)
    truth = json.loads((args.data / "ground-truth.json").read_text(encoding="utf-8"))
    html = pages(args.data)
    names = ["digest"] + [b for b in args.baseline.split(",") if b and b != "none"]
    lines = [
        f"# {shlex.join(['python', 'benchmarks/extraction.py', *(argv or sys.argv[1:])])}",
        f"# {datetime.now(UTC).replace(microsecond=0).isoformat()}, {len(html)} pages",
        "",
        f"{'system':<24} {'F1':>6} {'prec.':>6} {'recall':>6} {'exact':>6} {'s/page':>7}",
    ]
    worst: list[tuple[float, str]] = []
    for name in names:
        started = time.perf_counter()
        prediction = {key: {"articleBody": SYSTEMS[name](key, page)} for key, page in html.items()}
        seconds = (time.perf_counter() - started) / len(html)
        metrics = evaluate.evaluate(truth, prediction, n_bootstrap=0)
        lines.append(
            f"{name:<24} {metrics['f1']:6.3f} {metrics['precision']:6.3f} {metrics['recall']:6.3f} "
            f"{metrics['accuracy']:6.3f} {seconds:7.3f}"
        )
        print(lines[-1], file=sys.stderr)
        if name == "digest":
            for key, (tp, fp, fn) in zip(truth, metrics["tp_fp_fns"], strict=True):
                p = evaluate.precision_score(tp, fp, fn)
                r = evaluate.recall_score(tp, fp, fn)
                worst.append((min(p, r), f"{key[:12]}  P {p:.3f}  R {r:.3f}  {truth[key]['url'][:70]}"))
            digest_metrics = metrics
    lines += [
        "",
        "Listed in the benchmark: trafilatura 2.0 F1 0.958 / precision 0.938; the best system 0.970 / 0.984.",
    ]
    met = all(digest_metrics[k] >= v for k, v in TARGET.items())
    lines.append(
        f"Target (issue 14): F1 >= {TARGET['f1']}, precision >= {TARGET['precision']}: "
        f"{'met' if met else 'not met'} (digest F1 {digest_metrics['f1']:.4f}, "
        f"precision {digest_metrics['precision']:.4f})."
    )
    if args.worst:
        lines += ["", f"The {args.worst} pages digest scores worst on (min of precision, recall):"]
        lines += [text for _, text in sorted(worst)[: args.worst]]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.output != "-":
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
