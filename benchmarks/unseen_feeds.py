"""Real feeds no one in this project chose, through the real `digest brief`; and what a
reader judged wrong in its picks, checked again.

    python benchmarks/unseen_feeds.py --feeds DIR [--judgements FILE] [--output FILE]

DIR holds the feeds (RSS, Atom, JSON Feed files), copied from public repositories outside
this one; they are never committed here (third-party texts). The ones recorded in
results/unseen-feeds.txt are the real-world test fixtures of two other feed parsers,
Ranchero-Software/RSParser (NetNewsWire's) and feed-rs/feed-rs: 27 English feeds with
article text (blogs, podcasts, news sites, a preprint server), 697 entries.

The feeds are served on 127.0.0.1 by a server this script starts, and read by
``digest brief --feed URL ... --all --dry-run --format json`` with a state and config of
its own (``allow_private``, for loopback). It prints the number of stories, of stories of
several articles and of picks.

``--judgements``: a tab-separated file (``pick, kind, feed, entry, sentence, note``) in which
a reader marked the defective picks of an earlier run (kind ``a`` furniture, ``b`` not a
whole sentence, ``c`` a site name in a headline, ``e`` unrelated articles together, ``f``
other). Each judged sentence still picked now is counted, per kind and per feed. The file
holds quotes of the feeds, so it lives beside them, not here.
"""

from __future__ import annotations

import argparse
import csv
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {
    "a": "furniture",
    "b": "not a whole sentence",
    "c": "site name in a headline",
    "e": "grouping",
    "f": "other",
}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the http.server API
        pass


def brief(feeds: Path) -> dict:
    """``digest brief --all --dry-run -f json`` of every feed in ``feeds``, served on loopback."""
    names = sorted(p.name for p in feeds.iterdir() if p.is_file())
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(feeds)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = Path(tmp) / "config.toml"
            config.write_text("[fetch]\nallow_private = true\n", encoding="utf-8")
            env = {
                **os.environ,
                "DIGEST_STATE": str(Path(tmp) / "state.db"),
                "DIGEST_CONFIG": str(config),
                "NO_COLOR": "1",
                "PYTHONPATH": str(ROOT),
            }
            port = httpd.server_address[1]
            args = [a for name in names for a in ("--feed", f"http://127.0.0.1:{port}/{name}")]
            out = Path(tmp) / "brief.json"
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "digest",
                    "brief",
                    *args,
                    "--all",
                    "--dry-run",
                    "-f",
                    "json",
                    "-o",
                    str(out),
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            if done.returncode != 0:
                sys.exit(f"digest brief failed ({done.returncode}): {done.stderr.strip()[-500:]}")
            data = json.loads(out.read_text(encoding="utf-8"))
            data["_feeds"] = len(names)
            data["_warnings"] = done.stderr.count("warning:")
            return data
    finally:
        httpd.shutdown()


def report(data: dict, judgements: Path | None) -> list[str]:
    stories = data["clusters"]
    picks = [s["text"] for c in stories for s in c["sentences"]]
    lines = [
        f"{data['_feeds']} feeds, {len(data['documents'])} articles -> {len(stories)} stories "
        f"({sum(len(c['documents']) > 1 for c in stories)} of several articles), {len(picks)} picks; "
        f"{data['_warnings']} warnings"
    ]
    if judgements is None:
        return lines
    rows = [r for r in csv.reader(judgements.open(encoding="utf-8"), delimiter="\t")][1:]
    picked = set(picks)
    lines.append(f"judged defects of the earlier run ({judgements.name}), still picked now:")
    for kind, label in KINDS.items():
        judged = [r for r in rows if len(r) > 4 and r[1] == kind]
        if not judged:
            continue
        left = [r for r in judged if r[4].strip() in picked]
        where = ", ".join(f"{feed} {n}" for feed, n in Counter(r[2] for r in left).most_common(5))
        lines.append(f"  {label}: {len(left)} of {len(judged)}" + (f" ({where})" if where else ""))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=Path, required=True)
    parser.add_argument("--judgements", type=Path)
    parser.add_argument("--output", default="-")
    args = parser.parse_args()
    head = [
        f"$ python benchmarks/unseen_feeds.py --feeds {args.feeds.name}"
        + (f" --judgements {args.judgements.name}" if args.judgements else ""),
        f"date: {datetime.now(UTC).replace(microsecond=0).isoformat()}",
    ]
    text = "\n".join(head + report(brief(args.feeds), args.judgements)) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
