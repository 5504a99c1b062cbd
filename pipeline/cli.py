"""The `mediabias` command line: parse options, call the pipeline, report progress on stderr."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.errors import MediaBiasError
from pipeline.report import write_reports
from pipeline.run import analyze


@click.group()
@click.version_option(__version__, prog_name="mediabias")
def main() -> None:
    """Score news articles for sentiment and loaded language and compare outlets.

    \b
    Example:
      mediabias run --corpus corpus --lexicons lexicons --out reports
    """


@main.command()
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Folder with manifest.csv and the article files.",
)
@click.option(
    "--lexicons",
    "lexicon_dir",
    type=click.Path(path_type=Path),
    default=Path("lexicons"),
    show_default=True,
    help="Folder with the lexicon CSV files and boilerplate.txt.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder the reports are written to (replaced whole at the end of the run).",
)
def run(corpus_dir: Path, lexicon_dir: Path, out_dir: Path) -> None:
    """Read, clean and score a corpus and write framing reports per outlet.

    \b
    Example:
      mediabias run --corpus corpus --out reports
    Then open reports/index.html. Exits 1 when no article could be scored.
    """
    progress = {}

    def start(n_articles: int) -> None:
        progress["bar"] = click.progressbar(length=n_articles, label="Scoring articles", file=sys.stderr)
        progress["bar"].__enter__()

    try:
        tables = analyze(corpus_dir, lexicon_dir, on_start=start, on_article=lambda _: progress["bar"].update(1))
    except MediaBiasError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if "bar" in progress:
            progress["bar"].__exit__(None, None, None)
    n_read, n_scored = tables.run["articles read"], len(tables.articles)
    click.echo(f"Read {n_read} article(s) from {corpus_dir}; scored {n_scored} from {len(tables.outlets)} outlet(s).")
    for problem in tables.problems.itertuples(index=False):
        where = f"{problem.source}:{problem.line}" if problem.line else problem.source
        click.echo(f"  skipped or check: {where}: {problem.reason}", err=True)
    if n_scored == 0:
        raise click.ClickException(f"no article could be scored; see the problems above ({len(tables.problems)}).")
    write_reports(tables, out_dir)
    click.echo(f"Reports written to {out_dir}/ (open {out_dir / 'index.html'}).")
