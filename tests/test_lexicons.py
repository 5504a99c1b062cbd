"""Lexicon files: plain CSV a person edits; every bad line named by file and line, the rest still loads."""

import pytest

from pipeline.errors import LexiconError
from pipeline.reading.lexicons import TermPart, parse_term_lexicon, read_lexicons, term_parts


def test_a_good_lexicon_line_becomes_an_entry():
    entries, problems = parse_term_lexicon(
        'term,category,weight,note\nso-called,doubt,3,"rejects a name, politely"\n', "doubt.csv"
    )
    assert problems == []
    (entry,) = entries
    assert (entry.term, entry.category, entry.weight, entry.note, entry.line) == (
        "so-called",
        "doubt",
        3.0,
        "rejects a name, politely",
        2,
    )


def test_an_empty_weight_means_one():
    entries, _ = parse_term_lexicon("term,category,weight\nregime,delegitimizing,\n", "x.csv")
    assert entries[0].weight == 1.0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("regime,delegitimizing,heavy", "weight 'heavy' is not a number; use 1 (mild), 2 (clear) or 3 (strong)"),
        ("regime,delegitimizing,7", "weight '7' is outside 0 < weight <= 3"),
        ("***,emotive,1", "empty term '***': a term needs at least one letter or digit"),
        ("regime,Bad Category!,1", "category 'Bad Category!' must be letters, digits and _ (e.g. emotive)"),
        ("regime,delegitimizing,1,a note,extra", "5 fields, the header has 4 (quote a note that contains commas)"),
    ],
)
def test_a_bad_line_is_reported_with_file_and_line_and_the_rest_loads(line, reason):
    text = f"term,category,weight,note\nthug*,delegitimizing,3,ok\n{line}\npuppet,delegitimizing,3,ok\n"
    entries, problems = parse_term_lexicon(text, "labels.csv")
    assert [e.term for e in entries] == ["thug*", "puppet"]
    assert [(p.source, p.line, p.reason) for p in problems] == [("labels.csv", 3, reason)]


def test_a_byte_order_mark_and_windows_line_endings_are_fine():
    entries, problems = parse_term_lexicon("\ufeffterm,category,weight,note\r\nregime,delegitimizing,2,x\r\n", "x.csv")
    assert problems == []
    assert [e.term for e in entries] == ["regime"]


def test_a_star_at_the_end_of_a_word_is_a_prefix_and_other_symbols_are_not_code():
    assert term_parts("Terror*") == (TermPart("terror", True),)
    assert term_parts("so-called") == (TermPart("so", False), TermPart("called", False))
    assert term_parts("a.*b (c)") == (TermPart("a", False), TermPart("b", False), TermPart("c", False))


def test_a_duplicate_term_in_another_file_is_reported_and_the_first_wins(tmp_path):
    (tmp_path / "a.csv").write_text("term,category,weight,note\nregime,delegitimizing,2,x\n")
    (tmp_path / "b.csv").write_text("term,category,weight,note\nRegime's,emotive,1,y\n")
    lexicon, problems = read_lexicons(tmp_path)
    assert [(e.term, e.category) for e in lexicon.entries] == [("regime", "delegitimizing")]
    assert [(p.source, p.line, p.reason) for p in problems] == [
        ("b.csv", 2, 'duplicate term "Regime\'s": already at a.csv:2; this line is ignored')
    ]


def test_a_folder_without_any_usable_term_is_an_error(tmp_path):
    (tmp_path / "a.csv").write_text("word,kind\nregime,delegitimizing\n")
    with pytest.raises(LexiconError, match="no usable term"):
        read_lexicons(tmp_path)


def test_the_shipped_lexicons_load_without_problems_and_cover_the_required_categories():
    from conftest import LEXICONS

    lexicon, problems = read_lexicons(LEXICONS)
    assert problems == []
    sizes = {c: sum(e.category == c for e in lexicon.entries) for c in lexicon.categories}
    for category in ["emotive", "dysphemism", "euphemism", "delegitimizing", "doubt", "hedge"]:
        assert sizes[category] >= 24, sizes
    assert len(lexicon.boilerplate) > 20
