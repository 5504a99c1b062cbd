"""Chain the stages, corpus folder and lexicon folder in, report tables out: the CLI's job, callable from a notebook."""

from __future__ import annotations

import datetime
import importlib.metadata
import platform
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.engine.cache import SentenceCache, StageCache, cache_key
from pipeline.engine.parallel import CHUNK_ARTICLES, Background, iter_chunks, map_items
from pipeline.engine.rematch import articles_to_rematch, changed_entries, match_state, merge_rematched
from pipeline.framing.annotations import (
    ANNOTATION_COLUMNS,
    ANNOTATION_DTYPES,
    actor_mentions,
    actor_rates,
    annotate,
    article_frame_table,
    attribution_table,
    distinctive_terms,
    event_contrasts,
    event_details,
    event_framing,
    frame_table,
    label_table,
)
from pipeline.framing.events import EVENT_DISTANCE_THRESHOLD, EVENT_WINDOW_DAYS, align_statements, group_events
from pipeline.measuring import statistics as compare
from pipeline.measuring.evaluate import (
    Evaluation,
    frame_scores,
    gold_frames,
    gold_labels,
    hit_spans,
    label_categories,
    label_scores,
    label_summary,
    locate_gold_spans,
    misses_and_false_alarms,
    read_gold,
    span_scores,
    text_scores,
)
from pipeline.measuring.score import (
    HIT_COLUMNS,
    HIT_DTYPES,
    SENTENCE_COLUMNS,
    SENTENCE_DTYPES,
    SENTENCE_STAGE_VERSION,
    SentenceScores,
    article_scores,
    corpus_scores,
    outlet_scores,
    score_articles,
    sentence_cache_key,
    sentence_scores,
)
from pipeline.measuring.statistics import outlet_intervals, outlet_vs_corpus, term_counts
from pipeline.reading.clean import clean_articles
from pipeline.reading.corpus import corpus_fingerprint, problems_frame, read_corpus
from pipeline.reading.lexicons import BOILERPLATE_FILE, RESERVED_FILES, Lexicon, read_framing_lexicons, read_lexicons
from pipeline.reports.report import Tables, label_chart_svg
from pipeline.support.dataframes import concat_tables, in_one_piece
from pipeline.support.memo import MEMO_VERSION, Memo, remembering
from pipeline.support.memory import return_freed_memory
from pipeline.tuning.tune import changes_since, lexicon_stats, name_like_words, run_snapshot, suggest_terms

# Part of every StageCache key: bump it whenever a change to the code could change what cleaning,
# event grouping, alignment or distinctive words give for the same inputs.
STAGE_CACHE_VERSION = f"{__version__}/stages-9"
# Chunks' tables joined at a time while the others are scored (see _score_in_chunks).
JOIN_CHUNKS = 25
# Chunks smaller than this cost more in process start-up and pickling than they save in balance.
MIN_CHUNK_ARTICLES = 20


