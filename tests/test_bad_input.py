"""Bad input, one case per test: the bad item is reported with file, line and reason; good articles are still scored."""

import csv
import os

import pytest
from click.testing import CliRunner
from conftest import LEXICONS

from pipeline.cli import main

GOOD = "Iraq's parliament voted on Sunday to expel US troops from the country, officials said."


def run(corpus, tmp_path, lexicons=LEXICONS):
    out = tmp_path / "reports"
    result = CliRunner().invoke(main, ["run", "--corpus", str(corpus), "--lexicons", str(lexicons), "--out", str(out)])
    return result, out


def table(out, name):
    with open(out / "tables" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def problems(out):
    return [(p["source"], int(p["line"]), p["reason"]) for p in table(out, "problems.csv")]


def scored(out):
    return sorted(a["article_id"] for a in table(out, "articles.csv"))


def assert_reported(out, source, line, reason):
    assert (source, line, reason) in problems(out)
    html_reason = reason.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
    assert html_reason in (out / "index.html").read_text()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "binary file (contains NUL bytes), not text"),
    ],
    ids=["empty", "binary"],
)
def test_an_empty_or_binary_file_is_reported_and_skipped(make_corpus, tmp_path, content, reason):
    result, out = run(make_corpus({"good.txt": GOOD, "bad.txt": content}), tmp_path)
    assert result.exit_code == 0, result.output
    assert_reported(out, "bad.txt", 0, reason)
    assert scored(out) == ["good.txt"]


def test_windows_1252_text_is_decoded_not_dropped(make_corpus, tmp_path):
    text = "The “resistance” said Iraq’s sovereignty was violated — again, officials said."
    _, out = run(make_corpus({"good.txt": GOOD, "cp1252.txt": text.encode("cp1252")}), tmp_path)
    assert scored(out) == ["cp1252.txt", "good.txt"]
    assert {a["article_id"]: a["encoding"] for a in table(out, "articles.csv")}["cp1252.txt"] == "cp1252"
    assert text in [s["text"] for s in table(out, "sentences.csv")]


def test_utf16_with_a_byte_order_mark_is_decoded(make_corpus, tmp_path):
    _, out = run(
        make_corpus({"good.txt": GOOD, "utf16.txt": GOOD.replace("Sunday", "Monday").encode("utf-16")}), tmp_path
    )
    assert scored(out) == ["good.txt", "utf16.txt"]


def test_mixed_line_endings_become_paragraphs(make_corpus, tmp_path):
    raw = "The vote passed on Sunday, officials said.\r\nTroops must leave, the resolution says.\rThe US said no.\n"
    _, out = run(make_corpus({"mixed.txt": raw}), tmp_path)
    assert [s["text"] for s in table(out, "sentences.csv")] == [
        "The vote passed on Sunday, officials said.",
        "Troops must leave, the resolution says.",
        "The US said no.",
    ]


