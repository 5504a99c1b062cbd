"""Statistics whose inputs did not change are taken from the last run instead of computed again."""

import shutil

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import LEXICONS, SEED_CORPUS

from pipeline.flow import analyze
from pipeline.measuring import statistics as compare
from pipeline.reports.report import to_csv_text
from pipeline.support import memo, versions
from pipeline.support.memo import Memo, content_key, remembered, remembering
from pipeline.tuning import tune

calls = []


@remembered
def mean_of(values, name=""):
    calls.append(name)
    return float(np.mean(values))


def test_equal_inputs_in_the_next_run_are_not_computed_again():
    calls.clear()
    with remembering(Memo()) as first:
        assert mean_of(np.array([1.0, 2.0]), name="a") == 1.5
    with remembering(Memo(first.used)) as second:
        assert mean_of(np.array([1.0, 2.0]), name="a") == 1.5
        assert mean_of(np.array([1.0, 3.0]), name="a") == 2.0
    assert calls == ["a", "a"]  # the second run computed only the changed input
    assert second.hits == 1


def test_outside_a_memo_the_function_just_runs():
    calls.clear()
    mean_of([1.0], name="b")
    mean_of([1.0], name="b")
    assert calls == ["b", "b"]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ((["ab", "c"],), (["a", "bc"],)),  # texts do not run together
        ((np.array([1, 2], dtype=np.int64),), (np.array([1, 2], dtype=np.int32),)),
        ((np.array([1.0, 2.0]),), (np.array([2.0, 1.0]),)),
        ((1,), (1.0,)),
        (("x",), (["x"],)),
    ],
)
def test_different_inputs_never_share_a_key(one, other):
    assert content_key(sorted, one, {}) != content_key(sorted, other, {})


TEXTS = ["Pompeo said", "", "al-Muhandis (أبو مهدي)", "killed 😀", "a"]


@pytest.mark.parametrize(
    "stored",
    [
        pd.Series(TEXTS, dtype="str"),  # pyarrow's string storage, hashed from its buffers
        pd.Series(["x", *TEXTS], dtype="str").iloc[1:],  # a slice: its buffers begin before it
        pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([TEXTS[:2], TEXTS[2:]], pa.large_string()))),
        pd.Series(TEXTS, dtype=object),
        pd.Index(TEXTS, dtype="str"),
    ],
)
def test_texts_have_one_key_however_they_are_stored(stored, monkeypatch):
    monkeypatch.setattr(memo, "TEXT_BLOCK", 2)  # lists are hashed in pieces, with the same key
    assert content_key(sorted, (stored,), {}) == content_key(sorted, (TEXTS,), {})
    assert content_key(sorted, (stored,), {}) != content_key(sorted, ([*TEXTS[:-1], "b"],), {})


def test_a_missing_text_keys_the_same_as_in_an_object_column():
    assert content_key(sorted, (pd.Series(["a", None], dtype="str"),), {}) == content_key(
        sorted, (pd.Series(["a", np.nan], dtype=object),), {}
    )


@remembered
def total(values):
    return sum(values)


def test_a_generator_is_left_for_the_function_to_consume():
    with remembering(Memo()):
        assert total(x for x in [2.0, 4.0]) == 6.0


def test_an_edit_that_changes_no_hit_draws_no_new_resamples(tmp_path, monkeypatch):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    with open(lexicons / "emotive.csv", "a", encoding="utf-8") as handle:
        handle.write("zzyzx,emotive,2,a word no article uses\n")
    fresh = analyze(SEED_CORPUS, lexicons)

    def no_draws(*names):
        raise AssertionError(f"{names} was resampled although its input did not change")

    monkeypatch.setattr(compare, "_rng", no_draws)
    warm = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert {n: to_csv_text(t) for n, t in warm.csv_tables().items()} == {
        n: to_csv_text(t) for n, t in fresh.csv_tables().items()
    }


def test_other_statistics_settings_never_reuse_remembered_results(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    exact = analyze(SEED_CORPUS, LEXICONS, cache_dir=cache).event_contrasts
    # Fewer shuffles than the 24 ways of giving out the seed's four articles of event E1: shuffled, not exact.
    monkeypatch.setattr(compare, "PERMUTATIONS", 20)
    versions.forget_code_versions()  # as a new process would, after the constant was edited
    warm = analyze(SEED_CORPUS, LEXICONS, cache_dir=cache)
    fresh = analyze(SEED_CORPUS, LEXICONS)
    assert to_csv_text(warm.event_contrasts) == to_csv_text(fresh.event_contrasts)
    assert to_csv_text(fresh.event_contrasts) != to_csv_text(exact)


def test_suggestions_are_recomputed_only_when_the_terms_the_lexicons_cover_change(tmp_path, monkeypatch):
    lexicons = tmp_path / "lexicons"
    shutil.copytree(LEXICONS, lexicons)
    cache = tmp_path / "cache"
    first = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert len(first.suggestions) > 0
    emotive = lexicons / "emotive.csv"
    emotive.write_text(emotive.read_text().replace("brutal,emotive,2,", "brutal,emotive,3,"))

    def not_again(*args):
        raise AssertionError("suggestions recomputed although no hit moved and no term was added")

    with monkeypatch.context() as patched:
        patched.setattr(tune, "uncovered_counts", not_again)
        patched.setattr(tune, "suggestion_examples", not_again)
        warm = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert to_csv_text(warm.suggestions) == to_csv_text(first.suggestions)

    # A new term covers the top suggestion: it must go.
    top = first.suggestions.iloc[0]["term"]
    with open(emotive, "a", encoding="utf-8") as handle:
        handle.write(f"{top},emotive,1,\n")
    warm = analyze(SEED_CORPUS, lexicons, cache_dir=cache)
    assert top not in set(warm.suggestions["term"])
    assert to_csv_text(warm.suggestions) == to_csv_text(analyze(SEED_CORPUS, lexicons).suggestions)


def test_a_categorical_column_of_texts_is_keyed_as_the_texts_it_spells_out():
    # Keyed from its codes a block at a time, not spelled out (a column of millions of annotations),
    # and so the same key whatever categories it carries unused.
    from pipeline.support.versions import content_key

    words = pd.Series(["regime", "government", "", "Iraq’s", "regime"] * 1_000)
    coded = words.astype("category")
    assert content_key(coded) == content_key(words.astype(object))
    assert content_key(coded.cat.add_categories(["unused"])) == content_key(coded)
    assert content_key(coded) != content_key(words.replace("", "x").astype("category"))
