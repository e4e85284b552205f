"""How well digest groups a mixed pile of articles into stories.

Usage (from the repository root):

    python benchmarks/clustering.py              # written to benchmarks/results/clustering.txt
    python benchmarks/clustering.py --output -   # print only

Every article of the evaluation set (``<story>/docs/*.txt``, loaded by
``digest.evaluate.load``; its story is its label) and the seed articles (corpus/seeds, one
more label) go through ``build`` together with the default settings (clusters="auto"). The
stories found are compared with the labels: normalized mutual information and adjusted Rand
index (scikit-learn, through ``digest.evaluate.score_grouping``, as ``digest eval --mixed``),
the number of stories found against the number of labels, and whether the seeds (two copies
of one article and another outlet's article on the same story) form one story of their own.
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from digest.evaluate import DatasetError, load, score_grouping

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multiling2011_en"
SEEDS = ROOT / "corpus" / "seeds"
RESULTS = Path(__file__).resolve().parent / "results" / "clustering.txt"


def labelled_inputs(data: Path, seeds: Path | None) -> list[tuple[str, str]]:
    """(path, label) for every article: the evaluation set's (``digest.evaluate.load``; the
    label is the story), then the seeds."""
    try:
        stories = load(data)
    except DatasetError as exc:
        raise SystemExit(str(exc)) from None
    items = [(str(p), story.name) for story in stories for p in story.docs]
    if seeds is not None:
        items += [(str(p), "seeds") for p in sorted(seeds.glob("*.txt"))]
    return items


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA, help="evaluation set (default: %(default)s)")
    parser.add_argument("--seeds", type=Path, default=SEEDS,
                        help="folder of the seed articles, one more label; 'none' for none "
                             "(default: %(default)s)")
    parser.add_argument("--output", default=str(RESULTS),
                        help="where to write the report; '-' for nowhere (default: %(default)s)")
    args = parser.parse_args(argv)
    seeds = None if str(args.seeds).lower() == "none" else args.seeds

    from digest.config import Settings
    from digest.pipeline import build

    items = labelled_inputs(args.data, seeds)
    label_of = {str(Path(path).resolve()): label for path, label in items}
    settings = Settings()
    start = time.perf_counter()
    digest = build([path for path, _ in items], settings)
    seconds = time.perf_counter() - start

    # NMI and ARI as digest eval --mixed computes them; an article left out of every story
    # (nothing to quote) counts as a story of its own.
    grouping = score_grouping(digest, label_of)
    origin_of = {d.id: str(Path(d.origin).resolve()) for d in digest.documents}
    found, left_out, nmi, ari = grouping.found, grouping.left_out, grouping.nmi, grouping.ari
    origins = list(label_of)
    truth = [label_of[o] for o in origins]

    lines = []
    seed_line = "seeds: none given"
    if seeds is not None:
        seed_stories = {found[o] for o in origins if label_of[o] == "seeds"}
        if len(seed_stories) == 1:
            story = next(iter(seed_stories))
            others = sum(1 for o in origins if found[o] == story and label_of[o] != "seeds")
            seed_line = ("seeds: one story" + (" of their own" if not others
                                               else f", with {others} other article(s)") + f" ({story})")
        else:
            seed_line = f"seeds: split over {len(seed_stories)} stories ({', '.join(sorted(seed_stories))})"
    for story in digest.stories:
        members = Counter(label_of[origin_of[d]] for d in story.documents)
        label, count = members.most_common(1)[0]
        mix = ", ".join(f"{k} {v}" for k, v in sorted(members.items()))
        lines.append(f"{story.id:>4}  {sum(members.values()):>3} docs  majority {label:<6} "
                     f"purity {count / sum(members.values()):.2f}  ({mix})  {story.title[:60]}")
        for d in story.documents:
            if label_of[origin_of[d]] != label:
                lines.append(f"{'':>6}not {label}: {Path(origin_of[d]).name} ({label_of[origin_of[d]]})")

    command = "python benchmarks/clustering.py" + "".join(
        f" {shlex.quote(a)}" for a in (sys.argv[1:] if argv is None else argv))
    try:
        data_shown = args.data.resolve().relative_to(ROOT.parent)
    except ValueError:
        data_shown = args.data
    report = "\n".join([
        f"$ {command}",
        f"date: {datetime.now(timezone.utc).replace(microsecond=0).isoformat()}",
        f"data: {data_shown} + {'corpus/seeds' if seeds is not None else 'no seeds'}: "
        f"{len(items)} articles, {len(set(truth))} labels",
        f"settings: clusters={settings.clusters!r} (default); build took {seconds:.1f} s",
        "",
        f"NMI {nmi:.4f}   ARI {ari:.4f}   stories found {len(digest.stories)} (labels {len(set(truth))})"
        + (f"   left out of every story: {len(left_out)}" if left_out else ""),
        seed_line,
        "",
        "stories found (copies included in the counts):",
        *lines,
    ]) + "\n"
    print(report)
    if args.output != "-":
        out = Path(args.output)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        print(f"written to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
