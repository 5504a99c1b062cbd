"""Large tables kept on disk between stages (support.stored) come back exactly as they were put."""

import tempfile

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import MediaBiasError
from pipeline.support.stored import StoredTable, TableStore, loaded, table_store


def awkward_table():
    """The dtypes the run's tables hold, among them those Parquet would not give back as they were."""
    return pd.DataFrame(
        {
            "article_id": pd.Series(["a1", "a1", "b2"], dtype="str"),
            "outlet": pd.Categorical(["X", "X", "Y"]),
            "empty_category": pd.Categorical([None, None, None], categories=["frame"]),
            "objects": pd.Series(["x", None, np.nan], dtype=object),
            "sentence_id": np.array([0, 1, 0], dtype="int32"),
            "polarity": [0.5, np.nan, -0.25],
            "quoted": [True, False, True],
            "published": pd.to_datetime(["2020-01-03", None, "2024-02-02"]),
        }
    )


def test_a_stored_table_loads_as_the_same_table_with_the_same_dtypes(tmp_path):
    table = awkward_table()
    stored = TableStore(tmp_path).put("sentences", table)
    back = stored.load()
    pd.testing.assert_frame_equal(back, table, check_exact=True)
    assert list(back.dtypes) == list(table.dtypes) and len(stored) == 3


def test_a_stage_that_reads_some_columns_gets_only_those_in_its_order(tmp_path):
    stored = TableStore(tmp_path).put("sentences", awkward_table())
    back = loaded(stored, ["polarity", "article_id"])
    assert list(back.columns) == ["polarity", "article_id"]
    assert back["polarity"].isna().tolist() == [False, True, False]


def test_loaded_gives_a_held_table_or_any_other_value_as_it_is():
    table = awkward_table()
    assert loaded(table) is table and loaded(["a", "b"]) == ["a", "b"]
    assert list(loaded(table, ["outlet"]).columns) == ["outlet"]


def test_only_tables_that_take_at_least_the_stores_bytes_are_kept_on_disk(tmp_path):
    table = awkward_table()
    store = TableStore(tmp_path, least_bytes=int(table.memory_usage(index=False).sum()))
    assert store.keeps(table)
    assert not store.keeps(awkward_table().head(2)) and not store.keeps({"a": 1}) and not store.keeps(pd.DataFrame())


def test_a_discarded_table_leaves_no_file_and_a_value_not_of_the_store_is_left_alone(tmp_path):
    store = TableStore(tmp_path / "store")
    (tmp_path / "store").mkdir()
    stored = store.put("hits", awkward_table())
    other = TableStore(tmp_path).put("hits", awkward_table())
    store.discard(stored)
    store.discard(other)
    store.discard(awkward_table())
    assert not stored.folder.exists() and other.folder.exists()


def test_the_store_folder_is_removed_at_the_end_even_when_the_run_fails(tmp_path):
    with pytest.raises(RuntimeError), table_store(tmp_path) as store:
        stored = store.put("sentences", awkward_table())
        assert stored.folder.parent.parent == tmp_path
        raise RuntimeError("a stage failed")
    assert list(tmp_path.iterdir()) == []


def test_a_run_with_no_table_large_enough_to_keep_writes_nothing(tmp_path):
    with table_store(tmp_path / "cache") as store:
        assert not store.keeps(awkward_table())
    assert list(tmp_path.iterdir()) == []


def test_a_store_whose_folder_cannot_be_written_goes_to_the_system_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    with table_store(blocked) as store:
        assert store.folder.parent == tmp_path / "tmp"
        assert isinstance(store.put("hits", awkward_table()), StoredTable)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_a_disk_that_refuses_the_table_is_a_message_that_names_the_folder_and_the_fix(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    with table_store(tmp_path) as store, pytest.raises(MediaBiasError) as refused:
        store.put("sentences", awkward_table())
    assert f"cannot keep the sentences table on disk in {store.folder} (No space left on device)" in str(refused.value)
    assert "--cache" in str(refused.value)


def test_a_folder_left_by_a_killed_run_is_removed_by_the_next_run_and_nothing_else_is(tmp_path):
    import os

    killed = tmp_path / "mediabias-tables-999999999-0a1b2c"  # no process has that number
    running = tmp_path / f"mediabias-tables-{os.getpid()}-3d4e5f"
    notes = tmp_path / "notes"
    for folder in (killed, running, notes):
        folder.mkdir()
        (folder / "0.pickle").write_bytes(b"tables")
    with table_store(tmp_path) as store:
        assert store.folder.parent == tmp_path
    assert not killed.exists() and running.exists() and notes.exists()


def test_a_stored_table_keeps_its_columns_index_with_its_name(tmp_path):
    table = awkward_table()
    table.columns = pd.Index(list(table.columns), dtype=object, name="field")
    back = TableStore(tmp_path).put("sentences", table).load()
    assert back.columns.name == "field" and back.columns.dtype == object
    assert loaded(pd.DataFrame(), ["outlet"]).empty  # a table of no columns, as a default is, is itself
