"""Group articles into events and align sentences that report the same fact across outlets."""

from __future__ import annotations

import array
import itertools
import re
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import csr_matrix
from scipy.spatial.distance import squareform
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from pipeline.reading.corpus import publication_dates
from pipeline.schema import ALIGNMENT_COLUMNS, EVENT_COLUMNS, SHARED_STATEMENT_COLUMNS
from pipeline.support.dataframes import joined_frames
from pipeline.support.memory import return_freed_memory

# Two articles can share an event only if their cosine distance (TF-IDF of the clean text) is below
# this for every pair in the event (complete linkage) ...
EVENT_DISTANCE_THRESHOLD = 0.9
# ... and they were published at most this many days apart (articles without a date are not limited).
EVENT_WINDOW_DAYS = 60
# Two sentences of different outlets report the same fact when their TF-IDF cosine similarity is at least this.
ALIGNMENT_THRESHOLD = 0.3
# Alignment looks at an event's first sentences only (in article order) beyond this many.
MAX_ALIGNED_SENTENCES = 20_000
CANDIDATES_PER_SENTENCE = 5
# What alignment and shared statements read of the sentences.
EVENT_SENTENCE_COLUMNS = ["article_id", "sentence_id", "outlet", "text"]
# Event grouping is exact complete linkage up to this many articles (an n x n distance matrix, which
# grows with the square of the articles); beyond, see events._cluster_large.
MAX_EXACT_EVENT_ARTICLES = 4_000
# Rows of that matrix computed at a time.
DISTANCE_BLOCK = 500


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")


def _days(published: pd.Series) -> np.ndarray:
    """Days since 1970 of each publication date; nan when there is none."""
    return (publication_dates(published) - pd.Timestamp("1970-01-01", tz="UTC")).dt.days.to_numpy(dtype=float)


def group_events(
    articles: pd.DataFrame,
    distance_threshold: float = EVENT_DISTANCE_THRESHOLD,
    window_days: int = EVENT_WINDOW_DAYS,
    *,
    sentences: pd.DataFrame,
) -> pd.DataFrame:
    """Cluster articles into events (EVENT_COLUMNS); a non-empty `event` column in the manifest wins.

    Agglomerative clustering, complete linkage, on cosine distances of TF-IDF vectors of the clean
    text; pairs published more than `window_days` apart get the maximum distance, so they never
    share an event. Beyond MAX_EXACT_EVENT_ARTICLES articles see _cluster_large.

    Each article's words are taken from its `sentences` (score_articles' table), not from a text
    column, so the clean texts need not be kept: the sentences hold every word of the clean text,
    and TF-IDF counts words, whatever lies between them.
    """
    return events_of_parts(_one(term_counts, sentences), articles, distance_threshold, window_days)


def events_of_parts(
    parts: Iterable[TermCounts],
    article_list: pd.DataFrame,
    event_threshold: float = EVENT_DISTANCE_THRESHOLD,
    event_window_days: int = EVENT_WINDOW_DAYS,
) -> pd.DataFrame:
    """group_events of the articles of `article_list`, their words counted a partition of sentences at a
    time (term_counts, one part per partition in article id order): the same events."""
    articles = article_list.sort_values("article_id", kind="stable").reset_index(drop=True)
    if articles.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    matrix, terms = tfidf_of_parts(parts, articles["article_id"])
    given = (
        articles["event"].fillna("").astype(str) if "event" in articles.columns else pd.Series("", index=articles.index)
    )
    labels = np.array([f"manifest:{e}" if e else "" for e in given], dtype=object)
    free = np.flatnonzero(labels == "")
    if len(free):
        days = _days(articles["published"].iloc[free])
        # Without events named in the manifest every article is free: no copy of the matrix, one of the run's largest objects.
        clusters = _cluster_large(
            matrix if len(free) == len(labels) else matrix[free], days, event_threshold, event_window_days
        )
        for position, cluster in zip(free, clusters, strict=True):
            labels[position] = f"cluster:{cluster}"
    return _name_events(articles, labels, matrix, terms)


def article_tfidf(sentences: pd.DataFrame, article_ids: Iterable[str], block: int = 2_000) -> tuple:
    """(matrix, terms): the TF-IDF vectors of the articles, one row per id of `article_ids` in their order
    (empty for an article without sentences), and the term of each column.

    Exactly what _vectorizer().fit_transform gives for each article's sentences joined by line breaks
    (a test holds it to that), counted from the sentences `block` articles at a time: no token spans
    two sentences, so an article's counts are the sum of its sentences'. sklearn keeps every count in
    Python lists and weighs the entries through temporary copies of them; here the counts are arrays,
    the weighting is done in place, and no article text is ever built.
    """
    article_ids = list(article_ids)
    return tfidf_of_parts(_one(term_counts, sentences, article_ids, block), article_ids)


def _one(function, *args) -> Iterator:
    """The one part `function(*args)`, as a combine gets parts: held by no list, it is let go of once added."""
    yield function(*args)


@dataclass
class TermCounts:
    """The term counts of some articles' sentences (tfidf_of_parts adds up those of several): the
    articles, their terms numbered in order of first appearance (`terms`), and per article its
    `row_sizes` entries of `columns` (term numbers, increasing) and `counts`."""

    article_ids: list[str]
    terms: list[str]
    columns: np.ndarray
    counts: np.ndarray
    row_sizes: np.ndarray


