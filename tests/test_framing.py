"""Framing comparison on small invented corpora with planted differences, and on the seed corpus."""

import csv

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import LEXICONS, SEED_CORPUS

from pipeline.cli import main
from pipeline.flow import analyze
from pipeline.framing import events as events_module
from pipeline.framing import statements as speakers
from pipeline.framing.annotations import (
    ANNOTATION_COLUMNS,
    ANNOTATION_DTYPES,
    actor_mentions,
    actor_rates,
    annotate,
    article_frame_table,
    event_contrasts,
    event_framing,
    label_table,
    sentence_rows,
)
from pipeline.framing.events import align_statements, group_events, shared_statements
from pipeline.framing.mentions import actor_names, mention_table
from pipeline.framing.statements import attribution_table, statement_table
from pipeline.measuring import statistics as compare
from pipeline.measuring.score import score_articles
from pipeline.measuring.statistics import (
    article_totals,
    cohens_d,
    group_permutation_tests,
    interval_over_articles,
    outlet_intervals,
    share_interval,
)
from pipeline.reading.lexicons import FRAME_DIMENSIONS, read_framing_lexicons, read_lexicons
from pipeline.support.dataframes import concat_tables
from pipeline.tuning.gold import clean_corpus

FRAMING, _ = read_framing_lexicons(LEXICONS)
LEXICON, _ = read_lexicons(LEXICONS)


def articles(*rows):
    return pd.DataFrame(rows, columns=["article_id", "outlet", "published", "text"])


def events_of(corpus):
    """group_events as the pipeline calls it: each article's words from its sentences."""
    return group_events(corpus, sentences=score_articles(corpus, LEXICON)[0])


def actors_of(sentences, hits, annotations):
    """The actors table as the pipeline builds it: the mentions, their lexicon-free part, then the
    loaded-language rates."""
    mentions = mention_table(annotations, actor_names(annotations, FRAMING))
    return actor_rates(actor_mentions(sentences, mentions), hits)


def test_articles_on_the_same_story_share_an_event_and_a_distant_one_does_not():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Iraq's parliament voted to expel US troops after the drone strike in Baghdad."),
        ("b", "Daily", "2020-01-06", "The parliament in Baghdad voted to expel the US troops after the strike."),
        ("c", "Post", "2024-06-01", "Farmers in Kansas expect a record wheat harvest this summer."),
    )
    events = events_of(corpus)
    assert dict(zip(events.article_id, events.event_id, strict=True)) == {"a": "E1", "b": "E1", "c": "E2"}
    assert list(events.n_articles) == [2, 2, 1]


def test_same_words_far_apart_in_time_are_different_events():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "A US drone strike in Baghdad killed a commander; Iraq protested."),
        ("b", "Daily", "2024-01-05", "A US drone strike in Baghdad killed a commander; Iraq protested again."),
    )
    assert list(events_of(corpus).event_id) == ["E1", "E2"]


def test_a_corpus_larger_than_exact_clustering_allows_is_grouped_the_same_way(monkeypatch):
    stories = [
        "Iraq's parliament voted to expel US troops after the drone strike in Baghdad",
        "Farmers in Kansas expect a record wheat harvest this summer after the rain",
        "The central bank raised interest rates again to fight stubborn inflation",
    ]
    rows = [
        (f"a{k:02d}", f"Outlet {k % 4}", f"2020-01-{1 + k % 20:02d}", f"{stories[k % 3]}, report {k} says.")
        for k in range(30)
    ]
    rows.append(("z", "Outlet 9", "2024-06-01", f"{stories[0]}, a later report says."))
    exact = events_of(articles(*rows))
    monkeypatch.setattr(events_module, "MAX_EXACT_EVENT_ARTICLES", 7)
    sampled = events_of(articles(*rows))
    assert exact.groupby("event_id")["article_id"].apply(tuple).sort_values().tolist() == (
        sampled.groupby("event_id")["article_id"].apply(tuple).sort_values().tolist()
    )
    assert exact["event_id"].nunique() == 4  # three stories, and the 2024 report apart


def many_stories(n_stories, per_story=3):
    """Articles on many stories, each story with names of its own amid words every story uses."""
    rows = []
    for story in range(n_stories):
        place, person = f"Town{story}x", f"Minister{story}y"
        for k in range(per_story):
            rows.append(
                (
                    f"s{story:03d}-{k}",
                    f"Outlet {k}",
                    f"2020-02-{1 + story % 20:02d}",
                    f"Officials in {place} said {person} met protesters; report {k} of {place} quotes {person} again.",
                )
            )
    return articles(*rows)


def grouped(events):
    return sorted(events.groupby("event_id")["article_id"].apply(tuple))


def test_articles_that_no_chain_of_close_pairs_links_fall_in_different_blocks(monkeypatch):
    corpus = many_stories(12)
    sentences = score_articles(corpus, LEXICON)[0]
    matrix, _ = events_module.article_tfidf(sentences, corpus["article_id"])
    monkeypatch.setattr(events_module, "RARE_TERM_ARTICLES", 3)  # a story's names are rare, the shared words not
    blocks = events_module.event_blocks(matrix, events_module.EVENT_DISTANCE_THRESHOLD)
    story = corpus["article_id"].str[:4].to_numpy()
    assert len(set(blocks)) == 12
    assert all(len(set(blocks[story == s])) == 1 for s in set(story))  # a story is never cut


