"""Contrast outlets: each outlet's scores against the whole corpus, and each outlet's most used loaded terms."""

from __future__ import annotations

import pandas as pd

# Metrics compared between an outlet and the corpus, in report order.
COMPARED_METRICS = ["polarity", "subjectivity", "loaded_per_1k", "loaded_weight_per_1k"]

# One row per outlet and metric.
#   outlet      str    the outlet
#   metric      str    polarity, subjectivity, loaded_per_1k, loaded_weight_per_1k or loaded_per_1k_<category>
#   outlet_value float the outlet's value
#   corpus_value float the value over the whole corpus (all outlets' sentences pooled)
#   difference  float  outlet_value - corpus_value
CONTRAST_COLUMNS = ["outlet", "metric", "outlet_value", "corpus_value", "difference"]

# One row per outlet and lexicon term that fired in it.
#   outlet, term, category, weight   the entry
#   n_hits      int    hits of the term in the outlet's articles
#   per_1k      float  hits per 1,000 words of the outlet
#   rank        int    1 = the outlet's most frequent term (ties: heavier weight, then term)
TERM_COLUMNS = ["outlet", "term", "category", "weight", "n_hits", "per_1k", "rank"]


def outlet_vs_corpus(outlets: pd.DataFrame, corpus: pd.DataFrame) -> pd.DataFrame:
    """Each outlet's metrics beside the corpus's (CONTRAST_COLUMNS)."""
    if outlets.empty:
        return pd.DataFrame(columns=CONTRAST_COLUMNS)
    metrics = COMPARED_METRICS + [c for c in outlets.columns if c.startswith("loaded_per_1k_")]
    corpus_row = corpus.iloc[0]
    rows = [
        (
            outlet.outlet,
            metric,
            float(getattr(outlet, metric)),
            float(corpus_row[metric]),
            float(getattr(outlet, metric)) - float(corpus_row[metric]),
        )
        for outlet in outlets.itertuples(index=False)
        for metric in metrics
    ]
    return pd.DataFrame(rows, columns=CONTRAST_COLUMNS)


def term_counts(hits: pd.DataFrame, outlets: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, every lexicon term that fired, with counts, rate and rank (TERM_COLUMNS)."""
    counts = hits.groupby(["outlet", "term", "category", "weight"], sort=True).size().rename("n_hits").reset_index()
    words = outlets.set_index("outlet")["n_words"]
    counts["per_1k"] = counts["n_hits"] * 1000 / counts["outlet"].map(words)
    counts = counts.sort_values(
        ["outlet", "n_hits", "weight", "term"], ascending=[True, False, False, True], kind="stable"
    )
    counts["rank"] = counts.groupby("outlet").cumcount() + 1
    return counts[TERM_COLUMNS].reset_index(drop=True)