def term_counts(sentences: pd.DataFrame, article_ids: Iterable[str] | None = None, block: int = 2_000) -> TermCounts:
    """The term counts of the articles of `sentences` (its article_id and text), in the order of
    `article_ids` (default: those of the sentences, in id order)."""
    if article_ids is None:
        article_ids = sorted(set(sentences["article_id"].astype(str)))
    article_ids = list(article_ids)
    by_article, spans = _article_spans(sentences, article_ids)
    vocabulary, counted, row_sizes = _count_terms(sentences["text"], by_article, spans, block)
    columns, counts = (np.frombuffer(counted[name], dtype=np.intc) for name in ("columns", "counts"))
    return TermCounts(article_ids, list(vocabulary), columns, counts, row_sizes)


def tfidf_of_parts(parts: Iterable[TermCounts], article_ids: Iterable[str]) -> tuple:
    """article_tfidf's (matrix, terms) of the articles `article_ids`, from the term counts of parts of
    them, each part's articles following those of the part before in the order of `article_ids`.

    The terms are numbered in order of first appearance over the parts in turn, as one count over all
    the articles numbers them, and each article's entries are put in that order: the same matrix, to
    the bit."""
    vocabulary: dict[str, int] = {}
    position = {article_id: k for k, article_id in enumerate(article_ids)}
    row_sizes = np.zeros(len(position), dtype=np.int64)
    columns, counts = array.array("i"), array.array("i")
    last_row = -1
    for part in parts:  # once, each part let go of when added: the combine of a stage holds one at a time
        for term in part.terms:
            vocabulary.setdefault(term, len(vocabulary))
        rows = np.array([position[a] for a in part.article_ids], dtype=np.int64)
        if len(rows) and (rows[0] <= last_row or bool((np.diff(rows) <= 0).any())):
            raise ValueError("the parts' articles must follow one another in the order of article_ids")
        last_row = int(rows[-1]) if len(rows) else last_row
        row_sizes[rows] = part.row_sizes
        numbers = np.array([vocabulary[t] for t in part.terms], dtype=np.intc)
        if not len(numbers) or bool((np.diff(numbers) > 0).all()):
            # Numbered in the same order (always the first part, and a run held whole): the entries
            # keep theirs, and are copied without temporaries.
            columns.frombytes(
                _bytes(part.columns if numbers[-1:].tolist() == [len(numbers) - 1] else numbers[part.columns])
            )
            counts.frombytes(_bytes(part.counts))
        else:  # a term it met before others of the parts before: each article's entries sorted again
            renumbered = numbers[part.columns]
            order = np.lexsort((renumbered, np.repeat(np.arange(len(rows)), part.row_sizes)))
            columns.frombytes(_bytes(renumbered[order]))
            counts.frombytes(_bytes(part.counts[order]))
        del part  # before the next is made
    if not vocabulary:
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    terms = np.array(sorted(vocabulary), dtype=object)
    # Columns numbered in alphabetical order of their terms, as sklearn numbers them; within a row the
    # entries stay in order of the terms' first appearance in the corpus, as sklearn leaves them.
    renumber = np.empty(len(terms), dtype=np.int64)
    renumber[[vocabulary[term] for term in terms]] = np.arange(len(terms))
    matrix = _csr_of_counts({"columns": columns, "counts": counts}, row_sizes, renumber, n_columns=len(terms))
    _weigh_in_place(matrix)
    return matrix, terms


def _bytes(values: np.ndarray) -> memoryview:
    """An array's memory as bytes, not copied."""
    return memoryview(np.ascontiguousarray(values)).cast("B")