def analyze(
    corpus_dir: Path,
    lexicon_dir: Path,
    previous_snapshot: dict | None = None,
    event_threshold: float = EVENT_DISTANCE_THRESHOLD,
    event_window_days: int = EVENT_WINDOW_DAYS,
    jobs: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    timings: dict | None = None,
    chunk_articles: int = CHUNK_ARTICLES,
    cache_dir: Path | None = None,
    on_start: Callable[[int], None] | None = None,
    on_scored: Callable[[int], None] | None = None,
) -> Tables:
    """Read, clean and score the corpus; return every table the reports show.

    `previous_snapshot` is the snapshot of the last run (report.read_snapshot), for the
    "Since the last run" section. Articles share an event when every pair is closer than
    `event_threshold` (cosine distance) and published at most `event_window_days` apart.
    The per-article work (sentences, sentiment, matching, actors, labels, frames) runs in chunks
    on `jobs` local processes, or on a Dask cluster with `engine="dask"` (`scheduler` = its address,
    else a local cluster); the tables are the same either way. `on_start(n)` is called with the
    number of articles about to be scored and `on_scored(k)` as k more are done, for progress;
    `timings`, if given, receives the seconds each stage took. With `cache_dir`, sentence splitting
    and sentiment are cached by article text and every lexicon-free stage by its inputs
    (pipeline.engine.cache); a re-run after a lexicon edit matches only the articles the edit can change
    (pipeline.engine.rematch) and recomputes only the statistics whose inputs changed (pipeline.support.memo).
    Problems of every stage are collected in `Tables.problems`; nothing is printed.
    """
    clock = _Clock(timings)
    _use_the_system_allocator_for_tables()
    corpus_dir, lexicon_dir = Path(corpus_dir), Path(lexicon_dir)
    stage_cache = StageCache(cache_dir)
    # Statistics whose inputs did not change since the last run are taken from the memo (pipeline.support.memo).
    with _memo_in(stage_cache):
        lexicon, lexicon_problems = read_lexicons(lexicon_dir)
        framing_lexicons, framing_problems = read_framing_lexicons(lexicon_dir)
        corpus_hash, n_files = corpus_fingerprint(corpus_dir)
        corpus_key = cache_key(STAGE_CACHE_VERSION, corpus_hash, dict(lexicon.file_hashes).get(BOILERPLATE_FILE, ""))
        prepared = stage_cache.load("corpus", corpus_key)
        if prepared is None:
            spread = partial(map_items, jobs=jobs, engine=engine, scheduler=scheduler, chunk_size=chunk_articles)
            # In a child process, which sends back only the results: what reading and cleaning allocate and
            # free (1.4 GB at its peak for 100,000 articles, 0.55 GB of results) never fragments this
            # process's heap. Measured, the run then starts scoring about 60 MB lower than when it trimmed
            # the freed memory itself.
            prepared, read_seconds = Background(
                read_and_clean,
                corpus_dir,
                lexicon.boilerplate,
                spread,
                enabled=engine == "local",
                starts_processes=True,
            ).result()
            clock.lap_parts(("read", read_seconds), "clean")
            stage_cache.save("corpus", corpus_key, prepared)
        else:
            clock.lap("clean")
        n_read, cleaned, removed_lines, corpus_problems, clean_problems = prepared
        del prepared  # so that the texts can go once scored
        # Annotations depend on the clean texts and the framing lexicons only: an edit of a loaded-language
        # lexicon reuses them.
        framing_hashes = {name: digest for name, digest in lexicon.file_hashes if name in RESERVED_FILES}
        annotations_key = cache_key(corpus_key, SENTENCE_STAGE_VERSION, framing_hashes)
        annotations = stage_cache.load("annotations", annotations_key)
        # The last run's sentences and hits: after a lexicon edit only the articles it can change are
        # scored again (pipeline.engine.rematch).
        matching_key = cache_key(corpus_key, SENTENCE_STAGE_VERSION)
        before = stage_cache.load("matching", matching_key) if annotations is not None else None
        changed = changed_entries(before, lexicon) if before is not None else None
        to_score = cleaned
        if changed is not None:
            redone = articles_to_rematch(cleaned, changed)
            to_score = cleaned[cleaned["article_id"].isin(redone)]
        if on_start:
            on_start(len(to_score))
        sentence_cache = SentenceCache(cache_dir)
        pieces, not_cached = _score_in_chunks(
            to_score,
            lexicon,
            framing_lexicons if annotations is None else None,
            sentence_cache,
            partial(iter_chunks, jobs=jobs, engine=engine, scheduler=scheduler),
            _chunk_size(len(to_score), jobs, chunk_articles),
            on_scored,
        )
        # Nothing after scoring reads the clean texts (events take each article's words from its
        # sentences): they go before the pieces are joined, the peak of scoring (0.36 GB at 100,000 articles).
        del to_score
        cleaned = cleaned.drop(columns="text")
        sentences, hits, new_annotations = _joined(pieces, annotations is None)
        _cache_sentence_scores(sentence_cache, not_cached, sentences)
        if changed is not None:
            sentences, hits = merge_rematched(before, redone, sentences, hits, cleaned["article_id"])
        del before  # the last run's tables, merged: their texts must not outlive the joining of the new ones
        if annotations is None:
            annotations = new_annotations
            stage_cache.save("annotations", annotations_key, annotations)
        stage_cache.save("matching", matching_key, match_state(lexicon, sentences, hits))
        return_freed_memory()  # the chunks' tables, now joined
        # Only now, with the chunks' tables gone, so that the texts are never held three times.
        sentences["text"] = in_one_piece(sentences["text"])
        return_freed_memory()
        clock.lap("split_score_match")
        categories = lexicon.categories
        outlets = outlet_scores(cleaned, sentences, hits, categories)
        outlets = outlets.merge(outlet_intervals(sentences), on="outlet", how="left")
        corpus = corpus_scores(sentences, hits, categories)
        terms = term_counts(hits, outlets)
        problems = pd.concat(
            [corpus_problems, problems_frame(lexicon_problems + framing_problems + clean_problems)], ignore_index=True
        )
        snapshot = run_snapshot(lexicon, outlets, terms)
        clock.lap("summaries")
        # Events, aligned statements, distinctive words and names depend on the clean texts and the event
        # options only, never on the lexicons: a re-run after a lexicon edit takes them from the cache.
        events_key = cache_key(corpus_key, event_threshold, event_window_days)
        lexicon_free = stage_cache.load("events", events_key)
        # What the framing tables take from the annotations alone is cached with them: a loaded-language
        # edit changes only the loaded rates and contrasts.
        framing_key = cache_key(annotations_key, events_key)
        lexicon_free_framing = stage_cache.load("framing", framing_key)
        # What does not wait for the events is computed beside them, in a second process; only when
        # events or framing tables are computed: beside the little a re-run does, a fork costs more than it saves.
        missing = lexicon_free is None or lexicon_free_framing is None
        # The summaries' freed temporaries, given back before a second process shares this heap.
        return_freed_memory()
        beside = Background(
            side_tables,
            sentences,
            annotations,
            hits,
            lexicon,
            None if lexicon_free is None else lexicon_free[3],
            lexicon_free_framing is None,
            enabled=missing and jobs > 1 and engine == "local",
            through_file=True,
        )
        if lexicon_free is None:
            events = group_events(cleaned, event_threshold, event_window_days, sentences=sentences)
        if lexicon_free is None:
            alignments = align_statements(sentences, events)
        else:
            events, alignments, _, _ = lexicon_free
        if lexicon_free_framing is None:
            frames, event_parts = (
                frame_table(sentences, annotations, events),
                event_framing(sentences, annotations, events),
            )
        side = beside.result()
        if lexicon_free is None:
            lexicon_free = (events, alignments, side.distinctive, side.names)
            stage_cache.save("events", events_key, lexicon_free)
        if lexicon_free_framing is None:
            lexicon_free_framing = (frames, *side.framing, event_parts)
            stage_cache.save("framing", framing_key, lexicon_free_framing)
        events, alignments, distinctive, _ = lexicon_free
        frames, labels, attribution, mentions, event_parts = lexicon_free_framing
        contrasts = event_contrasts(sentences, events)
        framing = {
            "events": events,
            "alignments": alignments,
            "actors": actor_rates(mentions, hits),
            "labels": labels,
            "attribution": attribution,
            "frames": frames,
            "article_frames": article_frame_table(sentences, annotations),
            "event_contrasts": contrasts,
            "event_details": event_details(event_parts, hits, frames, contrasts),
            "distinctive_terms": distinctive,
        }
        clock.lap("compare")
        tuning = {"lexicon_stats": lexicon_stats(lexicon, hits), "suggestions": side.suggestions}
        clock.lap("tune")
        return Tables(
            articles=article_scores(cleaned, sentences, hits, categories),
            sentences=sentences,
            hits=hits,
            outlets=outlets,
            corpus=corpus,
            contrasts=outlet_vs_corpus(outlets, corpus),
            terms=terms,
            removed_lines=removed_lines,
            problems=problems.sort_values(["stage", "source", "line"], kind="stable").reset_index(drop=True),
            categories=categories,
            snapshot=snapshot,
            changes=changes_since(previous_snapshot, snapshot),
            annotations=annotations,
            provenance=provenance(
                corpus_dir,
                lexicon_dir,
                lexicon.file_hashes,
                n_read=n_read,
                n_scored=len(cleaned),
                corpus=(corpus_hash, n_files),
            ),
            cache_problems=stage_cache.problems + sentence_cache.problems,
            **framing,
            **tuning,
        )


