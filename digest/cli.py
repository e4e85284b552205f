"""The digest command line (typer): parse, call the core, map errors to exit codes."""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from digest import __version__
from digest.config import ALGORITHMS, DEFAULT_ALGORITHM
from digest.exit_codes import ExitCode

# The pipeline, sumy, scikit-learn and rich renderers are imported inside the command:
# together they take over a second to import, and `digest --help` must answer at once.

app = typer.Typer(
    name="digest",
    help="Turn a pile of news articles into a short briefing in which every sentence is cited.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)

Algorithm = Enum("Algorithm", {name: name for name in ALGORITHMS}, type=str)  # type: ignore[misc]
Format = Enum("Format", {name: name for name in ("terminal", "markdown", "md", "text", "json")}, type=str)  # type: ignore[misc]
SUFFIX_FORMATS = {".json": "json", ".md": "markdown", ".markdown": "markdown", ".txt": "text"}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"digest {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Turn a pile of news articles into a short briefing in which every sentence is cited.

    Exit codes: 0 success; 1 internal error or output not written; 2 usage error or no
    usable input; 130 interrupted.
    """


def _error(message: str) -> None:
    from digest.sanitize import one_line

    print(f"digest: {one_line(message)}", file=sys.stderr)


def _warn(message: str, quiet: bool) -> None:
    if not quiet:
        from digest.sanitize import one_line

        print(f"digest: warning: {one_line(message)}", file=sys.stderr)


class _Progress:
    """Stage and count on one stderr line, only when stderr is a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        text = f"{stage} {done}/{total}" if total else f"{stage}…"
        sys.stderr.write(f"\r\x1b[2K{text}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[2K")
            sys.stderr.flush()


@app.command()
def build(
    paths: Annotated[list[str], typer.Argument(
        help="Article files (.txt, .md, .html), folders (read recursively) or - for standard input.",
        show_default=False)],
    format: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="Output format: terminal, markdown (md), text or json. "
        "Default: terminal on a terminal, else from the --output suffix, else markdown.",
        show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="Write to FILE instead of standard output (written whole or not at all).",
        metavar="FILE")] = None,
    algorithm: Annotated[Algorithm, typer.Option(
        "--algorithm", "-a", help="The sumy summarizer that ranks sentences.")] = DEFAULT_ALGORITHM,
    sentences: Annotated[Optional[int], typer.Option(
        "--sentences", "-n", min=1, help="Sentences per story [default: 4].", show_default=False)] = None,
    words: Annotated[Optional[int], typer.Option(
        "--words", "-w", min=1, help="Word budget per story (instead of --sentences).")] = None,
    clusters: Annotated[str, typer.Option(
        "--clusters", "-c", help="Number of stories, or auto to find it.")] = "auto",
    language: Annotated[str, typer.Option(
        "--language", help="Language of the articles (sentence splitter, stemmer, stop words).")] = "english",
    include_text: Annotated[bool, typer.Option(
        "--include-text", help="JSON: include each document's text, which citation offsets index.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No warnings or progress on standard error.")] = False,
) -> None:
    """Build a cited digest of articles: copies recognised, grouped by story, summarized."""
    if clusters != "auto" and not (clusters.isdigit() and int(clusters) >= 1):
        raise typer.BadParameter("must be auto or a whole number of at least 1", param_hint="--clusters")
    name = format.value if format is not None else _default_format(output)
    from digest.config import Settings
    from digest.pipeline import NothingToSummarize, build as build_digest
    from digest.render import RenderOptions, get_renderer

    try:
        settings = Settings(algorithm=algorithm.value, sentences=sentences, words=words,
                            clusters=clusters, language=language)
        from digest.segment import check_language

        check_language(language)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--language") from None
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())
    try:
        result = build_digest(paths, settings, progress)
    except NothingToSummarize as exc:
        progress.clear()
        for warning in exc.warnings:
            _warn(warning, quiet)
        _error(str(exc))
        raise typer.Exit(ExitCode.USAGE) from None
    progress.clear()
    for warning in result.warnings:
        _warn(warning, quiet)
    options = RenderOptions(include_text=include_text)
    render = get_renderer(name)
    if output is None:
        render(result, sys.stdout, options)
        sys.stdout.flush()
        return
    _write_atomically(output, lambda handle: render(result, handle, options))


def _default_format(output: Optional[Path]) -> str:
    if output is not None:
        return SUFFIX_FORMATS.get(output.suffix.lower(), "markdown")
    return "terminal" if sys.stdout.isatty() else "markdown"


def _write_atomically(path: Path, write) -> None:  # type: ignore[no-untyped-def]
    """Write through a temporary file in the same folder, then rename: whole or nothing."""
    import tempfile

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=".digest-", suffix=".tmp", dir=folder)
    except OSError as exc:
        _error(f"cannot write {path}: {exc.strerror or exc}")
        raise typer.Exit(ExitCode.ERROR) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            _error(f"cannot write {path}: {exc.strerror or exc}")
            raise typer.Exit(ExitCode.ERROR) from None
        raise


def main() -> None:
    """Entry point: ``digest PATH...`` is short for ``digest build PATH...``."""
    args = sys.argv[1:]
    commands = {"build"} | {c.name or "" for c in app.registered_commands}
    if args and args[0] not in commands and args[0] not in ("-h", "--help", "--version"):
        args = ["build", *args]
    try:
        app(args=args, prog_name="digest")
    except KeyboardInterrupt:
        sys.stderr.write("\ndigest: interrupted\n")
        sys.exit(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (digest ... | head): quietly stop writing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(ExitCode.OK)
