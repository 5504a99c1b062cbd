"""The driver: runs the stages of a flow (pipeline.flow) in data order and owns all the plumbing.

A stage is a function named for the table it returns, whose parameters name the tables it reads; the
driver finds each parameter among the flow's inputs and the tables earlier stages returned. Around the
stages it does what none of them should know about:

- caching: a `cached` stage's tables are stored in the stage cache under a key made of its code
  (support.versions.code_version: the function and everything of this package it calls) and the keys
  of its inputs, so that editing a stage's code recomputes it and what is computed from it, and
  nothing else; no version number is kept by hand. An input a stage reads only some columns of
  (`reads`) is keyed by those columns' content, and the stage is given only them, so that a table
  that gains a lexicon-dependent column does not make a lexicon-free stage compute again.
- processes: a stage `in_child` runs in a forked child (its temporaries never fragment this
  process's heap); `beside` stages run together in a second process while the stages after them go
  on; the per-article stage runs in chunks over local processes or a Dask cluster (engine.articles),
  and so, on a run in partitions, does each partition's work of a `by_partition` stage (its tables,
  or a `combine` stage's part); a Dask run's stages share one client.
- memory: a table is let go as soon as the last stage that reads it is done, and the freed memory is
  given back to the system. With a table store (`Settings.store`, support.stored), a large table is
  kept on disk from when it is made, and each stage that reads it loads only the columns it reads,
  so that the run holds what the stage at hand needs rather than every table made so far; on a large
  run the per-article tables are kept in partitions of articles, and a `by_partition` stage is run
  one partition at a time (a `combine` stage's parts of the partitions then combined).
- timings and progress.
"""

from __future__ import annotations

import inspect
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from types import ModuleType
from typing import Any

import pandas as pd

from pipeline.engine.cache import SentenceCache, StageCache, cache_key
from pipeline.engine.parallel import CHUNK_ARTICLES, PARTITION_ARTICLES, Background, dask_cluster, iter_tasks, map_items
from pipeline.support.memo import Memo, remembering
from pipeline.support.memory import return_freed_memory
from pipeline.support.stored import PartitionedTable, TableStore, any_stored, loaded, partitions_of_table
from pipeline.support.versions import code_version, content_key

# Parameters the driver gives a stage that asks for them; they are never part of a key.
# spread(function, items): [function(item) for item in items] on the run's processes;
# known_sentence_scores: the per-article stage's cached sentence scores (engine.articles).
PROVIDED = frozenset({"spread", "known_sentence_scores"})
# The key of an input that must not be part of any key (a folder read only by stages keyed by what
# they read from it, `by_content`).
UNKEYED = "unkeyed"


@dataclass(frozen=True)
class Stage:
    """A stage of a flow; see `stage` for the options."""

    function: Callable
    outputs: tuple[str, ...]
    inputs: tuple[str, ...]
    cached: bool = False
    by_content: bool = False
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    in_child: bool = False
    beside: bool = False
    per_article: bool = False
    depends: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    by_partition: tuple[str, ...] = ()
    combine: Callable | None = None

    @property
    def name(self) -> str:
        return self.function.__name__


