"""The `mediabias` command line: parse options, call the pipeline, print results; errors become messages here."""

from __future__ import annotations

import dataclasses
import functools
import os
import signal
import sys
from pathlib import Path

import click

from pipeline import __version__
from pipeline.engine.parallel import ENGINES, Stopped, default_jobs, pages_beside, stop_on_sigterm
from pipeline.errors import MediaBiasError
from pipeline.flow import FLOW, analyze
from pipeline.framing.events import EVENT_DISTANCE_THRESHOLD, EVENT_WINDOW_DAYS
from pipeline.measuring.evaluate import label_mapping
from pipeline.reading.corpus import read_corpus, read_text_file
from pipeline.reading.lexicons import check_lexicons, corpus_vocabulary, grouped_unused_wildcards, read_lexicons
from pipeline.reports.publish import OutputFolderRefused, check_output_file, check_output_folder, write_file
from pipeline.reports.report import TABLE_FORMATS, read_snapshot, to_csv_text, write_evaluation, write_reports
from pipeline.support.stored import STORED_BYTES, loaded, table_store
from pipeline.tuning.gold import clean_corpus, evaluate_against_gold, learn_frames_from_gold
from pipeline.tuning.learn import (
    MIN_ARTICLES,
    MIN_Z,
    cross_validate_lexicon,
    labels_from_column,
    labels_from_techniques,
    learn_lexicon,
    read_labelled_paragraphs,
    without_known_terms,
)
from pipeline.tuning.tune import keyword_in_context, outlet_named, suggestions_as_lexicon

CORPUS_OPTION = click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(path_type=Path),
    default=Path("corpus"),
    show_default=True,
    help="Folder with manifest.csv and the article files.",
)
LEXICONS_OPTION = click.option(
    "--lexicons",
    "lexicon_dir",
    type=click.Path(path_type=Path),
    default=Path("lexicons"),
    show_default=True,
    help="Folder with the lexicon files.",
)


class _Refused(click.ClickException):
    """An option the tool will not act on: nothing was touched (exit 2, as for a usage error)."""

    exit_code = 2


def _user_error(error: MediaBiasError) -> click.ClickException:
    return _Refused(str(error)) if isinstance(error, OutputFolderRefused) else click.ClickException(str(error))


def _checked_out_dir(out_dir: Path, **inputs: Path | None) -> None:
    """Refuse `out_dir` unless the tool may write it (pipeline.reports.publish), before any work is done."""
    try:
        check_output_folder(out_dir, {name.replace("_", " "): path for name, path in inputs.items()})
    except OutputFolderRefused as error:
        raise _user_error(error) from error


SUGGESTED_ENTRIES = Path("reports") / "tables" / "suggested_entries.csv"
# The second line of a file suggest writes: a lexicon comment, so the file can be pasted whole, and how
# suggest knows the file is its own to write over.
SUGGESTED_MARK = "# Suggested by mediabias suggest:"


def suggested_entries_text(suggestions) -> str:
    header, _, rows = to_csv_text(suggestions_as_lexicon(suggestions)).partition("\n")
    note = f"{SUGGESTED_MARK} fill in each category, check the weight, then paste the rows into a lexicon file."
    return f"{header}\n{note}\n{rows}"


def written_by_suggest(path: Path) -> bool:
    """Whether `path` is a file an earlier `suggest` wrote (so writing over it loses nobody's work)."""
    try:
        with open(path, encoding="utf-8") as handle:
            handle.readline()
            return handle.readline().startswith(SUGGESTED_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _table_formats(value: str) -> tuple[str, ...]:
    """The --format list, checked: csv always (the pages link to it), parquet optional."""
    formats = tuple(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [f for f in formats if f not in TABLE_FORMATS]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)} is not a table format; use csv or csv,parquet")
    if "csv" not in formats:
        raise click.BadParameter("the pages link to the CSV tables, so csv is always written; use csv,parquet")
    return formats


