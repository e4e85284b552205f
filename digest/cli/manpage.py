"""Generate the digest(1) man page from the command tree.

    python -m digest.cli.manpage > man/digest.1

Commands, options, metavars, help and defaults come from the click command that typer
builds from ``digest.cli.app``, so commands added later appear without touching this file;
exit statuses come from ``digest.cli.exit_codes.ExitCode``. The output is deterministic (no date,
only the package version), and tests/cli/test_manpage.py checks that man/digest.1 is current.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import re
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import typer

from digest import __version__

GENERATOR = "python -m digest.cli.manpage"
ARTICLE_NAMES_SKIPPED = (
    "README",
    "LICENSE",
    "LICENCE",
    "COPYING",
    "NOTICE",
    "SOURCE",
    "ATTRIBUTION",
    "CHANGELOG",
    "AUTHORS",
)
"""Names of the files that folders are read without (digest.stages.ingest.NOT_ARTICLES)."""

# Characters that roff would read as something else, or that groff renders as typographic
# glyphs (quotes, circumflex, tilde) where the reader must see ASCII they can copy.
_ROFF_CHARS = {
    "\\": r"\e",
    "-": r"\-",
    "'": r"\(aq",
    "`": r"\(ga",
    '"': r"\(dq",
    "^": r"\(ha",
    "~": r"\(ti",
}


def escape(text: str) -> str:
    """Text as roff that prints as itself: escapes, hyphens as \\-, non-ASCII as \\[uXXXX].

    Newlines are kept; a line that would start with a control character (. or ')
    is protected with \\&, and one that would start with a space is not indented.
    """
    out = []
    for ch in text:
        if ch in _ROFF_CHARS:
            out.append(_ROFF_CHARS[ch])
        elif ord(ch) > 126:
            out.append(f"\\[u{ord(ch):04X}]")
        elif ch != "\n" and ord(ch) < 32:
            out.append(" ")
        else:
            out.append(ch)
    return "\n".join(_protect(line) for line in "".join(out).split("\n"))


def _protect(line: str) -> str:
    line = line.lstrip(" ")
    return "\\&" + line if line.startswith((".", "'")) else line


def bold(text: str) -> str:
    """Inline bold (\\fB...\\fR) of escaped text."""
    return f"\\fB{escape(text)}\\fR"


def italic(text: str) -> str:
    """Inline italic (\\fI...\\fR) of escaped text; a trailing '...' stays roman."""
    dots = "..." if text.endswith("...") else ""
    core = text[: len(text) - len(dots)]
    return f"\\fI{escape(core)}\\fR{dots}"


def _quote(text: str) -> str:
    """A macro argument: escaped and quoted (an escaped text never holds a plain ")."""
    return '"' + escape(text) + '"'


def plain_help(text: str | None, markup_mode: str | None = "rich") -> str:
    """Help text as the user reads it: \\f truncation, rich markup removed, dedented."""
    if not text:
        return ""
    text = inspect.cleandoc(text.split("\f", 1)[0])
    if markup_mode == "rich":
        from rich.errors import MarkupError
        from rich.text import Text

        try:
            text = Text.from_markup(text).plain
        except MarkupError:
            pass
    return text.replace("\b", "")


def paragraphs(text: str) -> list[str]:
    """Split help into paragraphs, each folded onto one line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


# ---------------------------------------------------------------------------------------
# Reading the command tree


def root_command() -> Any:
    """The click group typer builds from digest.cli.app."""
    from digest.cli.app import app

    return typer.main.get_command(app)


def _context(command: Any, name: str, parent: Any = None) -> Any:
    settings = dict(getattr(command, "context_settings", None) or {})
    return command.context_class(command, info_name=name, parent=parent, **settings)


def walk(command: Any, ctx: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """Every visible command under ``command``, depth first, as (path, command, context)."""
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        if sub is None or getattr(sub, "hidden", False):
            continue
        sub_ctx = _context(sub, name, ctx)
        yield (*path, name), sub, sub_ctx
        if hasattr(sub, "list_commands"):
            yield from walk(sub, sub_ctx, (*path, name))


def commands() -> list[tuple[str, Any, Any]]:
    """(full name such as 'digest build', command, context) of every visible command."""
    root = root_command()
    ctx = _context(root, "digest")
    return [(" ".join(("digest", *path)), cmd, sub_ctx) for path, cmd, sub_ctx in walk(root, ctx)]


def visible_params(command: Any, ctx: Any) -> list[Any]:
    """A command's parameters as its help shows them (the help option included)."""
    return [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]


def is_option(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "option"


def is_flag(param: Any) -> bool:
    return bool(getattr(param, "is_flag", False) or getattr(param, "count", False))


def choices(param: Any) -> list[str]:
    """The values a choice parameter accepts, as typed on the command line."""
    for holder in (getattr(param, "type_descriptor", None), getattr(param, "type", None)):
        values = getattr(holder, "choices", None)
        if values:
            return [str(v.value) if isinstance(v, Enum) else str(v) for v in values]
    return []


def metavar(param: Any) -> str:
    """The placeholder for a parameter's value ('' for a flag)."""
    if is_option(param) and is_flag(param):
        return ""
    if param.metavar:
        return str(param.metavar)
    values = choices(param)
    if values:
        return "{" + "|".join(values) + "}"
    name = (param.name or "value").upper()
    return name if is_option(param) or param.nargs == 1 else name + "..."


def default(param: Any) -> str | None:
    """The default worth showing, or None (no default, a callable, or an unset flag)."""
    if isinstance(getattr(param, "show_default", None), str):
        return str(param.show_default)
    if getattr(param, "show_default", None) is False and not is_option(param):
        return None
    value = param.default
    if value is None or callable(value) or value == () or value == []:
        return None
    if is_option(param) and is_flag(param):
        if getattr(param, "secondary_opts", None):  # --x/--no-x: name the default side
            return str((param.opts if value else param.secondary_opts)[0])
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(v) for v in value)
    return _value_text(value)


def _value_text(value: Any) -> str:
    """A default value as typed (an Enum member by its value)."""
    return str(value.value if isinstance(value, Enum) else value)


def value_range(param: Any) -> str | None:
    """'at least 1', 'from 1 to 9' or 'at most 9' for a numeric range, else None."""
    low = getattr(param, "min", getattr(getattr(param, "type", None), "min", None))
    high = getattr(param, "max", getattr(getattr(param, "type", None), "max", None))
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"at least {low}"
    if high is not None:
        return f"at most {high}"
    return None


def exit_statuses() -> list[tuple[int, str, str]]:
    """(value, name, docstring) of every ExitCode member, docstrings read from the source."""
    from digest.cli import exit_codes

    tree = ast.parse(inspect.getsource(exit_codes))
    docs: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ExitCode":
            body = node.body
            for here, after in itertools.pairwise(body):
                if (
                    isinstance(here, ast.Assign)
                    and len(here.targets) == 1
                    and isinstance(here.targets[0], ast.Name)
                    and isinstance(after, ast.Expr)
                    and isinstance(after.value, ast.Constant)
                    and isinstance(after.value.value, str)
                ):
                    docs[here.targets[0].id] = inspect.cleandoc(after.value.value)
    return [
        (int(code), code.name, docs.get(code.name, code.name.replace("_", " ").lower()))
        for code in exit_codes.ExitCode
    ]


# ---------------------------------------------------------------------------------------
# Writing roff


def _usage(name: str, command: Any, ctx: Any) -> str:
    """'\\fBdigest build\\fR [\\fIOPTIONS\\fR] \\fIPATH\\fR...' for a synopsis or heading."""
    parts = [bold(name), f"[{italic('OPTIONS')}]"]
    for param in visible_params(command, ctx):
        if is_option(param):
            continue
        piece = italic(metavar(param))
        parts.append(piece if param.required else f"[{piece}]")
    if hasattr(command, "list_commands"):
        parts.append(f"{italic('COMMAND')} [{italic('ARGS')}]...")
    return " ".join(parts)


def _option_tag(param: Any) -> str:
    """'\\fB\\-f\\fR, \\fB\\-\\-format\\fR \\fIFORMAT\\fR'."""
    names = sorted(param.opts, key=lambda o: (o.startswith("--"), o))
    tag = ", ".join(bold(o) for o in names)
    if getattr(param, "secondary_opts", None):
        tag += " / " + ", ".join(bold(o) for o in param.secondary_opts)
    value = metavar(param)
    if value:
        tag += " " + italic(value)
    return tag


def _param_help(param: Any, markup_mode: str | None) -> list[str]:
    """The paragraphs describing one parameter: its help, then choices, range, default."""
    text = paragraphs(plain_help(getattr(param, "help", None), markup_mode))
    notes = []
    values = choices(param)
    help_words = set(re.findall(r"[\w-]+", " ".join(text)))
    if values and not set(values) <= help_words and "|" not in metavar(param):
        notes.append(f"One of: {', '.join(values)}.")
    span = value_range(param)
    if span:
        notes.append(f"Range: {span}.")
    if getattr(param, "required", False) and is_option(param):
        notes.append("Required.")
    shown = default(param)
    if shown is not None:
        notes.append(f"Default: {shown}.")
    if notes:
        if text:
            text[-1] = f"{text[-1]} {' '.join(notes)}"
        else:
            text = [" ".join(notes)]
    return text


def _items(tag: str, texts: list[str]) -> list[str]:
    lines = [".TP", tag]
    for number, text in enumerate(texts):
        if number:
            lines.append(".IP")
        lines.append(escape(text))
    return lines


def _command_section(name: str, command: Any, ctx: Any) -> list[str]:
    markup_mode = getattr(command, "rich_markup_mode", "rich")
    lines = [".SS " + _quote(name), _usage(name, command, ctx), ".PP"]
    description = paragraphs(plain_help(command.help or command.short_help, markup_mode))
    for number, text in enumerate(description):
        if number:
            lines.append(".PP")
        lines.append(escape(text))
    params = visible_params(command, ctx)
    arguments = [p for p in params if not is_option(p)]
    options = [p for p in params if is_option(p)]
    for title, group in (("Arguments:", arguments), ("Options:", options)):
        if not group:
            continue
        lines += [".PP", escape(title), ".RS 4"]
        for param in group:
            tag = italic(metavar(param)) if not is_option(param) else _option_tag(param)
            lines += _items(tag, _param_help(param, markup_mode) or [""])
        lines.append(".RE")
    epilog = paragraphs(plain_help(getattr(command, "epilog", None), markup_mode))
    for text in epilog:
        lines += [".PP", escape(text)]
    return lines


TUI_HELP = Path(__file__).resolve().parents[1] / "tui" / "help.md"
"""The TUI's help screen, whose key tables the man page's TUI KEYS section is made from."""


def tui_keys(text: str) -> list[str]:
    """The TUI KEYS section from the help screen's Markdown: each table's rows as tagged
    paragraphs (backticks dropped), under the heading before the table."""
    lines = ['.SH "TUI KEYS"', escape("The keys of digest tui (its help screen, ?, lists them too).")]
    for line in text.splitlines():
        if line.startswith("## "):
            lines += [".SS " + _quote(line[3:].strip())]
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) == 2 and cells[0] not in ("key", "") and not set(cells[0]) <= set("-"):
            lines += _items(bold(cells[0].replace("`", "")), [cells[1].replace("`", "")])
    return lines


def _example(command: str, explanation: str) -> list[str]:
    return [".PP", escape(explanation), ".PP", ".RS 4", ".nf", escape(command), ".fi", ".RE"]


def _limits() -> list[str]:
    """The LIMITS and UNTRUSTED INPUT sections, with the values the code uses."""
    from digest.brief.userconfig import FetchSettings
    from digest.settings import Settings
    from digest.stages.cluster import MAX_DOCUMENTS, MAX_FORCED, MAX_PAIRS
    from digest.stages.ingest import MAX_LINE_CHARS

    fetch = FetchSettings()
    mb = 1024 * 1024
    lines = [".SH LIMITS"]
    lines += _items(
        bold("Article files"),
        [
            f"At most {Settings().max_bytes // mb} MB each, and no line (after HTML extraction) longer than "
            f"{MAX_LINE_CHARS:,} characters; a larger file, or one with a longer line, is skipped with "
            "a warning. FIFOs, devices and other files that are not regular files are skipped "
            "without being opened for a blocking read, and so are symbolic link loops."
        ],
    )
    lines += _items(
        bold("Feeds and pages"),
        [
            f"At most {fetch.max_bytes // mb} MB per response (a larger one fails that feed), and "
            f"{fetch.max_entries} entries per feed; an entry with a line over {MAX_LINE_CHARS:,} characters "
            "is skipped with a warning. Each connection and each read has a timeout "
            f"({fetch.timeout:g} s, [fetch] timeout in the config file); a response that is still "
            "arriving after three times the timeout fails too, however slowly it trickles. Failed "
            f"attempts are retried up to {fetch.retries} times, with backoff. XML entities are never "
            "fetched or expanded without bound (no external entities, no entity bombs). A feed "
            "that fails is reported on standard error and the others go on."
        ],
    )
    lines += _items(
        bold("Articles per build"),
        [
            f"At most {MAX_DOCUMENTS:,} articles (grouping needs memory that grows faster than the "
            f"input), and at most {MAX_FORCED:,} with --clusters N (a forced number of stories compares "
            f"every pair); articles so much alike that over {MAX_PAIRS:,} pairs may report the same "
            "event are refused too. Past a limit, digest exits with status 2 and a message, before "
            "running out of memory."
        ],
    )
    lines += _items(
        bold("State file"),
        [
            "Updated in one SQLite transaction after the briefing was delivered: a run that "
            "fails, is interrupted or is killed records nothing. A second digest brief on the "
            "same file waits --wait seconds, then exits with status 1. A state file that cannot be "
            "written (a full disk, a read-only file or folder) is reported in one line, exit 1, and "
            "never called corrupt; one that is not a regular file (a FIFO, a device) is refused. "
            "It also remembers the warnings given about entries (an entry without text, one with "
            "no sentence to quote), so that they are given once, not on every run."
        ],
    )
    lines += ['.SH "UNTRUSTED INPUT"']
    lines += [
        escape(
            "Article text, titles, feed fields, file names and URLs are treated as untrusted. "
            "Terminal escape sequences (CSI, OSC, DCS and the others, 7-bit and 8-bit) and control "
            "characters are removed when text is read and again when it is written; file names "
            "and URLs are shown with control characters escaped (\\n, \\x1b). Text is never read "
            "as Rich markup. Markdown output escapes whatever could become a link, image, HTML, "
            "heading, list or emphasis; HTML and email output escape every string, and only "
            "http(s) source URLs become links. On a terminal or locale that cannot show a "
            "character, it is written as \\uXXXX."
        )
    ]
    return lines


def generate() -> str:
    """The whole man page, as roff text ending in a newline."""
    from digest.cli.app import DEFAULT_COMMAND
    from digest.settings import Settings
    from digest.stages.ingest import HTML_SUFFIXES, TEXT_SUFFIXES

    root = root_command()
    root_ctx = _context(root, "digest")
    markup_mode = getattr(root, "rich_markup_mode", "rich")
    tree = commands()
    by_name = {name: (cmd, ctx) for name, cmd, ctx in tree}
    default_name = f"digest {DEFAULT_COMMAND}"
    summary = plain_help(root.help, markup_mode).split("\n", 1)[0].rstrip(".")
    max_mb = Settings().max_bytes // (1024 * 1024)

    lines = [
        f'.\\" digest(1) man page, version {__version__}.',
        f'.\\" Generated by "{GENERATOR}" from the command tree in digest/cli/app.py:',
        '.\\" do not edit; regenerate with',
        f'.\\"   {GENERATOR} > man/digest.1',
        f'.TH DIGEST 1 "" {_quote("digest " + __version__)} "User Commands"',
        ".nh",
        ".ad l",
        ".SH NAME",
        f"digest \\- {escape(summary[:1].lower() + summary[1:])}",
        ".SH SYNOPSIS",
    ]
    synopsis = [_usage("digest", root, root_ctx)]
    if default_name in by_name:
        cmd, ctx = by_name[default_name]
        synopsis.append(_usage(default_name, cmd, ctx).replace(bold(default_name), bold("digest"), 1))
    synopsis += [_usage(name, cmd, ctx) for name, cmd, ctx in tree]
    for number, usage in enumerate(synopsis):
        if number:
            lines.append(".br")
        lines.append(usage)

    text_suffixes = ", ".join(sorted(TEXT_SUFFIXES))
    html_suffixes = ", ".join(sorted(HTML_SUFFIXES))
    lines += [".SH DESCRIPTION"]
    for number, text in enumerate(paragraphs(plain_help(root.help, markup_mode))):
        if number:
            lines.append(".PP")
        lines.append(escape(text))
    lines += [
        ".PP",
        escape(
            f"{default_name} reads news articles (plain text, Markdown or HTML files, folders of them, "
            "or standard input), recognises copies of the same article, groups the articles by "
            "story and summarizes each story with sentences quoted from the articles. Every "
            "sentence of the digest is cited: it names the articles it was taken from, and in the "
            "JSON output the exact place in each article's text."
        ),
        ".PP",
        escape(
            f"digest PATH... is short for {default_name} PATH...: when the first argument is not "
            f"the name of a command (nor -h, --help or --version), {default_name} is assumed, so "
            "digest corpus/ and digest --format json a.txt work as expected."
        ),
    ]
    root_options = [p for p in visible_params(root, root_ctx) if is_option(p)]
    if root_options:
        lines += [".SH OPTIONS", escape("Options of digest itself, given before any command:")]
        for param in root_options:
            lines += _items(_option_tag(param), _param_help(param, markup_mode) or [""])
    lines += [".SH COMMANDS", escape("Each command has its own options, given after its name.")]
    for name, cmd, ctx in tree:
        lines += _command_section(name, cmd, ctx)

    lines += tui_keys(TUI_HELP.read_text(encoding="utf-8"))
    lines += ['.SH "INPUT FORMATS"']
    lines += _items(
        bold(text_suffixes),
        [
            "Plain text or Markdown, read as text. The first non-empty line is the title; a date "
            "at its start (2022-01-31) or a date line near the top is the publication date."
        ],
    )
    lines += _items(
        bold(html_suffixes),
        [
            "HTML pages: the article's main text is extracted (boilerplate, menus and comments "
            "left out), and the title, site name, date and address come from the page's metadata."
        ],
    )
    lines += _items(
        bold("-"), ["Standard input, read as text, or as HTML when it looks like an HTML page. Give it once."]
    )
    lines += _items(
        italic("FOLDER"),
        [
            "Folders are read recursively, in name order. Only files with the suffixes above are "
            "read; hidden files and folders (names starting with .) are skipped, and so are files "
            f"whose names start with {', '.join(ARTICLE_NAMES_SKIPPED[:-1])} or "
            f"{ARTICLE_NAMES_SKIPPED[-1]} (in any case), which travel with articles but are not "
            "articles. A file named on the command line is read whatever its suffix."
        ],
    )
    lines += [
        ".PP",
        escape(
            f"Files larger than {max_mb} MB are skipped. Text may be UTF-8 (with or without a byte "
            "order mark), UTF-16 or UTF-32 with a byte order mark, or a legacy encoding, which is "
            "detected. Missing, unreadable, empty and binary inputs are skipped with a warning on "
            "standard error; when no usable article is left, digest exits with status 2."
        ),
    ]

    lines += _limits()

    lines += [
        '.SH "JSON OUTPUT"',
        escape(
            'With --format json, digest writes one JSON object with schema "digest/1": '
            "schema, generated_at, base (the folder relative paths were read from), settings, "
            "documents, clusters and warnings. Each entry of "
            "documents has id, title, path, url, source, published, copy_of (the id of the "
            "document it is a copy of, or null) and text_kind, and, with --include-text, text. "
            "Each entry of clusters is a story with id, title, sources (how many outlets), "
            "documents (document ids), links and sentences. Links say why its documents are "
            "together: one for each document but the first, with document, linked_to (the "
            "document of the story it is most strongly tied to), similarity (the probability that "
            "the two report the same event, or null for a copy), shared (the names and words that "
            "carried the link) and copy (true when the document is a copy of linked_to). "
            "Each sentence has text, score, components "
            "(the parts of the score, and selection: ilp, knapsack or greedy, the method that "
            "picked it), citations, related and new; each citation has document, "
            "start and end: character offsets into that document's text. Related places are "
            "near-identical versions of the sentence in other documents (wire copy with a word "
            "or the quotes changed): they count as carrying it but are not cited."
        ),
        ".PP",
        escape(
            "A citation can be checked: with T the text of the cited document (--include-text), "
            "the whitespace-normalised slice T[start:end] equals the sentence's text, in Python:"
        ),
        ".PP",
        ".RS 4",
        ".nf",
        escape('" ".join(T[start:end].split()) == " ".join(text.split())'),
        ".fi",
        ".RE",
    ]

    lines += [
        '.SH "STORY GROUPING"',
        escape(
            "Copies of one article are recognised first. The other articles are grouped by story: "
            "an article joins a story only on evidence that it reports the same event. For every "
            "pair, digest weighs how alike their texts, leads, titles and proper names are (names "
            "that are no words of the language, such as people and places, weigh most), how many "
            "of their heaviest terms they share and how many days apart they were published, and "
            "reads it as the probability that both report the same event. Stories are groups whose "
            "pairs are on average over the --grouping threshold: strict, default and loose, or a "
            "probability between 0 and 1. Two earthquakes, two trials or two reports on one "
            "company on different days stay apart; a story of one article is a correct answer. "
            "The words of --language that most articles contain are not evidence; a word's weight "
            "comes from the input and from the language's word frequencies, so a briefing of a few "
            "articles is grouped like a corpus of thousands. --clusters N forces a number of "
            "stories instead. The JSON's links, and w in the TUI, say why articles are together."
        ),
    ]

    lines += ['.SH "EXIT STATUS"']
    for value, _name, doc in exit_statuses():
        lines += _items(bold(str(value)), paragraphs(doc))

    lines += [
        ".SH ENVIRONMENT",
        *_items(
            bold("NO_COLOR"),
            [
                "When set to a non-empty value, the terminal format and the help are written "
                "without colour. Output that does not go to a terminal never has colour or other "
                "escape sequences."
            ],
        ),
        *_items(
            bold("DIGEST_CACHE"),
            [
                "The folder of the build cache (cache.sqlite3), instead of the user cache folder "
                "(~/.cache/digest on Linux). build and tui reuse what an earlier build over the same "
                "inputs parsed and computed; --no-cache neither reads nor writes it."
            ],
        ),
    ]

    lines += [".SH EXAMPLES"]
    lines += _example(
        f"{default_name} corpus/",
        "Summarize every article below the folder corpus/ (on a terminal, "
        "formatted for it; piped, as Markdown):",
    )
    lines += _example(
        f"{default_name} ../shared/data/seeds --format markdown",
        "Summarize the articles in ../shared/data/seeds as Markdown, even on a terminal:",
    )
    lines += _example(
        f"{default_name} some/folder a.html - --format json --include-text < extra.txt",
        "Read a folder, an HTML page and standard input, and write JSON with each "
        "document's text, so that every citation can be checked:",
    )
    lines += _example(
        "digest corpus/ --output digest.html",
        "Write the digest to a file, in the format its suffix names (.html, .json, .md, .txt; "
        "here a standalone HTML page):",
    )

    lines += _example(
        "digest tui --brief --all",
        "Browse the briefing of the config file's feeds, the stories seen before included, "
        "without recording anything as seen; each sentence opens in its article, offline too:",
    )
    lines += _example(
        "digest brief --format json --include-text -o brief.json && digest tui brief.json",
        "Save the briefing with its articles' texts, and browse it later:",
    )

    lines += [
        '.SH "SEE ALSO"',
        escape("The README of the project, and the sumy documentation for the summarization algorithms."),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    sys.stdout.write(generate())


if __name__ == "__main__":
    main()
