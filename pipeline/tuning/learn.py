"""Learn candidate lexicon entries from labelled paragraphs, and cross-validate them against simple baselines.

A term is learned for a category when the paragraphs it occurs in are labelled with the category
more often than the others: the log-odds ratio with an informative Dirichlet prior (Monroe,
Colaresi & Quinn 2008, "Fightin' Words", pipeline.measuring.statistics.log_odds_dirichlet) of its presence in
labelled paragraphs against the rest, the prior being its presence in all paragraphs (scaled to
weigh as much as the labelled paragraphs). Counts are
document frequencies (paragraphs a term occurs in), not raw frequencies.

Candidates are words and phrases of up to three words, normalized as lexicon terms are (they are
matched by the project's matcher later). Left out: stop words (scikit-learn's ENGLISH_STOP_WORDS; a
phrase may hold them inside, never at its ends), numbers, names (words capitalized in most of their
occurrences away from a sentence start) and topic words: a term must occur in labelled paragraphs
of at least `min_articles` distinct articles, so wording that predicts a label only because one
story used it is not learned.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import GroupKFold

from pipeline.measuring.evaluate import GoldError, auc_and_best_f1, select_hits
from pipeline.measuring.score import score_articles, score_sentence, sentence_cache_key, sentence_scores
from pipeline.measuring.statistics import log_odds_dirichlet
from pipeline.reading.lexicons import (
    DEFAULT_NEGATORS,
    LEXICON_COLUMNS,
    Lexicon,
    category_name,
    parse_term_lexicon,
    term_parts,
)
from pipeline.text.candidates import is_candidate, name_like_words
from pipeline.text.match import BREAK, normalized_words
from pipeline.text.segment import split_sentences

# SemEval-2023 Task 3 persuasion techniques (Piskorski et al. 2023) as the project's lexicon
# categories; techniques not listed are not learned unless a mapping names them.
TECHNIQUE_CATEGORIES = {
    "Loaded_Language": "loaded",
    "Name_Calling-Labeling": "name_calling",
    "Doubt": "doubt",
    "Exaggeration-Minimisation": "exaggeration",
    "Appeal_to_Fear-Prejudice": "fear",
    "Flag_Waving": "flag_waving",
}
# The shipped lexicon categories that measure the same thing as a learned category (baselines).
SHIPPED_COUNTERPARTS = {"doubt": "doubt", "name_calling": "delegitimizing", "exaggeration": "intensifier"}

MAX_WORDS = 3
MIN_ARTICLES = 3
# z of the log-odds ratio -> lexicon weight: z >= MIN_Z (two-sided p < .05) weight 1, z >= 3.29
# (p < .001) weight 2, z >= 4.42 (p < .00001) weight 3. A term below MIN_Z is not learned.
MIN_Z = 1.96
WEIGHT_THRESHOLDS = ((4.42, 3), (3.29, 2))
FOLDS = 5

# LearnedLexicon.terms: one row per category and candidate term that passed the article filter
# and leans towards the category (z > 0), also those below the weight thresholds.
#   category     str    the learned category
#   term         str    the word or phrase (normalized: lower case, hyphens as spaces)
#   n_positive   int    labelled paragraphs it occurs in
#   n_articles   int    distinct articles (groups) of those paragraphs
#   n_other      int    other paragraphs it occurs in
#   log_odds     float  log-odds ratio of presence, informative Dirichlet prior (> 0: typical of the label)
#   z            float  its z-score
#   weight       int    1-3 from min_z and WEIGHT_THRESHOLDS, 0 when z < min_z (not an entry)
TERM_COLUMNS = ["category", "term", "n_positive", "n_articles", "n_other", "log_odds", "z", "weight"]

# LearnedLexicon.categories: one row per category.
#   category      str  the category
#   n_paragraphs  int  paragraphs learned from
#   n_positive    int  of those, labelled with the category
#   n_articles    int  distinct articles with a labelled paragraph
#   n_candidates  int  terms in labelled paragraphs of at least min_articles articles
#   n_entries     int  learned entries (after each term went to its best category)
#   weight_1, weight_2, weight_3  int  entries of each weight
CATEGORY_STAT_COLUMNS = [
    "category",
    "n_paragraphs",
    "n_positive",
    "n_articles",
    "n_candidates",
    "n_entries",
    "weight_1",
    "weight_2",
    "weight_3",
]

# cross_validate_lexicon: one row per category and score.
#   category      str    the learned category
#   score         str    learned (summed weight of counted learned hits), learned_per_word (that per
#                        word), learned+shipped (plus every shipped category's), learned+shipped_<c>
#                        (plus the shipped counterpart's), n_words, subjectivity (TextBlob),
#                        shipped (all shipped categories) and shipped_<c> (the counterpart)
#   auc           float  ROC AUC over all held-out paragraphs pooled (0.5 = chance)
#   auc_fold_mean, auc_fold_sd  float  mean and standard deviation (ddof 1) of the folds' AUCs
#   best_f1       float  best F1 over all thresholds, pooled
#   n_positive    int    labelled paragraphs
#   n_rows        int    paragraphs
CV_COLUMNS = ["category", "score", "auc", "auc_fold_mean", "auc_fold_sd", "best_f1", "n_positive", "n_rows"]


@dataclass(frozen=True)
class LearnedLexicon:
    """What learn_lexicon found: `entries` in lexicon columns (term, category, weight, note), the scored
    candidates (`terms`, TERM_COLUMNS) and per-category statistics (`categories`, CATEGORY_STAT_COLUMNS)."""

    entries: pd.DataFrame
    terms: pd.DataFrame
    categories: pd.DataFrame
    source: str

    def csv_text(self) -> str:
        """The entries as a lexicon file."""
        return self.entries.to_csv(index=False, lineterminator="\n")

    def lexicon(self, negators: frozenset[str] = DEFAULT_NEGATORS) -> Lexicon:
        """The entries as a Lexicon, read by the project's own lexicon parser."""
        entries, problems = parse_term_lexicon(self.csv_text(), f"learned from {self.source}")
        if problems:
            raise GoldError(f"learned entries do not parse as a lexicon: {problems[0].reason}")
        return Lexicon(tuple(entries), negators=negators)


