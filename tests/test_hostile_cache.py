"""A cache that cannot run code, cannot break a run and cannot serve another user's results."""

import errno
import os
import pickle
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEXICONS

from pipeline.cli import main
from pipeline.engine import cache
from pipeline.support import pickling

GOOD = "Iraq's parliament voted on Sunday to expel US troops from the country, officials said."
OTHER = "The United States said its brutal regime claims were false, officials said."


class Planted:
    """A pickle that, when loaded, creates a file: what a malicious cache would do instead."""

    def __init__(self, sentinel: Path):
        self.sentinel = sentinel

    def __reduce__(self):
        return (Path.touch, (self.sentinel,))


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))


@pytest.fixture
def corpus(make_corpus):
    return make_corpus({"good.txt": GOOD, "other.txt": OTHER})


def run(corpus, tmp_path, cache_dir, name="reports"):
    out = tmp_path / name
    arguments = ["run", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(out), "--jobs", "1"]
    result = CliRunner().invoke(main, [*arguments, "--cache", str(cache_dir)])
    return result, out


def tables_of(out):
    return {p.name: p.read_bytes() for p in (out / "tables").iterdir()}


def test_a_planted_pickle_in_the_cache_folder_is_never_loaded(corpus, tmp_path):
    cache_dir, sentinel = tmp_path / "cache", tmp_path / "code-ran"
    cache_dir.mkdir()
    for stage in ["clean_articles", "annotations", "matching", "events", "frames", "memo"]:
        (cache_dir / f"{stage}.pickle").write_bytes(pickle.dumps(Planted(sentinel)))
    result, out = run(corpus, tmp_path, cache_dir)
    assert result.exit_code == 0, result.output
    assert not sentinel.exists()
    assert (out / "tables" / "articles.csv").exists()


def test_a_planted_pickle_with_the_header_but_a_forged_signature_is_never_loaded(corpus, tmp_path):
    cache_dir, sentinel = tmp_path / "cache", tmp_path / "code-ran"
    cache_dir.mkdir()
    forged = cache.STAGE_FILE_MAGIC + bytes(cache.SIGNATURE_BYTES) + pickle.dumps(Planted(sentinel))
    (cache_dir / "clean_articles.pickle").write_bytes(forged)
    result, _ = run(corpus, tmp_path, cache_dir)
    assert result.exit_code == 0, result.output
    assert not sentinel.exists()
    assert (
        "clean_articles.pickle: warning: not written by this user's mediabias (or damaged): never loaded"
        in result.output
    )


def test_another_users_cache_is_recomputed_and_gives_the_same_tables(corpus, tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    _, first = run(corpus, tmp_path, cache_dir, "first")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    result, second = run(corpus, tmp_path, cache_dir, "second")
    assert result.exit_code == 0, result.output
    assert "not written by this user's mediabias" in result.output
    assert tables_of(second) == tables_of(first)


def test_a_garbage_sentence_cache_is_set_aside_and_the_run_goes_on(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "sentences.sqlite").write_bytes(b"this is not a database" * 100)
    result, _ = run(corpus, tmp_path, cache_dir)
    assert result.exit_code == 0, result.output
    assert "sentences.sqlite: warning: was damaged (file is not a database); set aside as sentences.sqlite.damaged" in (
        result.output
    )
    assert (cache_dir / "sentences.sqlite.damaged").read_bytes().startswith(b"this is not a database")
    again, _ = run(corpus, tmp_path, cache_dir, "again")
    assert again.exit_code == 0
    assert "warning" not in again.output


def test_a_truncated_sentence_cache_does_not_stop_the_next_runs(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    _, first = run(corpus, tmp_path, cache_dir, "first")
    database = cache_dir / "sentences.sqlite"
    database.write_bytes(database.read_bytes()[: len(database.read_bytes()) // 2])
    for name in ["second", "third"]:
        result, out = run(corpus, tmp_path, cache_dir, name)
        assert result.exit_code == 0, result.output
        assert tables_of(out) == tables_of(first)


def test_sentence_scores_edited_in_the_cache_are_not_used(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    _, first = run(corpus, tmp_path, cache_dir, "first")
    with sqlite3.connect(cache_dir / "sentences.sqlite") as connection:
        connection.execute("UPDATE signed_sentences SET scores = '[[0, 10, 1.0, 1.0]]'")
    for stage in cache_dir.glob("*.pickle"):
        stage.unlink()
    result, second = run(corpus, tmp_path, cache_dir, "second")
    assert "entry(ies) not written by this user's mediabias or damaged; scored anew" in result.output
    assert tables_of(second) == tables_of(first)


def test_a_full_disk_under_the_cache_is_a_warning_and_the_run_goes_on(corpus, tmp_path, monkeypatch):
    def full(value, handle):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(pickling, "dump", full)
    result, out = run(corpus, tmp_path, tmp_path / "cache")
    assert result.exit_code == 0, result.output
    assert "cache: warning: cannot be written (No space left on device); the run goes on without it" in result.output
    assert (out / "tables" / "articles.csv").exists()
    assert [p.name for p in (tmp_path / "cache").glob(".*")] == []  # no half-written file left


def test_a_cache_path_that_is_a_file_is_a_warning_and_the_file_is_kept(corpus, tmp_path):
    cache_file = tmp_path / "cache"
    cache_file.write_text("my notes")
    result, out = run(corpus, tmp_path, cache_file)
    assert result.exit_code == 0, result.output
    assert "warning: cannot be used" in result.output
    assert cache_file.read_text() == "my notes"
    assert (out / "tables" / "articles.csv").exists()


def test_cache_warnings_are_not_in_the_tables(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    (cache_dir / "sentences.sqlite").write_bytes(b"garbage" * 100)
    _, damaged = run(corpus, tmp_path, cache_dir, "damaged")
    _, clean = run(corpus, tmp_path, tmp_path / "fresh-cache", "clean")
    assert tables_of(damaged) == tables_of(clean)


def test_a_stage_file_others_may_write_is_never_loaded(corpus, tmp_path):
    cache_dir = tmp_path / "cache"
    _, first = run(corpus, tmp_path, cache_dir, "first")
    stage = cache_dir / "clean_articles.pickle"
    os.chmod(stage, 0o666)  # someone else could swap its content between the check and the load
    result, second = run(corpus, tmp_path, cache_dir, "second")
    assert (
        "clean_articles.pickle: warning: not written by this user's mediabias (or damaged): never loaded"
        in result.output
    )
    assert tables_of(second) == tables_of(first)
