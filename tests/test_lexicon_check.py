"""`mediabias lexicon check`: every mistake named by file and line; errors fail, warnings do not."""

from click.testing import CliRunner
from conftest import LEXICONS, SEED_CORPUS

from pipeline.cli import main


def write_bad_lexicons(folder):
    folder.mkdir()
    (folder / "a.csv").write_text(
        "term,category,weight,note\n"
        "regime,delegitimizing,2,fine\n"  # line 2
        ",emotive,1,empty term\n"  # line 3
        "brutal,emotive,strong,weight not a number\n"  # line 4
        "savage,emotive,9,weight out of range\n"  # line 5
        "Regime,emotive,1,duplicate of line 2\n"  # line 6
        "strike,euphemism,1,shadowed by drone strike in b.csv\n"  # line 7
        "xyzzy*,emotive,1,wildcard that matches nothing\n"  # line 8
    )
    (folder / "b.csv").write_text("term,category,wieght,note\ndrone strike,dysphemism,2,unknown column\n")
    return folder


def test_check_names_each_mistake_by_file_and_line_and_exits_non_zero(tmp_path):
    lexicons = write_bad_lexicons(tmp_path / "lexicons")
    result = CliRunner().invoke(main, ["lexicon", "check", "--lexicons", str(lexicons), "--corpus", str(SEED_CORPUS)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "a.csv:3: error: empty term '': a term needs at least one letter or digit",
        "a.csv:4: error: weight 'strong' is not a number; use 1 (mild), 2 (clear) or 3 (strong)",
        "a.csv:5: error: weight '9' is outside 0 < weight <= 3",
        "a.csv:6: error: duplicate term 'Regime': already at a.csv:2; this line is ignored",
        "a.csv:7: warning: 'strike' (euphemism) is part of the longer 'drone strike' (dysphemism) at b.csv:2; "
        "where both match, the longer wins",
        "a.csv:8: warning: wildcard 'xyzzy*' in 'xyzzy*' matches no word in the corpus",
        "b.csv:1: error: unknown column 'wieght' ignored; expected term,category,weight,note",
        f"5 error(s), 2 warning(s) in {lexicons}.",
    ]


def test_the_shipped_lexicons_pass_the_check():
    result = CliRunner().invoke(main, ["lexicon", "check", "--lexicons", str(LEXICONS), "--corpus", str(SEED_CORPUS)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith("0 error(s), ")


def test_run_skips_a_bad_line_keeps_the_rest_and_lists_it_in_the_report(tmp_path):
    lexicons = write_bad_lexicons(tmp_path / "lexicons")
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(lexicons), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "a.csv:4: error: weight 'strong' is not a number" in result.output
    index = (out / "index.html").read_text()
    assert "weight &#39;strong&#39; is not a number" in index
    assert "drone strike" in (out / "tables" / "lexicon_stats.csv").read_text()


def test_many_wildcards_that_match_nothing_are_one_line_per_file_unless_all_is_asked(tmp_path):
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    rows = "".join(f"zq{k}x*,emotive,1,\n" for k in range(5))
    (lexicons / "a.csv").write_text("term,category,weight,note\n" + rows, encoding="utf-8")
    args = ["lexicon", "check", "--lexicons", str(lexicons), "--corpus", str(SEED_CORPUS)]
    grouped = CliRunner().invoke(main, args).output.splitlines()
    assert grouped == [
        "a.csv:2: warning: 5 wildcards match no word of this corpus (lines 2, 3, 4, 5, 6); --all lists each",
        f"0 error(s), 5 warning(s) in {lexicons}.",
    ]
    every = CliRunner().invoke(main, [*args, "--all"]).output.splitlines()
    assert every[0] == "a.csv:2: warning: wildcard 'zq0x*' in 'zq0x*' matches no word in the corpus"
    assert len(every) == 6


def test_lexicon_stats_names_each_entry_by_file_and_line_and_lists_those_that_never_fire(tmp_path):
    lexicons = tmp_path / "lexicons"
    lexicons.mkdir()
    (lexicons / "a.csv").write_text(
        "term,category,weight,note\nassassinat*,dysphemism,2,\nzqxv,emotive,1,never in the seed\n", encoding="utf-8"
    )
    output = CliRunner().invoke(main, ["lexicon", "stats", "--corpus", str(SEED_CORPUS), "--lexicons", str(lexicons)])
    lines = output.output.splitlines()
    assert any(line.startswith("a.csv:2") and "assassinat*" in line for line in lines)
    assert lines[-2:] == ["1 of 2 entries fired; 1 never fired in this corpus:", "  a.csv: 1: zqxv (3)"]