def _check_output_file(path: Path, replace: bool) -> None:
    try:
        check_output_file(path, replace)
    except MediaBiasError as error:
        raise _user_error(error) from error


def _write_file(path: Path, text: str, replace: bool) -> None:
    try:
        write_file(path, text, replace=replace)
    except MediaBiasError as error:
        raise _user_error(error) from error


class _Progress:
    """A progress bar on stderr that starts once the number of articles is known."""

    def __init__(self, label: str):
        self.label, self.bar = label, None

    def start(self, total: int) -> None:
        self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
        self.bar.__enter__()

    def step(self, n_articles: int) -> None:
        self.bar.update(n_articles)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _analyze(corpus_dir: Path, lexicon_dir: Path, previous_snapshot: dict | None = None, **options):
    progress = _Progress("Scoring articles")
    try:
        return analyze(
            corpus_dir, lexicon_dir, previous_snapshot, on_start=progress.start, on_scored=progress.step, **options
        )
    except MediaBiasError as error:
        raise _user_error(error) from error
    finally:
        progress.finish()


def _problem_line(problem) -> str:
    where = f"{problem.source}:{problem.line}" if problem.line else problem.source
    return f"{where}: {problem.severity}: {problem.reason}"


class _Commands(click.Group):
    """The command group; whatever goes wrong reaches the user as one message, never as a traceback."""

    def invoke(self, ctx: click.Context):
        before = signal.signal(signal.SIGTERM, functools.partial(stop_on_sigterm, os.getpid()))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt as error:
            how = "by SIGTERM" if isinstance(error, Stopped) else "by Ctrl-C"
            click.echo(f"Error: stopped {how}; the previous reports are unchanged.", err=True)
            ctx.exit(143 if isinstance(error, Stopped) else 130)
        except OSError as error:
            if os.environ.get("MEDIABIAS_DEBUG"):
                raise
            where = f"{error.filename}: " if error.filename else ""
            raise click.ClickException(f"{where}{error.strerror or error}") from error
        except Exception as error:
            if os.environ.get("MEDIABIAS_DEBUG"):
                raise
            raise click.ClickException(
                f"unexpected {type(error).__name__}: {error}. This is a bug in mediabias {__version__}; please report "
                "it with the command you ran (MEDIABIAS_DEBUG=1 shows where it happened)."
            ) from error
        finally:
            signal.signal(signal.SIGTERM, before)


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="mediabias")
def main() -> None:
    """Score news articles for sentiment and loaded language and compare outlets.

    \b
    Example:
      mediabias run --corpus corpus --lexicons lexicons --out reports
    """


@main.command()
@CORPUS_OPTION
@LEXICONS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder the reports are written to, replaced whole at the end of the run; refused if it holds files "
    "mediabias did not write.",
)
@click.option(
    "--event-threshold",
    default=EVENT_DISTANCE_THRESHOLD,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Articles share an event when every pair's TF-IDF cosine distance is below this.",
)
@click.option(
    "--event-window-days",
    default=EVENT_WINDOW_DAYS,
    show_default=True,
    type=click.IntRange(0),
    help="... and they were published at most this many days apart.",
)
@click.option(
    "--jobs",
    default=default_jobs(),
    show_default="all cores",
    type=click.IntRange(1),
    help="Processes for the per-article work; the tables are the same for any number.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="local",
    show_default=True,
    help="local processes, or a Dask cluster (pip install 'mediabias[dask]').",
)
@click.option(
    "--scheduler", default=None, help="Address of a Dask scheduler (tcp://host:8786); default: a local cluster."
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path),
    default=Path(".mediabias-cache"),
    show_default=True,
    help="Folder caching sentence splitting and sentiment by article text; safe to delete.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
