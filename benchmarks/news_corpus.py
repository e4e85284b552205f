"""A benchmark corpus with the shape of real news, made from real articles only (issue 16).

The base: every real article with a story label available offline, 804 articles in 229 stories,

- ../shared/data/aeb: one real news day (Nov 2019), the 181 web pages (HTML, each outlet's own
  page template, navigation and footers) with their story labels (``aeb_stories.tsv``): 152
  stories, 135 of them single pages, the largest 4;
- ../shared/data/multiling2011_en (10 Wikinews stories of 10 articles), gum_wikinews (24
  single articles) and seeds (one story of 3): 127 plain-text articles, 35 stories;
- ECB+ (tommasoc80/EventStoryLine), odd-numbered topics only (the even ones are kept for
  evaluation): 496 plain-text articles in 42 stories of 5-22 (topic + ecb/ecbplus).

These are read through ``benchmarks/grouping_sets.py`` (the same loaders and the same labels
the grouping work uses).

Growth, to 20,000 articles from 804: the base is told again as *replicas*. Replica 0 is the real
articles unchanged; replica k > 0 tells every base story as another event of the same kind, by a
systematic transformation of its text that is the same for all articles of the story in that
replica (so its articles still share their names, as one story's articles do) and different
from one replica to another:

- names: every capitalised word that is not a common word (its lower-case form occurring at
  least 3 times in the base; month and day names kept) becomes another real name drawn from
  the base's own names, and each acronym another of its acronyms;
- wording: 40% of the longer lower-case words (5 letters or more, not among the 300 most
  frequent) become another real word of the base of about the same frequency, so that two
  replicas of one story share their topic but not all their wording;
- numbers: years move by -3 to +3, other numbers become numbers of the same number of digits;
- in HTML pages only the text between tags changes: each outlet's template (its boilerplate)
  stays as it is, so every replica adds more pages with the same outlets' boilerplate.

Sentence lengths, paragraphs, markup and the story-size distribution are the real ones; on top,
in every replica, the articles of the stories of 5 or more articles are republished by other
outlets (a story's reach, its copies per article, is heavy-tailed: median 0.14, 1 or more
for 7% of the stories, at most 4; a story at most 100 articles):
the same text with other line breaks, a header and a footer naming the outlet (one of the aeb
outlets, by its domain; these two lines are invented wording, the same for every copy of one
outlet), as syndicated wire copy is.

A corpus of N articles is the replicas in turn (each with its stories in a seeded order), cut at
N articles (the last story cut short): a smaller corpus is the beginning of a larger one.

How it differs from a day of real feeds: a replica's events are the base's events again, with
other names and some other words, so stories about the same kind of event (earthquakes,
elections, product launches ...) recur about 25 times at 20k where a real day has far fewer of
each kind, and transformed text reads less naturally (a real word in the place of another);
the largest real stories come from ECB+ and MultiLing (5-22 distinct articles), so stories of
20-100 articles are made by republished copies, not by distinct reports as in a real day's big
story; plain-text articles (ECB+, Wikinews) carry no outlet boilerplate except the republished
copies' two lines; and the proportions are those of the sources (a news day of web pages, two
collections of multi-article stories), not of one real feed reader's subscriptions.

Usage: python benchmarks/news_corpus.py N OUTDIR    (OUTDIR/rNN/<story>/<article>, OUTDIR/labels.tsv)
"""

from __future__ import annotations

import hashlib
import random
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grouping_sets  # noqa: E402

SEED = 16
KEEP = set(
    "January February March April May June July August September October November December "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thurs Fri Sat Sun".split()
)
NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")
ACRONYM = re.compile(r"\b[A-Z]{2,5}\b")
WORD = re.compile(r"\b[a-z]{5,}\b")
NUMBER = re.compile(r"\b\d+\b")
TEXT_NODE = re.compile(r">([^<]+)<")
TAGS = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S | re.I)
MAX_STORY = 100


def base() -> list[tuple[str, list[Path]]]:
    """The real stories: (label, article paths), in a fixed order."""
    stories: dict[str, list[Path]] = {}
    for name, loader in (
        ("aeb", grouping_sets.aeb),
        ("wikinews", grouping_sets.wikinews),
        ("ecb", grouping_sets.ecb),
    ):
        for path, label in loader():
            stories.setdefault(f"{name}/{label}", []).append(Path(path))
    return sorted(stories.items())


def _visible(raw: str, html: bool) -> str:
    return TAGS.sub(" ", raw) if html else raw


class Renamer:
    """The base's vocabulary, and the transformation of one story in one replica."""

    def __init__(self, texts: list[str]) -> None:
        lower = Counter(w for t in texts for w in re.findall(r"\b[a-z]+\b", t))
        names = Counter(w for t in texts for w in NAME.findall(t))
        self.common = {w for w, c in lower.items() if c >= 3}
        self.names = sorted(w for w in names if w.lower() not in self.common and w not in KEEP)
        self.acronyms = sorted({w for t in texts for w in ACRONYM.findall(t)})
        words = Counter(w for t in texts for w in WORD.findall(t))
        ranked = [w for w, _ in words.most_common()]
        self.frequent = set(ranked[:300])
        self.band: dict[str, list[str]] = {}
        bands: dict[int, list[str]] = {}
        for w in ranked[300:]:
            bands.setdefault(words[w].bit_length(), []).append(w)
        for members in bands.values():
            members.sort()
            for w in members:
                self.band[w] = members

    @staticmethod
    def _pick(key: str, choices: list[str]) -> str:
        digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
        return choices[int.from_bytes(digest, "big") % len(choices)]

    @staticmethod
    def _chance(key: str) -> float:
        return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=4).digest(), "big") / 2**32

    def transform(self, text: str, key: str) -> str:
        """``text`` as told in the story-replica ``key``."""

        def name(m: re.Match[str]) -> str:
            w = m.group(0)
            if w in KEEP or w.lower() in self.common:
                return w
            return self._pick(f"{key}/n/{w}", self.names)

        def acronym(m: re.Match[str]) -> str:
            return self._pick(f"{key}/a/{m.group(0)}", self.acronyms)

        def word(m: re.Match[str]) -> str:
            w = m.group(0)
            if w in self.frequent or w not in self.band or self._chance(f"{key}/c/{w}") >= 0.4:
                return w
            return self._pick(f"{key}/w/{w}", self.band[w])

        def number(m: re.Match[str]) -> str:
            n = m.group(0)
            r = random.Random(f"{key}/d/{n}")
            if len(n) == 4 and n[:2] in ("19", "20"):
                return str(int(n) + r.randint(-3, 3))
            if len(n) == 1:
                return str(r.randint(0, 9))
            return str(r.randint(10 ** (len(n) - 1), 10 ** len(n) - 1))

        text = NAME.sub(name, text)
        text = ACRONYM.sub(acronym, text)
        text = WORD.sub(word, text)
        return NUMBER.sub(number, text)


