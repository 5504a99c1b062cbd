"""The shipped lexicon files: where each comes from, and the generated ones reproduce."""

import re
import sys

from conftest import LEXICONS, PROJECT

from pipeline.reading.lexicons import Lexicon, parse_term_lexicon, read_lexicons

sys.path.insert(0, str(PROJECT / "scripts"))

import derive_textblob_lexicon
import derive_vader_lexicon


def test_the_textblob_derivation_reproduces_the_shipped_file_byte_for_byte():
    first = derive_textblob_lexicon.derive(LEXICONS)
    assert first == derive_textblob_lexicon.derive(LEXICONS)
    assert first == (LEXICONS / "subjective.csv").read_text(encoding="utf-8")


def test_the_derived_lexicon_parses_without_problems_and_notes_its_scores():
    entries, problems = parse_term_lexicon(derive_textblob_lexicon.derive(LEXICONS), "subjective.csv")
    assert problems == []
    assert len(entries) > 400
    assert {e.category for e in entries} == {"evaluative", "intensifier"}
    assert all(e.note.startswith("from TextBlob's pattern lexicon: ") for e in entries)


def test_derived_weights_follow_the_subjectivity_times_polarity_bands():
    assert derive_textblob_lexicon.weight_for(-0.4, 0.6) == 1
    assert derive_textblob_lexicon.weight_for(-0.7, 0.8) == 2
    assert derive_textblob_lexicon.weight_for(1.0, 1.0) == 3


def test_textblobs_adverb_rule_makes_terrible_terribly_and_angry_angrily():
    assert derive_textblob_lexicon.adverb_of("terrible") == "terribly"
    assert derive_textblob_lexicon.adverb_of("angry") == "angrily"
    assert derive_textblob_lexicon.adverb_of("bleak") == "bleakly"


def test_the_learned_lexicon_parses_without_problems_and_keeps_its_evidence():
    text = (LEXICONS / "learned_semeval.csv").read_text(encoding="utf-8")
    entries, problems = parse_term_lexicon(text, "learned_semeval.csv")
    assert problems == []
    assert all(e.note.startswith("learned from semeval23-train: ") for e in entries)


def test_no_word_has_two_entries_across_the_shipped_files():
    _, problems = read_lexicons(LEXICONS)
    assert [p for p in problems if p.severity == "error"] == []


def test_every_shipped_file_is_listed_with_its_source_in_the_lexicons_readme():
    readme = (LEXICONS / "README.md").read_text(encoding="utf-8")
    header = "| file | what it holds | source | licence |"
    table = readme[readme.index(header) :].split("\n\n")[0].splitlines()[2:]
    listed = {}
    for row in table:
        cells = [c.strip() for c in row.strip("|").split("|")]
        listed[re.fullmatch(r"`(.+)`", cells[0]).group(1)] = cells
    shipped = sorted(p.name for p in LEXICONS.iterdir() if p.suffix in (".csv", ".txt"))
    assert sorted(listed) == shipped
    assert all(cells[2] and cells[3] for cells in listed.values())


def test_the_vader_derivation_reproduces_the_shipped_file_byte_for_byte():
    first = derive_vader_lexicon.derive(LEXICONS)
    assert first == derive_vader_lexicon.derive(LEXICONS)
    assert first == (LEXICONS / "affect.csv").read_text(encoding="utf-8")


def test_vader_entries_are_strong_affect_words_noting_their_rating():
    entries, problems = parse_term_lexicon((LEXICONS / "affect.csv").read_text(encoding="utf-8"), "affect.csv")
    assert problems == []
    assert len(entries) > 500
    assert {e.category for e in entries} == {"emotive"}
    assert all(e.note.startswith("from VADER's lexicon: mean valence ") for e in entries)
    terms = {e.term for e in entries}
    assert {"travesty", "vitriolic", "heartless"} <= terms


def test_vader_words_that_describe_events_in_news_are_left_out():
    rows = derive_vader_lexicon.derive_rows(
        "killed\t-3.5\t0.5\t[]\ntravesty\t-2.7\t0.6\t[]\nlol\t2.9\t0.9\t[]\nmeh\t-0.3\t0.4\t[]\n:)\t2.0\t0.5\t[]\n",
        english=frozenset({"killed", "travesty", "lol", "meh"}),
        known=Lexicon(()),
        neutral=frozenset({"killed", "lol"}),
    )
    assert rows == [
        ["travesty", "emotive", "1", "from VADER's lexicon: mean valence -2.7 of +/-4 (sd 0.60, 10 raters)"]
    ]
