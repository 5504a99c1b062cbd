"""Benchmark `mediabias run` stage by stage on synthetic corpora, against a TextBlob-only baseline.

    python benchmarks/run.py                  # 1,000 and 10,000 articles
    python benchmarks/run.py --sizes 200      # a quick look
    python benchmarks/run.py --large          # adds 100,000 articles
    python benchmarks/run.py --jobs 1         # one process
    python benchmarks/run.py --engine dask    # the per-article work on a local Dask cluster
    python benchmarks/run.py --sizes 100000 --cold-only   # the cold run and the baseline, no re-runs

Each size runs in its own process, so peak RSS is that size's own. For each size it prints a
table row and one JSON line: wall time (cold, empty cache), articles/s, words/s, peak RSS, seconds
per stage, the peak memory of the run's whole process tree (benchmarks/memory.py: the workers
count too) and its peak during each stage (`stage_peaks_mb`), lexicon matching alone in words/s (best and median of 5 passes), the warm re-run after a
one-line lexicon edit (with the caches) as a share of the cold run, the same after a second edit (the
weight of the entry with the most hits), and the ratio against a baseline measured in the same
process: a plain loop of `TextBlob(sentence).sentiment` over the same sentences on one core.
Timing lives here, never in the tests.
"""

from __future__ import annotations

import csv
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

# This checkout's pipeline before an installed one: two checkouts are compared with one environment.
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

MATCHING_PASSES = 5


def measure(n_articles: int, jobs: int, engine: str = "local", cold_only: bool = False) -> dict:
    """Cold run, warm run after a lexicon edit, matching alone and the TextBlob baseline, on n_articles."""
    from memory import StagePeaks, TreeMemory
    from synthetic import PROJECT, write_corpus

    from pipeline.engine.parallel import pages_beside
    from pipeline.flow import analyze
    from pipeline.reading.lexicons import read_lexicons
    from pipeline.reports.report import write_reports
    from pipeline.support.stored import loaded, table_store
    from pipeline.text.match import Matcher, Words

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        corpus = write_corpus(work / "corpus", n_articles)
        lexicons = work / "lexicons"
        shutil.copytree(PROJECT / "lexicons", lexicons)

        start = time.perf_counter()
        # As `mediabias run` does: the large tables kept on disk beside the cache until the reports are written.
        with TreeMemory() as cold_memory, table_store(work / "cache") as store:
            stages = StagePeaks(cold_memory)
            tables = analyze(
                corpus, lexicons, jobs=jobs, engine=engine, cache_dir=work / "cache", timings=stages, store=store
            )
            report_start = time.perf_counter()
            write_reports(tables, work / "reports", beside=pages_beside(jobs, tables))
            del tables  # the warm run's memory is measured with its own tables only
            stages["report"] = round(time.perf_counter() - report_start, 3)
        stage_peaks, stages = stages.peaks_mb, dict(stages)
        cold = time.perf_counter() - start
        # The cold run's own peak: the warm runs below hold two more sets of tables in this process.
        cold_peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # Partial results as soon as they exist, for long runs.
        print(
            json.dumps(
                {
                    "articles": n_articles,
                    "cold_s": round(cold, 2),
                    "stages_s": stages,
                    "stage_peaks_mb": stage_peaks,
                    "peak_rss_mb": round(cold_peak_rss, 1),
                    "peak_mb_with_workers": _rounded(cold_memory.peak_mb),
                }
            ),
            file=sys.stderr,
            flush=True,
        )

        if cold_only:
            figures = _cold_only(n_articles, jobs, engine, cold, cold_peak_rss, cold_memory.peak_mb, stages, work)
            return {**figures, "stage_peaks_mb": stage_peaks}

        emotive = lexicons / "emotive.csv"
        emotive.write_text(emotive.read_text().replace("brutal,emotive,2,", "brutal,emotive,3,"))
        warm_stages: dict[str, float] = {}
        start = time.perf_counter()
        with TreeMemory() as warm_memory, table_store(work / "cache") as store:
            warm_tables = analyze(
                corpus, lexicons, jobs=jobs, engine=engine, cache_dir=work / "cache", timings=warm_stages, store=store
            )
            write_reports(warm_tables, work / "reports", beside=pages_beside(jobs, warm_tables))
            hits = loaded(warm_tables.hits)
        warm = time.perf_counter() - start

        # The edit above changes no hit in the synthetic corpus (no article says "brutal"); this one
        # changes the weight of the entry with the most hits, which occurs in most articles.
        term, n_term_hits = _edit_weight_of_most_frequent_entry(lexicons, hits)
        del warm_tables, hits
        start = time.perf_counter()
        with table_store(work / "cache") as store:
            frequent_tables = analyze(corpus, lexicons, jobs=jobs, engine=engine, cache_dir=work / "cache", store=store)
            write_reports(frequent_tables, work / "reports", beside=pages_beside(jobs, frequent_tables))
            hits, sentences = loaded(frequent_tables.hits), loaded(frequent_tables.sentences)
        warm_frequent = time.perf_counter() - start
        rematched = hits.loc[hits["term"] == term, "article_id"].nunique()

        texts = list(sentences["text"])
        n_words = int(sentences["n_words"].sum())
        articles = [_article_of(group) for _, group in sentences.groupby("article_id", sort=False)["text"]]
        matcher = Matcher(read_lexicons(lexicons)[0])
        # Best of MATCHING_PASSES, as timeit reports: one pass at 1,000 articles takes a quarter of a
        # second, which other processes on a shared machine easily slow down; the median is kept too.
        passes = []
        for _ in range(MATCHING_PASSES):
            start = time.perf_counter()
            for text, spans in articles:  # as the pipeline matches: all of an article's sentences at once
                matcher.find_in_sentences(Words(text, spans))
            passes.append(time.perf_counter() - start)
        matching, matching_median = min(passes), statistics.median(passes)

        baseline = _textblob_seconds(texts)

    cold_run = (n_articles, jobs, engine, len(texts), n_words, cold, cold_peak_rss, cold_memory.peak_mb, stages)
    return {
        **_cold_figures(*cold_run, baseline),
        "stage_peaks_mb": stage_peaks,
        "peak_rss_mb_whole_benchmark": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "warm_peak_mb_with_workers": _rounded(warm_memory.peak_mb),
        "matching_words_per_s": round(n_words / matching),
        "matching_words_per_s_median": round(n_words / matching_median),
        "warm_rerun_s": round(warm, 2),
        "warm_share_of_cold": round(warm / cold, 3),
        "warm_stages_s": warm_stages,
        "warm_frequent_edit": {
            "term": term,
            "hits": n_term_hits,
            "articles_with_it": int(rematched),
            "rerun_s": round(warm_frequent, 2),
            "share_of_cold": round(warm_frequent / cold, 3),
        },
    }