def read_and_clean(corpus_dir: Path, boilerplate, spread: Callable) -> tuple[tuple, float]:
    """((articles read, clean articles, removed lines, corpus problems, cleaning problems), seconds reading took)."""
    start = time.perf_counter()
    articles, corpus_problems = read_corpus(corpus_dir)
    read_seconds = time.perf_counter() - start
    cleaned, removed_lines, clean_problems = clean_articles(articles, boilerplate, spread)
    return (len(articles), cleaned, removed_lines, corpus_problems, clean_problems), read_seconds


@dataclass(frozen=True)
class SideTables:
    """What the comparison and tuning need that does not depend on the events (see side_tables)."""

    distinctive: pd.DataFrame | None
    names: frozenset[str]
    framing: tuple | None  # (labels, attribution, actor mentions)
    suggestions: pd.DataFrame


def side_tables(
    sentences: pd.DataFrame,
    annotations: pd.DataFrame,
    hits: pd.DataFrame,
    lexicon: Lexicon,
    names: frozenset[str] | None,
    with_framing: bool,
) -> SideTables:
    """Distinctive words and names (unless `names` are known from the cache), the labels, attribution and
    actor mentions (with `with_framing`), and the suggestions, which need the names."""
    # This runs beside event grouping, whose memory the whole process tree adds to: the framing tables,
    # the steps that take the most memory for a moment (about 0.5 GB at 100,000 articles), come first,
    # while event grouping is still counting words, not at its peak; each step's freed temporaries
    # are handed back before the next.
    framing = None
    if with_framing:
        labels, attribution = label_table(annotations), attribution_table(annotations)
        return_freed_memory()
        framing = (labels, attribution, actor_mentions(sentences, annotations))
        return_freed_memory()
    distinctive = None
    if names is None:
        distinctive = distinctive_terms(sentences)
        return_freed_memory()
        names = name_like_words(sentences["text"])
    return SideTables(distinctive, names, framing, suggest_terms(sentences, hits, lexicon, names=names))


