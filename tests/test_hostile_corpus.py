"""Hostile corpus input, one case per test: reported (or repaired) with file, line and reason, never a traceback."""

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_bad_input import GOOD, assert_reported, problems, run, scored, table

import pipeline.reading.corpus
from pipeline.reading.corpus import read_corpus

OTHER = "The US said its troops would stay in Iraq, a spokesman said on Monday."


def assert_warning(out, source, line, reason):
    """The problem is shown to the user, and as a warning: the item was used."""
    assert_reported(out, source, line, reason)
    severities = {(p["source"], int(p["line"]), p["reason"]): p["severity"] for p in table(out, "problems.csv")}
    assert severities[(source, line, reason)] == "warning"


def assert_error(out, source, line, reason):
    """The problem is shown to the user, and as an error: the item was skipped."""
    assert_reported(out, source, line, reason)
    severities = {(p["source"], int(p["line"]), p["reason"]): p["severity"] for p in table(out, "problems.csv")}
    assert severities[(source, line, reason)] == "error"


def two_articles(make_corpus, published_good, published_other):
    manifest = f"file,outlet,published\ngood.txt,A,{published_good}\nother.txt,B,{published_other}\n"
    return make_corpus({"good.txt": GOOD, "other.txt": OTHER}, manifest=manifest)


def undated(value):
    return (
        f"published {value!r} is not a date (expected ISO 8601, e.g. 2020-01-05 or 2020-01-05T10:00:00Z); "
        "the article is treated as undated"
    )


