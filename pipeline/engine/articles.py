"""The per-article stage (flow.scored_articles) run in chunks: local processes or Dask, the sentence cache,
and, after a lexicon edit, matching again only the articles the edit can change.

The stage's tables are (sentences, hits, annotations); annotations depend on the clean articles and the
framing lexicons only (the stage's `depends`), so an edit of a loaded-language lexicon takes them from
the cache and the stage is called without framing lexicons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.engine.parallel import iter_chunks
from pipeline.engine.rematch import articles_to_rematch, changed_entries, match_state, merge_rematched
from pipeline.measuring.score import sentence_cache_key
from pipeline.schema import (
    ANNOTATION_COLUMNS,
    ANNOTATION_DTYPES,
    HIT_COLUMNS,
    HIT_DTYPES,
    SENTENCE_COLUMNS,
    SENTENCE_DTYPES,
    SentenceScores,
)
from pipeline.support.dataframes import batches, concat_tables, in_one_piece
from pipeline.support.memory import return_freed_memory
from pipeline.support.stored import PartitionedTable, TableStore, loaded, on_disk

if TYPE_CHECKING:
    from pipeline.engine.driver import Stage, _Driver

# Chunks' tables joined at a time while the others are scored.
JOIN_CHUNKS = 25
# Chunks smaller than this cost more in process start-up and pickling than they save in balance.
MIN_CHUNK_ARTICLES = 20
# The per-article stage's tables, in the order it returns them.
OUTPUT_NAMES = ("sentences", "hits", "annotations")
# What the sentence cache keeps of each sentence.
SENTENCE_SCORE_COLUMNS = ["article_id", "start", "end", "polarity", "subjectivity"]
# Articles whose sentence scores are written to the cache at a time.
CACHE_BATCH = 5_000


def run_per_article(driver: _Driver, stage: Stage) -> tuple[tuple, dict[str, str], int]:
    """The stage's (sentences, hits, annotations), their keys, and how many articles were scored anew."""
    articles_name, lexicon_name, framing_name = stage.inputs[:3]
    annotations_key = driver.stage_key(stage, stage.depends["annotations"])
    matching_key = driver.stage_key(stage, (articles_name,))
    output_keys = {
        "sentences": driver.stage_key(stage),
        "hits": driver.stage_key(stage),
        "annotations": annotations_key,
    }
    cache, lexicon = driver.cache, driver.values[lexicon_name]
    annotations = cache.load("annotations", annotations_key)
    # The last run's sentences and hits: after a lexicon edit only the articles it can change are scored again.
    before = cache.load("matching", matching_key) if annotations is not None else None
    changed = changed_entries(before, lexicon) if before is not None else None
    last_use = driver.uses[articles_name] == 1 and articles_name not in driver.wanted
    kept = driver.values.pop(articles_name) if last_use else driver.values[articles_name]
    articles, large = loaded(kept), on_disk(kept)
    if last_use and driver.settings.store is not None:
        driver.settings.store.discard(kept)  # read, and never again
    del kept
    to_score = articles
    if changed is not None:
        redone = articles_to_rematch(articles, changed)
        to_score = articles[articles["article_id"].isin(redone)]
    article_ids = articles["article_id"]
    del articles
    settings, n_scored = driver.settings, len(to_score)
    store = settings.store
    # On a large run (its clean articles kept on disk), the tables are kept on disk in partitions of
    # articles, each written as its chunks finish; then each stage that reads an article's rows alone
    # reads a partition at a time.
    partitions = article_partitions(article_ids, settings.partition_articles) if large else None
    if settings.on_start:
        settings.on_start(n_scored)
    framing_lexicons = driver.values[framing_name] if annotations is None else None
    scored = _score_in_chunks(
        partial(_score_chunk, stage.function),
        to_score,
        lexicon,
        framing_lexicons,
        driver.sentence_cache,
        partial(iter_chunks, jobs=settings.jobs, engine=settings.engine, scheduler=settings.scheduler),
        _chunk_size(len(to_score), settings.jobs, settings.chunk_articles),
        settings.on_scored,
        partitions if changed is None else None,
        store,
    )
    pieces, not_cached = scored
    del to_score, scored  # the clean texts go before the pieces are joined, the peak of scoring
    if changed is None and partitions:
        sentences, hits, new_annotations = _in_partitions(pieces, partitions)
    else:
        sentences, hits, new_annotations = _joined(pieces, annotations is None)
    if not_cached:
        _cache_sentence_scores(driver.sentence_cache, not_cached, loaded(sentences, SENTENCE_SCORE_COLUMNS))
    if changed is not None and not redone and _partitioned_as(partitions, before.sentences, before.hits):
        sentences, hits = before.sentences, before.hits  # the last run's, as they are, on disk
    elif changed is not None:
        held = replace(before, sentences=loaded(before.sentences), hits=loaded(before.hits))
        _let_go(store, before.sentences, before.hits)
        sentences, hits = merge_rematched(held, redone, loaded(sentences), loaded(hits), article_ids)
        del held
    elif before is not None:
        _let_go(store, before.sentences, before.hits)
    del before  # the last run's tables, merged: their texts must not outlive the joining of the new ones
    if annotations is None:
        annotations = new_annotations
        cache.save("annotations", annotations_key, annotations)
    cache.save("matching", matching_key, match_state(lexicon, sentences, hits))
    return_freed_memory()  # the chunks' tables, now joined
    if partitions:
        tables = (sentences, hits, annotations)
        sentences, hits, annotations = (
            table if _partitioned_as(partitions, table) else store.put_split(name, loaded(table), partitions.bounds)
            for name, table in zip(stage.outputs, tables, strict=True)
        )
        _let_go(store, *(table for table in tables if not _partitioned_as(partitions, table)))
        del tables
    else:
        # A small run holds its tables, whatever the cache gave (the tables of a --low-memory run, on disk).
        whole = (loaded(sentences), loaded(hits), loaded(annotations))
        _let_go(store, sentences, hits, annotations)
        sentences, hits, annotations = whole
        del whole
        # Only now, with the chunks' tables gone, so that the texts are never held three times.
        sentences["text"] = in_one_piece(sentences["text"])
    return_freed_memory()
    return (sentences, hits, annotations), output_keys, n_scored


