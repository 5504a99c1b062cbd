"""Validate the lexicons against human coding: span recall and precision, AUC and F1 per label of labelled texts."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib
import numpy as np
import pandas as pd

matplotlib.use("svg")
from sklearn.metrics import precision_recall_curve, roc_auc_score

from pipeline.errors import MediaBiasError
from pipeline.measuring.score import score_sentence
from pipeline.schema import counted

# The hit sets compared, from the raw matches to what the scores count.
#   all          every lexicon hit, negated or quoted
#   not_negated  negated hits left out
#   counted      hits in the outlet's own words, not negated: what the reports count
HIT_SETS = ("all", "not_negated", "counted")

# One row per gold span (span gold, after locating text without offsets).
#   article_id, outlet, start, end   the span in the article's clean text
#   text, category                    as the coders gave them ("" when no category)
GOLD_SPAN_COLUMNS = ["article_id", "outlet", "start", "end", "text", "category"]

# tables: span_scores.csv, one row per hit set and group.
#   hit_set   str    all, not_negated or counted (see HIT_SETS)
#   group     str    "all", "outlet: NAME" or "category: NAME" (gold category for recall, hit category for precision)
#   gold_spans, gold_found   int   gold spans, and those overlapped by at least one hit
#   recall    float  gold_found / gold_spans (nan without gold spans)
#   hits, hits_in_gold       int   hits, and those overlapping a gold span
#   precision float  hits_in_gold / hits (nan without hits)
SPAN_SCORE_COLUMNS = ["hit_set", "group", "gold_spans", "gold_found", "recall", "hits", "hits_in_gold", "precision"]

# label_scores.csv: one row per gold label and score, on the gold texts (sentences or paragraphs) that have text.
#   label       str    a technique name (techniques gold) or a 0/1 column's name
#   category    str    the lexicon category the label is compared with (see label_categories), or "all"
#   score       str    category (counted hits' summed weight in that category; only when category is not "all"),
#                      all_categories (counted hits' summed weight, every category), length (words),
#                      subjectivity (TextBlob's, of the whole text, in [0, 1])
#   auc         float  ROC AUC in [0, 1]: chance that a text with the label scores above one without (0.5 = chance)
#   best_f1     float  the highest F1 in [0, 1] over all thresholds "score >= threshold means the label"
#   threshold   float  the score at which best_f1 is reached (weight, words or subjectivity)
#   n_positive  int    texts with the label
#   n_rows      int    texts scored (auc, best_f1 and threshold are nan when all or none have the label)
LABEL_SCORE_COLUMNS = ["label", "category", "score", "auc", "best_f1", "threshold", "n_positive", "n_rows"]
# The scores every label is compared with, after its own category's: the whole lexicon, then the baselines.
ALL_CATEGORIES = "all"
BASELINE_SCORES = ("length", "subjectivity")

# Techniques of SemEval-2023 Task 3 (subtask 3) with a lexicon category of their own; every other
# technique, and Loaded_Language (which every category is part of), is compared with the whole lexicon.
DEFAULT_TECHNIQUE_CATEGORIES = {
    "Loaded_Language": ALL_CATEGORIES,
    "Name_Calling-Labeling": "delegitimizing",
    "Doubt": "doubt",
    "Exaggeration-Minimisation": "intensifier",
}
# Columns of labelled gold that identify a row and are never labels.
GOLD_ID_COLUMNS = ("text", "file", "article", "article_id", "id", "line")

# Article-level frame gold (SemEval-2023 Task 3 subtask 2): the 14 frames of the Media Frames Corpus
# (Card et al. 2015) as coders name them, and the Policy Frames Codebook dimension of lexicons/frames.csv
# each one is (Boydstun et al. 2014; the same 15 dimensions, the gold has no "Other").
MEDIA_FRAMES = {
    "Economic": "economic",
    "Capacity_and_resources": "capacity and resources",
    "Morality": "morality",
    "Fairness_and_equality": "fairness and equality",
    "Legality_Constitutionality_and_jurisprudence": "legality",
    "Policy_prescription_and_evaluation": "policy prescription",
    "Crime_and_punishment": "crime and punishment",
    "Security_and_defense": "security and defense",
    "Health_and_safety": "health and safety",
    "Quality_of_life": "quality of life",
    "Cultural_identity": "cultural identity",
    "Public_opinion": "public opinion",
    "Political": "political",
    "External_regulation_and_reputation": "external regulation and reputation",
}

# frame_scores.csv: one row per frame and score, over the gold articles found in the corpus.
#   frame       str    the frame dimension (lexicons/frames.csv's name)
#   gold_frame  str    the coders' name for it (MEDIA_FRAMES)
#   score       str    share (the article's sentences cueing the frame over its sentences, article_frames),
#                      n_sentences (those sentences), length (the article's sentences: a baseline) and
#                      chance (every article the same: AUC 0.5 by definition, whatever the frame's prevalence)
#   auc         float  ROC AUC in [0, 1]: chance that an article coders gave the frame scores above one they did not
#   n_positive  int    articles coders gave the frame
#   n_articles  int    articles scored (auc is nan when all or none have the frame)
FRAME_SCORE_COLUMNS = ["frame", "gold_frame", "score", "auc", "n_positive", "n_articles"]
FRAME_SCORES = ("share", "n_sentences", "length", "chance")

# misses.csv: gold phrases no counted hit overlaps, most frequent first: text, n, article_id, context.
# false_alarms.csv: counted hits outside every gold span, most frequent term first: term, category, n, matched, article_id, context.


class GoldError(MediaBiasError):
    """A gold file that cannot be used at all."""


@dataclass
class Evaluation:
    """What `evaluate` found; every DataFrame is also written as a CSV."""

    kind: str
    span_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    misses: pd.DataFrame = field(default_factory=pd.DataFrame)
    false_alarms: pd.DataFrame = field(default_factory=pd.DataFrame)
    gold_spans: pd.DataFrame = field(default_factory=pd.DataFrame)
    label_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    frame_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> pd.DataFrame:
        """label_scores as label_summary gives them, one row per label."""
        return label_summary(self.label_scores) if len(self.label_scores) else pd.DataFrame()

    @property
    def frame_summary(self) -> pd.DataFrame:
        """frame_scores as frame_summary gives them, one row per frame and the mean."""
        return frame_summary(self.frame_scores) if len(self.frame_scores) else pd.DataFrame()


def _as_text(cell: object) -> str:
    """A gold cell as text: missing is "", a JSON list of names is comma-separated."""
    if isinstance(cell, list):
        return ",".join(map(str, cell))
    return "" if cell is None or cell != cell else str(cell)


def read_gold(
    text: str, source: str, techniques_column: str | None = None, label_columns: Sequence[str] = ()
) -> tuple[str, pd.DataFrame]:
    """Parse a gold file: ("span", rows article,text[,start,end][,category]) or ("labels", labelled texts).

    Labelled texts (sentences or paragraphs) have a `text` column and either a column of comma-separated
    technique names (`techniques`, or the column `techniques_column` names) or 0/1 label columns (those
    `label_columns` names, or every column that holds only 0/1). CSV with a header, or JSONL (one object
    per line; a list of technique names may be a JSON list). Every cell is returned as a string.
    """
    text = text.lstrip("\ufeff")
    if source.lower().endswith(".jsonl"):
        try:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise GoldError(f"{source}:{error.lineno}: not valid JSON ({error.msg})") from error
        table = pd.DataFrame(rows)
    else:
        table = pd.DataFrame(list(csv.DictReader(io.StringIO(text, newline=""))))
    table = table.map(_as_text)
    columns = set(table.columns)
    found = ", ".join(sorted(columns)) or "nothing"
    if techniques_column and label_columns:
        raise GoldError(f"{source}: give a techniques column or label columns, not both")
    for column in [techniques_column] if techniques_column else label_columns:
        if column not in columns:
            raise GoldError(f"{source}:1: there is no column {column!r}; found {found}")
    if "text" in columns and (techniques_column or label_columns or "techniques" in columns):
        return "labels", table
    if {"article", "text"} <= columns:
        return "span", table
    if {"file", "frames"} <= columns and "text" not in columns:
        return "frames", table
    if "text" in columns and columns - set(GOLD_ID_COLUMNS):
        return "labels", table
    raise GoldError(
        f"{source}:1: gold needs the columns article,text[,start,end][,category] (span gold), text and "
        f"techniques (comma-separated names) or text and 0/1 label columns (labelled texts), or file,frames "
        f"(comma-separated frame names per article); found {found}"
    )


def _zero_or_one(cell: str) -> int | None:
    return {"1": 1, "1.0": 1, "true": 1, "0": 0, "0.0": 0, "false": 0}.get(cell.strip().lower())


def gold_labels(
    gold: pd.DataFrame, techniques_column: str | None = None, label_columns: Sequence[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Labelled gold (read_gold's "labels") as (texts, labels, problems).

    texts: one row per usable gold row, `gold_line` (the CSV line, header = 1) and `text`. labels: aligned
    with texts, one 0/1 int column per label, sorted by name: a technique named in the techniques column
    (`techniques` unless `techniques_column` says), or a 0/1 column (`label_columns`, or every column but
    GOLD_ID_COLUMNS that holds only 0/1). problems: rows skipped (empty text, a label that is not 0/1) and
    columns not used as labels.
    """
    problems = []
    lines = np.arange(2, len(gold) + 2)
    if techniques_column or (not label_columns and "techniques" in gold.columns):
        named = [
            sorted({name.strip() for name in cell.split(",")} - {""})
            for cell in gold[techniques_column or "techniques"]
        ]
        names = sorted(set().union(*named))
        labels = pd.DataFrame({name: [int(name in row) for row in named] for name in names}, index=gold.index)
    else:
        columns = list(label_columns)
        if not columns:
            for column in [c for c in gold.columns if c not in GOLD_ID_COLUMNS]:
                if all(_zero_or_one(cell) is not None for cell in gold[column]):
                    columns.append(column)
                else:
                    problems.append(f"column {column!r} holds values other than 0/1: not used as a label")
        if not columns:
            raise GoldError("gold has no 0/1 label column (name the label columns, or give a techniques column)")
        labels = pd.DataFrame({column: gold[column].map(_zero_or_one) for column in sorted(columns)})
    empty = (gold["text"].str.strip() == "").to_numpy()
    invalid = labels.isna().to_numpy()
    for k in np.flatnonzero(empty | invalid.any(axis=1)):
        if empty[k]:
            problems.append(f"gold line {lines[k]}: empty text, skipped")
            continue
        values = ", ".join(f"{column}={gold[column].iloc[k]!r}" for column in labels.columns[invalid[k]])
        problems.append(f"gold line {lines[k]}: {values} is not 0 or 1, skipped")
    usable = ~(empty | invalid.any(axis=1))
    texts = pd.DataFrame({"gold_line": lines[usable], "text": gold["text"].to_numpy()[usable]})
    return texts, labels[usable].astype(int).reset_index(drop=True), problems