def test_a_corpus_of_many_stories_beyond_exact_clustering_gets_the_events_of_exact_clustering(monkeypatch):
    corpus = many_stories(40)
    exact = events_of(corpus)
    assert exact["event_id"].nunique() == 40
    monkeypatch.setattr(events_module, "MAX_EXACT_EVENT_ARTICLES", 10)
    monkeypatch.setattr(events_module, "RARE_TERM_ARTICLES", 3)

    def no_sampling(*args, **kwargs):
        raise AssertionError("the blocks are small enough to cluster exactly")

    monkeypatch.setattr(events_module, "_cluster_sampled", no_sampling)
    assert grouped(events_of(corpus)) == grouped(exact)


def test_blocks_never_split_what_exact_clustering_joins_whatever_the_rare_term_limit(monkeypatch):
    stories = [
        "Iraq's parliament voted to expel US troops after the drone strike in Baghdad",
        "Farmers in Kansas expect a record wheat harvest this summer after the rain",
    ]
    rows = [(f"a{k:02d}", f"Outlet {k % 4}", "2020-01-05", f"{stories[k % 2]}, report {k} says.") for k in range(24)]
    corpus = articles(*rows)
    sentences = score_articles(corpus, LEXICON)[0]
    matrix, _ = events_module.article_tfidf(sentences, corpus["article_id"])
    exact = events_module._cluster_exact(matrix, np.zeros(len(corpus)), 0.9, 60)
    for limit in (0, 1, 2, 5, 50):
        monkeypatch.setattr(events_module, "RARE_TERM_ARTICLES", limit)
        blocks = events_module.event_blocks(matrix, 0.9)
        # Each exact event lies within one block.
        assert all(len(set(blocks[exact == event])) == 1 for event in set(exact))


def test_a_manifest_event_column_overrides_the_grouping():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Farmers expect a record harvest."),
        ("b", "Daily", "2024-01-05", "A drone strike hit Baghdad."),
    ).assign(event=["strike", "strike"])
    assert list(events_of(corpus).event_id) == ["strike", "strike"]


def framed(corpus):
    sentences, hits = score_articles(corpus, LEXICON)
    return sentences, hits, annotate(corpus, sentences, FRAMING)


HOSTILE = articles(
    (
        "h",
        "Hostile",
        "2020-01-05",
        "The terrorists of Kataib Hezbollah attacked the base. The brutal terrorists of Kataib Hezbollah fled.",
    ),
    (
        "f",
        "Friendly",
        "2020-01-05",
        "The resistance fighters of Kataib Hezbollah struck the base. Kataib Hezbollah withdrew.",
    ),
)


def test_one_outlets_hostile_labels_for_an_actor_show_in_labels_and_actors():
    sentences, hits, annotations = framed(HOSTILE)
    labels = label_table(annotations)
    assert labels[["outlet", "concept", "label", "n", "connotation"]].values.tolist() == [
        ["Friendly", "armed groups", "resistance", 1, 0.7],
        ["Hostile", "armed groups", "terrorist*", 2, -1.0],
    ]
    actors = actors_of(sentences, hits, annotations).set_index(["outlet", "actor"])
    assert actors.loc[("Hostile", "Iraqi armed groups"), "mentions"] == 2
    assert (
        actors.loc[("Hostile", "Iraqi armed groups"), "loaded_per_1k"]
        > actors.loc[("Friendly", "Iraqi armed groups"), "loaded_per_1k"]
    )


def test_an_actor_named_twice_in_a_sentence_is_two_mentions_in_one_sentence():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Kataib Hezbollah denied it, and Kataib Hezbollah said so twice. Rain fell."),
        ("b", "Wire", "2020-01-06", "Kataib Hezbollah was quiet."),
        ("c", "Post", "2020-01-06", "Kataib Hezbollah spoke."),
    )
    actors = actors_of(*framed(corpus)).set_index(["outlet", "actor"])
    assert actors.loc[("Wire", "Iraqi armed groups"), ["mentions", "sentences"]].tolist() == [3, 2]
    assert actors.loc[("Post", "Iraqi armed groups"), ["mentions", "sentences"]].tolist() == [1, 1]


def test_a_corpus_that_names_no_actor_has_an_empty_actor_table():
    corpus = articles(("a", "Wire", "2020-01-05", "Farmers in Kansas expect a record wheat harvest this summer."))
    actors = actors_of(*framed(corpus))
    assert actors.empty
    assert "loaded_per_1k" in actors.columns


def test_annotations_made_chunk_by_chunk_join_into_those_of_the_whole_corpus_and_stay_compact():
    whole = framed(HOSTILE)[2]
    # Each chunk has its own categories (Friendly's labels are not Hostile's); annotate orders by article.
    chunks = [framed(HOSTILE[HOSTILE["article_id"] == a])[2] for a in ["f", "h"]]
    joined = concat_tables(chunks, ANNOTATION_COLUMNS, ANNOTATION_DTYPES)
    pd.testing.assert_frame_equal(joined, whole)
    assert all(isinstance(joined[column].dtype, pd.CategoricalDtype) for column in ["article_id", "term", "matched"])
    pd.testing.assert_frame_equal(label_table(joined), label_table(whole))
    assert label_table(joined)["label"].tolist() == ["resistance", "terrorist*"]
    assert not any(isinstance(dtype, pd.CategoricalDtype) for dtype in label_table(joined).dtypes)