def _article_spans(sentences: pd.DataFrame, article_ids: Iterable[str]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """(rows, spans): `rows` lists the sentence rows article by article, in table order within each;
    rows[start:end] of an article's (start, end) in `spans` are its sentences, one span per id of `article_ids`."""
    by_article, bounds, ids = _grouped_rows(sentences["article_id"])
    position = {article_id: k for k, article_id in enumerate(ids)}
    return by_article, [(bounds[k], bounds[k + 1]) if k is not None else (0, 0) for k in map(position.get, article_ids)]


def _count_terms(text: pd.Series, by_article: np.ndarray, spans: list[tuple[int, int]], block: int) -> tuple:
    """(vocabulary, {"columns": ..., "counts": ...}, row sizes): the (article, term) counts, rows in order
    and each row's terms by number (numbered in order of first appearance), as sklearn sorts them."""
    tokens_of = _article_tokens()
    vocabulary: defaultdict[str, int] = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new term gets the next number
    number_of = vocabulary.__getitem__
    # Two growing arrays rather than numpy arrays per block: glibc moves a growing array with mremap and
    # gives it back whole, where the blocks' arrays, interleaved with each block's temporaries, left the
    # C heap fragmented once freed, which raised the peak.
    columns, counts = array.array("i"), array.array("i")
    row_sizes = np.zeros(len(spans), dtype=np.int64)
    for first in range(0, len(spans), block):
        part = spans[first : first + block]
        numbers, lengths = [], []
        texts, taken = text.take(np.concatenate([by_article[start:end] for start, end in part])).tolist(), 0
        for start, end in part:
            tokens = tokens_of("\n".join(texts[taken : taken + end - start]))
            taken += end - start
            numbers.extend(map(number_of, tokens))
            lengths.append(len(tokens))
        article = np.repeat(np.arange(len(part), dtype=np.int64), lengths)
        keys, n = np.unique((article << 32) | np.array(numbers, dtype=np.int64), return_counts=True)
        columns.frombytes((keys & 0xFFFFFFFF).astype(np.intc).tobytes())
        counts.frombytes(n.astype(np.intc).tobytes())
        row_sizes[first : first + len(part)] = np.bincount(keys >> 32, minlength=len(part))
        # A block's temporaries, once freed, stay in the C heap and the next block's do not reuse them;
        # handed back each block, they cost no time.
        del numbers, lengths, article, keys, n
        return_freed_memory()
    return dict(vocabulary), {"columns": columns, "counts": counts}, row_sizes


def _article_tokens() -> Callable[[str], list[str]]:
    """The vectorizer's analyzer (lower case, its token pattern, no stop words), for an article's sentences
    joined by line breaks in one call: no token spans a line break, so its tokens are each sentence's in turn."""
    vectorizer = _vectorizer()
    find, stop_words = re.compile(vectorizer.token_pattern).findall, vectorizer.get_stop_words()
    return lambda text: [token for token in find(text.lower()) if token not in stop_words]


def _csr_of_counts(counted: dict, row_sizes: np.ndarray, renumber: np.ndarray, n_columns: int):
    """The float64 count matrix of _count_terms' "columns" and "counts", its columns renumbered
    (`renumber[old] = new`). Each array is taken out of `counted` and let go of once copied: the
    arrays and the matrix are never all held at once."""
    nnz = int(row_sizes.sum())
    index_type = np.int32 if nnz <= np.iinfo(np.int32).max else np.int64  # as sklearn chooses
    indptr = np.zeros(len(row_sizes) + 1, dtype=index_type)
    np.cumsum(row_sizes, out=indptr[1:])
    data = np.empty(nnz, dtype=np.float64)
    data[:] = np.frombuffer(counted.pop("counts"), dtype=np.intc)
    indices = np.empty(nnz, dtype=index_type)
    old = np.frombuffer(counted.pop("columns"), dtype=np.intc)
    for first in range(0, nnz, 1 << 20):  # renumber[old] at once would take an int64 copy of every entry
        indices[first : first + (1 << 20)] = renumber[old[first : first + (1 << 20)]]
    return csr_matrix((data, indices, indptr), shape=(len(row_sizes), n_columns))


def _weigh_in_place(matrix, block: int = 1 << 20) -> None:
    """TfidfTransformer(sublinear_tf=True).fit_transform(matrix, copy=False), without its copies: the
    idf is smoothed, log((1 + n) / (1 + df)) + 1, each count becomes 1 + log(count) and each row is
    scaled to unit length; the same operations in the same order, so the same bits."""
    n_rows = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1]).astype(np.float64) + 1.0
    idf = np.full_like(df, fill_value=n_rows + 1) / df
    np.log(idf, out=idf)
    idf += 1.0
    np.log(matrix.data, out=matrix.data)
    matrix.data += 1.0
    for first in range(0, len(matrix.data), block):  # idf[indices] at once: a float64 array as long as the data
        part = slice(first, first + block)
        matrix.data[part] *= idf[matrix.indices[part]]
    normalize(matrix, norm="l2", copy=False)


def _cluster_exact(matrix, days: np.ndarray, threshold: float, window_days: int) -> np.ndarray:
    """Complete-linkage cluster numbers of the rows of `matrix` (n x n distances: keep n moderate)."""
    if matrix.shape[0] == 1:
        return np.zeros(1, dtype=int)
    # Filled a block of rows at a time, so that no n x n temporary (the similarity in 64 bits, its
    # sparse form, the date differences) is ever held whole. Only the upper triangle is
    # computed, which is all the clustering reads: half the products, and the lower half of the
    # matrix is never written, so never takes memory. Each entry is the same sum of the same
    # products, whichever columns a block takes.
    n = matrix.shape[0]
    normalized = _normalized(matrix)
    transposed = normalized.T.tocsc()  # columns sliced per block
    distance = np.zeros((n, n), dtype=np.float32)
    for start in range(0, n, DISTANCE_BLOCK):
        rows, upper = slice(start, start + DISTANCE_BLOCK), slice(start, n)
        block = (normalized[rows] @ transposed[:, upper]).toarray().astype(np.float32)
        np.subtract(1, block, out=block)
        apart = np.abs(days[rows, None] - days[None, upper])
        block[apart > window_days] = 1.0  # nan (no date) compares False: no limit
        np.clip(block, 0.0, 1.0, out=block)
        distance[rows, upper] = block
    np.fill_diagonal(distance, 0.0)
    return complete_linkage_clusters(distance, threshold)


def complete_linkage_clusters(distance: np.ndarray, threshold: float) -> np.ndarray:
    """Cluster numbers of complete-linkage clustering of a square distance matrix, keeping the merges closer
    than `threshold`: the partition of sklearn's AgglomerativeClustering(distance_threshold=threshold,
    metric="precomputed", linkage="complete"), without its own copies (two n x n/2 index arrays).
    `distance` is used up."""
    condensed = squareform(distance, checks=False)  # the upper triangle, row by row, as sklearn takes it
    del distance
    tree = linkage(condensed, method="complete")
    del condensed
    # fcluster keeps merges at or below its bound; sklearn only those below the threshold.
    return fcluster(tree, t=np.nextafter(threshold, -np.inf), criterion="distance") - 1


def _cluster_large(matrix, days: np.ndarray, threshold: float, window_days: int, block: int = 1000) -> np.ndarray:
    """Complete linkage for any number of articles, in bounded memory.

    Up to MAX_EXACT_EVENT_ARTICLES articles this is exact. Beyond, the articles are first cut into
    blocks no event can span (event_blocks), each clustered on its own the same way; a block still
    too large for exact clustering is clustered on a sample (_cluster_sampled).
    """
    n = matrix.shape[0]
    if n <= MAX_EXACT_EVENT_ARTICLES:
        return _cluster_exact(matrix, days, threshold, window_days)
    blocks = event_blocks(matrix, threshold)
    if blocks.max() == 0:
        return _cluster_sampled(matrix, days, threshold, window_days, block)
    labels = np.empty(n, dtype=int)
    order = np.argsort(blocks, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(blocks[order])) + 1, n]
    next_label = 0
    for first, last in itertools.pairwise(starts):
        rows = order[first:last]
        if len(rows) == 1:  # most blocks of a corpus of many stories: an article alone
            labels[rows] = next_label
            next_label += 1
            continue
        part = _cluster_large(matrix[rows], days[rows], threshold, window_days, block)
        labels[rows] = part + next_label
        next_label += int(part.max()) + 1
    return labels


