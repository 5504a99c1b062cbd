"""Score clean articles: sentence sentiment (TextBlob) and lexicon hits, summed up per article and outlet."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
from textblob.en import sentiment as textblob_sentiment

from pipeline.clean import words_of
from pipeline.lexicons import IGNORE_CATEGORY, Lexicon
from pipeline.match import Matcher
from pipeline.segment import split_sentences

# One row per sentence.
#   article_id    str    the article
#   outlet        str    its outlet
#   sentence_id   int    1-based position of the sentence in the article
#   start, end    int    character span of the sentence in the article's clean text
#   n_words       int    words in the sentence (hyphenated compounds count once)
#   polarity      float  TextBlob polarity in [-1, 1] (negative .. positive), 0 when no opinion word
#   subjectivity  float  TextBlob subjectivity in [0, 1] (factual .. opinionated)
#   n_hits        int    lexicon hits in the sentence
#   loaded_weight float  sum of the weights of those hits
#   text          str    the sentence
SENTENCE_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "start",
    "end",
    "n_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "loaded_weight",
    "text",
]

# One row per lexicon hit.
#   article_id, outlet, sentence_id  where the hit is
#   term          str    the lexicon entry that fired, as written in the lexicon
#   matched       str    the text it matched, as written in the article
#   category      str    the entry's category
#   weight        float  the entry's weight (1 mild .. 3 strong)
#   start, end    int    character span of `matched` in the sentence: sentence[start:end] == matched
#   lexicon, lexicon_line  file and line of the entry, to find it for tuning
HIT_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "term",
    "matched",
    "category",
    "weight",
    "start",
    "end",
    "lexicon",
    "lexicon_line",
]

# Summary columns shared by the article, outlet and corpus tables; one loaded_per_1k_<category>
# column per lexicon category follows them.
#   n_sentences           int    sentences scored
#   n_words               int    words in them
#   polarity              float  mean sentence polarity in [-1, 1]; every sentence counts once
#   subjectivity          float  mean sentence subjectivity in [0, 1]
#   n_hits                int    lexicon hits
#   loaded_per_1k         float  hits per 1,000 words
#   loaded_weight_per_1k  float  sum of hit weights per 1,000 words
SUMMARY_COLUMNS = [
    "n_sentences",
    "n_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "loaded_per_1k",
    "loaded_weight_per_1k",
]


def score_sentence(text: str) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity) of one sentence; the pattern lexicon needs no download."""
    polarity, subjectivity = textblob_sentiment(text)
    return float(polarity), float(subjectivity)


def score_articles(
    articles: pd.DataFrame, lexicon: Lexicon, on_article: Callable[[str], None] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split each article's clean `text` into sentences and score them; return (sentences, hits).

    `on_article` is called with each article_id once it is scored (for a progress bar).
    """
    matcher = Matcher(lexicon)
    sentence_rows, hit_rows = [], []
    for article in articles.itertuples(index=False):
        for sentence_id, (start, end) in enumerate(split_sentences(article.text), start=1):
            text = article.text[start:end]
            polarity, subjectivity = score_sentence(text)
            matches = [m for m in matcher.find(text) if m.entry.category != IGNORE_CATEGORY]
            sentence_rows.append(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    start,
                    end,
                    len(words_of(text)),
                    polarity,
                    subjectivity,
                    len(matches),
                    sum(m.entry.weight for m in matches),
                    text,
                )
            )
            hit_rows.extend(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    m.entry.term,
                    text[m.start : m.end],
                    m.entry.category,
                    m.entry.weight,
                    m.start,
                    m.end,
                    m.entry.source,
                    m.entry.line,
                )
                for m in matches
            )
        if on_article:
            on_article(article.article_id)
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS)
    hits = pd.DataFrame(hit_rows, columns=HIT_COLUMNS)
    return sentences.astype({"polarity": "float64", "subjectivity": "float64", "loaded_weight": "float64"}), hits


def summarize(sentences: pd.DataFrame, hits: pd.DataFrame, by: str, categories: Sequence[str]) -> pd.DataFrame:
    """One row per value of `by` (article_id or outlet) with SUMMARY_COLUMNS and per-category rates."""
    grouped = sentences.groupby(by, sort=True)
    summary = pd.DataFrame(
        {
            "n_sentences": grouped.size(),
            "n_words": grouped["n_words"].sum(),
            "polarity": grouped["polarity"].mean(),
            "subjectivity": grouped["subjectivity"].mean(),
        }
    )
    hit_counts = hits.groupby(by).size().reindex(summary.index, fill_value=0)
    hit_weights = hits.groupby(by)["weight"].sum().reindex(summary.index, fill_value=0.0)
    per_1k = 1000 / summary["n_words"].where(summary["n_words"] > 0)
    summary["n_hits"] = hit_counts.astype("int64")
    summary["loaded_per_1k"] = (hit_counts * per_1k).fillna(0.0)
    summary["loaded_weight_per_1k"] = (hit_weights * per_1k).fillna(0.0)
    for category in categories:
        in_category = hits[hits["category"] == category].groupby(by).size().reindex(summary.index, fill_value=0)
        summary[f"loaded_per_1k_{category}"] = (in_category * per_1k).fillna(0.0)
    return summary.reset_index()


def article_scores(
    articles: pd.DataFrame, sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]
) -> pd.DataFrame:
    """One row per scored article: its metadata, then SUMMARY_COLUMNS and per-category rates."""
    metadata = [c for c in articles.columns if c not in ("raw_text", "text")]
    summary = summarize(sentences, hits, "article_id", categories)
    return articles[metadata].merge(summary, on="article_id", how="inner").sort_values("article_id", kind="stable")


def outlet_scores(
    articles: pd.DataFrame, sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]
) -> pd.DataFrame:
    """One row per outlet: `outlet`, `n_articles`, then SUMMARY_COLUMNS and per-category rates.

    Rates pool the outlet's sentences and words, so a long article weighs more than a short one.
    """
    summary = summarize(sentences, hits, "outlet", categories)
    n_articles = sentences.groupby("outlet")["article_id"].nunique().rename("n_articles").reset_index()
    return n_articles.merge(summary, on="outlet").sort_values("outlet", kind="stable").reset_index(drop=True)


def corpus_scores(sentences: pd.DataFrame, hits: pd.DataFrame, categories: Sequence[str]) -> pd.DataFrame:
    """The corpus as a whole, as one row shaped like the outlet table (`outlet` = "All outlets")."""
    label = "All outlets"
    whole = summarize(sentences.assign(outlet=label), hits.assign(outlet=label), "outlet", categories)
    whole.insert(1, "n_articles", sentences["article_id"].nunique())
    return whole
