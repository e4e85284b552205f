"""Group documents into stories without a preset count."""

from __future__ import annotations

from collections.abc import Sequence

from digest.models import Document

DISTANCE_THRESHOLD = 0.91
"""Average-linkage cosine distance under which documents belong to one story (tuned on
../shared/data/multiling2011_en mixed with the seeds; see benchmarks/clustering.py)."""


def vectorize(texts: Sequence[str]):  # type: ignore[no-untyped-def]
    """Sparse, L2-normalised TF-IDF vectors of texts for telling stories apart.

    With enough documents, a word found in only one of them cannot link two documents and
    only dilutes the similarity of those that share a story, and a word in more than half
    of them does not tell stories apart: both are left out.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer  # deferred: heavy import

    many = len(texts) >= 10
    options = dict(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")
    try:
        return TfidfVectorizer(min_df=2 if many else 1, max_df=0.5 if many else 1.0, **options).fit_transform(texts)
    except ValueError:  # no word left (tiny or empty input): keep every word
        try:
            return TfidfVectorizer(**options).fit_transform(texts)
        except ValueError:
            from scipy.sparse import csr_matrix

            return csr_matrix((len(texts), 1))


def cluster(documents: Sequence[Document], count: int | None = None,
            threshold: float = DISTANCE_THRESHOLD) -> list[list[int]]:
    """Group documents by story.

    Args:
        documents: the originals to group (copies follow their original elsewhere).
        count: the number of stories wanted, or None to find it from ``threshold``.
        threshold: average-linkage cosine distance that separates stories.

    Returns:
        Groups of indexes into ``documents``, each sorted, groups in order of first member.
    """
    n = len(documents)
    if n == 0:
        return []
    if n == 1 or count == 1:
        return [list(range(n))]
    if count is not None and count >= n:
        return [[i] for i in range(n)]
    from sklearn.cluster import AgglomerativeClustering

    matrix = vectorize([f"{doc.title}\n{doc.text}" for doc in documents])
    dense = matrix.toarray()
    if count is None:
        model = AgglomerativeClustering(n_clusters=None, distance_threshold=threshold,
                                        metric="cosine", linkage="average")
    else:
        model = AgglomerativeClustering(n_clusters=count, metric="cosine", linkage="average")
    labels = model.fit_predict(dense) if dense.any(axis=1).all() else _fit_with_empty(model, dense)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: g[0])


def _fit_with_empty(model, dense):  # type: ignore[no-untyped-def]
    # A document with no content words has a zero vector, for which cosine distance is
    # undefined; give it a private dimension so that it stands alone.
    import numpy as np

    empty = ~dense.any(axis=1)
    extra = np.zeros((dense.shape[0], int(empty.sum())))
    extra[np.flatnonzero(empty), np.arange(int(empty.sum()))] = 1.0
    return model.fit_predict(np.hstack([dense, extra]))
