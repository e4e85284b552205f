"""Score digest against human summaries: ROUGE per story, and story grouping (NMI, ARI).

This is the core of ``digest eval`` and of the scripts in benchmarks/: it loads an
evaluation set, summarizes each story with the pipeline, scores the summaries with
rouge-score, and scores how a mixed pile of the set's articles is grouped into stories.
rouge-score and scikit-learn are imported only when something is scored.

An evaluation set is a folder of stories laid out as ``<story>/docs/*.txt`` and
``<story>/refs/*.txt`` (as ../shared/data/multiling2011_en). Where the references are named
after single documents (``refs/<doc>.<anything>.txt``, as in gum_wikinews), each of those
documents is a story of its own.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digest.sanitize import visible
from digest.settings import ALGORITHMS, DEFAULT_ALGORITHM, Settings

if TYPE_CHECKING:
    from digest.models import Digest

METRICS = ("rouge1", "rouge2", "rougeL")
"""rouge-score's names of the ROUGE variants reported: unigrams, bigrams, longest common subsequence."""
SCHEMA = "digest-eval/1"
"""The ``schema`` field of ``digest eval --format json``."""


class DatasetError(ValueError):
    """The evaluation set is missing, empty or not laid out as stories with references."""


@dataclass(frozen=True)
class EvalStory:
    """One story of an evaluation set: articles and the human summaries of them."""

    name: str
    """Folder name (M000 ...), or folder/document stem when each document is its own story;
    control characters shown as escapes (``sanitize.visible``)."""
    docs: tuple[Path, ...]
    """Its articles, sorted by file name."""
    refs: tuple[str, ...]
    """Texts of its human summaries (at least one)."""


@dataclass(frozen=True)
class Score:
    """One ROUGE variant of one summary: mean over the references."""

    recall: float
    """Share of the references' n-grams (or LCS) found in the summary, in [0, 1]."""
    f1: float
    """Harmonic mean of recall and precision, in [0, 1]."""


@dataclass(frozen=True)
class StoryResult:
    """How one system did on one story."""

    story: str
    """The story's name."""
    scores: dict[str, Score]
    """By metric name (``METRICS``)."""
    words: int
    """Words in the summary as scored (after the cut to the budget)."""
    seconds: float
    """Time the summary took to build."""


@dataclass
class SystemResult:
    """One summarizer at one word budget, over every story."""

    algorithm: str
    """The sumy summarizer that ranked the sentences."""
    words: int
    """The word budget."""
    stories: list[StoryResult] = field(default_factory=list)
    """One entry per story, in the order of the evaluation set."""

    def mean(self, metric: str, kind: str = "recall") -> float:
        """Mean over the stories of ``metric``'s ``kind`` (recall or f1), in [0, 1]."""
        if not self.stories:
            return 0.0
        return statistics.fmean(getattr(s.scores[metric], kind) for s in self.stories)

    @property
    def mean_words(self) -> float:
        """Mean length of the summaries as scored."""
        return statistics.fmean(s.words for s in self.stories) if self.stories else 0.0

    @property
    def mean_seconds(self) -> float:
        """Mean build time per story."""
        return statistics.fmean(s.seconds for s in self.stories) if self.stories else 0.0


@dataclass(frozen=True)
class Grouping:
    """How the articles of several stories, built together, were grouped into stories."""

    nmi: float
    """Normalized mutual information between the stories found and the labels, in [0, 1]."""
    ari: float
    """Adjusted Rand index between them (1 is perfect, about 0 is chance)."""
    documents: int
    """Articles compared."""
    labels: int
    """Distinct labels (true stories)."""
    stories_found: int
    """Stories the build found."""
    found: dict[str, str]
    """Resolved path of each article -> id of the story it was put in."""
    left_out: tuple[str, ...]
    """Articles in no story (nothing to quote); each counts as a story of its own."""
    seconds: float = 0.0
    """Time the build took."""
    precision: float = 0.0
    """B-cubed precision: for each article, the share of its story found that has its true story."""
    recall: float = 0.0
    """B-cubed recall: for each article, the share of its true story found in its story."""
    f1: float = 0.0
    """B-cubed F1, the harmonic mean of the two (1 is perfect; all singletons or all in one
    story score low, unlike NMI, which singletons inflate)."""


