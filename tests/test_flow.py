"""The dataflow and its driver: every reported table has one stage, and a cached result is recomputed
exactly when the code or the inputs it was computed from change."""

import dataclasses
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline import flow
from pipeline.cli import main
from pipeline.engine.driver import Flow, Settings, run, stage
from pipeline.schema import Tables
from pipeline.support import versions
from pipeline.support.stored import table_store

ROOT = Path(__file__).resolve().parent.parent
SEED_CORPUS = ROOT / "corpus"
LEXICONS = ROOT / "lexicons"

TOY_FLOW = """
from pipeline.engine.driver import stage


@stage(cached=True)
def words(text):
    return text.split()


@stage(cached=True)
def counts(words):
    return {{word: words.count(word) for word in words}}


@stage(cached=True)
def longest(words):
    return max(words, key=len)


@stage(cached=True)
def report(counts, longest):
    return f"{{len(counts)}} words, the longest {{longest}}"


@stage(cached=True)
def shout(longest):
    return longest.upper(){edit}
"""


def toy_module(folder: Path, edit: str = "", source: str = TOY_FLOW):
    """The toy flow as a module file, imported afresh: editing the file is editing the code."""
    (folder / "toy_flow.py").write_text(source.format(edit=edit))
    sys.path.insert(0, str(folder))
    try:
        sys.modules.pop("toy_flow", None)
        importlib.invalidate_caches()
        return importlib.import_module("toy_flow")
    finally:
        sys.path.remove(str(folder))


def run_toy(module, cache: Path, text: str = "a bb ccc bb"):
    toy = Flow.of_module(module)
    return run(toy, {"text": text}, {}, ["report", "shout"], Settings(cache_dir=cache)), toy


def test_editing_a_stage_recomputes_it_and_what_is_computed_from_it_and_nothing_else(tmp_path):
    cache = tmp_path / "cache"
    first, toy = run_toy(toy_module(tmp_path), cache)
    assert first.computed == ["words", "counts", "longest", "report", "shout"]
    again, _ = run_toy(toy_module(tmp_path), cache)
    assert again.computed == [] and again.tables == first.tables

    edited, _ = run_toy(toy_module(tmp_path, edit=' + "!"'), cache)  # shout's code changed
    assert edited.computed == ["shout"] and edited.tables["shout"] == "CCC!"

    edited_longest = TOY_FLOW.replace("max(words, key=len)", "max(words, key=lambda w: (len(w), w))")
    (tmp_path / "toy_flow.py").write_text(edited_longest.format(edit=' + "!"'))
    sys.modules.pop("toy_flow", None)
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module("toy_flow")
    finally:
        sys.path.remove(str(tmp_path))
    recomputed, toy = run_toy(module, cache)
    assert recomputed.computed == ["longest", "report", "shout"]
    assert set(recomputed.computed) == toy.downstream("longest")


def test_a_new_input_recomputes_every_stage_that_reads_it(tmp_path):
    cache = tmp_path / "cache"
    module = toy_module(tmp_path)
    run_toy(module, cache)
    other, _ = run_toy(module, cache, text="a bb ccc dddd")
    assert other.computed == ["words", "counts", "longest", "report", "shout"]
    assert other.tables["shout"] == "DDDD"


COMBINED_FLOW = """
from pipeline.engine.driver import stage


def total(parts):
    return sum(parts){edit}


@stage(cached=True, by_partition=("text",), combine=total)
def n_words(text):
    return len(text.split())
"""


def test_editing_the_function_that_combines_a_stages_parts_recomputes_it(tmp_path):
    def n_words(edit=""):
        toy = Flow.of_module(toy_module(tmp_path, edit, source=COMBINED_FLOW))
        result = run(toy, {"text": "a bb ccc bb"}, {}, ["n_words"], Settings(cache_dir=tmp_path / "cache"))
        return result.tables["n_words"], result.computed

    assert n_words() == (4, ["n_words"])  # a small run: the one part, of the whole text, combined
    assert n_words() == (4, [])
    assert n_words(" * 10") == (40, ["n_words"])


def test_a_constant_a_stage_reads_is_part_of_its_code(monkeypatch):
    from pipeline.framing import events

    # The events are made by the function that combines the partitions' term counts, part of the stage's key.
    grouping = flow.events.stage.combine
    before = {"events": versions.code_version(grouping), "labels": versions.code_version(flow.labels)}
    monkeypatch.setattr(events, "MAX_EXACT_EVENT_ARTICLES", 10)
    versions.forget_code_versions()  # as a new process does after the edit
    try:
        assert versions.code_version(grouping) != before["events"]
        assert versions.code_version(flow.labels) == before["labels"]  # the label table never reads it
    finally:
        monkeypatch.undo()
        versions.forget_code_versions()


