"""The digest command line (typer): parse, call the core, map errors to exit codes."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

from digest import __version__
from digest.cli.brief import (
    AllOption,
    ConfigOption,
    FeedOption,
    FullTextOption,
    IncludeTextOption,
    OpmlOption,
    SinceOption,
    StateOption,
    WaitOption,
)
from digest.cli.exit_codes import ExitCode
from digest.cli.progress import ProgressLine
from digest.render import BUILD_FORMATS
from digest.settings import ALGORITHMS, DEFAULT_ALGORITHM, Settings

if TYPE_CHECKING:
    from digest.cache import Cache
    from digest.run import Runner
    from digest.tui.loading import BriefSource

# The pipeline, sumy, scikit-learn and rich renderers are imported inside the command:
# together they take over a second to import, and `digest --help` must answer at once.

DEFAULT_COMMAND = "build"
"""The command that ``digest PATH...`` runs."""
SHORTHAND = f"Shorthand: digest PATH... runs digest {DEFAULT_COMMAND} PATH..."


class _PlainArgument(TyperArgument):
    """An argument shown as PATH... in help and usage, without typer's <list[str]> type."""

    def display_type_rich(self, ctx):  # type: ignore[no-untyped-def]
        return None

    def _usage_display_name(self) -> str:
        name = self.metavar or self.name or ""
        if self.nargs != 1 and not name.endswith("..."):
            name += "..."
        return name if self.required else f"[{name}]"


def _tidy(param: object) -> None:
    """Clean help for one parameter: no <bool> after flags, NAME rather than <str>.

    Typer (0.2x) shows every option's Python type; flags take no value, so they get an
    empty metavar, and value options without one are named after the option.
    """
    if isinstance(param, TyperOption) and param.metavar is None:
        if param.is_flag or getattr(param, "count", False):
            param.metavar = ""
        elif not getattr(getattr(param, "type_descriptor", None), "is_choice", False):
            param.metavar = (param.name or "value").upper()
    elif isinstance(param, TyperArgument):
        if param.metavar is None:
            param.metavar = (param.name or "arg").upper() + ("..." if param.nargs != 1 else "")
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument


def _tidy_command(command: object, ctx: object) -> None:
    """Tidy a command's parameters (its help option included) and, for a group, its commands."""
    for param in command.get_params(ctx):  # type: ignore[attr-defined]
        _tidy(param)
    for sub in getattr(command, "commands", {}).values():
        _tidy_command(sub, ctx)


class DigestGroup(TyperGroup):
    """The digest command group: typer's, with tidier help for every command in the tree."""

    def get_params(self, ctx):  # type: ignore[no-untyped-def]
        params = super().get_params(ctx)
        for param in params:
            _tidy(param)
        return params

    def get_command(self, ctx, cmd_name):  # type: ignore[no-untyped-def]
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            _tidy_command(command, ctx)
        return command


