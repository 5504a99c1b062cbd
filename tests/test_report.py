"""Reports: escaped, self-contained, deterministic, and written whole or not at all."""

import dataclasses

import pandas as pd
import pytest
from conftest import LEXICONS, SEED_CORPUS

from pipeline.engine.parallel import pages_beside
from pipeline.flow import analyze
from pipeline.reports import report
from pipeline.reports.report import (
    csv_chunks,
    highlight_differences_html,
    highlight_html,
    markdown_escape,
    outlet_slugs,
    safe_link,
    to_csv_text,
    write_reports,
)
from pipeline.reports.texts import HitMarks


def test_article_text_is_html_escaped_and_hits_are_marked():
    sentence = '<script>alert("x")</script> the regime fell'
    start = sentence.index("regime")
    html = highlight_html(sentence, [(start, start + len("regime"), "regime · delegitimizing", "narrative")])
    assert (
        html == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; the "
        '<mark class="narrative" title="regime · delegitimizing">regime</mark> fell'
    )


def test_markdown_text_cannot_break_tables_or_inject_html():
    assert markdown_escape("a | b <img src=x> *c*") == r"a \| b &lt;img src=x&gt; \*c\*"


def test_only_web_links_are_clickable():
    assert safe_link("https://example.org/a") == "https://example.org/a"
    assert safe_link("javascript:alert(1)") == ""


def test_outlet_file_names_are_safe_and_distinct():
    assert outlet_slugs(["RT (republished by Tekstrens)", "rt republished by tekstrens", "../../etc"]) == {
        "../../etc": "etc",
        "RT (republished by Tekstrens)": "rt-republished-by-tekstrens",
        "rt republished by tekstrens": "rt-republished-by-tekstrens-2",
    }


def test_csv_text_is_identical_for_equal_tables_and_uses_unix_line_ends():
    table = pd.DataFrame({"outlet": ["A"], "polarity": [1 / 3]})
    assert to_csv_text(table) == "outlet,polarity\nA,0.333333\n"


@pytest.fixture
def small_run(make_corpus):
    corpus = make_corpus(
        {
            "a.txt": "Iraq votes to expel troops\n\n"
            "The <script>alert(1)</script> regime claimed a brutal victory in Baghdad.\nShare this",
            "b.txt": "Parliament voted to expel the troops on Sunday, officials said.",
        }
    )
    return analyze(corpus, LEXICONS)


def test_a_script_in_an_article_shows_as_text_in_every_page(small_run, tmp_path):
    out = write_reports(small_run, tmp_path / "reports")
    pages = [out / "index.html", *sorted((out / "outlets").glob("*.html"))]
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in page.read_text() for page in pages)
    assert all("<script>alert(1)</script>" not in page.read_text() for page in pages)


def test_pages_need_no_network(small_run, tmp_path):
    out = write_reports(small_run, tmp_path / "reports")
    index = (out / "index.html").read_text()
    assert "<svg" in index
    # Nothing that makes a browser fetch: no external scripts, styles, images or fonts.
    assert [marker for marker in ("<script", "<link", "src=", "@import", "url(http") if marker in index] == []


def test_a_failed_write_leaves_the_previous_reports_whole(small_run, tmp_path, monkeypatch):
    out = write_reports(small_run, tmp_path / "reports")
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken_pages(tables, parquet=False):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "render_pages", broken_pages)
    with pytest.raises(RuntimeError, match="disk full"):
        write_reports(small_run, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir()] == ["corpus", "reports"]  # no staging folder left behind


def files_of(folder):
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_pages_rendered_in_a_second_process_while_the_tables_are_written_are_the_same_files(small_run, tmp_path):
    one = files_of(write_reports(small_run, tmp_path / "one"))
    assert files_of(write_reports(small_run, tmp_path / "two", beside=pages_beside(jobs=2))) == one


def test_a_page_that_fails_in_the_second_process_fails_the_write_and_leaves_the_reports_whole(
    small_run, tmp_path, monkeypatch
):
    out = write_reports(small_run, tmp_path / "reports")
    before = files_of(out)

    def broken_pages(tables, parquet=False):
        raise RuntimeError("a template failed")

    monkeypatch.setattr(report, "render_pages", broken_pages)
    with pytest.raises(RuntimeError, match="a template failed"):
        write_reports(small_run, out, beside=pages_beside(jobs=2))
    assert files_of(out) == before


