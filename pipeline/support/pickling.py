"""Pickle large tables to a file or pipe without copying their columns first.

pandas pickles a pyarrow-backed column by first joining its chunks into one new array
(ArrowExtensionArray.__getstate__ calls combine_chunks), and the pickler keeps every such copy
until it is done: saving the sentences and hits would briefly hold their texts twice.
Here each chunk is pickled as it is (pyarrow pickles its buffers without copying them), and
`load` gives back the same column. `dump` writes as it goes, so a pipe never holds the whole
pickle in memory on either side.
"""

from __future__ import annotations

import copyreg
import pickle
from typing import IO, Any

import pyarrow as pa
from pandas.arrays import ArrowExtensionArray


class TablePickler(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        # pandas keeps the column in `_pa_array`; should a later pandas not, its own pickling is used.
        stored = getattr(obj, "_pa_array", None) if isinstance(obj, ArrowExtensionArray) else None
        if isinstance(stored, pa.ChunkedArray) and stored.num_chunks > 0:
            state = dict(obj.__dict__)
            # __setstate__ rebuilds a ChunkedArray from this list of chunks, as from pandas' own single array.
            state["_pa_array"] = stored.chunks
            state.pop("_cache", None)  # recomputed when needed, as pandas' own pickling does
            return copyreg.__newobj__, (type(obj),), state
        return NotImplemented


def dump(value: Any, handle: IO[bytes]) -> None:
    TablePickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump(value)


def load(handle: IO[bytes]) -> Any:
    return pickle.load(handle)