@contextmanager
def _memo_in(stage_cache: StageCache) -> Iterator[None]:
    """Within the block, remembered statistics come from the memo the last run stored in the stage cache;
    afterwards the ones this run used are stored for the next."""
    # The statistics' settings are part of the key: changing one must not return results of the other.
    settings = (
        compare.BOOTSTRAP_SAMPLES,
        compare.PERMUTATIONS,
        compare.PERMUTATION_EXACT_MAX_ROWS,
        compare.RANDOM_SEED,
    )
    key = cache_key(STAGE_CACHE_VERSION, MEMO_VERSION, settings)
    memo = Memo(stage_cache.load("memo", key))
    with remembering(memo):
        yield
    stage_cache.save("memo", key, memo.used)


def _use_the_system_allocator_for_tables() -> None:
    """Let the tables' string storage (pyarrow) allocate with the C library instead of its own pool.

    pyarrow's default pool (mimalloc) keeps what a stage frees for later; the C library gives large
    blocks back at once, so a stage's temporary copies do not add to the next stage's peak.
    """
    try:
        import pyarrow
    except ImportError:  # pandas then keeps strings as Python objects
        return
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())


class _Clock:
    """Records the seconds since the last lap under a stage's name, when asked to."""

    def __init__(self, timings: dict | None):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = round(now - self.last, 3)
        self.last = now

    def lap_parts(self, known: tuple[str, float], rest: str) -> None:
        """A lap made of two stages, the first of which took `known` seconds (timed elsewhere)."""
        stage, seconds = known
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage], self.timings[rest] = round(seconds, 3), round(now - self.last - seconds, 3)
        self.last = now


def score_chunk(payload: tuple) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """The per-article work for one chunk of clean articles: (sentences, hits, annotations).

    `payload` is (articles, lexicon, framing lexicons or None to skip annotation, cached sentence
    scores by key). The sentence scores computed here need not come back: the sentences table
    holds them (see _sentence_scores_of).
    """
    articles, lexicon, framing_lexicons, known = payload
    known = dict(known)
    for text in articles["text"]:  # an article text that occurs twice is split and scored once
        key = sentence_cache_key(text)
        if key not in known:
            known[key] = sentence_scores(text)
    words: dict = {}
    sentences, hits = score_articles(articles, lexicon, known, words)
    annotations = None if framing_lexicons is None else annotate(articles, sentences, framing_lexicons, words)
    return sentences, hits, annotations


