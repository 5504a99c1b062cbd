"""`mediabias evaluate` on the team's gold sample (tests/data/gold), against figures worked out by hand.

Hits of the six-entry lexicon in the two articles:
  a.txt (Wire):  regime, claimed, massacre (negated: "not a massacre"), thugs (inside a quote), so-called
  b.txt (Daily): brutal, massacre
Gold spans: regime, so-called ceasefire, These thugs must go (a quote), collapsed (no entry), brutal crackdown.
"""

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.measuring.evaluate import GoldError, gold_labels, label_mapping, read_gold, text_scores
from pipeline.measuring.score import score_articles
from pipeline.reading.lexicons import read_lexicons
from pipeline.reports.report import write_evaluation
from pipeline.tuning.gold import evaluate_against_gold

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


def test_sentence_gold_gives_auc_and_best_f1_of_the_whole_lexicon_beside_the_baselines():
    evaluation = evaluate_against_gold(
        (GOLD / "sentences.csv").read_text(), "sentences.csv", GOLD / "corpus", GOLD / "lexicons"
    )
    table = evaluation.label_scores.set_index("score")
    # the 0/1 column `label` is compared with the whole lexicon (no category of that name)
    # loaded weights [5, 3, 0, 0 (negated), 2, 2], labels [1, 1, 0, 0, 0, 1]:
    # AUC = (3 + 3 + 2.5) / 9 pairs; best F1 at threshold 2: precision 3/4, recall 1 -> 6/7
    assert list(table.index) == ["all_categories", "length", "subjectivity"]
    assert set(table["label"]) == {"label"} and set(table["category"]) == {"all"}
    assert table.loc["all_categories", "auc"] == pytest.approx(8.5 / 9)
    assert table.loc["all_categories", "best_f1"] == pytest.approx(6 / 7)
    assert table.loc["all_categories", "threshold"] == 2.0
    # words [5, 4 ("so-called" is one), 4, 5, 4, 6]: 5, 4 and 6 against 4, 5, 4: AUC = (2.5 + 1 + 3) / 9
    assert table.loc["length", "auc"] == pytest.approx(6.5 / 9)
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


# Techniques gold as SemEval-2023 Task 3 gives it, scored with the six-entry lexicon (tests/data/gold/lexicons):
#   line 2  regime 2 + thugs 3 (delegitimizing)      weight 5  5 words
#   line 3  nothing                                   weight 0  4 words
#   line 4  claimed 2 + so-called 3 (doubt)           weight 5  10 words (two sentences)
#   line 5  empty text: skipped
#   line 6  brutal 2 (emotive)                        weight 2  4 words
#   line 7  massacre, negated                         weight 0  5 words
TECHNIQUES = """file,line,text,techniques
a.txt,1,The regime's thugs butchered protesters,"Name_Calling-Labeling, Loaded_Language"
a.txt,2,Parliament met on Monday,
a.txt,3,Officials claimed the vote was fair. The so-called monitors agreed.,Doubt
b.txt,1,,Doubt
b.txt,2,The brutal winter ended,Loaded_Language
b.txt,3,It was not a massacre,Exaggeration-Minimisation
"""


def evaluate_techniques(gold=TECHNIQUES, **options):
    return evaluate_against_gold(gold, "lines.csv", GOLD / "corpus", GOLD / "lexicons", **options)


def label_score(evaluation, label, score):
    return evaluation.label_scores.set_index(["label", "score"]).loc[(label, score)]


def test_techniques_gold_gives_one_label_per_technique_most_frequent_first():
    summary = evaluate_techniques().summary
    assert list(zip(summary.label, summary.n_positive, summary.n_rows, strict=True)) == [
        ("Loaded_Language", 2, 5),
        ("Doubt", 1, 5),
        ("Exaggeration-Minimisation", 1, 5),
        ("Name_Calling-Labeling", 1, 5),
    ]