def _partitioned_as(partitions: Partitions | None, *tables) -> bool:
    """Whether each of the tables is kept in these partitions."""
    return partitions is not None and all(
        isinstance(table, PartitionedTable) and table.bounds == partitions.bounds for table in tables
    )


def _let_go(store: TableStore | None, *tables) -> None:
    """Remove the files of those of the tables kept in the store (support.stored): read, or replaced."""
    if store is None:
        return
    for table in tables:
        store.discard(table)


@dataclass(frozen=True)
class Partitions:
    """Consecutive runs of articles (in article id order): each run's rows (start, stop) in the article
    list, and its first and last article id."""

    rows: tuple[tuple[int, int], ...]
    bounds: tuple[tuple[str, str], ...]


def article_partitions(article_ids: pd.Series, size: int) -> Partitions | None:
    """The articles (in article id order, as cleaning leaves them) in runs of `size`; None for none."""
    rows = tuple(batches(len(article_ids), size))
    if not rows:
        return None
    ids = article_ids.astype(str)
    return Partitions(rows, tuple((ids.iat[start], ids.iat[stop - 1]) for start, stop in rows))


def _in_partitions(pieces: list[tuple], partitions: Partitions) -> tuple:
    """The pieces (one per partition, each a tuple of StoredTables, None for annotations not made) as
    PartitionedTables."""
    return tuple(
        PartitionedTable(parts, parts[0].column_index, partitions.bounds) if parts[0] is not None else None
        for parts in zip(*pieces, strict=True)
    )


def _score_chunk(function: Callable, payload: tuple) -> tuple:
    """The stage over one chunk: payload is (articles, lexicon, framing lexicons or None, known sentence scores)."""
    articles, lexicon, framing_lexicons, known = payload
    return function(articles, lexicon, framing_lexicons, dict(known))


