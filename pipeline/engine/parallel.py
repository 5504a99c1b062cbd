"""Run per-article work in chunks, on one core, on local processes, or on a Dask cluster; results keep their order."""

from __future__ import annotations

import collections
import multiprocessing
import os
import pickle
import signal
import tempfile
import time
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from typing import IO, Any

from pipeline.errors import MediaBiasError
from pipeline.support import memo, pickling
from pipeline.support.stored import any_stored

ENGINES = ("local", "dask")
# Articles per task: large enough that process start-up and pickling are small next to the work.
CHUNK_ARTICLES = 200
# Articles per partition of the tables a large run keeps on disk (support.stored.PartitionedTable): a
# stage that reads an article's rows alone then holds this many articles' rows at a time.
PARTITION_ARTICLES = 5_000
# Seconds a stopped process has to end before it is killed (end_processes): a pool worker, and a Background
# child, which stops its own workers first.
WORKER_GRACE_SECONDS = 2
CHILD_GRACE_SECONDS = 10


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def iter_chunks(
    function: Callable[[Any], Any],
    chunks: Sequence[Any],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    """function(chunk) for each chunk, in order, spread over `jobs` processes or a Dask cluster; each result
    is yielded as soon as it and those before it are done, so that the caller can combine and let go of
    results while the rest are computed.

    `function` must be a module-level function (it is pickled). `on_done(k)` is called as chunk k
    finishes, for progress. The results are the same whatever the engine or the number of jobs.
    """
    if engine == "dask":
        yield from _map_dask(function, chunks, scheduler, on_done)
        return
    if engine != "local":
        raise MediaBiasError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if jobs <= 1 or len(chunks) <= 1:
        yield from _collect(((lambda chunk=chunk: function(chunk)) for chunk in chunks), on_done)
        return
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), initializer=_leave_signals_to_the_caller)
    try:
        futures = [pool.submit(function, chunk) for chunk in chunks]
        for k, future in enumerate(futures):
            yield _result_of(future)
            futures[k] = None  # the result is the caller's now
            if on_done:
                on_done(k)
    except BaseException:
        _stop_workers(pool)  # interrupted, or a chunk failed: the chunks still queued are not worth waiting for
        raise
    pool.shutdown()


def _result_of(future: Future) -> Any:
    try:
        return future.result()
    except BrokenProcessPool as error:
        raise MediaBiasError(
            "a process of the run ended without its result (killed, or out of memory); run again with fewer "
            "processes (--jobs 1) or with --low-memory"
        ) from error


