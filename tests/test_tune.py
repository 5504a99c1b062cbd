"""The tuning loop: kwic, per-entry statistics, suggestions, log-odds, and what changed between runs."""

import math
from collections import Counter

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.measuring.score import outlet_scores, score_articles
from pipeline.measuring.statistics import log_odds_dirichlet, term_counts
from pipeline.reading.lexicons import Lexicon, parse_term_lexicon
from pipeline.text import candidates
from pipeline.text.candidates import candidate_counts, candidate_terms, name_like_words
from pipeline.tuning import tune
from pipeline.tuning.tune import (
    _text_without_hits,
    changes_since,
    keyword_in_context,
    lexicon_stats,
    run_snapshot,
    suggest_terms,
    suggestions_as_lexicon,
    suggestions_from,
)


def lexicon_of(*lines):
    entries, problems = parse_term_lexicon("term,category,weight\n" + "\n".join(lines) + "\n", "test.csv")
    assert problems == []
    return Lexicon(tuple(entries))


ARTICLES = pd.DataFrame(
    {
        "article_id": ["a.txt", "b.txt"],
        "outlet": ["Wire", "Daily"],
        "text": [
            "The regime struck at dawn. “The regime lies,” he said.\nThe strike was not a massacre.",
            "Officials said the drone strike hit a convoy. Critics called it a massacre of civilians.",
        ],
    }
)
LEXICON = lexicon_of("regime,delegitimizing,2", "massacre,dysphemism,3", "drone strike,euphemism,1")


def test_kwic_shows_context_and_the_entry_that_fires_grouped_by_outlet():
    table = keyword_in_context(ARTICLES, LEXICON, "massacre", window=3)
    assert list(zip(table.outlet, table.left, table.match, table.right, table.entry, table.negated, strict=True)) == [
        ("Daily", "called it a", "massacre", "of civilians", "massacre", False),
        ("Wire", "was not a", "massacre", "", "massacre", True),
    ]


def test_kwic_says_when_a_longer_entry_takes_the_words_or_none_fires():
    table = keyword_in_context(ARTICLES, LEXICON, "strike*", window=2)
    assert list(zip(table.outlet, table.match, table.entry, strict=True)) == [
        ("Daily", "strike", "drone strike"),
        ("Wire", "strike", ""),
    ]


def test_kwic_marks_quoted_occurrences_and_filters_by_outlet():
    table = keyword_in_context(ARTICLES, LEXICON, "regime", outlet="Wire")
    assert list(table.voice) == ["narrative", "quote"]


def test_lexicon_stats_count_each_entry_by_voice_and_outlet_and_show_silent_entries():
    _, hits = score_articles(ARTICLES, LEXICON)
    stats = lexicon_stats(LEXICON, hits).set_index("term")
    assert stats.loc["regime", ["n_hits", "narrative", "quote", "negated", "by_outlet"]].tolist() == [
        2,
        1,
        1,
        0,
        "Wire 2",
    ]
    assert stats.loc["massacre", ["narrative", "negated", "n_outlets"]].tolist() == [1, 1, 2]
    assert stats.loc["drone strike", "n_hits"] == 1


def test_log_odds_with_a_dirichlet_prior_matches_a_hand_computation():
    counts = pd.DataFrame({"group": [3, 1], "rest": [1, 3]}, index=["war", "peace"])
    result = log_odds_dirichlet(counts)
    # alpha = corpus counts (4, 4), alpha0 = 8, n_group = n_rest = 4
    delta = math.log((3 + 4) / (4 + 8 - 3 - 4)) - math.log((1 + 4) / (4 + 8 - 1 - 4))
    assert result.loc["war", "log_odds"] == pytest.approx(delta)
    assert result.loc["war", "z"] == pytest.approx(delta / math.sqrt(1 / 7 + 1 / 5))
    assert result.loc["peace", "log_odds"] == pytest.approx(-delta)


def test_suggestions_are_uncovered_distinctive_words_with_contexts_and_no_names():
    sentences = pd.DataFrame(
        {
            "article_id": ["a"] * 3 + ["b"] * 3,
            "sentence_id": [1, 2, 3] * 2,
            "outlet": ["Wire"] * 3 + ["Daily"] * 3,
            "text": [
                "Soldiers brutally crushed the protest, said Pompeo.",
                "Again they brutally crushed dissent, Pompeo said.",
                "The regime fell.",
                "Troops arrived in the capital on Monday.",
                "Troops stayed calm, Pompeo said.",
                "Talks resumed.",
            ],
        }
    )
    lexicon = lexicon_of("regime,delegitimizing,2")
    _, hits = score_articles(
        pd.DataFrame({"article_id": ["a", "b"], "outlet": ["Wire", "Daily"], "text": ["The regime fell.", "Talks."]}),
        lexicon,
    )
    suggestions = suggest_terms(sentences, hits.iloc[0:0], lexicon, outlet="Wire")
    assert list(suggestions.term[:3]) == ["brutally", "brutally crushed", "crushed"]
    assert "pompeo" not in set(suggestions.term) and "regime" not in set(suggestions.term)
    assert suggestions.example_1[0] == "Soldiers brutally crushed the protest, said Pompeo."
    pasted = suggestions_as_lexicon(suggestions)
    assert list(pasted.columns) == ["term", "category", "weight", "note"]
    assert pasted.note[0].startswith("suggested: typical of Wire (z=")


