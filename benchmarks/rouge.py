"""ROUGE of digest's summaries against the human summaries of an evaluation set.

Usage (from the repository root, with the package and rouge-score installed):

    python benchmarks/rouge.py                          # everything, written to benchmarks/results/rouge.txt
    python benchmarks/rouge.py --words 250 --algorithms default,lexrank --baseline none --output -
    python benchmarks/rouge.py --data ../shared/data/gum_wikinews --words 50,100 --max-docs all

Method (the one the floor in ../shared/README.md was measured with):

- digest: each story's documents are built alone, as one story:
  ``build(docs, Settings(clusters="1", words=N, algorithm=A))``; the summary is the picked
  sentences joined in reading order, cut to the first N whitespace tokens
  (``digest.evaluate.summarize_story``, what ``digest eval`` runs too).
- plain sumy (``--baseline``): each story's articles are concatenated, split into sentences
  with the offline Punkt splitter (``punkt.tokenizer_for("english")``), words as sumy's own
  Tokenizer finds them (NLTK's Treebank word tokenizer, then sumy's word filter), and the
  sumy summarizer (Snowball stemmer, sumy's stop words, as in sumy's README) is asked for the
  fewest sentences that reach N words; the summary is those sentences in document order,
  cut to the first N words.
- story sizes (``--max-docs``): each story cut to its first N articles in name order
  (``digest.evaluate.first_docs``), scored against the whole story's references; digest and
  plain sumy see the same articles. ``all`` is the whole story.
- score: ROUGE-1 and ROUGE-2 recall with stemming (rouge-score's ``RougeScorer``, through
  ``digest.evaluate.Scorer``) of the summary against each reference, mean over the
  references, then mean over the stories; shown as percentages. Loading the evaluation set
  is ``digest.evaluate.load``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest.evaluate import DatasetError, EvalStory, Scorer, first_docs, first_words, summarize_story
from digest.evaluate import load as load_stories

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "multiling2011_en"
RESULTS = Path(__file__).resolve().parent / "results" / "rouge.txt"

SUMY_ALGORITHMS = ("lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic", "reduction", "random")
FLOOR_ALGORITHMS = ("lexrank", "textrank", "luhn", "lsa", "sumbasic")
FLOOR_250 = {
    "lexrank": (46.15, 16.24),
    "textrank": (45.07, 17.04),
    "luhn": (44.39, 16.36),
    "lsa": (41.97, 12.39),
    "sumbasic": (39.90, 9.33),
}
"""R-1 / R-2 at 250 words with plain sumy, as listed in ../shared/README.md."""


@dataclass
class Row:
    """Scores of one system at one word budget."""

    system: str
    words: int
    r1: list[float] = field(default_factory=list)
    r2: list[float] = field(default_factory=list)
    lengths: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)


def load(data: Path) -> list[EvalStory]:
    """The stories of an evaluation set (``digest.evaluate.load``); exits with its error."""
    try:
        return load_stories(data)
    except DatasetError as exc:
        raise SystemExit(str(exc)) from None


# --- digest --------------------------------------------------------------------------------

Summaries = tuple[dict[int, str], float]
"""A system's summary at each word budget, and the seconds it took."""


def digest_summaries(story: EvalStory, algorithm: str | None, budgets: Sequence[int]) -> Summaries:
    """digest's summary of ``story`` at each word budget (``digest.evaluate.summarize_story``),
    and the seconds per build."""
    out = {}
    elapsed = 0.0
    for n in budgets:
        start = time.perf_counter()
        out[n] = summarize_story(story, n, algorithm)
        elapsed += time.perf_counter() - start
    return out, elapsed / len(budgets)


# --- plain sumy ----------------------------------------------------------------------------


class PunktTokenizer:
    """sumy's Tokenizer with the offline Punkt splitter in place of NLTK's downloadable data.

    Words are what sumy's Tokenizer finds: NLTK's Treebank word tokenizer (what
    ``nltk.word_tokenize`` applies to each sentence; it needs no data) and sumy's word filter.
    """

    language = "english"

    def __init__(self) -> None:
        import punkt
        from nltk.tokenize import NLTKWordTokenizer

        self._sentences = punkt.tokenizer_for("english")
        self._words = NLTKWordTokenizer()

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in self._sentences.tokenize(text) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        from sumy.nlp.tokenizers import Tokenizer

        return tuple(w for w in self._words.tokenize(sentence) if Tokenizer._is_word(w))


def _plain_summarizer(name: str, titles: Sequence[str]):  # type: ignore[no-untyped-def]
    from sumy.nlp.stemmers import Stemmer  # plain sumy: its own (nltk's) stemmer
    from sumy.utils import get_stop_words

    from digest.stages.summarize import sumy_classes

    summarizer = sumy_classes()[name](Stemmer("english"))
    stop = get_stop_words("english")
    if name == "edmundson":
        # Edmundson cannot run without cue words: the headlines' words are its bonus words.
        summarizer.bonus_words = [w.lower() for t in titles for w in t.split() if w.lower() not in stop]
        summarizer.stigma_words = ["reportedly"]
        summarizer.null_words = stop
    else:
        summarizer.stop_words = stop
    return summarizer