def _score_in_chunks(
    articles: pd.DataFrame,
    lexicon: Lexicon,
    framing_lexicons,
    cache: SentenceCache,
    spread: Callable,
    size: int,
    on_scored: Callable[[int], None] | None,
) -> tuple[list[tuple], dict[str, str]]:
    """score_chunk over the articles in chunks of `size` (on `spread`, an iter_chunks), with the sentence
    scores the cache has; returns the chunks' tables joined in pieces (for _joined to join, once the
    caller has let go of the texts) and the articles whose scores the cache did not have
    (sentence cache key: article_id), for _cache_sentence_scores."""
    keys = [sentence_cache_key(text) for text in articles["text"]]
    known = cache.get_many(keys)
    chunks = []
    for start in range(0, len(articles), size):
        chunk_keys = set(keys[start : start + size]) & known.keys()
        chunks.append(
            (articles.iloc[start : start + size], lexicon, framing_lexicons, {k: known[k] for k in sorted(chunk_keys)})
        )
    chunk_sizes = [len(chunk[0]) for chunk in chunks]
    done = (lambda k: on_scored(chunk_sizes[k])) if on_scored else None
    # The chunks' tables are joined JOIN_CHUNKS at a time as they arrive, and the joined pieces at the
    # end: holding every chunk's tables until all were done, then joining them, took 3.5 GB at its peak
    # at 100,000 articles for 1.4 GB of tables.
    pieces: list[tuple] = []
    waiting: list[tuple] = []
    for result in spread(score_chunk, chunks, on_done=done) if chunks else []:
        waiting.append(result)
        if len(waiting) == JOIN_CHUNKS:
            pieces.append(_joined(waiting, framing_lexicons is not None))
            waiting = []
    if waiting:
        pieces.append(_joined(waiting, framing_lexicons is not None))
    not_cached = {
        key: article_id for key, article_id in zip(keys, articles["article_id"], strict=True) if key not in known
    }
    return pieces, not_cached


def _cache_sentence_scores(cache: SentenceCache, article_of_key: dict[str, str], sentences: pd.DataFrame) -> None:
    """Store the sentence scores of the articles named by `article_of_key` (key: article_id), read back
    from `sentences`, in the cache."""
    for batch in _sentence_scores_of(article_of_key, sentences):
        cache.put_many(batch)
    cache.close()


def _sentence_scores_of(
    article_of_key: dict[str, str], sentences: pd.DataFrame, batch: int = 5_000, block: int = 100_000
) -> Iterator[dict[str, SentenceScores]]:
    """The SentenceScores of the articles named by `article_of_key` (key: article_id), read back from
    their rows in `sentences`, `batch` articles at a time.

    Every sentence split and scored is a row, and an article's rows are together and in order (as
    score_articles writes them), so the rows are read `block` at a time and never all at once.
    """
    keys_of: dict[str, list[str]] = {}
    for key, article_id in article_of_key.items():
        keys_of.setdefault(article_id, []).append(key)
    found: dict[str, SentenceScores] = {}
    current, scores = None, []
    columns = ["article_id", "start", "end", "polarity", "subjectivity"]
    for first in range(0, len(sentences), block):
        rows = zip(*(sentences[c].iloc[first : first + block].tolist() for c in columns), strict=True)
        for article_id, start, end, polarity, subjectivity in rows:
            if article_id != current:
                found.update(dict.fromkeys(keys_of.pop(current, ()), scores))
                if len(found) >= batch:
                    yield found
                    found = {}
                current, scores = article_id, []
            if current in keys_of:
                scores.append((start, end, polarity, subjectivity))
    found.update(dict.fromkeys(keys_of.pop(current, ()), scores))
    for keys in keys_of.values():  # articles without a sentence
        found.update({key: [] for key in keys})
    rest = list(found.items())
    for first in range(0, len(rest), batch):
        yield dict(rest[first : first + batch])