def stage(
    outputs: tuple[str, ...] | None = None,
    *,
    cached: bool = False,
    by_content: bool = False,
    reads: Mapping[str, Iterable[str]] | None = None,
    in_child: bool = False,
    beside: bool = False,
    per_article: bool = False,
    depends: Mapping[str, tuple[str, ...]] | None = None,
    by_partition: Iterable[str] = (),
    combine: Callable | None = None,
) -> Callable[[Callable], Callable]:
    """Mark a function as a stage of a flow.

    outputs: the names of the tables it returns (a tuple of them, in this order); default its own name.
    cached: store its tables in the stage cache (for costly stages whose inputs seldom change).
    by_content: key its tables by their content, not by how they were made (small tables read from
      files, such as the lexicons: an edit of one file changes the key of what was read from it only).
    reads: {input: columns}: the columns of an input table the stage reads; it is given only those.
    in_child: run it in a forked child process. beside: run it in a second process beside what follows.
    per_article: run it over chunks of its first input's rows (engine.articles).
    depends: {output: inputs} for an output that depends on fewer inputs than the stage reads.
    by_partition: the inputs of which the stage reads an article's rows alone, to compute that article's
      rows of its tables: when they are kept in partitions of articles (a large run), it is run once per
      partition, with those inputs' rows of its articles and the others whole, and its tables are kept
      in the same partitions (its tables must be in article id order, as its inputs are).
    combine: with by_partition, for a stage whose tables group rows of many partitions (by outlet, by
      event): its function then returns what it needs of a partition, and its tables are
      `combine(parts, **those of its other inputs combine names)` of an iterator over those, one per
      partition in article id order, each made when the combine reaches it (or one, of the whole
      tables, in a run that keeps them whole).
    """

    def mark(function: Callable) -> Callable:
        parameters = tuple(inspect.signature(function).parameters)
        function.stage = Stage(
            function,
            outputs or (function.__name__,),
            parameters,
            cached=cached,
            by_content=by_content,
            reads={name: tuple(columns) for name, columns in (reads or {}).items()},
            in_child=in_child,
            beside=beside,
            per_article=per_article,
            depends=dict(depends or {}),
            by_partition=tuple(by_partition),
            combine=combine,
        )
        return function

    return mark


class Flow:
    """The stages of a module, in the order they are written: the data order."""

    def __init__(self, stages: Iterable[Stage]):
        self.stages = list(stages)
        self.producer: dict[str, Stage] = {}
        for one in self.stages:
            for name in one.inputs:
                if name not in PROVIDED and name not in self.producer and name in self._outputs_after(one):
                    raise ValueError(f"stage {one.name} reads {name}, which a later stage makes")
            for output in one.outputs:
                if output in self.producer:
                    raise ValueError(f"{output} is made by both {self.producer[output].name} and {one.name}")
                self.producer[output] = one

    @classmethod
    def of_module(cls, module: ModuleType) -> Flow:
        found = [value.stage for value in vars(module).values() if isinstance(getattr(value, "stage", None), Stage)]
        return cls(sorted(found, key=lambda s: s.function.__code__.co_firstlineno))

    def _outputs_after(self, one: Stage) -> set[str]:
        later = self.stages[self.stages.index(one) + 1 :]
        return {output for s in later for output in s.outputs}

    @property
    def inputs(self) -> list[str]:
        """What the flow reads that no stage makes: the arguments of a run."""
        seen: dict[str, None] = {}
        for one in self.stages:
            for name in one.inputs:
                if name not in self.producer and name not in PROVIDED:
                    seen.setdefault(name)
        return list(seen)

    def downstream(self, stage_name: str) -> set[str]:
        """The stage and every stage computed from its tables, by name."""
        reached = {stage_name}
        for one in self.stages:
            if any(name in self.producer and self.producer[name].name in reached for name in one.inputs):
                reached.add(one.name)
        return reached

    def graph(self) -> str:
        """The flow as text, one stage a line in data order: `inputs -> stage -> outputs`."""
        lines = []
        for one in self.stages:
            reads = ", ".join(name for name in one.inputs if name not in PROVIDED)
            made = ", ".join(one.outputs)
            options = [o for o in ("cached", "by_content", "in_child", "beside", "per_article") if getattr(one, o)]
            options += ["by_partition"] if one.by_partition else []
            options += ["combined"] if one.combine is not None else []
            suffix = f"  [{', '.join(options)}]" if options else ""
            arrow = made if made == one.name else f"{one.name} -> {made}"
            lines.append(f"{reads or '-'} -> {arrow}{suffix}")
        return "\n".join(lines)


@dataclass
class Settings:
    """How to run, never what is computed: the tables are the same for any settings."""

    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    chunk_articles: int = CHUNK_ARTICLES
    cache_dir: Any = None
    timings: dict | None = None
    on_start: Callable[[int], None] | None = None
    on_scored: Callable[[int], None] | None = None
    store: TableStore | None = None
    partition_articles: int = PARTITION_ARTICLES


@dataclass
class Run:
    """What a run computed and what it noticed about its caches; `computed` names the stages that ran
    (the others came from the cache)."""

    tables: dict[str, Any]
    computed: list[str]
    cache_problems: list