@click.option(
    "--low-memory",
    is_flag=True,
    help="Keep every table on disk between stages, the per-article ones in partitions of 5,000 articles, "
    "whatever the corpus's size (by default only tables of 128 MiB or more): the same tables, in less memory.",
)
@click.option(
    "--format",
    "table_formats",
    default="csv",
    show_default=True,
    callback=lambda context, parameter, value: _table_formats(value),
    help="Table files to write: csv, or csv,parquet for Parquet files beside the CSV (same columns and dtypes).",
)
def run(
    corpus_dir: Path,
    lexicon_dir: Path,
    out_dir: Path,
    event_threshold: float,
    event_window_days: int,
    jobs: int,
    engine: str,
    scheduler: str | None,
    cache_dir: Path,
    no_cache: bool,
    low_memory: bool,
    table_formats: tuple[str, ...],
) -> None:
    """Read, clean and score a corpus and write framing reports per outlet.

    \b
    Example:
      mediabias run --corpus corpus --out reports
    Then open reports/index.html. Exits 1 when no article could be scored, 2 when --out is a folder
    mediabias may not write (it holds other files, or the corpus).
    """
    _checked_out_dir(
        out_dir, corpus_folder=corpus_dir, lexicon_folder=lexicon_dir, cache_folder=None if no_cache else cache_dir
    )
    # Large tables are kept on disk until the reports are written, so that the run holds only what the
    # stage at hand reads (beside the cache, if there is one).
    with table_store(None if no_cache else cache_dir, least_bytes=0 if low_memory else STORED_BYTES) as store:
        tables = _analyze(
            corpus_dir,
            lexicon_dir,
            read_snapshot(out_dir),
            event_threshold=event_threshold,
            event_window_days=event_window_days,
            jobs=jobs,
            engine=engine,
            scheduler=scheduler,
            cache_dir=None if no_cache else cache_dir,
            store=store,
        )
        tables.provenance["options"].update(
            out=str(out_dir), event_threshold=event_threshold, event_window_days=event_window_days
        )
        n_read, n_scored = tables.provenance["articles_read"], len(tables.articles)
        click.echo(
            f"Read {n_read} article(s) from {corpus_dir}; scored {n_scored} from {len(tables.outlets)} outlet(s)."
        )
        problems = loaded(tables.problems)
        for problem in [*problems.itertuples(index=False), *tables.cache_problems]:
            click.echo(f"  {_problem_line(problem)}", err=True)
        if n_scored == 0:
            raise click.ClickException(f"no article could be scored; see the problems above ({len(problems)}).")
        try:
            write_reports(tables, out_dir, table_formats, beside=pages_beside(jobs, tables))
        except MediaBiasError as error:
            raise _user_error(error) from error
    click.echo(f"Reports written to {out_dir}/ (open {out_dir / 'index.html'}).")
    findings = sum(len(detail["findings"]) for detail in tables.event_details.values())
    if findings:
        pages = len(tables.event_details)
        click.echo(
            f"{findings} finding(s) on {pages} event page(s), with the sentences behind each: {out_dir / 'events'}/"
        )


@main.group()
def lexicon() -> None:
    """Check lexicon files and see how each entry fires."""


