"""Handing memory the C heap keeps after a stage frees it back to the system."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from collections.abc import Callable


def return_freed_memory() -> None:
    """Give the memory a stage freed back to the system, where the C library allows it (glibc).

    Freed article texts leave holes in the C heap that glibc keeps and Python's small objects,
    which live elsewhere, never reuse: without this, the next stage's tables add to them and the
    peak grows by the texts' size.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl, Windows)
        return None
