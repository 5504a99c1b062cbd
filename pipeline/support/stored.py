"""Tables kept on disk between the stages that read them, a column to a file.

On a large corpus the driver (pipeline.engine.driver) puts each large table a stage returns in a
TableStore and holds only its StoredTable, which a later stage, or the report, loads (only the
columns it reads) when it needs it and lets go of after: a run then holds in memory what the stage at
hand reads, not every table made so far. Columns are pickled (support.pickling), not written as
Parquet, because the stages must get back exactly the table they would have had in memory, dtypes
and all (Parquet turns an empty categorical column into floats and text held as objects into strings).
The store's files are this run's alone, in a folder of its own that is removed with the store.
"""

from __future__ import annotations

import os
import pickle
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.errors import MediaBiasError
from pipeline.support import pickling
from pipeline.support.dataframes import arrow_chunks, joined_columns

# Tables that take less memory than this stay in memory: below it, writing and reading them back
# costs more than holding them, and a run whose tables all stay keeps its second processes.
STORED_BYTES = 128 * 2**20
# A store's folder: this prefix, the process that made it, and a random part.
FOLDER_PREFIX = "mediabias-tables-"


@dataclass(frozen=True, eq=False)
class StoredTable:
    """A table in a TableStore: `load()` gives it back as it was put, `load(columns)` only those columns."""

    folder: Path
    column_index: pd.Index
    n_rows: int

    @property
    def columns(self) -> tuple:
        return tuple(self.column_index)

    def load(self, columns: Iterable[Any] | None = None) -> pd.DataFrame:
        wanted = self.columns if columns is None else tuple(columns)
        parts = {column: self._column(column) for column in wanted}
        if not parts:
            return pd.DataFrame(index=self._column(self.columns[0]).index) if self.columns else pd.DataFrame()
        table = pd.DataFrame(parts, copy=False)  # each column is new: no second copy
        # The columns' own index (its name and dtype), which Parquet records: not one rebuilt from their names.
        return table.set_axis(self.column_index[[self.columns.index(c) for c in wanted]], axis=1)

    def __len__(self) -> int:
        return self.n_rows

    def _column(self, column: Any) -> pd.Series:
        with open(self.folder / f"{self.columns.index(column)}.pickle", "rb") as handle:
            return pickling.load(handle)


@dataclass(frozen=True, eq=False)
class PartitionedTable:
    """A table kept on disk as consecutive partitions of its rows, each the rows of one run of articles
    (`bounds`: each partition's first and last article id; tables made from the same articles share
    them). `load()` gives the whole table, as joining the partitions in memory would have given it;
    `part(k)` the k-th partition's rows, as a table of their own."""

    parts: tuple[StoredTable, ...]
    column_index: pd.Index
    bounds: tuple[tuple[str, str], ...]

    @property
    def columns(self) -> tuple:
        return tuple(self.column_index)

    def __len__(self) -> int:
        return sum(len(part) for part in self.parts)

    def load(self, columns: Iterable[Any] | None = None) -> pd.DataFrame:
        wanted = self.columns if columns is None else tuple(columns)
        index = self.column_index[[self.columns.index(c) for c in wanted]]
        return joined_columns(list(self.parts), index, lambda part, column: part._column(column))

    def part(self, k: int, columns: Iterable[Any] | None = None) -> pd.DataFrame:
        return self.parts[k].load(columns)


def dump_by_partition(value: Any, handle: IO[bytes]) -> None:
    """Pickle `value` (a stage's tables, or a dataclass or tuple of them) to `handle`, each
    PartitionedTable in it a partition at a time, loaded, written and let go of in turn, so that saving
    it never holds the whole table; `load_by_partition` reads it back."""
    found = _partitioned_in(value)
    pickling.dump(_Partitioned(len(found)), handle)
    for table in found:
        pickling.dump((table.column_index, table.bounds, len(table.parts)), handle)
        for k in range(len(table.parts)):
            pickling.dump(table.part(k), handle)
    pickler = pickling.TablePickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    places = {id(table): k for k, table in enumerate(found)}

    def written_above(obj: Any) -> int | None:
        if not on_disk(obj):
            return None
        if id(obj) not in places:  # its files go with this run: pickled as paths, it would break the next
            raise TypeError(f"a table kept on disk, deeper in {type(value).__name__} than this looks, cannot be cached")
        return places[id(obj)]

    pickler.persistent_id = written_above
    pickler.dump(value)


