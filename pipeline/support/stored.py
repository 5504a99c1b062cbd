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
import secrets
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import MediaBiasError
from pipeline.support import pickling

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

    def discard(self, value: Any) -> None:
        """Remove a stored table's files (once no stage will read it); anything else is not the store's."""
        if isinstance(value, StoredTable) and value.folder.parent == self.folder:
            shutil.rmtree(value.folder, ignore_errors=True)


def loaded(value: Any, columns: Iterable[Any] | None = None) -> Any:
    """The table itself, whether held (a DataFrame: `columns` of it, if given) or stored; anything else as it is."""
    if isinstance(value, StoredTable):
        return value.load(columns)
    if columns is not None and isinstance(value, pd.DataFrame) and len(value.columns):  # an empty default as it is
        return value[list(columns)]
    return value


def any_stored(tables: Any) -> bool:
    """Whether any of `tables` (a dataclass of them, a mapping or a list; None: none) is kept on disk."""
    if tables is None:
        return False
    if is_dataclass(tables):
        values = [getattr(tables, f.name) for f in fields(tables)]
    else:
        values = list(tables.values()) if isinstance(tables, Mapping) else list(tables)
    return any(isinstance(value, StoredTable) for value in values)


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
