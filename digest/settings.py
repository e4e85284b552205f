"""Settings threaded through every stage of the pipeline."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ALGORITHMS = ("lexrank", "textrank", "lsa", "luhn", "edmundson", "kl", "sumbasic", "reduction", "random")
DEFAULT_ALGORITHM = "lexrank"


@dataclass(frozen=True)
class Settings:
    """How to build a digest."""

    algorithm: str = DEFAULT_ALGORITHM
    """The sumy summarizer that ranks candidate sentences."""
    sentences: int | None = None
    """Sentences per story (used when ``words`` is None); defaults to 4."""
    words: int | None = None
    """Word budget per story; overrides ``sentences``."""
    clusters: str = "auto"
    """'auto' or a number of stories."""
    grouping: str = "default"
    """How much evidence joins two articles into one story (with clusters 'auto'): 'strict',
    'default', 'loose' or a probability in (0, 1) (digest.stages.cluster.THRESHOLDS)."""
    language: str = "english"
    """Language of the articles (sentence splitter, stemmer, stop words)."""
    max_bytes: int = 10 * 1024 * 1024
    """Files larger than this are skipped with a warning."""

    def to_dict(self) -> dict[str, object]:
        """Plain dict for the JSON output."""
        return asdict(self)

    @property
    def sentence_budget(self) -> int:
        """Sentences per story when no word budget is set."""
        return self.sentences if self.sentences is not None else 4