def read_labelled_paragraphs(text: str, source: str, group_column: str = "file") -> pd.DataFrame:
    """Parse a CSV of labelled paragraphs (a header, one row per paragraph, a `text` column and `group_column`
    naming each paragraph's article); every cell is a string, an empty cell "". Raises GoldError naming
    the missing columns."""
    table = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    missing = [c for c in ("text", group_column) if c not in table.columns]
    if missing:
        raise GoldError(
            f"{source}:1: labelled paragraphs need the column(s) {', '.join(missing)} (the article of each "
            f"paragraph: --group); found {', '.join(map(str, table.columns)) or 'nothing'}"
        )
    return table


def without_known_terms(entries: pd.DataFrame, lexicon: Lexicon) -> pd.DataFrame:
    """The rows of `entries` (lexicon columns) whose term no entry of `lexicon` already has (same words,
    same wildcards): what can be added to that lexicon folder without a duplicate."""
    known = {entry.parts for entry in lexicon.entries}
    return entries[[term_parts(term) not in known for term in entries["term"]]].reset_index(drop=True)


def labels_from_techniques(
    gold: pd.DataFrame, column: str = "techniques", mapping: Mapping[str, str] = TECHNIQUE_CATEGORIES
) -> pd.DataFrame:
    """One 0/1 column per category of `mapping` (technique -> category), in sorted order, same index as `gold`.

    `column` holds comma-separated technique names (empty: none). Several techniques may map to one
    category (a paragraph with any of them is labelled); techniques the mapping does not name are ignored.
    """
    if column not in gold.columns:
        raise GoldError(f"gold has no column {column!r}; found {', '.join(map(str, gold.columns))}")
    techniques = gold[column].fillna("").astype(str).map(lambda cell: {t.strip() for t in cell.split(",")})
    return pd.DataFrame(
        {
            category: techniques.map(lambda found, c=category: int(any(mapping[t] == c for t in found if t in mapping)))
            for category in sorted(set(mapping.values()))
        },
        index=gold.index,
    ).astype("int8")


