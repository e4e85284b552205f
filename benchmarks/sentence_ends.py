"""Quotes that are not whole sentences: how many candidates and picks the splitter breaks.

Usage (from the repository root, with the package installed):

    python benchmarks/sentence_ends.py                 # all sets, written to results/sentence-ends.txt
    python benchmarks/sentence_ends.py --sets corpus,gum_wikinews --output -
    python benchmarks/sentence_ends.py --examples 20   # show more flawed quotes per set

Method: every document of a set is read as ``digest build`` reads it (``digest.stages.ingest``) and
split (``digest.stages.segment.segment``); its *candidates* are the sentences marked quotable. The
*picks* are what a build quotes: for ``corpus`` the whole folder built at once with the
defaults (what the README shows), for the evaluation sets each story built alone as one
story (``Settings(clusters="1", words=N)``, as ``digest eval`` and ``rouge.py`` build them),
for ``aeb`` each page alone with the default 4 sentences. Each candidate and pick is checked
for the marks of a broken sentence (``FLAWS``); a quote may have several.

Sets (each skipped with a note when its folder is missing):
``corpus`` (corpus/: the seeds and multiling2011), ``multiling2011_en`` (250 words a story),
``gum_wikinews`` (news and interview, 100 words a document), ``aeb`` (181 real web pages,
HTML through trafilatura; the extraction is ingest's, so its figures move with it too).
"""

from __future__ import annotations

import argparse
import gzip
import re
import shlex
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from digest.models import Document, Sentence
from digest.pipeline import NothingToSummarize, build_from_documents
from digest.settings import Settings
from digest.stages import clean
from digest.stages.ingest import InputError, ingest, parse_html
from digest.stages.segment import segment

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results" / "sentence-ends.txt"
MAX_BYTES = 10 * 1024 * 1024

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_GLUED_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}},?\s+|\d{{1,2}}\s+{_MONTH}\s+)?(?:19|20)\d\d(?=[A-Z][a-z])", re.I
)
_DATE_START = re.compile(
    rf"^\W*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})\b",
    re.I,
)
_CLOSER_START = re.compile(r"^(?:[)\]}”’»,;:]|\"\s|'\s)")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$|[\"”’»]$|:$")
# Titles and single initials do not end sentences: "Mr." "Gov." "George W."
_OPEN_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Rep|Gen|Col|Lt|Sgt|Capt|Rev|St|No|Nos|Vol|Fig)\.|(?<![\w.])[A-Z]\.)$"
)


def _words(text: str) -> int:
    return len(clean.WORD.findall(text))


def _starts_lower(text: str) -> bool:
    first = re.match(r"[\"'“‘(\[«¿¡ ]*(\S+)", text)
    if not first or _ADDRESS.match(first.group(1)):
        return False  # "www.x.org", "http://...", "a@b.c": a line of its own, not a fragment
    # "iPhone", "eBay" and "my6sense" start sentences; "and" does not
    word = first.group(1)
    return word[:1].islower() and not any(c.isupper() or c.isdigit() for c in word[1:])


_ADDRESS = re.compile(r"[\w.-]*(?:://|@|www\.|\.(?:com|org|net|gov|edu|co|io)\b)", re.I)


def _fragment_start(text: str) -> bool:
    """Text that cannot begin a sentence: lower case, a closer, "(SDK) is ..."."""
    return _starts_lower(text) or bool(_CLOSER_START.match(text) or _PAREN_FRAGMENT.match(text))


_PAREN_FRAGMENT = re.compile(r"^\([^()]{1,40}\)\s+[a-z]")

Check = Callable[[str, Document, "str | None"], bool]

CUTS: dict[str, Check] = {
    "starts lower-case": lambda s, d, nxt: _starts_lower(s),
    "starts with a closer": lambda s, d, nxt: bool(_CLOSER_START.match(s)),
    "starts mid-sentence": lambda s, d, nxt: bool(_PAREN_FRAGMENT.match(s)),
    "cut before a fragment": lambda s, d, nxt: nxt is not None and _fragment_start(nxt),
    "ends on an abbreviation": lambda s, d, nxt: bool(_OPEN_ABBREVIATION.search(s.rstrip())),
    "glued date": lambda s, d, nxt: bool(_GLUED_DATE.search(s)),
}
"""The marks of a wrong cut, looked for in every sentence the splitter returns."""

