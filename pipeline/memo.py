"""Remember what costly pure functions returned, by the content of their arguments, from one run to the next.

After a one-line lexicon edit most statistics get exactly the inputs they had before: the polarity
of the sentences that mention an actor, an outlet's subjectivity, the words of sentences without a
hit. A function decorated with `remembered` looks its arguments' content up in the active Memo
(see `remembering`) and returns the stored result when they are the same; the run stores the
Memo in its cache folder (pipeline.cache.StageCache). Without an active Memo the function simply
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

# Part of every key: bump it when a remembered function would now return something else for the
# same arguments.
MEMO_VERSION = "1"

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
    name = f"{function.__module__}.{function.__qualname__}"

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Result:
        return remember(name, args, kwargs, lambda: function(*args, **kwargs))

    return wrapper


def remember(name: str, args: tuple, kwargs: dict, compute: Callable[[], Result]) -> Result:
    """compute(), or inside `remembering` the result stored under `name` and the content of `args` and
    `kwargs`: for a computation whose result depends on less than its arguments' whole content."""
    memo = _active.get()
    if memo is None:
        return compute()
    try:
        key = content_key(name, args, kwargs)
    except Unkeyable:  # e.g. a generator, which only the function itself may consume
        return compute()
    return memo.get(key, compute)


def content_key(name: str, args: tuple, kwargs: dict) -> str:
    """A digest of the function's name and its arguments' content (arrays by their bytes, texts by their characters)."""
    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{MEMO_VERSION}\0{name}".encode())
    _feed(digest, args)
    _feed(digest, sorted(kwargs.items()))
    return digest.hexdigest()


def _feed(digest: Any, value: Any) -> None:
    """Add a value to the digest, with its type and size, so different values never run together."""
    if isinstance(value, pd.Series | pd.Index):
        value = value.to_numpy()
    if isinstance(value, np.ndarray) and value.dtype != object:
        digest.update(f"\0array {value.dtype.str} {value.shape}\0".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, np.ndarray | list | tuple):
        digest.update(f"\0seq {len(value)}\0".encode())
        try:  # texts, the usual case, at C speed: their lengths, then all their characters
            joined = "".join(value)
        except TypeError:
            for item in value:
                _feed(digest, item)
        else:
            digest.update(np.fromiter(map(len, value), dtype=np.int64, count=len(value)).tobytes())
            digest.update(joined.encode("utf-8", "surrogatepass"))
    elif isinstance(value, frozenset | set):
        _feed(digest, sorted(value, key=repr))
    elif isinstance(value, str):
        encoded = value.encode("utf-8", "surrogatepass")
        digest.update(f"\0str {len(encoded)}\0".encode())
        digest.update(encoded)
    elif value is None or isinstance(value, bool | int | float | np.integer | np.floating):
        digest.update(f"\0{type(value).__name__} {value!r}\0".encode())
    else:
        raise Unkeyable(type(value).__name__)