def _republished(text: str, outlet: str, rng: random.Random) -> str:
    """A wire copy of a plain-text article: other line breaks, the outlet's header and footer."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    joined: list[str] = []
    for p in paragraphs:
        if joined and rng.random() < 0.4:
            joined[-1] += " " + p.replace("\n", " ")
        else:
            joined.append(p)
    name = outlet.split(".")[-2].capitalize() if "." in outlet else outlet
    head = f"{name} ({outlet}) - republished from the wire"
    foot = f"Copyright {name}. All rights reserved. Read more at {outlet}."
    title, body = joined[0], joined[1:]
    return "\n\n".join([title, head, *body, foot]) + "\n"


def make(n: int, out: Path, seed: int = SEED) -> list[tuple[str, str]]:
    """Write ``n`` articles under ``out`` (once; a ``.complete`` marker), return (path, story)."""
    labels = out / "labels.tsv"
    if (out / ".complete").exists():
        return [tuple(line.split("\t")) for line in labels.read_text(encoding="utf-8").splitlines()]  # type: ignore[misc]
    stories = base()
    raw = {p: p.read_text(encoding="utf-8", errors="replace") for _, paths in stories for p in paths}
    renamer = Renamer([_visible(t, p.suffix == ".html") for p, t in raw.items()])
    outlets = sorted(
        {
            line.split("\t")[2].split("/")[2].removeprefix("www.")
            for line in (grouping_sets.SHARED / "aeb" / "aeb_stories.tsv").read_text().splitlines()[1:]
        }
    )
    out.mkdir(parents=True, exist_ok=True)
    items: list[tuple[str, str]] = []
    replica = 0
    while len(items) < n:
        rng = random.Random(f"{seed}/{replica}")
        order = list(stories)
        rng.shuffle(order)
        for label, paths in order:
            if len(items) >= n:
                break
            key = f"{seed}/{replica}/{label}"
            story = f"r{replica:02d}/{label}"
            folder = out / f"r{replica:02d}" / re.sub(r"[^\w.-]", "_", label)
            folder.mkdir(parents=True, exist_ok=True)
            written = 0
            # How widely the story is republished: copies per article, heavy-tailed (median 0.14,
            # 1 or more for 7% of the stories, at most 4).
            reach = min(4.0, 0.07 * rng.paretovariate(1.0)) if len(paths) >= 5 else 0.0
            for path in paths:
                if len(items) >= n or written >= MAX_STORY:
                    break
                html = path.suffix == ".html"
                text = raw[path]
                if replica:
                    if html:
                        text = TEXT_NODE.sub(
                            lambda m, key=key: ">" + renamer.transform(m.group(1), key) + "<", text
                        )
                    else:
                        text = renamer.transform(text, key)
                target = folder / path.name
                target.write_text(text, encoding="utf-8")
                items.append((str(target), story))
                written += 1
                copies = int(reach) + (rng.random() < reach - int(reach))
                for c in range(copies):
                    if len(items) >= n or written >= MAX_STORY:
                        break
                    outlet = rng.choice(outlets)
                    copy = folder / f"{path.stem}.copy{c}.txt"
                    copy.write_text(_republished(text, outlet, rng), encoding="utf-8")
                    items.append((str(copy), story))
                    written += 1
        replica += 1
    labels.write_text("".join(f"{p}\t{s}\n" for p, s in items), encoding="utf-8")
    (out / ".complete").write_text("made by benchmarks/news_corpus.py\n")
    return items


def describe(items: list[tuple[str, str]]) -> list[str]:
    """Counts of a corpus: articles, stories, sources, story sizes."""
    sizes = Counter(Counter(s for _, s in items).values())
    stories = sum(sizes.values())
    html = sum(p.endswith(".html") for p, _ in items)
    copies = sum(".copy" in p for p, _ in items)
    replicas = len({s.split("/")[0] for _, s in items})
    buckets = {
        "1": (1, 1),
        "2-4": (2, 4),
        "5-9": (5, 9),
        "10-19": (10, 19),
        "20-49": (20, 49),
        "50-100": (50, 100),
    }
    shown = ", ".join(
        f"{name}: {sum(c for s, c in sizes.items() if lo <= s <= hi)}" for name, (lo, hi) in buckets.items()
    )
    return [
        f"{len(items)} articles ({html} web pages, {copies} republished copies) in {stories} stories, "
        f"{replicas} replicas; largest story {max(sizes)}",
        f"stories by size: {shown}",
    ]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[-1])
    made = make(int(sys.argv[1]), Path(sys.argv[2]))
    print("\n".join(describe(made)))