app = typer.Typer(
    name="digest",
    cls=DigestGroup,
    help="Turn a pile of news articles into a short briefing in which every sentence is cited.",
    epilog=SHORTHAND,
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh and fish
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

Algorithm = Enum("Algorithm", {name: name for name in ALGORITHMS}, type=str)  # type: ignore[misc]
Format = Enum("Format", {name: name for name in BUILD_FORMATS}, type=str)  # type: ignore[misc]
EngineName = Enum("EngineName", {name: name for name in ("local", "dask")}, type=str)  # type: ignore[misc]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Turn a pile of news articles into a short briefing in which every sentence is cited.

    Exit codes: 0 success; 1 internal error or output not written; 2 usage error or no
    usable input; 130 interrupted; 143 terminated.
    """


def _error(message: str) -> None:
    from digest.sanitize import one_line

    print(f"digest: {one_line(message)}", file=sys.stderr)


def _warn(message: str, quiet: bool) -> None:
    if not quiet:
        from digest.sanitize import one_line

        print(f"digest: warning: {one_line(message)}", file=sys.stderr)


def _check_clusters(clusters: str) -> None:
    """--clusters is auto or a whole number of at least 1."""
    if clusters != "auto" and not (clusters.isdigit() and int(clusters) >= 1):
        raise typer.BadParameter("must be auto or a whole number of at least 1", param_hint="--clusters")


def _settings(
    algorithm: Algorithm,
    sentences: int | None,
    words: int | None,
    clusters: str,
    language: str,
    grouping: str = "default",
) -> Settings:
    """The Settings of build and tui; an unsupported --language or --grouping is a usage error."""
    from digest.stages.cluster import threshold_of
    from digest.stages.segment import check_language

    try:
        threshold_of(grouping)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--grouping") from None
    try:
        settings = Settings(
            algorithm=algorithm.value,
            sentences=sentences,
            words=words,
            clusters=clusters,
            grouping=grouping.strip().lower(),
            language=language,
        )
        check_language(language)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--language") from None
    return settings


# The options build and tui share.
AlgorithmOption = Annotated[
    Algorithm,
    typer.Option(
        "--algorithm",
        "-a",
        metavar="NAME",
        help=f"The sumy summarizer that ranks sentences: {', '.join(ALGORITHMS)}.",
    ),
]
SentencesOption = Annotated[
    int | None,
    typer.Option(
        "--sentences",
        "-n",
        min=1,
        metavar="N",
        help="Sentences per story; 4 unless --words is given.",
        show_default=False,
    ),
]
WordsOption = Annotated[
    int | None,
    typer.Option(
        "--words", "-w", min=1, metavar="N", help="Word budget per story, used instead of --sentences."
    ),
]
ClustersOption = Annotated[
    str, typer.Option("--clusters", "-c", metavar="N", help="Number of stories, or auto to find it.")
]
GroupingOption = Annotated[
    str,
    typer.Option(
        "--grouping",
        "-g",
        metavar="LEVEL",
        help="How much evidence puts two articles in one story: strict, default, loose, or a probability "
        "between 0 and 1 that two articles report the same event.",
    ),
]
LanguageOption = Annotated[
    str,
    typer.Option(
        "--language",
        metavar="LANG",
        help="Language of the articles (sentence splitter, stemmer, stop words).",
    ),
]


@app.command()
def build(
    paths: Annotated[
        list[str],
        typer.Argument(
            metavar="PATH...",
            help="Article files (.txt, .md, .html), folders (read recursively) or - for standard input.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="Output format: terminal, markdown (or md), text, json or html (a standalone page). "
            "Default: from the --output suffix (.json, .md, .txt, .html), else terminal on a "
            "terminal, else markdown.",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to FILE instead of standard output (written whole or not at all).",
            metavar="FILE",
        ),
    ] = None,
    algorithm: AlgorithmOption = DEFAULT_ALGORITHM,  # type: ignore[assignment]  # typer reads the str
    sentences: SentencesOption = None,
    words: WordsOption = None,
    clusters: ClustersOption = "auto",
    grouping: GroupingOption = "default",
    language: LanguageOption = "english",
    include_text: IncludeTextOption = False,
    engine: Annotated[
        EngineName,
        typer.Option(
            "--engine",
            metavar="NAME",
            help="Where reading, sentence splitting and summaries run: local (worker processes from 200 "
            "inputs) or dask (a Dask cluster; needs the dask extra). The digest is the same.",
        ),
    ] = "local",  # type: ignore[assignment]
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="With --engine dask: the Dask scheduler to use, such as tcp://host:8786. "
            "Default: a local cluster of one worker process per core, for the build.",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Neither reuse nor keep what this build parses and computes "
            "(the cache in the user cache folder, or in $DIGEST_CACHE).",
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No warnings or progress on standard error.")
    ] = False,
) -> None:
    """Build a cited digest of articles: copies recognised, grouped by story, summarized."""
    _check_clusters(clusters)
    if scheduler is not None and engine.value != "dask":
        raise typer.BadParameter("only with --engine dask", param_hint="--scheduler")
    name = fmt.value if fmt is not None else _default_format(output)
    _one_blas_thread()  # before numpy is imported
    from digest.errors import NothingToSummarize
    from digest.pipeline import build as build_digest
    from digest.render import RenderOptions, get_renderer

    settings = _settings(algorithm, sentences, words, clusters, language, grouping)
    progress = ProgressLine(enabled=not quiet and sys.stderr.isatty())
    try:
        try:
            with _engine(engine.value, scheduler, progress) as where:
                result = build_digest(paths, settings, progress, where, _cache(no_cache, quiet))
        finally:
            progress.clear()
    except NothingToSummarize as exc:
        for warning in exc.warnings:
            _warn(warning, quiet)
        _error(str(exc))
        raise typer.Exit(ExitCode.USAGE) from None
    except KeyboardInterrupt:
        _interrupted()
    for warning in result.warnings:
        _warn(warning, quiet)
    options = RenderOptions(include_text=include_text)
    render = get_renderer(name)
    try:
        if output is None:
            try:
                render(result, sys.stdout, options)
                sys.stdout.flush()
            except BrokenPipeError:
                _stdout_gone()
            return
        _write_atomically(output, lambda handle: render(result, handle, options))
    except KeyboardInterrupt:
        _interrupted()


def _cache(no_cache: bool, quiet: bool) -> Cache | None:
    """The build cache (digest.cache), or None with --no-cache."""
    if no_cache:
        return None
    from digest.cache import Cache

    return Cache(warn=lambda message: _warn(message, quiet))


@contextmanager
def _engine(name: str, scheduler: str | None, progress: ProgressLine) -> Iterator[Runner | None]:
    """The runner of ``--engine`` (None: local worker processes), closed after the build.

    Dask missing: exit 2; a scheduler that cannot be reached, or a cluster lost: exit 1.
    """
    if name == "local":
        yield None
        return
    from digest.errors import EngineError
    from digest.run.dask import dask_engine

    progress("starting dask" if scheduler is None else "connecting to dask", 0, 0)
    try:
        with dask_engine(scheduler) as engine:
            yield engine
    except EngineError as exc:
        _error(str(exc))
        raise typer.Exit(ExitCode.USAGE if exc.usage else ExitCode.ERROR) from None


def _one_blas_thread() -> None:
    """One BLAS thread, unless the user chose otherwise: digest's matrices are small, and
    OpenBLAS threads spinning against each other (or against the process pool's workers)
    made an SVD of a few hundred sentences take seconds instead of milliseconds."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")


def _interrupted() -> None:
    """Ctrl-C: say so on one line and exit 130 (typer would exit silently)."""
    sys.stderr.write("\ndigest: interrupted\n")
    raise typer.Exit(ExitCode.INTERRUPTED)


def _stdout_gone() -> None:
    """The reader went away (digest ... | head): stop writing, quietly and successfully.

    Standard output is pointed at /dev/null so that the final flush at exit cannot fail.
    """
    from digest.cli.output import detach_stdout

    detach_stdout()
    raise typer.Exit(ExitCode.OK)


def _default_format(output: Path | None) -> str:
    from digest.cli.outfile import suffix_format

    if output is not None:
        return suffix_format(output) or "markdown"
    return "terminal" if sys.stdout.isatty() else "markdown"


def _write_atomically(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    """Write ``-o``: a regular file whole or nothing, a device or FIFO in place (digest.cli.outfile)."""
    from digest.cli.outfile import write_output

    try:
        write_output(path, write)
    except OSError as exc:
        _error(f"cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(ExitCode.ERROR) from None


def command_names() -> set[str]:
    """The names of the commands (and command groups) under ``digest``."""
    group = typer.main.get_command(app)
    return set(getattr(group, "commands", {}))


def main() -> None:
    """Entry point: ``digest PATH...`` is short for ``digest build PATH...`` (DEFAULT_COMMAND)."""
    _one_blas_thread()  # every command that builds: before numpy is imported
    args = sys.argv[1:]
    options = ("-h", "--help", "--version", "--install-completion", "--show-completion")
    if args and args[0] not in command_names() and args[0] not in options:
        args = [DEFAULT_COMMAND, *args]
    from digest.cli.output import fit_stream

    fit_stream(sys.stdout)  # LANG=C: non-ASCII text as \uXXXX, not a UnicodeEncodeError
    import signal

    from digest.cli import interrupt

    if args[:1] == ["tui"]:  # the TUI takes Ctrl-C itself, and must get to restore the terminal
        signal.signal(signal.SIGINT, signal.default_int_handler)
    else:
        interrupt.install()  # exit 130 at once, wherever Ctrl-C lands
    try:
        _run(args)
    except KeyboardInterrupt:
        sys.stderr.write("\ndigest: interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (digest ... | head): quietly stop writing.
        from digest.cli.output import detach_stdout

        detach_stdout()
        sys.exit(ExitCode.OK)


def _run(args: list[str]) -> None:
    from digest.cli import interrupt

    try:
        app(args=args, prog_name="digest")
    finally:
        if args[:1] != ["tui"]:
            interrupt.finished()


_BRIEF_ONLY = ("feed", "opml", "since", "show_all", "full_text", "config", "state", "wait")
"""The tui options that only --brief takes."""


_TUI_HELP = (
    "Browse the digest: stories, summaries, and each sentence highlighted in its source.\n\n"
    "With --brief, browse the briefing digest brief would show now, from the same feeds, config "
    "file and state (--feed, --since, --all ...; the summary options given here over the config "
    "file's). It records only what you read: a story you open or mark read (m) is recorded in "
    "the state as brief records what it shows, so the next brief leaves it out (or brings it "
    "back as an update); the rest stays new. r reads the feeds again. Every article's text comes "
    "with the briefing (fetched, or kept in the state), so a sentence opens in its article "
    "without the network. A briefing saved with digest brief --format json --include-text opens "
    "with its articles' texts too."
)
"""tui's help (one string: typer keeps a docstring's line breaks)."""


@app.command(help=_TUI_HELP)
def tui(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PATH...",
            help="Article files (.txt, .md, .html) and folders, as for build; or one digest saved with "
            "--format json. None with --brief.",
            show_default=False,
        ),
    ] = None,
    algorithm: AlgorithmOption = DEFAULT_ALGORITHM,  # type: ignore[assignment]  # typer reads the str
    sentences: SentencesOption = None,
    words: WordsOption = None,
    clusters: ClustersOption = "auto",
    grouping: GroupingOption = "default",
    language: LanguageOption = "english",
    export_dir: Annotated[
        Path | None,
        typer.Option(
            "--export-dir",
            metavar="DIR",
            help="Where the e key writes Markdown exports (created if missing). Default: the current "
            "directory.",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither reuse nor keep what builds parse and compute.")
    ] = False,
    brief: Annotated[
        bool,
        typer.Option(
            "--brief",
            help="Show the briefing digest brief would show (the feeds and state of brief, with its "
            "options below), recording only the stories read in it; each article's text comes with it.",
        ),
    ] = False,
    feed: FeedOption = None,
    opml: OpmlOption = None,
    since: SinceOption = "last-run",
    show_all: AllOption = False,
    full_text: FullTextOption = None,
    config: ConfigOption = None,
    state: StateOption = None,
    wait: WaitOption = 5.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No messages about skipped inputs.")] = False,
) -> None:
    """Browse the digest: stories, summaries, and each sentence highlighted in its source."""
    _check_clusters(clusters)
    paths = paths or []
    given = {name for name in ctx.params if _given(ctx, name)}
    _check_tui_inputs(ctx, brief, paths, given)
    settings = _settings(algorithm, sentences, words, clusters, language, grouping)
    saved = Path(paths[0]) if len(paths) == 1 and paths[0].lower().endswith(".json") else None
    source = (
        _brief_source(given, settings, feed, opml, since, show_all, full_text, config, state, wait)
        if brief
        else None
    )
    # Deferred: textual takes about 0.3 s to import, and no other command needs it.
    from digest.tui.app import make_app

    inputs = paths if saved is None else []
    tui_app = make_app(inputs, settings, saved, export_dir, quiet, not no_cache, brief=source)
    tui_app.run()
    if tui_app.failure is not None:  # shown in the TUI; said again once the terminal is back
        _error(tui_app.failure)
        raise typer.Exit(ExitCode.USAGE if getattr(tui_app, "failure_usage", True) else ExitCode.ERROR)


def _check_tui_inputs(ctx: typer.Context, brief: bool, paths: list[str], given: set[str]) -> None:
    """Usage errors: PATHs with --brief, neither, brief's options without it, standard input."""
    if brief and paths:
        raise typer.BadParameter(
            "--brief shows the briefing of feeds: give no PATH with it", param_hint="PATH"
        )
    if not brief and not paths:
        raise typer.BadParameter(
            "give PATH... (or --brief for the briefing of your feeds)", param_hint="PATH"
        )
    if not brief and given & set(_BRIEF_ONLY):
        option = next(p.opts[0] for p in ctx.command.params if p.name in given & set(_BRIEF_ONLY))
        raise typer.BadParameter("only with --brief", param_hint=option)
    if "-" in paths:
        raise typer.BadParameter(
            "the TUI reads the keyboard: standard input cannot be an article", param_hint="PATH"
        )


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was given (on the command line or in its environment variable),
    not left at its default. By the source's name: typer 0.2x has a click of its own."""
    source = ctx.get_parameter_source(name)
    return getattr(source, "name", None) in ("COMMANDLINE", "ENVIRONMENT")


def _brief_source(
    given: set[str],
    settings: Settings,
    feed: list[str] | None,
    opml: list[Path] | None,
    since: str,
    show_all: bool,
    full_text: bool | None,
    config: Path | None,
    state: Path | None,
    wait: float,
) -> BriefSource:
    """What tui --brief shows: brief's config, with the summary options given on the command
    line over the config file's (those not given are the config file's, as for brief)."""
    import dataclasses

    from digest.cli.brief import brief_options, load_config, overridden, state_path

    loaded = overridden(
        load_config(config),
        settings.algorithm if "algorithm" in given else None,
        settings.sentences if "sentences" in given else None,
        settings.words if "words" in given else None,
    )
    chosen = {name: getattr(settings, name) for name in ("clusters", "grouping", "language") if name in given}
    loaded = dataclasses.replace(loaded, settings=dataclasses.replace(loaded.settings, **chosen))
    options = brief_options(feed, opml, since, show_all, full_text, True, "tui", wait)
    from digest.tui.loading import BriefSource

    return BriefSource(loaded, options, state_path(loaded, state))


# The daily briefing (brief) and the config commands live in their own module.
from digest.cli.brief import register as _register_brief  # noqa: E402 - after the commands above

_register_brief(app)

# Scoring against human summaries (eval) lives in its own module too.
from digest.cli.eval import register as _register_eval  # noqa: E402 - after the commands above

_register_eval(app)
