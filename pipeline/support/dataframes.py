"""Join tables made in chunks, column by column, keeping categorical columns categorical."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.api.types import union_categoricals


def concat_column(parts: list[pd.Series]) -> pd.Series:
    """The parts of one column as one, in order.

    Categorical parts are joined on the union of their categories, sorted: pd.concat would turn
    categories that differ from part to part (chunk to chunk) into full strings.
    """
    if parts and all(isinstance(part.dtype, pd.CategoricalDtype) for part in parts):
        return pd.Series(union_categoricals(parts, sort_categories=True), copy=False)
    return pd.concat(parts, ignore_index=True)


def joined_frames(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Tables of the same columns (the first's) as one, in order (see joined_columns); one table as it is."""
    if len(frames) == 1:
        return frames[0]
    return joined_columns(frames, frames[0].columns, lambda frame, column: frame[column])


def joined_columns(parts: list, column_index: pd.Index, column_of: Callable[[Any, Any], pd.Series]) -> pd.DataFrame:
    """Parts of one table (tables, or tables kept on disk) as one table of the columns of `column_index`,
    in order, column by column (concat_column, in one piece): each part's column (`column_of(part,
    column)`) can be let go once joined, as the chunks' are."""
    filled = [part for part in parts if len(part)] or parts[:1]
    if not filled or not len(column_index):
        return pd.DataFrame(index=pd.RangeIndex(sum(map(len, parts))))
    joined = {
        column: in_one_piece(concat_column([column_of(part, column) for part in filled])) for column in column_index
    }
    return pd.DataFrame(joined, copy=False).set_axis(column_index, axis=1)


def concat_tables(frames: list[pd.DataFrame], columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """The frames (chunks' tables, which nothing else holds) as one table with `columns` in `dtypes`.

    Each frame's column is let go as soon as it is joined: joining whole tables holds every chunk
    and the result at once, the sentences' texts twice.
    """
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        return pd.DataFrame(columns=columns).astype(dtypes)
    joined = {column: concat_column([frame.pop(column) for frame in frames]) for column in columns}
    return pd.DataFrame(joined, copy=False)  # the joined columns are new: no second copy


def arrow_chunks(column: pd.Series | pd.Index) -> pa.ChunkedArray | None:
    """The pyarrow chunks that hold `column`, or None for a column pandas keeps otherwise (numpy, categories)."""
    if not hasattr(column.array, "__arrow_array__"):
        return None
    stored = column.array.__arrow_array__()
    return stored if isinstance(stored, pa.ChunkedArray) else pa.chunked_array([stored])


def rows_kept(table: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows of `table` where `keep` (booleans) is true, indexed from 0, each pyarrow column in the
    chunks it was in: pandas' row selection joins a column's chunks into one, so that none of it can be
    let go before all of it (corpus.read_corpus reads the texts in chunks that cleaning frees in turn)."""
    kept = {}
    for k, column in enumerate(table.columns):
        values = table.iloc[:, k]
        chunks = arrow_chunks(values)
        kept[k] = (
            values[keep].reset_index(drop=True)
            if chunks is None
            else pd.Series(chunks.filter(pa.array(keep)), dtype=values.dtype, name=column)
        )
    return pd.DataFrame(kept, copy=False).set_axis(table.columns, axis=1)


def in_one_piece(column: pd.Series) -> pd.Series:
    """`column` with its pyarrow chunks (one per joined chunk's table) joined into one array.

    pyarrow joins a column's chunks on every take (pandas' take, iloc and grouping of rows): from a
    column of many chunks, taking one outlet's sentences copies every sentence's text first, for
    each outlet and each block of articles of every stage.
    """
    chunks = arrow_chunks(column)
    if chunks is None or chunks.num_chunks <= 1:
        return column
    return pd.Series(chunks.combine_chunks(), dtype=column.dtype, index=column.index, name=column.name)


def plain_strings(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its categorical columns as plain strings: for small tables grouped from large ones,
    which are then mapped, joined and compared as strings."""
    categorical = [column for column, dtype in table.dtypes.items() if isinstance(dtype, pd.CategoricalDtype)]
    return table.astype(dict.fromkeys(categorical, "str")) if categorical else table


def keyed_by_strings(grouped: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
    """A result grouped by a categorical column, with its index as plain strings: results grouped from
    tables with different categories can then be aligned (reindexing one category index by another
    of a different code width fails in pandas)."""
    return grouped.set_axis(grouped.index.astype("str"))


# Rows a loop over a table takes at a time, where a whole column as Python objects would take gigabytes.
ROWS_PER_BATCH = 100_000


def counts_listed(rows: pd.DataFrame, keys: list[str], column: str, weight: str | None = None) -> pd.DataFrame:
    """Per group of `keys` (the index): its rows (`n`) and each value of `column` with its count, the most
    frequent first, then by value (`listed`: "said 3; told 1"); with `weight`, each row counts as many
    times as that column says."""
    grouped = rows.groupby([*keys, column], sort=True, observed=True)
    counted = (grouped.size() if weight is None else grouped[weight].sum()).rename("n").reset_index()
    counted = counted.sort_values([*keys, "n", column], ascending=[True] * len(keys) + [False, True], kind="stable")
    listed = counted[column].astype(str) + " " + counted["n"].astype(str)
    grouped = counted.assign(listed=listed).groupby(keys, sort=True, observed=True)
    return pd.DataFrame({"n": grouped["n"].sum(), "listed": grouped["listed"].agg("; ".join)})


def rows_counted(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The rows counted (`n`) per group of `keys`, a row per group in order of first appearance: a
    part that counts_added adds up."""
    return rows.groupby(keys, sort=False, observed=True, dropna=False).size().rename("n").reset_index()


def counts_added(parts: Iterable[pd.DataFrame], keys: list[str]) -> pd.DataFrame | None:
    """Tables of counts (`n`) per group of `keys`, of parts of some rows, added up in turn into the
    counts of all the rows (None without parts); the groups in order of first appearance."""
    total = None
    for part in parts:
        if total is None:
            total = part
            continue
        joined = joined_frames([total, part])
        grouped = joined.groupby(keys, sort=False, observed=True, dropna=False)
        total = grouped["n"].sum().rename("n").reset_index()
    return total


def batches(n_rows: int, size: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, stop) of consecutive batches of at most `size` (default ROWS_PER_BATCH) of n_rows rows."""
    size = size or ROWS_PER_BATCH
    for start in range(0, n_rows, size):
        yield start, min(start + size, n_rows)
