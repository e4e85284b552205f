"""The ``brief`` and ``config`` commands, registered on the digest app by ``register(app)``.

Kept out of cli.py so that it stays short. Like cli.py, this module imports only typer and
light modules: httpx, feedparser, sqlite work and the pipeline are imported when a command runs.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from digest.brief.userconfig import BRIEF_FORMATS, ConfigError, UserConfig
from digest.cli.exit_codes import ExitCode
from digest.cli.progress import ProgressLine
from digest.settings import ALGORITHMS

if TYPE_CHECKING:
    from digest.brief.run import BriefOptions, Outcome
    from digest.models import Digest

BriefFormat = Enum("BriefFormat", {name: name for name in BRIEF_FORMATS}, type=str)  # type: ignore[misc]
BriefAlgorithm = Enum("BriefAlgorithm", {name: name for name in ALGORITHMS}, type=str)  # type: ignore[misc]

config_app = typer.Typer(
    name="config",
    help="Where the config file is and what is in effect.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="FILE",
        show_default=False,
        help="The config file to use instead of the default one (digest config path).",
    ),
]


def _error(message: str, code: ExitCode) -> typer.Exit:
    from digest.sanitize import one_line

    print(f"digest: {one_line(message)}", file=sys.stderr)
    return typer.Exit(code)


def load_config(path: Path | None) -> UserConfig:
    from digest.brief.userconfig import load

    try:
        return load(path)
    except ConfigError as exc:
        raise _error(str(exc), ExitCode.USAGE) from None


@config_app.command("path")
def config_path(config: ConfigOption = None) -> None:
    """Print the path of the config file (and of the state file), whether they exist or not."""
    from digest.brief.userconfig import default_path, default_state_path

    path = config or default_path()
    typer.echo(str(path))
    if not path.exists():
        print(
            f"digest: {path} does not exist yet: write one to set feeds (see digest config show)",
            file=sys.stderr,
        )
    state = default_state_path()
    if path.exists():
        loaded = load_config(config)
        if loaded.state:
            state = Path(loaded.state)
    print(f"digest: state file: {state}", file=sys.stderr)


@config_app.command("show")
def config_show(config: ConfigOption = None) -> None:
    """Print the settings in effect (the file's, and defaults for the rest) as TOML."""
    typer.echo(load_config(config).to_toml(), nl=False)


# The options of brief that tui --brief shares (digest.cli.app imports them).
FeedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--feed",
        metavar="URL|FILE",
        show_default=False,
        help="A feed (RSS, Atom or JSON Feed) to read; repeat for more. Replaces the config file's feeds.",
    ),
]
OpmlOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--opml",
        metavar="FILE",
        show_default=False,
        help="An OPML subscription list whose feeds are read; repeatable.",
    ),
]
SinceOption = Annotated[
    str,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="What counts as new: last-run, yesterday, today, a date (2024-05-01), a time "
        "or an age (20m, 36h, 2d, 1w).",
    ),
]
AllOption = Annotated[
    bool, typer.Option("--all", help="Also show stories with nothing new, marked as seen before.")
]
FullTextOption = Annotated[
    bool | None,
    typer.Option(
        "--full-text/--no-full-text",
        show_default=False,
        help="Fetch the page of entries that carry only a summary and extract its main text.",
    ),
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        metavar="FILE",
        show_default=False,
        help="The state file (what was seen and shown) instead of the default one.",
    ),
]
WaitOption = Annotated[
    float,
    typer.Option(
        "--wait",
        metavar="SECONDS",
        min=0,
        help="How long to wait for another run using the same state file.",
    ),
]
IncludeTextOption = Annotated[
    bool,
    typer.Option("--include-text", help="JSON: include each document's text, which citation offsets index."),
]