def _chunk_size(n_articles: int, jobs: int, most: int) -> int:
    """Articles per chunk: at most `most`, and small enough that every process gets about four chunks."""
    return max(1, min(most, max(MIN_CHUNK_ARTICLES, -(-n_articles // (4 * max(1, jobs))))))


def _joined(results: list[tuple], annotated: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """score_chunk results (or results of this function) as one (sentences, hits, annotations); `results`
    is emptied, so that each table can go as soon as it is joined."""
    tables = [list(result) for result in results]
    results.clear()
    sentences = concat_tables([table.pop(0) for table in tables], SENTENCE_COLUMNS, SENTENCE_DTYPES)
    hits = concat_tables([table.pop(0) for table in tables], HIT_COLUMNS, HIT_DTYPES)
    annotations = (
        concat_tables([table.pop(0) for table in tables], ANNOTATION_COLUMNS, ANNOTATION_DTYPES) if annotated else None
    )
    return sentences, hits, annotations


def clean_corpus(corpus_dir: Path, lexicon_dir: Path) -> tuple[pd.DataFrame, Lexicon]:
    """The corpus's clean articles (with `text`) and the lexicon, for the tuning commands."""
    lexicon, _ = read_lexicons(Path(lexicon_dir))
    articles, _ = read_corpus(Path(corpus_dir))
    cleaned, _, _ = clean_articles(articles, lexicon.boilerplate)
    return cleaned, lexicon


def provenance(
    corpus_dir: Path, lexicon_dir: Path, file_hashes, n_read: int, n_scored: int, corpus: tuple[str, int] | None = None
) -> dict:
    """What produced a run, so a published finding can be reproduced: versions, inputs' hashes, options, date.

    `corpus` is the corpus's (fingerprint, file count) when already computed.
    """
    corpus_hash, n_files = corpus or corpus_fingerprint(corpus_dir)
    return {
        "mediabias_version": __version__,
        "run_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "options": {"corpus": str(corpus_dir), "lexicons": str(lexicon_dir)},
        "corpus_sha256": corpus_hash,
        "corpus_files": n_files,
        "articles_read": n_read,
        "articles_scored": n_scored,
        "lexicon_files_sha256": dict(file_hashes),
        "python": platform.python_version(),
        "textblob": importlib.metadata.version("textblob"),
    }


def evaluate_against_gold(
    gold_text: str,
    gold_source: str,
    corpus_dir: Path,
    lexicon_dir: Path,
    techniques_column: str | None = None,
    label_columns: tuple[str, ...] = (),
    mapping: dict[str, str] | None = None,
) -> Evaluation:
    """Score the lexicons against a gold file: span gold, labelled texts or article-level frames (see pipeline.measuring.evaluate).

    Labelled texts are scored one by one, each as an article of its own (a paragraph is split into
    sentences); `mapping` (label -> lexicon category or "all") overrides the default categories.
    Frame gold is scored on the corpus articles it names: their frame cues (lexicons/frames.csv).
    """
    kind, gold = read_gold(gold_text, gold_source, techniques_column, label_columns)
    if kind == "labels":
        lexicon, _ = read_lexicons(Path(lexicon_dir))
        texts, labels, problems = gold_labels(gold, techniques_column, label_columns)
        rows = pd.DataFrame({"article_id": [f"g{line}" for line in texts["gold_line"]], "outlet": "gold"})
        rows["text"] = texts["text"].to_numpy()
        sentences, hits = score_articles(rows, lexicon)
        categories = label_categories(list(labels.columns), lexicon.categories, mapping or {})
        table = label_scores(labels, text_scores(rows, sentences, hits, lexicon.categories), categories)
        chart = label_chart_svg(label_summary(table)) if len(table) else ""
        return Evaluation("labels", label_scores=table, chart=chart, problems=problems)
    cleaned, lexicon = clean_corpus(corpus_dir, lexicon_dir)
    if kind == "frames":
        labels, problems = gold_frames(gold, cleaned["article_id"])
        coded = cleaned[cleaned["article_id"].isin(labels["article_id"])]
        framing_lexicons, _ = read_framing_lexicons(Path(lexicon_dir))
        sentences, _ = score_articles(coded, lexicon)
        per_article = article_frame_table(sentences, annotate(coded, sentences, framing_lexicons))
        lengths = sentences.groupby(sentences["article_id"].astype(str)).size()
        return Evaluation("frames", frame_scores=frame_scores(labels, per_article, lengths), problems=problems)
    sentences, hits = score_articles(cleaned, lexicon)
    spans, problems = locate_gold_spans(gold, cleaned)
    located = hit_spans(hits, sentences)
    misses, false_alarms = misses_and_false_alarms(spans, located, cleaned)
    return Evaluation(
        "span",
        span_scores=span_scores(spans, located),
        misses=misses,
        false_alarms=false_alarms,
        gold_spans=spans,
        problems=problems,
    )
