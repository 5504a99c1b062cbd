"""Scoring the lexicons against gold (human coding): the `evaluate` command's work, and the clean corpus the
tuning commands read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.framing.annotations import annotate, article_frame_table
from pipeline.measuring.evaluate import (
    Evaluation,
    GoldError,
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
from pipeline.tuning.learn import (
    FOLDS,
    MIN_ARTICLES,
    MIN_Z,
    LearnedLexicon,
    as_frame_cues,
    cross_validate_lexicon,
    frame_training_set,
    learn_lexicon,
)


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


@dataclass(frozen=True)
class LearnedFrames:
    """What `lexicon learn --frames-corpus` found: cross-validated AUC per frame (learn.CV_COLUMNS, the
    category being the frame's lexicon name), the cues learned from every gold article, the new rows for
    lexicons/frames.csv (`term, frame, note`) and the gold's problems."""

    cross_validation: pd.DataFrame
    learned: LearnedLexicon
    new_cues: pd.DataFrame
    problems: list[str]


def learn_frames_from_gold(
    gold_text: str,
    gold_source: str,
    corpus_dir: Path,
    lexicon_dir: Path,
    folds: int = FOLDS,
    min_articles: int = MIN_ARTICLES,
    min_z: float = MIN_Z,
) -> LearnedFrames:
    """Frame cues learned from article-level frame gold (`file, frames`) over the articles of `corpus_dir`,
    cross-validated by article beside the shipped cues (lexicons/frames.csv), article length and TextBlob
    subjectivity: what an article's frame cues are worth on articles they were not learned from."""
    kind, gold = read_gold(gold_text, gold_source)
    if kind != "frames":
        raise GoldError(f"{gold_source}: frame gold needs the columns file and frames (comma-separated frame names)")
    cleaned, _ = clean_corpus(corpus_dir, lexicon_dir)
    frame_labels, problems = gold_frames(gold, cleaned["article_id"])
    texts, labels, groups, frame_of = frame_training_set(cleaned, frame_labels)
    shipped = read_framing_lexicons(Path(lexicon_dir))[0].frames
    table = cross_validate_lexicon(texts, labels, groups, shipped, folds, min_articles, min_z, counterparts=frame_of)
    learned = learn_lexicon(texts, labels, groups, min_articles, min_z, source=Path(gold_source).parent.name or "gold")
    return LearnedFrames(table, learned, as_frame_cues(learned.entries, frame_of, shipped), problems)