def labels_from_column(gold: pd.DataFrame, column: str, category: str | None = None) -> pd.DataFrame:
    """A 0/1 label column as a one-column label table named `category` (default: the column's name as a category)."""
    if column not in gold.columns:
        raise GoldError(f"gold has no column {column!r}; found {', '.join(map(str, gold.columns))}")
    values = gold[column].astype(str).str.strip()
    bad = [(k, v) for k, v in enumerate(values.tolist(), start=2) if v not in ("0", "1")]
    if bad:
        lines = ", ".join(f"line {k} ({v!r})" for k, v in bad[:5])
        raise GoldError(f"gold column {column!r} must be 0 or 1; {len(bad)} other values, e.g. {lines}")
    return pd.DataFrame({category or category_name(column): values.astype("int8")}, index=gold.index)


def learn_lexicon(
    texts: Sequence[str],
    labels: pd.DataFrame,
    groups: Sequence[str],
    min_articles: int = MIN_ARTICLES,
    min_z: float = MIN_Z,
    source: str = "gold",
) -> LearnedLexicon:
    """Learn lexicon entries for each category (column) of `labels` from paragraphs `texts`.

    `labels` has one 0/1 column per category, a row per text (labels_from_techniques,
    labels_from_column); `groups` names each text's article, for the topic-word filter
    (`min_articles`) and for the evidence notes. A term needs z >= `min_z` (weights: WEIGHT_THRESHOLDS);
    one predicting several categories is entered once, in the category where its z is highest.
    `source` names the gold in the notes.
    """
    return _learn(_paragraph_sentences(texts), labels, groups, min_articles, min_z, source)


def _paragraph_sentences(texts: Sequence[str]) -> list[list[str]]:
    """Each text's sentences, split as the pipeline splits them (a phrase never runs across two)."""
    return [[text[start:end] for start, end in split_sentences(text)] for text in texts]


def _learn(
    sentences: list[list[str]],
    labels: pd.DataFrame,
    groups: Sequence[str],
    min_articles: int,
    min_z: float,
    source: str,
) -> LearnedLexicon:
    labels = labels.reset_index(drop=True)
    groups = pd.Series(list(groups), dtype=str)
    if not len(sentences) == len(labels) == len(groups):
        raise GoldError(
            f"{len(sentences)} texts, {len(labels)} label rows and {len(groups)} groups: one of each per text"
        )
    names = name_like_words([s for paragraph in sentences for s in paragraph])
    vectorizer = CountVectorizer(analyzer=lambda words: _candidate_terms(words, names), binary=True)
    try:
        presence = vectorizer.fit_transform(normalized_words(paragraph) for paragraph in sentences).tocsc()
    except ValueError as error:  # scikit-learn's "empty vocabulary"
        raise GoldError("no text holds a word that could be a term (only stop words, numbers or names)") from error
    vocabulary = vectorizer.get_feature_names_out()
    in_paragraphs = np.asarray(presence.sum(axis=0)).ravel()
    tables = []
    for category in sorted(labels.columns):
        positive = labels[category].to_numpy() == 1
        tables.append(
            _score_terms(category, presence, vocabulary, in_paragraphs, positive, groups, min_articles, min_z)
        )
    terms = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=TERM_COLUMNS)
    entries = _entries(terms, labels, source)
    return LearnedLexicon(entries, terms, _category_stats(labels, groups, terms, entries), source)


def _candidate_terms(words: list[str], names: frozenset[str]) -> list[str]:
    """The words and phrases (up to MAX_WORDS) of one paragraph's normalized words that could be terms."""
    edge: dict[str, bool] = {}
    inner: dict[str, bool] = {}
    for word in set(words):
        inner[word] = word != BREAK and word not in names and not any(c.isdigit() for c in word)
        edge[word] = inner[word] and is_candidate(word, names)
    found = set()
    for i, word in enumerate(words):
        if not edge[word]:
            continue
        found.add(word)
        for j in range(i + 1, min(i + MAX_WORDS, len(words))):
            if not inner[words[j]]:
                break
            if edge[words[j]]:
                found.add(" ".join(words[i : j + 1]))
    return sorted(found)


