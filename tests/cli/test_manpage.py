"""The man page: generated from the command tree, committed current, complete and clean roff."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from digest import __version__
from digest.cli import app as cli
from digest.cli import manpage
from digest.stages.ingest import NOT_ARTICLES
from tests.conftest import ROOT

MAN = ROOT / "man" / "digest.1"
REGENERATE = "regenerate it with: python -m digest.cli.manpage > man/digest.1"


@pytest.fixture(scope="module")
def page() -> str:
    return manpage.generate()


def test_committed_page_is_current(page: str) -> None:
    assert MAN.exists(), f"man/digest.1 is missing; {REGENERATE}"
    assert MAN.read_text(encoding="utf-8") == page, f"man/digest.1 is out of date; {REGENERATE}"


def test_module_prints_the_page(page: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "digest.cli.manpage"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == page


def test_deterministic(page: str) -> None:
    assert manpage.generate() == page
    assert f"digest {__version__}" in page
    assert page.startswith('.\\" ') and manpage.GENERATOR in page.splitlines()[1]


def test_sections(page: str) -> None:
    headings = [line for line in page.splitlines() if line.startswith(".SH")]
    for name in (
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "COMMANDS",
        '"INPUT FORMATS"',
        '"JSON OUTPUT"',
        '"EXIT STATUS"',
        "ENVIRONMENT",
        "EXAMPLES",
    ):
        assert f".SH {name}" in headings
    assert ".TH DIGEST 1 " in page
    assert "NO_COLOR" in page
    assert "digest/1" in page
    assert "10 MB" in page


def test_examples(page: str) -> None:
    for example in (
        "digest build corpus/",
        "digest build ../shared/data/seeds \\-\\-format markdown",
        "digest build some/folder a.html \\- \\-\\-format json \\-\\-include\\-text < extra.txt",
    ):
        assert example in page.splitlines()


def test_exit_statuses(page: str) -> None:
    statuses = manpage.exit_statuses()
    assert [value for value, _name, _doc in statuses] == [0, 1, 2, 130, 143]
    for value, _name, doc in statuses:
        assert doc and doc != _name
        assert f".TP\n\\fB{value}\\fR\n{manpage.escape(doc)}" in page


def test_every_command_and_option_is_documented(page: str) -> None:
    tree = manpage.commands()
    assert "digest build" in [name for name, _cmd, _ctx in tree]
    for name, command, ctx in tree:
        assert f'.SS "{manpage.escape(name)}"' in page
        assert manpage.plain_help(command.help), f"{name} has no help"
        for param in manpage.visible_params(command, ctx):
            assert manpage.plain_help(param.help), f"{name} {param.name} has no help"
            for opt in [*getattr(param, "opts", []), *getattr(param, "secondary_opts", [])]:
                if manpage.is_option(param):
                    assert manpage.bold(opt) in page, f"{name} {opt} is not in the man page"
            if not manpage.is_option(param):
                assert manpage.italic(manpage.metavar(param)) in page
    root = manpage.root_command()
    ctx = manpage._context(root, "digest")
    for param in manpage.visible_params(root, ctx):
        assert manpage.plain_help(param.help)
        for opt in param.opts:
            assert manpage.bold(opt) in page


def test_options_show_metavar_and_default(page: str) -> None:
    assert "\\fB\\-f\\fR, \\fB\\-\\-format\\fR \\fIFORMAT\\fR" in page
    assert "\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\n" in page  # a flag has no metavar
    assert "Default: lexrank." in page
    assert "Default: auto." in page


def test_new_commands_are_picked_up() -> None:
    import typer

    def zz_probe(count: int = typer.Option(3, "--count", help="How many.")) -> None:
        """Probe the generator."""

    group = typer.Typer(help="Probe settings.")

    @group.command("show")
    def zz_show(verbose: bool = typer.Option(False, "--verbose/--terse", help="Say more.")) -> None:
        """Show the probe."""

    cli.app.command()(zz_probe)
    cli.app.add_typer(group, name="zz-group")
    try:
        text = manpage.generate()
    finally:
        cli.app.registered_commands.pop()
        cli.app.registered_groups.pop()
    assert '.SS "digest zz\\-probe"' in text
    assert "\\fB\\-\\-count\\fR \\fICOUNT\\fR" in text
    assert "How many. Default: 3." in text
    assert '.SS "digest zz\\-group show"' in text
    assert "\\fB\\-\\-verbose\\fR / \\fB\\-\\-terse\\fR" in text
    assert "Default: \\-\\-terse." in text
    assert "zz" not in manpage.generate()


@pytest.mark.parametrize(
    "text, roff",
    [
        (".hidden", "\\&.hidden"),
        ("'quoted'", "\\(aqquoted\\(aq"),
        ("a\\b", "a\\eb"),
        ("--words", "\\-\\-words"),
        ('say "hi"', "say \\(dqhi\\(dq"),
        ("café…", "caf\\[u00E9]\\[u2026]"),
        ("line\n.next", "line\n\\&.next"),
        ("  .indented", "\\&.indented"),
    ],
)
def test_escape(text: str, roff: str) -> None:
    assert manpage.escape(text) == roff


def test_page_is_ascii_and_control_lines_are_known(page: str) -> None:
    assert page.isascii()
    known = {
        ".TH",
        ".SH",
        ".SS",
        ".PP",
        ".TP",
        ".IP",
        ".RS",
        ".RE",
        ".nf",
        ".fi",
        ".br",
        ".nh",
        ".ad",
        '.\\"',
    }
    for line in page.splitlines():
        assert line.strip(), "no blank lines in roff"
        if line.startswith((".", "'")):
            assert line.split(" ")[0] in known, line


def test_skipped_names_match_ingest() -> None:
    for name in manpage.ARTICLE_NAMES_SKIPPED:
        assert NOT_ARTICLES.match(name) and NOT_ARTICLES.match(name.lower() + ".txt")


@pytest.mark.skipif(shutil.which("groff") is None, reason="groff is not installed")
def test_groff_renders_without_warnings() -> None:
    result = subprocess.run(["groff", "-man", "-Tutf8", "-ww", str(MAN)], capture_output=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr.decode() == ""
    shown = re.sub(".\b", "", result.stdout.decode("utf-8"))  # overstrike bold and underline
    for heading in ("SYNOPSIS", "COMMANDS", "EXIT STATUS", "JSON OUTPUT", "EXAMPLES"):
        assert heading in shown