def text_scores(
    texts: pd.DataFrame, sentences: pd.DataFrame, hits: pd.DataFrame, categories: list[str]
) -> pd.DataFrame:
    """The scores of each text, in the order of `texts` (article_id, text; sentences and hits: score_articles of them).

    Columns: `weight: CATEGORY` per category and `all_categories` (summed weight of the counted hits: own
    words, not negated), `length` (words, as the reports count them), `subjectivity` (TextBlob's, of the
    whole text, in [0, 1]).
    """
    ids = texts["article_id"]
    counted = select_hits(hits, "counted")
    weights = counted.pivot_table(index="article_id", columns="category", values="weight", aggfunc="sum")
    scores = {
        f"weight: {category}": weights.get(category, pd.Series(dtype=float)).reindex(ids).fillna(0.0).to_numpy()
        for category in categories
    }
    scores["all_categories"] = counted.groupby("article_id")["weight"].sum().reindex(ids).fillna(0.0).to_numpy()
    scores["length"] = sentences.groupby("article_id")["n_words"].sum().reindex(ids).fillna(0).to_numpy(float)
    scores["subjectivity"] = [score_sentence(text)[1] for text in texts["text"]]
    return pd.DataFrame(scores)


def gold_frames(gold: pd.DataFrame, article_ids: Sequence[str]) -> tuple[pd.DataFrame, list[str]]:
    """Article-level frame gold (read_gold's "frames": `file`, comma-separated `frames`) as (labels, problems).

    labels: one row per gold article found among `article_ids`, in gold order, `article_id` then one 0/1
    int column per frame of MEDIA_FRAMES (its lexicons/frames.csv name), in MEDIA_FRAMES order. problems:
    gold articles not in the corpus, repeated articles (the first row counts) and frame names that are
    not in MEDIA_FRAMES (left out).
    """
    known = set(article_ids)
    problems, rows, seen = [], [], set()
    unknown: dict[str, list[int]] = {}
    for number, (article, cell) in enumerate(zip(gold["file"], gold["frames"], strict=True), start=2):
        article = article.strip()
        if article not in known:
            problems.append(
                f"gold line {number}: article {article!r} is not in the corpus (or has no text after cleaning)"
            )
            continue
        if article in seen:
            problems.append(f"gold line {number}: article {article!r} is listed again; the first row counts")
            continue
        seen.add(article)
        names = {name.strip() for name in cell.split(",")} - {""}
        for name in sorted(names - MEDIA_FRAMES.keys()):
            unknown.setdefault(name, []).append(number)
        rows.append((article, *(int(gold_name in names) for gold_name in MEDIA_FRAMES)))
    for name, numbers in sorted(unknown.items()):
        problems.append(
            f"gold frame {name!r} (line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers[:5]))}"
            f"{'...' if len(numbers) > 5 else ''}) is not one of the {len(MEDIA_FRAMES)} Media Frames Corpus frames: left out"
        )
    return pd.DataFrame(rows, columns=["article_id", *MEDIA_FRAMES.values()]), problems


