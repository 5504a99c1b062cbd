"""Contrast outlets: each outlet's scores against the whole corpus, and each outlet's most used loaded terms."""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from pipeline.schema import (
    ARTICLE_TOTAL_COLUMNS,
    CONTRAST_COLUMNS,
    QUOTE,
    REPORTED,
    TERM_COLUMNS,
    counted,
    narrative_words,
)
from pipeline.support.dataframes import plain_strings
from pipeline.support.memo import remembered

# Metrics compared between an outlet and the corpus, in report order.
COMPARED_METRICS = [
    "polarity",
    "subjectivity",
    "loaded_per_1k",
    "loaded_weight_per_1k",
    "quoted_per_1k",
    "reported_per_1k",
]


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
    flagged = hits.assign(
        n_hits=counted(hits).astype("int64"),
        n_quoted=(~negated & (hits["voice"] == QUOTE)).astype("int64"),
        n_reported=(~negated & (hits["voice"] == REPORTED)).astype("int64"),
        n_negated=negated.astype("int64"),
    )
    keys = ["outlet", "term", "category", "weight"]
    counts = plain_strings(
        flagged.groupby(keys, sort=True)[["n_hits", "n_quoted", "n_reported", "n_negated"]].sum().reset_index()
    )
    own_voice_words = narrative_words(outlets).set_axis(outlets["outlet"])
    counts["per_1k"] = (counts["n_hits"] * 1000 / own_voice_words.reindex(counts["outlet"]).to_numpy()).fillna(0.0)
    counts = counts.sort_values(
        ["outlet", "n_hits", "n_quoted", "weight", "term"], ascending=[True, False, False, False, True], kind="stable"
    )
    counts["rank"] = counts.groupby("outlet").cumcount() + 1
    return counts[TERM_COLUMNS].reset_index(drop=True)


def total_counts(counts: Iterable[Counter]) -> Counter:
    """The groups' term counts added up, in one Counter updated in place (`sum` would copy it for every group)."""
    total: Counter = Counter()
    for group in counts:
        total.update(group)
    return total


def log_odds_against_rest(group: Counter, total: Counter) -> pd.DataFrame:
    """log_odds_dirichlet of one group's term counts against everyone else's (`total` less the group's),
    joined with those counts: columns log_odds, z, group, rest; one row per term of the group, sorted.

    Only the group's own terms: a term the group never uses has z <= 0 (it is no more typical of the
    group than of the rest), and scoring every term of the corpus for every group made the cost grow
    with groups x vocabulary. The sums over all terms are of whole counts, so they are exact.
    """
    terms = sorted(group)
    counts = np.array([group[term] for term in terms], dtype=float)
    alpha = np.array([total[term] for term in terms], dtype=float)
    n_all, n_group = float(sum(total.values())), float(sum(group.values()))
    scored = _log_odds(counts, alpha - counts, alpha, n_group, n_all - n_group, n_all)
    return pd.DataFrame({**scored, "group": counts, "rest": alpha - counts}, index=pd.Index(terms))


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
    scored = _log_odds(group.to_numpy(), rest.to_numpy(), alpha.to_numpy(), group.sum(), rest.sum(), alpha.sum())
    return pd.DataFrame(scored, index=counts.index)


def _log_odds(
    group: np.ndarray, rest: np.ndarray, alpha: np.ndarray, n_group: float, n_rest: float, alpha0: float
) -> dict[str, np.ndarray]:
    """log_odds_dirichlet's `log_odds` and `z` per word, given the totals over all words."""
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log((group + alpha) / (n_group + alpha0 - group - alpha)) - np.log(
            (rest + alpha) / (n_rest + alpha0 - rest - alpha)
        )
        variance = 1 / (group + alpha) + 1 / (rest + alpha)
    return {"log_odds": delta, "z": delta / np.sqrt(variance)}