def test_unchanged_tables_are_copied_from_the_last_reports_and_changed_ones_written(small_run, tmp_path, monkeypatch):
    out = write_reports(small_run, tmp_path / "reports")
    first = files_of(out)
    written = []
    real_csv_chunks = report.csv_chunks

    def recording_csv_chunks(table, *args, **kwargs):
        written.append(list(table.columns))
        return real_csv_chunks(table, *args, **kwargs)

    monkeypatch.setattr(report, "csv_chunks", recording_csv_chunks)
    write_reports(small_run, out)
    assert written == []  # nothing changed: every table was copied
    assert files_of(out) == first

    edited = dataclasses.replace(small_run, sentences=small_run.sentences.assign(polarity=0.5))
    write_reports(edited, out)
    assert written == [list(small_run.sentences.columns)]  # only the changed table was written
    assert (out / "tables" / "sentences.csv").read_bytes() == to_csv_text(edited.sentences).encode()


def test_a_table_file_edited_by_hand_is_written_again(small_run, tmp_path):
    out = write_reports(small_run, tmp_path / "reports")
    with open(out / "tables" / "hits.csv", "a", encoding="utf-8") as handle:
        handle.write("a row someone added\n")
    write_reports(small_run, out)
    assert (out / "tables" / "hits.csv").read_bytes() == to_csv_text(small_run.hits).encode()


def test_aligned_sentences_underline_the_content_words_the_other_lacks_and_mark_hits():
    sentence = "The parliament voted to expel the occupying forces."
    start = sentence.index("occupying forces")
    html = highlight_differences_html(
        sentence, "Parliament voted to expel US troops.", [(start, start + 16, "occupying forces", "narrative")]
    )
    assert html == (
        'The parliament voted to expel the <mark class="narrative" title="occupying forces">occupying forces</mark>.'
    )
    assert str(highlight_differences_html("Parliament voted to expel US troops.", sentence, [])) == (
        "Parliament voted to expel <ins>US</ins> <ins>troops</ins>."
    )


def test_a_table_written_in_pieces_is_byte_identical_to_one_piece():
    table = pd.DataFrame({"text": ["=1+1", "plain", "b"] * 5, "value": [0.1234567891, 2.0, 3.5] * 5})
    assert "".join(csv_chunks(table, rows=4)) == to_csv_text(table)
    assert "".join(csv_chunks(table.iloc[0:0], rows=4)) == to_csv_text(table.iloc[0:0])


def test_a_table_digest_does_not_depend_on_how_many_rows_are_hashed_at_once_but_on_every_cell():
    table = pd.DataFrame(
        {"term": pd.Categorical(["coup", "regime", "coup"]), "text": ["a", "b", "c"], "weight": [1.0, 2.0, 0.5]}
    )
    digest = report.table_digest(table)
    assert {report.table_digest(table, block=k) for k in (1, 2, 3)} == {digest}
    assert report.table_digest(table.assign(weight=[1.0, 2.0, 0.25])) != digest
    assert report.table_digest(table.iloc[:2]) != digest


def test_a_large_corpus_gets_pages_for_its_widest_events_and_lists_the_rest(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "MAX_EVENT_PAGES", 1)
    monkeypatch.setattr(report, "MEMBERS_PER_EVENT_PAGE", 2)
    out = write_reports(analyze(SEED_CORPUS, LEXICONS), tmp_path / "reports")
    assert sorted(p.name for p in (out / "events").iterdir()) == ["e1.html", "e1.md"]  # 4 outlets beat 1
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "The 1 events covered by the most outlets have a page; all 2 are in" in index
    event = (out / "events" / "e1.html").read_text(encoding="utf-8")
    assert "The 2 articles closest to the event's centre, of 4" in event