# --- loading ---------------------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{visible(str(path))}: cannot read ({exc})") from None
    if not text.strip():
        raise DatasetError(f"{visible(str(path))}: empty reference summary")
    return text


def _story_folder(folder: Path, name: str) -> list[EvalStory]:
    """The story (or, with per-document references, stories) in ``folder``, named ``name``."""
    docs_dir, refs_dir = folder / "docs", folder / "refs"
    if not docs_dir.is_dir():
        raise DatasetError(f"story {name}: no docs/ folder of articles")
    docs = tuple(sorted(docs_dir.glob("*.txt")))
    if not docs:
        raise DatasetError(f"story {name}: no articles (docs/*.txt)")
    ref_paths = sorted(refs_dir.glob("*.txt")) if refs_dir.is_dir() else []
    if not ref_paths:
        raise DatasetError(f"story {name}: no reference summaries (refs/*.txt)")
    per_doc = {d: [r for r in ref_paths if r.name.startswith(d.stem + ".")] for d in docs}
    if not any(per_doc.values()):
        return [EvalStory(name, docs, tuple(_read(p) for p in ref_paths))]
    stories = []
    for doc, refs in per_doc.items():
        if not refs:
            raise DatasetError(
                f"story {name}/{visible(doc.stem)}: no reference summary (refs/{visible(doc.stem)}.*.txt)"
            )
        stories.append(EvalStory(f"{name}/{visible(doc.stem)}", (doc,), tuple(_read(p) for p in refs)))
    return stories


