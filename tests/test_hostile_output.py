"""The output folder is the tool's alone: refused when it is someone else's, never half written, people's files kept."""

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import LEXICONS, PROJECT, SEED_CORPUS

from pipeline.cli import main
from pipeline.reports import publish

GOOD = "Iraq's parliament voted on Sunday to expel US troops from the country, officials said."
OTHER = "The United States said its forces would stay in Iraq to fight the Islamic State, officials said."


@pytest.fixture
def corpus(make_corpus):
    return make_corpus({"good.txt": GOOD, "other.txt": OTHER})


def run(corpus, out, *extra):
    arguments = ["run", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(out), "--no-cache", *extra]
    return CliRunner().invoke(main, arguments)


def files_of(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_the_corpus_folder_as_out_is_refused_and_left_whole(corpus):
    before = files_of(corpus)
    result = run(corpus, corpus)
    assert result.exit_code == 2
    assert f"{corpus} holds the corpus folder {corpus}; writing there would replace it" in result.output
    assert files_of(corpus) == before


def test_a_folder_holding_the_corpus_and_a_thesis_is_refused_and_nothing_is_touched(make_corpus, tmp_path):
    corpus = make_corpus({"good.txt": GOOD})
    (tmp_path / "thesis.docx").write_bytes(b"three years of work")
    before = files_of(tmp_path)
    result = run(corpus, tmp_path)
    assert result.exit_code == 2
    assert "holds the corpus folder" in result.output
    assert files_of(tmp_path) == before


def test_a_folder_of_someone_elses_files_is_refused(corpus, tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "notes.txt").write_text("mine")
    result = run(corpus, work)
    assert result.exit_code == 2
    assert (
        f"{work} already holds files that mediabias did not write (it has no .mediabias-report.json); "
        "nothing was changed; choose another --out, e.g. a new folder 'reports', or empty that folder first"
    ) in result.output
    assert files_of(work) == {"notes.txt": b"mine"}


def test_an_existing_file_as_out_is_refused_and_kept(corpus, tmp_path):
    target = tmp_path / "results.csv"
    target.write_text("a,b\n1,2\n")
    result = run(corpus, target)
    assert result.exit_code == 2
    assert f"{target} is a file, not a folder" in result.output
    assert target.read_text() == "a,b\n1,2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "results.csv"]


def test_an_out_under_a_file_is_refused(corpus, tmp_path):
    (tmp_path / "results.csv").write_text("x")
    result = run(corpus, tmp_path / "results.csv" / "reports")
    assert result.exit_code == 2
    assert f"{tmp_path / 'results.csv'} is a file, not a folder" in result.output


def test_an_out_inside_the_corpus_is_refused(corpus):
    result = run(corpus, corpus / "reports")
    assert result.exit_code == 2
    assert f"is inside the corpus folder {corpus}" in result.output
    assert not (corpus / "reports").exists()


def test_an_out_inside_the_lexicon_folder_is_refused(corpus, tmp_path):
    result = run(corpus, LEXICONS / "reports")
    assert result.exit_code == 2
    assert f"is inside the lexicon folder {LEXICONS}" in result.output
    assert not (LEXICONS / "reports").exists()


@pytest.mark.parametrize("out", [".", ".."])
def test_the_folder_you_are_in_or_above_it_is_refused(corpus, tmp_path, monkeypatch, out):
    here = tmp_path / "empty" / "here"
    here.mkdir(parents=True)
    monkeypatch.chdir(here)
    result = run(corpus, out)
    assert result.exit_code == 2
    assert "is the folder you are in (or holds it)" in result.output
    assert list(here.iterdir()) == []


def test_a_re_run_replaces_its_own_reports_and_keeps_a_persons_files(corpus, tmp_path):
    out = tmp_path / "reports"
    assert run(corpus, out).exit_code == 0
    (out / "my-notes.md").write_text("Sputnik: check the hedges")
    (out / "tables" / "my-extra.csv").write_text("x\n1\n")
    (out / "drafts").mkdir()
    (out / "drafts" / "story.txt").write_text("draft")
    result = run(corpus, out)
    assert result.exit_code == 0, result.output
    assert (out / "my-notes.md").read_text() == "Sputnik: check the hedges"
    assert (out / "tables" / "my-extra.csv").read_text() == "x\n1\n"
    assert (out / "drafts" / "story.txt").read_text() == "draft"
    assert (out / "tables" / "articles.csv").exists()


def test_the_marker_lists_every_file_the_run_wrote(corpus, tmp_path):
    out = tmp_path / "reports"
    run(corpus, out)
    marker = json.loads((out / ".mediabias-report.json").read_text())
    assert marker["written_by"] == "mediabias"
    assert sorted(marker["files"]) == sorted(name for name in files_of(out) if name != ".mediabias-report.json")


def test_reports_of_an_earlier_version_without_a_marker_are_replaced(corpus, tmp_path):
    out = tmp_path / "reports"
    run(corpus, out)
    (out / ".mediabias-report.json").unlink()
    (out / "tables" / "old-table.csv").write_text("left over\n")  # not a file this version writes, but ours
    result = run(corpus, out)
    assert result.exit_code == 0, result.output
    assert not (out / "tables" / "old-table.csv").exists()
    assert (out / ".mediabias-report.json").exists()


def test_a_checkout_placeholder_counts_as_empty_and_is_kept(corpus, tmp_path):
    out = tmp_path / "reports"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    assert run(corpus, out).exit_code == 0
    assert (out / ".gitkeep").exists()
    assert (out / "index.html").exists()


def test_the_out_folders_permissions_are_kept(corpus, tmp_path):
    out = tmp_path / "reports"
    run(corpus, out)
    os.chmod(out, 0o750)
    run(corpus, out)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o750


def test_a_new_out_folder_gets_the_usual_permissions(corpus, tmp_path):
    out = tmp_path / "reports"
    old_mask = os.umask(0o022)
    try:
        run(corpus, out)
    finally:
        os.umask(old_mask)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o755


def test_a_full_disk_is_one_message_and_the_previous_reports_stay(corpus, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    run(corpus, out)
    before = files_of(out)

    def full(path, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(publish, "_write", full)
    result = run(corpus, out)
    assert result.exit_code == 1
    assert f"cannot write the reports to {out}: No space left on device" in result.output
    assert "the previous reports are unchanged" in result.output
    assert "Traceback" not in result.output
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "reports"]


def test_an_unwritable_parent_is_one_message(corpus, tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path))

    monkeypatch.setattr(publish.tempfile, "mkdtemp", refused)
    result = run(corpus, tmp_path / "reports")
    assert result.exit_code == 1
    assert f"cannot write in {tmp_path}: Permission denied" in result.output
    assert not (tmp_path / "reports").exists()


def test_evaluate_refuses_an_out_that_is_not_its_own(corpus, tmp_path):
    gold = tmp_path / "gold.csv"
    gold.write_text("text,label\nA brutal regime.,1\nThe vote passed.,0\n")
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.csv").write_text("keep me")
    arguments = ["evaluate", "--gold", str(gold), "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    result = CliRunner().invoke(main, [*arguments, "--out", str(work)])
    assert result.exit_code == 2
    assert "already holds files that mediabias did not write" in result.output
    assert files_of(work) == {"data.csv": b"keep me"}


def test_two_runs_into_one_out_leave_a_whole_report(corpus, tmp_path):
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    command += ["--out", str(out), "--no-cache", "--jobs", "1"]
    for _ in range(2):
        runs = [
            subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [process.communicate(timeout=300) for process in runs]
        assert [process.returncode for process in runs] == [0, 0], outputs
        marker = json.loads((out / ".mediabias-report.json").read_text())
        assert sorted(marker["files"]) == sorted(n for n in files_of(out) if n != ".mediabias-report.json")
        assert (out / "tables" / "articles.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "reports"]


def descendants(pid):
    """The processes started, directly or not, by `pid` (read from /proc)."""
    parents = {}
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat_file.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see the worker processes")
def test_sigterm_stops_the_workers_and_leaves_the_previous_reports_whole(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = ["file,outlet,published,url"]
    for n in range(12):
        for seed in sorted(SEED_CORPUS.glob("*.txt")):
            shutil.copy(seed, corpus / f"{n:02d}-{seed.name}")
            rows.append(f"{n:02d}-{seed.name},Outlet {n:02d} {seed.stem[:6]},2020-01-05,")
    (corpus / "manifest.csv").write_text("\n".join(rows) + "\n")
    out = tmp_path / "reports"
    command = [sys.executable, "-m", "pipeline", "run", "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    command += ["--out", str(out), "--no-cache", "--jobs", "2"]
    subprocess.run(command, check=True, capture_output=True, cwd=PROJECT)
    before = files_of(out)

    process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, workers = time.monotonic() + 120, set()
    while len(workers) < 2 and process.poll() is None and time.monotonic() < deadline:
        workers = descendants(process.pid)
        time.sleep(0.01)
    assert len(workers) >= 2, "the run never started its workers"
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert "Error: stopped by SIGTERM; the previous reports are unchanged." in stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in workers if alive(pid)] == []
    assert files_of(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "reports"]


def test_an_unexpected_error_is_one_message_that_asks_for_a_report_not_a_traceback(corpus, tmp_path, monkeypatch):
    from pipeline import cli

    def broken(*args, **kwargs):
        raise ValueError("cannot convert float NaN to integer")

    monkeypatch.setattr(cli, "analyze", broken)
    result = run(corpus, tmp_path / "reports")
    assert result.exit_code == 1
    assert result.output.startswith("Error: unexpected ValueError: cannot convert float NaN to integer. This is a bug")
    assert "Traceback" not in result.output
    assert not (tmp_path / "reports").exists()


def test_an_operating_system_error_names_the_file(corpus, tmp_path, monkeypatch):
    from pipeline import cli

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), "/srv/corpus/a.txt")

    monkeypatch.setattr(cli, "analyze", refused)
    result = run(corpus, tmp_path / "reports")
    assert result.exit_code == 1
    assert "Error: /srv/corpus/a.txt: Permission denied" in result.output


def test_outlet_names_the_charts_font_lacks_print_no_library_warnings(make_corpus, tmp_path):
    corpus = make_corpus({"a.txt": GOOD, "b.txt": OTHER}, manifest="file,outlet\na.txt,新华社\nb.txt,الجزيرة\n")
    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        result = run(corpus, tmp_path / "reports")
    assert result.exit_code == 0, result.output
    assert [str(w.message) for w in shown if "Glyph" in str(w.message)] == []
    assert "新华社" in (tmp_path / "reports" / "index.html").read_text().split('<svg class="chart"')[1]


def test_suggest_never_writes_over_an_existing_file(corpus, tmp_path):
    lexicon_file = tmp_path / "my-lexicon.csv"
    lexicon_file.write_text("term,category,weight,note\nregime,delegitimizing,2,mine\n")
    arguments = ["suggest", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(lexicon_file)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2
    assert f"{lexicon_file} already exists; nothing was changed; choose another --out, or add --replace" in (
        result.output
    )
    assert lexicon_file.read_text() == "term,category,weight,note\nregime,delegitimizing,2,mine\n"


def test_suggest_writes_beside_the_reports_tables_and_writes_over_only_its_own_file(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    arguments = ["suggest", "--corpus", str(corpus), "--lexicons", str(LEXICONS)]
    first = CliRunner().invoke(main, arguments)
    assert first.exit_code == 0, first.output
    written = tmp_path / "reports" / "tables" / "suggested_entries.csv"
    assert written.read_text().startswith("term,category,weight,note\n# Suggested by mediabias suggest:")
    assert CliRunner().invoke(main, arguments).exit_code == 0  # its own file: written again
    written.write_text("term,category,weight,note\nregime,delegitimizing,2,mine\n")  # now a person's
    assert CliRunner().invoke(main, arguments).exit_code == 2
    assert written.read_text() == "term,category,weight,note\nregime,delegitimizing,2,mine\n"


def test_lexicon_stats_writes_a_new_file_and_replaces_it_only_when_asked(corpus, tmp_path):
    target = tmp_path / "stats.csv"
    arguments = ["lexicon", "stats", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(target)]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    assert target.read_text().startswith("lexicon,line,term,category,weight")
    assert CliRunner().invoke(main, arguments).exit_code == 2
    assert CliRunner().invoke(main, [*arguments, "--replace"]).exit_code == 0


def test_a_folder_holding_only_someone_elses_index_page_is_refused(corpus, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>My homepage</h1>")
    result = run(corpus, site)
    assert result.exit_code == 2
    assert (site / "index.html").read_text() == "<h1>My homepage</h1>"


def test_a_persons_files_survive_a_failure_at_the_swap(corpus, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    run(corpus, out)
    (out / "my-notes.md").write_text("keep")
    real_replace, calls = os.replace, []

    def failing_second_rename(source, target):
        calls.append(source)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real_replace(source, target)

    monkeypatch.setattr(publish.os, "replace", failing_second_rename)
    result = run(corpus, out)
    monkeypatch.setattr(publish.os, "replace", real_replace)
    assert result.exit_code == 1
    assert run(corpus, out).exit_code == 0  # the next run restores the old reports, then replaces them
    assert (out / "my-notes.md").read_text() == "keep"


def test_a_run_that_keeps_its_tables_on_disk_writes_the_same_reports_and_leaves_no_table_behind(
    corpus, tmp_path, monkeypatch
):
    from functools import partial

    from pipeline import cli
    from pipeline.support.stored import table_store

    held = run(corpus, tmp_path / "held", "--format", "csv,parquet")
    kept_folders = []

    def every_table_on_disk(parent, **options):
        store = table_store(parent, least_bytes=0)
        kept_folders.append(parent)
        return store

    monkeypatch.setattr(cli, "table_store", partial(every_table_on_disk))
    cache = tmp_path / "cache"
    arguments = ["run", "--corpus", str(corpus), "--lexicons", str(LEXICONS), "--out", str(tmp_path / "kept")]
    kept = CliRunner().invoke(main, [*arguments, "--cache", str(cache), "--format", "csv,parquet"])
    assert held.exit_code == kept.exit_code == 0 and kept_folders == [cache]
    assert files_of(tmp_path / "kept" / "tables") == files_of(tmp_path / "held" / "tables")  # Parquet too
    assert not [p for p in cache.iterdir() if p.name.startswith("mediabias-tables-")]


# In a process of its own: a fork of the test process, which runs threads, can hang on a lock one of them held.
WORKER_STOPPED_EARLY = """
import functools, multiprocessing, os, signal
from pipeline.engine.parallel import stop_on_sigterm


def say_started_then_wait(started, blocked):
    os.write(started, b"!")  # a SIGTERM sent sooner may be lost: CPython clears a new fork's pending signals
    os.read(blocked, 1)


signal.signal(signal.SIGTERM, functools.partial(stop_on_sigterm, os.getpid()))
started, blocked = os.pipe(), os.pipe()
worker = multiprocessing.get_context("fork").Process(target=say_started_then_wait, args=(started[1], blocked[0]))
worker.start()
os.read(started[0], 1)
worker.terminate()
worker.join(timeout=60)
print(worker.exitcode)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork, as the workers are started on Linux")
def test_a_worker_stopped_before_it_sets_its_own_signal_handlers_ends_quietly():
    # The run's handler, inherited by a forked worker that is terminated before its initializer runs.
    command = [sys.executable, "-c", WORKER_STOPPED_EARLY]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert done.stdout.strip() == str(128 + signal.SIGTERM)  # ended by os._exit, no cleanup run
    assert "Traceback" not in done.stderr


WORKER_DEAF_TO_SIGTERM = """
import multiprocessing, os, signal, time
from pipeline.engine.parallel import end_processes


def deaf_then_wait(started, blocked):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as a fork whose SIGTERM came before its interpreter was set up
    os.write(started, b"!")
    os.read(blocked, 1)


started, blocked = os.pipe(), os.pipe()
worker = multiprocessing.get_context("fork").Process(target=deaf_then_wait, args=(started[1], blocked[0]))
worker.start()
os.read(started[0], 1)
began = time.monotonic()
end_processes([worker], grace=1)
print(worker.exitcode, round(time.monotonic() - began))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork, as the workers are started on Linux")
def test_a_worker_that_lost_its_sigterm_is_killed_after_the_grace_period_not_left_running():
    command = [sys.executable, "-c", WORKER_DEAF_TO_SIGTERM]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert done.stdout.split() == [str(-signal.SIGKILL), "1"]


STOPPED_WHILE_A_CHILD_SENDS = """
import time
from pipeline.engine.parallel import Background


def interrupted():
    raise KeyboardInterrupt


class StopsTheReader:  # unpickled first, it stops the caller while the child still sends the rest
    def __reduce__(self):
        return interrupted, ()


def result_larger_than_a_pipe():
    return [StopsTheReader(), b"x" * 20_000_000]


child = Background(result_larger_than_a_pipe)
started = time.monotonic()
try:
    child.result()
except KeyboardInterrupt:
    print(f"stopped in {time.monotonic() - started:.0f} s")
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork, as the children are started on Linux")
def test_a_caller_stopped_while_its_child_sends_the_result_does_not_wait_for_the_child():
    # The child, blocked writing to a pipe nobody reads, hung the SIGTERM test in CI.
    command = [sys.executable, "-c", STOPPED_WHILE_A_CHILD_SENDS]
    done = subprocess.run(command, capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert done.stdout.strip() == "stopped in 0 s"
    assert "Traceback" not in done.stderr
