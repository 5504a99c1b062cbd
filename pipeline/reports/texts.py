"""What the pages show of a sentence, fetched by place (article_id, sentence_id): its text and its hits.

The pages show a few sentences out of a corpus's millions. Each part of the pages names the places it
shows first and then fetches their texts and hits in one call each: of a table a large run kept on
disk in partitions (support.stored), only the partitions that hold those places are read, the columns
shown alone, one partition at a time, so that every sentence's text, or every hit, is never held at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pipeline.support.stored import PartitionedTable, StoredTable

Place = tuple[str, int]
# (start, end, label, kind) of a hit in its sentence: kind is its voice, or "negated"
Mark = tuple[int, int, str, str]
TEXT_COLUMNS = ["article_id", "sentence_id", "text"]
MARK_COLUMNS = ["article_id", "sentence_id", "start", "end", "term", "category", "weight", "voice", "negated"]


class SentenceTexts:
    """`fetch(places)` reads the texts of those places not fetched yet; `get(place)` gives one (None for a
    place the table does not hold); `texts(places)` both, for a list."""

    def __init__(self, sentences: pd.DataFrame | StoredTable | PartitionedTable):
        self._sentences = sentences
        self._found: dict[Place, str | None] = {}

    def fetch(self, places: Iterable[Place]) -> None:
        missing = list(dict.fromkeys(p for p in places if p not in self._found))
        if not missing:
            return
        self._found.update(dict.fromkeys(missing))  # a place no partition holds stays None
        for part, wanted in _by_partition(self._sentences, missing, TEXT_COLUMNS):
            self._found.update(_texts_at(part, wanted))

    def get(self, place: Place) -> str | None:
        return self._found.get(place)

    def texts(self, places: list[Place]) -> list[str | None]:
        self.fetch(places)
        return [self.get(place) for place in places]


class HitMarks:
    """`fetch(places)` reads the hits of those places not fetched yet; `get(place)` gives a place's hits
    to mark, [(start, end, label, kind)] in table order (fetching it first if it was not)."""

    def __init__(self, hits: pd.DataFrame | StoredTable | PartitionedTable):
        self._hits = hits
        self._found: dict[Place, list[Mark]] = {}

    def fetch(self, places: Iterable[Place]) -> None:
        missing = list(dict.fromkeys(p for p in places if p not in self._found))
        if not missing:
            return
        self._found.update((place, []) for place in missing)
        for part, wanted in _by_partition(self._hits, missing, MARK_COLUMNS):
            self._found.update(_marks_at(part, wanted))

    def get(self, place: Place) -> list[Mark]:
        self.fetch([place])
        return self._found[place]


def _by_partition(table: Any, places: list[Place], columns: list[str]) -> Iterable[tuple[pd.DataFrame, list[Place]]]:
    """(`columns` of one partition, the places wanted of it), a partition at a time: for a table in
    memory or stored whole, the table itself."""
    if not isinstance(table, PartitionedTable):
        yield (table.load(columns) if isinstance(table, StoredTable) else table), places
        return
    firsts = np.array([first for first, _ in table.bounds], dtype=object)
    partition = np.searchsorted(firsts, np.array([a for a, _ in places], dtype=object), side="right") - 1
    for k in sorted(set(partition.tolist()) - {-1}):
        yield table.part(k, columns), [p for p, of in zip(places, partition, strict=True) if of == k]


def _marks_at(hits: pd.DataFrame, places: list[Place]) -> dict[Place, list[Mark]]:
    """The marks of the hits of `places` that `hits` holds, in table order: only the rows of their
    articles are read as Python values, a few of a corpus's hits."""
    rows = hits[hits["article_id"].isin({article for article, _ in places}).to_numpy()]
    wanted, marks = set(places), {}
    columns = [rows[c].astype(str).tolist() for c in ("article_id", "term", "category", "voice")]
    numbers = [rows[c].tolist() for c in ("sentence_id", "start", "end", "weight", "negated")]
    for article, term, category, voice, sentence, start, end, weight, negated in zip(*columns, *numbers, strict=True):
        if (place := (article, int(sentence))) in wanted:
            kind = "negated" if negated else voice
            marks.setdefault(place, []).append((start, end, f"{term} · {category} · weight {weight:g} · {kind}", kind))
    return marks


def _texts_at(sentences: pd.DataFrame, places: list[Place]) -> dict[Place, str]:
    """The texts of `places` that `sentences` holds, found by an index of its keys (the texts not copied)."""
    index = pd.MultiIndex.from_arrays([sentences["article_id"].astype(str), sentences["sentence_id"].astype("int64")])
    rows = index.get_indexer(places)
    texts = sentences["text"]
    return {place: str(texts.iloc[row]) for place, row in zip(places, rows.tolist(), strict=True) if row >= 0}