def load(data: Path) -> list[EvalStory]:
    """The stories of the evaluation set in ``data``, in name order.

    A folder that holds ``docs/`` and ``refs/`` itself is a set of one story. Hidden folders
    and folders with neither ``docs/`` nor ``refs/`` are not stories.

    Raises:
        DatasetError: ``data`` is not a folder, holds no story, or a story has no article
            or no reference summary (or one that cannot be read).
    """
    if not data.exists():
        raise DatasetError(f"{visible(str(data))}: no such folder")
    if not data.is_dir():
        raise DatasetError(f"{visible(str(data))}: not a folder")
    if (data / "docs").is_dir():
        return _story_folder(data, visible(data.resolve().name))
    try:
        folders = sorted(p for p in data.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError as exc:
        raise DatasetError(f"{visible(str(data))}: cannot read ({exc.strerror or exc})") from None
    stories = []
    for folder in folders:
        if (folder / "docs").is_dir() or (folder / "refs").is_dir():
            stories += _story_folder(folder, visible(folder.name))
    if not stories:
        raise DatasetError(
            f"{visible(str(data))}: no story found (expected <story>/docs/*.txt and <story>/refs/*.txt)"
        )
    return stories


def first_docs(stories: Sequence[EvalStory], n: int | None) -> list[EvalStory]:
    """Each story cut to its first ``n`` articles (in name order), for scoring by story size;
    all of them when ``n`` is None. The references stay those of the whole story.

    Raises:
        ValueError: ``n`` is below 1.
    """
    if n is None:
        return list(stories)
    if n < 1:
        raise ValueError(f"{n} articles: give at least 1")
    return [dataclasses.replace(s, docs=s.docs[:n]) for s in stories]


# --- summaries and ROUGE ----------------------------------------------------------------------


def first_words(text: str, n: int) -> str:
    """The first ``n`` whitespace-separated words of ``text``, as ROUGE's ``-l n`` cuts a summary."""
    return " ".join(text.split()[:n])


def summarize_story(story: EvalStory, words: int, algorithm: str | None = None) -> str:
    """digest's summary of ``story``: its articles built as one story, cut to ``words`` words.

    The picked sentences are joined in reading order. A story with nothing to quote gets an
    empty summary (which scores 0).
    """
    from digest.errors import NothingToSummarize
    from digest.pipeline import build

    settings = Settings(clusters="1", words=words)
    if algorithm is not None:
        settings = dataclasses.replace(settings, algorithm=algorithm)
    try:
        digest = build([str(p) for p in story.docs], settings)
    except NothingToSummarize:
        return ""
    return first_words(" ".join(p.candidate.text for s in digest.stories for p in s.sentences), words)


class Scorer:
    """ROUGE of a summary against a story's references (rouge-score, Porter stemming)."""

    def __init__(self, metrics: Sequence[str] = METRICS) -> None:
        from rouge_score import rouge_scorer  # deferred: only scoring needs it

        self.metrics = tuple(metrics)
        self._scorer = rouge_scorer.RougeScorer(list(self.metrics), use_stemmer=True)

    def score(self, summary: str, refs: Sequence[str]) -> dict[str, Score]:
        """Recall and F1 of each metric, each the mean over ``refs``."""
        results = [self._scorer.score(ref, summary) for ref in refs]
        return {
            m: Score(
                statistics.fmean(r[m].recall for r in results),
                statistics.fmean(r[m].fmeasure for r in results),
            )
            for m in self.metrics
        }


Progress = Callable[[str, int, int], None]
"""Called with (what, done, total) as the evaluation goes."""


def algorithms_named(names: Sequence[str]) -> list[str]:
    """The algorithms that ``names`` ask for, in order and once each.

    Each name is an algorithm, ``default`` (``DEFAULT_ALGORITHM``) or ``all`` (the default
    first, then every other one); commas separate several in one name.

    Raises:
        ValueError: an unknown name.
    """
    out: list[str] = []
    for value in names:
        for name in (n.strip().lower() for n in value.split(",")):
            if not name:
                continue
            if name == "all":
                wanted = [DEFAULT_ALGORITHM, *ALGORITHMS]
            elif name == "default":
                wanted = [DEFAULT_ALGORITHM]
            elif name in ALGORITHMS:
                wanted = [name]
            else:
                raise ValueError(
                    f"unknown algorithm {name!r}. Try one of: all, default, {', '.join(ALGORITHMS)}"
                )
            out += [w for w in dict.fromkeys(wanted) if w not in out]
    return out or [DEFAULT_ALGORITHM]


def evaluate_rouge(
    stories: Sequence[EvalStory],
    algorithms: Sequence[str],
    budgets: Sequence[int],
    progress: Progress | None = None,
) -> list[SystemResult]:
    """Summarize every story with each algorithm at each word budget, and score it.

    Returns:
        One result per (algorithm, budget), algorithms in the given order, budgets within.
    """
    report = progress or (lambda what, done, total: None)
    scorer = Scorer()
    results = []
    total = len(algorithms) * len(budgets) * len(stories)
    done = 0
    for algorithm in algorithms:
        for words in budgets:
            result = SystemResult(algorithm, words)
            for story in stories:
                report(f"{algorithm}, {words} words", done, total)
                start = time.perf_counter()
                summary = summarize_story(story, words, algorithm)
                seconds = time.perf_counter() - start
                result.stories.append(
                    StoryResult(story.name, scorer.score(summary, story.refs), len(summary.split()), seconds)
                )
                done += 1
            results.append(result)
    report("done", total, total)
    return results


# --- grouping ----------------------------------------------------------------------------------


def bcubed(truth: Sequence[object], predicted: Sequence[object]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of ``predicted`` groups against ``truth`` labels (Bagga and
    Baldwin 1998; Amigó et al. 2009): per item, the share of its predicted group with its label
    and the share of its label in its predicted group, each averaged over the items."""
    from collections import Counter

    if len(truth) != len(predicted):
        raise ValueError("truth and predicted differ in length")
    if not truth:
        return 1.0, 1.0, 1.0
    both = Counter(zip(truth, predicted, strict=True))
    labels, groups = Counter(truth), Counter(predicted)
    precision = sum(c * c / groups[g] for (_, g), c in both.items()) / len(truth)
    recall = sum(c * c / labels[t] for (t, _), c in both.items()) / len(truth)
    return precision, recall, 2 * precision * recall / (precision + recall)


def score_grouping(digest: Digest, label_of: Mapping[str, str]) -> Grouping:
    """Compare the stories of ``digest`` with true labels.

    Args:
        digest: a digest built from the labelled articles (and nothing else).
        label_of: resolved path of every article -> its true story.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # deferred: heavy

    origin_of = {d.id: str(Path(d.origin).resolve()) for d in digest.documents}
    found: dict[str, str] = {}
    for story in digest.stories:
        for doc_id in story.documents:
            found[origin_of[doc_id]] = story.id
    # An article left out of every story (nothing to quote) counts as a story of its own.
    left_out = tuple(o for o in label_of if o not in found)
    for number, origin in enumerate(left_out, 1):
        found[origin] = f"left-out-{number}"
    origins = list(label_of)
    truth = [label_of[o] for o in origins]
    predicted = [found[o] for o in origins]
    precision, recall, f1 = bcubed(truth, predicted)
    return Grouping(
        nmi=float(normalized_mutual_info_score(truth, predicted)),
        ari=float(adjusted_rand_score(truth, predicted)),
        documents=len(origins),
        labels=len(set(truth)),
        stories_found=len(digest.stories),
        found=found,
        left_out=left_out,
        precision=precision,
        recall=recall,
        f1=f1,
    )


def evaluate_mixed(stories: Sequence[EvalStory], settings: Settings = Settings()) -> Grouping:
    """Build every article of ``stories`` together (``settings.clusters``, auto by default) and
    score how they were grouped against the stories they come from."""
    from digest.pipeline import build

    items = [(str(p), story.name) for story in stories for p in story.docs]
    label_of = {str(Path(path).resolve()): label for path, label in items}
    start = time.perf_counter()
    digest = build([path for path, _ in items], settings)
    seconds = time.perf_counter() - start
    grouping = score_grouping(digest, label_of)
    return dataclasses.replace(grouping, seconds=seconds)


# --- the report as JSON ------------------------------------------------------------------------


def _number(value: float, places: int = 4) -> float | None:
    """A JSON-safe number: rounded, and None rather than NaN or infinity."""
    return round(value, places) if math.isfinite(value) else None


def _scores(scores: Mapping[str, Score]) -> dict[str, Any]:
    return {m: {"recall": _number(s.recall), "f1": _number(s.f1)} for m, s in scores.items()}


def to_dict(
    dataset: str,
    stories: Sequence[EvalStory],
    results: Sequence[SystemResult],
    grouping: Grouping | None = None,
) -> dict[str, Any]:
    """The report of ``digest eval --format json`` (schema ``digest-eval/1``): plain, finite values.

    Scores are fractions in [0, 1]; ``systems`` holds each (algorithm, budget) with its means
    and its per-story figures; ``mixed`` is null unless grouping was measured.
    """
    systems = []
    for r in results:
        systems.append(
            {
                "algorithm": r.algorithm,
                "default": r.algorithm == DEFAULT_ALGORITHM,
                "words": r.words,
                "scores": _scores({m: Score(r.mean(m, "recall"), r.mean(m, "f1")) for m in METRICS}),
                "summary_words": _number(r.mean_words, 1),
                "seconds_per_story": _number(r.mean_seconds, 3),
                "stories": [
                    {"story": s.story, "scores": _scores(s.scores), "summary_words": s.words}
                    for s in r.stories
                ],
            }
        )
    mixed = None
    if grouping is not None:
        mixed = {
            "nmi": _number(grouping.nmi),
            "ari": _number(grouping.ari),
            "bcubed": {
                "precision": _number(grouping.precision),
                "recall": _number(grouping.recall),
                "f1": _number(grouping.f1),
            },
            "documents": grouping.documents,
            "labels": grouping.labels,
            "stories_found": grouping.stories_found,
            "left_out": len(grouping.left_out),
            "seconds": _number(grouping.seconds, 2),
        }
    return {
        "schema": SCHEMA,
        "dataset": dataset,
        "stories": len(stories),
        "documents": sum(len(s.docs) for s in stories),
        "references": sum(len(s.refs) for s in stories),
        "method": "rouge-score with Porter stemming; recall and F1, mean over a story's references, "
        "then over stories; each summary cut to its first N words",
        "systems": systems,
        "mixed": mixed,
    }