def plain_summaries(story: EvalStory, algorithm: str, budgets: Sequence[int]) -> Summaries:
    """Plain sumy's summary of ``story`` (its articles concatenated) at each word budget.

    sumy sorts the sentences by rating and hands them to its ``count``; a callable count
    is allowed, so one call keeps sumy's own order, from which the fewest top sentences
    that reach each budget are taken and put back in document order.
    """
    import random as random_module

    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    texts = [p.read_text(encoding="utf-8") for p in story.docs]
    tokenizer = PunktTokenizer()
    sentences = [Sentence(s, tokenizer) for s in tokenizer.to_sentences("\n\n".join(texts))]
    document = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = _plain_summarizer(algorithm, [t.splitlines()[0] for t in texts if t.strip()])
    ranked: list[int] = []

    def count(infos):  # type: ignore[no-untyped-def]
        ranked.extend(info.order for info in infos)
        return infos

    random_module.seed(0)
    start = time.perf_counter()
    summarizer(document, count)
    elapsed = time.perf_counter() - start
    out = {}
    for n in budgets:
        chosen: list[int] = []
        words = 0
        for index in ranked:
            if words >= n:
                break
            chosen.append(index)
            words += len(str(sentences[index]).split())
        out[n] = first_words(" ".join(str(sentences[i]) for i in sorted(chosen)), n)
    return out, elapsed


# --- scoring and report ----------------------------------------------------------------------


def evaluate(
    stories: Sequence[EvalStory],
    systems: Sequence[tuple[str, Callable[..., Summaries]]],
    budgets: Sequence[int],
    log: Callable[[str], None],
) -> list[Row]:
    scorer = Scorer(("rouge1", "rouge2"))
    rows = []
    for label, summarize in systems:
        by_budget = {n: Row(label, n) for n in budgets}
        for story in stories:
            summaries, seconds = summarize(story, budgets)
            for n, summary in summaries.items():
                row = by_budget[n]
                scores = scorer.score(summary, story.refs)
                row.r1.append(100 * scores["rouge1"].recall)
                row.r2.append(100 * scores["rouge2"].recall)
                row.lengths.append(len(summary.split()))
                row.seconds.append(seconds)
        rows.extend(by_budget.values())
        first = by_budget[budgets[0]]
        log(
            f"  {label}: R-1 {statistics.mean(first.r1):.2f}  R-2 {statistics.mean(first.r2):.2f} "
            f"at {budgets[0]} words ({statistics.mean(first.seconds):.2f} s/story)"
        )
    return rows


def table(rows: Sequence[Row], budget: int, floor_250: dict[str, tuple[float, float]]) -> str:
    lines = [
        f"{budget} words",
        f"{'system':<26} {'R-1':>6} {'R-2':>6}  {'floor R-1/R-2':>13}  {'words':>5}  {'s/story':>7}",
    ]
    for row in rows:
        if row.words != budget:
            continue
        floor = ""
        if budget == 250 and row.system.startswith("plain ") and row.system[6:] in floor_250:
            f1, f2 = floor_250[row.system[6:]]
            floor = f"{f1:.2f}/{f2:.2f}"
        r1, r2 = statistics.mean(row.r1), statistics.mean(row.r2)
        words, seconds = statistics.mean(row.lengths), statistics.mean(row.seconds)
        lines.append(f"{row.system:<26} {r1:>6.2f} {r2:>6.2f}  {floor:>13}  {words:>5.0f}  {seconds:>7.2f}")
    return "\n".join(lines)


def comparison(rows: Sequence[Row], budget: int, floor_250: dict[str, tuple[float, float]]) -> list[str]:
    """How the digest default stands against the best plain-sumy figures at ``budget``.

    Best R-1 and best R-2 may come from different summarizers. At 250 words the published
    floor is shown too, when there is one for the data.
    """
    default = next((r for r in rows if r.words == budget and r.system.startswith("digest default")), None)
    if default is None:
        return []
    d1, d2 = statistics.mean(default.r1), statistics.mean(default.r2)
    bests = []
    if budget == 250 and floor_250:
        bests.append(
            (
                max(v[0] for v in floor_250.values()),
                max(v[1] for v in floor_250.values()),
                "best of the floor in ../shared/README.md",
            )
        )
    plain = [r for r in rows if r.words == budget and r.system.startswith("plain ")]
    if plain:
        bests.append(
            (
                max(statistics.mean(r.r1) for r in plain),
                max(statistics.mean(r.r2) for r in plain),
                "best plain sumy measured here",
            )
        )
    return [
        f"{default.system} at {budget} words: R-1 {d1:.2f} vs {b1:.2f} ({d1 - b1:+.2f}), "
        f"R-2 {d2:.2f} vs {b2:.2f} ({d2 - b2:+.2f}) [{what}]"
        for b1, b2, what in bests
    ]


