"""Scoring: sentence sentiment and hits, summed up per article and outlet with documented units."""

import pandas as pd
import pytest

from pipeline.lexicons import Lexicon, parse_term_lexicon
from pipeline.score import outlet_scores, score_articles, score_sentence, summarize


def lexicon_of(*lines):
    entries, _ = parse_term_lexicon("term,category,weight\n" + "\n".join(lines) + "\n", "test.csv")
    return Lexicon(tuple(entries))


ARTICLES = pd.DataFrame(
    {
        "article_id": ["a.txt", "b.txt"],
        "outlet": ["Wire", "Daily"],
        "text": ["The brutal regime fell. Officials said it was over.", "Troops left the base on Friday."],
    }
)


def test_textblob_polarity_and_subjectivity_are_in_their_ranges():
    polarity, subjectivity = score_sentence("This is a brutal and shocking attack.")
    assert polarity < 0 and 0 < subjectivity <= 1
    assert score_sentence("Troops arrived in Baghdad on Sunday.") == (0.0, 0.0)


def test_each_sentence_gets_a_row_and_each_hit_points_at_its_words():
    sentences, hits = score_articles(ARTICLES, lexicon_of("brutal,emotive,2", "regime,delegitimizing,3"))
    assert list(sentences.text) == [
        "The brutal regime fell.",
        "Officials said it was over.",
        "Troops left the base on Friday.",
    ]
    assert list(sentences.n_hits) == [2, 0, 0]
    assert list(sentences.loaded_weight) == [5.0, 0.0, 0.0]
    first = sentences.text[0]
    assert [first[h.start : h.end] for h in hits.itertuples()] == list(hits.matched) == ["brutal", "regime"]


def test_ignored_phrases_shadow_the_loaded_word_inside_them():
    articles = pd.DataFrame(
        {"article_id": ["a"], "outlet": ["W"], "text": ["ISIS claimed responsibility. Washington claimed victory."]}
    )
    _, hits = score_articles(articles, lexicon_of("claimed,doubt,2", "claimed responsibility,ignore,1"))
    assert list(hits.sentence_id) == [2]


def test_outlet_rates_pool_words_and_count_hits_per_thousand_words():
    sentences = pd.DataFrame(
        {
            "article_id": ["a", "a", "b"],
            "outlet": ["W", "W", "W"],
            "n_words": [10, 30, 60],
            "polarity": [0.5, 0.0, -0.2],
            "subjectivity": [0.6, 0.0, 0.3],
        }
    )
    hits = pd.DataFrame(
        {"article_id": ["a", "b"], "outlet": ["W", "W"], "category": ["emotive", "doubt"], "weight": [2.0, 1.0]}
    )
    row = outlet_scores(pd.DataFrame(), sentences, hits, ["doubt", "emotive"]).iloc[0]
    assert (row.n_articles, row.n_sentences, row.n_words, row.n_hits) == (2, 3, 100, 2)
    assert row.polarity == pytest.approx(0.1)  # mean of the three sentences
    assert row.loaded_per_1k == pytest.approx(20.0)  # 2 hits in 100 words
    assert row.loaded_weight_per_1k == pytest.approx(30.0)
    assert (row.loaded_per_1k_doubt, row.loaded_per_1k_emotive) == (pytest.approx(10.0), pytest.approx(10.0))


def test_an_article_without_hits_has_zero_rates_not_missing_values():
    sentences = pd.DataFrame(
        {"article_id": ["a"], "outlet": ["W"], "n_words": [12], "polarity": [0.0], "subjectivity": [0.0]}
    )
    hits = pd.DataFrame(columns=["article_id", "outlet", "category", "weight"])
    row = summarize(sentences, hits, "article_id", ["emotive"]).iloc[0]
    assert (row.n_hits, row.loaded_per_1k, row.loaded_per_1k_emotive) == (0, 0.0, 0.0)