class Stopped(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so that workers are stopped and the staging folder removed."""


def stop_on_sigterm(owner_pid: int, signum, frame) -> None:
    """The SIGTERM handler of the run (cli) and of each Background child, as functools.partial(stop_on_sigterm,
    os.getpid()). A pool worker forked before it sets its own handlers inherits it: stopped then, it ends at
    once, where raising would print the worker's traceback."""
    if os.getpid() != owner_pid:
        os._exit(128 + signum)
    raise Stopped()


def _leave_signals_to_the_caller() -> None:
    """In a worker: Ctrl-C is the caller's to handle (it stops the workers), and SIGTERM ends the worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    end_processes(processes, grace=WORKER_GRACE_SECONDS)
    if manager is not None:
        # Ended before the interpreter's exit wakes it: Python 3.11 may write to its pipe as it closes it
        # ("Bad file descriptor", a traceback after the run's message).
        manager.join(timeout=5)


def end_processes(processes: Iterable[multiprocessing.process.BaseProcess], grace: float) -> None:
    """Stop the processes by SIGTERM, and by SIGKILL those that have not ended `grace` seconds later: a
    SIGTERM that reaches a fork before its interpreter is set up is lost (CPython clears the signals
    pending in a new child), and the process would run on as an orphan."""
    processes = [process for process in processes if process.is_alive()]
    for process in processes:
        process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    for process in processes:
        if process.is_alive():
            process.kill()
            process.join()


def map_items(
    function: Callable[[Any], Any],
    items: Sequence[Any],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    chunk_size: int = CHUNK_ARTICLES,
) -> list[Any]:
    """[function(item) for item in items], sent to iter_chunks in chunks of `chunk_size` items."""
    chunks = [items[start : start + chunk_size] for start in range(0, len(items), chunk_size)]
    results = iter_chunks(partial(_apply_to_each, function), chunks, jobs=jobs, engine=engine, scheduler=scheduler)
    return [result for chunk in results for result in chunk]


def _apply_to_each(function: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    return [function(item) for item in items]


def _collect(getters: Iterable[Callable[[], Any]], on_done: Callable[[int], None] | None) -> Iterator[Any]:
    """Call each result getter in order, reporting each chunk done."""
    for k, get in enumerate(getters):
        yield get()
        if on_done:
            on_done(k)


def _map_dask(function, chunks, scheduler, on_done):
    with dask_client(scheduler) as client:
        futures = client.map(function, list(chunks), pure=False)
        yield from _collect((future.result for future in futures), on_done)


# The Dask client of the run under way (dask_cluster), by scheduler address (None: the local cluster it started).
_RUN_CLIENTS: dict[str | None, Any] = {}


@contextmanager
def dask_cluster(scheduler: str | None) -> Iterator[None]:
    """Within the block, every call that runs on Dask uses one client (and local cluster) opened here: a
    run's stages share it rather than each starting a cluster of its own."""
    with _opened_client(scheduler) as client:
        _RUN_CLIENTS[scheduler] = client
        try:
            yield
        finally:
            del _RUN_CLIENTS[scheduler]


@contextmanager
def dask_client(scheduler: str | None) -> Iterator[Any]:
    """The run's client for `scheduler` (dask_cluster), or one opened for the block."""
    if scheduler in _RUN_CLIENTS:
        yield _RUN_CLIENTS[scheduler]
        return
    with _opened_client(scheduler) as client:
        yield client


@contextmanager
def _opened_client(scheduler: str | None) -> Iterator[Any]:
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
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def iter_tasks(
    function: Callable[[Any, Any], Any],
    shared: Any,
    tasks: Iterable[Any],
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
) -> Iterator[Any]:
    """function(shared, task) for each task, in order, on `jobs` local processes or a Dask cluster, as
    iter_chunks does for chunks; `shared` goes to each process once. A task is taken from `tasks` only
    when one before it is done, so that at most twice as many as there are processes are out at once: a
    caller whose tasks carry data (a partition's rows) holds that many. What the tasks remembered
    (support.memo) reaches the caller's memo, as with Background."""
    if engine == "dask":
        with dask_client(scheduler) as client:
            shared_future = client.scatter([shared], broadcast=True)[0]

            def submit(task):
                return client.submit(
                    _remembering, function, shared_future, client.scatter([task])[0], pure=False
                ).result

            yield from _in_order(submit, tasks, 2 * max(1, sum(client.nthreads().values())))
        return
    if engine != "local":
        raise MediaBiasError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if jobs <= 1:  # here, where the caller's memo is the one in use
        yield from _in_order(lambda task: lambda: (function(shared, task), {}, 0), tasks, 1)
        return
    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_task_process, initargs=(function, shared))
    try:
        yield from _in_order(lambda task: partial(_result_of, pool.submit(_task_in_process, task)), tasks, 2 * jobs)
    except BaseException:
        _stop_workers(pool)
        raise
    pool.shutdown()


def _in_order(submit: Callable[[Any], Callable[[], tuple]], tasks: Iterable[Any], ahead: int) -> Iterator[Any]:
    """Each task's result, in order, with up to `ahead` tasks submitted and not yet returned."""
    pending: collections.deque = collections.deque()
    for task in tasks:
        pending.append(submit(task))
        del task  # the task's data is the process's now
        if len(pending) >= ahead:
            yield _received(pending.popleft()())
    while pending:
        yield _received(pending.popleft()())


def _received(outcome: tuple) -> Any:
    value, remembered, hits = outcome
    _into_callers_memo(remembered, hits)
    return value


def _into_callers_memo(remembered: dict, hits: int) -> None:
    """What another process remembered (support.memo), added to the memo in use here, if any."""
    active = memo.active_memo()
    if active is not None:
        active.used.update(remembered)
        active.hits += hits


# The function and what its tasks share, in a process of iter_tasks' pool.
_PROCESS_TASK: tuple = ()


def _start_task_process(function: Callable, shared: Any) -> None:
    global _PROCESS_TASK
    _leave_signals_to_the_caller()
    _PROCESS_TASK = (function, shared)


def _task_in_process(task: Any) -> tuple:
    function, shared = _PROCESS_TASK
    return _remembering(function, shared, task)


def _remembering(function: Callable, shared: Any, task: Any) -> tuple:
    """(function(shared, task), what it remembered that was new, its memo's hits): a process forked from
    the caller looks up the caller's memo as it was then; any other remembers into a memo of its own."""
    active = memo.active_memo()
    if active is None:
        with memo.remembering(memo.Memo()):
            return _remembering(function, shared, task)
    known_before, hits_before = set(active.used), active.hits
    value = function(shared, task)
    return value, {k: v for k, v in active.used.items() if k not in known_before}, active.hits - hits_before