def test_a_date_with_a_time_and_zone_is_read_and_kept_as_given(make_corpus, tmp_path):
    result, out = run(two_articles(make_corpus, "2020-01-05T10:00:00Z", "2020-01-06"), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert {e["article_id"]: e["published"] for e in table(out, "events.csv")} == {
        "good.txt": "2020-01-05T10:00:00Z",
        "other.txt": "2020-01-06",
    }


def test_dates_with_different_offsets_are_read_together(make_corpus, tmp_path):
    result, out = run(two_articles(make_corpus, "2020-01-05T10:00:00+03:00", "2020-01-06T01:00:00-05:00"), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert scored(out) == ["good.txt", "other.txt"]


@pytest.mark.parametrize("value", ["2020-13-45", "yesterday"])
def test_a_manifest_date_that_is_not_a_date_is_a_warning_at_its_line(make_corpus, tmp_path, value):
    result, out = run(two_articles(make_corpus, "2020-01-05", value), tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(out, "manifest.csv", 3, undated(value))
    assert scored(out) == ["good.txt", "other.txt"]


def test_a_record_date_that_is_not_a_date_is_a_warning_at_its_record(make_corpus, tmp_path):
    records = [{"text": GOOD, "published": "2020-01-05T10:00:00Z"}, {"text": OTHER, "published": "yesterday"}]
    corpus = make_corpus({"feed.jsonl": "".join(json.dumps(r) + "\n" for r in records)})
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(out, "feed.jsonl", 2, undated("yesterday"))
    assert scored(out) == ["feed.jsonl:1", "feed.jsonl:2"]


def shown(out):
    """Every text, title and outlet name the tables show, by kind."""
    articles = table(out, "articles.csv")
    return {
        "text": [s["text"] for s in table(out, "sentences.csv")],
        "title": [a["title"] for a in articles],
        "outlet": [a["outlet"] for a in articles],
    }


@pytest.mark.parametrize("field", ["text", "title", "outlet"])
def test_a_lone_surrogate_in_a_record_is_replaced_and_the_record_kept(make_corpus, tmp_path, field):
    record = {"text": "Troops stay in Iraq, a spokesman said.", "title": "Troops stay", "outlet": "Troops Daily"}
    record[field] = record[field].replace("Troops", "Troops \ud800")
    corpus = make_corpus({"good.txt": GOOD, "feed.jsonl": json.dumps(record) + "\n"})
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(out, "feed.jsonl", 1, f"lone surrogates (invalid \\u escapes) replaced with U+FFFD in {field}")
    assert scored(out) == ["feed.jsonl:1", "good.txt"]
    assert any("Troops \ufffd" in value for value in shown(out)[field])


def test_nul_characters_in_a_record_are_removed_with_a_warning(make_corpus, tmp_path):
    record = {"text": "Troops stay in Iraq,\u0000 a spokesman said.", "outlet": "Wire"}
    corpus = make_corpus({"good.txt": GOOD, "feed.jsonl": json.dumps(record) + "\n"})
    _, out = run(corpus, tmp_path)
    assert_warning(out, "feed.jsonl", 1, "NUL characters removed from text")
    assert "Troops stay in Iraq, a spokesman said." in shown(out)["text"]
    assert scored(out) == ["feed.jsonl:1", "good.txt"]


def test_nul_characters_in_a_text_file_are_removed_with_a_warning(make_corpus, tmp_path):
    utf16_after_a_utf8_mark = b"\xef\xbb\xbf" + "Troops stay in Iraq, a spokesman said.".encode("utf-16-le")
    _, out = run(make_corpus({"good.txt": GOOD, "odd.txt": utf16_after_a_utf8_mark}), tmp_path)
    assert_warning(out, "odd.txt", 0, "NUL characters removed from text")
    assert "Troops stay in Iraq, a spokesman said." in shown(out)["text"]
    assert scored(out) == ["good.txt", "odd.txt"]


def test_bidirectional_controls_in_an_outlet_name_are_removed_with_a_warning(make_corpus, tmp_path):
    manifest = "file,outlet\ngood.txt,Wire\nother.txt,\u202eeriW\u202c\n"
    _, out = run(make_corpus({"good.txt": GOOD, "other.txt": OTHER}, manifest=manifest), tmp_path)
    assert_warning(out, "manifest.csv", 3, "bidirectional control characters removed from outlet")
    assert sorted(o["outlet"] for o in table(out, "outlets.csv")) == ["Wire", "eriW"]


def test_an_outlet_name_in_nfc_and_in_nfd_is_one_outlet(make_corpus, tmp_path):
    manifest = "file,outlet\ngood.txt,Caf\u00e9\nother.txt,Cafe\u0301\n"
    result, out = run(make_corpus({"good.txt": GOOD, "other.txt": OTHER}, manifest=manifest), tmp_path)
    assert result.exit_code == 0, result.output
    assert [(o["outlet"], o["n_articles"]) for o in table(out, "outlets.csv")] == [("Caf\u00e9", "2")]


def test_a_run_s_articles_table_used_as_a_manifest_renames_the_pipeline_s_columns(make_corpus, tmp_path):
    first, first_out = run(make_corpus({"good.txt": GOOD}), tmp_path / "first")
    assert first.exit_code == 0, first.output
    corpus = make_corpus({"good.txt": GOOD}, manifest=(first_out / "tables" / "articles.csv").read_text())
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_warning(
        out, "manifest.csv", 1, "column 'polarity' is a column the pipeline makes; kept as 'manifest_polarity'"
    )
    assert_warning(
        out, "manifest.csv", 1, "column 'article_id' is a column the pipeline makes; kept as 'manifest_article_id'"
    )
    assert scored(out) == ["good.txt"]
    first_columns, columns = list(table(first_out, "articles.csv")[0]), list(table(out, "articles.csv")[0])
    assert [c for c in first_columns if f"manifest_{c}" not in columns] == [
        "file",
        "outlet",
        "published",
        "url",
        "title",
    ]


def test_a_manifest_column_named_like_its_renamed_self_is_dropped(make_corpus, tmp_path):
    manifest = "file,outlet,polarity,manifest_polarity\ngood.txt,Wire,0.5,0.4\n"
    _, out = run(make_corpus({"good.txt": GOOD}, manifest=manifest), tmp_path)
    assert_warning(
        out,
        "manifest.csv",
        1,
        "column 'polarity' is a column the pipeline makes, and 'manifest_polarity' is taken too; column dropped",
    )
    assert table(out, "articles.csv")[0]["manifest_polarity"] == "0.4"


def test_a_manifest_column_named_twice_is_read_once(make_corpus, tmp_path):
    manifest = "file,outlet,outlet\ngood.txt,Wire,Other\n"
    _, out = run(make_corpus({"good.txt": GOOD}, manifest=manifest), tmp_path)
    assert_warning(out, "manifest.csv", 1, "column 'outlet' appears more than once; column 3 ignored")
    assert [a["outlet"] for a in table(out, "articles.csv")] == ["Wire"]


def test_a_title_column_gives_the_article_s_title_without_a_hint(make_corpus, tmp_path):
    manifest = "file,outlet,title\ngood.txt,Wire,Parliament votes\n"
    _, out = run(make_corpus({"good.txt": GOOD}, manifest=manifest), tmp_path)
    assert problems(out) == []
    assert [(a["title"], a["title_source"]) for a in table(out, "articles.csv")] == [("Parliament votes", "source")]


@pytest.mark.parametrize("column", ["event", "author", "section", "language"])
def test_a_plausible_extra_column_draws_no_misspelling_hint(make_corpus, tmp_path, column):
    manifest = f"file,outlet,{column}\ngood.txt,Wire,x\n"
    _, out = run(make_corpus({"good.txt": GOOD}, manifest=manifest), tmp_path)
    assert problems(out) == []
    assert table(out, "articles.csv")[0][column] == "x"


def refuse_to_open(monkeypatch, file_name):
    """Reading `file_name` fails as a file without read permission does (tests run as root: chmod would not)."""
    real_open = open

    def open_unless_refused(path, *args, **kwargs):
        if os.path.basename(path) == file_name:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(pipeline.reading.corpus, "open", open_unless_refused, raising=False)


def test_a_file_without_read_permission_is_reported_and_skipped(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"good.txt": GOOD, "secret.txt": OTHER})
    refuse_to_open(monkeypatch, "secret.txt")
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_error(out, "secret.txt", 0, "cannot be read: Permission denied")
    assert scored(out) == ["good.txt"]


def test_a_manifest_without_read_permission_stops_with_a_clear_message(make_corpus, tmp_path, monkeypatch):
    corpus = make_corpus({"good.txt": GOOD})
    refuse_to_open(monkeypatch, "manifest.csv")
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 1
    assert f"Error: {corpus / 'manifest.csv'}: cannot be read: Permission denied" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("second_name", ["./good.txt", "link.txt"], ids=["dot-slash", "symlink"])
def test_one_file_listed_under_two_names_is_read_once(make_corpus, tmp_path, second_name):
    corpus = make_corpus({"good.txt": GOOD}, manifest=f"file,outlet\ngood.txt,A\n{second_name},A\n")
    if second_name == "link.txt":
        os.symlink("good.txt", corpus / "link.txt")
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0, result.output
    assert_error(
        out, "manifest.csv", 3, f"{second_name!r} is the same file as 'good.txt', listed earlier; later row ignored"
    )
    assert scored(out) == ["good.txt"]


def test_a_file_listed_as_dot_slash_name_is_not_also_reported_as_missing_from_the_manifest(make_corpus, tmp_path):
    _, out = run(make_corpus({"good.txt": GOOD}, manifest="file,outlet\n./good.txt,A\n"), tmp_path)
    assert problems(out) == []
    assert scored(out) == ["./good.txt"]


def test_a_folder_named_in_the_manifest_is_called_a_folder(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": GOOD}, manifest="file,outlet\ngood.txt,A\nfolder.txt,B\n")
    (corpus / "folder.txt").mkdir()
    _, out = run(corpus, tmp_path)
    assert_error(out, "manifest.csv", 3, "'folder.txt' is a folder, not a file")
    assert scored(out) == ["good.txt"]


def test_a_pipe_named_in_the_manifest_is_called_not_a_regular_file(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": GOOD}, manifest="file,outlet\ngood.txt,A\npipe.txt,B\n")
    os.mkfifo(corpus / "pipe.txt")
    _, out = run(corpus, tmp_path)
    assert_error(
        out, "manifest.csv", 3, "'pipe.txt' is not a regular file (a pipe, socket or device), so it cannot be read"
    )
    assert scored(out) == ["good.txt"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"], ids=["U+2028", "U+2029", "U+0085"])
def test_jsonl_strings_may_hold_unicode_line_separators(make_corpus, tmp_path, separator):
    records = [{"text": f"Troops stay in Iraq,{separator} a spokesman said."}, {"text": GOOD}]
    feed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    result, out = run(make_corpus({"feed.jsonl": feed}), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert scored(out) == ["feed.jsonl:1", "feed.jsonl:2"]


def test_jsonl_record_numbers_are_line_numbers_with_windows_line_endings(make_corpus, tmp_path):
    feed = json.dumps({"text": "Troops stay,\u2028 a spokesman said."}, ensure_ascii=False) + "\r\n{broken\r\n"
    feed += json.dumps({"text": GOOD}) + "\r\n"
    _, out = run(make_corpus({"feed.jsonl": feed}), tmp_path)
    assert_error(out, "feed.jsonl", 2, "not valid JSON (Expecting property name enclosed in double quotes at column 2)")
    assert scored(out) == ["feed.jsonl:1", "feed.jsonl:3"]


# Any text but the characters reading repairs (lone surrogates, NUL, bidirectional controls).
RECORD_TEXT = st.text(
    st.characters(
        exclude_categories=["Cs"], exclude_characters="\x00\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ),
    min_size=1,
).filter(str.strip)


@settings(max_examples=50, deadline=None)
@given(st.lists(RECORD_TEXT, min_size=1, max_size=5), st.booleans())
def test_every_jsonl_record_is_read_whole_at_its_line_number(texts, ascii_only):
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder)
        feed = "".join(json.dumps({"text": text}, ensure_ascii=ascii_only) + "\n" for text in texts)
        (corpus / "feed.jsonl").write_text(feed, encoding="utf-8")
        (corpus / "manifest.csv").write_text("file,outlet\nfeed.jsonl,Wire\n", encoding="utf-8")
        articles, problems = read_corpus(corpus)
    assert problems.empty
    assert list(articles["article_id"]) == [f"feed.jsonl:{n}" for n in range(1, len(texts) + 1)]
    assert list(articles["raw_text"]) == texts


def test_a_csv_field_longer_than_the_csv_module_s_limit_is_read(make_corpus, tmp_path):
    long_article = "Troops stay in Iraq, a spokesman said. " * 4_000  # 156,000 characters
    _, out = run(make_corpus({"feed.csv": f'text\n"{long_article}"\n"{GOOD}"\n'}), tmp_path)
    assert problems(out) == []
    assert scored(out) == ["feed.csv:1", "feed.csv:2"]


def test_a_csv_record_over_the_size_cap_is_reported_and_the_rest_read(make_corpus, tmp_path):
    too_long = "Troops stay in Iraq, a spokesman said. " * 140_000  # 5.5 MB
    _, out = run(make_corpus({"feed.csv": f'text\n"{too_long}"\n"{GOOD}"\n'}), tmp_path)
    assert_error(
        out,
        "feed.csv",
        1,
        "5.5 MB of text, more than the 5 MB one article may have; skipped (is it several articles in one file?)",
    )
    assert scored(out) == ["feed.csv:2"]


HEADLINES = [
    f"{place} {event} as {actor} weighs the troop vote"
    for place in ["Baghdad", "Basra", "Erbil", "Mosul", "Najaf", "Kirkuk"]
    for event, actor in [
        ("protest grows", "parliament"),
        ("strike reported", "Washington"),
        ("talks stall", "Tehran"),
        ("curfew lifted", "the cabinet"),
        ("vote delayed", "the speaker"),
    ]
]


def test_one_line_records_without_final_punctuation_are_scored_whole(make_corpus, tmp_path):
    feed = "".join(json.dumps({"text": headline}) + "\n" for headline in HEADLINES)
    result, out = run(make_corpus({"headlines.jsonl": feed}), tmp_path)
    assert result.exit_code == 0, result.output
    assert problems(out) == []
    assert len(scored(out)) == len(HEADLINES) == 30
    assert sorted(s["text"] for s in table(out, "sentences.csv")) == sorted(HEADLINES)


def test_a_record_keeps_its_own_title_and_every_line(make_corpus, tmp_path):
    record = {"text": f"Share this\n{GOOD}", "title": "Parliament votes"}
    _, out = run(make_corpus({"feed.jsonl": json.dumps(record) + "\n"}), tmp_path)
    assert [(a["title"], a["title_source"]) for a in table(out, "articles.csv")] == [("Parliament votes", "source")]
    assert [s["text"] for s in table(out, "sentences.csv")] == ["Share this", GOOD]


def test_a_manifest_can_ask_for_the_page_chrome_rules_on_records(make_corpus, tmp_path):
    record = {"text": f"Share this\n{GOOD}"}
    manifest = "file,outlet,clean\nfeed.jsonl,Wire,chrome\n"
    _, out = run(make_corpus({"feed.jsonl": json.dumps(record) + "\n"}, manifest=manifest), tmp_path)
    assert [s["text"] for s in table(out, "sentences.csv")] == [GOOD]
    assert [r["text"] for r in table(out, "removed_lines.csv")] == ["Share this"]


def test_an_unknown_cleaning_in_the_manifest_is_a_warning_and_the_default_is_used(make_corpus, tmp_path):
    manifest = "file,outlet,clean\ngood.txt,Wire,gentle\n"
    _, out = run(make_corpus({"good.txt": GOOD}, manifest=manifest), tmp_path)
    assert_warning(
        out, "manifest.csv", 2, "clean 'gentle' is not one of chrome, none; the default for the file's type is used"
    )
    assert scored(out) == ["good.txt"]