# Terms in at most this many articles are rare: every article that has one is put in one block with
# the others that have it (event_blocks).
RARE_TERM_ARTICLES = 50
# Similarities are compared with this much slack, so that rounding (distances are kept in 32 bits)
# never puts apart two articles that exact clustering could join.
SIMILARITY_SLACK = 1e-6


def event_blocks(matrix, threshold: float) -> np.ndarray:
    """The block of each row of `matrix` (unit TF-IDF rows): articles in different blocks can never share
    an event, because no chain of pairs closer than `threshold` links them; so complete linkage of each
    block alone gives the events of the whole (an event's every pair is closer than the threshold).

    Two articles are closer than the threshold only if their similarity exceeds 1 - threshold. The part
    of it owed to terms that are not rare is at most the product of the two articles' norms over those
    terms (Cauchy-Schwarz), so two articles that share no rare term can be that close only if both of
    those norms are large ("heavy" articles: whose norm times the largest norm exceeds the bound). The
    blocks join every article to the rare terms it has, and heavy articles to each other when they are
    truly that close (or all heavy articles together, when they are too many to compare): a coarser
    partition than the true one, never a finer. Returns block numbers from 0; all 0 when nothing
    can be cut.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n, n_terms = matrix.shape
    bound = 1.0 - threshold - SIMILARITY_SLACK
    articles_with = np.bincount(matrix.indices, minlength=n_terms)
    rare = articles_with <= RARE_TERM_ARTICLES
    rare_number = np.cumsum(rare) - 1
    entry_rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    of_rare = rare[matrix.indices]
    squares = np.where(of_rare, 0.0, matrix.data * matrix.data)
    common_norm = np.sqrt(np.bincount(entry_rows, weights=squares, minlength=n))
    heavy = np.flatnonzero(common_norm * common_norm.max() > bound)
    # Nodes: the articles, then the rare terms; edges: article-term, and between heavy articles.
    sources = [entry_rows[of_rare]]
    targets = [n + rare_number[matrix.indices[of_rare]]]
    if len(heavy) > MAX_EXACT_EVENT_ARTICLES:
        sources.append(heavy[:-1])
        targets.append(heavy[1:])
    elif len(heavy) > 1:
        for a, b in _close_pairs(matrix[heavy], bound):
            sources.append(heavy[a])
            targets.append(heavy[b])
    source, target = np.concatenate(sources), np.concatenate(targets)
    size = n + int(rare.sum())
    graph = coo_matrix((np.ones(len(source), dtype=np.int8), (source, target)), shape=(size, size))
    _, component = connected_components(graph, directed=False)
    return np.unique(component[:n], return_inverse=True)[1]


def _close_pairs(matrix, bound: float, block: int = DISTANCE_BLOCK) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) of the pairs of rows of `matrix` whose similarity exceeds `bound`, a block at a time."""
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], block):
        similarity = (matrix[start : start + block] @ transposed).toarray()
        rows, columns = np.nonzero(similarity > bound)
        yield rows + start, columns


def _cluster_sampled(matrix, days: np.ndarray, threshold: float, window_days: int, block: int = 1000) -> np.ndarray:
    """Complete linkage on an evenly spread sample of MAX_EXACT_EVENT_ARTICLES articles; every other
    article joins the sampled event whose farthest member is nearest, if that is within the threshold
    and the event's dates stay within the window (the complete-linkage rule, checked against the
    sampled members); articles that join none are clustered among themselves (_cluster_large).
    """
    n = matrix.shape[0]
    sample = np.unique(np.linspace(0, n - 1, MAX_EXACT_EVENT_ARTICLES).round().astype(int))
    rest = np.setdiff1d(np.arange(n), sample)
    labels = np.full(n, -1)
    labels[sample] = _cluster_exact(matrix[sample], days[sample], threshold, window_days)
    order = np.argsort(labels[sample], kind="stable")
    members = sample[order]
    starts = np.r_[0, np.flatnonzero(np.diff(labels[members])) + 1]
    event_of_start = labels[members[starts]]
    first_day = np.fmin.reduceat(days[members], starts)
    last_day = np.fmax.reduceat(days[members], starts)
    transposed = matrix[members].T.tocsc()
    for begin in range(0, len(rest), block):
        rows = rest[begin : begin + block]
        similarity = np.asarray((matrix[rows] @ transposed).todense())
        farthest = 1 - np.minimum.reduceat(similarity, starts, axis=1)
        late = days[rows][:, None] - first_day[None, :] > window_days
        early = last_day[None, :] - days[rows][:, None] > window_days
        farthest[late | early] = np.inf
        best = np.argmin(farthest, axis=1)
        fits = farthest[np.arange(len(rows)), best] < threshold
        labels[rows[fits]] = event_of_start[best[fits]]
    left = np.flatnonzero(labels < 0)
    if len(left):
        labels[left] = labels.max() + 1 + _cluster_large(matrix[left], days[left], threshold, window_days, block)
    return labels