def frame_scores(labels: pd.DataFrame, article_frames: pd.DataFrame, n_sentences: pd.Series) -> pd.DataFrame:
    """ROC AUC per frame of each FRAME_SCORES score at ranking the articles coders gave it (FRAME_SCORE_COLUMNS).

    `labels` is gold_frames's; `article_frames` the articles' frame table (article_frame_table);
    `n_sentences` each article's sentences, indexed by article_id. Frames in MEDIA_FRAMES order.
    """
    ids = labels["article_id"]
    cued = article_frames.set_index(["article_id", "frame"])
    length = n_sentences.reindex(ids).fillna(0).to_numpy(dtype=float)
    rows = []
    for gold_frame, frame in MEDIA_FRAMES.items():
        truth = labels[frame].to_numpy(dtype=int)
        keys = pd.MultiIndex.from_arrays([ids, [frame] * len(ids)])
        scores = {
            "share": cued["share"].reindex(keys).fillna(0.0).to_numpy(dtype=float),
            "n_sentences": cued["n_sentences"].reindex(keys).fillna(0).to_numpy(dtype=float),
            "length": length,
            "chance": np.zeros(len(ids)),
        }
        for score in FRAME_SCORES:
            auc = auc_and_best_f1(truth, scores[score])[0]
            rows.append((frame, gold_frame, score, auc, int(truth.sum()), len(truth)))
    return pd.DataFrame(rows, columns=FRAME_SCORE_COLUMNS)


