"""The ``eval`` command, registered on the digest app by ``register(app)``.

Kept out of cli.py so that it stays short. Like cli.py, this module imports only typer and
light modules: rouge-score, scikit-learn and the pipeline are imported when the command runs.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from digest.cli.exit_codes import ExitCode
from digest.settings import ALGORITHMS, DEFAULT_ALGORITHM

if TYPE_CHECKING:
    from digest.evaluate import EvalStory, Grouping, SystemResult

EvalFormat = Enum("EvalFormat", {name: name for name in ("table", "json")}, type=str)  # type: ignore[misc]


def _fail(message: str, code: ExitCode) -> typer.Exit:
    from digest.sanitize import one_line

    print(f"digest: {one_line(message)}", file=sys.stderr)
    return typer.Exit(code)


def _budgets(values: list[str] | None) -> list[int]:
    """Word budgets from repeated --words options, each possibly a comma list."""
    budgets: list[int] = []
    for value in values or ["100"]:
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            if not part.isdigit() or int(part) < 1:
                raise typer.BadParameter(
                    f"{part!r} is not a whole number of at least 1", param_hint="--words"
                )
            if int(part) not in budgets:
                budgets.append(int(part))
    if not budgets:
        raise typer.BadParameter("give at least one word budget", param_hint="--words")
    return budgets


def eval_command(
    dataset: Annotated[
        Path,
        typer.Argument(
            metavar="DATASET",
            show_default=False,
            help="An evaluation set: <story>/docs/*.txt articles and <story>/refs/*.txt human summaries.",
        ),
    ],
    algorithm: Annotated[
        list[str] | None,
        typer.Option(
            "--algorithm",
            "-a",
            metavar="NAME",
            show_default=False,
            help=f"Summarizer to score: {', '.join(ALGORITHMS)}; default ({DEFAULT_ALGORITHM}, used when "
            "none is given) or all. Repeat it or give a comma list.",
        ),
    ] = None,
    words: Annotated[
        list[str] | None,
        typer.Option(
            "--words",
            "-w",
            metavar="N",
            show_default=False,
            help="Word budget per summary; each is cut to its first N words. Repeat it or give a comma "
            "list. Default: 100.",
        ),
    ] = None,
    max_docs: Annotated[
        int | None,
        typer.Option(
            "--max-docs",
            "-n",
            metavar="N",
            min=1,
            show_default=False,
            help="Summarize only each story's first N articles (in name order) against the whole story's "
            "references, to score by story size. Default: all of them.",
        ),
    ] = None,
    mixed: Annotated[
        bool,
        typer.Option(
            "--mixed",
            help="Also build all the articles together (clusters auto) and score the grouping "
            "against the story folders: B-cubed precision, recall and F1, NMI and ARI.",
        ),
    ] = False,
    grouping_level: Annotated[
        str,
        typer.Option(
            "--grouping",
            "-g",
            metavar="LEVEL",
            help="With --mixed: how much evidence puts two articles in one story (strict, default, loose, "
            "or a probability between 0 and 1).",
        ),
    ] = "default",
    output_format: Annotated[
        EvalFormat,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (plain text when not on a terminal) or json.",
        ),
    ] = "table",  # type: ignore[assignment]
) -> None:
    """Score digest's summaries against human ones (ROUGE-1, ROUGE-2, ROUGE-L) and, with --mixed,
    its grouping of stories (B-cubed, NMI, ARI)."""
    budgets = _budgets(words)
    from digest.stages.cluster import threshold_of

    try:
        threshold_of(grouping_level)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--grouping") from None
    # Deferred: the pipeline, rouge-score and scikit-learn take over a second to import.
    from digest.evaluate import (
        DatasetError,
        algorithms_named,
        evaluate_mixed,
        evaluate_rouge,
        first_docs,
        load,
        to_dict,
    )

    try:
        algorithms = algorithms_named(algorithm or [])
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--algorithm") from None
    try:
        stories = first_docs(load(dataset), max_docs)
    except DatasetError as exc:
        raise _fail(str(exc), ExitCode.USAGE) from None
    try:
        import rouge_score  # noqa: F401
    except ImportError:
        raise _fail("digest eval needs rouge-score: pip install rouge-score", ExitCode.ERROR) from None
    from digest.cli.progress import ProgressLine

    progress = ProgressLine(enabled=sys.stderr.isatty())
    try:
        results = evaluate_rouge(stories, algorithms, budgets, progress)
        if mixed:
            progress("grouping all the articles", 0, 0)
            from digest.settings import Settings

            grouping = evaluate_mixed(stories, Settings(grouping=grouping_level.strip().lower()))
        else:
            grouping = None
    finally:
        progress.clear()
    from digest.sanitize import visible

    shown = visible(str(dataset))
    if output_format.value == "json":
        report = to_dict(shown, stories, results, grouping)
        sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    elif sys.stdout.isatty():
        _rich_table(shown, stories, results, grouping)
    else:
        sys.stdout.write(plain_table(shown, stories, results, grouping))
    sys.stdout.flush()


# --- the report as a table ---------------------------------------------------------------------

HEADER = ("summarizer", "R-1 R", "R-1 F", "R-2 R", "R-2 F", "R-L R", "R-L F", "words", "s/story")
"""Columns of the table: ROUGE recall (R) and F1 (F) in percent, summary length, build time."""


def _heading(dataset: str, stories: list[EvalStory]) -> list[str]:
    return [
        f"dataset: {dataset} ({len(stories)} stories, {sum(len(s.docs) for s in stories)} articles, "
        f"{sum(len(s.refs) for s in stories)} reference summaries)",
        "ROUGE (%), stemmed: recall (R) and F1 (F), mean over a story's references, then over stories;",
        "each summary cut to its first N words.",
    ]


def _rows(results: list[SystemResult], words: int) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        if r.words != words:
            continue
        name = f"{r.algorithm} (default)" if r.algorithm == DEFAULT_ALGORITHM else r.algorithm
        figures = [
            f"{100 * r.mean(m, kind):.2f}"
            for m in ("rouge1", "rouge2", "rougeL")
            for kind in ("recall", "f1")
        ]
        rows.append((name, *figures, f"{r.mean_words:.0f}", f"{r.mean_seconds:.2f}"))
    return rows


def _grouping_line(grouping: Grouping) -> str:
    line = (
        f"mixed: {grouping.documents} articles of {grouping.labels} stories built together "
        f"(clusters auto): {grouping.stories_found} stories found, B-cubed precision "
        f"{grouping.precision:.4f}, recall {grouping.recall:.4f}, F1 {grouping.f1:.4f}; "
        f"NMI {grouping.nmi:.4f}, ARI {grouping.ari:.4f} ({grouping.seconds:.1f} s)"
    )
    if grouping.left_out:
        line += f"; {len(grouping.left_out)} article(s) in no story"
    return line


def _budgets_of(results: list[SystemResult]) -> list[int]:
    return list(dict.fromkeys(r.words for r in results))


def plain_table(
    dataset: str, stories: list[EvalStory], results: list[SystemResult], grouping: Grouping | None
) -> str:
    """The report as aligned plain text (for pipes, files and the results in benchmarks/)."""
    parts = ["\n".join(_heading(dataset, stories))]
    for words in _budgets_of(results):
        rows = [HEADER, *_rows(results, words)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
        lines = [f"{words} words"]
        for row in rows:
            cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
            lines.append("  ".join(cells))
        parts.append("\n".join(lines))
    if grouping is not None:
        parts.append(_grouping_line(grouping))
    return "\n\n".join(parts) + "\n"


def _rich_table(
    dataset: str, stories: list[EvalStory], results: list[SystemResult], grouping: Grouping | None
) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    for line in _heading(dataset, stories):  # the path is untrusted: Text, never markup
        console.print(Text(line))
    for words in _budgets_of(results):
        table = Table(title=Text(f"{words} words"), title_justify="left")
        for i, column in enumerate(HEADER):
            table.add_column(Text(column), justify="left" if i == 0 else "right")
        for row in _rows(results, words):
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    if grouping is not None:
        console.print(Text(_grouping_line(grouping)))


def register(app: typer.Typer) -> None:
    """Add ``eval`` to the digest app."""
    app.command("eval")(eval_command)
