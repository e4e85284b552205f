"""The labelled sets that story grouping is developed and checked on, as (path, label) lists.

Each loader returns every article of a set as a file that ``digest build`` reads, with its true
story. Third-party texts are never written into the repository: the aeb pages are decompressed
and ECB+ is detokenized into a cache folder outside it (``$DIGEST_BENCH`` or
``~/.cache/digest-bench``).

- ``wikinews``: ../shared/data/multiling2011_en (10 stories of 10 articles), each article of
  ../shared/data/gum_wikinews/news/docs as a story of its own, and ../shared/data/seeds as one
  story: 127 articles, 35 stories.
- ``aeb``: ../shared/data/aeb, one real news day (181 web pages, 152 stories; ``aeb_stories.tsv``).
- ``ecb``: ECB+ (the public repository tommasoc80/EventStoryLine, folder ``ECB+_LREC2014/ECB+/``),
  odd-numbered topics only (the even ones are kept for evaluation); story = topic + ``ecb`` or
  ``ecbplus`` (the two similar events of a topic). Read from a git directory or a checkout given
  by ``--ecb`` or ``$DIGEST_ECB`` (the search tool's ``fetch`` brings one); token XML is
  detokenized, and the first token sentence of an ecbplus file (its URL) is dropped.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
CACHE = Path(os.environ.get("DIGEST_BENCH", Path.home() / ".cache" / "digest-bench"))
ECB_DEFAULT = Path("/work/.mirror/tommasoc80+EventStoryLine/repo")
ECB_FOLDER = "ECB+_LREC2014/ECB+"


class SetMissing(Exception):
    """A set's data is not where it is looked for."""


def wikinews(shared: Path = SHARED) -> list[tuple[str, str]]:
    multiling, gum, seeds = (
        shared / "multiling2011_en",
        shared / "gum_wikinews" / "news" / "docs",
        shared / "seeds",
    )
    for folder in (multiling, gum, seeds):
        if not folder.is_dir():
            raise SetMissing(f"{folder}: not found")
    items = [
        (str(p), f"multiling/{story.name}")
        for story in sorted(multiling.iterdir())
        if story.is_dir()
        for p in sorted((story / "docs").glob("*.txt"))
    ]
    items += [(str(p), f"gum/{p.stem}") for p in sorted(gum.glob("*.txt"))]
    items += [(str(p), "seeds") for p in sorted(seeds.glob("*.txt"))]
    return items


def multiling(shared: Path = SHARED) -> list[tuple[str, str]]:
    return [item for item in wikinews(shared) if item[1].startswith("multiling/")]


def aeb(shared: Path = SHARED, cache: Path = CACHE) -> list[tuple[str, str]]:
    folder = shared / "aeb"
    table = folder / "aeb_stories.tsv"
    if not table.is_file():
        raise SetMissing(f"{table}: not found")
    out = cache / "aeb"
    out.mkdir(parents=True, exist_ok=True)
    items = []
    for line in table.read_text(encoding="utf-8").splitlines()[1:]:
        page, story, _url = line.split("\t")
        target = out / f"{page}.html"
        if not target.exists():
            target.write_bytes(gzip.decompress((folder / "html" / f"{page}.html.gz").read_bytes()))
        items.append((str(target), story))
    return items


_NO_SPACE_BEFORE = re.compile(r" ([,.;:!?%)\]}]|'s\b|'re\b|'ve\b|'ll\b|'d\b|n't\b|'m\b|'S\b)")
_NO_SPACE_AFTER = re.compile(r"([(\[{$]) ")


def detokenize(tokens: list[str]) -> str:
    """Tokens of one sentence as ordinary text (quotes ``/'' become straight quotes)."""
    text = " ".join(tokens).replace("``", '"').replace("''", '"')
    text = _NO_SPACE_BEFORE.sub(r"\1", text)
    text = _NO_SPACE_AFTER.sub(r"\1", text)
    text = re.sub(r"(\w) - (?=\w)", r"\1-", text)
    # "a " b " c" -> "a "b" c": quote marks alternate between opening and closing.
    parts = text.split('"')
    if len(parts) % 2 == 1 and len(parts) > 1:
        text = parts[0]
        for i, part in enumerate(parts[1:], 1):
            text += ('"' + part.lstrip()) if i % 2 == 1 else ('"' + part)
            if i % 2 == 1:
                text = text.rstrip()
        text = re.sub(r' "(\S[^"]*?) "', r' "\1"', text)
    return text.strip()


def _ecb_files(source: Path) -> dict[str, bytes]:
    """Every odd-topic XML file of ECB+ at ``source`` (a git directory or a checkout): name -> bytes."""
    found: dict[str, bytes] = {}
    checkout = source / ECB_FOLDER
    if checkout.is_dir():
        for path in sorted(checkout.glob("*/*.xml")):
            found[path.name] = path.read_bytes()
        return found
    try:
        names = subprocess.run(
            ["git", "--git-dir", str(source), "ls-tree", "-r", "--name-only", "HEAD", ECB_FOLDER],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SetMissing(f"{source}: no ECB+ checkout or git directory ({exc})") from None
    names = [n for n in names if n.endswith(".xml")]
    if not names:
        raise SetMissing(f"{source}: no {ECB_FOLDER}/*/*.xml")
    # One `git cat-file --batch` for all files.
    proc = subprocess.run(
        ["git", "--git-dir", str(source), "cat-file", "--batch"],
        input="".join(f"HEAD:{n}\n" for n in names).encode(),
        capture_output=True,
        check=True,
    )
    data, pos = proc.stdout, 0
    for name in names:
        header_end = data.index(b"\n", pos)
        size = int(data[pos:header_end].split()[2])
        found[name.rsplit("/", 1)[1]] = data[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return found


def ecb(source: Path | None = None, cache: Path = CACHE, parity: int = 1) -> list[tuple[str, str]]:
    source = source or Path(os.environ.get("DIGEST_ECB", ECB_DEFAULT))
    out = cache / ("ecb-odd" if parity else "ecb-even")
    marker = out / ".complete"
    if not marker.exists():
        files = _ecb_files(source)
        out.mkdir(parents=True, exist_ok=True)
        for name, raw in files.items():
            topic = int(name.split("_")[0])
            if topic % 2 != parity:
                continue
            root = ET.fromstring(raw)
            sentences: dict[int, list[str]] = {}
            for token in root.iter("token"):
                sentences.setdefault(int(token.get("sentence", "0")), []).append(token.text or "")
            order = sorted(sentences)
            if name.endswith("ecbplus.xml") and order:
                order = order[1:]  # the URL
            lines = [detokenize(sentences[i]) for i in order]
            (out / (name[:-4] + ".txt")).write_text(
                "\n\n".join(line for line in lines if line) + "\n", encoding="utf-8"
            )
        marker.write_text("")
    items = []
    for path in sorted(out.glob("*.txt"), key=lambda p: (int(p.name.split("_")[0]), p.name)):
        topic = path.name.split("_")[0]
        kind = "ecbplus" if path.stem.endswith("ecbplus") else "ecb"
        items.append((str(path), f"{topic}{kind}"))
    return items


def ecb_even(source: Path | None = None, cache: Path = CACHE) -> list[tuple[str, str]]:
    """The ECB+ topics kept for evaluation (even-numbered): measured, never tuned on."""
    return ecb(source, cache, parity=0)


SETS = {"wikinews": wikinews, "multiling": multiling, "aeb": aeb, "ecb": ecb, "ecb-even": ecb_even}