def run(
    flow: Flow, inputs: Mapping[str, Any], keys: Mapping[str, str], wanted: Iterable[str], settings: Settings
) -> Run:
    """Compute the `wanted` tables of the flow from its `inputs` (keyed by `keys`, else by their content)."""
    return _Driver(flow, inputs, keys, list(wanted), settings).run()


class _Driver:
    def __init__(self, flow, inputs, keys, wanted, settings):
        missing = [name for name in flow.inputs if name not in inputs]
        if missing:
            raise TypeError(f"the flow needs {', '.join(missing)}")
        self.flow, self.settings, self.wanted = flow, settings, set(wanted)
        self.values = dict(inputs)
        self.keys = {name: keys[name] if name in keys else content_key(value) for name, value in inputs.items()}
        self.uses = Counter(name for one in flow.stages for name in one.inputs)
        self.column_keys: dict[tuple[str, str], str] = {}
        self.cache = StageCache(settings.cache_dir, settings.store)
        self.sentence_cache = SentenceCache(settings.cache_dir)
        self.computed: list[str] = []
        self.lane: _Lane | None = None
        self.preloaded: dict[str, tuple] = {}  # lane stages' tables the cache gave before they were due
        self.clock = time.perf_counter()

    def run(self) -> Run:
        cluster = dask_cluster(self.settings.scheduler) if self.settings.engine == "dask" else nullcontext()
        try:
            with cluster, self._memo():
                for one in self.flow.stages:
                    if self.lane is not None and one in self.lane.stages:
                        continue
                    if one.beside and self._fork_allowed():
                        self._start_lane(one)
                        if one in self.lane.stages:
                            continue
                    self._wait_for(one.inputs)
                    self._run_stage(one)
                self._wait_for(self.wanted)
        finally:  # a stage that fails (or Ctrl-C) leaves no open database behind
            self.sentence_cache.close()
        tables = {name: self.values[name] for name in self.wanted}
        return Run(tables, self.computed, self.cache.problems + self.sentence_cache.problems)

    @contextmanager
    def _memo(self) -> Iterator[None]:
        """Statistics remembered by the last run (support.memo) are taken from the stage cache, and the
        ones this run used are stored for the next; their keys hold their code, so the file needs none."""
        memo = Memo(self.cache.load("memo", "memo"))
        with remembering(memo):
            yield
        self.cache.save("memo", "memo", memo.used)

    # Keys

    def stage_key(self, one: Stage, inputs: Iterable[str] | None = None) -> str:
        """The stage's code and the keys of its inputs (or of the given ones)."""
        parts = [one.name, code_version(one.function)]
        if one.combine is not None:
            parts.append(code_version(one.combine))
        for name in one.inputs if inputs is None else inputs:
            if name in PROVIDED:
                continue
            key = self._input_key(one, name)
            if key == UNKEYED and not one.by_content:
                if one.cached or one.per_article:
                    raise TypeError(f"stage {one.name} reads {name}, which has no key: it cannot be cached")
                return UNKEYED  # and so are its tables: no cached stage may read them
            parts.append((name, key))
        return cache_key(*parts)

    def _input_key(self, one: Stage, name: str) -> str:
        if name not in one.reads:
            return self.keys[name]
        return cache_key(*(self._column_key(name, column) for column in one.reads[name]))

    def _column_key(self, name: str, column: str) -> str:
        if (name, column) not in self.column_keys:
            self.column_keys[(name, column)] = content_key(loaded(self.values[name], [column])[column])
        return self.column_keys[(name, column)]

    def _output_keys(self, one: Stage, key: str, outputs: tuple) -> dict[str, str]:
        if one.by_content:
            return {name: content_key(value) for name, value in zip(one.outputs, outputs, strict=True)}
        return {
            name: self.stage_key(one, one.depends[name])
            if name in one.depends
            else key
            if key == UNKEYED
            else cache_key(key, name)
            for name in one.outputs
        }

    # Running

    def arguments(self, one: Stage, leaving_out: Iterable[str] = ()) -> dict[str, Any]:
        given = {}
        for name in (name for name in one.inputs if name not in leaving_out):
            if name == "spread":
                given[name] = partial(
                    map_items,
                    jobs=self.settings.jobs,
                    engine=self.settings.engine,
                    scheduler=self.settings.scheduler,
                    chunk_size=self.settings.chunk_articles,
                )
            else:
                given[name] = loaded(self.values[name], one.reads.get(name))
        return given

    def _run_stage(self, one: Stage) -> None:
        if one.per_article:
            from pipeline.engine.articles import run_per_article

            outputs, output_keys, n_scored = run_per_article(self, one)
            if n_scored:
                self.computed.append(one.name)
        else:
            key = self.stage_key(one)
            outputs = self.preloaded.pop(one.name, None)
            if outputs is None and one.cached:
                outputs = self.cache.load(one.name, key)
            if outputs is None:
                outputs = self._compute(one)
                self.computed.append(one.name)
                if one.cached:
                    self.cache.save(one.name, key, outputs)
            output_keys = self._output_keys(one, key, outputs)
        self._store(one, outputs, output_keys)

    def _compute(self, one: Stage) -> tuple:
        bounds = self._partitions_of(one)
        if one.combine is not None:
            return self._combined(one, bounds)
        if bounds is not None:
            return self._by_partition(one, bounds)
        function = partial(one.function, **self.arguments(one))
        local = self.settings.engine == "local"
        if not one.in_child:
            return as_outputs(one, function())
        return as_outputs(one, Background(function, enabled=local, starts_processes=True).result())

    def _partitions_of(self, one: Stage) -> tuple | None:
        """The partitions of articles a `by_partition` stage's inputs are kept in, if those kept in
        partitions all are in the same (the others, whole, are cut into the same partitions)."""
        kept = [self.values[name] for name in one.by_partition if isinstance(self.values[name], PartitionedTable)]
        if not kept or len({value.bounds for value in kept}) > 1:
            return None
        return kept[0].bounds

    def _by_partition(self, one: Stage, bounds: tuple) -> tuple:
        """The stage's tables computed a partition of articles at a time, each partition's put in the store
        as soon as it is made: the run holds one partition of what the stage reads and makes."""
        whole = self.arguments(one, leaving_out=one.by_partition)
        made: list[list] = [[] for _ in one.outputs]
        for stored in self._on_partitions(one, whole, bounds, put=True):
            for parts, table in zip(made, stored, strict=True):
                parts.append(table)
        return tuple(PartitionedTable(tuple(parts), parts[0].column_index, bounds) for parts in made)

    def _combined(self, one: Stage, bounds: tuple | None) -> tuple:
        """A combining stage's tables: its function's part of each partition in turn (of the whole
        tables when they are kept whole), combined."""
        whole = self.arguments(one, leaving_out=one.by_partition)
        if bounds is None:
            parts = iter([one.function(**whole, **self.arguments(one, leaving_out=whole))])
        else:
            parts = self._on_partitions(one, whole, bounds, put=False)
        named = inspect.signature(one.combine).parameters
        return as_outputs(one, one.combine(parts, **{name: value for name, value in whole.items() if name in named}))

    def _on_partitions(self, one: Stage, whole: dict[str, Any], bounds: tuple, put: bool) -> Iterator[Any]:
        """Per partition of articles in turn, the stage function's result on its rows (with `put`, its
        tables, put in the store), each made when the caller asks for it: a combine that adds each part
        to what it has holds one at a time. With more than one process, or a cluster, the partitions
        are computed there a few at a time: a local process, or a worker of the local cluster the run
        started, loads its partition from the store and puts its tables there; a cluster at
        `--scheduler`, whose workers may not see this disk, is sent the partition's rows and sends
        its tables back."""
        settings, store = self.settings, self.settings.store
        ships = settings.engine == "dask" and settings.scheduler is not None
        work = PartitionWork(one, whole, put, None if ships else store)
        given = self._partitions_given(one, bounds)
        if ships:
            given = ({name: loaded_part(value) for name, value in part.items()} for part in given)
        jobs = settings.jobs if settings.engine == "local" else 1
        for result in iter_tasks(on_partition, work, given, jobs, settings.engine, settings.scheduler):
            yield stored_partition(one, result, store) if put and ships else result

    def _partitions_given(self, one: Stage, bounds: tuple) -> Iterator[dict[str, Any]]:
        """Per partition of articles in turn, the rows of the stage's `by_partition` inputs of its articles:
        of an input's partitions (a PartOf, loaded where the partition's work is done), or cut from it
        when it is held whole (in article id order)."""
        cut = {
            name: partitions_of_table(loaded(value, one.reads.get(name)), bounds)
            for name in one.by_partition
            if not isinstance(value := self.values[name], PartitionedTable)
        }
        for k in range(len(bounds)):
            yield {
                name: next(cut[name]) if name in cut else PartOf(self.values[name], k, one.reads.get(name))
                for name in one.by_partition
            }

    def _store(self, one: Stage, outputs: tuple, output_keys: dict[str, str]) -> None:
        self.values.update(zip(one.outputs, self._kept(one, outputs), strict=True))
        self.keys.update(output_keys)
        self._lap(one.name)
        self._release(one.inputs)

    def _release(self, names: Iterable[str]) -> None:
        """Let go of the tables no later stage reads (and the run does not return)."""
        released = False
        for name in names:
            self.uses[name] -= 1
            if self.uses[name] == 0 and name not in self.wanted and name in self.values:
                if self.settings.store is not None:
                    self.settings.store.discard(self.values[name])
                del self.values[name]
                released = True
        if released:
            return_freed_memory()

    def _kept(self, one: Stage, outputs: tuple) -> tuple:
        """The stage's outputs as the run keeps them: the large tables in the store, if there is one."""
        store = self.settings.store
        if store is None or one.per_article:  # the per-article stage's are kept as they are made (engine.articles)
            return outputs
        bounds = None if one.combine is not None else self._partitions_of(one)
        kept = []
        for name, value in zip(one.outputs, outputs, strict=True):
            if isinstance(value, PartitionedTable) and value.bounds == bounds:
                kept.append(value)
                continue
            if isinstance(value, PartitionedTable):  # the cache's, of a run in other partitions or none
                value, old = value.load(), value
                store.discard(old)
            if bounds is not None:  # a by-partition stage's table the cache gave whole: in its inputs' partitions
                kept.append(store.put_split(name, value, bounds))
            else:
                kept.append(store.put(name, value) if store.keeps(value) else value)
        return tuple(kept)

    def _lap(self, name: str) -> None:
        now = time.perf_counter()
        if self.settings.timings is not None:
            self.settings.timings[name] = round(now - self.clock, 3)
        self.clock = now

    # Beside

    def _fork_allowed(self) -> bool:
        """Whether beside stages may run in a second process. Not when tables are kept on disk (a large
        run): the second process would load its own copy of what it reads while this one goes on, and
        raise the peak the store bounds; the stages then run in their places."""
        local = self.settings.engine == "local"
        return self.lane is None and self.settings.jobs > 1 and local and not any_stored(self.values)

    def _start_lane(self, first: Stage) -> None:
        """The beside stages from `first` on whose inputs are known now or made within the lane, and
        of those the ones not in the cache computed in a second process (when one of them is costly
        enough to be cached: beside the little a re-run does, a fork costs more than it saves)."""
        lane = _Lane([])
        made: set[str] = set()
        for one in self.flow.stages[self.flow.stages.index(first) :]:
            if one.beside and all(n in self.values or n in made or n in PROVIDED for n in one.inputs):
                lane.stages.append(one)
                made.update(one.outputs)
        self.lane = lane
        known, provisional = {}, dict(self.keys)
        for one in lane.stages:
            key = self._lane_key(one, provisional)
            if key is not None and one.cached:
                loaded = self.cache.load(one.name, key)
                if loaded is not None:
                    known[one.name] = loaded
            if key is not None:  # the keys of what it makes, for the lane stages that read it
                provisional.update({name: cache_key(key, name) for name in one.outputs})
        due = [one for one in lane.stages if one.name not in known]
        if not any(one.cached for one in due):
            self.preloaded.update(known)  # nothing costly to compute: the stages run in their places
            self.lane = _Lane([])
            return
        lane.known = known
        return_freed_memory()  # this process's freed temporaries, given back before a second one shares its heap
        lane.background = Background(self._lane_tables, lane.stages, known, through_file=True)

    def _lane_key(self, one: Stage, provisional: dict[str, str]) -> str | None:
        """A lane stage's key before the lane has run, from the keys its lane inputs will have; None when
        it reads columns of a table the lane has yet to make (their content is its key)."""
        unknown = [n for n in one.inputs if n not in provisional and n not in PROVIDED]
        if one.by_content or unknown or any(n in one.reads and n not in self.values for n in one.inputs):
            return None
        saved, self.keys = self.keys, provisional
        try:
            return self.stage_key(one)
        finally:
            self.keys = saved

    def _lane_tables(self, stages: list[Stage], known: dict[str, tuple]) -> dict[str, tuple]:
        """In the second process: each lane stage's tables, computed in order (or as known)."""
        results = {}
        for one in stages:
            outputs = known.get(one.name) or self._kept(one, self._compute(one))
            results[one.name] = outputs
            self.values.update(zip(one.outputs, outputs, strict=True))
            return_freed_memory()
        return {name: outputs for name, outputs in results.items() if name not in known}

    def _wait_for(self, names: Iterable[str]) -> None:
        lane = self.lane
        if lane is None or lane.background is None or not any(n in lane.outputs for n in names):
            return
        computed = lane.background.result()
        lane.background = None
        for one in lane.stages:
            if one.name in computed:
                outputs = computed[one.name]
                self.computed.append(one.name)
                key = self.stage_key(one)
                if one.cached:
                    self.cache.save(one.name, key, tuple(loaded(output) for output in outputs))
            else:
                outputs, key = lane.known[one.name], self.stage_key(one)
            self._store(one, outputs, self._output_keys(one, key, outputs))
        lane.known = {}  # what the cache gave is now in `values`, and goes when its last reader is done