def frame_summary(frame_scores: pd.DataFrame) -> pd.DataFrame:
    """frame_scores with one row per frame: frame, gold_frame, n_positive, n_articles, `auc_<score>` per
    FRAME_SCORES; then a row "mean" of the AUCs over the frames (n_positive and n_articles left empty)."""
    rows = []
    for frame, group in frame_scores.groupby("frame", sort=False):
        first = group.iloc[0]
        row = {"frame": frame, "gold_frame": first["gold_frame"]}
        row |= {"n_positive": int(first["n_positive"]), "n_articles": int(first["n_articles"])}
        auc_of = dict(zip(group["score"], group["auc"], strict=True))
        rows.append(row | {f"auc_{score}": float(auc_of[score]) for score in FRAME_SCORES})
    wide = pd.DataFrame(rows)
    mean = {"frame": "mean", "gold_frame": "", "n_positive": None, "n_articles": None}
    mean |= {f"auc_{score}": float(wide[f"auc_{score}"].mean()) for score in FRAME_SCORES}
    return pd.concat([wide, pd.DataFrame([mean])], ignore_index=True)


def label_categories(labels: Sequence[str], categories: Sequence[str], mapping: Mapping[str, str]) -> dict[str, str]:
    """The lexicon category each label is compared with, or "all" (the whole lexicon).

    In this order: `mapping` (label -> category or "all"); a label that is a category's own name;
    DEFAULT_TECHNIQUE_CATEGORIES where the lexicons have that category; else "all". A mapping to a
    category the lexicons lack is a GoldError.
    """
    known = set(categories) | {ALL_CATEGORIES}
    for label, category in sorted(mapping.items()):
        if category not in known:
            raise GoldError(
                f"mapping {label}={category}: the lexicons have no category {category!r}; "
                f"use one of {', '.join(sorted(known))}"
            )
    chosen = {}
    for label in labels:
        default = DEFAULT_TECHNIQUE_CATEGORIES.get(label, ALL_CATEGORIES)
        chosen[label] = mapping.get(
            label, label if label in categories else default if default in known else ALL_CATEGORIES
        )
    return chosen


