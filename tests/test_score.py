"""Scoring: sentence sentiment and hits, summed up per article and outlet with documented units."""

import itertools
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from conftest import LEXICONS
from hypothesis import given
from hypothesis import strategies as st

from pipeline.measuring.score import (
    QUOTE,
    REPORTED,
    WORD,
    _word_counts,
    article_scores,
    as_float,
    corpus_scores,
    corpus_sums,
    exact_sums,
    outlet_scores,
    outlet_scores_of_parts,
    outlet_sums,
    score_articles,
    score_sentence,
    summarize,
    voice_at,
)
from pipeline.reading.lexicons import Lexicon, parse_term_lexicon, read_lexicons
from pipeline.text.segment import SpanIndex


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


def test_a_negated_hit_is_marked_and_not_counted_as_loaded():
    articles = pd.DataFrame(
        {"article_id": ["a"], "outlet": ["W"], "text": ["This was not a massacre. It was a massacre."]}
    )
    sentences, hits = score_articles(articles, lexicon_of("massacre,dysphemism,3"))
    assert list(hits.negated) == [True, False]
    assert list(sentences.n_hits) == [0, 1]


def test_a_loaded_word_inside_quotes_is_the_speakers_not_the_outlets():
    text = "“They are thugs. Real thugs,” he said. The thugs left."
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["W"], "text": [text]})
    sentences, hits = score_articles(articles, lexicon_of("thug*,delegitimizing,3"))
    assert list(hits.voice) == ["quote", "quote", "narrative"]  # the quote runs across two sentences
    assert list(sentences.n_quoted_words) == [3, 2, 0]
    row = summarize(sentences, hits, "outlet", ["delegitimizing"]).iloc[0]
    assert (row.n_hits, row.n_quoted_hits) == (1, 2)
    assert row.loaded_per_1k == pytest.approx(1000 * 1 / (10 - 5))  # per 1,000 words outside quotes
    assert row.quoted_per_1k == pytest.approx(1000 * 2 / 5)


def test_a_loaded_word_in_reported_speech_is_the_sources_not_the_outlets():
    text = "He said that occupying forces violate Iraq. The occupying forces left."
    articles = pd.DataFrame({"article_id": ["a"], "outlet": ["W"], "text": [text]})
    lexicon = lexicon_of("occupying forces,delegitimizing,3")
    lexicon = Lexicon(lexicon.entries, reporting=read_lexicons(LEXICONS)[0].reporting)
    sentences, hits = score_articles(articles, lexicon)
    assert list(hits.voice) == ["reported", "narrative"]
    assert list(sentences.n_reported_words) == [4, 0]  # "occupying forces violate Iraq"
    row = summarize(sentences, hits, "outlet", ["delegitimizing"]).iloc[0]
    assert (row.n_hits, row.n_reported_hits) == (1, 1)
    assert row.loaded_per_1k == pytest.approx(1000 * 1 / (11 - 4))  # per 1,000 of the outlet's own words
    assert row.reported_per_1k == pytest.approx(1000 * 1 / 4)


def sentence_rows(n_words, n_quoted_words, polarity, subjectivity):
    return pd.DataFrame(
        {
            "article_id": ["a", "a", "b"][: len(n_words)],
            "outlet": ["W"] * len(n_words),
            "n_words": n_words,
            "n_quoted_words": n_quoted_words,
            "n_reported_words": [0] * len(n_words),
            "polarity": polarity,
            "subjectivity": subjectivity,
        }
    )


def hit_rows(article_ids, categories, weights, voices, negated):
    return pd.DataFrame(
        {
            "article_id": article_ids,
            "outlet": ["W"] * len(article_ids),
            "category": categories,
            "weight": weights,
            "voice": voices,
            "negated": negated,
        }
    )


