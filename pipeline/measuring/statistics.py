"""Contrast outlets: each outlet's scores against the whole corpus, and each outlet's most used loaded terms."""

from __future__ import annotations

import itertools
import math
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import t as t_distribution

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


# The ranges the scores can take, which their intervals keep to.
POLARITY_RANGE, SUBJECTIVITY_RANGE, RATE_RANGE = (-1.0, 1.0), (0.0, 1.0), (0.0, math.inf)


@dataclass(frozen=True)
class ArticleRatio:
    """A score as a ratio of two columns of article_totals (times `scale`); `squares` names the sum of
    the squared sentence scores where the score is a mean (for Cohen's d)."""

    numerator: str
    denominator: str
    scale: float
    squares: str | None
    bounds: tuple[float, float]


# The scores compared between outlets, in report order.
ARTICLE_RATIOS = {
    "polarity": ArticleRatio("polarity", "n_sentences", 1.0, "polarity_squares", POLARITY_RANGE),
    "subjectivity": ArticleRatio("subjectivity", "n_sentences", 1.0, "subjectivity_squares", SUBJECTIVITY_RANGE),
    "loaded_per_1k": ArticleRatio("n_hits", "own_words", 1000.0, None, RATE_RANGE),
}
PERMUTATIONS = 2000
# Beyond this many rows (articles) a permutation test uses the normal limit of the permutation
# distribution instead of PERMUTATIONS shuffles, which would cost PERMUTATIONS x rows.
PERMUTATION_EXACT_MAX_ROWS = 5_000
# The normal limit holds when a group and its rest are both large; a small outlet in a large event is
# shuffled instead.
NORMAL_LIMIT_MIN_ROWS = 30
# Fixed so that intervals and p-values are the same on every run; combined with the group's name.
RANDOM_SEED = 20200103


def _rng(*names: str) -> np.random.Generator:
    return np.random.default_rng([RANDOM_SEED, *(zlib.crc32(name.encode("utf-8")) for name in names)])