def _names(value: str, allowed: Sequence[str], extra: Sequence[str] = ()) -> list[str]:
    if value.strip().lower() == "none":
        return []
    if value.strip().lower() == "all":
        return [*extra, *allowed]
    names = [v.strip().lower() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in (*allowed, *extra)]
    if unknown:
        known = ", ".join((*extra, *allowed))
        raise argparse.ArgumentTypeError(f"unknown: {', '.join(unknown)}; use {known}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA, help="evaluation set (default: %(default)s)")
    parser.add_argument(
        "--words", default="100,250,400", help="word budgets, comma-separated (default: %(default)s)"
    )
    parser.add_argument(
        "--algorithms",
        default="default",
        help="digest runs: 'default' and/or sumy algorithm names, comma-separated; "
        "'all' or 'none' (default: %(default)s)",
    )
    parser.add_argument(
        "--max-docs",
        default="3,5,all",
        help="story sizes: each story's first N articles, comma-separated; 'all' is "
        "the whole story (default: %(default)s)",
    )
    parser.add_argument(
        "--baseline",
        default="all",
        help="plain-sumy runs: algorithm names, comma-separated; 'all' or 'none' (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        help="where to write the report; '-' for nowhere (default: "
        "benchmarks/results/rouge.txt for multiling2011_en, "
        "benchmarks/results/rouge-<data folder>.txt for other data)",
    )
    args = parser.parse_args(argv)
    try:
        budgets = [int(w) for w in args.words.split(",") if w.strip()]
        algorithms = _names(args.algorithms, SUMY_ALGORITHMS, ("default",))
        baseline = _names(args.baseline, SUMY_ALGORITHMS)
    except (ValueError, argparse.ArgumentTypeError) as exc:
        parser.error(str(exc))
    if not budgets or min(budgets) <= 0:
        parser.error("--words needs positive numbers")
    try:
        sizes = [
            None if v.strip().lower() == "all" else int(v) for v in args.max_docs.split(",") if v.strip()
        ]
    except ValueError:
        parser.error("--max-docs needs whole numbers or 'all'")
    if not sizes or min((n for n in sizes if n is not None), default=1) <= 0:
        parser.error("--max-docs needs positive numbers or 'all'")

    from digest.settings import DEFAULT_ALGORITHM

    stories = load(args.data)
    floor_250 = FLOOR_250 if args.data.resolve().name == DATA.name else {}
    systems: list[tuple[str, Callable[..., Summaries]]] = []
    for name in algorithms:
        if name == "default":
            systems.append(
                (f"digest default ({DEFAULT_ALGORITHM})", lambda story, b: digest_summaries(story, None, b))
            )
        else:
            systems.append((f"digest {name}", lambda story, b, name=name: digest_summaries(story, name, b)))
    for name in baseline:
        systems.append((f"plain {name}", lambda story, b, name=name: plain_summaries(story, name, b)))

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    log(f"{len(stories)} stories from {args.data}")
    started = time.perf_counter()
    by_size = []
    for size in sizes:
        subset = first_docs(stories, size)
        log(f"story size {'all' if size is None else size}: {sum(len(s.docs) for s in subset)} documents")
        by_size.append((size, subset, evaluate(subset, systems, budgets, log)))
    total = time.perf_counter() - started
    try:
        data_shown = args.data.resolve().relative_to(ROOT.parent)
    except ValueError:
        data_shown = args.data
    arguments = sys.argv[1:] if argv is None else argv
    command = "python benchmarks/rouge.py" + "".join(f" {shlex.quote(a)}" for a in arguments)
    header = [
        f"$ {command}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}   "
        f"PYTHONHASHSEED={os.environ.get('PYTHONHASHSEED', '(random)')}",
        f"data: {data_shown} ({len(stories)} stories, {sum(len(s.docs) for s in stories)} documents, "
        f"{sum(len(s.refs) for s in stories)} references)",
        "ROUGE recall (%), stemmed, mean over references then stories; summaries cut to the first N words.",
        ("floor: plain sumy as listed in ../shared/README.md (250 words only). " if floor_250 else "")
        + "s/story: seconds per build (digest) or per summarizer call (plain).",
        f"total time: {total:.0f} s",
    ]
    parts = ["\n".join(header)]
    notes = []
    for size, subset, rows in by_size:
        shown = "all" if size is None else f"first {size}"
        title = (
            f"== story size: {shown} articles ({sum(len(s.docs) for s in subset)} documents "
            f"in {len(subset)} stories) =="
        )
        parts.append(title)
        floor = floor_250 if size is None else {}  # the floor is for whole stories
        for n in budgets:
            parts.append(table(rows, n, floor))
        notes += [f"[{shown} articles] {line}" for n in budgets for line in comparison(rows, n, floor)]
    if notes:
        parts.append("\n".join(notes))
    report = "\n\n".join(parts) + "\n"
    print(report)
    if args.output != "-":
        out = (
            Path(args.output)
            if args.output
            else (RESULTS if floor_250 else RESULTS.with_name(f"rouge-{args.data.resolve().name}.txt"))
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")
        log(f"written to {out}")
    return 0


if __name__ == "__main__":
    if os.environ.get("PYTHONHASHSEED") != "0":
        # sumy's LSA orders its term matrix by iterating a set of strings, so its ratings,
        # and ROUGE, move a little with Python's string hashing: fix it for repeatable runs.
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    sys.exit(main())