@lexicon.command("check")
@LEXICONS_OPTION
@CORPUS_OPTION
@click.option("--all", "every", is_flag=True, help="List each wildcard that matches nothing, not one line per file.")
def lexicon_check(lexicon_dir: Path, corpus_dir: Path, every: bool) -> None:
    """List every problem in the lexicon files as file:line: severity: message.

    Errors (the line, or the file, is skipped by `run`): empty term, bad weight or category, unknown
    column, duplicate term, a line that is not CSV, a file that cannot be read or is not a regular
    file, a YAML dictionary with aliases or nested too deep; in actors, labels, attribution and frames:
    an empty column, a connotation outside [-1, 1], an unknown class or frame. Warnings: an invisible
    character removed from a term, a term inside a longer term of another category, a wildcard that
    matches no word of the corpus (checked when the corpus folder exists; more than three in a file are
    one line for the file, --all lists each). Exits 1 on errors.

    \b
    Example:
      mediabias lexicon check --lexicons lexicons
    """
    vocabulary = None
    if (corpus_dir / "manifest.csv").is_file():
        try:
            articles, _ = read_corpus(corpus_dir)
            vocabulary = corpus_vocabulary(list(articles["raw_text"]))
        except MediaBiasError as error:
            click.echo(f"note: wildcards not checked against the corpus: {error}", err=True)
    try:
        problems = check_lexicons(lexicon_dir, vocabulary)
    except MediaBiasError as error:
        raise click.ClickException(str(error)) from error
    shown = problems if every else grouped_unused_wildcards(problems)
    for problem in shown:
        click.echo(_problem_line(problem))
    errors = sum(p.severity == "error" for p in problems)
    click.echo(f"{errors} error(s), {len(problems) - errors} warning(s) in {lexicon_dir}.")
    if errors:
        sys.exit(1)


@lexicon.command("stats")
@CORPUS_OPTION
@LEXICONS_OPTION
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="Also write the table here.")
@click.option("--replace", is_flag=True, help="Write over --out if it exists.")
def lexicon_stats_command(corpus_dir: Path, lexicon_dir: Path, out_file: Path | None, replace: bool) -> None:
    """Per lexicon entry: hits in the outlets' own words, in quotes, negated, and by outlet.

    The same table is in reports/tables/lexicon_stats.csv after `mediabias run`.

    \b
    Example:
      mediabias lexicon stats --out lexicon_stats.csv
    """
    if out_file:
        _check_output_file(out_file, replace)
    stats = _analyze(corpus_dir, lexicon_dir).lexicon_stats
    fired = stats[stats["n_hits"] > 0].sort_values(["n_hits", "term"], ascending=[False, True], kind="stable")
    click.echo(f"{'where':<24} {'term':<28} {'category':<15} {'own':>4} {'quote':>5} {'rep':>4} {'neg':>4}  by outlet")
    for row in fired.itertuples(index=False):
        click.echo(
            f"{row.lexicon + ':' + str(row.line):<24} {row.term:<28} {row.category:<15} {row.narrative:>4} "
            f"{row.quote:>5} {row.reported:>4} {row.negated:>4}  {row.by_outlet}"
        )
    silent = stats[stats["n_hits"] == 0]
    click.echo(f"\n{len(fired)} of {len(stats)} entries fired; {len(silent)} never fired in this corpus:")
    for source, rows in silent.groupby("lexicon", sort=True):
        entries = ", ".join(f"{r.term} ({r.line})" for r in rows.itertuples(index=False))
        click.echo(f"  {source}: {len(rows)}: {entries}")
    if out_file:
        _write_file(out_file, to_csv_text(stats), replace)
        click.echo(f"Written to {out_file}.")