@remembered
def share_interval(k: int, n: int, name: str = "") -> tuple[float, float]:
    """95% Wilson score interval of a share of k in n (Wilson 1927).

    The normal interval of the flags gives [0, 0] when none is set, as if a frame no sentence of 20
    cued could not be cued by 1 in 10; Wilson's is about the normal one elsewhere and keeps an upper
    bound there. `name` is accepted for symmetry with group_permutation_tests; nothing here is random."""
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
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group against all the others: observed differences of sum(num)/sum(den)*scale, permutation
    p-values, and the p-values adjusted for testing every group at once.

    `groups` holds a group number (0..G-1) per row (article); rows without a denominator (an article
    with no own words, for a rate) say nothing about the ratio and are left out. A group's p is the
    share of label assignments whose difference for it is at least as extreme as the observed one; its
    adjusted p, the share whose most extreme difference of any group, each in units of its spread
    over the permutations (_permutation_sd), is (Westfall & Young's single-step max-T). That is what a
    finding about the most extreme of several outlets needs: among many outlets alike, some would
    otherwise show p < 0.05 by chance alone. The assignments are every distinct one
    when there are at most PERMUTATIONS (a few articles), else PERMUTATIONS shuffles (seeded by
    RANDOM_SEED and `name`; p = (1 + shuffles at least as extreme) / (1 + PERMUTATIONS)); beyond
    PERMUTATION_EXACT_MAX_ROWS rows, when every group and its rest have NORMAL_LIMIT_MIN_ROWS rows, p
    comes from the normal limit of the same permutation distribution (_normal_permutation_p_values),
    adjusted by Bonferroni. All three are nan for a group with no rows or all of them.
    """
    groups = np.asarray(groups, dtype=int)
    numerators = np.asarray(numerators, dtype=float)
    denominators = np.ones_like(numerators) if denominators is None else np.asarray(denominators, dtype=float)
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    informative = denominators > 0
    groups, numerators, denominators = groups[informative], numerators[informative], denominators[informative]
    total_num, total_den = numerators.sum(), denominators.sum()

    def differences(assignments: np.ndarray) -> np.ndarray:
        """Each group's difference under each assignment (a row of labels each), counted at once."""
        count = len(assignments)
        cells = (assignments + n_groups * np.arange(count)[:, None]).ravel()

        def summed(values: np.ndarray) -> np.ndarray:
            weights = np.broadcast_to(values, assignments.shape).ravel()
            return np.bincount(cells, weights=weights, minlength=count * n_groups).reshape(count, n_groups)

        group_num, group_den = summed(numerators), summed(denominators)
        rest_num, rest_den = total_num - group_num, total_den - group_den
        with np.errstate(divide="ignore", invalid="ignore"):
            group = np.where(group_den > 0, group_num / group_den, 0.0)
            rest = np.where(rest_den > 0, rest_num / rest_den, 0.0)
        return (group - rest) * scale

    observed = differences(groups[None, :])[0]
    sizes = np.bincount(groups, minlength=n_groups)
    untestable = (sizes == 0) | (sizes == len(groups))
    observed[untestable] = np.nan
    if (~untestable).sum() < 1 or (sizes > 0).sum() < 2:  # nothing to compare with: no test
        return observed, np.full(n_groups, np.nan), np.full(n_groups, np.nan)
    threshold = np.abs(observed) - 1e-12
    # The max is taken over differences in units of each group's own spread, which is the same in
    # every shuffle: raw, the wide swings of an outlet of one short article would set the max and
    # hide a clear difference of an outlet of many articles.
    sd = _permutation_sd(sizes, numerators, denominators, scale)
    observed_z = _standardized(observed, sd) * (1 - 1e-9)
    present = sizes[sizes > 0]

    # Assignments are counted in blocks of about a million labels: one bincount each.
    block = max(1, 1_000_000 // len(groups))

    def tally(blocks) -> tuple[np.ndarray, np.ndarray, int]:
        """For each group: assignments at least as extreme for it, and assignments whose most extreme
        testable group (standardized) is; and how many assignments there were."""
        extreme, most_extreme, count = np.zeros(n_groups), np.zeros(n_groups), 0
        for assignments in blocks:
            shuffled = differences(assignments)
            extreme += (np.abs(shuffled) >= threshold).sum(axis=0)
            largest = _standardized(shuffled, sd)[:, ~untestable].max(axis=1)
            most_extreme += (largest[:, None] >= observed_z).sum(axis=0)
            count += len(assignments)
        return extreme, most_extreme, count

    if _assignments_at_most(present, PERMUTATIONS):
        every = np.array(_every_assignment(groups))
        extreme, most_extreme, count = tally(every[start : start + block] for start in range(0, len(every), block))
        p_values, adjusted = extreme / count, most_extreme / count
    elif len(groups) > PERMUTATION_EXACT_MAX_ROWS and min(present.min(), (len(groups) - present).min()) >= (
        NORMAL_LIMIT_MIN_ROWS
    ):
        p_values = _normal_permutation_p_values(observed, sizes, numerators, denominators, scale)
        adjusted = np.minimum(1.0, p_values * (~untestable).sum())
    else:
        rng = _rng("permutation", name)
        shuffles = (
            rng.permuted(np.broadcast_to(groups, (min(block, PERMUTATIONS - start), len(groups))), axis=1)
            for start in range(0, PERMUTATIONS, block)
        )
        extreme, most_extreme, _ = tally(shuffles)
        p_values, adjusted = (1 + extreme) / (1 + PERMUTATIONS), (1 + most_extreme) / (1 + PERMUTATIONS)
    p_values, adjusted = np.asarray(p_values, dtype=float), np.asarray(adjusted, dtype=float)
    p_values[untestable] = adjusted[untestable] = np.nan
    return observed, p_values, adjusted


def _assignments_at_most(sizes: np.ndarray, most: int) -> bool:
    """Whether rows in groups of these sizes can be given their labels in at most `most` distinct ways
    (the multinomial coefficient), counted without overflow."""
    ways, placed = 1, 0
    for size in sizes.tolist():
        for k in range(1, size + 1):
            placed += 1
            ways = ways * placed // k  # C(placed, k) times what came before: exact at each step
            if ways > most:
                return False
    return True


def _every_assignment(groups: np.ndarray) -> list[np.ndarray]:
    """Every distinct arrangement of the labels in `groups` over its rows (the observed one among them)."""
    arrangements = [np.full(len(groups), -1)]
    for label, size in zip(*np.unique(groups, return_counts=True), strict=True):
        grown = []
        for partial in arrangements:
            for chosen in itertools.combinations(np.flatnonzero(partial < 0).tolist(), int(size)):
                labels = partial.copy()
                labels[list(chosen)] = label
                grown.append(labels)
        arrangements = grown
    return arrangements


def _normal_permutation_p_values(
    observed: np.ndarray, sizes: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, scale: float
) -> np.ndarray:
    """Two-sided p-values from the normal limit of the permutation distribution, for large samples."""
    z = _standardized(observed, _permutation_sd(sizes, numerators, denominators, scale))
    return np.array([math.erfc(value / math.sqrt(2)) for value in z])


def _permutation_sd(sizes: np.ndarray, numerators: np.ndarray, denominators: np.ndarray, scale: float) -> np.ndarray:
    """Per group, the standard deviation of its difference over the permutations, to first order.

    Linearized around the overall ratio R, a group's difference is sum_group(e) * N / (n (N - n) d)
    with e = num - R * den and d the mean denominator; drawing n of N rows without replacement,
    sum_group(e) has mean 0 and variance n (N - n) / (N - 1) * mean(e^2). It depends on the group's
    size alone, so it is the same in every shuffle.
    """
    n_rows = len(numerators)
    mean_den = denominators.mean() if n_rows else 0.0
    if mean_den <= 0 or n_rows < 2:
        return np.full(len(sizes), np.nan)
    residuals = numerators - numerators.sum() / denominators.sum() * denominators
    rest = n_rows - sizes
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(sizes * rest / (n_rows - 1) * np.mean(residuals**2))
        return spread * n_rows / (sizes * rest * mean_den) * abs(scale)


def _standardized(differences: np.ndarray, sd: np.ndarray) -> np.ndarray:
    """|difference| / sd: infinite where a difference is not zero but its sd is, zero where both are."""
    size = np.abs(differences)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(sd > 0, size / sd, np.where(size > 1e-12, np.inf, 0.0))


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
    numerators: np.ndarray,
    denominators: np.ndarray,
    scale: float = 1.0,
    bounds: tuple[float, float] = (-math.inf, math.inf),
) -> tuple[float, float]:
    """95% interval of sum(numerators) / sum(denominators) * scale, a row per article, the article the unit.

    The ratio's cluster-robust standard error (each article's residual from the ratio, with the
    small-sample factor n / (n - 1)) and Student's t with n - 1 degrees of freedom (Cameron & Miller
    2015): from two articles it covers close to 95%, where a percentile bootstrap of so few covers
    about half the time. Clipped to `bounds`, the range the score can take. Articles without a
    denominator (no own words) say nothing about a rate and are left out; (nan, nan) with fewer than
    two left, or when they all give the same ratio, since there is then no spread to estimate from.
    """
    numerators, denominators = np.asarray(numerators, dtype=float), np.asarray(denominators, dtype=float)
    informative = denominators > 0
    numerators, denominators = numerators[informative], denominators[informative]
    n = len(numerators)
    if n < 2:
        return float("nan"), float("nan")
    total = denominators.sum()
    ratio = numerators.sum() / total
    residuals = numerators - ratio * denominators
    if np.abs(residuals).max() <= 1e-9 * max(np.abs(numerators).max(), np.finfo(float).tiny):
        return float("nan"), float("nan")
    half = t_distribution.ppf(0.975, n - 1) * math.sqrt(n / (n - 1) * float(residuals @ residuals)) / total
    low, high = bounds
    return float(max(low, (ratio - half) * scale)), float(min(high, (ratio + half) * scale))


def outlet_intervals(totals: pd.DataFrame) -> pd.DataFrame:
    """Per outlet, 95% intervals over its articles (interval_over_articles) of polarity, subjectivity
    and loaded_per_1k, from article_totals' table.

    Columns: outlet, ci_low_polarity, ci_high_polarity, ci_low_subjectivity, ci_high_subjectivity,
    ci_low_loaded_per_1k, ci_high_loaded_per_1k.
    """
    rows = []
    for outlet, group in totals.groupby("outlet", sort=True):
        row = [outlet]
        for ratio in ARTICLE_RATIOS.values():
            row += interval_over_articles(
                group[ratio.numerator].to_numpy(), group[ratio.denominator].to_numpy(), ratio.scale, ratio.bounds
            )
        rows.append(tuple(row))
    columns = ["outlet", "ci_low_polarity", "ci_high_polarity", "ci_low_subjectivity", "ci_high_subjectivity"]
    return pd.DataFrame(rows, columns=[*columns, "ci_low_loaded_per_1k", "ci_high_loaded_per_1k"])
