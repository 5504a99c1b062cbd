"""The same tables from one process, two processes and a Dask cluster."""

import os
import re
import shutil
from functools import partial

import numpy as np
import pandas as pd
import pytest
from conftest import LEXICONS, SEED_CORPUS

from pipeline.engine import articles as per_article
from pipeline.engine.parallel import Background, dask_cluster, iter_chunks, iter_tasks, pages_beside
from pipeline.flow import FLOW, analyze
from pipeline.framing import annotations as annotations_module
from pipeline.measuring import score
from pipeline.reports.report import render_pages, tables_for_pages, to_csv_text, write_reports
from pipeline.reports.texts import MARK_COLUMNS
from pipeline.support import memo
from pipeline.support.dataframes import arrow_chunks, concat_tables, in_one_piece, rows_kept
from pipeline.support.stored import PartitionedTable, loaded, on_disk, table_store
from pipeline.tuning.gold import clean_corpus


def tables_of(**options):
    tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=2, **options)
    return {name: to_csv_text(table) for name, table in tables.csv_tables().items()}


@pytest.fixture(scope="module")
def one_process():
    return tables_of(jobs=1)


def test_two_processes_give_byte_identical_tables(one_process):
    assert tables_of(jobs=2) == one_process


def test_a_dask_local_cluster_gives_byte_identical_tables(one_process):
    assert tables_of(engine="dask") == one_process


def tables_kept_on_disk(**options):
    """The tables of a run that keeps every table on disk between stages, however small."""
    with table_store(least_bytes=0) as store:
        tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=2, store=store, **options)
        assert on_disk(tables.sentences) and on_disk(tables.hits)
        return {name: to_csv_text(loaded(table)) for name, table in tables.csv_tables().items()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_tables_kept_on_disk_between_stages_give_byte_identical_tables(one_process, jobs):
    assert tables_kept_on_disk(jobs=jobs) == one_process


def test_a_report_of_tables_kept_on_disk_has_the_same_pages(tmp_path):
    held = analyze(SEED_CORPUS, LEXICONS)
    with table_store(least_bytes=0) as store:
        stored = analyze(SEED_CORPUS, LEXICONS, store=store)
        stored.provenance = held.provenance  # the run's time
        assert render_pages(stored) == render_pages(held)
        # The pages hold every sentence's tone but fetch only the texts they show (reports.texts).
        assert "text" not in tables_for_pages(stored).sentences.columns
        write_reports(stored, tmp_path / "reports", beside=pages_beside(2))
    written = {name: to_csv_text(t) for name, t in held.csv_tables().items()}
    assert {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "reports" / "tables").glob("*.csv")} == written


def test_a_warm_run_that_keeps_tables_on_disk_takes_them_from_the_cache_and_gives_the_same_tables(
    tmp_path, one_process
):
    cold = tables_kept_on_disk(jobs=2, cache_dir=tmp_path / "cache")
    computed = []
    warm = tables_kept_on_disk(jobs=2, cache_dir=tmp_path / "cache", stages_computed=computed)
    assert warm == cold == one_process
    assert not {"labels", "actor_mentions", "events", "statements"} & set(computed)


def tables_in_partitions(**options):
    """The tables of a run that keeps every table on disk, the per-article ones in partitions of two articles."""
    with table_store(least_bytes=0) as store:
        tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=2, partition_articles=2, store=store, **options)
        kept = {name: getattr(tables, name) for name in ("sentences", "hits", "annotations", "statements", "articles")}
        assert all(isinstance(table, PartitionedTable) and len(table.parts) == 3 for table in kept.values())
        return {name: to_csv_text(loaded(table)) for name, table in tables.csv_tables().items()}


@pytest.mark.parametrize("options", [{"jobs": 1}, {"jobs": 2}, {"engine": "dask"}], ids=["jobs 1", "jobs 2", "dask"])
def test_tables_kept_in_partitions_of_articles_and_computed_a_partition_at_a_time_are_byte_identical(
    one_process, options
):
    # Five articles in partitions of two: the stages that read an article's rows alone ran three times.
    if options.get("engine") == "dask":
        pytest.importorskip("dask.distributed")
    assert tables_in_partitions(**options) == one_process