@lexicon.command("learn")
@click.option(
    "--gold",
    "gold_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="CSV of labelled paragraphs: a text column, the article of each paragraph (--group) and the labels.",
)
@click.option("--label", "label_column", default=None, help="A 0/1 column: learn one category, named after it.")
@click.option(
    "--techniques",
    "techniques_column",
    default=None,
    help="A column of comma-separated SemEval-2023 techniques (the default, column 'techniques').",
)
@click.option("--group", "group_column", default="file", show_default=True, help="The column naming each article.")
@click.option("--folds", default=5, show_default=True, type=click.IntRange(min=2), help="Cross-validation folds.")
@click.option(
    "--min-articles",
    default=MIN_ARTICLES,
    show_default=True,
    type=click.IntRange(min=1),
    help="A term must occur in labelled paragraphs of this many articles (fewer: one story's topic).",
)
@click.option(
    "--min-z",
    default=MIN_Z,
    show_default=True,
    type=float,
    help="A term's log-odds z must reach this (1.96: p < .05); lower finds more, weaker terms.",
)
@click.option(
    "--frames-corpus",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    default=None,
    help="The gold is article-level frames (columns file, frames) of the articles in this corpus folder: "
    "learn frame cues (rows term,frame,note for lexicons/frames.csv).",
)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="Write the learned rows here.")
@click.option("--replace", is_flag=True, help="Write over --out if it exists.")
@LEXICONS_OPTION
def lexicon_learn(
    gold_file: Path,
    label_column: str | None,
    techniques_column: str | None,
    group_column: str,
    folds: int,
    min_articles: int,
    min_z: float,
    frames_corpus: Path | None,
    out_file: Path | None,
    replace: bool,
    lexicon_dir: Path,
) -> None:
    """Learn candidate lexicon entries from labelled paragraphs, and how well they rank held-out articles.

    Words and 2-3 word phrases whose presence predicts a label (log-odds ratio, informative Dirichlet
    prior) become rows term,category,weight,note, each with its evidence; terms the lexicons in
    --lexicons already have are left out of --out. Cross-validated by article:
    ROC AUC of the learned entries beside paragraph length, TextBlob subjectivity and the shipped lexicons.

    With --frames-corpus the gold names each article's frames, and frame cues are learned and
    cross-validated the same way, beside the shipped cues of lexicons/frames.csv.

    \b
    Examples:
      mediabias lexicon learn --gold gold/lines.csv --techniques techniques --out learned.csv
      mediabias lexicon learn --gold gold/frames.csv --frames-corpus gold/corpus --out frame_cues.csv
    """
    if label_column and techniques_column:
        raise click.UsageError("give --label or --techniques, not both")
    if out_file:
        _check_output_file(out_file, replace)
    if frames_corpus:
        _learn_frames(gold_file, frames_corpus, lexicon_dir, folds, min_articles, min_z, out_file, replace)
        return
    try:
        gold = read_labelled_paragraphs(read_text_file(gold_file), gold_file.name, group_column)
        if label_column:
            labels = labels_from_column(gold, label_column)
        else:
            labels = labels_from_techniques(gold, techniques_column or "techniques")
        shipped, _ = read_lexicons(lexicon_dir)
        texts, groups = gold["text"], gold[group_column]
        table = cross_validate_lexicon(
            texts, labels, groups, shipped, folds=folds, min_articles=min_articles, min_z=min_z
        )
        learned = learn_lexicon(
            texts, labels, groups, min_articles=min_articles, min_z=min_z, source=gold_file.parent.name
        )
    except MediaBiasError as error:
        raise _user_error(error) from error
    _print_cross_validation(table, folds)
    stats = learned.categories
    click.echo("\nLearned from all paragraphs:")
    for row in stats.itertuples(index=False):
        click.echo(
            f"  {row.category:<14} {row.n_entries:>4} entries (weight 1/2/3: {row.weight_1}/{row.weight_2}/"
            f"{row.weight_3}) from {row.n_positive:,} of {row.n_paragraphs:,} paragraphs in {row.n_articles} articles"
        )
    new = dataclasses.replace(learned, entries=without_known_terms(learned.entries, shipped))
    known = f" ({len(learned.entries) - len(new.entries)} more are already in {lexicon_dir})"
    if out_file:
        _write_file(out_file, new.csv_text(), replace)
        click.echo(f"\n{len(new.entries)} candidate rows{known} written to {out_file}: read them before adding any.")
    else:
        click.echo(
            f"\n{len(new.entries)} candidate rows{known}; add --out FILE (e.g. --out learned.csv) to write them."
        )


