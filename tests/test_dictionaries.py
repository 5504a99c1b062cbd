"""Bring your own dictionary: quanteda-style YAML and LIWC-style .dic files read as lexicon categories."""

import shutil
from pathlib import Path

from pipeline.reading.lexicons import parse_liwc_dictionary, parse_yaml_dictionary, read_lexicons

DATA = Path(__file__).parent / "data"


def test_a_quanteda_yaml_dictionary_becomes_entries_with_nested_category_names():
    entries, problems = parse_yaml_dictionary((DATA / "quanteda_example.yml").read_text(), "quanteda_example.yml")
    assert problems == []
    assert [(e.term, e.category, e.weight, e.line) for e in entries] == [
        ("bloodshed", "conflict_violence", 1.0, 4),
        ("massacr*", "conflict_violence", 1.0, 5),
        ("rogue state", "conflict_labels", 1.0, 7),
        ("reportedly", "hedging", 1.0, 9),
    ]


def test_a_broken_yaml_file_is_reported_with_its_line():
    _, problems = parse_yaml_dictionary("war:\n  - a\n  b: [\n", "bad.yml")
    assert [(p.source, p.line) for p in problems] == [("bad.yml", 3)]
    assert problems[0].reason.startswith("not valid YAML")


def test_a_liwc_dic_file_becomes_entries_and_a_term_in_two_categories_keeps_the_first():
    entries, problems = parse_liwc_dictionary((DATA / "liwc_example.dic").read_text(), "liwc_example.dic")
    assert [(e.term, e.category, e.line) for e in entries] == [
        ("happy", "posemo", 6),
        ("hate*", "negemo", 7),
        ("kind of", "posemo", 8),
    ]
    assert [(p.line, p.severity, p.reason) for p in problems] == [
        (7, "warning", "'hate*' also in anger: only negemo is used")
    ]


def test_dictionaries_in_the_lexicon_folder_are_read_with_the_csv_lexicons(tmp_path):
    (tmp_path / "a.csv").write_text("term,category,weight,note\nregime,delegitimizing,2,x\n")
    shutil.copy(DATA / "quanteda_example.yml", tmp_path)
    shutil.copy(DATA / "liwc_example.dic", tmp_path)
    lexicon, _ = read_lexicons(tmp_path)
    assert lexicon.categories == [
        "conflict_labels",
        "conflict_violence",
        "delegitimizing",
        "hedging",
        "negemo",
        "posemo",
    ]
