"""Score clean articles: sentence sentiment (TextBlob) and lexicon hits, summed up per article and outlet."""

from __future__ import annotations

import hashlib
import importlib.metadata
import re
import sys
from collections.abc import Sequence

import pandas as pd

from pipeline.reading.lexicons import IGNORE_CATEGORY, Lexicon
from pipeline.support.dataframes import keyed_by_strings
from pipeline.text.match import NARRATIVE, QUOTE, Matcher, Words, counted, is_negated
from pipeline.text.segment import QuoteIndex, split_sentences
from pipeline.text.sentiment import sentiment

# One row per sentence.
# (article_id and outlet are categories, the integers 32-bit: SENTENCE_DTYPES)
#   article_id      str    the article
#   outlet          str    its outlet
#   sentence_id     int    1-based position of the sentence in the article
#   start, end      int    character span of the sentence in the article's clean text
#   n_words         int    words in the sentence (hyphenated compounds count once)
#   n_quoted_words  int    of those, words inside quotation marks
#   polarity        float  TextBlob polarity in [-1, 1] (negative .. positive), 0 when no opinion word
#   subjectivity    float  TextBlob subjectivity in [0, 1] (factual .. opinionated)
#   n_hits          int    lexicon hits in the outlet's own words (narrative voice, not negated)
#   loaded_weight   float  sum of the weights of those hits
#   text            str    the sentence
SENTENCE_COLUMNS = [
    "article_id",
    "outlet",
    "sentence_id",
    "start",
    "end",
    "n_words",
    "n_quoted_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "loaded_weight",
    "text",
]
# Repeated strings as categories and integers in 32 bits: at 100,000 articles (2.3 million sentences,
# 1.2 million hits) the two tables take about 280 MB less than with a string and an int64 per cell.
SENTENCE_DTYPES = {
    "article_id": "category",
    "outlet": "category",
    **dict.fromkeys(["sentence_id", "start", "end", "n_words", "n_quoted_words", "n_hits"], "int32"),
    **dict.fromkeys(["polarity", "subjectivity", "loaded_weight"], "float64"),
    "text": "str",
}

# One row per lexicon hit (HIT_DTYPES).
#   article_id, outlet, sentence_id  where the hit is
#   term          str    the lexicon entry that fired, as written in the lexicon
#   matched       str    the text it matched, as written in the article
#   category      str    the entry's category
#   weight        float  the entry's weight (1 mild .. 3 strong)
#   voice         str    "narrative" (the outlet's own words) or "quote" (inside quotation marks)
#   negated       bool   a negator precedes it in the same clause ("not a massacre"); not counted
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
    "voice",
    "negated",
    "start",
    "end",
    "lexicon",
    "lexicon_line",
]
# Every string column a category, the integers 32-bit (see SENTENCE_DTYPES).
HIT_DTYPES = {
    **dict.fromkeys(["article_id", "outlet", "term", "matched", "category", "voice", "lexicon"], "category"),
    **dict.fromkeys(["sentence_id", "start", "end", "lexicon_line"], "int32"),
    "weight": "float64",
    "negated": "bool",
}

# Summary columns shared by the article, outlet and corpus tables; one loaded_per_1k_<category>
# column per lexicon category follows them (narrative voice, not negated).
#   n_sentences           int    sentences scored
#   n_words               int    words in them
#   n_quoted_words        int    of those, words inside quotation marks
#   polarity              float  mean sentence polarity in [-1, 1]; every sentence counts once
#   subjectivity          float  mean sentence subjectivity in [0, 1]
#   n_hits                int    hits in the outlet's own words: narrative voice, not negated
#   n_quoted_hits         int    hits inside quotes, not negated
#   n_negated_hits        int    negated hits (either voice), never counted as loaded
#   loaded_per_1k         float  n_hits per 1,000 words outside quotes
#   loaded_weight_per_1k  float  sum of n_hits' weights per 1,000 words outside quotes
#   quoted_per_1k         float  n_quoted_hits per 1,000 words inside quotes (0 when nothing is quoted)
SUMMARY_COLUMNS = [
    "n_sentences",
    "n_words",
    "n_quoted_words",
    "polarity",
    "subjectivity",
    "n_hits",
    "n_quoted_hits",
    "n_negated_hits",
    "loaded_per_1k",
    "loaded_weight_per_1k",
    "quoted_per_1k",
]
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def score_sentence(text: str) -> tuple[float, float]:
    """TextBlob's (polarity, subjectivity) of one sentence (pipeline.text.sentiment gives TextBlob's exact
    numbers, faster); the pattern lexicon needs no download."""
    polarity, subjectivity = sentiment(text)
    return float(polarity), float(subjectivity)


# Changes whenever sentence splitting or sentiment could give other results: cached results of
# another version are never used.
SENTENCE_STAGE_VERSION = (
    f"1/syntok-{importlib.metadata.version('syntok')}/textblob-{importlib.metadata.version('textblob')}"
)

# Per article, what does not depend on the lexicons: each sentence's (start, end, polarity, subjectivity).
SentenceScores = list[tuple[int, int, float, float]]


def sentence_cache_key(text: str) -> str:
    """The key under which an article text's SentenceScores are cached (content and stage version)."""
    return hashlib.sha256(f"{SENTENCE_STAGE_VERSION}\0{text}".encode()).hexdigest()[:40]