def test_a_doubting_verb_is_classified_as_doubting_and_credited_to_its_speaker():
    corpus = articles(("a", "Wire", "2020-01-05", "Tehran claimed the strike was illegal. Pompeo said it was legal."))
    sentences, _, annotations = framed(corpus)
    table = attribution_table(statement_table(annotations, sentences, FRAMING))
    assert table[["speaker", "verb_class", "verbs"]].values.tolist() == [
        ["Iran", "doubting", "claimed 1"],
        ["Pompeo", "neutral", "said 1"],
    ]


def test_a_quote_over_two_sentences_is_one_statement_with_the_words_of_both_on_one_line():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Troops left.\n“We will stay. We will fight,” the spokesman said."),
        ("b", "Daily", "2020-01-06", "Nobody spoke."),
    )
    sentences, _, annotations = framed(corpus)
    table = statement_table(annotations, sentences, FRAMING)
    quotes = table[table["kind"] == "quote"]
    assert quotes[["article_id", "text"]].values.tolist() == [["a", "“We will stay. We will fight,”"]]


def test_an_alias_in_capitals_does_not_match_the_pronoun():
    corpus = articles(("a", "Wire", "2020-01-05", "Tell us more, the US envoy said."))
    _, _, annotations = framed(corpus)
    assert list(annotations[annotations.kind == "actor"].matched) == ["US"]


def test_a_planted_loaded_term_moves_the_outlets_interval_up():
    plain = "Officials met in Baghdad on Monday to discuss the troops."
    loaded = "Officials met in Baghdad on Monday to discuss the brutal regime."
    calm = articles(*[(f"a{k}", "Wire", "2020-01-05", plain) for k in range(12)])
    heated = articles(*[(f"a{k}", "Wire", "2020-01-05", loaded if k < 6 else plain) for k in range(12)])
    before = outlet_intervals(article_totals(score_articles(calm, LEXICON)[0])).iloc[0]
    after = outlet_intervals(article_totals(score_articles(heated, LEXICON)[0])).iloc[0]
    # Twelve articles without a hit: no spread between articles to estimate an interval from.
    assert np.isnan(before.ci_low_loaded_per_1k) and np.isnan(before.ci_high_loaded_per_1k)
    assert after.ci_low_loaded_per_1k > 0 and after.ci_high_loaded_per_1k > after.ci_low_loaded_per_1k


# Two outlets on one event: Heated's articles use loaded words, Calm's do not. The sentences of an
# article are alike, as in news, where an article's sentences share its writer and angle.
PLAIN = "Officials met in Baghdad on Monday to discuss the troops."
LOADED = "Officials met in Baghdad on Monday to discuss the brutal regime."


def one_event(n_articles: int, sentences_each: int = 12) -> tuple[pd.DataFrame, pd.DataFrame]:
    def heated(k: int) -> str:  # mostly loaded, a few plain sentences more in some articles than in others
        return " ".join([LOADED] * (sentences_each - k % 3) + [PLAIN] * (k % 3))

    rows = [(f"c{k}", "Calm", "2020-01-05", " ".join([PLAIN] * sentences_each)) for k in range(n_articles)]
    rows += [(f"h{k}", "Heated", "2020-01-05", heated(k)) for k in range(n_articles)]
    corpus = articles(*rows)
    totals = article_totals(score_articles(corpus, LEXICON)[0])
    events = pd.DataFrame({"article_id": corpus["article_id"], "event_id": "E1"})
    return totals, events


def test_an_outlet_of_one_article_gets_no_interval_and_one_of_many_does():
    one, _ = one_event(1)
    assert outlet_intervals(one)[["ci_low_loaded_per_1k", "ci_high_loaded_per_1k"]].isna().all().all()
    many, _ = one_event(6)
    heated = outlet_intervals(many).set_index("outlet").loc["Heated"]
    assert 0 < heated.ci_low_loaded_per_1k <= heated.ci_high_loaded_per_1k


def test_more_sentences_per_article_do_not_narrow_the_interval_but_more_articles_do():
    # Heated's articles: half all loaded, half all plain. The article is the unit, so writing each
    # article twice as long says nothing new about the outlet; twice the articles does.
    def heated(n_articles: int, sentences_each: int) -> pd.Series:
        texts = [" ".join([LOADED if k % 2 else PLAIN] * sentences_each) for k in range(n_articles)]
        corpus = articles(*[(f"h{k}", "Heated", "2020-01-05", text) for k, text in enumerate(texts)])
        return outlet_intervals(article_totals(score_articles(corpus, LEXICON)[0])).iloc[0]

    def width(row: pd.Series) -> float:
        return row.ci_high_loaded_per_1k - row.ci_low_loaded_per_1k

    six, six_longer, twelve = heated(6, 12), heated(6, 24), heated(12, 12)
    assert width(six_longer) == pytest.approx(width(six))
    assert width(twelve) < 0.8 * width(six)


def test_an_interval_from_two_articles_covers_the_outlets_mean_about_95_times_in_100():
    # Simulated outlets: each article has a tone of its own (spread 0.1) and its sentences vary around
    # it (0.2). A percentile bootstrap of two articles would cover about half the time.
    rng = np.random.default_rng(3)
    covered = []
    for _ in range(1000):
        n_sentences = rng.integers(5, 40, size=2).astype(float)
        article_tone = rng.normal(0.0, 0.1, size=2)
        sums = np.array(
            [(tone + rng.normal(0, 0.2, int(n))).sum() for tone, n in zip(article_tone, n_sentences, strict=True)]
        )
        low, high = interval_over_articles(sums, n_sentences, bounds=(-1.0, 1.0))
        covered.append(low <= 0.0 <= high)
    assert 0.92 <= np.mean(covered) <= 0.98


