"""The per-article stage (flow.scored_articles) run in chunks: local processes or Dask, the sentence cache,
and, after a lexicon edit, matching again only the articles the edit can change.

The stage's tables are (sentences, hits, annotations); annotations depend on the clean articles and the
framing lexicons only (the stage's `depends`), so an edit of a loaded-language lexicon takes them from
the cache and the stage is called without framing lexicons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from pipeline.support.stored import loaded

if TYPE_CHECKING:
    from pipeline.engine.driver import Stage, _Driver

# Chunks' tables joined at a time while the others are scored.
JOIN_CHUNKS = 25
# Chunks smaller than this cost more in process start-up and pickling than they save in balance.
MIN_CHUNK_ARTICLES = 20
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
    articles = loaded(kept)
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
    if settings.on_start:
        settings.on_start(n_scored)
    framing_lexicons = driver.values[framing_name] if annotations is None else None
    pieces, not_cached = _score_in_chunks(
        partial(_score_chunk, stage.function),
        to_score,
        lexicon,
        framing_lexicons,
        driver.sentence_cache,
        partial(iter_chunks, jobs=settings.jobs, engine=settings.engine, scheduler=settings.scheduler),
        _chunk_size(len(to_score), settings.jobs, settings.chunk_articles),
        settings.on_scored,
    )
    del to_score  # the clean texts go before the pieces are joined, the peak of scoring
    sentences, hits, new_annotations = _joined(pieces, annotations is None)
    _cache_sentence_scores(driver.sentence_cache, not_cached, sentences)
    if changed is not None:
        sentences, hits = merge_rematched(before, redone, sentences, hits, article_ids)
    del before  # the last run's tables, merged: their texts must not outlive the joining of the new ones
    if annotations is None:
        annotations = new_annotations
        cache.save("annotations", annotations_key, annotations)
    cache.save("matching", matching_key, match_state(lexicon, sentences, hits))
    return_freed_memory()  # the chunks' tables, now joined
    # Only now, with the chunks' tables gone, so that the texts are never held three times.
    sentences["text"] = in_one_piece(sentences["text"])
    return_freed_memory()
    return (sentences, hits, annotations), output_keys, n_scored


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
) -> tuple[list[tuple], dict[str, str]]:
    """score_chunk over the articles in chunks of `size` (on `spread`, an iter_chunks), with the sentence
    scores the cache has; returns the chunks' tables joined in pieces (for _joined to join, once the
    caller has let go of the texts) and the articles whose scores the cache did not have
    (sentence cache key: article_id), for _cache_sentence_scores."""
    keys = [sentence_cache_key(text) for text in articles["text"]]
    known = cache.get_many(keys)
    chunks = []
    for start, stop in batches(len(articles), size):
        chunk_keys = set(keys[start:stop]) & known.keys()
        chunks.append((articles.iloc[start:stop], lexicon, framing_lexicons, {k: known[k] for k in sorted(chunk_keys)}))
    chunk_sizes = [len(chunk[0]) for chunk in chunks]
    done = (lambda k: on_scored(chunk_sizes[k])) if on_scored else None
    # Joined JOIN_CHUNKS at a time as they arrive, and the joined pieces at the end: holding every chunk's
    # tables until all were done, then joining them, doubles the peak.
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
    columns = ["article_id", "start", "end", "polarity", "subjectivity"]
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
