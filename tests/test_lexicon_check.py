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