@dataclass(frozen=True)
class PartOf:
    """The k-th partition of a table kept in partitions, the columns a stage reads of it (all: None)."""

    table: PartitionedTable
    k: int
    columns: tuple | None

    def load(self) -> pd.DataFrame:
        return self.table.part(self.k, self.columns)


def loaded_part(value: Any) -> Any:
    return value.load() if isinstance(value, PartOf) else value


@dataclass(frozen=True)
class PartitionWork:
    """What every partition of a stage shares: the stage, its inputs held whole, whether its tables are
    put in a store (`put`), and the store the process that computes a partition puts them in (None: the
    tables go back to the driver, which puts them)."""

    stage: Stage
    whole: dict[str, Any]
    put: bool
    store: TableStore | None


def on_partition(work: PartitionWork, given: dict[str, Any]) -> Any:
    """The stage function's result on one partition's rows of its `by_partition` inputs (`given`), in
    whichever process computes it (engine.parallel.iter_tasks)."""
    one = work.stage
    result = one.function(**work.whole, **{name: loaded_part(value) for name, value in given.items()})
    del given
    if work.put:
        result = as_outputs(one, result)
        if work.store is not None:
            result = stored_partition(one, result, work.store)
    return_freed_memory()
    return result


def stored_partition(one: Stage, outputs: tuple, store: TableStore) -> tuple:
    """A by-partition stage's tables of one partition, each put in the store."""
    stored = []
    for name, table in zip(one.outputs, outputs, strict=True):
        if not isinstance(table, pd.DataFrame):
            raise TypeError(f"stage {one.name} runs by partition, so {name} must be a table")
        stored.append(store.put(name, table))
    return tuple(stored)


@dataclass
class _Lane:
    stages: list[Stage]
    known: dict[str, tuple] = field(default_factory=dict)
    background: Background | None = None

    @property
    def outputs(self) -> set[str]:
        return {name for one in self.stages for name in one.outputs}


def as_outputs(one: Stage, result: Any) -> tuple:
    """A stage's result as the tuple of its outputs."""
    if len(one.outputs) == 1:
        return (result,)
    if not isinstance(result, tuple) or len(result) != len(one.outputs):
        raise TypeError(f"stage {one.name} must return {len(one.outputs)} tables: {', '.join(one.outputs)}")
    return result