def test_articles_without_own_words_or_without_spread_give_no_interval():
    assert all(np.isnan(interval_over_articles(np.array([0.0, 0.0, 0.0]), np.array([50.0, 80.0, 20.0]))))
    assert all(np.isnan(interval_over_articles(np.array([2.0, 0.0]), np.array([100.0, 0.0]), 1000)))
    low, high = interval_over_articles(np.array([0.0, 1.0, 0.0]), np.array([100.0, 100.0, 100.0]), 1000, (0, np.inf))
    assert low == 0.0 and high > 10  # clipped at the lowest rate there is


def test_one_article_against_another_cannot_be_told_from_chance_however_many_sentences():
    totals, events = one_event(1, sentences_each=30)
    contrasts = event_contrasts(totals, events).set_index(["outlet", "metric"])
    heated = contrasts.loc[("Heated", "loaded_per_1k")]
    assert heated.outlet_value > 0 and heated.rest_value == 0
    assert (heated.n_articles, heated.n_articles_rest, heated.n_sentences) == (1, 1, 30)
    assert heated.p_value > 0.4  # one shuffle of two articles in two is as extreme as what was seen
    assert np.isnan(heated.ci_low)


def test_many_articles_that_agree_make_a_difference_unlikely_to_be_chance():
    totals, events = one_event(8)
    contrasts = event_contrasts(totals, events).set_index(["outlet", "metric"])
    heated = contrasts.loc[("Heated", "loaded_per_1k")]
    assert heated.p_value < 0.01 and heated.ci_low > heated.rest_value
    assert set(contrasts.index.get_level_values("metric")) == {"polarity", "subjectivity", "loaded_per_1k"}


def test_cohens_d_from_sums_is_cohens_d_of_the_values():
    group, rest = np.array([0.2, 0.5, 0.1, 0.4]), np.array([-0.1, 0.0, 0.3, -0.2, 0.1])
    pooled = np.sqrt(
        ((len(group) - 1) * group.var(ddof=1) + (len(rest) - 1) * rest.var(ddof=1)) / (len(group) + len(rest) - 2)
    )
    sums = [(len(v), v.sum(), (v**2).sum()) for v in (group, rest)]
    assert cohens_d(*sums) == pytest.approx((group.mean() - rest.mean()) / pooled)
    assert np.isnan(cohens_d((3, 0.3, 0.03), (3, 0.3, 0.03)))  # no spread: no effect size


def test_with_few_articles_every_assignment_is_counted_so_p_is_exact():
    # Four articles, one per outlet: 24 ways to give them out. The most extreme outlet's p is 1/4.
    groups = np.array([0, 1, 2, 3])
    _, p_values, _ = group_permutation_tests(groups, np.array([9.0, 1.0, 2.0, 3.0]), np.array([100.0] * 4))
    # Rates 0.09, 0.01, 0.02, 0.03: the first is beaten only by itself, the last by every article.
    assert p_values.tolist() == [0.25, 0.5, 0.75, 1.0]


def test_adjusted_p_values_keep_outlets_that_write_alike_from_looking_different(monkeypatch):
    # Ten outlets of eight articles each, all drawn alike: raw p-values find a "difference" below 0.05
    # in many such events; adjusted for comparing the ten, about one in twenty.
    monkeypatch.setattr(compare, "PERMUTATIONS", 400)
    rng = np.random.default_rng(11)
    groups = np.repeat(np.arange(10), 8)
    raw_hits, adjusted_hits = 0, 0
    for k in range(300):
        sentences = rng.integers(5, 30, size=80).astype(float)
        tone = rng.normal(0.0, 0.1, size=80) * sentences
        _, raw, adjusted = group_permutation_tests(groups, tone, sentences, name=f"null{k}")
        raw_hits += raw.min() < 0.05
        adjusted_hits += adjusted.min() < 0.05
    assert raw_hits / 300 > 0.25 and adjusted_hits / 300 < 0.085  # 0.05 and three standard errors


def test_a_clear_difference_of_a_large_outlet_survives_the_adjustment_beside_outlets_of_one_short_article():
    # Outlet 0: 40 articles, clearly more positive; outlet 1: 40 alike articles; outlets 2-5: one short
    # article each, whose wide swings must not set the bar for the large outlets.
    rng = np.random.default_rng(3)
    groups = np.r_[np.zeros(40, dtype=int), np.ones(40, dtype=int), 2, 3, 4, 5]
    sentences = np.where(groups < 2, 25, 4).astype(float)
    tone = (rng.normal(0, 0.15, len(groups)) + np.where(groups == 0, 0.15, 0)) * sentences
    _, raw, adjusted = group_permutation_tests(groups, tone, sentences, name="large and small")
    assert raw[0] < 0.01 and adjusted[0] < 0.01
    assert (adjusted >= raw).all()


def test_a_small_outlet_in_a_large_event_is_shuffled_not_given_the_normal_limit():
    rng = np.random.default_rng(5)
    groups = np.r_[np.zeros(2, dtype=int), np.ones(6000, dtype=int)]
    polarity = np.r_[[0.6, 0.5], rng.normal(0, 0.3, 6000)]
    _, p_values, _ = group_permutation_tests(groups, polarity, name="small")
    assert (p_values[0] * (1 + compare.PERMUTATIONS)).is_integer()  # a count of shuffles, not erfc