def _name_events(articles: pd.DataFrame, labels: np.ndarray, matrix, terms: np.ndarray) -> pd.DataFrame:
    dates = publication_dates(articles["published"])
    order = (
        pd.DataFrame({"label": labels, "date": dates, "article_id": articles["article_id"]})
        .groupby("label")
        .agg(first=("date", "min"), first_id=("article_id", "min"))
        .sort_values(["first", "first_id"], na_position="last", kind="stable")
    )
    event_ids = _event_ids(list(order.index))
    # Columns as lists: taking an article's row from the table costs more than the rest of this loop.
    columns = {c: articles[c].tolist() for c in ("article_id", "outlet", "published")}
    members_of = _rows_by_label(labels)
    rows = []
    for label in order.index:
        members = members_of[label]
        vectors = matrix[members]  # taken once: an event can hold most of the corpus
        centroid = np.asarray(vectors.mean(axis=0)).ravel()
        top = [terms[i] for i in np.argsort(-centroid, kind="stable")[:4] if centroid[i] > 0]
        similarity = _cosine_to(vectors, centroid)
        del vectors
        name = event_ids[label]
        for position, score in zip(members, similarity, strict=True):
            rows.append(
                (
                    columns["article_id"][position],
                    columns["outlet"][position],
                    columns["published"][position],
                    name,
                    ", ".join(top),
                    float(score),
                    len(members),
                )
            )
    return (
        pd.DataFrame(rows, columns=EVENT_COLUMNS)
        .sort_values(["event_id", "article_id"], kind="stable")
        .reset_index(drop=True)
    )


def _normalized(matrix):
    """sklearn's normalize(matrix) (L2, a copy) without its checks of the input, which cost more than
    normalizing an event's few rows: the same operation on the same copy."""
    copy = matrix.copy()
    inplace_csr_row_normalize_l2(copy)
    return copy


def _cosine_to(rows, vector: np.ndarray) -> np.ndarray:
    """cosine_similarity(rows, [vector]).ravel(), with the same operations in the same order; `rows`
    (a copy) is normalized in place."""
    inplace_csr_row_normalize_l2(rows)
    norm = np.sqrt(np.einsum("ij,ij->i", vector[None, :], vector[None, :]))
    unit = vector[None, :] / np.where(norm == 0, 1.0, norm)[:, None]
    return np.asarray(rows @ unit.T).ravel()


def _grouped_rows(values) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """(order, bounds, distinct values): order[bounds[k]:bounds[k + 1]] are the rows holding the k-th
    distinct value (in order of first appearance), in row order; one sort for all of them."""
    codes, distinct = pd.factorize(values)
    order = np.argsort(codes, kind="stable")
    return order, np.searchsorted(codes[order], np.arange(len(distinct) + 1)), distinct


def _rows_by_label(labels: np.ndarray) -> dict[str, np.ndarray]:
    """The rows of each label, in row order (a scan per label costs events x articles)."""
    order, bounds, distinct = _grouped_rows(labels)
    return {label: order[bounds[k] : bounds[k + 1]] for k, label in enumerate(distinct)}


def _event_ids(labels: list[str]) -> dict[str, str]:
    """Each label's event id, the labels in event order: a manifest event keeps its name; the others are
    numbered E1, E2, ... in that order (manifest events count too), skipping every number whose id a
    manifest event already has, so that no automatic event ever merges with a named one."""
    named = {label.removeprefix("manifest:") for label in labels if label.startswith("manifest:")}
    ids, number = {}, 0
    for label in labels:
        number += 1
        if label.startswith("manifest:"):
            ids[label] = label.removeprefix("manifest:")
            continue
        while f"E{number}" in named:
            number += 1
        ids[label] = f"E{number}"
    return ids


def _nearest_statements(matrix, threshold: float, k: int = CANDIDATES_PER_SENTENCE, block: int = 500) -> np.ndarray:
    """Candidate pairs of distinct statements: each row's k most similar other rows at or above `threshold`.

    Returns an (m, 3) array of (similarity, u, v) with u < v, each pair once. TF-IDF rows are unit
    length, so a sparse product gives cosine similarities; it is computed a block of rows at a time
    and only the k best per row are kept, so memory and the greedy pairing stay bounded however
    large the event.
    """
    found = []
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], block):
        similarity = (matrix[start : start + block] @ transposed).tocoo()
        rows, cols, values = similarity.row + start, similarity.col, similarity.data
        keep = (values >= threshold - 1e-12) & (rows != cols)
        rows, cols, values = rows[keep], cols[keep], values[keep]
        order = np.lexsort((cols, -values, rows))
        rows, cols, values = rows[order], cols[order], values[order]
        first_of_row = np.r_[0, np.flatnonzero(np.diff(rows)) + 1]
        rank = np.arange(len(rows)) - np.repeat(first_of_row, np.diff(np.r_[first_of_row, len(rows)]))
        best = rank < k
        found.append(np.column_stack([values[best], np.minimum(rows, cols)[best], np.maximum(rows, cols)[best]]))
    if not found:
        return np.empty((0, 3))
    pairs = np.concatenate(found)
    _, unique = np.unique(pairs[:, 1:], axis=0, return_index=True)
    return pairs[np.sort(unique)]


def _pair_members(pool_a: dict[str, deque], pool_b: dict[str, deque]) -> list[tuple[int, int]]:
    """Pair unused sentences of two statements (or of one, when both pools are the same) across outlets.

    Pools map an outlet to its unused sentences in order; paired sentences leave them.
    """
    pairs = []
    for outlet_a in sorted(pool_a):
        while pool_a.get(outlet_a):
            outlet_b = next((o for o in sorted(pool_b) if o != outlet_a), None)
            if outlet_b is None:
                break
            a, b = pool_a[outlet_a].popleft(), pool_b[outlet_b].popleft()
            for pool, outlet in ((pool_a, outlet_a), (pool_b, outlet_b)):
                if outlet in pool and not pool[outlet]:
                    del pool[outlet]
            pairs.append((a, b))
    return pairs