def each_article_in_two_halves(folder):
    """The seed with each article cut into two articles of the same outlet and day, named so that
    in article id order all first halves come before all second halves."""
    folder.mkdir()
    manifest = pd.read_csv(SEED_CORPUS / "manifest.csv", dtype=str, keep_default_na=False)
    rows = []
    for row in manifest.to_dict("records"):
        lines = (SEED_CORPUS / row["file"]).read_text(encoding="utf-8").splitlines()
        for k, half in enumerate((lines[: len(lines) // 2], lines[len(lines) // 2 :]), start=1):
            (folder / f"{k}-{row['file']}").write_text("\n".join(half), encoding="utf-8")
            rows.append({**row, "file": f"{k}-{row['file']}"})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    return folder


def test_an_outlet_whose_articles_lie_in_several_partitions_gets_the_tables_and_pages_of_a_whole_run(
    tmp_path, monkeypatch
):
    # Ten articles in partitions of three: each outlet's two articles, and each event's, in two
    # partitions, so the stages that group by outlet or event combine what each partition found.
    corpus = each_article_in_two_halves(tmp_path / "halves")
    held = analyze(corpus, LEXICONS)
    assert (held.articles["outlet"].value_counts() == 2).all()
    with table_store(least_bytes=0) as store:
        parted = analyze(corpus, LEXICONS, chunk_articles=2, partition_articles=3, store=store)
        assert isinstance(parted.annotations, PartitionedTable) and len(parted.annotations.parts) == 4
        parted.provenance = held.provenance  # the run's time
        tables = {name: to_csv_text(loaded(table)) for name, table in parted.csv_tables().items()}
        assert tables == {name: to_csv_text(table) for name, table in held.csv_tables().items()}
        read = []
        part = PartitionedTable.part
        monkeypatch.setattr(
            PartitionedTable, "part", lambda self, k, columns=None: read.append((k, columns)) or part(self, k, columns)
        )
        assert render_pages(parted) == render_pages(held)
        # The texts of the sentences the pages show are fetched at once: each partition's read once.
        texts_read = [k for k, columns in read if columns is not None and "text" in columns]
        assert sorted(texts_read) == sorted(set(texts_read)) and texts_read
        # So are their hits, and no partition is read whole.
        marks_read = [k for k, columns in read if columns == MARK_COLUMNS]
        assert sorted(marks_read) == sorted(set(marks_read)) and marks_read
        assert all(columns is not None for _, columns in read)
    assert len(held.actors) and len(held.labels) and len(held.frames) and held.event_details


def test_a_report_of_tables_in_partitions_writes_the_files_of_tables_held_whole(tmp_path):
    # A manifest column whose name holds a line break: the articles table's CSV header takes two lines.
    corpus = tmp_path / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    manifest = pd.read_csv(corpus / "manifest.csv", dtype=str, keep_default_na=False)
    manifest.assign(**{"desk\nnote": "wire"}).to_csv(corpus / "manifest.csv", index=False)
    held = analyze(corpus, LEXICONS)
    write_reports(held, tmp_path / "held", formats=("csv", "parquet"))
    with table_store(least_bytes=0) as store:
        parted = analyze(corpus, LEXICONS, chunk_articles=2, partition_articles=2, store=store)
        parted.provenance = held.provenance  # the run's time
        assert isinstance(parted.sentences, PartitionedTable) and len(parted.sentences.parts) == 3
        write_reports(parted, tmp_path / "parted", formats=("csv", "parquet"))
    files = sorted(p.relative_to(tmp_path / "held") for p in (tmp_path / "held").rglob("*") if p.is_file())
    assert [f for f in files if (tmp_path / "held" / f).read_bytes() != (tmp_path / "parted" / f).read_bytes()] == []
    assert any(f.suffix == ".parquet" for f in files)
    assert '"desk\nnote"' in (tmp_path / "held" / "tables" / "articles.csv").read_text(encoding="utf-8")


def test_a_small_run_after_a_low_memory_one_holds_what_the_cache_gives_in_memory(tmp_path, one_process):
    with table_store(least_bytes=0) as store:
        analyze(SEED_CORPUS, LEXICONS, chunk_articles=2, partition_articles=2, store=store, cache_dir=tmp_path / "c")
    with table_store() as store:
        tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=2, store=store, cache_dir=tmp_path / "c")
        assert not any(on_disk(getattr(tables, name)) for name in ("sentences", "annotations", "statements"))
        assert not store.folder.exists() or not list(store.folder.iterdir())  # what the cache put there is gone
        assert {name: to_csv_text(table) for name, table in tables.csv_tables().items()} == one_process


def test_a_warm_run_in_partitions_splits_what_the_cache_gives_whole_and_gives_the_same_tables(tmp_path, one_process):
    cold = tables_in_partitions(cache_dir=tmp_path / "cache")
    computed = []
    warm = tables_in_partitions(cache_dir=tmp_path / "cache", stages_computed=computed)
    assert warm == cold == one_process
    assert not {"statements", "actor_mentions", "scored_articles"} & set(computed)


def test_a_lexicon_edit_in_partitions_gives_the_tables_of_a_fresh_run(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    with table_store(least_bytes=0) as store:
        analyze(SEED_CORPUS, lexicons, partition_articles=2, store=store, cache_dir=tmp_path / "cache")
    emotive = lexicons / "emotive.csv"
    emotive.write_text(emotive.read_text(encoding="utf-8") + "general,emotive,2,\n", encoding="utf-8")
    with table_store(least_bytes=0) as store:
        warm = analyze(SEED_CORPUS, lexicons, partition_articles=2, store=store, cache_dir=tmp_path / "cache")
        assert isinstance(warm.sentences, PartitionedTable) and len(warm.sentences.parts) == 3
        warm_tables = {name: to_csv_text(loaded(table)) for name, table in warm.csv_tables().items()}
    fresh = analyze(SEED_CORPUS, lexicons)
    assert warm_tables == {name: to_csv_text(table) for name, table in fresh.csv_tables().items()}
    assert ",general," in warm_tables["hits.csv"]


def test_a_run_that_keeps_tables_on_disk_starts_no_second_process_for_the_side_tables_or_the_pages(monkeypatch):
    from pipeline.engine import driver

    started = []

    def recording(function, *args, **options):
        started.append(getattr(function, "__name__", "stage"))
        return Background(function, *args, **options)

    monkeypatch.setattr(driver, "Background", recording)
    with table_store(least_bytes=0) as store:
        tables = analyze(SEED_CORPUS, LEXICONS, jobs=2, store=store)
        assert pages_beside(2, tables) is None
    assert "_lane_tables" not in started
    started.clear()
    held = analyze(SEED_CORPUS, LEXICONS, jobs=2)
    assert "_lane_tables" in started and pages_beside(2, held) is not None


@pytest.fixture(scope="module")
def many_seed_copies(tmp_path_factory):
    """200 articles: each seed article 40 times, each copy from an outlet of its own (lines an outlet
    repeats in every article are page chrome, and would be cleaned away)."""
    corpus = tmp_path_factory.mktemp("copies")
    manifest = pd.read_csv(SEED_CORPUS / "manifest.csv", dtype=str, keep_default_na=False)
    rows = []
    for copy in range(40):
        for row in manifest.itertuples(index=False):
            name = f"{copy:02d}-{row.file}"
            shutil.copyfile(SEED_CORPUS / row.file, corpus / name)
            rows.append({**row._asdict(), "file": name, "outlet": f"{row.outlet} {copy}"})
    pd.DataFrame(rows).to_csv(corpus / "manifest.csv", index=False)
    return corpus


@pytest.mark.parametrize("in_partitions", [False, True], ids=["tables held whole", "tables in partitions"])
def test_an_existing_dask_cluster_of_two_workers_with_a_memory_limit_gives_byte_identical_tables(
    many_seed_copies, in_partitions
):
    # Each worker is sent a chunk of articles and the lexicons, never the corpus, and in partitions
    # a partition's rows of what a stage reads; its nanny restarts a worker that goes over its limit,
    # and after a few restarts the run would fail.
    distributed = pytest.importorskip("dask.distributed")
    expected = analyze(many_seed_copies, LEXICONS, chunk_articles=20, jobs=1)
    with (
        table_store(least_bytes=0 if in_partitions else 2**62) as store,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, memory_limit="500MiB", dashboard_address=None
        ) as cluster,
    ):
        on_cluster = analyze(
            many_seed_copies,
            LEXICONS,
            chunk_articles=20,
            partition_articles=50,
            engine="dask",
            scheduler=cluster.scheduler_address,
            store=store,
        )
        assert isinstance(on_cluster.sentences, PartitionedTable) == in_partitions
        tables = {name: to_csv_text(loaded(t)) for name, t in on_cluster.csv_tables().items()}
    assert len(expected.articles) == 200
    assert tables == {name: to_csv_text(t) for name, t in expected.csv_tables().items()}


def test_the_stages_of_a_dask_run_share_one_local_cluster(monkeypatch):
    # A local cluster takes seconds to start: a run starts one, not one per stage that uses it.
    distributed = pytest.importorskip("dask.distributed")
    started = []

    class Counted(distributed.LocalCluster):
        def __init__(self, *args, **kwargs):
            started.append(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(distributed, "LocalCluster", Counted)
    with dask_cluster(None):
        lengths = list(iter_chunks(len, [[1], [1, 2]], engine="dask"))
        powers = list(iter_tasks(pow, 2, [3, 4, 5], engine="dask"))
    assert (lengths, powers, len(started)) == ([1, 2], [8, 16, 32], 1)


@pytest.mark.parametrize("jobs", [1, 2])
def test_tasks_made_as_they_are_sent_give_their_results_in_order_with_few_made_ahead(jobs):
    # A task that carries a partition's rows is made only when a process is about to be free for it.
    made = []

    def tasks():
        for k in range(10):
            made.append(k)
            yield k

    for k, result in enumerate(iter_tasks(pow, 2, tasks(), jobs=jobs)):
        assert result == 2**k
        assert len(made) <= k + 1 + 2 * jobs


def _ends_its_process(shared, task):
    os._exit(9)  # as a process the system kills for want of memory


@pytest.mark.parametrize("spread", [iter_tasks, iter_chunks], ids=["partitions", "chunks"])
def test_a_process_that_dies_in_its_work_is_a_message_that_names_the_fix(spread):
    from pipeline.errors import MediaBiasError

    work = (
        (lambda: spread(_ends_its_process, None, [1, 2], jobs=2))
        if spread is iter_tasks
        else (lambda: spread(partial(_ends_its_process, None), [1, 2], jobs=2))
    )
    with pytest.raises(MediaBiasError, match=r"ended without its result.*--jobs 1"):
        list(work())


def test_chunks_joined_a_few_at_a_time_as_they_arrive_give_byte_identical_tables(one_process, monkeypatch):
    monkeypatch.setattr(per_article, "JOIN_CHUNKS", 2)  # five chunks of one article: joined as 2 + 2 + 1, then together
    tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=1, jobs=2)
    assert {name: to_csv_text(table) for name, table in tables.csv_tables().items()} == one_process


def test_chunks_scored_apart_join_into_the_table_scored_at_once_with_compact_columns():
    articles, lexicon = clean_corpus(SEED_CORPUS, LEXICONS)
    whole, whole_hits = score.score_articles(articles, lexicon)
    parts = [score.score_articles(articles.iloc[k : k + 1], lexicon) for k in range(len(articles))]
    joined = concat_tables([p[0] for p in parts], score.SENTENCE_COLUMNS, score.SENTENCE_DTYPES)
    joined_hits = concat_tables([p[1] for p in parts], score.HIT_COLUMNS, score.HIT_DTYPES)
    # Each chunk has its own outlets and terms as categories; the joined table has them all.
    assert joined.equals(whole) and joined_hits.equals(whole_hits)
    assert list(joined["outlet"].cat.categories) == sorted(articles["outlet"].unique())
    assert joined["sentence_id"].dtype == "int32" and joined_hits["term"].dtype == "category"


def test_joined_texts_become_one_array_with_the_same_values_and_other_columns_stay_as_they_are():
    parts = [pd.Series([f"sentence {k}.{i}" for i in range(3)], dtype="str") for k in range(4)]
    joined = pd.concat(parts, ignore_index=True)
    assert arrow_chunks(joined).num_chunks == 4  # pyarrow would join them again on every take
    one = in_one_piece(joined)
    assert arrow_chunks(one).num_chunks == 1 and one.dtype == joined.dtype and one.equals(joined)
    numbers = pd.Series([1, 2, 3], dtype="int32")
    assert in_one_piece(numbers) is numbers


def test_rows_kept_are_the_rows_pandas_selects_and_each_text_column_stays_in_the_chunks_it_was_read_in():
    texts = pd.concat([pd.Series([f"text {k}.{i}" for i in range(3)], dtype="str") for k in range(3)])
    table = pd.DataFrame(
        {"text": texts.set_axis(range(10, 19)), "record": range(9), "outlet": pd.Categorical(list("abcabcabc"))},
        index=range(10, 19),
    )
    keep = np.array([True, False, True, True, True, False, False, False, True])
    kept = rows_kept(table, keep)
    pd.testing.assert_frame_equal(kept, table[keep].reset_index(drop=True))
    # the first chunk's texts can be let go without the other two's, as corpus.read_corpus made them
    assert arrow_chunks(kept["text"]).num_chunks == 3


def test_a_run_scored_in_many_chunks_holds_each_column_of_sentence_texts_in_one_piece():
    tables = analyze(SEED_CORPUS, LEXICONS, chunk_articles=1, jobs=1)
    assert tables.sentences["article_id"].nunique() > 1
    assert arrow_chunks(tables.sentences["text"]).num_chunks == 1


def test_each_stage_reports_its_time():
    timings = {}
    analyze(SEED_CORPUS, LEXICONS, timings=timings)
    assert sorted(timings) == sorted(stage.name for stage in FLOW.stages)
    assert all(seconds >= 0 for seconds in timings.values())


def test_a_warm_run_reuses_cached_sentiment_and_gives_the_same_tables(tmp_path, monkeypatch, one_process):
    cache = tmp_path / "cache"
    analyze(SEED_CORPUS, LEXICONS, cache_dir=cache)

    def no_scoring(text):
        raise AssertionError("sentence scores should come from the cache")

    monkeypatch.setattr(score, "score_sentence", no_scoring)
    warm = analyze(SEED_CORPUS, LEXICONS, cache_dir=cache, chunk_articles=2)
    assert {name: to_csv_text(table) for name, table in warm.csv_tables().items()} == one_process


def test_the_scores_cached_for_an_article_are_its_sentences_read_back_whatever_the_batch():
    cleaned, lexicon = clean_corpus(SEED_CORPUS, LEXICONS)
    sentences, _ = score.score_articles(cleaned, lexicon)
    article_of_key = {
        score.sentence_cache_key(text): a for a, text in zip(cleaned.article_id, cleaned.text, strict=True)
    }
    expected = {key: score.sentence_scores(text) for key, text in zip(article_of_key, cleaned.text, strict=True)}
    article_of_key["key of an article with no sentence"] = "no-such-article"
    expected["key of an article with no sentence"] = []
    for batch, block in [(1, 1), (2, 7), (5_000, 100_000)]:
        found = {}
        for part in per_article.sentence_scores_of(article_of_key, sentences, batch, block):
            assert len(part) <= batch
            found.update(part)
        assert found == expected


def test_the_cache_key_changes_with_the_text_and_with_the_code_that_splits_and_scores_it(monkeypatch):
    key = score.sentence_cache_key("The regime fell.")
    assert score.sentence_cache_key("The regime fell!") != key

    def edited_sentence_scores(text):
        return [(0, len(text), 0.0, 0.0)]

    monkeypatch.setattr(score, "sentence_scores", edited_sentence_scores)
    assert score.sentence_cache_key("The regime fell.") != key


def test_after_a_lexicon_edit_cleaning_and_events_come_from_the_cache(tmp_path, monkeypatch, one_process):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    emotive = lexicons / "emotive.csv"
    emotive.write_text(emotive.read_text(encoding="utf-8") + "killing,emotive,3,test\n", encoding="utf-8")
    fresh = analyze(SEED_CORPUS, lexicons)

    def not_again(*args, **kwargs):
        raise AssertionError("the annotations should come from the cache")

    monkeypatch.setattr(annotations_module, "annotate", not_again)
    computed = []
    warm = analyze(SEED_CORPUS, lexicons, cache_dir=cache, stages_computed=computed)
    lexicon_free = {"clean_articles", "events", "alignments", "frames", "event_framing", "distinctive_terms", "names"}
    assert lexicon_free.isdisjoint(computed) and "labels" not in computed
    assert {name: to_csv_text(t) for name, t in warm.csv_tables().items()} == {
        name: to_csv_text(t) for name, t in fresh.csv_tables().items()
    }
    assert "killing" in set(warm.hits["term"])


def test_editing_the_boilerplate_list_cleans_again(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    before = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    first_sentence = before.sentences["text"].iloc[0]
    with open(lexicons / "boilerplate.txt", "a", encoding="utf-8") as handle:
        handle.write(f"re:^{re.escape(first_sentence)}\n")
    after = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert any(line.startswith(first_sentence) for line in after.removed_lines["text"])
    assert first_sentence not in set(after.sentences["text"])


def test_editing_a_framing_lexicon_annotates_again(tmp_path):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    before = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    actors = before.annotations[before.annotations["kind"] == "actor"]
    assert "Sadr (cleric)" not in set(actors["key"])
    with open(lexicons / "actors.csv", "a", encoding="utf-8") as handle:
        handle.write("Sadr (cleric),Sadr,test alias\n")
    after = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert "Sadr (cleric)" in set(after.annotations.loc[after.annotations["kind"] == "actor", "key"])
    assert "Sadr (cleric)" in set(after.actors["actor"])


def _squares_and_pid(numbers):
    return [n * n for n in numbers], os.getpid()


def _fails():
    raise ValueError("bad lexicon line")


@memo.remembered
def _remembered_square(n):
    return n * n


def _remember_squares(numbers):
    return [_remembered_square(n) for n in numbers]


@pytest.mark.parametrize("through_file", [False, True])
def test_work_beside_runs_in_another_process_and_returns_its_result(through_file):
    squares, pid = Background(_squares_and_pid, [1, 2, 3], through_file=through_file).result()
    assert squares == [1, 4, 9] and pid != os.getpid()
    squares, pid = Background(_squares_and_pid, [4], enabled=False).result()
    assert squares == [16] and pid == os.getpid()


@pytest.mark.parametrize("through_file", [False, True])
def test_an_error_beside_is_raised_in_the_caller(through_file):
    with pytest.raises(ValueError, match="bad lexicon line"):
        Background(_fails, through_file=through_file).result()


@pytest.mark.parametrize("through_file", [False, True])
def test_what_the_other_process_remembered_reaches_the_callers_memo(through_file):
    remembered = memo.Memo()
    with memo.remembering(remembered):
        assert Background(_remember_squares, [2, 3], through_file=through_file).result() == [4, 9]
    assert sorted(remembered.used.values()) == [4, 9]
    with memo.remembering(memo.Memo(remembered.used)) as next_run:
        assert Background(_remember_squares, [2, 3], through_file=through_file).result() == [4, 9]
    assert next_run.hits == 2


def _sleeps():
    import time

    time.sleep(60)


@pytest.mark.parametrize("through_file", [False, True])
def test_work_beside_that_nobody_waits_for_is_stopped(through_file):
    beside = Background(_sleeps, through_file=through_file)
    process = beside._process
    assert process.is_alive()
    del beside  # as when the caller fails before asking for the result
    assert not process.is_alive()


def _more_than_a_pipe_holds():
    return list(range(1_000_000))


def test_work_beside_through_a_file_ends_when_done_without_waiting_for_the_caller_to_ask():
    # Its memory is then given back while the caller goes on (the side tables' process held 0.5 GB).
    beside = Background(_more_than_a_pipe_holds, through_file=True)
    beside._process.join(timeout=30)
    assert not beside._process.is_alive()
    assert beside.result() == list(range(1_000_000))


def _dies_unless_in(pid):
    if os.getpid() != pid:
        os._exit(1)  # as when the system kills it for lack of memory
    return "computed in the caller"


@pytest.mark.parametrize("through_file", [False, True])
def test_work_beside_whose_process_dies_is_done_in_the_caller(through_file):
    assert Background(_dies_unless_in, os.getpid(), through_file=through_file).result() == "computed in the caller"