def test_suggestions_of_partitions_counted_and_their_examples_taken_in_order_are_those_of_all_sentences():
    # Three articles of one outlet in two partitions (article order): the counts add up across them,
    # and the examples are the first two sentences in article order, one from each partition.
    texts = {
        ("a", "Wire"): ["Soldiers brutally crushed the protest.", "The regime fell."],
        ("b", "Wire"): ["Again they brutally crushed dissent."],
        ("c", "Daily"): ["Troops arrived in the capital.", "Talks resumed."],
        ("d", "Wire"): ["Police brutally crushed a march.", "Talks resumed."],
    }
    sentences = pd.DataFrame(
        [
            {"article_id": article, "sentence_id": k, "outlet": outlet, "text": text}
            for (article, outlet), lines in texts.items()
            for k, text in enumerate(lines, start=1)
        ]
    )
    no_hits = sentences.iloc[0:0].assign(start=0, end=0)
    whole = suggestions_from(sentences, no_hits, ("regime",), frozenset())
    first, second = sentences[sentences["article_id"] <= "a"], sentences[sentences["article_id"] > "a"]

    suggested = tune.suggested_terms_of_parts(
        (tune.uncovered_counts(part, no_hits, frozenset()) for part in (first, second)), ("regime",)
    )
    parted = tune.suggestions_of_parts(
        (tune.suggestion_examples(part, suggested) for part in (first, second)), suggested
    )
    assert parted.equals(whole)
    brutally = parted.set_index(["outlet", "term"]).loc[("Wire", "brutally")]
    assert brutally["n_outlet"] == 3  # a, b and d
    assert (brutally["example_1"], brutally["example_2"]) == (texts[("a", "Wire")][0], texts[("b", "Wire")][0])


def scores_with(lexicon):
    sentences, hits = score_articles(ARTICLES, lexicon)
    outlets = outlet_scores(ARTICLES, sentences, hits, lexicon.categories)
    return run_snapshot(lexicon, outlets, term_counts(hits, outlets))


def test_the_first_run_has_nothing_to_compare_with():
    assert changes_since(None, scores_with(LEXICON))["first_run"] is True


def test_an_edited_lexicon_line_shows_as_a_change_with_the_terms_that_moved_the_scores():
    before = scores_with(LEXICON)
    after = scores_with(lexicon_of("regime,delegitimizing,3", "massacre,dysphemism,3", "convoy,emotive,1"))
    changes = changes_since(before, after)
    assert [(e["term"], e["change"]) for e in changes["entries"]] == [
        ("regime", "re-weighted"),
        ("convoy", "added"),
        ("drone strike", "removed"),
    ]
    assert [(t["outlet"], t["term"], t["before"], t["after"], t["cause"]) for t in changes["terms"]] == [
        ("Daily", "convoy", 0, 1, "added"),
        ("Daily", "drone strike", 1, 0, "removed"),
        ("Wire", "regime", 1, 1, "re-weighted"),
    ]
    moved = {(o["outlet"], o["metric"]) for o in changes["outlets"]}
    assert ("Wire", "loaded_weight_per_1k") in moved and ("Daily", "loaded_per_1k_emotive") in moved


def test_an_unchanged_run_reports_no_change():
    snapshot = scores_with(LEXICON)
    assert changes_since(snapshot, snapshot) == {"first_run": False, "entries": [], "outlets": [], "terms": []}


@given(st.lists(st.text(alphabet="ab’'s -.\nIRAQ2", max_size=40), max_size=5))
def test_candidate_counts_over_many_texts_equal_the_counts_text_by_text(texts):
    assert candidate_counts(texts) == Counter(term for text in texts for term in candidate_terms(text))


@pytest.mark.parametrize("block", [1, 2, 3])
def test_words_counted_block_by_block_give_the_counts_of_all_texts_at_once(block, monkeypatch):
    texts = pd.Series(
        ["Pompeo said the strike was legal.", "Officials met Pompeo in Baghdad.", "", "strike was legal", "Baghdad."]
    )
    at_once = candidate_counts(texts.tolist()), name_like_words(texts)
    monkeypatch.setattr(candidates, "TEXT_BLOCK", block)
    assert (candidate_counts(texts), name_like_words(texts)) == at_once
    assert (candidate_counts(iter(texts)), name_like_words(iter(texts))) == at_once