def test_techniques_are_compared_with_their_category_or_the_whole_lexicon():
    summary = evaluate_techniques().summary.set_index("label")
    assert summary["category"].to_dict() == {
        "Loaded_Language": "all",
        "Doubt": "doubt",
        "Exaggeration-Minimisation": "all",  # the test lexicon has no intensifier category
        "Name_Calling-Labeling": "delegitimizing",
    }


def test_the_whole_lexicon_ranks_loaded_language_with_a_tie_and_a_miss():
    # positives weigh 5 and 2, negatives 0, 5, 0: pairs 1 + 0.5 + 1 + 1 + 0 + 1 = 4.5 of 6
    # best F1 at weight >= 2: lines 2, 4, 6 called loaded, precision 2/3, recall 1 -> 0.8
    row = label_score(evaluate_techniques(), "Loaded_Language", "all_categories")
    assert (row.auc, row.best_f1, row.threshold) == (pytest.approx(0.75), pytest.approx(0.8), 2.0)


def test_a_technique_with_a_category_is_scored_by_that_category_only():
    evaluation = evaluate_techniques()
    assert label_score(evaluation, "Doubt", "category").auc == 1.0  # only line 4 has doubt hits
    # the whole lexicon also scores line 2 (weight 5) as high as line 4: (1 + 1 + 0.5 + 1) / 4
    assert label_score(evaluation, "Doubt", "all_categories").auc == pytest.approx(0.875)


def test_a_paragraph_is_one_text_whose_length_counts_every_sentence():
    # lengths 5, 4, 10, 4, 5: line 4 (Doubt) is the longest -> AUC 1
    assert label_score(evaluate_techniques(), "Doubt", "length").auc == 1.0


def test_a_one_line_text_without_final_punctuation_is_scored():
    gold = "text,techniques\nThe regime thugs\nParliament met,Doubt\n"
    texts = pd.DataFrame({"article_id": ["g2", "g3"], "text": ["The regime thugs", "Parliament met"]})
    lexicon, _ = read_lexicons(GOLD / "lexicons")
    sentences, hits = score_articles(texts.assign(outlet="gold"), lexicon)
    scores = text_scores(texts, sentences, hits, lexicon.categories)
    assert list(scores["weight: delegitimizing"]) == [5.0, 0.0]
    assert list(scores["length"]) == [3, 2]
    assert label_score(evaluate_techniques(gold), "Doubt", "all_categories").auc == 0.0


def test_rows_with_an_empty_text_are_reported_and_skipped():
    assert evaluate_techniques().problems == ["gold line 5: empty text, skipped"]


def test_a_mapping_overrides_the_default_category():
    evaluation = evaluate_techniques(mapping={"Doubt": "all", "Loaded_Language": "emotive"})
    summary = evaluation.summary.set_index("label")
    assert (summary.loc["Doubt", "category"], summary.loc["Loaded_Language", "category"]) == ("all", "emotive")
    # emotive: only line 6 (brutal) scores, one of the two Loaded_Language lines: (1 + 1 + 1 + 0.5 + 0.5 + 0.5) / 6
    assert label_score(evaluation, "Loaded_Language", "category").auc == pytest.approx(0.75)


def test_a_mapping_to_a_category_the_lexicons_lack_is_a_clear_error():
    with pytest.raises(
        GoldError, match=r"^mapping Doubt=hedge: the lexicons have no category 'hedge'; use one of all, "
    ):
        evaluate_techniques(mapping={"Doubt": "hedge"})


def test_mappings_come_from_pairs_and_a_csv_and_pairs_win():
    csv_text = "label,category\nDoubt,doubt\nSlogans,all\n"
    assert label_mapping(["Doubt = hedge"], csv_text, "map.csv") == {"Doubt": "hedge", "Slogans": "all"}
    with pytest.raises(GoldError, match=r"^--map 'Doubt' is not LABEL=CATEGORY, e.g. Doubt=doubt$"):
        label_mapping(["Doubt"])
    with pytest.raises(GoldError, match=r"^map.csv:2: needs a label and a category"):
        label_mapping([], "label,category\nDoubt,\n", "map.csv")