def test_outlet_rates_pool_words_and_count_hits_per_thousand_words():
    sentences = sentence_rows([10, 30, 60], [0, 0, 0], [0.5, 0.0, -0.2], [0.6, 0.0, 0.3])
    hits = hit_rows(["a", "b"], ["emotive", "doubt"], [2.0, 1.0], ["narrative", "narrative"], [False, False])
    row = outlet_scores(pd.DataFrame(), sentences, hits, ["doubt", "emotive"]).iloc[0]
    assert (row.n_articles, row.n_sentences, row.n_words, row.n_hits) == (2, 3, 100, 2)
    assert row.polarity == pytest.approx(0.1)  # mean of the three sentences
    assert row.loaded_per_1k == pytest.approx(20.0)  # 2 hits in 100 words
    assert row.loaded_weight_per_1k == pytest.approx(30.0)
    assert (row.loaded_per_1k_doubt, row.loaded_per_1k_emotive) == (pytest.approx(10.0), pytest.approx(10.0))


def test_outlet_and_corpus_scores_of_partitions_added_up_are_those_of_the_whole_corpus():
    rng = np.random.default_rng(7)
    n = 3_000
    articles = np.repeat([f"a{i:03d}" for i in range(n // 10)], 10)
    outlets = np.where(np.arange(n) < 2_900, np.where(np.arange(n) // 10 % 2 == 0, "Wire", "Daily"), "Late")
    sentences = pd.DataFrame(
        {
            "article_id": articles,
            "outlet": outlets,
            "n_words": rng.integers(5, 40, n),
            "n_quoted_words": rng.integers(0, 5, n),
            "n_reported_words": rng.integers(0, 5, n),
            "polarity": rng.uniform(-1, 1, n),
            "subjectivity": rng.uniform(0, 1, n),
        }
    )
    picked = rng.choice(n, 400)
    hits = pd.DataFrame(
        {
            "article_id": articles[picked],
            "outlet": outlets[picked],
            "category": rng.choice(["doubt", "emotive"], 400),
            "weight": rng.choice([1.0, 2.0, 3.0], 400),
            "voice": rng.choice(["narrative", QUOTE, REPORTED], 400),
            "negated": rng.random(400) < 0.1,
        }
    )
    # Three partitions of articles, in article order: Wire and Daily have articles in each, Late in the last.
    cuts = [(0, 1_000), (1_000, 2_000), (2_000, n)]
    in_part = [(articles >= articles[a]) & (articles <= articles[b - 1]) for a, b in cuts]
    parts = [(sentences[np.asarray(rows)], hits[np.isin(hits["article_id"], articles[rows])]) for rows in in_part]
    categories = ["doubt", "emotive"]

    outlets_parted = outlet_scores_of_parts((outlet_sums(s, h, categories) for s, h in parts), categories)
    whole = outlet_scores(pd.DataFrame(), sentences, hits, categories)
    assert outlets_parted["outlet"].tolist() == whole["outlet"].tolist() == ["Daily", "Late", "Wire"]
    counts = ["n_articles", "n_sentences", "n_words", "n_hits", "n_quoted_hits", "n_reported_hits", "n_negated_hits"]
    assert outlets_parted[counts].equals(whole[counts])
    # The sums of floats are exact, so a cut does not change a bit of them.
    assert outlets_parted.equals(whole)
    assert whole["polarity"].tolist() == pytest.approx(sentences.groupby("outlet")["polarity"].mean().tolist())

    corpus_parted = outlet_scores_of_parts((corpus_sums(s, h, categories) for s, h in parts), categories)
    corpus = corpus_scores(sentences, hits, categories)
    assert corpus_parted.equals(corpus)
    assert corpus.loc[0, "n_sentences"] == n and corpus.loc[0, "polarity"] == pytest.approx(
        sentences["polarity"].mean()
    )


def test_exact_sums_lose_nothing_whatever_the_order_or_the_cut():
    values = np.array([1e16, 1.0, -1e16, 0.1, 0.2, -0.3, 5e-324, np.nan])
    groups = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    assert sum(values[:3].tolist()) == 0.0  # added in order, the 1.0 is lost
    exactly = float(sum(map(Fraction, [0.1, 0.2, -0.3, 5e-324])))  # the missing value skipped
    assert [as_float(total) for total in exact_sums(values, groups, 2)] == [1.0, exactly]
    halves = [exact_sums(values[cut], groups[cut], 2) for cut in (slice(0, 4), slice(4, None))]
    assert [a + b for a, b in zip(*halves, strict=True)] == exact_sums(values, groups, 2)


def test_an_article_without_hits_has_zero_rates_not_missing_values():
    sentences = sentence_rows([12], [0], [0.0], [0.0])
    hits = hit_rows([], [], [], [], [])
    row = summarize(sentences, hits, "article_id", ["emotive"]).iloc[0]
    assert (row.n_hits, row.loaded_per_1k, row.quoted_per_1k, row.loaded_per_1k_emotive) == (0, 0.0, 0.0, 0.0)


WORDS = ["regime", "Regime’s", "not", "“", "”", '"', "so-called", "brutal", ",", ".", "war", "award", "\n"]


@given(st.lists(st.sampled_from(WORDS), max_size=40))
def test_hit_offsets_slice_the_matched_text_out_of_the_sentence_and_never_overlap(words):
    text = " ".join(words).strip() or "x"
    lexicon = lexicon_of("regime,delegitimizing,2", "so called,doubt,3", "brutal,emotive,2", "war,dysphemism,1")
    sentences, hits = score_articles(pd.DataFrame({"article_id": ["a"], "outlet": ["W"], "text": [text]}), lexicon)
    by_sentence = sentences.set_index("sentence_id")["text"]
    for hit in hits.itertuples():
        assert by_sentence[hit.sentence_id][hit.start : hit.end] == hit.matched
    for _, group in hits.groupby("sentence_id"):
        spans = sorted(zip(group.start, group.end, strict=True))
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_the_worked_example_of_a_sentences_and_an_articles_loaded_score():
    """The example in README's "A sentence's and an article's loaded score", computed by the pipeline."""
    lexicon, _ = read_lexicons(LEXICONS)
    text = (
        'The regime reportedly claimed it was not a massacre. "They are thugs," a minister said. '
        "The vote passed on Sunday."
    )
    rows = pd.DataFrame({"article_id": ["a1"], "outlet": ["Wire"], "text": [text]})
    sentences, hits = score_articles(rows, lexicon)
    assert sentences["loaded_weight"].tolist() == [5.0, 0.0, 0.0]  # regime 2 + reportedly 1 + claimed 2
    assert sentences["n_hits"].tolist() == [3, 0, 0]  # "not a massacre" is negated, "thugs" is quoted
    article = article_scores(rows.drop(columns="text"), sentences, hits, lexicon.categories).iloc[0]
    assert (article["n_words"], article["n_quoted_words"], article["n_reported_words"]) == (20, 3, 5)
    assert article["loaded_per_1k"] == pytest.approx(3 * 1000 / 12)
    assert article["loaded_weight_per_1k"] == pytest.approx(5 * 1000 / 12)
    assert (article["quoted_per_1k"], article["reported_per_1k"]) == (pytest.approx(1000 / 3), 0.0)


def spans_in(length):
    """Sorted, non-overlapping spans within `length` characters."""
    return st.lists(st.integers(0, length), max_size=8, unique=True).map(
        lambda cuts: [(a, b) for a, b in itertools.pairwise(sorted(cuts)) if a < b][::2]
    )


@given(
    st.lists(st.sampled_from(["Iraq", "troops", "said", " ", ", ", "“", "”"]), max_size=20).map("".join),
    spans_in(60),
    spans_in(60),
    st.integers(0, 10),
)
def test_a_sentences_quoted_and_reported_words_are_counted_by_where_each_word_starts(
    sentence, quotes, reported, offset
):
    quoted, speech = SpanIndex(quotes), SpanIndex(reported)
    voices = [voice_at(offset + m.start(), quoted, speech) for m in WORD.finditer(sentence)]
    assert _word_counts(sentence, offset, quoted, speech) == (len(voices), voices.count(QUOTE), voices.count(REPORTED))