def _cold_only(n_articles, jobs, engine, cold, peak_rss, peak_with_workers, stages, work) -> dict:
    """The cold run's figures and the TextBlob baseline over its sentences (read back from sentences.csv)."""
    import pandas as pd

    sentences = pd.read_csv(work / "reports" / "tables" / "sentences.csv", usecols=["text", "n_words"])
    texts, n_words = sentences["text"].fillna("").tolist(), int(sentences["n_words"].sum())
    del sentences
    cold_run = (n_articles, jobs, engine, len(texts), n_words, cold, peak_rss, peak_with_workers, stages)
    return {
        **_cold_figures(*cold_run, _textblob_seconds(texts)),
        "matching_words_per_s": None,
        "warm_share_of_cold": None,
    }


def _textblob_seconds(texts: list[str]) -> float:
    from textblob import TextBlob

    start = time.perf_counter()
    for text in texts:
        TextBlob(text).sentiment  # noqa: B018  (the baseline is exactly this loop)
    return time.perf_counter() - start


def _cold_figures(n_articles, jobs, engine, n_sentences, n_words, cold, peak_rss, peak_with_workers, stages, baseline):
    return {
        "articles": n_articles,
        "jobs": jobs,
        "engine": engine,
        "sentences": n_sentences,
        "words": n_words,
        "wall_s": round(cold, 2),
        "articles_per_s": round(n_articles / cold, 1),
        "words_per_s": round(n_words / cold),
        "peak_rss_mb": round(peak_rss, 1),
        "peak_mb_with_workers": _rounded(peak_with_workers),
        "stages_s": stages,
        "baseline_textblob_s": round(baseline, 2),
        "throughput_vs_baseline": round(baseline / cold, 2),
    }


def _rounded(megabytes: float | None) -> float | None:
    return None if megabytes is None else round(megabytes, 1)


def _edit_weight_of_most_frequent_entry(lexicons: Path, hits) -> tuple[str, int]:
    """Change the weight of the lexicon entry with the most hits; return (its term, its hits)."""
    (source, line), n_hits = next(iter(hits.groupby(["lexicon", "lexicon_line"]).size().nlargest(1).items()))
    path = lexicons / source
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(csv.reader([lines[line - 1]]))
    row[2] = "1" if row[2] != "1" else "2"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row)
    lines[line - 1] = out.getvalue()
    path.write_text("".join(lines), encoding="utf-8")
    return row[0], int(n_hits)


def _article_of(sentences) -> tuple[str, list[tuple[int, int]]]:
    """An article's text rebuilt from its sentences, one a line, with each sentence's span."""
    spans, position = [], 0
    for sentence in sentences:
        spans.append((position, position + len(sentence)))
        position += len(sentence) + 1
    return "\n".join(sentences), spans


@click.command()
@click.option("--sizes", default="1000,10000", show_default=True, help="Comma-separated corpus sizes.")
@click.option("--large", is_flag=True, help="Also run 100,000 articles.")
@click.option("--jobs", default=0, help="Processes (0: all cores).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--cold-only", is_flag=True, help="Only the cold run and the baseline: no re-runs, no matching alone.")
@click.option("--one", type=int, hidden=True)
def main(sizes: str, large: bool, jobs: int, engine: str, cold_only: bool, one: int | None) -> None:
    from pipeline.engine.parallel import default_jobs

    jobs = jobs or default_jobs()
    if one:
        print(json.dumps(measure(one, jobs, engine, cold_only)))
        return
    counts = [int(s) for s in sizes.split(",") if s] + ([100_000] if large else [])
    print(
        f"{'articles':>9} {'cold s':>8} {'art/s':>7} {'words/s':>8} {'RSS MB':>7} {'all MB':>7} {'match w/s':>10} {'warm':>6} {'vs TextBlob':>11}"
    )
    for count in counts:
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(count), "--jobs", str(jobs), "--engine", engine]
            + (["--cold-only"] if cold_only else []),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        line = output.strip().splitlines()[-1]
        r = json.loads(line)
        print(
            f"{r['articles']:>9} {r['wall_s']:>8} {r['articles_per_s']:>7} {r['words_per_s']:>8} {r['peak_rss_mb']:>7} "
            f"{r['peak_mb_with_workers'] or '':>7} {r['matching_words_per_s'] or '-':>10} "
            f"{format(r['warm_share_of_cold'], '.0%') if r['warm_share_of_cold'] is not None else '-':>6} "
            f"{r['throughput_vs_baseline']:>10}x"
        )
        print(line, flush=True)


if __name__ == "__main__":
    main()