def pages_beside(jobs: int, tables: Any = None) -> Callable | None:
    """How the report's pages are rendered (reports.report.write_reports): in a second process while the
    tables are written when the run may use more than one, else in the caller. A run that kept its
    tables on disk (support.stored) renders them in the caller too: the pages' process would load its
    own copy of what the pages read while the caller writes the tables, and raise the peak the store bounds."""
    return partial(Background, through_file=True) if jobs > 1 and not any_stored(tables) else None


class Background:
    """function(*args) computed beside the caller, in a forked copy of this process; `result()` returns it.

    Forking shares the arguments (large tables) with the child without pickling them; only the
    result comes back (see below). Statistics the child remembers (pipeline.support.memo) are added to
    the caller's memo, so the next run finds them. Where processes cannot be forked, or with
    `enabled=False`, the function runs in the caller when `result()` is first asked for; if the
    child dies without a result, too. Either way the result is the same. With `starts_processes`,
    the function may start processes of its own (iter_chunks); the child is then not a daemon.

    The result comes through a pipe, which the caller reads when it asks: the child waits until
    then, whole. With `through_file`, the child writes it to an unnamed temporary file instead and
    ends as soon as it is done, so its memory goes back to the system while the caller goes on;
    the caller reads the file when it asks, so the result does not arrive in the middle of the
    caller's own peak either, as it would through a thread reading the pipe as the result came.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        *args: Any,
        enabled: bool = True,
        starts_processes: bool = False,
        through_file: bool = False,
    ):
        self._function, self._args = function, args
        self._process = self._receiver = None
        if enabled and "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            if through_file:
                # Closed by result() or, unused, by _stop; the child writes through its copy of the descriptor.
                self._receiver = tempfile.TemporaryFile()  # noqa: SIM115
                writing = os.dup(self._receiver.fileno())
            else:
                # A plain pipe, read and written as files: the result is pickled and unpickled as it flows,
                # never held whole as bytes on either side (pipeline.support.pickling).
                reading, writing = os.pipe()
                self._receiver = os.fdopen(reading, "rb")
            self._through_file = through_file
            reading_end = None if through_file else self._receiver
            self._process = context.Process(
                target=_compute_and_send, args=(writing, reading_end, function, args), daemon=not starts_processes
            )
            self._process.start()
            os.close(writing)
            # If the caller fails before asking for the result, the child is stopped once this object goes.
            self._stop_unused = weakref.finalize(self, _stop, self._process, self._receiver)

    def result(self) -> Any:
        if self._process is None:
            return self._function(*self._args)
        self._stop_unused.detach()
        if self._through_file:
            self._process.join()  # written whole once the child has ended
            self._receiver.seek(0)
        try:
            outcome, value, remembered, hits = pickling.load(self._receiver)
        except (EOFError, pickle.UnpicklingError):  # the child died (out of memory, killed): compute here instead
            outcome, value, remembered, hits = "lost", None, {}, 0
        except BaseException:  # stopped (Ctrl-C, SIGTERM) while the child sends: it would wait for a reader forever
            end_processes([self._process], grace=CHILD_GRACE_SECONDS)
            raise
        finally:
            self._receiver.close()
            self._process.join()
            self._process = None
        _into_callers_memo(remembered, hits)
        if outcome == "error":
            raise value
        return value if outcome == "done" else self._function(*self._args)


def _stop(process, receiver) -> None:
    receiver.close()
    end_processes([process], grace=CHILD_GRACE_SECONDS)


def _compute_and_send(writing: int, reading_end: IO[bytes] | None, function: Callable[..., Any], args: tuple) -> None:
    # The child's copy of the pipe's reading end is closed: with the caller's closed too, a write fails
    # rather than waits. Stopped by SIGTERM, the child stops its own workers as the run does (iter_chunks).
    if reading_end is not None:
        reading_end.close()
    signal.signal(signal.SIGTERM, partial(stop_on_sigterm, os.getpid()))
    active = memo.active_memo()
    known_before, hits_before = (set(active.used), active.hits) if active is not None else (set(), 0)
    with os.fdopen(writing, "wb") as sender:
        try:
            value = function(*args)
            if active is None:
                message = ("done", value, {}, 0)
            else:
                remembered = {k: v for k, v in active.used.items() if k not in known_before}
                message = ("done", value, remembered, active.hits - hits_before)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the parent stops too and reads nothing
            os._exit(130)
        except BaseException as error:  # handed to the parent, which raises it
            error.add_note("".join(traceback.format_exception(error)))
            message = ("error", error, {}, 0)
        try:
            pickling.dump(message, sender)
        except (KeyboardInterrupt, BrokenPipeError):  # the parent stopped reading: it has stopped
            os._exit(130)