def label_mapping(pairs: Sequence[str], csv_text: str = "", source: str = "") -> dict[str, str]:
    """Label -> category from a CSV `label,category` (`csv_text`, read from `source`) and LABEL=CATEGORY
    pairs, which win."""
    mapping = {}
    for number, row in enumerate(csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff"), newline="")), start=2):
        label, category = (row.get("label") or "").strip(), (row.get("category") or "").strip()
        if not label or not category:
            raise GoldError(f"{source}:{number}: needs a label and a category (header label,category)")
        mapping[label] = category
    for pair in pairs:
        label, equals, category = (part.strip() for part in pair.partition("="))
        if not equals or not label or not category:
            raise GoldError(f"--map {pair!r} is not LABEL=CATEGORY, e.g. Doubt=doubt")
        mapping[label] = category
    return mapping


def auc_and_best_f1(labels: np.ndarray, values: np.ndarray) -> tuple[float, float, float]:
    """ROC AUC, best F1 over all thresholds and that threshold (nan when all or none of the labels are 1)."""
    if len(set(labels)) < 2:
        return float("nan"), float("nan"), float("nan")
    precision, recall, thresholds = precision_recall_curve(labels, values)
    with np.errstate(divide="ignore", invalid="ignore"):
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)[:-1]
    best = int(np.argmax(f1))
    return float(roc_auc_score(labels, values)), float(f1[best]), float(thresholds[best])


def label_scores(labels: pd.DataFrame, scores: pd.DataFrame, categories: Mapping[str, str]) -> pd.DataFrame:
    """AUC and best F1 of each label's category score, the whole lexicon and the baselines (LABEL_SCORE_COLUMNS).

    `labels` (0/1 per label) and `scores` (text_scores) have one row per text, in the same order;
    `categories` maps each label to its category (label_categories). Labels with most texts come first.
    """
    order = sorted(labels.columns, key=lambda label: (-int(labels[label].sum()), label))
    rows = []
    for label in order:
        truth = labels[label].to_numpy(dtype=int)
        category = categories[label]
        chosen = [("category", f"weight: {category}")] if category != ALL_CATEGORIES else []
        chosen += [("all_categories", "all_categories")] + [(name, name) for name in BASELINE_SCORES]
        for score, column in chosen:
            auc, f1, threshold = auc_and_best_f1(truth, scores[column].to_numpy(dtype=float))
            rows.append((label, category, score, auc, f1, threshold, int(truth.sum()), len(truth)))
    return pd.DataFrame(rows, columns=LABEL_SCORE_COLUMNS)


