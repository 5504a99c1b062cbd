"""Contrast outlets: each outlet's scores against the whole corpus, and each outlet's most used loaded terms."""

from __future__ import annotations

import numpy as np
import pandas as pd

# Metrics compared between an outlet and the corpus, in report order.
COMPARED_METRICS = ["polarity", "subjectivity", "loaded_per_1k", "loaded_weight_per_1k", "quoted_per_1k"]

# One row per outlet and metric.
#   outlet      str    the outlet
#   metric      str    polarity, subjectivity, loaded_per_1k, loaded_weight_per_1k, quoted_per_1k or
#                      loaded_per_1k_<category>
#   outlet_value float the outlet's value
#   corpus_value float the value over the whole corpus (all outlets' sentences pooled)
#   difference  float  outlet_value - corpus_value
CONTRAST_COLUMNS = ["outlet", "metric", "outlet_value", "corpus_value", "difference"]

# One row per outlet and lexicon term that fired in it.
#   outlet, term, category, weight   the entry
#   n_hits      int    hits in the outlet's own words (narrative voice, not negated)
#   n_quoted    int    hits inside quotes (not negated)
#   n_negated   int    negated hits (either voice)
#   per_1k      float  n_hits per 1,000 words of the outlet outside quotes
#   rank        int    1 = the outlet's most used term in its own words (ties: more quoted, heavier, then term)
TERM_COLUMNS = ["outlet", "term", "category", "weight", "n_hits", "n_quoted", "n_negated", "per_1k", "rank"]


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
    """Per outlet, every lexicon term that fired, with counts by voice, rate and rank (TERM_COLUMNS)."""
    negated = hits["negated"].astype(bool)
    counted = hits.assign(
        n_hits=(~negated & (hits["voice"] == "narrative")).astype("int64"),
        n_quoted=(~negated & (hits["voice"] == "quote")).astype("int64"),
        n_negated=negated.astype("int64"),
    )
    keys = ["outlet", "term", "category", "weight"]
    counts = counted.groupby(keys, sort=True)[["n_hits", "n_quoted", "n_negated"]].sum().reset_index()
    narrative_words = (outlets["n_words"] - outlets["n_quoted_words"]).set_axis(outlets["outlet"])
    counts["per_1k"] = (counts["n_hits"] * 1000 / counts["outlet"].map(narrative_words)).fillna(0.0)
    counts = counts.sort_values(
        ["outlet", "n_hits", "n_quoted", "weight", "term"], ascending=[True, False, False, False, True], kind="stable"
    )
    counts["rank"] = counts.groupby("outlet").cumcount() + 1
    return counts[TERM_COLUMNS].reset_index(drop=True)


def log_odds_dirichlet(counts: pd.DataFrame, prior: pd.Series | None = None) -> pd.DataFrame:
    """Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), one group vs the rest.

    `counts` has one row per word (index) and two columns, `group` and `rest`: how often each word
    occurs in the group's text and in everyone else's. `prior` gives the Dirichlet pseudo-counts
    per word (alpha_w); by default the word's count in the whole corpus, which shrinks rare words
    toward zero. Returns, per word, `log_odds` (delta_w: > 0 means more typical of the group) and
    `z` (delta_w divided by its approximate standard deviation; |z| > 1.96 is the usual threshold).
    """
    group, rest = counts["group"].astype(float), counts["rest"].astype(float)
    alpha = (group + rest) if prior is None else prior.reindex(counts.index).fillna(0.0).astype(float)
    alpha0 = alpha.sum()
    n_group, n_rest = group.sum(), rest.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((group + alpha) / (n_group + alpha0 - group - alpha)) - np.log(
            (rest + alpha) / (n_rest + alpha0 - rest - alpha)
        )
        variance = 1 / (group + alpha) + 1 / (rest + alpha)
    return pd.DataFrame({"log_odds": delta, "z": delta / np.sqrt(variance)}, index=counts.index)