def load_by_partition(handle: IO[bytes], store: TableStore | None = None) -> Any:
    """What dump_by_partition wrote: each PartitionedTable put back in `store` a partition at a time or,
    without one, joined into one table, as PartitionedTable.load gives it."""
    header = pickling.load(handle)
    if not isinstance(header, _Partitioned):
        raise ValueError("not written by dump_by_partition")
    tables = []
    for _ in range(header.n_tables):
        column_index, bounds, n_parts = pickling.load(handle)
        parts = (pickling.load(handle) for _ in range(n_parts))
        if store is not None:
            tables.append(replace(store.put_parts("cached", parts, bounds), column_index=column_index))
        else:
            tables.append(joined_columns(list(parts), column_index, lambda part, column: part.pop(column)))
    unpickler = pickle.Unpickler(handle)
    unpickler.persistent_load = tables.__getitem__
    return unpickler.load()


@dataclass(frozen=True)
class _Partitioned:
    n_tables: int


def _partitioned_in(value: Any, depth: int = 3) -> list[PartitionedTable]:
    """The PartitionedTables in `value`, its tuples, lists and dataclasses, to `depth` levels."""
    if isinstance(value, PartitionedTable):
        return [value]
    if depth == 0:
        return []
    if is_dataclass(value) and not isinstance(value, type):
        inner = [getattr(value, f.name) for f in fields(value)]
    elif isinstance(value, tuple | list):
        inner = list(value)
    else:
        return []
    found = {id(table): table for item in inner for table in _partitioned_in(item, depth - 1)}
    return list(found.values())


class TableStore:
    """A folder of stored tables, made when the first is put; `put` stores a table and gives its StoredTable."""

    def __init__(self, folder: Path, least_bytes: int = STORED_BYTES):
        self.folder, self.least_bytes = Path(folder), least_bytes

    def keeps(self, value: Any) -> bool:
        """Whether `value` is a table large enough to be stored rather than held."""
        if not isinstance(value, pd.DataFrame) or isinstance(value.columns, pd.MultiIndex):
            return False
        # Without the strings' own memory where they are Python objects: counting it visits every one.
        return len(value.columns) > 0 and int(value.memory_usage(index=False, deep=False).sum()) >= self.least_bytes

    def put(self, name: str, table: pd.DataFrame) -> StoredTable:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            # A folder of its own: a forked process (a lane of the driver) puts tables in the same store.
            folder = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.folder))
            for k, column in enumerate(table.columns):
                with open(folder / f"{k}.pickle", "wb") as handle:
                    pickling.dump(table[column], handle)
        except OSError as error:
            in_temporary = self.folder.parent == Path(tempfile.gettempdir())
            where = (
                "set TMPDIR to a folder on a disk with room"
                if in_temporary
                else "give --cache a folder on a disk with room"
            )
            raise MediaBiasError(
                f"cannot keep the {name} table on disk in {self.folder} ({error.strerror or error}); free some "
                f"space there, or {where}"
            ) from error
        return StoredTable(folder, table.columns, len(table))

    def put_parts(
        self, name: str, parts: Iterable[pd.DataFrame], bounds: Iterable[tuple[str, str]]
    ) -> PartitionedTable:
        """Store the partitions of a table (each put as soon as it is given, then let go of) as one
        PartitionedTable; every partition has the same columns."""
        stored = tuple(self.put(name, part) for part in parts)
        return PartitionedTable(stored, stored[0].column_index, tuple(bounds))

    def put_split(self, name: str, table: pd.DataFrame, bounds: tuple[tuple[str, str], ...]) -> PartitionedTable:
        """Store a whole table, in article id order, as partitions of the articles `bounds` gives (each
        partition's first and last article id), as a run that made it in those partitions would have."""
        return self.put_parts(name, partitions_of_table(table, bounds), bounds)

    def discard(self, value: Any) -> None:
        """Remove a stored table's files (once no stage will read it); anything else is not the store's."""
        for table in value.parts if isinstance(value, PartitionedTable) else (value,):
            if isinstance(table, StoredTable) and table.folder.parent == self.folder:
                shutil.rmtree(table.folder, ignore_errors=True)


def partitions_of_table(table: pd.DataFrame, bounds: tuple[tuple[str, str], ...]) -> Iterator[pd.DataFrame]:
    """The rows of a table in article id order that belong to each partition of `bounds` (each
    partition's first and last article id), each as a table of its own, as if made in that partition."""
    edges = _partition_edges(table["article_id"], bounds)
    return (_compacted(table.iloc[edges[k] : edges[k + 1]]) for k in range(len(bounds)))


