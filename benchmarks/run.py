"""Benchmark `mediabias run` stage by stage on synthetic corpora against a TextBlob-only baseline.

    python benchmarks/run.py                 # 1,000 and 10,000 articles
    python benchmarks/run.py --sizes 200     # a quick look
    python benchmarks/run.py --large         # adds 100,000 articles

Each size runs in its own process so peak RSS is that size's own. Prints a table row and one JSON
line per size. Timing lives here, never in the tests.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))


def measure(n_articles: int) -> dict:
    """Run every stage on a synthetic corpus of n_articles; return timings and throughput."""
    from synthetic import PROJECT, write_corpus
    from textblob import TextBlob

    from pipeline.clean import clean_articles
    from pipeline.compare import outlet_vs_corpus, term_counts
    from pipeline.corpus import read_corpus
    from pipeline.lexicons import read_lexicons
    from pipeline.report import Tables, write_reports
    from pipeline.score import article_scores, corpus_scores, outlet_scores, score_articles

    with tempfile.TemporaryDirectory() as work:
        corpus_dir = write_corpus(Path(work) / "corpus", n_articles)
        stages: dict[str, float] = {}

        def timed(name, function, *args):
            start = time.perf_counter()
            result = function(*args)
            stages[name] = round(time.perf_counter() - start, 3)
            return result

        lexicon, _ = timed("lexicons", read_lexicons, PROJECT / "lexicons")
        articles, problems = timed("read", read_corpus, corpus_dir)
        cleaned, removed, _ = timed("clean", clean_articles, articles, lexicon.boilerplate)
        sentences, hits = timed("split_score_match", score_articles, cleaned, lexicon)
        categories = lexicon.categories

        def summaries():
            outlets = outlet_scores(cleaned, sentences, hits, categories)
            corpus = corpus_scores(sentences, hits, categories)
            return Tables(
                article_scores(cleaned, sentences, hits, categories),
                sentences,
                hits,
                outlets,
                corpus,
                outlet_vs_corpus(outlets, corpus),
                term_counts(hits, outlets),
                removed,
                problems,
                categories,
            )

        tables = timed("compare", summaries)
        timed("report", write_reports, tables, Path(work) / "reports")
        total = sum(stages.values())

        baseline_start = time.perf_counter()
        for text in sentences.text:
            TextBlob(text).sentiment  # noqa: B018  (the baseline is exactly this loop)
        baseline = time.perf_counter() - baseline_start

    n_words = int(sentences.n_words.sum())
    return {
        "articles": n_articles,
        "sentences": len(sentences),
        "words": n_words,
        "wall_s": round(total, 3),
        "articles_per_s": round(n_articles / total, 1),
        "words_per_s": round(n_words / total),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages_s": stages,
        "baseline_textblob_s": round(baseline, 3),
        "throughput_vs_baseline": round(baseline / total, 2),
    }


@click.command()
@click.option("--sizes", default="1000,10000", show_default=True, help="Comma-separated corpus sizes.")
@click.option("--large", is_flag=True, help="Also run 100,000 articles.")
@click.option("--one", type=int, hidden=True)
def main(sizes: str, large: bool, one: int | None) -> None:
    if one:
        print(json.dumps(measure(one)))
        return
    counts = [int(s) for s in sizes.split(",") if s] + ([100_000] if large else [])
    print(f"{'articles':>9} {'wall s':>8} {'art/s':>8} {'words/s':>9} {'RSS MB':>7} {'vs TextBlob':>11}")
    for count in counts:
        line = (
            subprocess.run([sys.executable, __file__, "--one", str(count)], check=True, capture_output=True, text=True)
            .stdout.strip()
            .splitlines()[-1]
        )
        result = json.loads(line)
        print(
            f"{result['articles']:>9} {result['wall_s']:>8} {result['articles_per_s']:>8} {result['words_per_s']:>9} "
            f"{result['peak_rss_mb']:>7} {result['throughput_vs_baseline']:>10}x"
        )
        print(line)


if __name__ == "__main__":
    main()