def align_statements(
    sentences: pd.DataFrame, events: pd.DataFrame, threshold: float = ALIGNMENT_THRESHOLD
) -> pd.DataFrame:
    """Pair sentences of different outlets within each event that report the same fact (ALIGNMENT_COLUMNS).

    Identical sentences are one statement (wire copy reprinted by several outlets is common). TF-IDF
    cosine similarity over an event's statements; each statement's CANDIDATES_PER_SENTENCE most
    similar ones are candidates; pairs are taken from the most similar down (a statement with
    itself, 1.0, first), each sentence used at most once and always across two outlets.
    """
    rows = []
    # Beyond MAX_ALIGNED_SENTENCES sentences an event is cut, to keep the pairing bounded.
    used = EVENT_SENTENCE_COLUMNS
    for event_id, group in sentences_by_event(sentences, events, used, most=MAX_ALIGNED_SENTENCES):
        group = group.reset_index(drop=True)
        if group["outlet"].nunique() < 2:
            continue
        codes, statements = pd.factorize(group["text"])
        try:
            matrix = _vectorizer().fit_transform(statements)
        except ValueError:  # no usable word at all
            continue
        pools: list[dict[str, deque]] = [{} for _ in statements]
        for row, (code, outlet) in enumerate(zip(codes, group["outlet"], strict=True)):
            pools[code].setdefault(outlet, deque()).append(row)
        candidates = [(1.0, u, u) for u in range(len(statements)) if len(pools[u]) > 1]
        candidates += [(float(s), int(u), int(v)) for s, u, v in _nearest_statements(matrix, threshold)]
        columns = {c: group[c].to_numpy() for c in ("outlet", "article_id", "sentence_id", "text")}
        for score, u, v in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
            for i, j in _pair_members(pools[u], pools[v]):
                a, b = sorted(
                    [i, j], key=lambda k: (columns["outlet"][k], columns["article_id"][k], columns["sentence_id"][k])
                )
                rows.append(
                    (
                        event_id,
                        *(columns[c][a] for c in ("outlet", "article_id", "sentence_id", "text")),
                        *(columns[c][b] for c in ("outlet", "article_id", "sentence_id", "text")),
                        min(score, 1.0),
                    )
                )
    table = pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)
    return table.sort_values(
        ["event_id", "similarity", "article_a", "sentence_a"], ascending=[True, False, True, True], kind="stable"
    ).reset_index(drop=True)


