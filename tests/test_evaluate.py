"""`mediabias evaluate` on the team's gold sample (tests/data/gold), against figures worked out by hand.

Hits of the six-entry lexicon in the two articles:
  a.txt (Wire):  regime, claimed, massacre (negated: "not a massacre"), thugs (inside a quote), so-called
  b.txt (Daily): brutal, massacre
Gold spans: regime, so-called ceasefire, These thugs must go (a quote), collapsed (no entry), brutal crackdown.
"""

import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.evaluate import GoldError, read_gold
from pipeline.run import evaluate_against_gold

GOLD = Path(__file__).parent / "data" / "gold"


SPANS = evaluate_against_gold((GOLD / "spans.csv").read_text(), "spans.csv", GOLD / "corpus", GOLD / "lexicons")


def score(evaluation, hit_set, group):
    row = evaluation.span_scores.set_index(["hit_set", "group"]).loc[(hit_set, group)]
    return row.gold_found, row.gold_spans, row.hits_in_gold, row.hits


def test_counting_every_hit_finds_four_of_five_phrases_with_four_of_seven_hits_inside():
    # found: regime, so-called ceasefire, These thugs must go, brutal crackdown; missed: collapsed
    # hits inside a marked phrase: regime, thugs, so-called, brutal (not claimed, massacre x2)
    assert score(SPANS, "all", "all") == (4, 5, 4, 7)


def test_leaving_out_the_negated_hit_raises_precision_only():
    assert score(SPANS, "not_negated", "all") == (4, 5, 4, 6)  # "not a massacre" no longer a false alarm


def test_counting_only_the_outlets_own_words_loses_the_quoted_phrase():
    # counted hits: regime, claimed, so-called, brutal, massacre (b); the quoted "thugs" does not count
    assert score(SPANS, "counted", "all") == (3, 5, 3, 5)
    assert SPANS.span_scores.set_index(["hit_set", "group"]).loc[("counted", "all"), "recall"] == pytest.approx(0.6)


def test_figures_per_outlet_and_category():
    assert score(SPANS, "counted", "outlet: Wire") == (2, 4, 2, 3)
    assert score(SPANS, "counted", "outlet: Daily") == (1, 1, 1, 2)
    assert score(SPANS, "counted", "category: delegitimizing") == (1, 2, 1, 1)  # gold category for recall
    assert score(SPANS, "counted", "category: doubt") == (1, 1, 1, 2)  # hit category for precision: claimed is outside
    assert score(SPANS, "counted", "category: dysphemism") == (0, 0, 0, 1)


def test_a_gold_span_given_by_offsets_is_used_as_is():
    placed = SPANS.gold_spans.set_index("text").loc["brutal crackdown"]
    assert (placed.article_id, placed.start, placed.end) == ("b.txt", 57, 73)


def test_misses_and_false_alarms_are_listed_with_context():
    assert list(SPANS.misses.text) == ["collapsed", "these thugs must go"]
    assert SPANS.misses.context[0].endswith("The so-called ceasefire [collapsed].")
    assert list(zip(SPANS.false_alarms.term, SPANS.false_alarms.category, strict=True)) == [
        ("claimed", "doubt"),
        ("massacre", "dysphemism"),
    ]


def test_sentence_gold_gives_auc_and_best_f1_of_the_loaded_score_beside_subjectivity():
    evaluation = evaluate_against_gold(
        (GOLD / "sentences.csv").read_text(), "sentences.csv", GOLD / "corpus", GOLD / "lexicons"
    )
    table = evaluation.sentence_scores.set_index("score")
    # loaded weights [5, 3, 0, 0 (negated), 2, 2], labels [1, 1, 0, 0, 0, 1]:
    # AUC = (3 + 3 + 2.5) / 9 pairs; best F1 at threshold 2: precision 3/4, recall 1 -> 6/7
    assert table.loc["loaded_weight", "auc"] == pytest.approx(8.5 / 9)
    assert table.loc["loaded_weight", "best_f1"] == pytest.approx(6 / 7)
    assert table.loc["loaded_weight", "threshold"] == 2.0
    assert 0 <= table.loc["subjectivity", "auc"] <= 1 and not math.isnan(table.loc["subjectivity", "best_f1"])


def test_a_gold_file_with_unknown_columns_is_a_clear_error():
    with pytest.raises(GoldError, match=r"gold.csv:1: gold needs the columns article,text"):
        read_gold("phrase,outlet\nregime,Wire\n", "gold.csv")


def test_the_command_prints_the_figures_and_writes_the_page(tmp_path):
    out = tmp_path / "evaluation"
    args = [
        "evaluate",
        "--gold",
        str(GOLD / "spans.csv"),
        "--corpus",
        str(GOLD / "corpus"),
        "--lexicons",
        str(GOLD / "lexicons"),
    ]
    result = CliRunner().invoke(main, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "counted      recall  60.0% (3/5 marked phrases found)   precision  60.0% (3/5 hits inside marked phrases)"
        in result.output
    )
    assert {p.name for p in out.iterdir()} == {
        ".mediabias-report.json",
        "index.html",
        "span_scores.csv",
        "misses.csv",
        "false_alarms.csv",
        "gold_spans.csv",
    }
    assert "These thugs must go" in (out / "index.html").read_text()