def _print_cross_validation(table, folds: int) -> None:
    click.echo(f"Cross-validated by article ({folds} folds), ROC AUC of each score; 0.5 is chance.")
    width = max([14, *(len(c) for c in table["category"])])
    score_width = max([32, *(len(s) for s in table["score"])])
    click.echo(f"{'category':<{width}} {'score':<{score_width}} {'AUC':>5} {'fold mean ± sd':>15} {'best F1':>8}")
    unlabelled = sorted(set(table.loc[table["n_positive"] == 0, "category"]))
    for row in table[table["n_positive"] > 0].itertuples(index=False):
        click.echo(
            f"{row.category:<{width}} {row.score:<{score_width}} {row.auc:5.3f} {row.auc_fold_mean:8.3f} ± {row.auc_fold_sd:4.3f} "
            f"{row.best_f1:8.3f}"
        )
    if unlabelled:
        click.echo(f"No row is labelled {', '.join(unlabelled)}: nothing to learn or measure there.")


def _learn_frames(gold_file, corpus_dir, lexicon_dir, folds, min_articles, min_z, out_file, replace) -> None:
    try:
        found = learn_frames_from_gold(
            read_text_file(gold_file), str(gold_file), corpus_dir, lexicon_dir, folds, min_articles, min_z
        )
    except MediaBiasError as error:
        raise _user_error(error) from error
    for problem in found.problems:
        click.echo(f"{gold_file}: warning: {problem}", err=True)
    _print_cross_validation(found.cross_validation, folds)
    per_frame = found.learned.entries.groupby("category").size()
    click.echo(f"\nLearned from all gold articles: {len(found.learned.entries)} cues for {len(per_frame)} frames.")
    new, known = found.new_cues, len(found.learned.entries) - len(found.new_cues)
    if out_file:
        _write_file(out_file, new.to_csv(index=False, lineterminator="\n"), replace)
        click.echo(f"{len(new)} candidate cues ({known} more are already in frames.csv) written to {out_file}.")
    else:
        click.echo(f"{len(new)} candidate cues ({known} more are already in frames.csv); add --out FILE to write them.")


@main.command()
def graph() -> None:
    """Print the dataflow: each stage, in data order, with the tables it reads and returns.

    A line reads `inputs -> stage -> tables`; a stage named for its one table shows it once. The stages
    are the functions of pipeline/flow.py; the options in brackets say how the driver runs them.
    """
    click.echo(FLOW.graph())


@main.command()
@click.argument("term")
@click.option("--outlet", default=None, help="Only this outlet.")
@click.option("--window", default=8, show_default=True, help="Words of context on each side.")
@CORPUS_OPTION
@LEXICONS_OPTION
def kwic(term: str, outlet: str | None, window: int, corpus_dir: Path, lexicon_dir: Path) -> None:
    """Keyword in context: every occurrence of TERM, grouped by outlet, with the lexicon entry that fires.

    TERM uses the lexicon syntax: words, several words, `*` at the end of a word for a prefix.

    \b
    Example:
      mediabias kwic 'assassinat*' --window 6
    """
    try:
        articles, lexicon = clean_corpus(corpus_dir, lexicon_dir)
    except MediaBiasError as error:
        raise click.ClickException(str(error)) from error
    try:
        table = keyword_in_context(articles, lexicon, term, window=window, outlet=outlet)
    except MediaBiasError as error:
        raise _user_error(error) from error
    if table.empty:
        where = f" in {outlet_named(outlet, articles['outlet'])}." if outlet else " in the corpus."
        click.echo(f"{term!r} does not occur{where}")
        return
    for name, rows in table.groupby("outlet", sort=True):
        click.echo(f"== {name} ({len(rows)})")
        for row in rows.itertuples(index=False):
            fired = f"{row.entry} ({row.category})" if row.entry else "no entry fires"
            flags = ", ".join(filter(None, [row.voice, "negated" if row.negated else ""]))
            click.echo(
                f"{row.article_id}:{row.sentence_id}  {row.left[-60:]:>60} [{row.match}] {row.right[:60]:<60}  "
                f"{fired}; {flags}"
            )