def _partition_edges(article_ids: pd.Series, bounds: tuple[tuple[str, str], ...]) -> np.ndarray:
    """The first row of each partition and the end, in a column of article ids in article id order."""
    firsts = np.array([first for first, _ in bounds], dtype=object)
    if isinstance(article_ids.dtype, pd.CategoricalDtype):
        names = np.asarray(article_ids.cat.categories.astype(str), dtype=object)
        partition = (np.searchsorted(firsts, names, side="right") - 1)[article_ids.cat.codes.to_numpy()]
    else:
        partition = np.searchsorted(firsts, article_ids.astype(str).to_numpy(dtype=object), side="right") - 1
    if len(partition) and (partition[0] < 0 or (np.diff(partition) < 0).any()):
        raise ValueError("a table split into partitions of articles must be in article id order")
    return np.searchsorted(partition, np.arange(len(bounds) + 1), side="left")


def _compacted(part: pd.DataFrame) -> pd.DataFrame:
    """A slice of a table as a table of its own: its text held in buffers of its own (pyarrow pickles
    a slice with its whole column's buffers) and its categories those it uses (as made so)."""
    columns = {}
    for column in part.columns:
        values = part[column].reset_index(drop=True)
        if isinstance(values.dtype, pd.CategoricalDtype):
            values = values.cat.remove_unused_categories()
        elif (chunks := arrow_chunks(values)) is not None:
            whole = chunks.combine_chunks() if chunks.num_chunks else pa.array([], type=chunks.type)
            values = pd.Series(whole.take(pa.array(np.arange(len(whole)))), dtype=values.dtype, name=values.name)
        columns[column] = values
    return pd.DataFrame(columns, copy=False).set_axis(part.columns, axis=1)


def loaded(value: Any, columns: Iterable[Any] | None = None) -> Any:
    """The table itself, whether held (a DataFrame: `columns` of it, if given) or stored; anything else as it is."""
    if on_disk(value):
        return value.load(columns)
    if columns is not None and isinstance(value, pd.DataFrame) and len(value.columns):  # an empty default as it is
        return value[list(columns)]
    return value


def partitions(value: Any, columns: Iterable[Any] | None = None) -> Iterator[pd.DataFrame]:
    """A table a partition at a time, each loaded when it is reached (`columns` of it, if given): the
    partitions of a PartitionedTable, or the table, held or stored whole, as one."""
    if isinstance(value, PartitionedTable):
        yield from (value.part(k, columns) for k in range(len(value.parts)))
    else:
        yield loaded(value, columns)


def on_disk(value: Any) -> bool:
    """Whether `value` is a table kept in a TableStore (whole or in partitions)."""
    return isinstance(value, StoredTable | PartitionedTable)


def any_stored(tables: Any) -> bool:
    """Whether any of `tables` (a dataclass of them, a mapping or a list; None: none) is kept on disk."""
    if tables is None:
        return False
    if is_dataclass(tables):
        values = [getattr(tables, f.name) for f in fields(tables)]
    else:
        values = list(tables.values()) if isinstance(tables, Mapping) else list(tables)
    return any(on_disk(value) for value in values)


@contextmanager
def table_store(parent: Path | None = None, least_bytes: int = STORED_BYTES) -> Iterator[TableStore]:
    """A TableStore in a new folder under `parent` (or, if it cannot be written there, the system's
    temporary folder), removed at the end; nothing is written until a table is large enough to keep."""
    base = Path(parent) if parent is not None and _may_write(Path(parent)) else Path(tempfile.gettempdir())
    _remove_abandoned(base)
    folder = base / f"{FOLDER_PREFIX}{os.getpid()}-{secrets.token_hex(6)}"
    try:
        yield TableStore(folder, least_bytes)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_abandoned(base: Path) -> None:
    """Remove the store folders of this user's runs that ended without removing them (killed, out of
    memory): each holds only tables such a run wrote, and a large run's take gigabytes."""
    for folder in base.glob(f"{FOLDER_PREFIX}*"):
        pid = folder.name.removeprefix(FOLDER_PREFIX).split("-")[0]
        try:
            mine = not hasattr(os, "getuid") or folder.stat().st_uid == os.getuid()
            if not pid.isdigit() or not mine or _running(int(pid)):
                continue
        except (OSError, OverflowError):  # gone meanwhile, or not a process number
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _may_write(folder: Path) -> bool:
    """Whether this user could make files in `folder`, made first if need be."""
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    return existing is not None and existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
