"""Check that every engine writes the same tables, byte for byte, on synthetic corpora.

    python benchmarks/identity.py                   # 1,000 and 10,000 articles
    python benchmarks/identity.py --sizes 200       # a quick look

For each size it runs `mediabias run --no-cache` as a user would, with `--jobs 1`, `--jobs 2`,
`--engine dask` (a local cluster of two workers) and `--low-memory` (every table on disk, the
per-article ones in partitions of 5,000 articles), and compares every file under `tables/` with the
first run's. It prints one row per size: each run's wall seconds and whether its tables are identical.
The Dask engine needs the extra: `pip install -e '.[dask]'`. The tests check the same on small corpora;
this is for the sizes a test would take too long on.
"""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

# This checkout's pipeline before an installed one: two checkouts are compared with one environment.
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

RUNS = {
    "jobs 1": ["--jobs", "1"],
    "jobs 2": ["--jobs", "2"],
    "dask": ["--engine", "dask", "--jobs", "2"],
    "low memory": ["--low-memory", "--jobs", "2"],
}


def differing_tables(first: Path, other: Path) -> list[str]:
    """Names of the table files that are missing from one folder or differ in a byte."""
    names = sorted({p.name for p in first.iterdir()} | {p.name for p in other.iterdir()})
    return [
        name
        for name in names
        if not (first / name).is_file()
        or not (other / name).is_file()
        or not filecmp.cmp(first / name, other / name, shallow=False)
    ]


def compare_engines(n_articles: int) -> dict:
    """Wall seconds of each run on n_articles and the tables that differ from the first run's."""
    from synthetic import PROJECT, write_corpus

    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        corpus = write_corpus(work / "corpus", n_articles)
        lexicons = work / "lexicons"
        shutil.copytree(PROJECT / "lexicons", lexicons)
        seconds, differences, first = {}, {}, None
        for name, options in RUNS.items():
            out = work / name.replace(" ", "-")
            start = time.perf_counter()
            command = [sys.executable, "-m", "pipeline", "run", "--no-cache", "--corpus", str(corpus)]
            subprocess.run(
                [*command, "--lexicons", str(lexicons), "--out", str(out), *options],
                check=True,
                capture_output=True,
            )
            seconds[name] = round(time.perf_counter() - start, 1)
            first = first or out
            differences[name] = differing_tables(first / "tables", out / "tables")
        n_tables = len(list((first / "tables").iterdir()))
    return {"articles": n_articles, "tables": n_tables, "seconds": seconds, "differing": differences}


@click.command()
@click.option("--sizes", default="1000,10000", show_default=True, help="Comma-separated article counts.")
def main(sizes: str) -> None:
    print(f"{'articles':>9} {'tables':>6}  " + "  ".join(f"{name:>14}" for name in RUNS))
    for count in [int(s) for s in sizes.split(",") if s]:
        r = compare_engines(count)
        cells = [f"{r['seconds'][name]:>6} s {'same' if not r['differing'][name] else 'DIFFER':>6}" for name in RUNS]
        print(f"{r['articles']:>9} {r['tables']:>6}  " + "  ".join(cells), flush=True)
        for name, files in r["differing"].items():
            if files:
                print(f"    {name}: {', '.join(files)}", flush=True)


if __name__ == "__main__":
    main()
