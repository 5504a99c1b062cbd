"""Reading a corpus folder: every format, and every bad file reported without stopping the run."""

import json

import pandas as pd
import pytest
from conftest import SEED_CORPUS

import pipeline.reading.corpus
from pipeline.errors import CorpusError
from pipeline.reading.corpus import corpus_fingerprint, decode_bytes, html_to_text, read_corpus

NEWS = "Iraq's parliament voted to expel US troops on Sunday.\n"


def test_a_text_file_becomes_one_article_with_the_manifest_fields(make_corpus):
    corpus = make_corpus(
        {"a.txt": NEWS}, manifest="file,outlet,published,url,language\na.txt,Wire,2020-01-05,https://x.org/a,en\n"
    )
    articles, problems = read_corpus(corpus)
    article = articles.iloc[0]
    assert (article.article_id, article.outlet, article.published, article.url) == (
        "a.txt",
        "Wire",
        "2020-01-05",
        "https://x.org/a",
    )
    assert article.raw_text == NEWS
    assert article.language == "en"  # extra manifest columns are kept
    assert problems.empty


def test_html_main_text_drops_scripts_styles_and_navigation():
    page = """<html><head><title>Vote in Baghdad</title><style>p {color: red}</style></head>
    <body><nav>Home | World</nav><article><h1>Vote in Baghdad</h1><p>Parliament <b>voted</b> today.</p>
    <script>alert('x')</script><p>Troops must leave.</p></article><footer>© 2020 Site</footer></body></html>"""
    title, text = html_to_text(page)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    assert title == "Vote in Baghdad"
    assert lines == ["Vote in Baghdad", "Parliament voted today.", "Troops must leave."]


def test_jsonl_records_are_articles_and_a_broken_line_is_a_problem(make_corpus):
    lines = [
        json.dumps({"text": NEWS, "title": "Vote", "outlet": "Wire A"}),
        "{not json",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Second story about the vote in Baghdad."}),
    ]
    corpus = make_corpus(
        {"feed.jsonl": "\n".join(lines)}, manifest="file,outlet,published,url\nfeed.jsonl,Default,2020-01-06,\n"
    )
    articles, problems = read_corpus(corpus)
    assert list(articles.article_id) == ["feed.jsonl:1", "feed.jsonl:4"]
    assert list(articles.outlet) == ["Wire A", "Default"]  # the record's outlet wins over the manifest's
    assert list(zip(problems.source, problems.line, problems.reason, strict=False)) == [
        ("feed.jsonl", 2, "not valid JSON (Expecting property name enclosed in double quotes at column 2)"),
        ("feed.jsonl", 3, "no 'text' field (or it is not a string)"),
    ]


def test_csv_records_may_hold_newlines_inside_quotes(make_corpus):
    corpus = make_corpus({"feed.csv": 'text,outlet\n"First line.\nSecond line.",Wire\n"Another story.",Wire\n'})
    articles, problems = read_corpus(corpus)
    assert list(articles.raw_text) == ["First line.\nSecond line.", "Another story."]
    assert problems.empty


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n ", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (contains NUL bytes), not text"),
    ],
)
def test_a_bad_file_is_a_problem_and_the_good_ones_are_still_read(make_corpus, content, reason):
    corpus = make_corpus({"good.txt": NEWS, "bad.txt": content})
    articles, problems = read_corpus(corpus)
    assert list(articles.article_id) == ["good.txt"]
    assert list(zip(problems.source, problems.reason, strict=False)) == [("bad.txt", reason)]


def test_manifest_rows_for_missing_duplicate_or_escaping_files_are_problems(make_corpus, tmp_path):
    (tmp_path / "outside.txt").write_text(NEWS)
    manifest = "file,outlet\na.txt,A\na.txt,A\nmissing.txt,B\n../outside.txt,C\n/etc/passwd,D\n"
    articles, problems = read_corpus(make_corpus({"a.txt": NEWS}, manifest=manifest))
    assert list(articles.article_id) == ["a.txt"]
    assert list(zip(problems.line, problems.reason, strict=False)) == [
        (3, "'a.txt' is listed more than once; later row ignored"),
        (4, f"'missing.txt' does not exist in {tmp_path / 'corpus'}"),
        (5, "'../outside.txt' points outside the corpus folder; refused"),
        (6, "'/etc/passwd' points outside the corpus folder; refused"),
    ]


def test_a_file_on_disk_but_not_in_the_manifest_is_reported(make_corpus):
    corpus = make_corpus({"a.txt": NEWS}, manifest="file,outlet\na.txt,A\n")
    (corpus / "stray.txt").write_text(NEWS)
    _, problems = read_corpus(corpus)
    assert list(zip(problems.source, problems.reason, strict=False)) == [
        ("stray.txt", "not in manifest.csv: skipped (add a row with its outlet to read it)")
    ]


def test_a_manifest_without_an_outlet_column_stops_with_a_clear_error(make_corpus):
    corpus = make_corpus({"a.txt": NEWS}, manifest="file,outlett\na.txt,A\n")
    with pytest.raises(CorpusError, match=r"manifest.csv:1: missing column\(s\) outlet; found file, outlett"):
        read_corpus(corpus)


def test_windows_1252_text_is_decoded_not_dropped():
    text, encoding = decode_bytes("The “resistance” said Iraq’s sovereignty was violated — again.".encode("cp1252"))
    assert text == "The “resistance” said Iraq’s sovereignty was violated — again."
    assert encoding == "cp1252"


def test_utf16_with_a_byte_order_mark_is_decoded():
    assert decode_bytes("Baghdad, “now”.".encode("utf-16")) == ("Baghdad, “now”.", "utf-16")


def test_a_confident_other_legacy_encoding_wins_over_cp1252():
    russian = "Ирак потребовал вывести американские войска из страны, заявили официальные лица. " * 3
    assert decode_bytes(russian.encode("cp1251")) == (russian, "windows-1251")


def test_the_corpus_fingerprint_changes_with_any_article_byte_or_name_and_ignores_other_files(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,outlet\na.txt,Wire\nsub/b.html,Daily\n")
    (tmp_path / "a.txt").write_text("Iraq voted.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.html").write_text("<p>Troops stay.</p>")
    first, n_files = corpus_fingerprint(tmp_path)
    assert n_files == 3

    (tmp_path / "logo.png").write_bytes(b"\x89PNG")
    assert corpus_fingerprint(tmp_path) == (first, 3)

    (tmp_path / "sub" / "b.html").write_text("<p>Troops stay!</p>")
    edited, _ = corpus_fingerprint(tmp_path)
    assert edited != first

    (tmp_path / "sub" / "b.html").rename(tmp_path / "sub" / "c.html")
    assert corpus_fingerprint(tmp_path)[0] not in (first, edited)


def test_texts_moved_into_the_table_a_few_at_a_time_are_read_the_same(monkeypatch):
    articles, _ = read_corpus(SEED_CORPUS)
    monkeypatch.setattr(pipeline.reading.corpus, "TEXT_BLOCK", 2)
    in_blocks, _ = read_corpus(SEED_CORPUS)
    pd.testing.assert_frame_equal(in_blocks, articles)
    assert len(articles) == 5 and articles["raw_text"].str.len().min() > 1000
