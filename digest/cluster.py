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
            threshold: float = DISTANCE_THRESHOLD, threads: int = 1) -> list[list[int]]:
    """Group documents by story.

    Args:
        documents: the originals to group (copies follow their original elsewhere).
        count: the number of stories wanted, or None to find it from ``threshold``.
        threshold: average-linkage cosine distance that separates stories.
        threads: how many threads compute the similarities (the groups are the same).

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
    matrix = vectorize([f"{doc.title}\n{doc.text}" for doc in documents])
    if count is None:
        return _by_threshold(matrix, threshold, threads)
    from sklearn.cluster import AgglomerativeClustering

    # A forced count needs the whole tree: the dense path (quadratic memory) is kept for it.
    dense = matrix.toarray()
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


CHUNK = 500
"""Rows of the similarity matrix computed at a time, to bound memory (fewer from
BLOCK_CELLS / CHUNK documents on: news makes nearly every pair's similarity positive)."""
BLOCK_CELLS = 5_000_000
EXACT_LIMIT = 3000
"""Up to this many documents, average linkage is exact (a dense matrix per component)."""
FLOOR = 0.05
"""Above EXACT_LIMIT, cosine similarities at or under this count as 0 (see _sparse_average)."""
BAND = 20
"""Above EXACT_LIMIT, how many of its similarities between FLOOR and the threshold each
document keeps (its largest): the rest count as 0 (see _by_threshold)."""


def _by_threshold(matrix, threshold: float,  # type: ignore[no-untyped-def]
                  threads: int = 1) -> list[list[int]]:
    """Average-linkage clusters cut at ``threshold``, without a dense n×n matrix of all documents.

    Two clusters merge only when their average cosine distance is under the threshold, so
    only when some pair across them is closer than the threshold: every cluster lies within
    one connected component of the graph of such pairs. Up to EXACT_LIMIT documents, average
    linkage on each component alone (scipy, from the component's dense distances) gives
    exactly the clusters of average linkage on all documents, which scikit-learn's
    AgglomerativeClustering computes. Beyond, news makes one giant component, and
    ``_sparse_average`` runs average linkage on a sparse graph of similarities: every pair
    closer than the threshold, and for each document its BAND strongest pairs over FLOOR.
    Without the band, the weak pairs (grown with n², most of them between stories) made the
    merging grow faster than n; with it, the stories of the 5,000- and 10,000-article
    benchmark corpora are those of exact average linkage to NMI 0.998, and the real stories
    of benchmarks/clustering.py the same as exact (with 10 strongest only: NMI 0.974).
    The similarities come from the sparse product of the L2-normalised TF-IDF rows, a chunk
    of rows at a time, keeping only the pairs needed.
    """
    import numpy as np
    from scipy.sparse import csr_matrix, vstack
    from scipy.sparse.csgraph import connected_components

    n = matrix.shape[0]
    matrix = csr_matrix(matrix, dtype=np.float64)
    close = 1.0 - threshold
    floor = close if n <= EXACT_LIMIT else FLOOR
    transposed = matrix.T.tocsc()
    rows_at_once = max(1, min(CHUNK, BLOCK_CELLS // n))

    def rows(start: int):  # type: ignore[no-untyped-def]
        block = (matrix[start:start + rows_at_once] @ transposed).tocsr()
        block.data[block.data <= floor] = 0.0
        block.eliminate_zeros()
        return _strongest(block, close, BAND) if n > EXACT_LIMIT else block

    # scipy's sparse product and numpy release the GIL: threads use every core, and each
    # block is computed alike wherever it runs.
    starts = range(0, n, rows_at_once)
    if threads > 1 and len(starts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(rows, starts))
    else:
        parts = [rows(start) for start in starts]
    graph = vstack(parts).tocsr() if parts else csr_matrix((n, n))
    if n > EXACT_LIMIT:
        return _sparse_average(graph.maximum(graph.T).tocsr(), close)
    count, component = connected_components(graph, directed=False)
    members: dict[int, list[int]] = {}
    for index, label in enumerate(component):
        members.setdefault(int(label), []).append(index)
    groups: list[list[int]] = []
    for indexes in members.values():
        groups.extend(_dense_average(matrix[indexes], indexes, threshold) if len(indexes) > 1 else [indexes])
    return sorted(groups, key=lambda g: g[0])


def _strongest(block, close: float, keep: int):  # type: ignore[no-untyped-def]
    """``block`` (CSR rows of similarities) with, in each row, every value over ``close``
    and only the ``keep`` largest of the others."""
    import numpy as np

    rows = np.repeat(np.arange(block.shape[0]), np.diff(block.indptr))
    weak = np.flatnonzero(block.data <= close)
    order = weak[np.lexsort((-block.data[weak], rows[weak]))]
    first = np.searchsorted(rows[order], rows[order], side="left")
    dropped = order[np.arange(len(order)) - first >= keep]
    result = block.copy()  # eliminate_zeros works in place, on indices shared with a view
    result.data[dropped] = 0.0
    result.eliminate_zeros()
    return result


def _dense_average(rows, indexes: list[int],  # type: ignore[no-untyped-def]
                   threshold: float) -> list[list[int]]:
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage

    similarity = (rows @ rows.T).toarray()
    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    tree = linkage(distance[np.triu_indices(len(indexes), k=1)], method="average")
    # scikit-learn keeps the merges strictly under the threshold.
    labels = fcluster(tree, t=np.nextafter(threshold, 0.0), criterion="distance")
    found: dict[int, list[int]] = {}
    for index, label in zip(indexes, labels):
        found.setdefault(int(label), []).append(index)
    return list(found.values())


def _sparse_average(graph, close: float) -> list[list[int]]:  # type: ignore[no-untyped-def]
    """Average linkage on a sparse, symmetric similarity graph: merge while some pair of
    clusters has an average similarity over ``close``, the closest pair first (ties: the
    lowest indexes).

    A pair missing from the graph counts as similarity 0, so this is average linkage exactly
    when the graph holds every positive similarity; with the similarities under FLOOR left
    out, averages come out at most FLOOR lower, which only holds back merges. The sum of
    similarities between two clusters is kept per pair of neighbouring clusters and added
    up on a merge, so the cost follows the edges, not n².

    The heap holds each cluster's best neighbour, not every close pair: the closest pair of
    all is the best of both its clusters. After a and b merge, a neighbour's average with
    the new cluster is a weighted mean of its averages with a and b, so only a neighbour
    whose best was a or b looks for its best again; for the others the new pair can at
    most tie their best.
    """
    import heapq

    import numpy as np

    n = graph.shape[0]
    graph = graph.tocsr()
    indptr, indices, data = graph.indptr.tolist(), graph.indices.tolist(), graph.data.tolist()
    links: list[dict[int, float]] = [dict(zip(indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]))
                                     for i in range(n)]
    for i in range(n):
        links[i].pop(i, None)
    size = [1] * n
    sizes = np.ones(n, dtype=np.int64)
    version = [0] * n
    partner = np.full(n, -1, dtype=np.int64)  # each cluster's best neighbour over close, or -1
    score = np.zeros(n)  # and their average similarity
    heap: list[tuple[float, int, int, int, int]] = []

    def find_best(i: int) -> None:
        neighbours = links[i]
        best, best_average = -1, close
        if len(neighbours) > 64:  # a big cluster: array operations
            keys = np.fromiter(neighbours.keys(), dtype=np.int64, count=len(neighbours))
            sums = np.fromiter(neighbours.values(), dtype=np.float64, count=len(neighbours))
            averages = sums / (size[i] * sizes[keys])
            top = averages.max()
            if top > close:
                best, best_average = int(keys[averages == top].min()), float(top)
        else:
            for k, value in neighbours.items():
                average = value / (size[i] * size[k])
                if average > best_average or (average == best_average and best != -1 and k < best):
                    best, best_average = k, average
        partner[i], score[i] = best, best_average
        if best != -1:
            low, high = min(i, best), max(i, best)
            heapq.heappush(heap, (-best_average, low, high, version[low], version[high]))

    for i in range(n):
        find_best(i)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = [True] * n
    while heap:
        negative, a, b, va, vb = heapq.heappop(heap)
        if not (alive[a] and alive[b]) or version[a] != va or version[b] != vb:
            continue
        if len(links[a]) < len(links[b]):
            a, b = b, a
        # b joins a.
        alive[b] = False
        partner[b] = -1
        del links[a][b]
        for k, value in links[b].items():
            if k == a:
                continue
            links[a][k] = links[a].get(k, 0.0) + value
            del links[k][b]
            links[k][a] = links[a][k]
        links[b] = {}
        size[a] += size[b]
        sizes[a] = size[a]
        members[a].extend(members[b])
        members[b] = []
        version[a] += 1
        find_best(a)
        neighbours = links[a]
        if not neighbours:
            continue
        keys = np.fromiter(neighbours.keys(), dtype=np.int64, count=len(neighbours))
        theirs = partner[keys]
        for k in keys[(theirs == a) | (theirs == b)].tolist():
            find_best(k)
        # A neighbour without a best had no close pair with a or b: nor with their union.
        others = keys[(theirs != a) & (theirs != b) & (theirs != -1)]
        if len(others):
            sums = np.fromiter((neighbours[k] for k in others.tolist()), dtype=np.float64, count=len(others))
            averages = sums / (size[a] * sizes[others])
            better = (averages > score[others]) | ((averages == score[others]) & (a < partner[others]))
            for k, average in zip(others[better].tolist(), averages[better].tolist()):
                partner[k], score[k] = a, average
                low, high = min(k, a), max(k, a)
                heapq.heappush(heap, (-average, low, high, version[low], version[high]))
    return sorted((sorted(m) for m in members if m), key=lambda g: g[0])
