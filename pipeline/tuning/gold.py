"""Scoring the lexicons against gold (human coding): the `evaluate` command's work, and the clean corpus the
tuning commands read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.framing.annotations import annotate, article_frame_table
from pipeline.measuring.evaluate import (
    Evaluation,
    frame_scores,
    gold_frames,
    gold_labels,
    hit_spans,
    label_categories,
    label_scores,
    locate_gold_spans,
    misses_and_false_alarms,
    read_gold,
    span_scores,
    text_scores,
)
from pipeline.measuring.score import score_articles
from pipeline.reading.clean import clean_articles
from pipeline.reading.corpus import read_corpus
from pipeline.reading.lexicons import Lexicon, read_framing_lexicons, read_lexicons


def clean_corpus(corpus_dir: Path, lexicon_dir: Path) -> tuple[pd.DataFrame, Lexicon]:
    """The corpus's clean articles (with `text`) and the lexicon, for the tuning commands."""
    lexicon, _ = read_lexicons(Path(lexicon_dir))
    articles, _ = read_corpus(Path(corpus_dir))
    cleaned, _, _ = clean_articles(articles, lexicon.boilerplate)
    return cleaned, lexicon


def evaluate_against_gold(
    gold_text: str,
    gold_source: str,
    corpus_dir: Path,
    lexicon_dir: Path,
    techniques_column: str | None = None,
    label_columns: tuple[str, ...] = (),
    mapping: dict[str, str] | None = None,
) -> Evaluation:
    """Score the lexicons against a gold file: span gold, labelled texts or article-level frames (see pipeline.measuring.evaluate).

    Labelled texts are scored one by one, each as an article of its own (a paragraph is split into
    sentences); `mapping` (label -> lexicon category or "all") overrides the default categories.
    Frame gold is scored on the corpus articles it names: their frame cues (lexicons/frames.csv).
    """
    kind, gold = read_gold(gold_text, gold_source, techniques_column, label_columns)
    if kind == "labels":
        lexicon, _ = read_lexicons(Path(lexicon_dir))
        texts, labels, problems = gold_labels(gold, techniques_column, label_columns)
        rows = pd.DataFrame({"article_id": [f"g{line}" for line in texts["gold_line"]], "outlet": "gold"})
        rows["text"] = texts["text"].to_numpy()
        sentences, hits = score_articles(rows, lexicon)
        categories = label_categories(list(labels.columns), lexicon.categories, mapping or {})
        table = label_scores(labels, text_scores(rows, sentences, hits, lexicon.categories), categories)
        return Evaluation("labels", label_scores=table, problems=problems)
    cleaned, lexicon = clean_corpus(corpus_dir, lexicon_dir)
    if kind == "frames":
        labels, problems = gold_frames(gold, cleaned["article_id"])
        coded = cleaned[cleaned["article_id"].isin(labels["article_id"])]
        framing_lexicons, _ = read_framing_lexicons(Path(lexicon_dir))
        sentences, _ = score_articles(coded, lexicon)
        per_article = article_frame_table(sentences, annotate(coded, sentences, framing_lexicons))
        lengths = sentences.groupby(sentences["article_id"].astype(str)).size()
        return Evaluation("frames", frame_scores=frame_scores(labels, per_article, lengths), problems=problems)
    sentences, hits = score_articles(cleaned, lexicon)
    spans, problems = locate_gold_spans(gold, cleaned)
    located = hit_spans(hits, sentences)
    misses, false_alarms = misses_and_false_alarms(spans, located, cleaned)
    return Evaluation(
        "span",
        span_scores=span_scores(spans, located),
        misses=misses,
        false_alarms=false_alarms,
        gold_spans=spans,
        problems=problems,
    )
