"""The command a user runs, end to end on the seed corpus and on a corpus with nothing to score."""

import csv
import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import LEXICONS, SEED_CORPUS

from pipeline import __version__
from pipeline.cli import main

# Page chrome that ../shared/README.md names in the seed articles.
SEED_CHROME = [
    "24 Apr 2024",
    "Shawwal",
    "Leave a Comment",
    "Your email address will not be published",
    "Scroll to Top",
    "Listen Live",
    "Get short URL",
    "(146)",
    "troops, foreign, expelling",
    "Community standards",
    "Share this",
    "Leave a Reply",
    "Back to top button",
    "Source link",
    "Related Articles",
]
# Everything cleaning removed from the seed corpus, by article and line: chrome, dates and titles only.
SEED_REMOVED = {
    ("gtv-news-2020-01-15.txt", 1, "date_line"),
    ("gtv-news-2020-01-15.txt", 2, "date_line"),
    ("gtv-news-2020-01-15.txt", 4, "title"),
    ("gtv-news-2020-01-15.txt", 6, "date_line"),
    ("gtv-news-2020-01-15.txt", 56, "pattern"),
    ("gtv-news-2020-01-15.txt", 58, "pattern"),
    ("gtv-news-2020-01-15.txt", 60, "pattern"),
    ("iambestnetworks-2020-01-10.txt", 1, "pattern"),
    ("rt-republished-2024-01-05.txt", 2, "title"),
    ("rt-republished-2024-01-05.txt", 24, "pattern"),
    ("rt-republished-2024-01-05.txt", 26, "pattern"),
    ("rt-republished-2024-01-05.txt", 28, "pattern"),
    ("rt-republished-2024-01-05.txt", 30, "pattern"),
    ("rt-republished-2024-01-05.txt", 32, "pattern"),
    ("salamweb-2020-02-20.txt", 1, "title"),
    ("salamweb-2020-02-20.txt", 3, "date_line"),
    ("salamweb-2020-02-20.txt", 4, "off_topic"),
    ("sputnik-2020-01-05.txt", 1, "date_line"),
    ("sputnik-2020-01-05.txt", 2, "pattern"),
    ("sputnik-2020-01-05.txt", 3, "pattern"),
    ("sputnik-2020-01-05.txt", 4, "repeated_line"),
    ("sputnik-2020-01-05.txt", 20, "repeated_line"),
    ("sputnik-2020-01-05.txt", 23, "headline"),
    ("sputnik-2020-01-05.txt", 24, "headline"),
    ("sputnik-2020-01-05.txt", 25, "headline"),
    ("sputnik-2020-01-05.txt", 26, "headline"),
    ("sputnik-2020-01-05.txt", 27, "tag_list"),
    ("sputnik-2020-01-05.txt", 28, "pattern"),
}


def read_table(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def seed_reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("run") / "reports"
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(LEXICONS), "--out", str(out)]
    )
    return result, out


def test_the_run_ends_with_a_summary_and_exit_code_zero(seed_reports):
    result, out = seed_reports
    assert result.exit_code == 0, result.output
    assert "Read 5 article(s) from" in result.output
    assert "scored 5 from 5 outlet(s)." in result.output
    assert f"Reports written to {out}/" in result.output
    assert f"on 2 event page(s), with the sentences behind each: {out / 'events'}/" in result.output


def test_every_report_file_is_written(seed_reports):
    _, out = seed_reports
    tables = {p.name for p in (out / "tables").iterdir()}
    assert {"articles.csv", "sentences.csv", "hits.csv", "outlets.csv", "removed_lines.csv", "problems.csv"} <= tables
    assert (out / "index.html").is_file() and (out / "report.md").is_file()
    assert len(list((out / "outlets").glob("*.html"))) == len(list((out / "outlets").glob("*.md"))) == 5


