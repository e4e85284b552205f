"""Fuzz ingest -> build -> every renderer with hostile input, for a chosen time.

    python benchmarks/fuzz.py --minutes 60            # into results/fuzz.txt
    python benchmarks/fuzz.py --minutes 1 --output -  # a quick look

Hypothesis generates articles (bytes in any encoding, with terminal escapes, C1 controls,
bidi overrides, Rich markup, Markdown, HTML and javascript: URLs mixed into news-like
sentences), file names with control characters, and RSS/Atom/JSON feeds carrying the same
text. Issue 15 added lone surrogates, zero-width, tag and other invisible characters, dense
articles (thousands of sentences from 40 words), feeds under stacked Content-Encodings (bombs
and cut streams among them), links disguised by invisible characters, entry dates at the
ends of the calendar, and builds through a real build cache (built twice more through it:
the same digest, no cache warning). Each case is written to a real file (or parsed as a
feed), built into a digest and rendered in every format; a case fails on any exception
other than "nothing to summarize", on a case that takes over 60 s, or when an output breaks one
of the invariants in ``tests/hostile/checks.py`` (no control characters, valid JSON, nothing live in Markdown
or HTML, a 7-bit email). Failures are shrunk by Hypothesis and written, with their
falsifying example, to the result file. Not run in CI: the hostile corpus and the property
tests in tests/ cover the same ground in seconds.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import signal
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "hostile"))

from checks import check_output  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from digest.pipeline import NothingToSummarize, build, build_from_documents  # noqa: E402
from digest.render import RENDERERS, RenderOptions  # noqa: E402
from digest.settings import ALGORITHMS, Settings  # noqa: E402

CASE_SECONDS = 60
FORMATS = ("terminal", "markdown", "text", "json", "html", "email")

HOSTILE = [
    "\x1b[2J",
    "\x1b[31m",
    "\x1b]0;pwned\x07",
    "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1bP1$qm\x1b\\",
    "\x9b31m",
    "\x9d0;title\x9c",
    "\x1b]0;unterminated ",
    "\x1b",
    "\x9b",
    "\x9d",
    "\x00",
    "\x07",
    "\x08",
    "\x7f",
    "\u202e",
    "\u2066",
    "\u200f",
    "\ufeff",
    "\u2028",
    "[/bold]",
    "[bold]",
    "[link=https://x]x[/link]",
    "[red]",
    "\\[",
    "[",
    "]",
    "[a link](http://evil.example/x)",
    "![img](http://evil.example/i.png)",
    "<http://evil.example>",
    "# ",
    "## Heading",
    "- ",
    "* ",
    "1. ",
    "> ",
    "| a | b |\n|---|---|",
    "```",
    "~~~",
    "---",
    "***",
    "`code`",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:alert(1)",
    "&amp;",
    "&#x3c;",
    "&lt;script&gt;",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "www.evil.example",
    "admin@evil.example",
    "https://evil.example/a?b=c&d=e",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "  ",
    "\u00a0",
    "\u3000",
    "“curly”",
    "café",
    "Ελληνικά",
    "русский",
    "עברית",
    "العربية",
    "中文句子。",
    "😀",
    "\u0301",
    # issue 15: lone surrogates (they survive only in JSON Feeds), zero-width, tag, bidi marks
    "\ud800",
    "\udc80",
    "\u200b",
    "\u2060",
    "\u061c",
    "\U000e0041",
    "\u200d",
    # issue 15, item 13: other invisible (format) characters
    "\u00ad",
    "\u2062",
    "\u180e",
    "\ufff9",
]
LINKS = [
    "https://example.org/a",
    "javascript:alert(1)",
    "http://x/\x1b[2J",
    'https://e.example/"><script>',
    "ftp://x",
    "",
    "data:text/html,<b>",
    # issue 15, item 13: links disguised by invisible characters
    "https://e.example/\u202egpj.exe",
    "https://bank\u200b.example/",
    "https://e.example/\u00adpay",
    "https://e.example/\U000e0041",
    "https://e.example/\ufeffa",
]
DATES = [
    "Mon, 01 Jan 2024 10:00:00 GMT",
    "2024-01-01T10:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
    "Fri, 31 Dec 9999 23:59:59 -1200",
    "0000-01-01",
    "garbage",
    "",
]
"""Entry dates, the ends of the calendar among them (issue 15, item 18)."""
WORDS = (
    "the storm hit the coast on monday and officials said thousands of homes lost power while "
    "repairs will take a week according to the utility company which warned of more rain"
).split()


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """A news-like sentence with hostile pieces mixed in."""
    parts = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.integers(0, 9))
        if kind < 6:
            parts.append(draw(st.sampled_from(WORDS)))
        elif kind < 9:
            parts.append(draw(st.sampled_from(HOSTILE)))
        else:
            parts.append(draw(st.text(max_size=12)))
    joiner = draw(st.sampled_from([" ", "", " ", "\n"]))
    return joiner.join(parts) + draw(st.sampled_from([".", ". ", "!", "?", "", ".\n", "。"]))


@st.composite
def articles(draw: st.DrawFn) -> str:
    title = draw(sentences()).rstrip(".")
    body = [draw(sentences()) for _ in range(draw(st.integers(0, 8)))]
    sep = draw(st.sampled_from(["\n", "\n\n", " ", "\r\n"]))
    return title + "\n\n" + sep.join(body)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1", "utf-32"]


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=2000))
    if kind == 3 and draw(st.integers(0, 9)) == 0:  # issue 15: a dense article, quadratic before
        return _dense(draw(st.integers(200, 2500)), draw(st.integers(0, 1000))).encode()
    text = draw(articles())
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if kind == 1:  # corrupt a few bytes
        for _ in range(draw(st.integers(1, 5))):
            if data:
                at = draw(st.integers(0, len(data) - 1))
                data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == 2:
        html = (
            f"<!DOCTYPE html><html><head><title>{draw(sentences())}</title></head><body><article>"
            + "".join(f"<p>{draw(sentences())}</p>" for _ in range(draw(st.integers(0, 6))))
            + "</article></body></html>"
        )
        data = html.encode(encoding, errors="replace")
    return data


def _dense(count: int, seed: int) -> str:
    import random

    rng = random.Random(seed)
    vocabulary = [f"w{n}" for n in range(40)]
    lines = [" ".join(rng.choice(vocabulary) for _ in range(20)).capitalize() + "." for _ in range(count)]
    return "Dense\n\n" + "\n\n".join(" ".join(lines[i : i + 10]) for i in range(0, len(lines), 10))


NAME_PIECES = [
    "a",
    "story",
    "\n",
    "\x1b[31m",
    "\x1b]0;t\x07",
    "\u202e",
    "[bold]",
    "<b>",
    "`",
    "*",
    " ",
    "é",
    "\t",
]


@st.composite
def file_names(draw: st.DrawFn) -> str:
    stem = "".join(draw(st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=6))).replace("/", "")
    return stem + draw(st.sampled_from([".txt", ".md", ".html", ".text", ""]))


@st.composite
def build_settings(draw: st.DrawFn) -> Settings:
    words = draw(st.one_of(st.none(), st.integers(1, 200)))
    return Settings(
        algorithm=draw(st.sampled_from(ALGORITHMS)),
        words=words,
        sentences=draw(st.one_of(st.none(), st.integers(1, 10))),
        clusters=draw(st.sampled_from(["auto", "1", "2"])),
    )


FEED_TEMPLATES = [
    (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>{ft}</title>{items}</channel></rss>',
        "<item><title>{t}</title><link>{link}</link><guid>{g}</guid><pubDate>{date}</pubDate>"
        "<description>{d}</description></item>",
    ),
    (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{ft}</title>'
        "{items}</feed>",
        '<entry><title type="html">{t}</title><link href="{link}"/><id>{g}</id><updated>{date}</updated>'
        '<content type="html">{d}</content></entry>',
    ),
]


def _xml(text: str, draw: st.DrawFn) -> str:
    how = draw(st.integers(0, 3))
    if how == 0:
        return text  # raw: a broken or bozo feed
    if how == 1:
        return "<![CDATA[" + text.replace("]]>", "") + "]]>"
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return escaped if how == 2 else escaped.replace("&lt;", "&amp;lt;")


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    outer, item = draw(st.sampled_from(FEED_TEMPLATES))
    items = []
    for n in range(draw(st.integers(0, 5))):
        body = " ".join(draw(sentences()) for _ in range(draw(st.integers(0, 6))))
        link = draw(st.sampled_from(LINKS))
        items.append(
            item.format(
                t=_xml(draw(sentences()), draw),
                link=_xml(link, draw),
                g=n,
                d=_xml(body, draw),
                date=draw(st.sampled_from(DATES)),
            )
        )
    if draw(st.integers(0, 3)) == 0:  # issue 15: a JSON Feed, whose escapes carry lone surrogates
        import json

        data = json.dumps(
            {
                "version": "https://jsonfeed.org/version/1.1",
                "title": draw(sentences()),
                "items": [
                    {
                        "id": draw(sentences()),
                        "url": draw(st.sampled_from(["https://example.org/\ud800", *LINKS])),
                        "date_published": draw(st.sampled_from(DATES)),
                        "title": draw(sentences()),
                        "content_text": " ".join(draw(sentences()) for _ in range(4)),
                    }
                    for _ in range(draw(st.integers(0, 4)))
                ],
            }
        ).encode("ascii")
    else:
        data = outer.format(ft=_xml(draw(sentences()), draw), items="".join(items)).encode("utf-8", "replace")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]  # truncated
    return data


@st.composite
def encoded_feeds(draw: st.DrawFn) -> tuple[bytes, str]:
    """A feed under 0-3 Content-Encoding layers (issue 15), some of them bombs or garbage."""
    import zlib

    data = draw(feeds())
    if draw(st.integers(0, 4)) == 0:
        data = b"\0" * draw(st.integers(1, 64)) * (1 << 20)  # a bomb: megabytes of zeros
    codings = draw(st.lists(st.sampled_from(["gzip", "deflate", "identity", "br"]), max_size=3))
    for coding in codings:
        if coding == "gzip":
            data = zlib.compress(data, wbits=31)
        elif coding == "deflate":
            data = zlib.compress(data)
    if draw(st.integers(0, 9)) == 0 and data:
        data = data[: len(data) // 2]  # a cut stream
    return data, ", ".join(codings)


class Hang(Exception):
    """A case ran longer than CASE_SECONDS."""


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"a case took over {CASE_SECONDS} s")


def render_all(digest: object) -> None:
    for name in FORMATS:
        for color in (False, True) if name == "terminal" else (None,):
            out = io.StringIO()
            options = RenderOptions(
                include_text=True, width=80, color=color, headers=(("Subject", "Digest {count}"),)
            )
            RENDERERS[name](digest, out, options)  # type: ignore[arg-type]
            check_output(name, out.getvalue(), digest, color=bool(color))  # type: ignore[arg-type]


def one_case(tmp: Path, files: list[tuple[str, bytes]], config: Settings, cached: bool = False) -> None:
    """Build and render ``files``; with ``cached``, build twice more through a new build cache
    (a real SQLite file, issue 15 items 11-12): both equal the uncached digest."""
    folder = Path(tempfile.mkdtemp(dir=tmp))
    paths = []
    for n, (name, data) in enumerate(files):
        path = folder / f"{n}-{name}"
        try:
            path.write_bytes(data)
        except OSError:  # a name the file system refuses
            path = folder / f"{n}.txt"
            path.write_bytes(data)
        paths.append(str(path))
    signal.alarm(CASE_SECONDS)
    try:
        try:
            digest = build(paths, config)
        except NothingToSummarize:
            return
        render_all(digest)
        if cached:
            import dataclasses

            from digest.cache import Cache

            store = folder / "cache" / "cache.sqlite3"
            found = []
            for _ in range(2):
                complaints: list[str] = []
                again = build(paths, config, cache=Cache(store, warn=complaints.append))
                assert not complaints, complaints
                found.append(dataclasses.replace(again, generated_at=digest.generated_at))
            assert found[0] == found[1] == digest, "a build through the cache differs"
    finally:
        signal.alarm(0)


def one_feed(data: bytes, config: Settings, encoding: str = "") -> None:
    from digest.brief.feeds import FetchError, _Decoder, parse_feed
    from digest.brief.run import _from_entry

    signal.alarm(CASE_SECONDS)
    try:
        try:
            if len(data) > 5 * 1024 * 1024:
                return  # brief refuses it before decoding
            if encoding:  # the bounded decoder of brief's fetching, in pieces as they arrive
                decoder = _Decoder(encoding, 5 * 1024 * 1024, "https://feed.example/")
                for start in range(0, len(data), 16384):
                    decoder.feed(data[start : start + 16384])
                data = decoder.finish()
            result = parse_feed(data, "https://feed.example/\x1b[2Jrss")
        except FetchError:
            return
        import dataclasses

        docs = [dataclasses.replace(_from_entry(e), id=f"d{n}") for n, e in enumerate(result.entries, 1)]
        docs = [d for d in docs if d.text.strip()]
        if not docs:
            return
        try:
            digest = build_from_documents(docs, config, [], lambda *a: None)
        except NothingToSummarize:
            return
        render_all(digest)
    finally:
        signal.alarm(0)


def targets(tmp: Path, batch: int, seed: int) -> list[tuple[str, object]]:
    common = settings(
        max_examples=batch,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )

    @common
    @given(
        st.lists(st.tuples(file_names(), article_bytes()), min_size=1, max_size=4),
        build_settings(),
        st.integers(0, 3),
    )
    def files(files: list[tuple[str, bytes]], config: Settings, cache: int) -> None:
        one_case(tmp, files, config, cached=cache == 0)

    @common
    @given(encoded_feeds(), build_settings())
    def feed(encoded: tuple[bytes, str], config: Settings) -> None:
        one_feed(encoded[0], config, encoded[1])

    return [("files", files), ("feed", feed)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to run (default 10)")
    parser.add_argument("--batch", type=int, default=100, help="examples per Hypothesis run (default 100)")
    parser.add_argument(
        "--output",
        default=str(ROOT / "benchmarks" / "results" / "fuzz.txt"),
        help="result file, '-' for standard output",
    )
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    import warnings

    warnings.filterwarnings("ignore")  # scipy/sklearn chatter on tiny inputs; failures are what count
    started = time.monotonic()
    stop = started + args.minutes * 60
    failures: dict[str, str] = {}
    counts = {"files": 0, "feed": 0}
    runs = 0
    with tempfile.TemporaryDirectory(prefix="digest-fuzz-") as tmpdir:
        tmp = Path(tmpdir)
        while time.monotonic() < stop:
            for name, target in targets(tmp, args.batch, runs):
                if time.monotonic() >= stop:
                    break
                runs += 1
                try:
                    target()  # type: ignore[operator]
                    counts[name] += args.batch
                except BaseException as exc:  # noqa: BLE001 - every failure is a finding
                    if isinstance(exc, KeyboardInterrupt):
                        stop = 0
                        break
                    counts[name] += args.batch
                    # Hypothesis reports distinct bugs found in one run as an ExceptionGroup.
                    found = exc.exceptions if isinstance(exc, BaseExceptionGroup) else (exc,)
                    for one in found:
                        key = f"{name}: {_where(one)}"
                        if key not in failures:
                            # The falsifying example is in the exception's notes, which this prints.
                            failures[key] = "".join(traceback.format_exception(one))
                            print(f"FAILURE {key}", file=sys.stderr, flush=True)
                for child in tmp.iterdir():  # keep the temporary folder small
                    import shutil

                    shutil.rmtree(child, ignore_errors=True)
                if args.output != "-":  # as it goes, so that a run cut short still tells
                    _report(args, argv, started, counts, failures, final=False)
    return _report(args, argv, started, counts, failures, final=True)


def _where(exc: BaseException) -> str:
    """'AssertionError at checks.py:66 (from markdown.py:42)': the innermost frame, and the
    innermost frame of digest's own code when that is another."""
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    ours = [f for f in frames if "/digest/" in f.filename or "/tests/hostile/" in f.filename]
    text = type(exc).__name__
    if last is not None:
        text += f" at {Path(last.filename).name}:{last.lineno}"
    if ours and ours[-1] is not last:
        text += f" (from {Path(ours[-1].filename).name}:{ours[-1].lineno})"
    return text


def _report(
    args: argparse.Namespace,
    argv: list[str] | None,
    started: float,
    counts: dict[str, int],
    failures: dict[str, str],
    final: bool,
) -> int:
    elapsed = time.monotonic() - started
    lines = [
        f"# python benchmarks/fuzz.py {' '.join(sys.argv[1:] if argv is None else argv)}",
        f"# {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs",
        "",
        f"{'ran' if final else 'running, so far'} {elapsed / 60:.1f} minutes: about {counts['files']} file "
        f"cases and {counts['feed']} feed cases (ingest -> build -> {', '.join(FORMATS)})",
        f"failures: {len(failures)}",
    ]
    for key, detail in failures.items():
        lines += ["", f"## {key}", detail.strip()]
    report = "\n".join(lines) + "\n"
    if args.output == "-":
        sys.stdout.write(report)
    else:
        Path(args.output).write_text(report, encoding="utf-8")
        if final:
            sys.stdout.write(report if len(report) < 4000 else "\n".join(lines[:6]) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