def test_a_suggested_phrase_never_runs_across_a_removed_hit():
    sentences = pd.DataFrame(
        {"article_id": ["a"], "outlet": ["X"], "sentence_id": [1], "text": ["fierce brutal attacks continued"]}
    )
    hits = pd.DataFrame({"article_id": ["a"], "sentence_id": [1], "start": [7], "end": [13]})
    uncovered = _text_without_hits(sentences, hits)
    assert "fierce attacks" not in candidate_counts(uncovered["text"])


def test_names_are_words_capitalized_away_from_the_start_of_a_sentence():
    texts = ["Pompeo said so.", "Officials met Pompeo.", "Strikes continued.", "The strikes went on.", "Baghdad."]
    names = name_like_words(texts)
    assert "pompeo" in names
    assert "strikes" not in names and "baghdad" not in names  # only ever first: no evidence


def test_an_outlet_is_found_in_any_case_and_spacing_and_an_unknown_one_lists_the_outlets():
    from pipeline.errors import MediaBiasError
    from pipeline.tuning.tune import outlet_named

    outlets = ["RT (republished by Tekstrens)", "Sputnik", "GTV News"]
    assert outlet_named("sputnik", outlets) == "Sputnik"
    assert outlet_named("gtv-news", outlets) == "GTV News"
    assert outlet_named("rt", outlets) == "RT (republished by Tekstrens)"
    with pytest.raises(MediaBiasError, match="'Reuters' is no outlet of the corpus; the outlets are: GTV News; RT"):
        outlet_named("Reuters", outlets)


def test_kwic_gives_each_occurrences_sentence_and_keeps_its_context_in_its_paragraph():
    table = keyword_in_context(ARTICLES, LEXICON, "massacre", window=8, outlet="wire")
    assert list(zip(table.article_id, table.sentence_id, table.left, table.right, strict=True)) == [
        ("a.txt", 3, "The strike was not a", ""),  # not "... he said. The strike ..." across the line break
    ]


def test_since_the_last_run_covers_an_edit_of_the_framing_lexicons(tmp_path):
    from conftest import LEXICONS

    from pipeline.reading.lexicons import read_framing_lexicons

    framing, _ = read_framing_lexicons(LEXICONS)
    outlets = pd.DataFrame(
        {"outlet": ["Wire"], "loaded_per_1k": [1.0], "loaded_weight_per_1k": [1.0], "quoted_per_1k": [0.0]}
    )
    terms = pd.DataFrame(columns=["outlet", "term", "n_hits", "weight"])
    labels = pd.DataFrame({"outlet": ["Wire"], "concept": ["the killing"], "label": ["murder*"], "n": [2]})
    before = run_snapshot(LEXICON, outlets, terms, framing, labels)
    (tmp_path / "labels.csv").write_text("concept,label,connotation\nthe killing,murder*,-0.5\n", encoding="utf-8")
    edited, _ = read_framing_lexicons(tmp_path)
    after = run_snapshot(LEXICON, outlets, terms, edited, labels.assign(n=[3]))
    changes = changes_since(before, after)
    reweighted = [e for e in changes["entries"] if e["change"] == "re-weighted"]
    assert [(e["term"], e["detail"]) for e in reweighted] == [("murder*", "weight -1 → -0.5, labels.csv:2")]
    assert [(t["term"], t["before"], t["after"]) for t in changes["terms"]] == [("murder* (the killing)", 2, 3)]


def test_words_of_opinion_come_before_the_events_own_vocabulary_and_reporting_verbs():
    texts = {
        "Wire": [
            "Troops fired on a brutal crackdown, officials announced.",
            "Troops saw a brutal night, officials announced.",
            "Troops, troops and troops again, officials announced.",
        ],
        "Daily": ["Troops arrived.", "Talks resumed."],
        "Post": ["Troops left.", "Rain fell."],
    }
    sentences = pd.DataFrame(
        [
            {"article_id": outlet, "sentence_id": k, "outlet": outlet, "text": text}
            for outlet, lines in texts.items()
            for k, text in enumerate(lines, start=1)
        ]
    )
    suggestions = suggestions_from(
        sentences, sentences.iloc[0:0].assign(start=0, end=0), (), frozenset(), outlet="Wire", reporting=("announced",)
    )
    kinds = dict(zip(suggestions.term, suggestions.kind, strict=True))
    assert kinds["brutal"] == "evaluative"  # TextBlob's pattern lexicon: subjectivity 1.0
    assert kinds["troops"] == "topic"  # every outlet writes it: the story, not its telling
    assert kinds["announced"] == "reporting verb"  # attribution.csv already reads it
    order = list(suggestions.term)
    assert order.index("brutal") < order.index("officials") < order.index("troops") < order.index("announced")