def _score_terms(
    category: str,
    presence: sparse.csc_matrix,
    vocabulary: np.ndarray,
    in_paragraphs: np.ndarray,
    positive: np.ndarray,
    groups: pd.Series,
    min_articles: int,
    min_z: float,
) -> pd.DataFrame:
    """TERM_COLUMNS for one category: every term of labelled paragraphs of at least min_articles articles, z > 0."""
    labelled = presence[positive]
    n_positive = np.asarray(labelled.sum(axis=0)).ravel()
    codes = pd.factorize(groups[positive], sort=True)[0]
    by_article = sparse.csr_matrix(
        (np.ones(len(codes)), (codes, np.arange(len(codes)))), shape=(codes.max() + 1 if len(codes) else 0, len(codes))
    )
    article_presence = (by_article @ labelled).tocsc()
    article_presence.eliminate_zeros()
    n_articles = article_presence.getnnz(axis=0)
    counts = pd.DataFrame({"group": n_positive, "rest": in_paragraphs - n_positive}, index=vocabulary)
    # The prior is the whole gold's presence counts, scaled to weigh as much as the labelled paragraphs:
    # at full strength (as much as all paragraphs) it would outweigh a small category's own evidence.
    prior = pd.Series(in_paragraphs * (n_positive.sum() / max(in_paragraphs.sum(), 1)), index=vocabulary)
    scored = log_odds_dirichlet(counts, prior)
    keep = (n_articles >= min_articles) & (scored["z"].to_numpy() > 0)
    table = pd.DataFrame(
        {
            "category": category,
            "term": vocabulary[keep],
            "n_positive": n_positive[keep],
            "n_articles": n_articles[keep],
            "n_other": (in_paragraphs - n_positive)[keep],
            "log_odds": scored["log_odds"].to_numpy()[keep],
            "z": scored["z"].to_numpy()[keep],
        }
    )
    thresholds = [*WEIGHT_THRESHOLDS, (min_z, 1)]
    table["weight"] = np.select([table["z"] >= max(z, min_z) for z, _ in thresholds], [w for _, w in thresholds], 0)
    return table[TERM_COLUMNS]


def _entries(terms: pd.DataFrame, labels: pd.DataFrame, source: str) -> pd.DataFrame:
    """The learned terms as lexicon rows: each term once, in its best category, with its evidence."""
    learned = terms[terms["weight"] > 0]
    learned = learned[~_inside_a_stronger_term(learned)]
    learned = learned.sort_values(["term", "z", "category"], ascending=[True, False, True], kind="stable")
    others = learned.groupby("term", sort=False)
    also = {
        term: "; also predicts " + ", ".join(f"{r.category} (z={r.z:.1f})" for r in group.iloc[1:].itertuples())
        for term, group in others
        if len(group) > 1
    }
    best = learned.drop_duplicates("term", keep="first")
    totals = {c: int(labels[c].sum()) for c in labels.columns}
    n_rows = len(labels)
    notes = [
        f"learned from {source}: in {r.n_positive:,} of {totals[r.category]:,} {r.category} paragraphs "
        f"({r.n_articles} articles) vs {r.n_other:,} of {n_rows - totals[r.category]:,} others; "
        f"log-odds z={r.z:.1f}{also.get(r.term, '')}"
        for r in best.itertuples()
    ]
    entries = pd.DataFrame(
        {"term": best["term"], "category": best["category"], "weight": best["weight"], "note": notes, "z": best["z"]}
    )
    entries = entries.sort_values(["category", "z", "term"], ascending=[True, False, True], kind="stable")
    return entries[LEXICON_COLUMNS].reset_index(drop=True)


def _inside_a_stronger_term(terms: pd.DataFrame) -> np.ndarray:
    """Phrases holding a shorter learned term of the same category with at least their z: they add nothing."""
    z_of = dict(zip(zip(terms["category"], terms["term"], strict=True), terms["z"], strict=True))

    def weaker(category: str, term: str, z: float) -> bool:
        words = term.split(" ")
        return any(
            z_of.get((category, " ".join(words[i : i + n])), -np.inf) >= z
            for n in range(1, len(words))
            for i in range(len(words) - n + 1)
        )

    return np.array(
        [weaker(c, t, z) for c, t, z in zip(terms["category"], terms["term"], terms["z"], strict=True)], dtype=bool
    )


def _category_stats(
    labels: pd.DataFrame, groups: pd.Series, terms: pd.DataFrame, entries: pd.DataFrame
) -> pd.DataFrame:
    rows = []
    for category in sorted(labels.columns):
        positive = labels[category].to_numpy() == 1
        weights = entries.loc[entries["category"] == category, "weight"]
        rows.append(
            (
                category,
                len(labels),
                int(positive.sum()),
                int(groups[positive].nunique()),
                int((terms["category"] == category).sum()),
                len(weights),
                *(int((weights == w).sum()) for w in (1, 2, 3)),
            )
        )
    return pd.DataFrame(rows, columns=CATEGORY_STAT_COLUMNS)