def test_a_large_planted_difference_gets_a_small_permutation_p_value_and_none_a_large_one():
    group = np.array([1] * 20 + [0] * 20)  # group 1 against group 0
    _, p_planted, _ = group_permutation_tests(group, np.array([1.0] * 20 + [0.0] * 20), name="planted")
    _, p_none, _ = group_permutation_tests(group, np.array([1.0, 0.0] * 20), name="none")
    assert p_planted[1] < 0.01 and p_none[1] > 0.5


def test_aligned_statements_pair_the_same_fact_across_outlets_once():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Parliament voted to expel the US troops. The weather was cold."),
        ("b", "Daily", "2020-01-05", "The parliament voted to expel US troops. Markets rose."),
    )
    sentences, _ = score_articles(corpus, LEXICON)
    pairs = align_statements(sentences, group_events(corpus, sentences=sentences))
    assert pairs[["text_a", "text_b"]].values.tolist() == [
        ["The parliament voted to expel US troops.", "Parliament voted to expel the US troops."]
    ]


def test_a_statement_three_outlets_tell_in_their_own_words_is_one_shared_statement():
    corpus = articles(
        ("a", "Wire", "2020-01-05", "Parliament voted to expel the US troops on Sunday. The weather was cold."),
        ("b", "Daily", "2020-01-05", "The parliament voted on expelling US troops. Markets rose sharply."),
        ("c", "Post", "2020-01-06", "Lawmakers in parliament voted to expel American troops. Fans cheered loudly."),
    )
    sentences, _ = score_articles(corpus, LEXICON)
    shared = shared_statements(sentences, group_events(corpus, sentences=sentences))
    first = shared[shared["statement"] == 1]
    assert list(first["outlet"]) == ["Daily", "Post", "Wire"] and set(first["n_outlets"]) == {3}
    assert all(text.endswith("troops.") or "troops on Sunday" in text for text in first["text"])
    # Words are compared by stem ("expel", "expelling") and shown as written.
    assert set(first["shared"].iloc[0].split(", ")) >= {"expel", "parliament", "troops", "voted"}
    assert not shared["text"].str.contains("weather|Markets|Fans").any()  # told by one outlet only


def test_wire_copy_reprinted_by_two_outlets_is_one_statement_with_similarity_one():
    text = "The ministry confirmed the strike killed two commanders."
    corpus = articles(
        ("a", "Wire", "2020-01-05", text + " It rained."), ("b", "Daily", "2020-01-05", text + " Markets fell.")
    )
    sentences, _ = score_articles(corpus, LEXICON)
    shared = shared_statements(sentences, group_events(corpus, sentences=sentences))
    assert shared[["outlet", "text"]].values.tolist() == [["Daily", text], ["Wire", text]]
    assert shared["similarity"].tolist() == pytest.approx([1.0, 1.0])


@pytest.fixture(scope="module")
def seed_tables(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "reports"
    CliRunner().invoke(main, ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(LEXICONS), "--out", str(out)])

    def read(name):
        with open(out / "tables" / name, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))

    return out, read


def test_the_four_2020_seed_articles_form_one_event_and_the_2024_one_stands_apart(seed_tables):
    _, read = seed_tables
    events = {row["article_id"]: row["event_id"] for row in read("events.csv")}
    assert events["rt-republished-2024-01-05.txt"] != events["gtv-news-2020-01-15.txt"]
    assert len({events[a] for a in events if "2020" in a}) == 1


def test_the_seed_actors_are_found_in_every_article_that_names_them(seed_tables):
    _, read = seed_tables
    found = {(row["outlet"], row["actor"]) for row in read("actors.csv")}
    names = {
        "United States": "US",
        "Iraq": "Iraq",
        "Iran": "Iran",
        "Soleimani": "Soleimani",
        "Trump": "Trump",
        "Iraqi parliament": "parliament",
    }
    sentences = read("sentences.csv")
    for outlet in sorted({row["outlet"] for row in sentences}):
        text = " ".join(row["text"] for row in sentences if row["outlet"] == outlet)
        for actor, name in names.items():
            if name in text:
                assert (outlet, actor) in found, (outlet, actor)


def test_the_labels_matrix_shows_the_outlets_different_words_for_the_killing(seed_tables):
    out, read = seed_tables
    killing = {(row["outlet"], row["label"]) for row in read("labels.csv") if row["concept"] == "the killing"}
    assert ("GTV News", "assassinat*") in killing and ("Sputnik", "assassinat*") not in killing
    assert ("Salam Web Today", "strike") in killing
    page = (out / "events" / "e1.html").read_text()
    assert "GTV News calls the killing “assassination” (assassinat*) 3 times" in page


def test_for_large_samples_the_normal_limit_agrees_with_shuffling(monkeypatch):
    rng = np.random.default_rng(7)
    groups = rng.integers(0, 3, 6000)
    words = rng.integers(5, 40, 6000).astype(float)
    hits = rng.poisson(words * np.where(groups == 0, 0.012, 0.01))
    shuffled = group_permutation_tests(groups, hits, words, 1000, name="t")
    monkeypatch.setattr(compare, "PERMUTATION_EXACT_MAX_ROWS", 1000)
    normal = group_permutation_tests(groups, hits, words, 1000, name="t")
    assert np.allclose(shuffled[0], normal[0])
    assert np.allclose(shuffled[1], normal[1], atol=0.03)
    polarity = rng.normal(0, 0.3, 6000) + (groups == 1) * 0.02
    monkeypatch.setattr(compare, "PERMUTATION_EXACT_MAX_ROWS", 20_000)
    shuffled = group_permutation_tests(groups, polarity, name="p")
    monkeypatch.setattr(compare, "PERMUTATION_EXACT_MAX_ROWS", 1000)
    assert np.allclose(shuffled[1], group_permutation_tests(groups, polarity, name="p")[1], atol=0.03)


