"""The same tables from one process, two processes and a Dask cluster."""

import pytest
from conftest import LEXICONS, SEED_CORPUS

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