@main.command()
@click.option("--outlet", default=None, help="Only suggestions for this outlet.")
@click.option("--top", default=10, show_default=True, help="Suggestions per outlet.")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=SUGGESTED_ENTRIES,
    show_default=True,
    help="CSV in the lexicon's columns, to paste into a lexicon file; beside the report's tables by default "
    "(a file there that suggest wrote is written over, any other file only with --replace).",
)
@click.option("--replace", is_flag=True, help="Write over --out if it exists.")
@CORPUS_OPTION
@LEXICONS_OPTION
def suggest(outlet: str | None, top: int, out_file: Path, replace: bool, corpus_dir: Path, lexicon_dir: Path) -> None:
    """Terms the lexicons miss that are typical of an outlet (log-odds ratio, informative Dirichlet prior).

    Each outlet's words are compared with all other outlets' (Monroe, Colaresi & Quinn 2008); words
    an entry already matches are left out. Words of opinion (TextBlob's pattern lexicon) come first,
    then the rest; the event's own vocabulary (used by half the outlets or more) and verbs that
    attribution.csv already reads come last. The CSV has the columns term,category,weight,note: fill
    in the category of the terms you keep and paste the rows into a lexicon file.

    \b
    Example:
      mediabias suggest --outlet Sputnik --top 5
    """
    replace = replace or written_by_suggest(out_file)
    _check_output_file(out_file, replace)
    tables = _analyze(corpus_dir, lexicon_dir)
    suggestions = tables.suggestions
    if outlet is not None:
        try:
            outlet = outlet_named(outlet, tables.outlets["outlet"])
        except MediaBiasError as error:
            raise _user_error(error) from error
        suggestions = suggestions[suggestions["outlet"] == outlet]
    suggestions = suggestions.groupby("outlet", sort=True).head(top).reset_index(drop=True)
    if suggestions.empty:
        click.echo("No suggestion: no uncovered word occurs at least twice" + (f" in {outlet}." if outlet else "."))
        return
    for name, rows in suggestions.groupby("outlet", sort=True):
        click.echo(f"== {name}")
        for row in rows.itertuples(index=False):
            click.echo(
                f"  {row.term:<24} {row.kind:<14} z={row.z:5.2f}  {row.n_outlet} here, {row.n_rest} elsewhere   "
                f"{row.example_1[:80]}"
            )
    _write_file(out_file, suggested_entries_text(suggestions), replace)
    click.echo(f"\n{len(suggestions)} suggestion(s) written to {out_file} (fill in the category before pasting).")