def test_a_share_interval_is_about_the_normal_interval_where_that_holds():
    low, high = share_interval(30, 200, name="x")
    half = 1.96 * np.sqrt(0.15 * 0.85 / 200)
    assert low < 0.15 < high
    assert abs(low - (0.15 - half)) < 0.015 and abs(high - (0.15 + half)) < 0.015


def test_a_frame_no_sentence_cues_still_has_an_upper_bound():
    # Not [0%, 0%]: 0 of 20 sentences is compatible with a share of up to about 16%.
    low, high = share_interval(0, 20)
    assert low == 0.0 and 0.15 < high < 0.17
    assert share_interval(20, 20)[1] == 1.0 and share_interval(20, 20)[0] < 0.85


def test_an_event_pages_labels_count_that_events_articles_only():
    tables = analyze(SEED_CORPUS, LEXICONS)
    widest = event_framing(
        tables.sentences, tables.annotations, tables.statements, tables.actor_mentions, tables.events, limit=1
    )
    (event,) = widest.event_ids
    members = set(tables.events.loc[tables.events["event_id"] == event, "article_id"])
    assert 0 < len(members) < len(tables.events)
    own = label_table(tables.annotations[tables.annotations["article_id"].isin(members)])
    pd.testing.assert_frame_equal(widest.labels[event], own)
    assert own["n"].sum() < label_table(tables.annotations)["n"].sum()


@pytest.mark.parametrize("seed", range(20))
def test_event_clusters_are_the_partition_of_sklearns_complete_linkage(seed):
    from sklearn.cluster import AgglomerativeClustering

    rng = np.random.default_rng(seed)
    points = rng.random((int(rng.integers(2, 40)), 2))
    distance = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))
    distance = (np.round(distance / distance.max() * 8) / 8).astype(np.float32)  # ties, some at the threshold
    for threshold in (0.25, 0.5, 0.875):
        expected = AgglomerativeClustering(
            n_clusters=None, distance_threshold=threshold, metric="precomputed", linkage="complete"
        ).fit_predict(distance)
        found = events_module.complete_linkage_clusters(distance.copy(), threshold)
        assert len(set(zip(expected, found, strict=True))) == len(set(expected)) == len(set(found))  # same groups


@pytest.fixture(scope="module")
def seed_analysis():
    return analyze(SEED_CORPUS, LEXICONS)


def test_a_sentences_n_hits_counts_its_narrative_unnegated_hits(seed_analysis):
    # outlet_intervals, event_contrasts and the frame counts rely on this instead of recounting the hits.
    sentences, hits = seed_analysis.sentences, seed_analysis.hits
    counted = hits[~hits["negated"] & (hits["voice"] == "narrative")]
    per_sentence = counted.groupby(["article_id", "sentence_id"]).size()
    keys = pd.MultiIndex.from_arrays([sentences["article_id"], sentences["sentence_id"]])
    assert per_sentence.sum() > 0
    assert per_sentence.reindex(keys, fill_value=0).tolist() == sentences["n_hits"].tolist()


def test_sentences_by_event_are_what_a_merge_with_the_events_gives(seed_analysis):
    sentences, events = seed_analysis.sentences, seed_analysis.events
    merged = sentences.merge(events[["article_id", "event_id"]], on="article_id")
    expected = {event: group[["article_id", "text"]] for event, group in merged.groupby("event_id", sort=True)}
    found = dict(events_module.sentences_by_event(sentences, events, ["article_id", "text"]))
    assert list(found) == list(expected) and len(found) == 2
    for event, group in found.items():
        assert group.to_numpy().tolist() == expected[event].to_numpy().tolist()
    cut = dict(events_module.sentences_by_event(sentences, events, ["text"], most=3))
    assert [len(group) for group in cut.values()] == [3, 3]


def test_who_is_quoted_and_how_counted_in_two_parts_and_added_up_is_what_all_statements_give(seed_analysis):
    statements = seed_analysis.statements
    # Cut within each article, so that every outlet's sources have statements in both parts.
    odd = (statements["sentence_id"] % 2 == 1).to_numpy()
    parts = [statements[odd], statements[~odd]]
    assert set(parts[0]["outlet"]) == set(parts[1]["outlet"]) == set(statements["outlet"])

    sources = speakers.sources_of_parts(speakers.source_counts(part) for part in parts)
    assert sources.equals(speakers.sources_by_outlet(statements))
    assert sources.equals(seed_analysis.sources)
    assert (sources["n_quotes"] + sources["n_reported"]).sum() == len(statements)
    attribution = speakers.attribution_table_of_parts(speakers.attribution_counts(part) for part in parts)
    assert attribution.equals(attribution_table(statements))
    assert attribution["verbs"].str.contains(r" [2-9]").any()  # some verb's count adds up uses of both parts


def test_frame_shares_count_each_cued_sentence_once_per_frame(seed_analysis):
    sentences, annotations, events = seed_analysis.sentences, seed_analysis.annotations, seed_analysis.events
    cues = annotations[annotations["kind"] == "frame"][["article_id", "sentence_id", "key"]].astype(
        {"article_id": str, "key": str}
    )
    with_event = sentences[["article_id", "sentence_id", "outlet"]].merge(events[["article_id", "event_id"]])
    cued = cues.drop_duplicates().merge(with_event).groupby(["event_id", "outlet", "key"]).size()
    sizes = with_event.groupby(["event_id", "outlet"]).size()
    frames = seed_analysis.frames.set_index(["event_id", "outlet", "frame"])
    assert len(cued) > 0 and len(frames) == len(sizes) * len(FRAME_DIMENSIONS)
    for (event, outlet, frame), row in frames.iterrows():
        assert row["n_sentences"] == cued.get((event, outlet, frame), 0)
        assert row["share"] == pytest.approx(row["n_sentences"] / sizes[(event, outlet)])