BOOTSTRAP_SAMPLES = 1000
# An outlet's interval needs this many articles: resampling one article gives that article back, an
# interval of no width that would read as certainty.
MIN_ARTICLES_FOR_INTERVAL = 2
PERMUTATIONS = 2000
# Beyond this many rows (articles) a permutation test uses the normal limit of the permutation
# distribution instead of PERMUTATIONS shuffles, which would cost PERMUTATIONS x rows.
PERMUTATION_EXACT_MAX_ROWS = 5_000
# Fixed so that intervals and p-values are the same on every run; combined with the group's name.
RANDOM_SEED = 20200103


def _rng(*names: str) -> np.random.Generator:
    return np.random.default_rng([RANDOM_SEED, *(zlib.crc32(name.encode("utf-8")) for name in names)])


@remembered
def bootstrap_interval(
    numerators: np.ndarray, denominators: np.ndarray | None = None, scale: float = 1.0, name: str = ""
) -> tuple[float, float]:
    """95% percentile interval of sum(numerators) / sum(denominators) * scale, resampling rows (articles: article_totals).

    Without denominators it is the interval of the mean. BOOTSTRAP_SAMPLES resamples, seeded by
    RANDOM_SEED and `name`, so the same data give the same interval. (nan, nan) for no rows.
    """
    numerators = np.asarray(numerators, dtype=float)
    denominators = np.ones_like(numerators) if denominators is None else np.asarray(denominators, dtype=float)
    n = len(numerators)
    if n == 0:
        return float("nan"), float("nan")
    rng = _rng("bootstrap", name)
    estimates = np.empty(BOOTSTRAP_SAMPLES)
    rows, counts = np.unique(np.column_stack([numerators, denominators]), axis=0, return_counts=True)
    if len(rows) * 10 < n:
        # Resampling n rows with replacement draws each distinct (numerator, denominator) row a
        # multinomial number of times: the same distribution, at a cost that grows with the
        # distinct rows (few: flags, word counts) rather than with n.
        chunk = max(1, min(BOOTSTRAP_SAMPLES, 2_000_000 // len(rows)))
        for start in range(0, BOOTSTRAP_SAMPLES, chunk):
            size = min(chunk, BOOTSTRAP_SAMPLES - start)
            draws = rng.multinomial(n, counts / n, size=size)
            totals = draws @ rows[:, 1]
            with np.errstate(divide="ignore", invalid="ignore"):
                estimates[start : start + size] = np.where(totals > 0, draws @ rows[:, 0] / totals * scale, 0.0)
    else:
        chunk = max(1, min(BOOTSTRAP_SAMPLES, 2_000_000 // n))
        for start in range(0, BOOTSTRAP_SAMPLES, chunk):
            size = min(chunk, BOOTSTRAP_SAMPLES - start)
            picks = rng.integers(0, n, size=(size, n))
            totals = denominators[picks].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                estimates[start : start + size] = np.where(
                    totals > 0, numerators[picks].sum(axis=1) / totals * scale, 0.0
                )
    low, high = np.percentile(estimates, [2.5, 97.5])
    return float(low), float(high)


@remembered
def share_interval(k: int, n: int, name: str = "") -> tuple[float, float]:
    """95% Wilson score interval of a share of k in n (Wilson 1927).

    A bootstrap of the flags gives [0, 0] when none is set, as if a frame no sentence of 20 cued could
    not be cued by 1 in 10; Wilson's interval is about the bootstrap's elsewhere and keeps an upper
    bound there. `name` is accepted for symmetry with bootstrap_interval; nothing here is random."""
    if n == 0:
        return float("nan"), float("nan")
    z = 1.959963984540054
    share = k / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


@remembered
def group_permutation_tests(
    groups: np.ndarray,
    numerators: np.ndarray,
    denominators: np.ndarray | None = None,
    scale: float = 1.0,
    name: str = "",
) -> tuple[np.ndarray, np.ndarray]:
    """Each group against all the others: observed differences of sum(num)/sum(den)*scale, and permutation p-values.

    `groups` holds a group number (0..G-1) per row (article). The group labels are shuffled
    PERMUTATIONS times (seeded by RANDOM_SEED and `name`), one shuffle serving every group;
    p = (1 + shuffles at least as extreme) / (1 + PERMUTATIONS), nan for a group that is all rows.
    Beyond PERMUTATION_EXACT_MAX_ROWS rows p comes from the normal limit of the same permutation
    distribution (_normal_permutation_p_values), which shuffling would only approximate more slowly.
    """
    groups = np.asarray(groups, dtype=int)
    numerators = np.asarray(numerators, dtype=float)
    denominators = np.ones_like(numerators) if denominators is None else np.asarray(denominators, dtype=float)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    total_num, total_den = numerators.sum(), denominators.sum()

    def differences(labels: np.ndarray) -> np.ndarray:
        group_num = np.bincount(labels, weights=numerators, minlength=n_groups)
        group_den = np.bincount(labels, weights=denominators, minlength=n_groups)
        rest_num, rest_den = total_num - group_num, total_den - group_den
        with np.errstate(divide="ignore", invalid="ignore"):
            group = np.where(group_den > 0, group_num / group_den, 0.0)
            rest = np.where(rest_den > 0, rest_num / rest_den, 0.0)
        return (group - rest) * scale

    observed = differences(groups)
    sizes = np.bincount(groups, minlength=n_groups)
    if (sizes > 0).sum() < 2:  # nothing to compare with: no test
        return observed, np.full(n_groups, np.nan)
    if len(groups) > PERMUTATION_EXACT_MAX_ROWS:
        p_values = _normal_permutation_p_values(observed, sizes, numerators, denominators, scale)
    else:
        rng = _rng("permutation", name)
        extreme = np.zeros(n_groups)
        for _ in range(PERMUTATIONS):
            extreme += np.abs(differences(rng.permutation(groups))) >= np.abs(observed) - 1e-12
        p_values = (1 + extreme) / (1 + PERMUTATIONS)
    p_values[(sizes == 0) | (sizes == len(groups))] = np.nan
    return observed, p_values


def _normal_permutation_p_values(
    observed: np.ndarray, sizes: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, scale: float
) -> np.ndarray:
    """Two-sided p-values from the normal limit of the permutation distribution, for large samples.

    Linearized around the overall ratio R, a group's difference is sum_group(e) * N / (n (N - n) d)
    with e = num - R * den and d the mean denominator; drawing n of N rows without replacement,
    sum_group(e) has mean 0 and variance n (N - n) / (N - 1) * mean(e^2).
    """
    n_rows = len(numerators)
    mean_den = denominators.mean()
    if mean_den <= 0:
        return np.full(len(sizes), np.nan)
    residuals = numerators - numerators.sum() / denominators.sum() * denominators
    rest = n_rows - sizes
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(sizes * rest / (n_rows - 1) * np.mean(residuals**2))
        sd = spread * n_rows / (sizes * rest * mean_den) * abs(scale)
        z = np.where(sd > 0, np.abs(observed) / sd, np.where(np.abs(observed) > 1e-12, np.inf, 0.0))
    return np.array([math.erfc(value / math.sqrt(2)) for value in z])


def cohens_d(group: tuple[float, float, float], rest: tuple[float, float, float]) -> float:
    """Standardized mean difference with the pooled standard deviation, from each side's (count, sum, sum
    of squares) of its values (what article totals keep of their sentences); nan when it cannot be computed."""
    (n_group, sum_group, squares_group), (n_rest, sum_rest, squares_rest) = group, rest
    if n_group < 2 or n_rest < 2:
        return float("nan")
    mean_group, mean_rest = sum_group / n_group, sum_rest / n_rest
    spread = (squares_group - n_group * mean_group**2) + (squares_rest - n_rest * mean_rest**2)
    # What is left of equal values after rounding is no spread.
    if spread <= 1e-12 * (squares_group + squares_rest):
        return float("nan")
    return float((mean_group - mean_rest) / math.sqrt(spread / (n_group + n_rest - 2)))


def article_totals(sentences: pd.DataFrame) -> pd.DataFrame:
    """Per article, the sums of its sentences' scores (ARTICLE_TOTAL_COLUMNS), by article id.

    Every outlet-level score is a ratio of such sums, so intervals and tests over articles need
    only this table, a row per article, however many sentences the corpus has.
    """
    codes, ids = pd.factorize(sentences["article_id"])
    n_articles = len(ids)

    def total(values) -> np.ndarray:
        return np.bincount(codes, weights=np.asarray(values, dtype=float), minlength=n_articles)

    polarity = sentences["polarity"].to_numpy(dtype=float)
    subjectivity = sentences["subjectivity"].to_numpy(dtype=float)
    outlet_of = np.empty(n_articles, dtype=object)
    outlet_of[codes[::-1]] = sentences["outlet"].to_numpy(dtype=object)[::-1]  # each article's first sentence
    totals = pd.DataFrame(
        {
            "article_id": pd.Series(np.asarray(ids, dtype=object), dtype=object),
            "outlet": pd.Series(outlet_of, dtype=object),
            "n_sentences": np.bincount(codes, minlength=n_articles).astype(np.int64),
            "polarity": total(polarity),
            "polarity_squares": total(polarity**2),
            "subjectivity": total(subjectivity),
            "subjectivity_squares": total(subjectivity**2),
            "n_hits": total(sentences["n_hits"]).astype(np.int64),
            "own_words": total(narrative_words(sentences)).astype(np.int64),
        },
        columns=ARTICLE_TOTAL_COLUMNS,
    )
    # By the ids as strings, whatever order the categories of `article_id` have.
    return totals.sort_values("article_id", kind="stable").reset_index(drop=True)


def interval_over_articles(
    numerators: np.ndarray, denominators: np.ndarray, scale: float = 1.0, name: str = ""
) -> tuple[float, float]:
    """bootstrap_interval resampling articles (a row each: its sums); (nan, nan) with fewer than
    MIN_ARTICLES_FOR_INTERVAL articles."""
    if len(numerators) < MIN_ARTICLES_FOR_INTERVAL:
        return float("nan"), float("nan")
    return bootstrap_interval(numerators, denominators, scale, name=name)


def outlet_intervals(totals: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, 95% bootstrap intervals over its articles of polarity, subjectivity and loaded_per_1k.

    `totals` is article_totals' table. Each resample draws the outlet's articles with replacement and
    pools their sentences, as the outlet's score does. Columns: outlet, ci_low_polarity,
    ci_high_polarity, ci_low_subjectivity, ci_high_subjectivity, ci_low_loaded_per_1k,
    ci_high_loaded_per_1k; nan with fewer than MIN_ARTICLES_FOR_INTERVAL articles.
    """
    rows = []
    for outlet, group in totals.groupby("outlet", sort=True):
        sentences = group["n_sentences"].to_numpy(dtype=float)
        rows.append(
            (
                outlet,
                *interval_over_articles(group["polarity"].to_numpy(), sentences, name=f"{outlet}/polarity"),
                *interval_over_articles(group["subjectivity"].to_numpy(), sentences, name=f"{outlet}/subjectivity"),
                *interval_over_articles(
                    group["n_hits"].to_numpy(), group["own_words"].to_numpy(), 1000, name=f"{outlet}/loaded"
                ),
            )
        )
    columns = ["outlet", "ci_low_polarity", "ci_high_polarity", "ci_low_subjectivity", "ci_high_subjectivity"]
    return pd.DataFrame(rows, columns=[*columns, "ci_low_loaded_per_1k", "ci_high_loaded_per_1k"])
