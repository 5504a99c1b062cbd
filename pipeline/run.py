"""Chain the stages, corpus folder and lexicon folder in, report tables out: the CLI's job, callable from a notebook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline.clean import clean_articles
from pipeline.compare import outlet_vs_corpus, term_counts
from pipeline.corpus import problems_frame, read_corpus
from pipeline.lexicons import read_lexicons
from pipeline.report import Tables
from pipeline.score import article_scores, corpus_scores, outlet_scores, score_articles


def analyze(
    corpus_dir: Path,
    lexicon_dir: Path,
    on_start: Callable[[int], None] | None = None,
    on_article: Callable[[str], None] | None = None,
) -> Tables:
    """Read, clean and score the corpus; return every table the reports show.

    `on_start(n)` is called with the number of articles about to be scored and `on_article(id)`
    after each one, so a caller can show progress. Problems of every stage are collected in
    `Tables.problems`; nothing is printed.
    """
    lexicon, lexicon_problems = read_lexicons(Path(lexicon_dir))
    articles, corpus_problems = read_corpus(Path(corpus_dir))
    cleaned, removed_lines, clean_problems = clean_articles(articles, lexicon.boilerplate)
    if on_start:
        on_start(len(cleaned))
    sentences, hits = score_articles(cleaned, lexicon, on_article)
    categories = lexicon.categories
    outlets = outlet_scores(cleaned, sentences, hits, categories)
    corpus = corpus_scores(sentences, hits, categories)
    problems = pd.concat([corpus_problems, problems_frame(lexicon_problems + clean_problems)], ignore_index=True)
    return Tables(
        articles=article_scores(cleaned, sentences, hits, categories),
        sentences=sentences,
        hits=hits,
        outlets=outlets,
        corpus=corpus,
        contrasts=outlet_vs_corpus(outlets, corpus),
        terms=term_counts(hits, outlets),
        removed_lines=removed_lines,
        problems=problems.sort_values(["stage", "source", "line"], kind="stable").reset_index(drop=True),
        categories=categories,
        run={
            "articles read": len(articles),
            "articles scored": len(cleaned),
            "lexicon entries": len(lexicon.entries),
            "lexicon categories": ", ".join(categories),
        },
    )
