"""Learning lexicon entries from labelled paragraphs, and cross-validating them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.measuring.evaluate import GoldError
from pipeline.reading.lexicons import Lexicon, parse_term_lexicon, read_lexicons
from pipeline.tuning.learn import (
    CV_COLUMNS,
    LearnedLexicon,
    cross_validate_lexicon,
    labels_from_column,
    labels_from_techniques,
    learn_lexicon,
    read_labelled_paragraphs,
    without_known_terms,
)

PROJECT = Path(__file__).resolve().parents[1]
SHARED_GOLD = PROJECT.parent / "shared" / "gold" / "semeval23-train" / "lines.csv"

# Ten invented articles of five paragraphs. Loaded paragraphs (label 1) say "brutal" or "heinous"
# in every article; "Smith" (a name) and, in article a only, "reservoir" (one story's topic) stand
# in loaded paragraphs too. The neutral paragraphs share the rest of the wording.
LOADED = [
    "Officials said a brutal raid hit the market, Smith reported.",
    "Witnesses called the heinous shelling of the school a crime, according to Smith.",
]
NEUTRAL = [
    "The council met on Tuesday to discuss the market and the school budget.",
    "Officials said the village would reopen the road next week.",
    "Witnesses said the weather was calm and the school stayed open.",
]
RESERVOIR = [
    "A brutal raid near the reservoir, Smith said, left the village without water.",
    "The heinous attack on the reservoir was the third this month, said Smith.",
]


def gold_rows() -> pd.DataFrame:
    rows = []
    for article in "abcdefghij":
        loaded = RESERVOIR if article == "a" else LOADED
        rows += [(f"{article}.txt", text, "Loaded_Language") for text in loaded]
        rows += [(f"{article}.txt", text, "") for text in NEUTRAL]
    return pd.DataFrame(rows, columns=["file", "text", "techniques"])


def learned(gold: pd.DataFrame | None = None) -> LearnedLexicon:
    gold = gold_rows() if gold is None else gold
    return learn_lexicon(gold["text"], labels_from_techniques(gold), gold["file"], source="invented")


def test_a_predictive_word_is_learned_with_its_category_a_weight_and_its_evidence():
    entries = learned().entries.set_index("term")
    assert entries.loc["brutal", "category"] == "loaded"
    assert entries.loc["brutal", "weight"] in (1, 2, 3)
    assert entries.loc["brutal", "note"].startswith(
        "learned from invented: in 10 of 20 loaded paragraphs (10 articles) vs 0 of 30 others; log-odds z="
    )


def test_names_topic_words_of_one_story_and_stop_words_are_not_learned():
    result = learned()
    terms = set(result.entries["term"])
    assert "brutal" in terms and "heinous" in terms
    assert not terms & {"smith", "reservoir", "the", "said", "a", "of"}
    assert all(t.split()[0] not in ("the", "a", "of") and t.split()[-1] not in ("the", "a", "of") for t in terms)
    reservoir = result.terms[result.terms["term"] == "reservoir"]
    assert reservoir.empty  # in labelled paragraphs of one article only: never a candidate


def test_the_learned_rows_parse_as_a_lexicon_with_no_problems():
    text = learned().csv_text()
    assert text.startswith("term,category,weight,note\n")
    entries, problems = parse_term_lexicon(text, "learned.csv")
    assert problems == []
    assert {e.term for e in entries} == set(learned().entries["term"])


def test_learning_gives_the_same_rows_twice_and_with_the_rows_shuffled():
    gold = gold_rows()
    first, second = learned(gold), learned(gold)
    shuffled = learned(gold.sample(frac=1, random_state=3).reset_index(drop=True))
    assert first.csv_text() == second.csv_text() == shuffled.csv_text()
    pd.testing.assert_frame_equal(first.categories, shuffled.categories)


def test_category_statistics_count_paragraphs_articles_and_entries():
    stats = learned().categories.set_index("category")
    assert stats.loc["loaded", ["n_paragraphs", "n_positive", "n_articles"]].tolist() == [50, 20, 10]
    assert stats.loc["loaded", "n_entries"] == len(learned().entries)


def test_techniques_map_to_categories_and_others_are_ignored():
    gold = pd.DataFrame({"techniques": ["Loaded_Language,Doubt", "", "Repetition", "Name_Calling-Labeling"]})
    labels = labels_from_techniques(gold)
    assert list(labels.columns) == ["doubt", "exaggeration", "fear", "flag_waving", "loaded", "name_calling"]
    assert labels["loaded"].tolist() == [1, 0, 0, 0]
    assert labels["doubt"].tolist() == [1, 0, 0, 0]
    assert labels["name_calling"].tolist() == [0, 0, 0, 1]
    custom = labels_from_techniques(gold, mapping={"Repetition": "repetition"})
    assert custom["repetition"].tolist() == [0, 0, 1, 0]


def test_a_label_column_must_hold_zeros_and_ones():
    gold = pd.DataFrame({"Loaded": ["1", "0", "yes"]})
    with pytest.raises(GoldError, match=r"gold column 'Loaded' must be 0 or 1; 1 other values, e.g. line 4 \('yes'\)"):
        labels_from_column(gold, "Loaded")
    assert labels_from_column(gold.head(2), "Loaded").to_dict("list") == {"loaded": [1, 0]}


def test_cross_validation_reports_auc_per_category_beside_the_baselines():
    gold = gold_rows()
    shipped_text = "term,category,weight,note\ncrime,emotive,2,a verdict\n"
    shipped = Lexicon(tuple(parse_term_lexicon(shipped_text, "shipped.csv")[0]))
    table = cross_validate_lexicon(gold["text"], labels_from_techniques(gold), gold["file"], shipped, folds=4)
    assert list(table.columns) == CV_COLUMNS
    loaded = table[table["category"] == "loaded"].set_index("score")
    assert list(loaded.index) == [
        "learned",
        "learned_per_word",
        "learned+shipped",
        "n_words",
        "subjectivity",
        "shipped",
    ]
    assert loaded.loc["learned", "auc"] == 1.0  # brutal and heinous, learned in other articles, mark every one
    assert loaded.loc["shipped", "auc"] == pytest.approx(0.5 + 9 / 20 / 2)  # "crime" in 9 of 20
    assert (loaded["n_positive"] == 20).all() and (loaded["n_rows"] == 50).all()


def test_cross_validation_is_the_same_with_the_rows_shuffled():
    gold = gold_rows()
    shuffled = gold.sample(frac=1, random_state=5).reset_index(drop=True)
    tables = [
        cross_validate_lexicon(g["text"], labels_from_techniques(g), g["file"], folds=4) for g in (gold, shuffled)
    ]
    pd.testing.assert_frame_equal(*tables)


@pytest.mark.skipif(not SHARED_GOLD.is_file(), reason=f"the shared SemEval-2023 training gold is not at {SHARED_GOLD}")
def test_on_the_semeval_training_split_learned_loaded_language_ranks_above_chance():
    gold = pd.read_csv(SHARED_GOLD, keep_default_na=False, dtype=str)
    labels = labels_from_techniques(gold)
    shipped, _ = read_lexicons(PROJECT / "lexicons")
    table = cross_validate_lexicon(gold["text"], labels, gold["file"], shipped).set_index(["category", "score"])
    auc = table["auc"]
    # Measured: learned 0.60, learned+shipped 0.71, shipped 0.70 (in-sample: lexicons/learned_semeval.csv
    # was learned from this split), length in words 0.72. Length is the stronger ranker for
    # Loaded_Language; the learned entries add to the shipped lexicons.
    assert auc["loaded", "learned"] > 0.55
    assert auc["loaded", "learned+shipped"] > auc["loaded", "shipped"]
    assert auc["loaded", "n_words"] > auc["loaded", "learned"]
    assert parse_term_lexicon(learn_lexicon(gold["text"], labels, gold["file"]).csv_text(), "x")[1] == []


def test_texts_without_any_possible_term_are_an_error_a_person_can_act_on():
    gold = pd.DataFrame({"file": ["a", "b"], "text": ["It is 2020.", "And then, the 42."], "techniques": ["", ""]})
    with pytest.raises(GoldError, match="no text holds a word that could be a term"):
        learn_lexicon(gold["text"], labels_from_techniques(gold), gold["file"])


def test_labelled_paragraphs_need_a_text_and_an_article_column():
    table = read_labelled_paragraphs(
        "file,line,text,techniques\na.txt,1,Brutal.,Loaded_Language\na.txt,3,Calm.,\n", "g.csv"
    )
    assert table.to_dict("list") == {
        "file": ["a.txt", "a.txt"],
        "line": ["1", "3"],
        "text": ["Brutal.", "Calm."],
        "techniques": ["Loaded_Language", ""],
    }
    with pytest.raises(GoldError, match=r"g.csv:1: labelled paragraphs need the column\(s\) file"):
        read_labelled_paragraphs("text,label\nBrutal.,1\n", "g.csv")


def test_terms_a_lexicon_already_has_can_be_left_out_before_adding_the_rows():
    entries = learned().entries
    shipped_text = "term,category,weight,note\nBrutal,emotive,2,a verdict\nraid*,dysphemism,1,\n"
    shipped = Lexicon(tuple(parse_term_lexicon(shipped_text, "shipped.csv")[0]))
    new = without_known_terms(entries, shipped)
    assert "brutal" in set(entries["term"]) and "brutal" not in set(new["term"])
    assert "heinous" in set(new["term"])
    assert len(new) == len(entries) - 1  # raid* is a wildcard, another term than raid


def test_the_learn_command_prints_cross_validated_auc_beside_the_baselines_and_writes_the_rows(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    gold_file, out = tmp_path / "lines.csv", tmp_path / "learned.csv"
    gold_rows().to_csv(gold_file, index=False)
    arguments = ["lexicon", "learn", "--gold", str(gold_file), "--techniques", "techniques", "--folds", "5"]
    result = CliRunner().invoke(main, [*arguments, "--lexicons", str(PROJECT / "lexicons"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Cross-validated by article (5 folds), ROC AUC of each score; 0.5 is chance." in result.output
    lines = [line.split() for line in result.output.splitlines()]
    scores = {line[1] for line in lines if line and line[0] == "loaded"}
    assert {"learned", "n_words", "subjectivity", "shipped"} <= scores
    assert "No row is labelled doubt, exaggeration, fear, flag_waving, name_calling" in result.output
    written, problems = parse_term_lexicon(out.read_text(), "learned.csv")
    assert problems == []
    terms = {entry.term for entry in written}
    assert "raid" in terms
    assert "heinous" not in terms  # the shipped lexicons have it already: not a candidate
    again = CliRunner().invoke(main, [*arguments, "--lexicons", str(PROJECT / "lexicons"), "--out", str(out)])
    assert again.exit_code == 2  # never writes over the reviewed file without --replace


def frame_corpus(folder: Path) -> Path:
    """Eighty invented articles: forty coders framed as economic ("tariff", "inflation"), forty as security
    and defense ("troops", "missile"); the rest of the wording is shared."""
    corpus = folder / "corpus"
    corpus.mkdir()
    manifest = ["file,outlet,clean"]  # the texts repeat lines, which page-chrome cleaning would take for a footer
    gold = ["file,frames"]
    shared = "The minister spoke to reporters in the capital on Monday about the plan."
    for k in range(80):
        economic = k // 2 % 2 == 0  # EESS...: every fold holds both frames
        cue = (
            "New tariff rules and rising inflation worry exporters across the region."
            if economic
            else "More troops and a missile battery were moved to the border overnight."
        )
        (corpus / f"a{k:02}.txt").write_text(
            f"{shared}\n\n{cue}\n\nThis is report {k} of the series. The talks continue.\n"
        )
        manifest.append(f"a{k:02}.txt,Outlet {k % 3},none")
        gold.append(f'a{k:02}.txt,"{"Economic" if economic else "Security_and_defense"}"')
    (corpus / "manifest.csv").write_text("\n".join(manifest) + "\n")
    (folder / "frames.csv").write_text("\n".join(gold) + "\n")
    return corpus


def test_frame_cues_are_learned_from_article_frames_and_cross_validated_by_article(tmp_path):
    from pipeline.tuning.gold import learn_frames_from_gold

    corpus = frame_corpus(tmp_path)
    found = learn_frames_from_gold(
        (tmp_path / "frames.csv").read_text(), "frames.csv", corpus, PROJECT / "lexicons", folds=2
    )
    cues = dict(zip(found.learned.entries["term"], found.learned.entries["category"], strict=True))
    assert cues["tariff"] == "economic" and cues["missile"] == "security_and_defense"
    assert "minister" not in cues  # in every article: it predicts no frame
    learned = found.cross_validation.set_index(["category", "score"])["auc"]
    assert learned[("economic", "learned")] == 1.0 and learned[("security_and_defense", "learned")] == 1.0
    new = found.new_cues.set_index("term")
    assert new.loc["tariff", "frame"] == "economic"  # written as a frames.csv row: term, frame, note
    assert "inflation" not in new.index or new.loc["inflation", "frame"] == "economic"


def test_the_learn_command_learns_frame_cues_with_frames_corpus(tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    corpus = frame_corpus(tmp_path)
    out = tmp_path / "cues.csv"
    args = ["lexicon", "learn", "--gold", str(tmp_path / "frames.csv"), "--frames-corpus", str(corpus)]
    result = CliRunner().invoke(
        main, [*args, "--folds", "2", "--out", str(out), "--lexicons", str(PROJECT / "lexicons")]
    )
    assert result.exit_code == 0, result.output
    assert "economic" in result.output and "learned" in result.output
    assert out.read_text().splitlines()[0] == "term,frame,note"
