"""Build a synthetic benchmark corpus of N articles from the real articles in ../shared/data.

No large permissively licensed news corpus is available offline, so this recombines real
Wikinews sentences into many synthetic stories, reproducibly (fixed seed):

- each synthetic story starts from one real story (a MultiLing topic or a GUM article),
  so its sentences share a real topic vocabulary;
- capitalised words inside sentences (names, places, organisations) are replaced, story by
  story, with invented names, so that thousands of stories are told apart the way real
  stories are: by who and where; so are, story by story, 60% of the longer lower-case words
  (a consistent invented word each), or the few dozen real topics would make a few dozen
  giant stories;
- story sizes follow a heavy-tailed distribution (most stories have 1-3 articles, a few
  have dozens, at most 200), and articles have 12-30 sentences (about 400 words): about
  two thirds from the story's shared pool, the rest details of their own (sentences of
  another real story, renamed the same way), so that a big story has many distinct
  sentences, as real ones do;
- about 15% of articles are wire copies of another article of their story, with other
  line breaks and a licence footer, and sentences are shared across a story's articles.

How it differs from real news: the shared sentences of a story are drawn from one pool, so
articles of one story are more alike than real ones; invented names and words make
stories more separable than real stories about the same place or person, and the text
less natural (invented words have no stems or synonyms); there are no HTML pages.

Usage: python benchmarks/make_corpus.py N OUTDIR           (writes OUTDIR/sNNNNN/aNNNNNN.txt)
       python benchmarks/make_corpus.py --story N OUTDIR   (one story of N articles)
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SYLLABLES = (
    "ka ren dor vil mar sel tan bri lo quen zar ush em fa gol hir ost pel rim sa tor ul ven wex".split()
)


def real_stories() -> list[list[str]]:
    """Sentences of each real story (MultiLing topic or GUM article), one list per story."""
    import punkt

    tokenizer = punkt.tokenizer_for("english", line_breaks="always")
    stories = []
    for folder in sorted((DATA / "multiling2011_en").glob("M*/docs")):
        text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt")))
        stories.append(tokenizer.tokenize(text))
    for path in sorted((DATA / "gum_wikinews").glob("*/*.txt")):
        stories.append(tokenizer.tokenize(path.read_text(encoding="utf-8")))
    return [
        [s.strip() for s in story if len(s.split()) >= 6 and s.strip()[-1:] in '.!?"”'] for story in stories
    ]


def invented_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def make(n: int, out: Path, seed: int = 7, one_story: bool = False) -> None:
    """Write ``n`` articles under ``out``; ``one_story``: all of them about one story."""
    rng = random.Random(seed)
    pools = [p for p in real_stories() if len(p) >= 15]
    out.mkdir(parents=True, exist_ok=True)
    made = 0
    story_no = 0
    while made < n:
        size = n if one_story else min(n - made, max(1, int(rng.paretovariate(1.3))), 200)
        pool = rng.choice(pools)
        names: dict[str, str] = {}

        def rename(match: re.Match[str], names: dict[str, str] = names) -> str:
            word = match.group(0)
            if word not in names:
                names[word] = invented_name(rng)
            return names[word]

        def reword(match: re.Match[str], names: dict[str, str] = names) -> str:
            word = match.group(0)
            if word not in names:
                names[word] = invented_name(rng).lower() if rng.random() < 0.6 else word
            return names[word]

        def disguise(sentence: str) -> str:
            sentence = re.sub(r"(?<=[a-z,] )[A-Z][a-z]{2,}", rename, sentence)
            return re.sub(r"\b[a-z]{5,}\b", reword, sentence)

        # The story's own sentences: a sample of the real story's, with names replaced.
        own = [disguise(s) for s in rng.sample(pool, min(len(pool), 60))]
        folder = out / f"s{story_no:05d}"
        folder.mkdir(exist_ok=True)
        articles: list[list[str]] = []
        for _ in range(size):
            if articles and rng.random() < 0.15:
                original = rng.choice(articles)
                body = " ".join(original) + "\nAll content by Example Wire is licensed under CC BY 4.0."
                articles.append(original)
            else:
                length = rng.randint(12, 30)
                shared = rng.sample(own, min(len(own), length * 2 // 3))
                other = rng.choice([p for p in pools if p is not pool])
                details = [disguise(s) for s in rng.sample(other, length - len(shared))]
                sentences = shared[:1] + rng.sample(shared[1:] + details, len(shared) - 1 + len(details))
                title = " ".join(sentences[0].split()[:8]).rstrip(".,;:")
                articles.append(sentences)
                body = title + "\n\n" + "\n\n".join(sentences)
            (folder / f"a{made:06d}.txt").write_text(body + "\n", encoding="utf-8")
            made += 1
        story_no += 1


if __name__ == "__main__":
    args = sys.argv[1:]
    single = args[:1] == ["--story"]
    args = args[1:] if single else args
    if len(args) != 2:
        sys.exit("\n".join(__doc__.strip().splitlines()[-2:]))
    make(int(args[0]), Path(args[1]), one_story=single)