@main.command()
@click.option(
    "--gold",
    "gold_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    required=True,
    help="Span gold (CSV article,text[,start,end][,category]), labelled sentences or paragraphs "
    "(CSV/JSONL text,techniques with comma-separated names, or text and 0/1 columns such as text,label), "
    "or article-level frames (CSV file,frames with comma-separated Media Frames Corpus names).",
)
@CORPUS_OPTION
@LEXICONS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("evaluation"),
    show_default=True,
    help="Folder for the evaluation page and tables (replaced whole; refused if it holds other files).",
)
@click.option(
    "--techniques",
    "techniques_column",
    default=None,
    help="The column of comma-separated technique names (default: techniques, if there is one).",
)
@click.option(
    "--label",
    "label_columns",
    multiple=True,
    help="A 0/1 label column (repeat for several; default: every column holding only 0/1).",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar="LABEL=CATEGORY",
    help="Compare a technique or label with this lexicon category, or 'all' (repeat for several).",
)
@click.option(
    "--map-file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    default=None,
    help="CSV label,category: the same as --map for each row (--map wins).",
)
def evaluate(
    gold_file: Path,
    corpus_dir: Path,
    lexicon_dir: Path,
    out_dir: Path,
    techniques_column: str | None,
    label_columns: tuple[str, ...],
    mappings: tuple[str, ...],
    map_file: Path | None,
) -> None:
    """Measure the lexicons against human coding: recall and precision of marked phrases, AUC and F1 per label
    of labelled sentences or paragraphs, beside text length and subjectivity, or AUC per frame of articles'
    frame cues (gold file,frames), beside article length.

    \b
    Example:
      mediabias evaluate --gold gold/spans.csv --out evaluation
      mediabias evaluate --gold lines.csv --techniques techniques --map Doubt=hedge --out evaluation
      mediabias evaluate --gold frames.csv --corpus gold/corpus --out evaluation
    """
    _checked_out_dir(out_dir, gold_file=gold_file, corpus_folder=corpus_dir, lexicon_folder=lexicon_dir)
    try:
        mapping = label_mapping(mappings, read_text_file(map_file) if map_file else "", str(map_file))
    except MediaBiasError as error:
        raise click.ClickException(str(error)) from error
    try:
        evaluation = evaluate_against_gold(
            read_text_file(gold_file),
            gold_file.name,
            corpus_dir,
            lexicon_dir,
            techniques_column=techniques_column,
            label_columns=label_columns,
            mapping=mapping,
        )
    except MediaBiasError as error:
        raise click.ClickException(str(error)) from error
    for problem in evaluation.problems:
        click.echo(f"  {problem}", err=True)
    if evaluation.kind == "span":
        for row in evaluation.span_scores[evaluation.span_scores["group"] == "all"].itertuples(index=False):
            click.echo(
                f"{row.hit_set:<12} recall {row.recall:6.1%} ({row.gold_found}/{row.gold_spans} marked phrases found)   "
                f"precision {row.precision:6.1%} ({row.hits_in_gold}/{row.hits} hits inside marked phrases)"
            )
        click.echo(
            f"{len(evaluation.misses)} missed phrase(s), {len(evaluation.false_alarms)} entry(ies) with false alarms."
        )
    elif evaluation.kind == "frames":
        summary = evaluation.frame_summary
        click.echo(
            "ROC AUC per frame (0.5 = chance) of the article's share of sentences cueing it, of their number, "
            "and of the article's length in sentences (baseline)."
        )
        width = max(
            (len(f"{r.frame} (n={r.n_positive}/{r.n_articles})") for r in summary.iloc[:-1].itertuples()), default=0
        )
        for row in summary.itertuples():
            head = "mean over frames" if row.frame == "mean" else f"{row.frame} (n={row.n_positive}/{row.n_articles})"
            below = "" if row.auc_share > row.auc_length else "   <- not above length"
            click.echo(
                f"{head:<{width}}  share {row.auc_share:.3f}   n_sentences {row.auc_n_sentences:.3f}   "
                f"length {row.auc_length:.3f}{below}"
            )
    else:
        click.echo("ROC AUC per label (0.5 = chance); the lexicon score's best F1 beside it.")
        summary = evaluation.summary
        heads = [f"{r.label} (n={r.n_positive}/{r.n_rows})" for r in summary.itertuples()]
        width = max(map(len, heads), default=0)
        for head, row in zip(heads, summary.itertuples(), strict=True):
            lexicon = f"lexicon {row.category:<14} {row.auc_lexicon:.3f} (F1 {row.f1_lexicon:.3f})"
            whole = f"   all {row.auc_all_categories:.3f}" if row.category != "all" else " " * 13
            below = [s for s in ("length", "subjectivity") if not row.auc_lexicon > getattr(row, f"auc_{s}")]
            mark = f"   <- not above {' and '.join(below)}" if below else ""
            click.echo(
                f"{head:<{width}}  {lexicon}{whole}   length {row.auc_length:.3f}   "
                f"subjectivity {row.auc_subjectivity:.3f}{mark}"
            )
    try:
        write_evaluation(evaluation, out_dir)
    except MediaBiasError as error:
        raise _user_error(error) from error
    click.echo(f"Written to {out_dir}/ (open {out_dir / 'index.html'}).")