def test_a_50_mb_single_line_file_is_refused_with_its_size(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": GOOD, "huge.txt": b"word " * 10_000_000})
    result, out = run(corpus, tmp_path)
    assert result.exit_code == 0
    assert_reported(
        out,
        "huge.txt",
        0,
        "50.0 MB of text, more than the 5 MB one article may have; skipped (is it several articles in one file?)",
    )
    assert scored(out) == ["good.txt"]


def test_a_manifest_without_the_outlet_column_stops_with_a_hint(make_corpus, tmp_path):
    result, out = run(make_corpus({"good.txt": GOOD}, manifest="file,outlett\ngood.txt,Wire\n"), tmp_path)
    assert result.exit_code == 1
    assert (
        "manifest.csv:1: missing column(s) outlet; found file, outlett; did you write 'outlett' instead of 'outlet'?"
        in result.output
    )
    assert not out.exists()


def test_a_misspelled_optional_column_is_a_warning_and_the_run_goes_on(make_corpus, tmp_path):
    result, out = run(
        make_corpus({"good.txt": GOOD}, manifest="file,outlet,publshed\ngood.txt,Wire,2020-01-05\n"), tmp_path
    )
    assert result.exit_code == 0
    assert_reported(out, "manifest.csv", 1, "column 'publshed' is kept as an extra column; did you mean 'published'?")
    assert scored(out) == ["good.txt"]


def test_a_manifest_row_naming_a_missing_file_is_reported(make_corpus, tmp_path):
    _, out = run(make_corpus({"good.txt": GOOD}, manifest="file,outlet\ngood.txt,A\ngone.txt,B\n"), tmp_path)
    assert_reported(out, "manifest.csv", 3, f"'gone.txt' does not exist in {tmp_path / 'corpus'}")
    assert scored(out) == ["good.txt"]


def test_a_duplicate_manifest_row_is_reported_and_the_file_read_once(make_corpus, tmp_path):
    _, out = run(make_corpus({"good.txt": GOOD}, manifest="file,outlet\ngood.txt,A\ngood.txt,A\n"), tmp_path)
    assert_reported(out, "manifest.csv", 3, "'good.txt' is listed more than once; later row ignored")
    assert scored(out) == ["good.txt"]


def test_a_file_on_disk_but_not_in_the_manifest_is_reported(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": GOOD, "stray.txt": GOOD}, manifest="file,outlet\ngood.txt,A\n")
    _, out = run(corpus, tmp_path)
    assert_reported(out, "stray.txt", 0, "not in manifest.csv: skipped (add a row with its outlet to read it)")
    assert scored(out) == ["good.txt"]


@pytest.mark.parametrize("escape", ["../outside.txt", "ABSOLUTE", "link.txt"], ids=["dotdot", "absolute", "symlink"])
def test_a_path_that_escapes_the_corpus_is_refused(make_corpus, tmp_path, escape):
    outside = tmp_path / "outside.txt"
    outside.write_text(GOOD)
    name = str(outside) if escape == "ABSOLUTE" else escape
    corpus = make_corpus({"good.txt": GOOD}, manifest=f"file,outlet\ngood.txt,A\n{name},B\n")
    if escape == "link.txt":
        os.symlink(outside, corpus / "link.txt")
    _, out = run(corpus, tmp_path)
    assert_reported(out, "manifest.csv", 3, f"{name!r} points outside the corpus folder; refused")
    assert scored(out) == ["good.txt"]


def test_a_malformed_jsonl_line_is_reported_and_the_other_lines_read(make_corpus, tmp_path):
    lines = ['{"text": "' + GOOD + '"}', '{"text": "truncated', '{"text": "The vote passed, officials said."}']
    corpus = make_corpus({"feed.jsonl": "\n".join(lines)})
    _, out = run(corpus, tmp_path)
    assert_reported(out, "feed.jsonl", 2, "not valid JSON (Unterminated string starting at at column 10)")
    assert scored(out) == ["feed.jsonl:1", "feed.jsonl:3"]


def test_csv_records_with_quoted_newlines_are_read_whole(make_corpus, tmp_path):
    corpus = make_corpus(
        {"feed.csv": f'text,title\n"{GOOD}\nThe US said no.",Vote\n"Troops stay, a spokesman said.",Stay\n'}
    )
    _, out = run(corpus, tmp_path)
    assert scored(out) == ["feed.csv:1", "feed.csv:2"]
    assert "The US said no." in [s["text"] for s in table(out, "sentences.csv")]


def test_html_scripts_and_styles_never_reach_the_text(make_corpus, tmp_path):
    page = (
        "<html><head><style>body{color:red}</style></head>"
        f"<body><p>{GOOD}</p><script>var secret = 1;</script></body></html>"
    )
    _, out = run(make_corpus({"page.html": page}), tmp_path)
    text = " ".join(s["text"] for s in table(out, "sentences.csv"))
    assert "secret" not in text and "color" not in text
    assert GOOD in text


def test_an_article_with_no_sentences_after_cleaning_is_reported(make_corpus, tmp_path):
    _, out = run(
        make_corpus({"good.txt": GOOD, "chrome.txt": "Share this\nLeave a Comment\nScroll to Top\n"}), tmp_path
    )
    assert_reported(
        out,
        "chrome.txt",
        0,
        "no article text left after cleaning (3 lines removed as page chrome; see removed_lines.csv)",
    )
    assert scored(out) == ["good.txt"]


def test_an_article_scraped_twice_counts_once_and_the_same_text_in_another_outlet_counts_for_both(
    make_corpus, tmp_path
):
    page = f"Share this\n{GOOD}\n"
    manifest = "file,outlet\na.txt,Wire\nb.txt,Wire\nc.txt,Daily\n"
    # b.txt has the chrome line twice more: the same article once cleaned.
    files = {"a.txt": page, "b.txt": f"Share this\n{GOOD}\nShare this\n", "c.txt": page}
    _, out = run(make_corpus(files, manifest), tmp_path)
    assert_reported(
        out,
        "b.txt",
        0,
        "the same text after cleaning as a.txt, of the same outlet: skipped, so that it is not counted twice; "
        "remove one of them from the manifest",
    )
    assert scored(out) == ["a.txt", "c.txt"]
    assert {row["article_id"] for row in table(out, "removed_lines.csv")} == {"a.txt", "c.txt"}


def test_a_page_scraped_three_times_is_kept_once_and_its_lines_are_not_taken_for_site_chrome(make_corpus, tmp_path):
    # Three copies would make every line of the page "repeated across the outlet's articles".
    manifest = "file,outlet\na.txt,Wire\nb.txt,Wire\nc.txt,Wire\nd.txt,Wire\n"
    other = "Markets in Basra were calm on Monday as traders waited for news from the capital."
    files = {"a.txt": GOOD, "b.txt": GOOD, "c.txt": GOOD, "d.txt": other}
    _, out = run(make_corpus(files, manifest), tmp_path)
    for copy in ("b.txt", "c.txt"):
        assert_reported(
            out,
            copy,
            0,
            "the same text as a.txt, of the same outlet: skipped, so that it is not counted twice; "
            "remove one of them from the manifest",
        )
    assert scored(out) == ["a.txt", "d.txt"]
    assert GOOD in " ".join(row["text"] for row in table(out, "sentences.csv"))


def test_a_record_repeated_in_a_feed_names_the_record_to_remove(make_corpus, tmp_path):
    feed = "".join(f'{{"outlet": "Wire", "text": "{text}"}}\n' for text in (GOOD, "Another story entirely.", GOOD))
    _, out = run(make_corpus({"feed.jsonl": feed}, "file,outlet\nfeed.jsonl,Wire\n"), tmp_path)
    assert_reported(
        out,
        "feed.jsonl",
        3,
        "the same text as feed.jsonl:1, of the same outlet: skipped, so that it is not counted twice; "
        "remove one of the two records from the file",
    )


def lexicon_folder(tmp_path, text, name="test.csv"):
    folder = tmp_path / "lexicons"
    folder.mkdir(exist_ok=True)
    if isinstance(text, bytes):
        (folder / name).write_bytes(text)
    else:
        (folder / name).write_text(text)
    return folder


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("troops,emotive,heavy,bad weight", "weight 'heavy' is not a number; use 1 (mild), 2 (clear) or 3 (strong)"),
        ("   ,emotive,1,empty term", "empty term '': a term needs at least one letter or digit"),
    ],
    ids=["bad-weight", "empty-term"],
)
def test_a_bad_lexicon_line_is_reported_with_file_and_line(make_corpus, tmp_path, line, reason):
    lexicons = lexicon_folder(tmp_path, f"term,category,weight,note\nexpel,emotive,1,ok\n{line}\n")
    _, out = run(make_corpus({"good.txt": GOOD}), tmp_path, lexicons)
    assert_reported(out, "test.csv", 3, reason)
    assert [h["term"] for h in table(out, "hits.csv")] == ["expel"]


def test_regex_metacharacters_in_a_term_are_words_not_code(make_corpus, tmp_path):
    lexicons = lexicon_folder(
        tmp_path, "term,category,weight,note\n(expel|vote).*,emotive,1,not a regex\nexpel,doubt,1,x\n"
    )
    _, out = run(make_corpus({"good.txt": GOOD}), tmp_path, lexicons)
    assert [(h["term"], h["matched"]) for h in table(out, "hits.csv")] == [("expel", "expel")]


def test_a_lexicon_with_a_byte_order_mark_and_windows_line_endings_loads(make_corpus, tmp_path):
    lexicons = lexicon_folder(tmp_path, "\ufeffterm,category,weight,note\r\nexpel,emotive,2,x\r\n".encode())
    _, out = run(make_corpus({"good.txt": GOOD}), tmp_path, lexicons)
    assert problems(out) == []
    assert [(h["term"], h["category"], h["weight"]) for h in table(out, "hits.csv")] == [("expel", "emotive", "2.0")]