def test_the_five_seed_articles_are_five_outlets(seed_reports):
    _, out = seed_reports
    outlets = read_table(out / "tables" / "outlets.csv")
    assert [row["outlet"] for row in outlets] == [
        "GTV News",
        "I Am Best Networks",
        "RT (republished by Tekstrens)",
        "Salam Web Today",
        "Sputnik",
    ]
    required = ["outlet", "n_articles", "n_words", "polarity", "subjectivity", "loaded_per_1k", "quoted_per_1k"]
    assert set(required) <= set(outlets[0])
    assert {
        f"loaded_per_1k_{c}" for c in ["emotive", "dysphemism", "euphemism", "delegitimizing", "doubt", "hedge"]
    } <= set(outlets[0])


def test_no_seed_chrome_line_survives_into_the_sentences(seed_reports):
    _, out = seed_reports
    text = "\n".join(row["text"] for row in read_table(out / "tables" / "sentences.csv"))
    assert [chrome for chrome in SEED_CHROME if chrome in text] == []


def test_cleaning_removed_only_chrome_dates_and_titles(seed_reports):
    _, out = seed_reports
    removed = {
        (r["article_id"], int(r["line_no"]), r["rule"]) for r in read_table(out / "tables" / "removed_lines.csv")
    }
    assert removed == SEED_REMOVED


def test_quotes_and_one_line_paragraphs_of_the_seed_stay(seed_reports):
    _, out = seed_reports
    text = "\n".join(row["text"] for row in read_table(out / "tables" / "sentences.csv"))
    assert "“The US merely understands the language of force,” al-Hosseini said." in text
    assert "Bolton urged Trump" in text  # a subheading about the story
    assert "Baghdad accused Washington of violating its sovereignty by summarily assassinating another" in text


def test_every_hit_offset_slices_its_matched_text_from_the_sentence(seed_reports):
    _, out = seed_reports
    sentences = {(r["article_id"], r["sentence_id"]): r["text"] for r in read_table(out / "tables" / "sentences.csv")}
    hits = read_table(out / "tables" / "hits.csv")
    assert len(hits) > 20
    for hit in hits:
        sentence = sentences[(hit["article_id"], hit["sentence_id"])]
        assert sentence[int(hit["start"]) : int(hit["end"])] == hit["matched"]


def test_the_report_numbers_come_from_the_outlet_table(seed_reports):
    _, out = seed_reports
    index = (out / "index.html").read_text()
    for row in read_table(out / "tables" / "outlets.csv"):
        # Each number links to the outlet's sentences behind it.
        assert f'#loaded">{float(row["loaded_per_1k"]):.1f}</a>' in index
        assert f"{float(row['polarity']):+.3f}" in index
        # Each seed outlet is one article: an interval over articles cannot be given, and none is shown.
        assert row["n_articles"] == "1" and row["ci_low_loaded_per_1k"] == ""
    assert "none for an outlet of one article" in index


def test_an_outlet_of_several_articles_shows_its_interval_over_them(tmp_path, make_corpus):
    loaded = "Officials met in Baghdad on Monday to discuss the brutal regime. The talks went on."
    plain = "Officials met in Baghdad on Monday to discuss the troops. The talks went on."
    files = {f"{k}.txt": loaded if k % 2 else plain for k in range(6)}
    manifest = "file,outlet,published\n" + "".join(
        f"{k}.txt,{'Wire' if k < 4 else 'Daily'},2020-01-0{k + 1}\n" for k in range(6)
    )
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(make_corpus(files, manifest)), "--lexicons", str(LEXICONS), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    index = (out / "index.html").read_text()
    for row in read_table(out / "tables" / "outlets.csv"):
        low, high = float(row["ci_low_loaded_per_1k"]), float(row["ci_high_loaded_per_1k"])
        assert low <= float(row["loaded_per_1k"]) <= high and low < high  # its articles differ
        assert f"[{low:.1f}, {high:.1f}]" in index


