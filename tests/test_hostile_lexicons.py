"""Hostile lexicon folders: every malformed file or line is a problem with file and line, never a traceback."""

import errno
import os
from pathlib import Path

import hypothesis.strategies as st
import pandas as pd
from click.testing import CliRunner
from hypothesis import given

from pipeline.cli import main
from pipeline.reading import lexicons
from pipeline.reading.lexicons import (
    Entry,
    TermPart,
    parse_liwc_dictionary,
    parse_term_lexicon,
    parse_yaml_dictionary,
    read_lexicons,
    shadowed_terms,
    term_parts,
)

GOOD_CSV = "term,category,weight,note\nregime,delegitimizing,2,x\n"


def lexicon_folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A lexicon folder with one good term lexicon (a.csv) beside the given files."""
    folder = tmp_path / "lexicons"
    folder.mkdir()
    (folder / "a.csv").write_text(GOOD_CSV, encoding="utf-8")
    for name, content in files.items():
        if isinstance(content, bytes):
            (folder / name).write_bytes(content)
        else:
            (folder / name).write_text(content, encoding="utf-8")
    return folder


def check(folder: Path) -> list[str]:
    """The lines `mediabias lexicon check` prints for a folder (no corpus, so no wildcard warnings)."""
    result = CliRunner().invoke(main, ["lexicon", "check", "--lexicons", str(folder), "--corpus", "no-corpus"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output.splitlines()


def billion_laughs(levels: int) -> str:
    lines = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


# YAML dictionaries


def test_a_billion_laughs_yaml_dictionary_is_refused_at_its_first_alias_and_the_rest_is_used(tmp_path):
    folder = lexicon_folder(tmp_path, {"laughs.yml": billion_laughs(9)})
    lexicon, problems = read_lexicons(folder)
    assert [e.term for e in lexicon.entries] == ["regime"]
    assert [(p.source, p.line, p.reason) for p in problems] == [
        ("laughs.yml", 2, "alias *a0 is not read in a dictionary; write its terms out; the file is skipped")
    ]


def test_a_yaml_alias_to_itself_is_refused_in_lexicon_check(tmp_path):
    folder = lexicon_folder(tmp_path, {"self.yml": "war: &x [*x]\n"})
    assert check(folder) == [
        "self.yml:1: error: alias *x is not read in a dictionary; write its terms out; the file is skipped",
        f"1 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_yaml_dictionary_nested_thousands_of_levels_deep_is_refused_with_the_line():
    text = "".join("  " * depth + f"level{depth}:\n" for depth in range(5000)) + "  " * 5000 + "- war\n"
    entries, problems = parse_yaml_dictionary(text, "deep.yml")
    assert entries == []
    assert [(p.line, p.reason) for p in problems] == [
        (21, "nested more than 20 levels deep; categories nest a few levels; the file is skipped")
    ]


def test_a_yaml_dictionary_of_thousands_of_nested_brackets_is_refused():
    _, problems = parse_yaml_dictionary("war: " + "[" * 100_000 + "]" * 100_000 + "\n", "deep.yml")
    assert [(p.line, p.reason) for p in problems] == [
        (1, "nested more than 20 levels deep; categories nest a few levels; the file is skipped")
    ]


def test_a_yaml_anchor_without_an_alias_is_read_as_usual():
    entries, problems = parse_yaml_dictionary("war: &w [bloodshed]\n", "anchor.yml")
    assert problems == []
    assert [(e.term, e.category) for e in entries] == [("bloodshed", "war")]


def test_a_yaml_file_whose_top_level_is_a_list_is_a_problem_naming_what_it_is():
    _, problems = parse_yaml_dictionary("- war\n- bloodshed\n", "list.yml")
    assert [(p.line, p.reason) for p in problems] == [
        (1, "the file is a list; a YAML dictionary maps category names to lists of terms; the file is skipped")
    ]


def test_a_yaml_file_that_is_a_single_value_is_a_problem_naming_what_it_is():
    _, problems = parse_yaml_dictionary("war\n", "scalar.yml")
    assert [(p.line, p.reason) for p in problems] == [
        (1, "the file is a single value; a YAML dictionary maps category names to lists of terms; the file is skipped")
    ]


def test_an_empty_yaml_file_is_a_problem():
    _, problems = parse_yaml_dictionary("# nothing yet\n", "empty.yml")
    assert [(p.line, p.reason) for p in problems] == [
        (1, "the file is empty; a YAML dictionary maps category names to lists of terms")
    ]


def test_a_yaml_category_named_by_a_list_is_skipped_and_the_other_categories_load():
    entries, problems = parse_yaml_dictionary("? [war, peace]\n: [bloodshed]\nhedging: [reportedly]\n", "key.yml")
    assert [(e.term, e.category) for e in entries] == [("reportedly", "hedging")]
    assert [(p.line, p.reason) for p in problems] == [
        (1, "a category name is a single word, not a list; this category is skipped")
    ]


# Files that are not regular, readable files


def test_a_lexicon_file_that_cannot_be_read_is_a_problem_naming_it_and_the_rest_is_used(tmp_path, monkeypatch):
    folder = lexicon_folder(tmp_path, {"locked.csv": "term,category\nbrutal,emotive\n"})
    real_open = os.open

    def open_refusing_locked(path, flags, *args, **kwargs):
        if Path(path).name == "locked.csv":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_refusing_locked)
    lexicon, problems = read_lexicons(folder)
    assert [e.term for e in lexicon.entries] == ["regime"]
    assert [(p.source, p.line, p.reason) for p in problems] == [("locked.csv", 0, "cannot be read: permission denied")]


def test_lexicon_check_names_a_lexicon_file_that_cannot_be_read(tmp_path, monkeypatch):
    folder = lexicon_folder(tmp_path, {"actors.csv": "actor,alias\nUS,USA\n"})
    real_open = os.open

    def open_failing_actors(path, flags, *args, **kwargs):
        if Path(path).name == "actors.csv":
            raise OSError(errno.EIO, "Input/output error", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_failing_actors)
    assert check(folder) == [
        "actors.csv: error: cannot be read: input/output error",
        f"1 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_folder_named_like_a_lexicon_is_a_problem(tmp_path):
    folder = lexicon_folder(tmp_path, {})
    (folder / "old.csv").mkdir()
    (folder / "frames.csv").mkdir()
    assert check(folder) == [
        "frames.csv: error: is a folder, not a file",
        "old.csv: error: is a folder, not a file",
        f"2 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_link_to_a_device_is_never_read(tmp_path):
    folder = lexicon_folder(tmp_path, {})
    (folder / "zero.csv").symlink_to("/dev/zero")
    (folder / "negators.txt").symlink_to("/dev/zero")
    lexicon, problems = read_lexicons(folder)
    assert [e.term for e in lexicon.entries] == ["regime"]
    assert sorted((p.source, p.reason) for p in problems) == [
        ("negators.txt", "is not a regular file"),
        ("zero.csv", "is not a regular file"),
    ]


def test_a_named_pipe_is_never_opened_for_reading(tmp_path):
    folder = lexicon_folder(tmp_path, {})
    os.mkfifo(folder / "pipe.yml")
    _, problems = read_lexicons(folder)
    assert [(p.source, p.reason) for p in problems] == [("pipe.yml", "is not a regular file")]


def test_a_broken_link_is_a_problem(tmp_path):
    folder = lexicon_folder(tmp_path, {})
    (folder / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    (folder / "labels.csv").symlink_to(tmp_path / "nowhere.csv")
    assert check(folder) == [
        "gone.csv: error: is a broken link",
        "labels.csv: error: is a broken link",
        f"2 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_lexicon_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(lexicons, "MAX_LEXICON_BYTES", 100)
    folder = lexicon_folder(tmp_path, {"big.csv": "term,category\n" + "brutal,emotive\n" * 10})
    _, problems = read_lexicons(folder)
    assert [(p.source, p.reason) for p in problems] == [("big.csv", "is 164 bytes; a lexicon file is at most 100")]


# The framing lexicons


def test_an_empty_alias_is_named_as_the_empty_column_not_as_a_missing_actor(tmp_path):
    folder = lexicon_folder(tmp_path, {"actors.csv": "actor,alias,note\nthe United States,,\nthe United States,USA,\n"})
    assert check(folder) == [
        "actors.csv:2: error: empty alias '': an alias needs at least one letter or digit",
        f"1 error(s), 0 warning(s) in {folder}.",
    ]


def test_an_empty_actor_is_named_with_the_alias_that_needs_it(tmp_path):
    folder = lexicon_folder(tmp_path, {"actors.csv": "actor,alias\n,Washington\n"})
    assert check(folder) == [
        "actors.csv:2: error: empty actor: the alias 'Washington' needs an actor",
        f"1 error(s), 0 warning(s) in {folder}.",
    ]


def test_lexicon_check_names_an_invalid_frame_and_the_frames_it_accepts(tmp_path):
    folder = lexicon_folder(tmp_path, {"frames.csv": "term,frame\nwar,warfare\nbudget,economic\n"})
    assert check(folder)[0] == (
        "frames.csv:2: error: frame 'warfare' is not one of: economic, capacity and resources, morality, "
        "fairness and equality, legality, policy prescription, crime and punishment, security and defense, "
        "health and safety, quality of life, cultural identity, public opinion, political, "
        "external regulation and reputation, other"
    )


def test_an_empty_attribution_class_lists_the_classes(tmp_path):
    folder = lexicon_folder(tmp_path, {"attribution.csv": "verb,class\nclaimed,\n"})
    assert check(folder)[0] == (
        "attribution.csv:2: error: empty class: the verb 'claimed' needs a class "
        "(one of: neutral, doubting, disparaging, conceding, idiom)"
    )


def test_lexicon_check_names_a_connotation_that_is_not_a_number_empty_or_out_of_range(tmp_path):
    labels = "concept,label,connotation\nwall,barrier,high\nwall,fence,\nwall,wall,2\nwall,border fence,-0.5\n"
    folder = lexicon_folder(tmp_path, {"labels.csv": labels})
    assert check(folder) == [
        "labels.csv:2: error: connotation 'high' is not a number; use a number in [-1, 1]",
        "labels.csv:3: error: empty connotation: the label 'fence' needs a number in [-1, 1]",
        "labels.csv:4: error: connotation '2' is outside [-1, 1]",
        f"3 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_framing_line_with_too_many_fields_is_a_problem(tmp_path):
    folder = lexicon_folder(tmp_path, {"actors.csv": "actor,alias,note\nthe United States,US,one, two\n"})
    assert check(folder)[0] == "actors.csv:2: error: 4 fields, the header has 3 (quote a note that contains commas)"


# Invisible characters inside terms


def test_lexicon_check_warns_about_an_invisible_character_inside_a_term(tmp_path):
    folder = lexicon_folder(
        tmp_path,
        {"b.csv": "term,category\nbru\u200btal,emotive\nso\u00adcalled,doubt\nwit\u2060ch hu\ufeffnt,partisan\n"},
    )
    assert check(folder) == [
        "b.csv:2: warning: term 'brutal' contains an invisible character (U+200B), removed",
        "b.csv:3: warning: term 'socalled' contains an invisible character (U+00AD), removed",
        "b.csv:4: warning: term 'witch hunt' contains invisible characters (U+2060, U+FEFF), removed",
        f"0 error(s), 3 warning(s) in {folder}.",
    ]


def test_a_term_with_an_invisible_character_matches_the_visible_word_in_a_run(tmp_path, make_corpus):
    corpus = make_corpus({"a.txt": "Title\n\nThe police used brutal force on Monday.\n"})
    folder = lexicon_folder(tmp_path, {"b.csv": "term,category\nbru\u200ctal,emotive\n"})
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["run", "--corpus", str(corpus), "--lexicons", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "b.csv:2: warning: term 'brutal' contains an invisible character (U+200C), removed" in result.output
    hits = pd.read_csv(out / "tables" / "hits.csv")
    assert hits[["term", "matched", "lexicon", "lexicon_line"]].values.tolist() == [["brutal", "brutal", "b.csv", 2]]


def test_an_invisible_character_in_a_yaml_term_or_an_alias_is_removed_with_a_warning(tmp_path):
    folder = lexicon_folder(
        tmp_path, {"d.yml": "conflict: [blood\u200dshed]\n", "actors.csv": "actor,alias\nthe United States,U\u200bS\n"}
    )
    assert check(folder) == [
        "actors.csv:2: warning: alias 'US' contains an invisible character (U+200B), removed",
        "d.yml:1: warning: term 'bloodshed' contains an invisible character (U+200D), removed",
        f"0 error(s), 2 warning(s) in {folder}.",
    ]


# Bounded work


def test_checking_thousands_of_terms_that_start_with_the_same_word_compares_only_those_that_overlap():
    rows = "".join(f"the w{i},c{i % 7}\nthe w{i} y,other\n" for i in range(5000))
    entries, _ = parse_term_lexicon("term,category\n" + rows, "many.csv")
    warnings = shadowed_terms(entries)
    assert len(warnings) == 5000
    assert warnings[0].reason == (
        "'the w0' (c0) is part of the longer 'the w0 y' (other) at many.csv:3; where both match, the longer wins"
    )


def covers(short: TermPart, long: TermPart) -> bool:
    return long.text.startswith(short.text) if short.prefix else not long.prefix and long.text == short.text


words = st.sampled_from(["a", "ab", "abc", "b", "a*", "ab*", "b*"])


@given(st.lists(st.tuples(st.lists(words, min_size=1, max_size=3), st.sampled_from("xy")), max_size=12))
def test_shadowed_terms_finds_exactly_the_pairs_a_word_by_word_comparison_finds(rows):
    entries = [Entry(" ".join(t), c, 1.0, "", "p.csv", n, term_parts(" ".join(t))) for n, (t, c) in enumerate(rows)]
    expected = {
        (short.line, long.line)
        for short in entries
        for long in entries
        if len(short.parts) < len(long.parts)
        and short.category != long.category
        and any(
            all(covers(a, b) for a, b in zip(short.parts, long.parts[k:], strict=False))
            for k in range(len(long.parts) - len(short.parts) + 1)
        )
    }
    found = {(p.line, int(p.reason.rsplit("p.csv:", 1)[1].split(";")[0])) for p in shadowed_terms(entries)}
    assert found == expected


# Other malformed files


def test_a_csv_field_over_the_csv_size_limit_is_a_problem_and_the_next_lines_load():
    text = 'term,category\n"' + "x" * 200_000 + '",emotive\nbrutal,emotive\n'
    entries, problems = parse_term_lexicon(text, "b.csv")
    assert [e.term for e in entries] == ["brutal"]
    assert [(p.line, p.reason) for p in problems] == [
        (2, "not a CSV line: field larger than field limit (131072); the line is skipped")
    ]


def test_a_quote_never_closed_is_named_at_the_line_it_opens():
    entries, problems = parse_term_lexicon('term,category\nfine,emotive\n"brutal,emotive\nsavage,emotive\n', "b.csv")
    assert [e.term for e in entries] == ["fine"]
    assert [(p.line, p.reason) for p in problems] == [
        (
            3,
            'a quote (") opened on this line is never closed, so the rest of the file would be one field; it is skipped',
        )
    ]


def test_a_note_quoted_over_two_lines_at_the_end_of_the_file_is_fine():
    entries, problems = parse_term_lexicon('term,category,weight,note\nfine,emotive,1,"one\ntwo"\n', "b.csv")
    assert problems == []
    assert [(e.term, e.note) for e in entries] == [("fine", "one\ntwo")]


def test_a_csv_with_a_nul_byte_is_reported_as_binary_and_the_rest_is_used(tmp_path):
    folder = lexicon_folder(tmp_path, {"b.csv": b"term,category\nbru\x00tal,emotive\n"})
    assert check(folder) == [
        "b.csv: error: cannot be read: binary file (contains NUL bytes), not text",
        f"1 error(s), 0 warning(s) in {folder}.",
    ]


def test_a_lexicon_that_is_not_utf8_is_read_in_its_legacy_encoding(tmp_path):
    folder = lexicon_folder(tmp_path, {"b.csv": "term,category\nbrutalité,emotive\n".encode("cp1252")})
    lexicon, problems = read_lexicons(folder)
    assert problems == []
    assert [e.term for e in lexicon.entries] == ["regime", "brutalité"]


def test_a_lexicon_file_name_that_is_not_utf8_is_shown_with_a_replacement_character(tmp_path):
    folder = lexicon_folder(tmp_path, {})
    Path(os.fsdecode(bytes(folder) + b"/\xff.csv")).write_text("term,category\nbrutal,emo tive\n")
    _, problems = read_lexicons(folder)
    assert [(p.source, p.line) for p in problems] == [("\ufffd.csv", 2)]


def test_a_liwc_term_with_a_category_id_not_in_the_block_keeps_its_known_category_with_a_warning():
    entries, problems = parse_liwc_dictionary("%\n1\tposemo\n%\nhappy\t1 99 x\n", "d.dic")
    assert [(e.term, e.category) for e in entries] == [("happy", "posemo")]
    assert [(p.line, p.severity, p.reason) for p in problems] == [
        (4, "warning", "'happy': category id(s) 99, x not in the category block, ignored")
    ]


def test_a_liwc_category_id_defined_twice_keeps_the_first():
    entries, problems = parse_liwc_dictionary("%\n1\tposemo\n01\tnegemo\n%\nhappy\t1\n", "d.dic")
    assert [(e.term, e.category) for e in entries] == [("happy", "posemo")]
    assert [(p.line, p.reason) for p in problems] == [(3, "category id 01 is already posemo; this line is ignored")]


def test_a_quote_inside_a_word_on_the_last_line_is_not_an_open_quote():
    entries, problems = parse_term_lexicon('term,category\nbru"tal,emotive\n', "b.csv")
    assert problems == []
    assert [e.term for e in entries] == ['bru"tal']