def sentences_in_events(sentences: pd.DataFrame, events: pd.DataFrame, most: int | None = None) -> pd.DataFrame:
    """The sentences (EVENT_SENTENCE_COLUMNS) alignment and shared statements read: those of events of
    two outlets or more, the first `most` (MAX_ALIGNED_SENTENCES) of each, in table order.

    Of partitions of sentences in table order, the rows each gives, joined, hold the first `most` of
    each event of all of them: the two tables are made from those, not from every sentence's text."""
    most = MAX_ALIGNED_SENTENCES if most is None else most
    outlets = events.groupby("event_id", sort=False)["outlet"].nunique()
    told = events[events["event_id"].isin(outlets.index[outlets >= 2])]
    codes = events_of_rows(sentences["article_id"], told).codes
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    grouped = codes[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(order) else np.array([], dtype=np.int64)
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    rows = np.sort(order[rank < most])
    return pd.DataFrame({c: sentences[c].take(rows).reset_index(drop=True) for c in EVENT_SENTENCE_COLUMNS})


def alignments_of_parts(parts: Iterable[pd.DataFrame], events: pd.DataFrame) -> pd.DataFrame:
    """align_statements of the sentences_in_events of partitions of sentences, in table order."""
    return align_statements(joined_frames(list(parts)), events)


def shared_statements_of_parts(parts: Iterable[pd.DataFrame], events: pd.DataFrame) -> pd.DataFrame:
    """shared_statements of the sentences_in_events of partitions of sentences, in table order."""
    return shared_statements(joined_frames(list(parts)), events)


def sentences_by_event(
    sentences: pd.DataFrame, events: pd.DataFrame, columns: list[str], most: int | None = None
) -> Iterator[tuple[str, pd.DataFrame]]:
    """(event_id, its sentences' `columns`) for each event in sorted order, the rows in table order and at
    most `most` of them; sentences of articles in no event are left out.

    What a merge of the sentences with the events, grouped by event, gives, without the merge: it
    copies every column it is given, the texts included.
    """
    event_of = events_of_rows(sentences["article_id"], events)
    codes = event_of.codes
    order = np.argsort(codes, kind="stable")
    order = order[codes[order] >= 0]
    if not len(order):
        return
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    for start, end in zip(starts, [*starts[1:], len(order)], strict=True):
        rows = order[start:end] if most is None else order[start : min(end, start + most)]
        yield event_of.categories[codes[order[start]]], pd.DataFrame({c: sentences[c].take(rows) for c in columns})


def events_of_rows(article_ids: pd.Series, events: pd.DataFrame) -> pd.Categorical:
    """Each row's event in `events` (its article_id and event_id columns; sorted categories; missing where
    the article is in none of them).

    Looked up once per article, not per row and not by a merge: either would spell out the ids of
    millions of annotations as strings.
    """
    event_of = dict(zip(events["article_id"], events["event_id"], strict=True))
    ids = article_ids.astype("category")
    names = sorted(set(event_of.values()))
    code_of = {event: code for code, event in enumerate(names)}
    code_of_article = np.array([code_of.get(event_of.get(a), -1) for a in ids.cat.categories], dtype=np.int32)
    codes = np.where(ids.cat.codes.to_numpy() >= 0, code_of_article[ids.cat.codes.to_numpy()], -1)
    return pd.Categorical.from_codes(codes, categories=names)


# Sentences of different outlets tell one statement when their mean similarity (stemmed TF-IDF) is at least this.
SHARED_STATEMENT_THRESHOLD = 0.25
# Shared words listed per statement.
SHARED_WORDS = 8
# An event keeps this many of the statements its outlets share, those told by most outlets (the page shows 20).
SHARED_STATEMENTS_PER_EVENT = 200
SHARED_TRIES_PER_STATEMENT = 10
# Sentences shorter than this (headlines, subheadings) are in no shared statement.
MIN_STATEMENT_WORDS = 6


def shared_statements(
    sentences: pd.DataFrame, events: pd.DataFrame, threshold: float = SHARED_STATEMENT_THRESHOLD
) -> pd.DataFrame:
    """The statements several outlets of an event tell, each outlet's sentence for it (SHARED_STATEMENT_COLUMNS).

    Words are compared by stem ("voted" and "vote", "expel" and "expelling"), weighed by TF-IDF over the
    event's distinct sentences; how groups grow is _grow_statements'. A statement holds at most one
    sentence per outlet; a sentence an outlet repeats counts once (its first).
    """
    rows = []
    used = EVENT_SENTENCE_COLUMNS
    for event_id, group in sentences_by_event(sentences, events, used, most=MAX_ALIGNED_SENTENCES):
        group = group[~group.duplicated(["text", "outlet"])]
        # A headline or subheading ("US comes under mounting pressure") tells no statement of its own.
        group = group[group["text"].str.count(r"\w+") >= MIN_STATEMENT_WORDS].reset_index(drop=True)
        if group["outlet"].nunique() < 2:
            continue
        codes, texts = pd.factorize(group["text"])
        found = _stemmed_tfidf(pd.Series(texts))
        if found is None:
            continue
        distinct, stems = found
        matrix = distinct[codes]  # a row per sentence; wire copy told by several outlets is one text
        outlets = group["outlet"].to_numpy()
        edges = _statement_edges(distinct, codes, outlets, threshold)
        content = _ContentStems(group["text"])
        statements = _grow_statements(matrix, edges, threshold, agree=content.agree)
        for number, (members, similarity) in enumerate(statements, start=1):
            shared = _shared_stems(matrix, members, stems)
            n = len(members)
            for place, member in sorted(enumerate(members), key=lambda pair: (outlets[pair[1]], pair[1])):
                rows.append(
                    (
                        event_id,
                        number,
                        len(members),
                        outlets[member],
                        group["article_id"].iloc[member],
                        int(group["sentence_id"].iloc[member]),
                        group["text"].iloc[member],
                        float((similarity[place].sum() - similarity[place, place]) / (n - 1)),
                        shared,
                    )
                )
    return pd.DataFrame(rows, columns=SHARED_STATEMENT_COLUMNS)


# Sentences of one statement have at least this many content words in common besides names ...
MIN_SHARED_CONTENT = 2
_WORD = re.compile(r"[^\W\d_][\w'’-]+")


class _ContentStems:
    """The stems of each sentence's content words, names left out (a capitalized word past the first):
    two sentences naming the same people ("Pompeo", "Soleimani") tell different facts as often as the
    same one, so a statement needs words in common about what happened."""

    def __init__(self, texts: pd.Series):
        from nltk.stem.snowball import SnowballStemmer
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

        self._texts, self._stop, self._stemmer = texts.tolist(), ENGLISH_STOP_WORDS, SnowballStemmer("english")
        self._stems: dict[str, str] = {}
        self._of_row: dict[int, frozenset[str]] = {}

    def of(self, row: int) -> frozenset[str]:
        if row not in self._of_row:
            words = [m.group() for m in _WORD.finditer(self._texts[row])]
            content = [
                w.lower() for k, w in enumerate(words) if (k == 0 or not w[0].isupper()) and w.lower() not in self._stop
            ]
            self._of_row[row] = frozenset(self._stem(w) for w in content)
        return self._of_row[row]

    def _stem(self, word: str) -> str:
        if word not in self._stems:
            self._stems[word] = self._stemmer.stem(word)
        return self._stems[word]

    def agree(self, rows: list[int]) -> bool:
        return len(frozenset.intersection(*(self.of(r) for r in rows))) >= MIN_SHARED_CONTENT


def _stemmed_tfidf(texts: pd.Series):
    """(unit-length TF-IDF rows over word stems, the stems), or None when no text has a usable word.

    Words are counted as the event vectorizer counts them, then merged by Snowball stem (a rule-based
    stemmer of NLTK that needs no downloaded data): one stem per distinct word, not per occurrence."""
    from nltk.stem.snowball import SnowballStemmer
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    counter = CountVectorizer(stop_words="english", token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")
    try:
        counts = counter.fit_transform(texts)
    except ValueError:
        return None
    stemmer = SnowballStemmer("english")
    words = counter.get_feature_names_out()
    stem_codes, stems = pd.factorize(pd.Series([stemmer.stem(w) for w in words]))
    merge = csr_matrix(
        (np.ones(len(stem_codes)), (np.arange(len(stem_codes)), stem_codes)), shape=(len(stem_codes), len(stems))
    )
    weighted = TfidfTransformer(sublinear_tf=True).fit_transform(counts @ merge)
    # A stem is shown as its most frequent word ("expel", not "expel" and "expelling").
    frequency = counts.sum(axis=0).A1
    shown = pd.DataFrame({"stem": stem_codes, "word": words, "n": frequency}).sort_values(
        ["stem", "n", "word"], ascending=[True, False, True], kind="stable"
    )
    return weighted.tocsr(), shown.drop_duplicates("stem")["word"].to_numpy()


def _statement_edges(distinct, codes: np.ndarray, outlets: np.ndarray, threshold: float) -> pd.DataFrame:
    """Candidate pairs of sentences of different outlets: (seed, other, similarity, outlet of other), both
    ways. Found among the distinct texts (each one's nearest, _nearest_statements), then spread to the
    sentences holding them; sentences of one text are alike (1.0)."""
    candidates = _nearest_statements(distinct, threshold, k=2 * CANDIDATES_PER_SENTENCE)
    holders = pd.DataFrame({"text": codes, "row": np.arange(len(codes)), "outlet": outlets})
    pairs = pd.DataFrame(
        {
            "a": np.r_[candidates[:, 1], candidates[:, 2]].astype(np.int64),
            "b": np.r_[candidates[:, 2], candidates[:, 1]].astype(np.int64),
            "similarity": np.r_[candidates[:, 0], candidates[:, 0]],
        }
    )
    same = pd.DataFrame({"a": np.unique(codes), "b": np.unique(codes), "similarity": 1.0})
    pairs = pd.concat([pairs, same], ignore_index=True)
    edges = pairs.merge(holders.rename(columns={"text": "a", "row": "seed", "outlet": "seed_outlet"}), on="a")
    edges = edges.merge(holders.rename(columns={"text": "b", "row": "other"}), on="b")
    edges = edges[edges["seed_outlet"] != edges["outlet"]]
    return edges[["seed", "other", "similarity", "outlet"]]


def _grow_statements(
    matrix, edges: pd.DataFrame, threshold: float, most: int | None = None, agree=None
) -> list[tuple[list[int], np.ndarray]]:
    """Statements of rows of different outlets (see shared_statements), most outlets first, at most `most`:
    (rows, their similarity matrix) each.

    Each row gathers, from every other outlet, its most similar row at or above `threshold` (among its
    candidate `edges`, _statement_edges); the least similar are let go until the group's mean similarity is
    at least `threshold`, and, with `agree(rows)`, until the rows agree on content (_ContentStems). Groups are tried largest first (by the seed's similarities) and one is kept when
    its seed is in no statement kept before it and more than half its rows are new: a sentence that tells
    two facts can be in two statements, and a statement is not kept again with one sentence more or less."""
    most = SHARED_STATEMENTS_PER_EVENT if most is None else most
    if edges.empty:
        return []
    # Per seed and other outlet, that outlet's most similar row; then per seed, most similar first.
    edges = edges.sort_values(["seed", "outlet", "similarity", "other"], ascending=[True, True, False, True])
    edges = edges.drop_duplicates(["seed", "outlet"])
    edges = edges.sort_values(["seed", "similarity", "other"], ascending=[True, False, True], kind="stable")
    others = edges.groupby("seed", sort=True)["other"].agg(list)
    sizes = edges.groupby("seed", sort=True)["similarity"].agg(["size", "mean"])
    tried = np.lexsort((sizes.index.to_numpy(), -sizes["mean"].to_numpy(), -sizes["size"].to_numpy()))
    kept, shown = [], set()
    # Past this many groups tried, the rest are smaller or less alike than those kept: stop there.
    for seed in sizes.index.to_numpy()[tried][: SHARED_TRIES_PER_STATEMENT * most].tolist():
        if seed in shown:
            continue
        members = [seed, *others[seed]]
        rows = matrix[members]
        similarity = (rows @ rows.T).toarray()

        # The sentence least like the others goes until each is, on average, at least `threshold` like them
        # and they agree on what is said.
        def holds(members, similarity) -> bool:
            return _least_alike(similarity)[1] >= threshold - 1e-12 and (agree is None or agree(members))

        while len(members) > 2 and not holds(members, similarity):
            drop = _least_alike(similarity)[0]
            keep = [k for k in range(len(members)) if k != drop]
            members, similarity = [members[k] for k in keep], similarity[np.ix_(keep, keep)]
        if not holds(members, similarity):
            continue
        if 2 * sum(member not in shown for member in members) > len(members):
            kept.append((members, similarity))
            shown.update(members)
            if len(kept) >= most:
                break
    kept.sort(key=lambda group: (-len(group[0]), -_mean_off_diagonal(group[1]), sorted(group[0])))
    return kept


def _least_alike(similarity: np.ndarray) -> tuple[int, float]:
    """The row least like the others (its mean similarity to them) and that mean."""
    n = len(similarity)
    means = (similarity.sum(axis=1) - np.diag(similarity)) / max(n - 1, 1)
    worst = int(np.argmin(means))
    return worst, float(means[worst])


def _mean_off_diagonal(similarity: np.ndarray) -> float:
    n = len(similarity)
    return float((similarity.sum() - np.trace(similarity)) / (n * (n - 1))) if n > 1 else 0.0


def _shared_stems(matrix, members: list[int], stems: np.ndarray) -> str:
    """The words (by stem) every sentence of the statement has, weightiest first."""
    rows = matrix[members]
    present = len(members) == (rows > 0).sum(axis=0).A1
    weight = rows.sum(axis=0).A1 * present
    order = np.lexsort((stems, -weight))
    return ", ".join(stems[k] for k in order[:SHARED_WORDS] if weight[k] > 0)