def sentence_scores(text: str) -> SentenceScores:
    """Split a clean text into sentences and score each with TextBlob: the costly, lexicon-free part."""
    return [(start, end, *score_sentence(text[start:end])) for start, end in split_sentences(text)]


def score_articles(
    articles: pd.DataFrame,
    lexicon: Lexicon,
    known: dict[str, SentenceScores] | None = None,
    words_by_article: dict[str, tuple[Words, QuoteIndex]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split each article's clean `text` into sentences and score them; return (sentences, hits).

    Each hit is marked with its voice (inside a quote or not, quotes followed across sentences)
    and whether it is negated. `known` maps sentence_cache_key(text) to sentence scores computed
    earlier (a cache); articles found there are not split or scored again. `words_by_article`,
    if given, receives each article's (Words, QuoteIndex), for other lexicons to match in.
    """
    matcher = Matcher(lexicon)
    known = {} if known is None else known
    sentence_rows, hit_rows = [], []
    for article in articles.itertuples(index=False):
        quoted = QuoteIndex(article.text)
        scored = known.get(sentence_cache_key(article.text)) or sentence_scores(article.text)
        words = Words(article.text, [(start, end) for start, end, _, _ in scored])
        if words_by_article is not None:
            words_by_article[article.article_id] = (words, quoted)
        found = matcher.find_in_sentences(words)
        for sentence_id, (start, end, polarity, subjectivity) in enumerate(scored, start=1):
            text = words.sentences[sentence_id - 1]
            n_words, n_quoted_words = _word_counts(text, start, quoted)
            hits = [
                (m, QUOTE if start + m.start in quoted else NARRATIVE, is_negated(text, m.start, lexicon.negators))
                for m in found[sentence_id - 1]
                if m.entry.category != IGNORE_CATEGORY
            ]
            own_words = [m for m, voice, negated in hits if voice == NARRATIVE and not negated]  # match.counted
            sentence_rows.append(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    start,
                    end,
                    n_words,
                    n_quoted_words,
                    polarity,
                    subjectivity,
                    len(own_words),
                    sum(m.entry.weight for m in own_words),
                    text,
                )
            )
            hit_rows.extend(
                (
                    article.article_id,
                    article.outlet,
                    sentence_id,
                    m.entry.term,
                    sys.intern(text[m.start : m.end]),  # one string per distinct form: tables of millions of hits
                    m.entry.category,
                    m.entry.weight,
                    voice,
                    negated,
                    m.start,
                    m.end,
                    m.entry.source,
                    m.entry.line,
                )
                for m, voice, negated in hits
            )
    sentences = pd.DataFrame(sentence_rows, columns=SENTENCE_COLUMNS).astype(SENTENCE_DTYPES)
    return sentences, pd.DataFrame(hit_rows, columns=HIT_COLUMNS).astype(HIT_DTYPES)


def _word_counts(sentence: str, offset: int, quoted: QuoteIndex) -> tuple[int, int]:
    """(words, words inside quotes) of a sentence starting at `offset` in its article."""
    if not quoted.overlaps(offset, offset + len(sentence)):
        return len(_WORD.findall(sentence)), 0
    starts = [offset + m.start() for m in _WORD.finditer(sentence)]
    return len(starts), sum(position in quoted for position in starts)


def _per_1k(counts: pd.Series, words: pd.Series) -> pd.Series:
    return (counts * 1000 / words.where(words > 0)).fillna(0.0)


def summarize(sentences: pd.DataFrame, hits: pd.DataFrame, by: str, categories: Sequence[str]) -> pd.DataFrame:
    """One row per value of `by` (article_id or outlet) with SUMMARY_COLUMNS and per-category rates."""
    grouped = sentences.groupby(by, sort=True)
    summary = pd.DataFrame(
        {
            "n_sentences": grouped.size(),
            "n_words": grouped["n_words"].sum(),
            "n_quoted_words": grouped["n_quoted_words"].sum(),
            "polarity": grouped["polarity"].mean(),
            "subjectivity": grouped["subjectivity"].mean(),
        }
    )
    summary = keyed_by_strings(summary)  # the hits' categories are not the sentences'
    narrative_words = summary["n_words"] - summary["n_quoted_words"]
    hits = hits[[by, "negated", "voice", "category", "weight"]]  # each selection below copies every column
    negated = hits["negated"].astype(bool)
    own_words = hits[counted(hits)]
    quoted = hits[~negated & (hits["voice"] == QUOTE)]

    def count(frame: pd.DataFrame) -> pd.Series:
        return keyed_by_strings(frame.groupby(by).size()).reindex(summary.index, fill_value=0).astype("int64")

    summary["n_hits"] = count(own_words)
    summary["n_quoted_hits"] = count(quoted)
    summary["n_negated_hits"] = count(hits[negated])
    summary["loaded_per_1k"] = _per_1k(summary["n_hits"], narrative_words)
    weights = keyed_by_strings(own_words.groupby(by)["weight"].sum()).reindex(summary.index, fill_value=0.0)
    summary["loaded_weight_per_1k"] = _per_1k(weights, narrative_words)
    summary["quoted_per_1k"] = _per_1k(summary["n_quoted_hits"], summary["n_quoted_words"])
    for category in categories:
        summary[f"loaded_per_1k_{category}"] = _per_1k(
            count(own_words[own_words["category"] == category]), narrative_words
        )
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