def test_a_sentence_shows_the_same_hit_marks_whatever_the_order_of_the_hits_table():
    hits = pd.DataFrame(
        {
            "article_id": ["a", "a", "a", "b", "b"],
            "sentence_id": [1, 1, 2, 1, 1],
            "start": [0, 10, 4, 0, 7],
            "end": [5, 15, 9, 6, 12],
            "term": ["regime", "brutal", "thug*", "regime", "martyr"],
            "category": ["delegitimizing", "emotive", "dysphemism", "delegitimizing", "partisan"],
            "weight": [2.0, 3.0, 1.0, 2.0, 1.5],
            "voice": ["narrative", "quote", "narrative", "narrative", "narrative"],
            "negated": [False, False, True, False, False],
        }
    )
    in_order, shuffled = HitMarks(hits), HitMarks(hits.iloc[[3, 1, 4, 0, 2]])
    assert in_order.get(("a", 1)) == [
        (0, 5, "regime · delegitimizing · weight 2 · narrative", "narrative"),
        (10, 15, "brutal · emotive · weight 3 · quote", "quote"),
    ]
    assert in_order.get(("a", 2)) == [(4, 9, "thug* · dysphemism · weight 1 · negated", "negated")]
    for place in [("a", 1), ("a", 2), ("b", 1), ("b", 2), ("c", 1)]:
        assert sorted(shuffled.get(place)) == sorted(in_order.get(place))  # the same marks, in table order


def partitions_read(monkeypatch) -> list[int]:
    """The numbers of the partitions of any PartitionedTable read from now on, in the order read."""
    from pipeline.support.stored import PartitionedTable

    read, part = [], PartitionedTable.part
    monkeypatch.setattr(
        PartitionedTable, "part", lambda self, k, columns=None: read.append(k) or part(self, k, columns)
    )
    return read


def test_the_hits_marked_and_where_each_term_fired_are_read_from_the_partitions_a_page_needs(tmp_path, monkeypatch):
    from pipeline.support.stored import table_store

    hits = pd.DataFrame(
        {
            "article_id": ["a1", "a1", "a1", "b1", "c1", "c1"],
            "outlet": ["X", "X", "X", "Y", "X", "X"],
            "sentence_id": [0, 0, 2, 0, 1, 3],
            "start": [0, 9, 4, 0, 2, 5],
            "end": [5, 14, 9, 6, 8, 9],
            "term": ["regime", "regime", "thug*", "regime", "regime", "regime"],
            "category": ["delegitimizing", "delegitimizing", "dysphemism", "delegitimizing"] + ["delegitimizing"] * 2,
            "weight": [2.0, 2.0, 1.0, 2.0, 2.0, 2.0],
            "voice": ["narrative", "quote", "narrative", "narrative", "narrative", "narrative"],
            "negated": [False, False, True, False, False, False],
        }
    ).astype({"article_id": "category", "outlet": "category", "term": "category"})
    read = partitions_read(monkeypatch)
    with table_store(tmp_path, least_bytes=0) as store:
        parted = store.put_split("hits", hits, (("a1", "a1"), ("b1", "b1"), ("c1", "c1")))
        marks = HitMarks(parted)
        marks.fetch([("c1", 3), ("a1", 0), ("a1", 9)])
        assert read == [0, 2]
        assert marks.get(("a1", 0)) == [
            (0, 5, "regime · delegitimizing · weight 2 · narrative", "narrative"),
            (9, 14, "regime · delegitimizing · weight 2 · quote", "quote"),
        ]
        assert marks.get(("a1", 9)) == [] and read == [0, 2]  # fetched once, and holds no hit
        # A sentence counts once per term; the first places are in table order, across partitions.
        fired = report.term_places(parted, {"X": {"regime"}, "Y": set()}, most=2)
        assert fired["X"].counts == {"regime": 3} and fired["X"].places == {"regime": [("a1", 0), ("c1", 1)]}
        assert fired["Y"].counts == {} == report.term_places(hits, {"Y": set()}, most=2)["Y"].places
        assert report.term_places(hits, {"X": {"regime"}}, most=2)["X"].places == fired["X"].places


