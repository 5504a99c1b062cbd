"""Hostile lexicon folders: every malformed file or line is a problem with file and line, never a traceback."""

from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import main
from pipeline.lexicons import parse_yaml_dictionary, read_lexicons

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