def test_editing_the_event_stage_of_the_real_flow_recomputes_the_event_tables_only(tmp_path):
    cache = tmp_path / "cache"
    inputs, keys = flow.flow_inputs(SEED_CORPUS, LEXICONS)
    wanted = list(flow.REPORTED.values())
    first = run(flow.FLOW, inputs, keys, wanted, Settings(cache_dir=cache))
    cached = {one.name for one in flow.FLOW.stages if one.cached}
    assert cached <= set(first.computed)

    def events(article_list, sentences, event_threshold, event_window_days):
        tables = flow.events(article_list, sentences, event_threshold, event_window_days)
        return tables  # a line of code the first run did not have

    edited = Flow(
        dataclasses.replace(one, function=events) if one.name == "events" else one for one in flow.FLOW.stages
    )
    second = run(edited, inputs, keys, wanted, Settings(cache_dir=cache))
    assert set(second.computed) & cached == edited.downstream("events") & cached
    assert {"events", "alignments", "frames", "event_framing"} <= set(second.computed)
    assert {"clean_articles", "labels", "names", "distinctive_terms"}.isdisjoint(second.computed)
    assert second.tables["events"].equals(first.tables["events"])


def test_every_table_a_report_shows_is_made_by_one_stage_of_the_flow():
    made = {output: one.name for one in flow.FLOW.stages for output in one.outputs}
    shown = [name for name in Tables.__dataclass_fields__ if name != "cache_problems"]
    assert all(flow.REPORTED[name] in made for name in shown)


def test_a_stage_that_reads_a_table_made_later_is_refused():
    @stage()
    def late(early):
        return early

    @stage()
    def early(start):
        return start

    with pytest.raises(ValueError, match="late reads early, which a later stage makes"):
        Flow([late.stage, early.stage])


def test_a_cached_stage_cannot_read_a_folder_that_has_no_key(tmp_path):
    @stage(cached=True)
    def listing(folder):
        return sorted(p.name for p in folder.iterdir())

    with pytest.raises(TypeError, match="listing reads folder, which has no key"):
        run(
            Flow([listing.stage]),
            {"folder": tmp_path},
            {"folder": "unkeyed"},
            ["listing"],
            Settings(cache_dir=tmp_path),
        )


def test_the_graph_in_the_readme_is_the_flow_of_the_code():
    printed = CliRunner().invoke(main, ["graph"])
    assert printed.exit_code == 0, printed.output
    assert printed.output.strip() == flow.FLOW.graph()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"```\n{flow.FLOW.graph()}\n```" in readme, "run `mediabias graph` and paste it into README.md"