def _score_in_chunks(
    score_chunk: Callable,
    articles: pd.DataFrame,
    lexicon,
    framing_lexicons,
    cache,
    spread: Callable,
    size: int,
    on_scored: Callable[[int], None] | None,
    partitions: Partitions | None = None,
    store: TableStore | None = None,
) -> tuple[list[tuple], dict[str, str]]:
    """score_chunk over the articles in chunks of `size` (on `spread`, an iter_chunks), with the sentence
    scores the cache has; returns the chunks' tables joined in pieces (for _joined to join, once the
    caller has let go of the texts) and the articles whose scores the cache did not have
    (sentence cache key: article_id), for _cache_sentence_scores. With `partitions` (of these
    articles) and a `store`, each partition's chunks are one piece, put in the store as it is joined."""
    keys = [sentence_cache_key(text) for text in articles["text"]]
    known = cache.get_many(keys)
    chunks, partition_ends = [], set()  # a partition's last chunk is one before its end
    for first, last in partitions.rows if partitions is not None else [(0, len(articles))]:
        for start, stop in batches(last - first, size):
            chunk_keys = set(keys[first + start : first + stop]) & known.keys()
            chunk = articles.iloc[first + start : first + stop]
            chunks.append((chunk, lexicon, framing_lexicons, {k: known[k] for k in sorted(chunk_keys)}))
        partition_ends.add(len(chunks))
    chunk_sizes = [len(chunk[0]) for chunk in chunks]
    done = (lambda k: on_scored(chunk_sizes[k])) if on_scored else None
    annotated = framing_lexicons is not None

    def piece(waiting: list[tuple]) -> tuple:
        joined = _joined(waiting, annotated)
        if partitions is None:
            return joined
        joined[0]["text"] = in_one_piece(joined[0]["text"])  # as the whole table's, for the stages that take rows
        return tuple(None if t is None else store.put(name, t) for name, t in zip(OUTPUT_NAMES, joined, strict=True))

    # Joined JOIN_CHUNKS at a time (or a partition at a time) as they arrive, and the joined pieces at the
    # end: holding every chunk's tables until all were done, then joining them, doubles the peak.
    pieces: list[tuple] = []
    waiting: list[tuple] = []
    for k, result in enumerate(spread(score_chunk, chunks, on_done=done) if chunks else []):
        waiting.append(result)
        if (k + 1 in partition_ends) if partitions is not None else len(waiting) == JOIN_CHUNKS:
            pieces.append(piece(waiting))
            waiting = []
    if waiting:
        pieces.append(piece(waiting))
    not_cached = {
        key: article_id for key, article_id in zip(keys, articles["article_id"], strict=True) if key not in known
    }
    return pieces, not_cached


def _cache_sentence_scores(cache, article_of_key: dict[str, str], sentences: pd.DataFrame) -> None:
    """Store the sentence scores of the articles named by `article_of_key` (key: article_id), read back
    from `sentences`, in the cache."""
    for batch in sentence_scores_of(article_of_key, sentences):
        cache.put_many(batch)


def sentence_scores_of(
    article_of_key: dict[str, str], sentences: pd.DataFrame, batch: int = CACHE_BATCH, block: int | None = None
) -> Iterator[dict[str, SentenceScores]]:
    """The SentenceScores of the articles named by `article_of_key` (key: article_id), read back from
    their rows in `sentences`, `batch` articles at a time.

    Every sentence split and scored is a row, and an article's rows are together and in order (as
    score_articles writes them), so the rows are read a block at a time and never all at once.
    """
    keys_of: dict[str, list[str]] = {}
    for key, article_id in article_of_key.items():
        keys_of.setdefault(article_id, []).append(key)
    found: dict[str, SentenceScores] = {}
    current, scores = None, []
    columns = SENTENCE_SCORE_COLUMNS
    for first, last in batches(len(sentences), block):
        rows = zip(*(sentences[c].iloc[first:last].tolist() for c in columns), strict=True)
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
    for first, last in batches(len(rest), batch):
        yield dict(rest[first:last])


def _chunk_size(n_articles: int, jobs: int, most: int) -> int:
    """Articles per chunk: at most `most`, and small enough that every process gets about four chunks."""
    return max(1, min(most, max(MIN_CHUNK_ARTICLES, -(-n_articles // (4 * max(1, jobs))))))


def _joined(results: list[tuple], annotated: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """Chunk results (or results of this function) as one (sentences, hits, annotations); `results`
    is emptied, so that each table can go as soon as it is joined."""
    tables = [list(result) for result in results]
    results.clear()
    sentences = concat_tables([table.pop(0) for table in tables], SENTENCE_COLUMNS, SENTENCE_DTYPES)
    hits = concat_tables([table.pop(0) for table in tables], HIT_COLUMNS, HIT_DTYPES)
    annotations = (
        concat_tables([table.pop(0) for table in tables], ANNOTATION_COLUMNS, ANNOTATION_DTYPES) if annotated else None
    )
    return sentences, hits, annotations
