"""Remember what costly pure functions returned, by the content of their arguments, from one run to the next.

After a one-line lexicon edit most statistics get exactly the inputs they had before: the polarity
of the sentences that mention an actor, an outlet's subjectivity, the words of sentences without a
hit. A function decorated with `remembered` looks its arguments' content up in the active Memo
(see `remembering`) and returns the stored result when they are the same; the run stores the
Memo in its cache folder (pipeline.engine.cache.StageCache). Without an active Memo the function simply
runs. Results are the same either way, because the functions are pure: their seeds are among their
arguments.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.support.dataframes import arrow_chunks

# Texts hashed at a time: a bounded piece of a text column is ever copied into one string.
TEXT_BLOCK = 100_000

Result = TypeVar("Result")


class Memo:
    """Results by content key: `known` from the last run; `used` collects what this run looked up or
    computed, so that what the next run keeps does not grow with every edit."""

    def __init__(self, known: dict[str, Any] | None = None):
        self.known = dict(known or {})
        self.used: dict[str, Any] = {}
        self.hits = 0

    def get(self, key: str, compute: Callable[[], Result]) -> Result:
        if key in self.used:
            return self.used[key]
        if key in self.known:
            self.hits += 1
            result = self.known[key]
        else:
            result = compute()
        self.used[key] = result
        return result


class Unkeyable(TypeError):
    """An argument whose content cannot be keyed without consuming or guessing at it."""


_active: ContextVar[Memo | None] = ContextVar("memo", default=None)


@contextmanager
def remembering(memo: Memo) -> Iterator[Memo]:
    """Within the block, `remembered` functions look results up in `memo` and store new ones there."""
    token = _active.set(memo)
    try:
        yield memo
    finally:
        _active.reset(token)


def active_memo() -> Memo | None:
    """The Memo `remembering` made active here, if any."""
    return _active.get()


def remembered(function: Callable[..., Result]) -> Callable[..., Result]:
    """Decorate a pure function so that, inside `remembering`, equal arguments return the stored result."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        return remember(function, args, kwargs, lambda: function(*args, **kwargs))

    return wrapper


def remember(function: Callable, args: tuple, kwargs: dict, compute: Callable[[], Result]) -> Result:
    """compute(), or inside `remembering` the result stored under `function`'s code (code_version) and the
    content of `args` and `kwargs`: for a computation whose result depends on less than its arguments'
    whole content."""
    memo = _active.get()
    if memo is None:
        return compute()
    try:
        key = content_key(function, args, kwargs)
    except Unkeyable:  # e.g. a generator, which only the function itself may consume
        return compute()
    return memo.get(key, compute)


def content_key(function: Callable, args: tuple, kwargs: dict) -> str:
    """A digest of the function's code and its arguments' content (arrays by their bytes, texts by their characters)."""
    from pipeline.support.versions import code_version  # which imports this module's feed

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{function.__module__}.{function.__qualname__}\0{code_version(function)}".encode())
    feed(digest, args)
    feed(digest, sorted(kwargs.items()))
    return digest.hexdigest()


def feed(digest: Any, value: Any) -> None:
    """Add a value to the digest, with its type and size, so different values never run together."""
    if isinstance(value, pd.Series | pd.Index):
        stored = _arrow_texts(value)
        if stored is not None:
            _feed_arrow_texts(digest, stored)
            return
        coded = _categorical_texts(value)
        if coded is not None:
            _feed_categorical_texts(digest, *coded)
            return
        value = value.to_numpy()
    if isinstance(value, np.ndarray) and value.dtype != object:
        digest.update(f"\0array {value.dtype.str} {value.shape}\0".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.ndarray | list | tuple):
        digest.update(f"\0seq {len(value)}\0".encode())
        if all(isinstance(item, str) for item in value):
            _feed_texts(digest, value)
        else:
            for item in value:
                feed(digest, item)
    elif isinstance(value, frozenset | set):
        feed(digest, sorted(value, key=repr))
    elif isinstance(value, str):
        encoded = value.encode("utf-8", "surrogatepass")
        digest.update(f"\0str {len(encoded)}\0".encode())
        digest.update(encoded)
    elif value is None or isinstance(value, bool | int | float | np.integer | np.floating):
        digest.update(f"\0{type(value).__name__} {value!r}\0".encode())
    else:
        raise Unkeyable(type(value).__name__)


def _feed_texts(digest: Any, texts: np.ndarray | list | tuple) -> None:
    """Texts, the usual case, at C speed: all their lengths, then all their characters, TEXT_BLOCK texts at a
    time, so that a column of millions of sentences is never joined into one string."""
    digest.update(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)).tobytes())
    for start in range(0, len(texts), TEXT_BLOCK):
        digest.update("".join(texts[start : start + TEXT_BLOCK]).encode("utf-8", "surrogatepass"))


def _categorical_texts(column: pd.Series | pd.Index) -> tuple[np.ndarray, list[str]] | None:
    """The codes and categories of a categorical column of texts without a missing value, else None."""
    if not isinstance(column, pd.Series) or not isinstance(column.dtype, pd.CategoricalDtype):
        return None
    codes, categories = column.cat.codes.to_numpy(), column.cat.categories.tolist()
    if (codes < 0).any() or not all(isinstance(category, str) for category in categories):
        return None
    return codes, categories


def _feed_categorical_texts(digest: Any, codes: np.ndarray, categories: list[str]) -> None:
    """What _feed_texts feeds for the texts a categorical column spells out, TEXT_BLOCK rows at a time:
    spelled out whole, a column of millions of annotations is an array of as many Python references."""
    digest.update(f"\0seq {len(codes)}\0".encode())
    lengths = np.fromiter(map(len, categories), dtype=np.int64, count=len(categories))
    for start in range(0, len(codes), TEXT_BLOCK):
        digest.update(lengths[codes[start : start + TEXT_BLOCK]].tobytes())
    for start in range(0, len(codes), TEXT_BLOCK):
        block = codes[start : start + TEXT_BLOCK].tolist()
        digest.update("".join([categories[k] for k in block]).encode("utf-8", "surrogatepass"))


def _arrow_texts(column: pd.Series | pd.Index) -> Any | None:
    """The column's pyarrow string chunks, if it is a text column stored by pyarrow without a missing value."""
    stored = arrow_chunks(column) if pd.api.types.is_string_dtype(column.dtype) else None
    if (
        stored is None
        or stored.null_count
        or not (pa.types.is_string(stored.type) or pa.types.is_large_string(stored.type))
    ):
        return None
    return stored


def _feed_arrow_texts(digest: Any, chunks: Any) -> None:
    """What _feed_texts feeds for the same texts, read from pyarrow's buffers without making Python strings:
    each chunk's character lengths, then its UTF-8 bytes, which pyarrow keeps end to end."""
    digest.update(f"\0seq {len(chunks)}\0".encode())
    for chunk in chunks.chunks:
        digest.update(pc.utf8_length(chunk).cast(pa.int64()).to_numpy(zero_copy_only=False).tobytes())
    for chunk in chunks.chunks:
        _, offsets, data = chunk.buffers()
        if len(chunk) and data is not None:
            width = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            ends = np.frombuffer(offsets, dtype=width)[[chunk.offset, chunk.offset + len(chunk)]]
            digest.update(memoryview(data)[int(ends[0]) : int(ends[1])])