def test_article_frames_count_each_cued_sentence_once_and_list_only_cued_frames():
    sentences = pd.DataFrame(
        {
            "article_id": ["b", "b", "a", "a", "a", "a"],
            "outlet": ["Y", "Y", "X", "X", "X", "X"],
            "sentence_id": [0, 1, 0, 1, 2, 3],
        }
    )
    annotations = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b", "a"],
            "sentence_id": [0, 0, 2, 1, 1],
            "kind": ["frame", "frame", "frame", "frame", "actor"],
            "key": ["economic", "economic", "political", "economic", "United States"],
        }
    )
    table = article_frame_table(sentences, annotations)
    assert table.to_dict("records") == [
        {"article_id": "a", "outlet": "X", "frame": "economic", "n_sentences": 1, "share": 0.25},
        {"article_id": "a", "outlet": "X", "frame": "political", "n_sentences": 1, "share": 0.25},
        {"article_id": "b", "outlet": "Y", "frame": "economic", "n_sentences": 1, "share": 0.5},
    ]


def test_article_frames_add_up_to_the_event_frame_counts(seed_analysis):
    per_article = seed_analysis.article_frames.merge(seed_analysis.events[["article_id", "event_id"]])
    summed = per_article.groupby(["event_id", "outlet", "frame"])["n_sentences"].sum()
    frames = seed_analysis.frames.set_index(["event_id", "outlet", "frame"])["n_sentences"]
    assert len(summed) > 0 and (frames[frames > 0].sort_index() == summed.sort_index()).all()
    assert (seed_analysis.article_frames["n_sentences"] > 0).all()


def test_sentences_are_found_the_same_in_blocks_of_any_size(seed_analysis):
    sentences, annotations = seed_analysis.sentences, seed_analysis.annotations
    wanted = pd.concat(
        [
            annotations[["article_id", "sentence_id"]],
            pd.DataFrame({"article_id": ["no such article", sentences["article_id"][0]], "sentence_id": [1, 10**6]}),
        ],
        ignore_index=True,
    )
    whole = sentence_rows(sentences, wanted)
    assert (whole[:-2] >= 0).all() and (whole[-2:] == -1).all()
    found = sentences.iloc[whole[:-2]]
    assert found["sentence_id"].tolist() == annotations["sentence_id"].tolist()
    for block in (1, 7):
        assert sentence_rows(sentences, wanted, block=block).tolist() == whole.tolist()
        as_category = wanted.astype({"article_id": "category"})
        assert sentence_rows(sentences, as_category, block=block).tolist() == whole.tolist()


def test_the_tfidf_vectors_events_take_from_the_sentences_are_those_of_the_clean_texts(seed_analysis):
    # So event grouping gives the events of the clean texts, which need not be kept for it.
    cleaned, _ = clean_corpus(SEED_CORPUS, LEXICONS)
    cleaned = cleaned.sort_values("article_id", kind="stable")
    vectorizer = events_module._vectorizer()
    expected = vectorizer.fit_transform(cleaned["text"])
    matrix, terms = events_module.article_tfidf(seed_analysis.sentences, cleaned["article_id"])
    assert terms.tolist() == vectorizer.get_feature_names_out().tolist()
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(matrix, part), getattr(expected, part)), part


def test_article_tfidf_is_sklearns_tfidf_of_the_joined_sentences_to_the_last_bit(seed_analysis):
    sentences = seed_analysis.sentences
    in_order = [*sorted(sentences["article_id"].unique()), "an article without sentences"]
    for ids in (in_order, in_order[::-1]):
        texts = ["\n".join(sentences.loc[sentences["article_id"] == article_id, "text"]) for article_id in ids]
        vectorizer = events_module._vectorizer()
        expected = vectorizer.fit_transform(texts)
        for block in (1, 2, 100_000):
            matrix, terms = events_module.article_tfidf(sentences, ids, block=block)
            assert terms.tolist() == vectorizer.get_feature_names_out().tolist()
            assert matrix.shape == expected.shape
            assert matrix.getrow(ids.index("an article without sentences")).nnz == 0
            # Same entries in the same order: the events' distances then agree to the last bit.
            for part in ("indptr", "indices", "data"):
                assert np.array_equal(getattr(matrix, part), getattr(expected, part)), (part, block)


def test_an_actor_mention_in_a_sentence_the_table_lacks_counts_as_a_mention_not_a_sentence(seed_analysis):
    sentences, hits, annotations = seed_analysis.sentences, seed_analysis.hits, seed_analysis.annotations
    mention = annotations[annotations["kind"] == "actor"].iloc[0]
    in_sentence = (annotations["article_id"] == mention["article_id"]) & (
        annotations["sentence_id"] == mention["sentence_id"]
    )
    actors_there = set(annotations.loc[in_sentence & (annotations["kind"] == "actor"), "key"])
    lacking = sentences[
        (sentences["article_id"] != mention["article_id"]) | (sentences["sentence_id"] != mention["sentence_id"])
    ].reset_index(drop=True)
    key = ["outlet", "actor"]
    whole = actors_of(sentences, hits, annotations).set_index(key)
    partial = actors_of(lacking, hits, annotations).set_index(key)
    for actor in actors_there:
        before, after = whole.loc[(mention["outlet"], actor)], partial.loc[(mention["outlet"], actor)]
        assert after["mentions"] == before["mentions"]
        assert after["sentences"] == before["sentences"] - 1


