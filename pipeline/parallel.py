"""Run per-article work in chunks, on one core, on local processes, or on a Dask cluster; results keep their order."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

from pipeline.errors import MediaBiasError

ENGINES = ("local", "dask")
# Articles per task: large enough that process start-up and pickling are small next to the work.
CHUNK_ARTICLES = 200


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def map_chunks(
    function: Callable[[Any], Any],
    chunks: Sequence[Any],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    on_done: Callable[[int], None] | None = None,
) -> list[Any]:
    """[function(chunk) for chunk in chunks], in order, spread over `jobs` processes or a Dask cluster.

    `function` must be a module-level function (it is pickled). `on_done(k)` is called as chunk k
    finishes, for progress. The result is the same whatever the engine or the number of jobs.
    """
    if engine == "dask":
        return _map_dask(function, chunks, scheduler, on_done)
    if engine != "local":
        raise MediaBiasError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if jobs <= 1 or len(chunks) <= 1:
        return _collect(((lambda chunk=chunk: function(chunk)) for chunk in chunks), on_done)
    with ProcessPoolExecutor(max_workers=min(jobs, len(chunks))) as pool:
        futures = [pool.submit(function, chunk) for chunk in chunks]
        return _collect((future.result for future in futures), on_done)


def map_items(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_ARTICLES,
) -> list[Any]:
    """[function(item) for item in items], sent to map_chunks in chunks of `chunk_size` items."""
    chunks = [items[start : start + chunk_size] for start in range(0, len(items), chunk_size)]
    results = map_chunks(partial(_apply_to_each, function), chunks, jobs=jobs, engine=engine, scheduler=scheduler)
    return [result for chunk in results for result in chunk]


def _apply_to_each(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [function(item) for item in items]


def _collect(getters: Iterable[Callable[[], Any]], on_done: Callable[[int], None] | None) -> list[Any]:
    """Call each result getter in order, reporting each chunk done."""
    collected = []
    for k, get in enumerate(getters):
        collected.append(get())
        if on_done:
            on_done(k)
    return collected


def _map_dask(function, chunks, scheduler, on_done):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as error:
        raise MediaBiasError(
            "the dask engine needs the optional dependencies: pip install 'mediabias[dask]'"
        ) from error
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=default_jobs(), threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(function, list(chunks), pure=False)
        return _collect((future.result for future in futures), on_done)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
