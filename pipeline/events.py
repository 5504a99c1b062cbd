"""Group articles into events and align sentences that report the same fact across outlets."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

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

# One row per article.
#   article_id, outlet, published  the article
#   event_id     str    "E1", "E2", ... numbered by earliest publication date (or the manifest's `event`)
#   event_label  str    the event's most characteristic terms (highest mean TF-IDF)
#   similarity   float  cosine similarity in [0, 1] of the article to its event's centroid
#   n_articles   int    articles in the event (1: the article is alone in its event)
EVENT_COLUMNS = ["article_id", "outlet", "published", "event_id", "event_label", "similarity", "n_articles"]

# One row per pair of aligned sentences (each sentence used once).
#   event_id                   the event
#   outlet_a, article_a, sentence_a, text_a   one sentence
#   outlet_b, article_b, sentence_b, text_b   the other, from a different outlet
#   similarity   float  TF-IDF cosine similarity in [0, 1]
ALIGNMENT_COLUMNS = [
    "event_id",
    "outlet_a",
    "article_a",
    "sentence_a",
    "text_a",
    "outlet_b",
    "article_b",
    "sentence_b",
    "text_b",
    "similarity",
]


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(stop_words="english", sublinear_tf=True, token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b")


def _date_distance_days(published: pd.Series) -> np.ndarray:
    dates = pd.to_datetime(published, errors="coerce", format="mixed")
    days = (dates - pd.Timestamp("1970-01-01")).dt.days.to_numpy(dtype=float)
    apart = np.abs(days[:, None] - days[None, :])
    return np.nan_to_num(apart, nan=0.0)


def group_events(
    articles: pd.DataFrame,
    distance_threshold: float = EVENT_DISTANCE_THRESHOLD,
    window_days: int = EVENT_WINDOW_DAYS,
) -> pd.DataFrame:
    """Cluster articles into events (EVENT_COLUMNS); a non-empty `event` column in the manifest wins.

    Agglomerative clustering, complete linkage, on cosine distances of TF-IDF vectors of the clean
    text; pairs published more than `window_days` apart get the maximum distance, so they never
    share an event.
    """
    articles = articles.sort_values("article_id", kind="stable").reset_index(drop=True)
    if articles.empty:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    vectors = _vectorizer().fit(articles["text"])
    matrix = vectors.transform(articles["text"])
    given = (
        articles["event"].fillna("").astype(str) if "event" in articles.columns else pd.Series("", index=articles.index)
    )
    labels = np.array([f"manifest:{e}" if e else "" for e in given], dtype=object)
    free = np.flatnonzero(labels == "")
    if len(free) == 1:
        labels[free[0]] = "cluster:0"
    elif len(free) > 1:
        distance = 1 - cosine_similarity(matrix[free])
        distance[_date_distance_days(articles["published"].iloc[free]) > window_days] = 1.0
        np.fill_diagonal(distance, 0.0)
        clusters = AgglomerativeClustering(
            n_clusters=None, distance_threshold=distance_threshold, metric="precomputed", linkage="complete"
        ).fit_predict(np.clip(distance, 0.0, 1.0))
        for position, cluster in zip(free, clusters, strict=True):
            labels[position] = f"cluster:{cluster}"
    return _name_events(articles, labels, matrix, vectors.get_feature_names_out())


def _name_events(articles: pd.DataFrame, labels: np.ndarray, matrix, terms: np.ndarray) -> pd.DataFrame:
    dates = pd.to_datetime(articles["published"], errors="coerce", format="mixed")
    order = (
        pd.DataFrame({"label": labels, "date": dates, "article_id": articles["article_id"]})
        .groupby("label")
        .agg(first=("date", "min"), first_id=("article_id", "min"))
        .sort_values(["first", "first_id"], na_position="last", kind="stable")
    )
    event_ids = {label: f"E{k}" for k, label in enumerate(order.index, start=1)}
    rows = []
    for label in order.index:
        members = np.flatnonzero(labels == label)
        centroid = np.asarray(matrix[members].mean(axis=0)).ravel()
        top = [terms[i] for i in np.argsort(-centroid, kind="stable")[:4] if centroid[i] > 0]
        similarity = cosine_similarity(matrix[members], centroid.reshape(1, -1)).ravel()
        name = label.removeprefix("manifest:") if label.startswith("manifest:") else event_ids[label]
        for position, score in zip(members, similarity, strict=True):
            article = articles.iloc[position]
            rows.append(
                (
                    article.article_id,
                    article.outlet,
                    article.published,
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


def _similar_pairs(matrix, outlets: np.ndarray, threshold: float, block: int = 1000) -> list[tuple[float, int, int]]:
    """(similarity, i, j) for i < j of different outlets with cosine similarity >= threshold.

    TF-IDF rows are unit length, so a sparse product gives cosine similarities; it is computed a
    block of rows at a time so memory stays bounded on large events.
    """
    pairs = []
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], block):
        similarity = (matrix[start : start + block] @ transposed).tocoo()
        rows = similarity.row + start
        keep = (rows < similarity.col) & (similarity.data >= threshold) & (outlets[rows] != outlets[similarity.col])
        pairs.extend(
            zip(similarity.data[keep].tolist(), rows[keep].tolist(), similarity.col[keep].tolist(), strict=True)
        )
    return pairs


def align_statements(
    sentences: pd.DataFrame, events: pd.DataFrame, threshold: float = ALIGNMENT_THRESHOLD
) -> pd.DataFrame:
    """Pair sentences of different outlets within each event that report the same fact (ALIGNMENT_COLUMNS).

    TF-IDF cosine similarity over the event's sentences; candidate pairs from the most similar down,
    each sentence used at most once.
    """
    rows = []
    with_event = sentences.merge(events[["article_id", "event_id"]], on="article_id")
    for event_id, group in with_event.groupby("event_id", sort=True):
        # The pairwise comparison grows with the square of the sentences: large events are cut.
        group = group.head(MAX_ALIGNED_SENTENCES).reset_index(drop=True)
        if group["outlet"].nunique() < 2:
            continue
        try:
            matrix = _vectorizer().fit_transform(group["text"])
        except ValueError:  # no usable word at all
            continue
        outlets = group["outlet"].to_numpy()
        pairs = sorted(_similar_pairs(matrix, outlets, threshold), key=lambda p: (-p[0], p[1], p[2]))
        used: set[int] = set()
        columns = {c: group[c].to_numpy() for c in ("outlet", "article_id", "sentence_id", "text")}
        for score, i, j in pairs:
            if i in used or j in used:
                continue
            used.update((i, j))
            a, b = sorted(
                [i, j], key=lambda k: (columns["outlet"][k], columns["article_id"][k], columns["sentence_id"][k])
            )
            rows.append(
                (
                    event_id,
                    *(columns[c][a] for c in ("outlet", "article_id", "sentence_id", "text")),
                    *(columns[c][b] for c in ("outlet", "article_id", "sentence_id", "text")),
                    float(score),
                )
            )
    table = pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)
    return table.sort_values(
        ["event_id", "similarity", "article_a", "sentence_a"], ascending=[True, False, True, True], kind="stable"
    ).reset_index(drop=True)
