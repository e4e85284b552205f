"""Backslash escapes a reader sees: in the Markdown of a build and in the plain part of its email.

Usage (from the repository root, with the package installed):

    python benchmarks/escapes.py            # written to results/escapes.txt
    python benchmarks/escapes.py --output -

Each set is built whole with the defaults (``corpus/``; ``../shared/data/gum_wikinews``, its 43
articles; the 180 ``../shared/data/aeb`` pages with article text, through trafilatura) and
rendered as ``--format markdown`` and as ``--format email`` (``digest brief``'s renderer); the
text/plain part is read back with the ``email`` package. Counted: the backslashes of each,
and which characters the Markdown escapes. Untrusted text that would become markup is
tests/hostile's business; this counts what ordinary text costs the reader.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import gzip
import io
import re
import shlex
import sys
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from digest.models import Document
from digest.pipeline import build_from_documents
from digest.render import RENDERERS, RenderOptions
from digest.settings import Settings
from digest.stages.ingest import InputError, ingest, parse_html

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results" / "escapes.txt"


def _documents(name: str) -> list[Document] | None:
    if name == "corpus":
        return ingest([str(ROOT / "corpus")], 10 * 1024 * 1024)[0]
    if name == "gum_wikinews":
        folder = SHARED / "gum_wikinews"
        return (
            ingest([str(p) for p in sorted(folder.glob("*/docs/*.txt"))], 10 * 1024 * 1024)[0]
            if folder.is_dir()
            else None
        )
    folder = SHARED / "aeb" / "html"
    if not folder.is_dir():
        return None
    docs = []
    for path in sorted(folder.glob("*.html.gz")):
        try:
            html = gzip.decompress(path.read_bytes()).decode("utf-8")
            doc = parse_html(html, path.name, f"d{len(docs) + 1}")
        except InputError:
            continue
        docs.append(doc)
    return docs


def measure(name: str, documents: list[Document]) -> str:
    digest = build_from_documents(documents, Settings(), [], lambda *a: None)
    out = io.StringIO()
    RENDERERS["markdown"](digest, out, RenderOptions())
    markdown = out.getvalue()
    out = io.StringIO()
    RENDERERS["email"](digest, out, RenderOptions(headers=(("To", "me@example.org"),)))
    plain = email.message_from_string(out.getvalue(), policy=email.policy.default).get_body(("plain",))
    plain_text = plain.get_content() if plain is not None else ""
    escaped = Counter(re.findall(r"\\(.)", markdown))
    shown = ", ".join(f"{c!r} {n}" for c, n in escaped.most_common()) or "none"
    return (
        f"{name:14} {len(documents):4d} articles, {len(digest.stories):3d} stories: markdown "
        f"{markdown.count(chr(92)):4d} backslashes ({shown}); "
        f"email text/plain {plain_text.count(chr(92))}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", default=str(RESULTS), help="file to write the report to, or - for none")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    lines = []
    for name in ("corpus", "gum_wikinews", "aeb"):
        documents = _documents(name)
        if documents is None:
            print(f"{name}: not found, skipped", file=sys.stderr)
            continue
        lines.append(measure(name, documents))
        print(lines[-1], file=sys.stderr, flush=True)
    arguments = sys.argv[1:] if argv is None else list(argv)
    command = "python benchmarks/escapes.py" + "".join(f" {shlex.quote(a)}" for a in arguments)
    text = (
        "\n".join(
            [
                f"$ {command}",
                f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}   "
                f"total time: {time.perf_counter() - started:.0f} s",
                "",
                *lines,
            ]
        )
        + "\n"
    )
    print(text)
    if args.output != "-":
        Path(args.output).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