def test_another_techniques_column_is_chosen_by_name():
    gold = "text,propaganda\nThe regime thugs,Name_Calling-Labeling\nParliament met,\n"
    summary = evaluate_techniques(gold, techniques_column="propaganda").summary
    assert list(summary.label) == ["Name_Calling-Labeling"] and summary.auc_lexicon[0] == 1.0


def test_a_column_that_is_not_there_is_a_clear_error():
    with pytest.raises(
        GoldError, match=r"^lines.csv:1: there is no column 'technique'; found file, line, techniques, text$"
    ):
        read_gold(TECHNIQUES, "lines.csv", techniques_column="technique")


ZERO_ONE = """text,delegitimizing,doubt,note
The regime's thugs butchered protesters,1,0,seen
Officials claimed the vote was fair,0,1,
Parliament met on Monday,0,0,
"""


def test_zero_one_columns_named_after_categories_are_scored_by_those_categories():
    evaluation = evaluate_techniques(ZERO_ONE)
    summary = evaluation.summary.set_index("label")
    assert summary["category"].to_dict() == {"delegitimizing": "delegitimizing", "doubt": "doubt"}
    assert list(summary["auc_lexicon"]) == [1.0, 1.0]
    assert evaluation.problems == ["column 'note' holds values other than 0/1: not used as a label"]


def test_a_label_that_is_not_zero_or_one_skips_the_row():
    gold = "text,doubt\nOfficials claimed it,1\nParliament met,maybe\nThe vote was held,0\n"
    evaluation = evaluate_techniques(gold, label_columns=("doubt",))
    assert evaluation.problems == ["gold line 3: doubt='maybe' is not 0 or 1, skipped"]
    assert label_score(evaluation, "doubt", "category").n_rows == 2


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Doubt", "Slogans", "Loaded_Language", " ", ""]), max_size=4), min_size=1))
def test_every_technique_named_in_a_cell_becomes_a_label_of_that_row(cells):
    gold = pd.DataFrame({"text": ["x"] * len(cells), "techniques": [",".join(cell) for cell in cells]})
    _, labels, _ = gold_labels(gold)
    for k, cell in enumerate(cells):
        assert {name for name in labels.columns if labels.iloc[k][name]} == {n.strip() for n in cell} - {""}