def cross_validate_lexicon(
    texts: Sequence[str],
    labels: pd.DataFrame,
    groups: Sequence[str],
    shipped: Lexicon | None = None,
    folds: int = FOLDS,
    min_articles: int = MIN_ARTICLES,
    min_z: float = MIN_Z,
    counterparts: Mapping[str, str] = SHIPPED_COUNTERPARTS,
) -> pd.DataFrame:
    """How well lexicons learned on other articles rank held-out paragraphs, beside baselines (CV_COLUMNS).

    Paragraphs are split into `folds` folds by article (GroupKFold: no article is in two folds,
    deterministic). Each fold's paragraphs are scored by entries learned from the other folds,
    through the pipeline itself (score_articles: a hit counts in the outlet's own words, not
    negated), and by the baselines on the same rows: length in words, TextBlob subjectivity and,
    given `shipped`, the shipped lexicons.
    """
    return cv_scores(held_out_scores(texts, labels, groups, shipped, folds, min_articles, min_z), labels, counterparts)


def held_out_scores(
    texts: Sequence[str],
    labels: pd.DataFrame,
    groups: Sequence[str],
    shipped: Lexicon | None = None,
    folds: int = FOLDS,
    min_articles: int = MIN_ARTICLES,
    min_z: float = MIN_Z,
) -> pd.DataFrame:
    """One row per paragraph, in input order: `fold` (0-based), `n_words`, `subjectivity`, and per category
    `learned_<c>` (summed weight of counted hits of entries learned without the paragraph's fold); given
    `shipped`, `shipped` (all its categories) and `shipped_<s>` for each shipped category."""
    texts = [str(t) for t in texts]
    labels = labels.reset_index(drop=True)
    groups = pd.Series(list(groups), dtype=str)
    known = {sentence_cache_key(t): sentence_scores(t) for t in sorted(set(texts))}
    paragraphs = pd.DataFrame({"article_id": [f"p{k}" for k in range(len(texts))], "outlet": groups, "text": texts})
    sentences = [[t[start:end] for start, end, _, _ in known[sentence_cache_key(t)]] for t in texts]
    n_splits = min(folds, groups.nunique())
    if n_splits < 2:
        raise GoldError(f"cross-validation needs at least 2 articles; the gold has {groups.nunique()}")
    table = pd.DataFrame({"fold": 0, "n_words": 0, "subjectivity": [score_sentence(t)[1] for t in texts]})
    for category in sorted(labels.columns):
        table[f"learned_{category}"] = 0.0
    negators = shipped.negators if shipped is not None else DEFAULT_NEGATORS
    for fold, (train, test) in enumerate(GroupKFold(n_splits=n_splits).split(texts, groups=groups)):
        learned = _learn(
            [sentences[k] for k in train], labels.iloc[train], groups.iloc[train], min_articles, min_z, "training folds"
        )
        weights, n_words = _counted_weights(paragraphs.iloc[test], learned.lexicon(negators), known)
        table.loc[test, "fold"] = fold
        table.loc[test, "n_words"] = n_words
        for category in sorted(labels.columns):
            table.loc[test, f"learned_{category}"] = weights[category].to_numpy() if category in weights else 0.0
    if shipped is not None:
        weights, _ = _counted_weights(paragraphs, shipped, known)
        table["shipped"] = weights.sum(axis=1) if len(weights.columns) else 0.0
        for category in shipped.categories:
            table[f"shipped_{category}"] = weights[category].to_numpy()
    return table