FLAWS: dict[str, Check] = {
    **CUTS,
    "no terminal punctuation": lambda s, d, nxt: not _TERMINAL.search(s.rstrip()),
    "unbalanced parentheses": lambda s, d, nxt: s.count("(") != s.count(")"),
    "starts with a date": lambda s, d, nxt: bool(_DATE_START.match(s)),
    "title line": lambda s, d, nxt: _is_title(s, d),
    "under 4 words": lambda s, d, nxt: _words(s) < 4,
}
"""The marks of a quote that is not one whole sentence of prose, looked for in candidates and
picks. "under 4 words" is mostly real short sentences ("Schools have collapsed."): the table
shows the count with and without it."""


def _is_title(sentence: str, doc: Document) -> bool:
    key = clean.normalize(_DATE_START.sub("", sentence))
    return bool(key) and key == clean.normalize(doc.title.rstrip("…"))


@dataclass
class Tally:
    """Quotes checked and the flawed ones, by flaw."""

    checks: dict[str, Check]
    total: int = 0
    flawed: int = 0
    short_only: int = 0
    by_flaw: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, sentence: str, doc: Document, following: str | None, keep: int) -> None:
        self.total += 1
        found = [name for name, test in self.checks.items() if test(sentence, doc, following)]
        if found:
            self.flawed += 1
            self.short_only += found == ["under 4 words"]
            self.by_flaw.update(found)
            if len(self.examples) < keep and found != ["under 4 words"]:
                shown = sentence if len(sentence) <= 150 else sentence[:100] + " ... " + sentence[-45:]
                after = f"  + next: {following[:40]!r}" if "cut before a fragment" in found else ""
                self.examples.append(f"[{', '.join(found)}] {shown!r}{after}")

    def line(self) -> str:
        def share(n: int) -> str:
            return f"{n:4d} {100 * n / self.total if self.total else 0.0:4.1f}%"

        return f"{self.total:6d} {share(self.flawed - self.short_only)} {share(self.flawed)}"


@dataclass
class SetResult:
    name: str
    documents: int
    sentences: Tally = field(default_factory=lambda: Tally(CUTS))
    candidates: Tally = field(default_factory=lambda: Tally(FLAWS))
    picks: Tally = field(default_factory=lambda: Tally(FLAWS))
    seconds: float = 0.0


# --- the sets ------------------------------------------------------------------------------

Groups = list[list[Document]]
"""Documents, in the groups that are each built alone."""


def _read(paths: Iterable[Path]) -> list[Document]:
    documents, warnings = ingest([str(p) for p in paths], MAX_BYTES)
    for warning in warnings:
        print(f"  warning: {warning}", file=sys.stderr)
    return documents


def corpus_set() -> tuple[Groups, Settings] | None:
    folder = ROOT / "corpus"
    return ([_read([folder])], Settings()) if folder.is_dir() else None


def multiling_set() -> tuple[Groups, Settings] | None:
    folder = SHARED / "multiling2011_en"
    if not folder.is_dir():
        return None
    groups = [_read(sorted((story / "docs").glob("*.txt"))) for story in sorted(folder.glob("M*"))]
    return groups, Settings(clusters="1", words=250)


def gum_set() -> tuple[Groups, Settings] | None:
    folder = SHARED / "gum_wikinews"
    if not folder.is_dir():
        return None
    paths = sorted(folder.glob("*/docs/*.txt"))
    return [_read([p]) for p in paths], Settings(clusters="1", words=100)


def aeb_set() -> tuple[Groups, Settings] | None:
    folder = SHARED / "aeb" / "html"
    if not folder.is_dir():
        return None
    groups = []
    for path in sorted(folder.glob("*.html.gz")):
        try:
            groups.append([parse_html(gzip.decompress(path.read_bytes()).decode("utf-8"), path.name, "d1")])
        except InputError:
            continue  # a page without article text: nothing to split
    return groups, Settings(clusters="1")


SETS: dict[str, Callable[[], tuple[Groups, Settings] | None]] = {
    "corpus": corpus_set,
    "multiling2011_en": multiling_set,
    "gum_wikinews": gum_set,
    "aeb": aeb_set,
}