def label_summary(label_scores: pd.DataFrame) -> pd.DataFrame:
    """label_scores with one row per label: label, category, n_positive, n_rows, then `auc_` and `f1_` of
    lexicon (the category's score, or the whole lexicon's for "all"), all_categories, length and
    subjectivity, and `beats_baselines` (the lexicon's AUC above both baselines')."""
    rows = []
    for label, group in label_scores.groupby("label", sort=False):
        by_score = group.set_index("score")
        lexicon = by_score.loc["category" if "category" in by_score.index else "all_categories"]
        row = {"label": label, "category": group["category"].iloc[0]}
        row |= {"n_positive": int(group["n_positive"].iloc[0]), "n_rows": int(group["n_rows"].iloc[0])}
        for name, scored in [("lexicon", lexicon)] + [
            (s, by_score.loc[s]) for s in ("all_categories", *BASELINE_SCORES)
        ]:
            row[f"auc_{name}"], row[f"f1_{name}"] = float(scored["auc"]), float(scored["best_f1"])
        row["beats_baselines"] = bool(all(row["auc_lexicon"] > row[f"auc_{s}"] for s in BASELINE_SCORES))
        rows.append(row)
    return pd.DataFrame(rows)


def locate_gold_spans(gold: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Gold rows as spans in the articles' clean text (GOLD_SPAN_COLUMNS), and the rows that could not be placed.

    `article` is the article_id (file name, or "file:N" for a record). Without start/end, every
    occurrence of the text in the article (any case, any spacing) is a gold span.
    """
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    outlets = dict(zip(articles["article_id"], articles["outlet"], strict=True))
    rows, problems = [], []
    for number, row in enumerate(gold.fillna("").astype(str).to_dict("records"), start=2):
        article, phrase, category = row["article"].strip(), row["text"].strip(), row.get("category", "").strip()
        if article not in texts:
            problems.append(
                f"gold line {number}: article {article!r} is not in the corpus (or has no text after cleaning)"
            )
            continue
        text = texts[article]
        if row.get("start", "").strip() and row.get("end", "").strip():
            start, end = int(row["start"]), int(row["end"])
            if not 0 <= start < end <= len(text):
                problems.append(f"gold line {number}: offsets {start}-{end} are outside the article's clean text")
                continue
            rows.append((article, outlets[article], start, end, text[start:end], category))
            continue
        words = re.findall(r"\w+", phrase)
        if not words:
            problems.append(f"gold line {number}: empty text")
            continue
        pattern = re.compile(r"(?<!\w)" + r"\W+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)
        found = [(m.start(), m.end()) for m in pattern.finditer(text)]
        if not found:
            problems.append(f"gold line {number}: {phrase!r} does not occur in {article}")
        rows.extend((article, outlets[article], start, end, phrase, category) for start, end in found)
    table = pd.DataFrame(rows, columns=GOLD_SPAN_COLUMNS).drop_duplicates(["article_id", "start", "end"])
    return table.reset_index(drop=True), problems


def hit_spans(hits: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Hits with their span in the article's clean text (`article_start`, `article_end`)."""
    offsets = sentences.set_index(["article_id", "sentence_id"])["start"]
    base = offsets.reindex(pd.MultiIndex.from_arrays([hits["article_id"], hits["sentence_id"]])).to_numpy()
    return hits.assign(article_start=hits["start"].to_numpy() + base, article_end=hits["end"].to_numpy() + base)


def select_hits(hits: pd.DataFrame, hit_set: str) -> pd.DataFrame:
    negated = hits["negated"].astype(bool)
    if hit_set == "all":
        return hits
    if hit_set == "not_negated":
        return hits[~negated]
    return hits[counted(hits)]


def _overlaps(
    spans_a: pd.DataFrame, a_cols: tuple[str, str], spans_b: pd.DataFrame, b_cols: tuple[str, str]
) -> np.ndarray:
    """For each row of spans_a, whether it overlaps some span of spans_b in the same article."""
    by_article: dict[str, list[tuple[int, int]]] = {}
    for article, start, end in zip(spans_b["article_id"], spans_b[b_cols[0]], spans_b[b_cols[1]], strict=True):
        by_article.setdefault(article, []).append((start, end))
    return np.array(
        [
            any(s < end and start < e for s, e in by_article.get(article, ()))
            for article, start, end in zip(spans_a["article_id"], spans_a[a_cols[0]], spans_a[a_cols[1]], strict=True)
        ],
        dtype=bool,
    )


def span_scores(gold: pd.DataFrame, hits: pd.DataFrame) -> pd.DataFrame:
    """Recall and precision for every hit set, overall, per outlet and per category (SPAN_SCORE_COLUMNS)."""
    rows = []
    for hit_set in HIT_SETS:
        chosen = select_hits(hits, hit_set)
        found = _overlaps(gold, ("start", "end"), chosen, ("article_start", "article_end"))
        correct = _overlaps(chosen, ("article_start", "article_end"), gold, ("start", "end"))
        groups = [("all", np.ones(len(gold), bool), np.ones(len(chosen), bool))]
        for outlet in sorted(set(gold["outlet"]) | set(chosen["outlet"])):
            groups.append(
                (f"outlet: {outlet}", (gold["outlet"] == outlet).to_numpy(), (chosen["outlet"] == outlet).to_numpy())
            )
        for category in sorted((set(gold["category"]) | set(chosen["category"])) - {""}):
            groups.append(
                (
                    f"category: {category}",
                    (gold["category"] == category).to_numpy(),
                    (chosen["category"] == category).to_numpy(),
                )
            )
        for name, gold_mask, hit_mask in groups:
            n_gold, n_found = int(gold_mask.sum()), int(found[gold_mask].sum())
            n_hits, n_correct = int(hit_mask.sum()), int(correct[hit_mask].sum())
            rows.append(
                (
                    hit_set,
                    name,
                    n_gold,
                    n_found,
                    n_found / n_gold if n_gold else float("nan"),
                    n_hits,
                    n_correct,
                    n_correct / n_hits if n_hits else float("nan"),
                )
            )
    return pd.DataFrame(rows, columns=SPAN_SCORE_COLUMNS)


def _context(text: str, start: int, end: int, width: int = 50) -> str:
    left, right = max(0, start - width), min(len(text), end + width)
    return (
        ("…" if left else "")
        + " ".join(f"{text[left:start]}[{text[start:end]}]{text[end:right]}".split())
        + ("…" if right < len(text) else "")
    )


def misses_and_false_alarms(
    gold: pd.DataFrame, hits: pd.DataFrame, articles: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gold phrases no counted hit catches, and counted hits outside all gold spans, most frequent first, with context."""
    texts = dict(zip(articles["article_id"], articles["text"], strict=True))
    counted = select_hits(hits, "counted")
    missed = gold[~_overlaps(gold, ("start", "end"), counted, ("article_start", "article_end"))]
    miss_rows = []
    for phrase, group in missed.groupby(missed["text"].str.lower(), sort=True):
        first = group.iloc[0]
        miss_rows.append(
            (phrase, len(group), first.article_id, _context(texts[first.article_id], first.start, first.end))
        )
    misses = pd.DataFrame(miss_rows, columns=["text", "n", "article_id", "context"])
    wrong = counted[~_overlaps(counted, ("article_start", "article_end"), gold, ("start", "end"))]
    alarm_rows = []
    for (term, category), group in wrong.groupby(["term", "category"], sort=True):
        first = group.iloc[0]
        forms = "; ".join(f"{w} {n}" for w, n in Counter(group["matched"].str.lower()).most_common())
        alarm_rows.append(
            (
                term,
                category,
                len(group),
                forms,
                first.article_id,
                _context(texts[first.article_id], first.article_start, first.article_end),
            )
        )
    alarms = pd.DataFrame(alarm_rows, columns=["term", "category", "n", "matched", "article_id", "context"])
    order = ["n", "text"]
    return (
        misses.sort_values(order, ascending=[False, True], kind="stable").reset_index(drop=True),
        alarms.sort_values(["n", "term"], ascending=[False, True], kind="stable").reset_index(drop=True),
    )