def _counted_weights(paragraphs: pd.DataFrame, lexicon: Lexicon, known: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """Per paragraph (in order): summed weight of counted hits per category, and words, as the pipeline scores them."""
    sentences, hits = score_articles(paragraphs, lexicon, known=known)
    counted = select_hits(hits, "counted")
    order = paragraphs["article_id"].tolist()
    if counted.empty:
        weights = pd.DataFrame(0.0, index=order, columns=lexicon.categories)
    else:
        weights = (
            counted.assign(article_id=counted["article_id"].astype(str), category=counted["category"].astype(str))
            .pivot_table(index="article_id", columns="category", values="weight", aggfunc="sum", observed=True)
            .reindex(index=order, columns=lexicon.categories)
            .fillna(0.0)
        )
    n_words = sentences.groupby(sentences["article_id"].astype(str))["n_words"].sum().reindex(order).fillna(0)
    return weights.reset_index(drop=True), n_words.to_numpy()


def cv_scores(
    scores: pd.DataFrame, labels: pd.DataFrame, counterparts: Mapping[str, str] = SHIPPED_COUNTERPARTS
) -> pd.DataFrame:
    """CV_COLUMNS from held_out_scores: each category's learned score, its variants and the baselines
    (`counterparts`: the shipped category that scores the same thing, by learned category)."""
    labels = labels.reset_index(drop=True)
    rows = []
    per_word = scores["n_words"].where(scores["n_words"] > 0)
    for category in sorted(labels.columns):
        learned = scores[f"learned_{category}"]
        candidates = {"learned": learned, "learned_per_word": (learned / per_word).fillna(0.0)}
        counterpart = counterparts.get(category)
        if "shipped" in scores:
            candidates["learned+shipped"] = learned + scores["shipped"]
            if f"shipped_{counterpart}" in scores:
                candidates[f"learned+shipped_{counterpart}"] = learned + scores[f"shipped_{counterpart}"]
        candidates["n_words"] = scores["n_words"]
        candidates["subjectivity"] = scores["subjectivity"]
        if "shipped" in scores:
            candidates["shipped"] = scores["shipped"]
            if f"shipped_{counterpart}" in scores:
                candidates[f"shipped_{counterpart}"] = scores[f"shipped_{counterpart}"]
        truth = labels[category].to_numpy().astype(int)
        for name, values in candidates.items():
            rows.append((category, name, *_ranking_quality(truth, values.to_numpy(float), scores["fold"].to_numpy())))
    return pd.DataFrame(rows, columns=CV_COLUMNS)


def _ranking_quality(truth: np.ndarray, values: np.ndarray, folds: np.ndarray) -> tuple:
    """(pooled AUC, fold mean, fold sd, best F1, positives, rows); nan where a set has one class only."""
    fold_aucs = [auc_and_best_f1(truth[folds == f], values[folds == f])[0] for f in np.unique(folds)]
    fold_aucs = [a for a in fold_aucs if not np.isnan(a)]
    auc, best_f1, _ = auc_and_best_f1(truth, values)
    return (
        auc,
        float(np.mean(fold_aucs)) if fold_aucs else float("nan"),
        float(np.std(fold_aucs, ddof=1)) if len(fold_aucs) > 1 else float("nan"),
        best_f1,
        int(truth.sum()),
        len(truth),
    )


def frame_training_set(
    articles: pd.DataFrame, frame_labels: pd.DataFrame
) -> tuple[list[str], pd.DataFrame, list[str], dict[str, str]]:
    """Article-level frame gold as labelled texts: (article texts, one 0/1 column per frame named as a lexicon
    category, the article ids as groups, {category: frame}).

    `articles` are clean articles (`article_id`, `text`); `frame_labels` is measuring.evaluate.gold_frames'
    table (`article_id`, then a column per frame). Each article is one text: coders label whole articles.
    """
    frames = [c for c in frame_labels.columns if c != "article_id"]
    frame_of = {category_name(frame): frame for frame in frames}
    text_of = dict(zip(articles["article_id"].astype(str), articles["text"], strict=True))
    ids = frame_labels["article_id"].astype(str).tolist()
    labels = frame_labels[frames].rename(columns={frame: category_name(frame) for frame in frames})
    return [text_of[i] for i in ids], labels.reset_index(drop=True), ids, frame_of


def as_frame_cues(entries: pd.DataFrame, frame_of: Mapping[str, str], frame_cues: Lexicon) -> pd.DataFrame:
    """Learned entries (lexicon columns, categories from frame_training_set) as rows of lexicons/frames.csv
    (`term, frame, note`), without the terms `frame_cues` (the shipped cues) already has."""
    new = without_known_terms(entries, frame_cues)
    return pd.DataFrame({"term": new["term"], "frame": new["category"].map(frame_of), "note": new["note"]}).reset_index(
        drop=True
    )