def test_the_command_prints_one_line_per_label_and_marks_a_lexicon_below_a_baseline(tmp_path):
    gold = tmp_path / "lines.csv"
    gold.write_text(TECHNIQUES)
    out = tmp_path / "evaluation"
    args = ["evaluate", "--gold", str(gold), "--lexicons", str(GOLD / "lexicons"), "--out", str(out)]
    result = CliRunner().invoke(main, [*args, "--techniques", "techniques"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "ROC AUC per label (0.5 = chance); the lexicon score's best F1 beside it."
    assert lines[1].startswith("Loaded_Language (n=2/5)            lexicon all            0.750 (F1 0.800)       ")
    # the negated massacre leaves line 7 at weight 0: AUC 0.125 against length's (0.5 + 1 + 0 + 1) / 4;
    # best F1 when every text is called a label: precision 1/5, recall 1 -> 1/3
    assert "Exaggeration-Minimisation (n=1/5)  lexicon all            0.125 (F1 0.333)" in lines[3]
    assert "length 0.625" in lines[3] and lines[3].endswith("<- not above length and subjectivity")
    # a tie with a baseline is not beating it: line 4 is also the longest
    assert lines[2] == (
        "Doubt (n=1/5)                      lexicon doubt          1.000 (F1 1.000)   all 0.875   length 1.000   "
        "subjectivity 0.750   <- not above length"
    )
    assert "<-" not in lines[4]  # Name_Calling-Labeling: delegitimizing 1.000
    assert "gold line 5: empty text, skipped" in result.stderr
    assert {p.name for p in out.iterdir()} == {".mediabias-report.json", "index.html", "label_scores.csv"}
    assert (out / "label_scores.csv").read_text().splitlines()[:2] == [
        "label,category,score,auc,best_f1,threshold,n_positive,n_rows",
        "Loaded_Language,all,all_categories,0.75,0.8,2.0,2,5",
    ]


def test_a_bad_mapping_on_the_command_line_is_a_clear_error(tmp_path):
    gold = tmp_path / "lines.csv"
    gold.write_text(TECHNIQUES)
    args = ["evaluate", "--gold", str(gold), "--lexicons", str(GOLD / "lexicons"), "--out", str(tmp_path / "e")]
    result = CliRunner().invoke(main, [*args, "--map", "Doubt"])
    assert result.exit_code == 1
    assert result.output == "Error: --map 'Doubt' is not LABEL=CATEGORY, e.g. Doubt=doubt\n"


def test_the_page_shows_the_table_and_a_self_contained_chart_with_labels_escaped(tmp_path):
    gold = TECHNIQUES + "c.txt,1,A <b>bold</b> day,<script>alert(1)</script>\n"
    evaluation = evaluate_techniques(gold)
    write_evaluation(evaluation, tmp_path / "e")
    page = (tmp_path / "e" / "index.html").read_text()
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 1 and "http://www.w3.org/2000/svg" in page and "<img" not in page
    assert '<th class="n">Subjectivity</th>' in page and "chance (0.5)" in page
    assert "<b>ROC AUC</b> (0 to 1)" in page and "<b>Best F1</b> (0 to 1)" in page


SEMEVAL = Path(__file__).resolve().parents[2] / "shared" / "gold" / "semeval23-train" / "lines.csv"


@pytest.mark.skipif(
    not SEMEVAL.exists(), reason=f"the SemEval-2023 Task 3 training split is not at {SEMEVAL} (not part of the project)"
)
def test_the_semeval_training_split_is_read_and_scored_with_the_default_mapping():
    evaluation = evaluate_against_gold(
        SEMEVAL.read_text(encoding="utf-8"), "lines.csv", GOLD / "corpus", Path(__file__).parents[1] / "lexicons"
    )
    summary = evaluation.summary.set_index("label")
    assert summary.loc["Loaded_Language", ["n_positive", "n_rows"]].tolist() == [1809, 9498]
    assert summary.loc[["Name_Calling-Labeling", "Doubt", "Exaggeration-Minimisation"], "category"].tolist() == [
        "delegitimizing",
        "doubt",
        "intensifier",
    ]
    assert summary[["auc_lexicon", "auc_length", "auc_subjectivity"]].stack().between(0, 1).all()


def test_the_help_shows_an_example_with_techniques():
    result = CliRunner().invoke(main, ["evaluate", "--help"])
    assert (
        "mediabias evaluate --gold lines.csv --techniques techniques --map Doubt=hedge --out evaluation"
        in result.output
    )


def test_jsonl_gold_may_list_the_techniques():
    gold = (
        '{"text": "The regime thugs", "techniques": ["Name_Calling-Labeling", "Doubt"]}\n{"text": "Parliament met"}\n'
    )
    evaluation = evaluate_against_gold(gold, "lines.jsonl", GOLD / "corpus", GOLD / "lexicons")
    assert list(evaluation.summary.label) == ["Doubt", "Name_Calling-Labeling"]


def test_a_label_no_text_has_gets_no_auc_and_the_page_is_still_written(tmp_path):
    evaluation = evaluate_techniques("text,doubt\nOfficials claimed it,0\nParliament met,0\n")
    assert math.isnan(label_score(evaluation, "doubt", "category").auc)
    write_evaluation(evaluation, tmp_path / "e")
    assert "<svg" in (tmp_path / "e" / "index.html").read_text()
