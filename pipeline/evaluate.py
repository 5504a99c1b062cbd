"""Validate the lexicons against human coding: span recall and precision, sentence-level AUC and F1."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_curve, roc_auc_score

from pipeline.errors import MediaBiasError

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
    sentence_scores: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[str] = field(default_factory=list)


def read_gold(text: str, source: str) -> tuple[str, pd.DataFrame]:
    """Parse a gold file: ("span", rows with article,text[,start,end][,category]) or ("sentence", rows with text,label).

    CSV with a header, or JSONL (one object per line) for sentence gold.
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
    columns = set(table.columns)
    if {"article", "text"} <= columns:
        return "span", table
    if {"text", "label"} <= columns:
        return "sentence", table
    raise GoldError(
        f"{source}:1: gold needs the columns article,text[,start,end][,category] (span gold) or text,label "
        f"(sentence gold); found {', '.join(sorted(columns)) or 'nothing'}"
    )


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
    return hits[~negated & (hits["voice"] == "narrative")]


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


def sentence_label_scores(gold: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """ROC AUC and best-threshold F1 of each score against sentence labels (1 = loaded).

    `scored` has one row per gold sentence with `label` and the score columns `loaded_weight`
    (counted hits' weights) and `subjectivity` (TextBlob). Returns score, auc, best_f1, threshold, n, n_loaded.
    """
    labels = scored["label"].astype(int).to_numpy()
    rows = []
    for column in ["loaded_weight", "subjectivity"]:
        values = scored[column].to_numpy(dtype=float)
        if len(set(labels)) < 2:
            rows.append((column, float("nan"), float("nan"), float("nan"), len(labels), int(labels.sum())))
            continue
        precision, recall, thresholds = precision_recall_curve(labels, values)
        with np.errstate(divide="ignore", invalid="ignore"):
            f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)[:-1]
        best = int(np.argmax(f1))
        rows.append(
            (
                column,
                float(roc_auc_score(labels, values)),
                float(f1[best]),
                float(thresholds[best]),
                len(labels),
                int(labels.sum()),
            )
        )
    return pd.DataFrame(rows, columns=["score", "auc", "best_f1", "threshold", "n", "n_loaded"])