def test_a_run_in_another_process_takes_every_cached_stage_from_the_cache(tmp_path):
    script = (
        "import sys; from pipeline.flow import analyze; computed = []; "
        f"analyze({str(SEED_CORPUS)!r}, {str(LEXICONS)!r}, cache_dir={str(tmp_path / 'cache')!r}, "
        "stages_computed=computed); print(' '.join(computed))"
    )
    runs = []
    for seed in ("1", "2"):  # another hash seed: the keys must not depend on it
        done = subprocess.run(
            [sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        runs.append(set(done.stdout.split()))
    cached = {one.name for one in flow.FLOW.stages if one.cached}
    assert cached <= runs[0]
    assert runs[1].isdisjoint(cached | {"scored_articles"})


def test_with_two_processes_a_second_run_takes_the_stages_beside_the_events_from_the_cache(tmp_path):
    computed = [], []
    for done in computed:
        flow.analyze(SEED_CORPUS, LEXICONS, jobs=2, cache_dir=tmp_path / "cache", stages_computed=done)
    beside = {one.name for one in flow.FLOW.stages if one.beside}
    assert beside <= set(computed[0])
    assert beside.isdisjoint(computed[1])


def test_the_code_of_the_stages_is_the_same_after_a_run():
    """A module's state that changes as it runs (a cache it fills) must not be taken for its code."""
    versions.forget_code_versions()
    before = {one.name: versions.code_version(one.function) for one in flow.FLOW.stages}
    flow.analyze(SEED_CORPUS, LEXICONS)
    versions.forget_code_versions()
    assert {one.name: versions.code_version(one.function) for one in flow.FLOW.stages} == before


def test_a_function_behind_functools_cache_is_part_of_the_code_that_calls_it():
    from pipeline.measuring import score
    from pipeline.text import sentiment

    parts = versions._code_parts(score.sentence_scores)
    assert any(part.startswith("function pipeline.text.sentiment._lexicon") for part in parts)
    assert sentiment._lexicon.__wrapped__  # the case this covers


def test_a_stage_that_fails_leaves_the_sentence_cache_closed(tmp_path, monkeypatch):
    from pipeline.engine.cache import SentenceCache

    caches = []
    original = SentenceCache.__init__

    def remember_cache(self, folder):
        original(self, folder)
        caches.append(self)

    monkeypatch.setattr(SentenceCache, "__init__", remember_cache)

    def broken(article_list, sentences, hits, categories):
        raise RuntimeError("a bug in a stage")

    failing = Flow(
        dataclasses.replace(one, function=broken) if one.name == "articles" else one for one in flow.FLOW.stages
    )
    inputs, keys = flow.flow_inputs(SEED_CORPUS, LEXICONS)
    with pytest.raises(RuntimeError, match="a bug in a stage"):
        run(failing, inputs, keys, list(flow.REPORTED.values()), Settings(cache_dir=tmp_path / "cache"))
    assert caches and all(cache.connection is None for cache in caches)


FOLDING_FLOW = """
from pipeline.engine.driver import stage

LOG = []


def added_up(parts):
    total = 0
    for part in parts:
        LOG.append("added")
        total += part
    return total


@stage(by_partition=("table",), combine=added_up)
def n_rows(table):
    LOG.append("made")
    return len(table){edit}
"""


def test_a_stage_that_adds_up_its_partitions_parts_holds_one_at_a_time(tmp_path):
    # Each part is made when the combine reaches it, so a combine that adds parts up as they come
    # (word counts per outlet, term counts per article) never holds every partition's at once.
    module = toy_module(tmp_path, source=FOLDING_FLOW)
    table = pd.DataFrame({"article_id": ["a1", "a2", "b1", "b2", "c1"], "x": range(5)})
    with table_store(tmp_path / "store", least_bytes=0) as store:
        parted = store.put_split("table", table, (("a1", "a2"), ("b1", "b2"), ("c1", "c1")))
        result = run(Flow.of_module(module), {"table": parted}, {}, ["n_rows"], Settings())
    assert result.tables["n_rows"] == 5
    assert module.LOG == ["made", "added"] * 3


SPREAD_FLOW = """
import os

import pandas as pd

from pipeline.engine.driver import stage


@stage(by_partition=("table",))
def made_by(table):
    return pd.DataFrame({{"article_id": table["article_id"], "x": table["x"] * 2, "process": os.getpid()}})


def every_process(parts):
    return sorted(set().union(*parts))


@stage(by_partition=("made_by",), combine=every_process)
def processes(made_by):
    return {{os.getpid(), *made_by["process"]}}{edit}
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_with_two_processes_each_partition_of_a_stage_is_computed_in_a_process_of_the_run(tmp_path, jobs):
    # The stages that read an article's rows alone, and the parts of those that combine them, use
    # every core of a large run, not only the process that runs it.
    module = toy_module(tmp_path, source=SPREAD_FLOW)
    table = pd.DataFrame({"article_id": ["a1", "a2", "b1", "b2", "c1"], "x": range(5)})
    with table_store(tmp_path / "store", least_bytes=0) as store:
        parted = store.put_split("table", table, (("a1", "a2"), ("b1", "b2"), ("c1", "c1")))
        settings = Settings(jobs=jobs, store=store)
        result = run(Flow.of_module(module), {"table": parted}, {}, ["made_by", "processes"], settings)
        made = result.tables["made_by"].load()
    assert made["article_id"].tolist() == ["a1", "a2", "b1", "b2", "c1"]
    assert made["x"].tolist() == [0, 2, 4, 6, 8]
    if jobs == 1:
        assert result.tables["processes"] == [os.getpid()]
    else:
        assert os.getpid() not in result.tables["processes"]


WORKER_FLOW = """
import pandas as pd

from pipeline.engine.driver import stage


def on_a_worker():
    from dask.distributed import get_worker

    try:
        return get_worker().address
    except ValueError:  # not in a worker's task
        return ""


@stage(by_partition=("table",))
def made_by(table):
    return pd.DataFrame({{"article_id": table["article_id"], "x": table["x"] * 2, "worker": on_a_worker()}})


def every_worker(parts):
    return sorted(set().union(*parts))


@stage(by_partition=("made_by",), combine=every_worker)
def workers(made_by):
    return {{on_a_worker(), *made_by["worker"]}}{edit}
"""


def test_on_a_dask_cluster_each_partition_of_a_stage_is_computed_by_a_worker(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    module = toy_module(tmp_path, source=WORKER_FLOW)
    table = pd.DataFrame({"article_id": ["a1", "a2", "b1", "b2", "c1"], "x": range(5)})
    # Workers in this process, so that they can import the toy flow's module from the test's folder.
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        with table_store(tmp_path / "store", least_bytes=0) as store:
            parted = store.put_split("table", table, (("a1", "a2"), ("b1", "b2"), ("c1", "c1")))
            settings = Settings(engine="dask", scheduler=cluster.scheduler_address, store=store)
            result = run(Flow.of_module(module), {"table": parted}, {}, ["made_by", "workers"], settings)
            made = result.tables["made_by"].load()
        addresses = set(cluster.scheduler_info["workers"])
    assert made["x"].tolist() == [0, 2, 4, 6, 8]
    assert result.tables["workers"] and set(result.tables["workers"]) <= addresses