def _following(doc: Document, sentences: list[Sentence], index: int) -> str | None:
    """The next sentence when it continues the same paragraph (no blank line between)."""
    if index + 1 >= len(sentences):
        return None
    nxt = sentences[index + 1]
    between = doc.text[sentences[index].end : nxt.start]
    return nxt.text if between.count("\n") <= 1 and not between.strip() else None


def measure(name: str, groups: Groups, settings: Settings, keep: int) -> SetResult:
    started = time.perf_counter()
    result = SetResult(name, sum(len(g) for g in groups))
    for documents in groups:
        split = {}
        for doc in documents:
            sentences = segment(doc, settings.language)
            split[doc.id] = (doc, sentences, {s.start: i for i, s in enumerate(sentences)})
            for i, s in enumerate(sentences):
                assert doc.text[s.start : s.end] == s.text, (doc.origin, s)
                following = _following(doc, sentences, i)
                result.sentences.add(s.text, doc, following, keep)
                if s.candidate:
                    result.candidates.add(s.text, doc, following, keep)
        try:
            digest = build_from_documents(documents, settings, [], lambda *a: None)
        except NothingToSummarize:
            continue
        for story in digest.stories:
            for pick in story.sentences:
                citation = pick.candidate.citations[0]
                doc, sentences, at = split[citation.document]
                index = at.get(citation.start)
                following = None if index is None else _following(doc, sentences, index)
                result.picks.add(pick.candidate.text, doc, following, keep)
    result.seconds = time.perf_counter() - started
    return result


PRIVATE = {"aeb"}
"""Sets whose texts belong to their publishers: no example of theirs is written to a file."""


def report(results: Sequence[SetResult], command: str, total: float, to_file: bool) -> str:
    lines = [
        f"$ {command}",
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}   total time: {total:.0f} s",
        "sentences: every sentence the splitter returns, checked for a wrong cut: " + "; ".join(CUTS) + ".",
        "candidates (quotable sentences) and picks (quoted): checked for those and: "
        + "; ".join(f for f in FLAWS if f not in CUTS)
        + ".",
        "Each cell: count, then flawed (without 'under 4 words' alone) and flawed (any).",
        "",
        f"{'set':17} {'docs':>4} | {'sentences':^22} | {'candidates':^22} | {'picks':^22}",
    ]
    for r in results:
        lines.append(
            f"{r.name:17} {r.documents:4d} | {r.sentences.line()} | {r.candidates.line()} | {r.picks.line()}"
        )
    for r in results:
        lines += ["", f"== {r.name} ({r.seconds:.0f} s) =="]
        for kind, tally in (("sentences", r.sentences), ("candidates", r.candidates), ("picks", r.picks)):
            counts = ", ".join(f"{flaw} {n}" for flaw, n in tally.by_flaw.most_common()) or "none"
            lines.append(f"{kind}: {counts}")
        if to_file and r.name in PRIVATE:
            lines.append("(examples not written: the pages are their publishers'; --output - shows them)")
            continue
        for kind, tally in (("picks", r.picks), ("candidates", r.candidates), ("sentences", r.sentences)):
            if tally.examples:
                lines.append(f"flawed {kind} (not only short):")
                lines += [f"  {e}" for e in tally.examples]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated, of: {', '.join(SETS)}")
    parser.add_argument("--examples", type=int, default=8, help="flawed quotes shown per set and kind")
    parser.add_argument("--output", default=str(RESULTS), help="file to write the report to, or - for none")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    unknown = [n for n in names if n not in SETS]
    if unknown:
        parser.error(f"unknown set {unknown[0]!r}; try one of: {', '.join(SETS)}")
    started = time.perf_counter()
    results = []
    for name in names:
        loaded = SETS[name]()
        if loaded is None:
            print(f"{name}: not found, skipped", file=sys.stderr)
            continue
        print(f"{name}: {sum(len(g) for g in loaded[0])} documents", file=sys.stderr, flush=True)
        results.append(measure(name, *loaded, args.examples))
    arguments = sys.argv[1:] if argv is None else list(argv)
    command = "python benchmarks/sentence_ends.py" + "".join(f" {shlex.quote(a)}" for a in arguments)
    text = report(results, command, time.perf_counter() - started, to_file=args.output != "-")
    print(text)
    if args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