def test_the_term_counts_of_partitions_added_up_give_the_tfidf_matrix_of_all_articles_to_the_bit():
    # A large run counts each partition's words alone, each numbering its terms in the order it meets
    # them, and adds up the counts; the matrix, and so the events, must not depend on the cut.
    corpus = articles(
        ("a1", "Outlet A", "2020-01-05", "Troops left the base at dawn."),
        ("a2", "Outlet B", "2020-01-05", "Parliament voted on the troops."),
        ("a3", "Outlet C", "2020-01-06", "At dawn parliament voted to expel the troops from the base."),
        ("a4", "Outlet A", "2020-01-06", "The base is empty; troops left it at dawn."),
    )
    sentences = score_articles(corpus, LEXICON)[0]
    ids = ["a1", "a2", "a3", "a4"]
    whole, terms = events_module.article_tfidf(sentences, ids)
    parts = [events_module.term_counts(sentences[sentences["article_id"].isin(cut)]) for cut in (["a1"], ids[1:])]
    assert parts[1].terms[:3] == ["parliament", "voted", "troops"]  # troops came first in the first part
    added, added_terms = events_module.tfidf_of_parts(parts, ids)
    assert list(added_terms) == list(terms)
    for name in ("indptr", "indices", "data"):
        assert getattr(added, name).tobytes() == getattr(whole, name).tobytes(), name


def test_the_sentences_alignment_reads_of_partitions_joined_are_those_it_reads_of_all_articles():
    # Alignment and shared statements read an event's first sentences only, of events of two outlets
    # or more: each partition's first ones, joined in article order, hold the first ones of all.
    corpus = many_stories(4)  # a sentence per article, three articles per story
    sentences = score_articles(corpus, LEXICON)[0]
    events = corpus[["article_id", "outlet"]].assign(event_id=corpus["article_id"].str[:4])
    events.loc[events["event_id"] == "s003", "outlet"] = "Outlet 0"  # an event told by one outlet
    whole = events_module.sentences_in_events(sentences, events, most=2)
    assert whole["article_id"].tolist() == ["s000-0", "s000-1", "s001-0", "s001-1", "s002-0", "s002-1"]
    cuts = (
        ["s000-0", "s000-1", "s001-0"],
        ["s001-1", "s001-2", "s002-0"],
        ["s002-1", "s002-2", "s003-0", "s003-1", "s003-2"],
    )
    parts = [
        events_module.sentences_in_events(sentences[sentences["article_id"].isin(ids)], events, most=2) for ids in cuts
    ]
    assert parts[1]["article_id"].tolist() == ["s001-1", "s001-2", "s002-0"]  # its own first ones of each event
    joined = pd.concat(parts, ignore_index=True)
    first = [events_module.sentences_by_event(table, events, ["article_id"], most=2) for table in (joined, whole)]
    assert [(e, g["article_id"].tolist()) for e, g in first[0]] == [(e, g["article_id"].tolist()) for e, g in first[1]]


def test_the_word_counts_of_partitions_added_up_give_the_names_and_distinctive_terms_of_all_sentences():
    from pipeline.framing.annotations import distinctive_terms, distinctive_terms_of_parts, outlet_term_counts
    from pipeline.text.candidates import name_like_words, names_of_parts, written_counts

    says = {
        "Outlet A": "The regime in Tehran sent its militias; the regime denies the militias exist.",
        "Outlet B": "Iran's government said the resistance forces defend Iraq; the government praised them.",
    }
    rows = [
        (f"a{k}", outlet, "2020-01-05", f"{text} Baghdad report {k}.") for k, (outlet, text) in enumerate(says.items())
    ]
    rows += [(f"b{k}", outlet, "2020-01-06", text) for k, (outlet, text) in enumerate(says.items())]
    rows += [(f"c{k}", "Outlet A", "2020-01-07", "The regime's militias fired at Baghdad.") for k in range(2)]
    sentences = score_articles(articles(*rows), LEXICON)[0]
    cuts = [sentences[sentences["article_id"].str[0] == letter] for letter in "abc"]
    whole = distinctive_terms(sentences)
    assert {"regime", "government"} <= set(whole["term"]) and whole["outlet"].nunique() == 2
    pd.testing.assert_frame_equal(distinctive_terms_of_parts(outlet_term_counts(cut) for cut in cuts), whole)
    names = name_like_words(sentences["text"])
    assert {"tehran", "baghdad"} <= names and names_of_parts(written_counts(cut["text"]) for cut in cuts) == names


def test_an_articles_event_terms_found_in_one_call_are_sklearns_tokens_of_each_sentence_in_turn():
    sentences = [
        "Iran's so-called 'retaliation' began at 3am—Tehran said.",
        "ÉLITE forces didn't 2nd-guess the U.S.-led strike",
        "They were there; it was all of them.",
    ]
    analyze = events_module._vectorizer().build_analyzer()
    expected = [token for sentence in sentences for token in analyze(sentence)]
    assert events_module._article_tokens()("\n".join(sentences)) == expected
    assert "were" not in expected and "élite" in expected  # stop words out, non-ASCII words in