def test_parquet_tables_hold_the_same_columns_dtypes_and_rows_as_the_csv(small_run, tmp_path):
    out = write_reports(small_run, tmp_path / "reports", ("csv", "parquet"))
    for name, table in small_run.csv_tables().items():
        parquet = out / "tables" / name.replace(".csv", ".parquet")
        loaded = pd.read_parquet(parquet)
        assert list(loaded.columns) == list(table.columns), name
        # Text held as Python objects in memory is a Parquet string column, as text stored as str is.
        assert [str(t) for t in loaded.dtypes] == [str(t).replace("object", "str") for t in table.dtypes], name
        assert to_csv_text(loaded) == (out / "tables" / name).read_text(), name
    again = write_reports(small_run, tmp_path / "again", ("csv", "parquet"))
    assert (again / "tables" / "hits.parquet").read_bytes() == (out / "tables" / "hits.parquet").read_bytes()
    assert 'href="tables/hits.parquet"' in (out / "index.html").read_text()


def test_parquet_is_written_only_when_asked(small_run, tmp_path):
    out = write_reports(small_run, tmp_path / "reports")
    assert not list((out / "tables").glob("*.parquet"))


def test_the_explorers_sample_sentences_are_each_items_first_uses_in_article_order():
    """Each (item, outlet, voice)'s first uses in article, sentence and text order, as a sort of the
    uses and a grouped head would give them (the explorer finds them from codes, without that sort)."""
    import numpy as np

    from pipeline.reports.explorer import _first_in_order

    rng = np.random.default_rng(7)
    n = 2_000
    uses = pd.DataFrame(
        {
            "name": rng.choice(["regime", "martyr", "terror", "Iran"], n),
            "outlet": rng.choice(["Al Mayadeen", "Fox", "BBC"], n),
            "voice": rng.choice(["narrative", "quote", "negated"], n),
            "article_id": rng.choice([f"a{k}" for k in range(40)], n),
            "sentence_id": rng.integers(0, 5, n),
            "start": rng.integers(0, 3, n),  # ties: the first in the table comes first
        }
    )
    expected = (
        uses.sort_values(["name", "outlet", "voice", "article_id", "sentence_id", "start"], kind="stable")
        .groupby(["name", "outlet", "voice"], sort=False)
        .head(4)
    )
    assert uses.take(_first_in_order(uses, 4)).index.tolist() == expected.index.tolist()


@pytest.fixture(scope="module")
def seed_tables():
    return analyze(SEED_CORPUS, LEXICONS)


def test_the_explorer_finds_the_same_items_and_sentences_when_it_reads_the_uses_a_few_rows_at_a_time(
    seed_tables, monkeypatch
):
    # A large run's hits and annotations are read in blocks: each block's counts and first uses are
    # summed into those before it, which must give what reading them whole gives.
    from pipeline.reports import explorer

    monkeypatch.setattr(explorer, "CANDIDATES_PER_VOICE", 1)  # so that an item's turns run out of candidates
    whole = explorer.explorer_items(seed_tables)
    assert all(whole[kind] for kind in ("entry", "category", "actor", "label", "frame"))
    monkeypatch.setattr(explorer, "BLOCK_ROWS", 7)
    assert explorer.explorer_items(seed_tables) == whole


def test_the_texts_of_the_sentences_shown_are_read_from_the_partitions_that_hold_them_alone(tmp_path, monkeypatch):
    from pipeline.reports.texts import SentenceTexts
    from pipeline.support.stored import table_store

    sentences = pd.DataFrame(
        {
            "article_id": ["a1", "a1", "b1", "c1"],
            "sentence_id": [0, 1, 0, 0],
            "text": ["One.", "Two.", "Three.", "Four."],
            "polarity": [0.0, -0.5, 0.1, 0.2],
        }
    )
    read = partitions_read(monkeypatch)
    with table_store(tmp_path, least_bytes=0) as store:
        parted = store.put_split("sentences", sentences, (("a1", "a1"), ("b1", "b1"), ("c1", "c1")))
        texts = SentenceTexts(parted)
        assert texts.texts([("c1", 0), ("a1", 1), ("a0", 3)]) == ["Four.", "Two.", None]
        assert read == [0, 2]
        assert texts.texts([("a1", 1)]) == ["Two."] and read == [0, 2]  # fetched once
    assert SentenceTexts(sentences).texts([("b1", 0), ("b1", 9)]) == ["Three.", None]