def brief(
    feed: FeedOption = None,
    opml: OpmlOption = None,
    since: SinceOption = "last-run",
    show_all: AllOption = False,
    output_format: Annotated[
        BriefFormat | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            show_default=False,
            help="terminal, markdown (md), text, json, html or email. Default: from the --output "
            "suffix (.json, .md, .txt, .html), else the config file's, else terminal on a terminal, "
            "else markdown.",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE instead of standard output (whole or not at all).",
        ),
    ] = None,
    to: Annotated[
        list[str] | None,
        typer.Option("--to", metavar="ADDRESS", show_default=False, help="Email: a recipient; repeatable."),
    ] = None,
    sender: Annotated[
        str | None,
        typer.Option("--from", metavar="ADDRESS", show_default=False, help="Email: the From address."),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option(
            "--subject",
            metavar="TEXT",
            show_default=False,
            help="Email: the subject; {date} and {count} (the number of stories) are filled in.",
        ),
    ] = None,
    full_text: FullTextOption = None,
    algorithm: Annotated[
        BriefAlgorithm | None,
        typer.Option(
            "--algorithm",
            "-a",
            metavar="NAME",
            show_default=False,
            help="The sumy summarizer (default: the config file's, else lexrank).",
        ),
    ] = None,
    sentences: Annotated[
        int | None,
        typer.Option(
            "--sentences", "-n", min=1, metavar="N", show_default=False, help="Sentences per story."
        ),
    ] = None,
    words: Annotated[
        int | None,
        typer.Option("--words", "-w", min=1, metavar="N", show_default=False, help="Word budget per story."),
    ] = None,
    config: ConfigOption = None,
    state: StateOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Do not record this briefing: the next one shows the same.")
    ] = False,
    wait: WaitOption = 5.0,
    include_text: IncludeTextOption = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No warnings or progress on standard error.")
    ] = False,
) -> None:
    """Daily briefing: fetch the feeds, group articles into stories, show what is new since last time.

    The state (articles seen, stories and sentences shown) is updated only after the briefing
    was written: a run that fails to write records nothing.
    """
    loaded = overridden(
        load_config(config), algorithm.value if algorithm is not None else None, sentences, words
    )
    name = _format_name(output_format.value if output_format is not None else None, loaded, output)
    headers = _headers(loaded, to, sender, subject)
    if name == "email":
        _check_mail(headers, loaded)
    options = brief_options(feed, opml, since, show_all, full_text, dry_run, name, wait)
    outcome = _briefed(
        loaded,
        options,
        state_path(loaded, state),
        ProgressLine(enabled=not quiet and sys.stderr.isatty()),
        lambda digest: _write(digest, name, output, headers, include_text),
    )
    if not quiet:
        _summary(outcome)


def state_path(loaded: UserConfig, option: Path | None) -> Path:
    """The state file: --state, else the config file's, else the platform's default."""
    from digest.brief.userconfig import default_state_path

    return option or (Path(loaded.state) if loaded.state else default_state_path())


def _format_name(option: str | None, loaded: UserConfig, output: Path | None) -> str:
    """The output format: --format, else the --output suffix's (as build), else the config
    file's, else terminal on a terminal and markdown elsewhere."""
    from digest.cli.outfile import suffix_format

    if option is not None:
        return option
    chosen = suffix_format(output) or loaded.format
    return chosen or ("terminal" if output is None and sys.stdout.isatty() else "markdown")


def _briefed(
    loaded: UserConfig,
    options: BriefOptions,
    state_path: Path,
    progress: ProgressLine,
    write: Callable[[Digest], None],
) -> Outcome:
    """Run the briefing; what stops it is one line on standard error and an exit code, after
    the progress line was cleared."""
    import sqlite3

    from digest.brief.run import BriefError, run
    from digest.brief.state import StateError, sqlite_problem

    delivered = []

    def deliver(digest: Digest) -> None:
        progress.clear()  # on a terminal, stdout and stderr share the line the progress is on
        write(digest)
        delivered.append(True)

    def failure(message: str, code: ExitCode) -> typer.Exit:
        progress.clear()
        return _error(message, code)

    try:
        try:
            outcome = run(loaded, options, state_path, deliver, progress)
        except sqlite3.Error as exc:  # reading or writing the state failed midway (a disk, a permission)
            raise sqlite_problem(state_path, exc, delivered=bool(delivered)) from None
    except BriefError as exc:
        raise failure(str(exc), ExitCode.USAGE) from None
    except StateError as exc:
        raise failure(str(exc), ExitCode.ERROR) from None
    except _NotWritten as exc:
        raise failure(
            f"{exc}; nothing was recorded, the next briefing shows the same", ExitCode.ERROR
        ) from None
    except KeyboardInterrupt:
        raise failure("interrupted; nothing was recorded", ExitCode.INTERRUPTED) from None
    progress.clear()
    return outcome


def brief_options(
    feed: list[str] | None,
    opml: list[Path] | None,
    since: str,
    show_all: bool,
    full_text: bool | None,
    dry_run: bool,
    output_format: str,
    wait: float,
) -> BriefOptions:
    """The run's options from the command line's (brief's, or tui --brief's)."""
    from digest.brief.run import BriefOptions

    return BriefOptions(
        feeds=tuple(feed or ()),
        opml=tuple(str(p) for p in opml or ()),
        since=since,
        show_all=show_all,
        full_text=full_text,
        dry_run=dry_run,
        output_format=output_format,
        wait=wait,
    )


