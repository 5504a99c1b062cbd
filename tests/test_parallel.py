"""The same tables from one process, two processes and a Dask cluster."""

import pytest
from conftest import LEXICONS, SEED_CORPUS

from pipeline import run, score
from pipeline.report import to_csv_text
from pipeline.run import analyze


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


def test_each_stage_reports_its_time():
    timings = {}
    analyze(SEED_CORPUS, LEXICONS, timings=timings)
    assert list(timings) == ["read", "clean", "split_score_match", "summaries", "compare", "tune"]
    assert all(seconds >= 0 for seconds in timings.values())


def test_a_warm_run_reuses_cached_sentiment_and_gives_the_same_tables(tmp_path, monkeypatch, one_process):
    cache = tmp_path / "cache"
    analyze(SEED_CORPUS, LEXICONS, cache_dir=cache)

    def no_scoring(text):
        raise AssertionError("sentence scores should come from the cache")

    monkeypatch.setattr(run, "sentence_scores", no_scoring)
    warm = analyze(SEED_CORPUS, LEXICONS, cache_dir=cache, chunk_articles=2)
    assert {name: to_csv_text(table) for name, table in warm.csv_tables().items()} == one_process


def test_the_cache_key_changes_with_the_text_and_the_stage_version(monkeypatch):
    key = score.sentence_cache_key("The regime fell.")
    assert score.sentence_cache_key("The regime fell!") != key
    monkeypatch.setattr(score, "SENTENCE_STAGE_VERSION", "2/other")
    assert score.sentence_cache_key("The regime fell.") != key
