"""Large tables kept on disk between stages (support.stored) come back exactly as they were put."""

import tempfile

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import MediaBiasError
from pipeline.support.dataframes import concat_tables
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


def test_a_table_kept_in_partitions_loads_as_the_table_joined_in_memory(tmp_path):
    table = awkward_table()
    parts = [table.iloc[:2].reset_index(drop=True), table.iloc[2:].reset_index(drop=True)]
    kept = TableStore(tmp_path).put_parts("sentences", parts, [("a1", "a1"), ("b2", "b2")])
    joined = concat_tables([p.copy() for p in parts], list(table.columns), dict(table.dtypes))
    pd.testing.assert_frame_equal(kept.load(), joined, check_exact=True)
    assert len(kept) == 3 and list(loaded(kept, ["polarity"]).columns) == ["polarity"]
    pd.testing.assert_frame_equal(kept.part(1), parts[1], check_exact=True)


def test_a_whole_table_split_into_partitions_of_articles_gives_each_its_rows_and_no_more_bytes(tmp_path):
    rows = 30_000
    table = pd.DataFrame(
        {
            "article_id": pd.Categorical([f"a{k // 1000:02d}" for k in range(rows)]),
            "text": pd.Series([f"sentence {k} of a long article" for k in range(rows)], dtype="str"),
        }
    )
    bounds = [("a00", "a09"), ("a10", "a19"), ("a20", "a29")]
    store = TableStore(tmp_path)
    kept = store.put_split("sentences", table, bounds)
    assert [len(part) for part in kept.parts] == [10_000, 10_000, 10_000]
    assert list(kept.part(1)["article_id"].cat.categories) == [f"a{k}" for k in range(10, 20)]
    pd.testing.assert_frame_equal(kept.load(), table, check_exact=True)
    # Each partition holds its own texts: a slice pickled as it is would carry the whole column.
    sizes = [sum(f.stat().st_size for f in part.folder.iterdir()) for part in kept.parts]
    whole = sum(f.stat().st_size for f in store.put("sentences", table).folder.iterdir())
    assert sum(sizes) < 1.2 * whole


def test_a_table_not_in_article_id_order_is_not_split(tmp_path):
    table = pd.DataFrame({"article_id": ["b", "a"], "n": [1, 2]})
    with pytest.raises(ValueError, match="article id order"):
        TableStore(tmp_path).put_split("hits", table, [("a", "a"), ("b", "b")])


def test_a_discarded_partitioned_table_leaves_no_file(tmp_path):
    store = TableStore(tmp_path / "store")
    kept = store.put_parts("hits", [awkward_table(), awkward_table()], [("a1", "b2"), ("c", "d")])
    store.discard(kept)
    assert not any(part.folder.exists() for part in kept.parts)


def test_a_table_in_partitions_is_pickled_a_partition_at_a_time_and_read_back_whole_or_into_a_store(
    tmp_path, monkeypatch
):
    import io

    from pipeline.support import stored

    kept = TableStore(tmp_path / "a").put_parts("hits", [awkward_table(), awkward_table()], [("a1", "b2"), ("c", "d")])
    monkeypatch.setattr(
        stored.PartitionedTable, "load", lambda *a: pytest.fail("the whole table was loaded to save it")
    )
    pickled = io.BytesIO()
    stored.dump_by_partition((kept, {"other": 1}), pickled)
    monkeypatch.undo()
    whole = pd.concat([awkward_table(), awkward_table()], ignore_index=True)
    pickled.seek(0)
    table, other = stored.load_by_partition(pickled)
    pd.testing.assert_frame_equal(table, kept.load(), check_exact=True)
    assert other == {"other": 1} and table["quoted"].tolist() == whole["quoted"].tolist()
    pickled.seek(0)
    again, _ = stored.load_by_partition(pickled, TableStore(tmp_path / "b"))
    assert isinstance(again, stored.PartitionedTable) and again.bounds == kept.bounds
    pd.testing.assert_frame_equal(again.load(), kept.load(), check_exact=True)


def test_a_table_on_disk_that_would_be_cached_as_its_paths_is_refused(tmp_path):
    import io

    from pipeline.support import stored

    kept = TableStore(tmp_path).put_parts("hits", [awkward_table()], [("a1", "b2")])
    with pytest.raises(TypeError, match="cannot be cached"):
        stored.dump_by_partition({"deep": {"deeper": kept}}, io.BytesIO())