def overridden(
    loaded: UserConfig, algorithm: str | None, sentences: int | None, words: int | None
) -> UserConfig:
    """The config with the command line's summary options over it."""
    import dataclasses

    overrides: dict[str, Any] = {}
    if algorithm is not None:
        overrides["algorithm"] = algorithm
    if sentences is not None:
        overrides["sentences"], overrides["words"] = sentences, None
    if words is not None:
        overrides["words"] = words
    return dataclasses.replace(loaded, settings=dataclasses.replace(loaded.settings, **overrides))


def _check_mail(headers: dict[str, str], loaded: UserConfig) -> None:
    """Usage errors for --format email: an address that does not parse, or no recipient."""
    for key, option in (("From", "--from"), ("To", "--to"), ("Cc", "cc")):
        if key in headers and not _addresses_ok(headers[key]):
            from digest.sanitize import visible

            raise _error(f"{option}: not an email address: {visible(headers[key])}", ExitCode.USAGE)
    if not headers.get("To"):
        raise _error(
            f"--format email needs a recipient: --to ADDRESS, or to = [...] under [email] in {loaded.path}",
            ExitCode.USAGE,
        )


def _summary(outcome: Outcome) -> None:
    """The warnings and one line of counts, on standard error."""
    from digest.sanitize import one_line

    for warning in outcome.warnings:
        print(f"digest: warning: {one_line(warning)}", file=sys.stderr)
    failed = f", {outcome.failed} failed" if outcome.failed else ""
    stories = len(outcome.digest.stories)
    print(
        f"digest: {outcome.feeds} {'feed' if outcome.feeds == 1 else 'feeds'}{failed}, "
        f"{outcome.new_articles} new {'article' if outcome.new_articles == 1 else 'articles'}, "
        f"{stories} {'story' if stories == 1 else 'stories'} shown"
        + ("" if outcome.recorded else " (not recorded: --dry-run)"),
        file=sys.stderr,
    )


def _headers(
    config: UserConfig, to: list[str] | None, sender: str | None, subject: str | None
) -> dict[str, str]:
    recipients = list(to or config.email.to)
    headers = {"From": sender or config.email.sender, "Subject": subject or config.email.subject}
    if recipients:
        headers["To"] = ", ".join(recipients)
    if config.email.cc:
        headers["Cc"] = ", ".join(config.email.cc)
    return headers


def _addresses_ok(value: str) -> bool:
    """Whether an address header parses as the email renderer will parse it, every address
    with a local part and a domain (the email package raises on some malformed ones)."""
    from email.headerregistry import HeaderRegistry

    if any(ch in value for ch in "\r\n\x00"):
        return False
    try:
        header = HeaderRegistry()("To", value)
        addresses = header.addresses  # type: ignore[attr-defined]
        return bool(addresses) and not header.defects and all(a.username and a.domain for a in addresses)
    except Exception:  # noqa: BLE001 - the email package's parser fails in many ways on bad input
        return False


class _NotWritten(Exception):
    """The briefing could not be delivered to its output."""


def _rendered(digest: Digest, name: str, headers: dict[str, str], include_text: bool = False) -> str:
    """The whole output as a string: rendered before anything is written."""
    from digest.render import RenderOptions, get_renderer
    from digest.render.html import since_text

    buffer = io.StringIO()
    if not digest.stories and name in ("terminal", "text"):
        buffer.write(since_text(digest) + "\n")
    elif not digest.stories and name in ("markdown", "md"):
        buffer.write(f"# Digest\n\n{since_text(digest)}\n")
    else:
        options = RenderOptions(include_text=include_text, headers=tuple(headers.items()))
        get_renderer(name)(digest, buffer, options)
    return buffer.getvalue()


def _write(
    digest: Digest, name: str, output: Path | None, headers: dict[str, str], include_text: bool = False
) -> None:
    """Deliver the briefing; raises _NotWritten when it could not be, so nothing is recorded."""
    if name == "terminal" and output is None:
        from digest.render import RenderOptions, get_renderer
        from digest.render.html import since_text

        try:
            if digest.stories:
                get_renderer("terminal")(digest, sys.stdout, RenderOptions())
            else:
                sys.stdout.write(since_text(digest) + "\n")
            sys.stdout.flush()
        except OSError as exc:
            raise _NotWritten(f"cannot write to standard output ({exc.strerror or exc})") from None
        return
    text = _rendered(digest, name, headers, include_text)
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            from digest.cli.output import detach_stdout

            detach_stdout()
            raise _NotWritten("standard output was closed before the briefing was written") from None
        except OSError as exc:
            raise _NotWritten(f"cannot write to standard output ({exc.strerror or exc})") from None
        return
    from digest.cli.outfile import write_output

    try:
        write_output(output, lambda handle: None if handle.write(text) else None)
    except OSError as exc:
        raise _NotWritten(f"cannot write {output}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    """Add ``brief`` and ``config`` to the digest app."""
    app.command("brief")(brief)
    app.add_typer(config_app, name="config")
