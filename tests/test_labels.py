"""A label counts for its concept only when it names it (labels.csv refers_to), and only the outlet's own
labels make a finding."""

import pandas as pd
from conftest import LEXICONS

from pipeline.framing.annotations import annotate, headline_findings, label_table
from pipeline.measuring.score import score_articles
from pipeline.reading.lexicons import read_framing_lexicons, read_lexicons
from pipeline.schema import ATTRIBUTION_COLUMNS, EVENT_CONTRAST_COLUMNS, FRAME_COLUMNS

FRAMING, _ = read_framing_lexicons(LEXICONS)
LEXICON, _ = read_lexicons(LEXICONS)
TABLES = {"contrasts": EVENT_CONTRAST_COLUMNS, "attribution": ATTRIBUTION_COLUMNS, "frames": FRAME_COLUMNS}


def labels_of(*texts):
    corpus = pd.DataFrame(
        [(f"a{k}", f"Outlet {k}", "2020-01-05", text) for k, text in enumerate(texts)],
        columns=["article_id", "outlet", "published", "text"],
    )
    sentences, _ = score_articles(corpus, LEXICON)
    return label_table(annotate(corpus, sentences, FRAMING))


def row(labels, label):
    return labels[labels["label"] == label].iloc[0]


def test_the_shipped_concepts_say_whom_they_are_about():
    assert FRAMING.referents_of("armed groups") == ("Iraqi armed groups", "Iraq")
    assert "Soleimani" in FRAMING.referents_of("the killing")


def test_isis_terror_group_is_no_label_for_iraqs_armed_groups():
    labels = labels_of("The Islamic State of Iraq and the Levant (known as ISIL, ISIS or Daesh) terror group.")
    terror = row(labels, "terror group*")
    assert (terror.n, terror.n_elsewhere, terror.elsewhere) == (0, 1, "Islamic State 1")


def test_a_militia_of_iraq_is_a_label_for_the_armed_groups():
    labels = labels_of("An Iraqi militia leader was killed by the strike.")
    assert (row(labels, "militia*").n, row(labels, "militia*").n_elsewhere) == (1, 0)


def test_irans_missile_strikes_are_not_a_word_for_the_killing():
    labels = labels_of("Pompeo condemned the Iranian missile strikes on the two bases.")
    strikes = row(labels, "strikes")
    assert (strikes.n, strikes.elsewhere) == (0, "Iran 1")


def test_the_killing_of_soleimani_and_of_an_iranian_commander_are_the_killing():
    labels = labels_of(
        "Parliament termed the assassination of Iranian General Qassem Soleimani an attack.",
        "The vote came in the wake of the killing of a top Iranian military commander.",
    )
    assert labels[["outlet", "label", "n", "n_elsewhere"]].values.tolist() == [
        ["Outlet 0", "assassinat*", 1, 0],
        ["Outlet 1", "kill*", 1, 0],
    ]


def test_a_label_in_reported_speech_is_counted_as_reported_and_makes_no_finding():
    labels = labels_of(
        "He said that occupying forces violate the sovereignty of Iraq.",
        "The US presence in Iraq was discussed. The troops stayed.",
    )
    occupying = row(labels, "occupying forces")
    assert (occupying.n, occupying.n_reported) == (1, 1)
    nothing = {name: pd.DataFrame(columns=columns) for name, columns in TABLES.items()}
    findings = headline_findings(["Outlet 0", "Outlet 1"], labels, **nothing)
    assert not any("occupying" in f["text"] for f in findings)


def test_a_concept_without_refers_to_counts_every_use(tmp_path):
    (tmp_path / "labels.csv").write_text("concept,label,connotation\nthe vote,ballot*,0\n", encoding="utf-8")
    (tmp_path / "actors.csv").write_text("actor,alias\nIraq,Iraq\n", encoding="utf-8")
    framing, problems = read_framing_lexicons(tmp_path)
    assert framing.referents == () and problems == []