def test_two_runs_give_byte_identical_tables(seed_reports, tmp_path):
    _, first = seed_reports
    second = tmp_path / "again"
    CliRunner().invoke(main, ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(LEXICONS), "--out", str(second)])
    for table in sorted((first / "tables").iterdir()):
        assert (second / "tables" / table.name).read_bytes() == table.read_bytes(), table.name


def test_a_low_memory_run_keeps_its_tables_on_disk_and_writes_the_same_tables(seed_reports, tmp_path, monkeypatch):
    from pipeline.support.stored import TableStore

    _, first = seed_reports
    put, kept = TableStore.put, tmp_path / "kept.txt"

    def put_and_note(store, name, table):  # noted in a file: the run's processes put partitions' tables too
        with open(kept, "a") as note:
            note.write(f"{name}\n")
        return put(store, name, table)

    monkeypatch.setattr(TableStore, "put", put_and_note)
    low = tmp_path / "low"
    options = ["--lexicons", str(LEXICONS), "--out", str(low), "--cache", str(tmp_path / "cache")]
    result = CliRunner().invoke(main, ["run", "--corpus", str(SEED_CORPUS), *options, "--low-memory"])
    assert result.exit_code == 0, result.output
    for table in sorted((first / "tables").iterdir()):
        assert (low / "tables" / table.name).read_bytes() == table.read_bytes(), table.name
    assert {"sentences", "hits", "annotations", "statements"} <= set(kept.read_text().split())
    assert not list((tmp_path / "cache").glob("mediabias-tables-*"))  # the tables on disk were the run's own


def test_nothing_to_score_exits_non_zero_with_the_reasons(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": b"", "b.txt": b"\x00\x01binary"})
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "a.txt: error: empty file" in result.output
    assert "b.txt: error: binary file (contains NUL bytes), not text" in result.output
    assert "Error: no article could be scored; see the problems above (2)." in result.output
    assert not (tmp_path / "r").exists()


def test_a_missing_corpus_folder_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["run", "--corpus", str(tmp_path / "nope"), "--lexicons", str(LEXICONS)])
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'nope' / 'manifest.csv'}: no manifest" in result.output


def test_the_help_shows_an_example():
    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0
    assert "mediabias run --corpus corpus --out reports" in result.output


def test_editing_one_lexicon_line_shows_in_since_the_last_run(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    out = tmp_path / "reports"
    args = ["run", "--corpus", str(SEED_CORPUS), "--lexicons", str(lexicons), "--out", str(out)]
    CliRunner().invoke(main, args)
    assert "No earlier run to compare with in this folder" in (out / "index.html").read_text()
    violence = lexicons / "violence.csv"
    violence.write_text(violence.read_text().replace("assassinat*,dysphemism,2,", "assassinat*,dysphemism,3,"))
    CliRunner().invoke(main, args)
    report = (out / "report.md").read_text()
    since = report[report.index("## Since the last run") : report.index("## Run")]
    assert "- Entry **assassinat\\*** (dysphemism): re-weighted, weight 2 → 3, violence.csv:2" in since
    assert "- GTV News: **assassinat\\*** 3 → 3 hits (re-weighted)" in since
    assert "- GTV News: Loaded weight per 1,000 own words" in since


def test_the_run_records_what_produced_it(seed_reports):
    _, out = seed_reports
    provenance = json.loads((out / "run.json").read_text())
    assert provenance["mediabias_version"] == __version__
    assert set(provenance["lexicon_files_sha256"]) >= {"emotive.csv", "violence.csv", "boilerplate.txt"}
    assert len(provenance["corpus_sha256"]) == 64 and provenance["corpus_files"] == 6
    assert provenance["options"]["out"] == str(out)


def test_parquet_alone_is_refused_because_the_pages_link_to_the_csv(tmp_path):
    result = CliRunner().invoke(
        main, ["run", "--corpus", str(SEED_CORPUS), "--out", str(tmp_path / "r"), "--format", "parquet"]
    )
    assert result.exit_code == 2
    assert "csv is always written; use csv,parquet" in result.output
    assert not (tmp_path / "r").exists()
