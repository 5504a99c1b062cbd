"""The texts of the sentences the pages show, fetched by place (article_id, sentence_id).

The pages show a few sentences out of a corpus's millions. Each part of the pages names the places it
shows first and then fetches their texts in one call: of a sentence table a large run kept on disk in
partitions (support.stored), only the partitions that hold those places are read, their keys and text
alone, one partition at a time, so that every sentence's text is never held at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from pipeline.support.stored import PartitionedTable, StoredTable

Place = tuple[str, int]
TEXT_COLUMNS = ["article_id", "sentence_id", "text"]


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
        for part, wanted in _by_partition(self._sentences, missing):
            self._found.update(_texts_at(part, wanted))

    def get(self, place: Place) -> str | None:
        return self._found.get(place)

    def texts(self, places: list[Place]) -> list[str | None]:
        self.fetch(places)
        return [self.get(place) for place in places]


def _by_partition(sentences: Any, places: list[Place]) -> Iterable[tuple[pd.DataFrame, list[Place]]]:
    """(keys and texts of one partition, the places wanted of it), a partition at a time: for a table in
    memory or stored whole, the table itself."""
    if not isinstance(sentences, PartitionedTable):
        whole = sentences.load(TEXT_COLUMNS) if isinstance(sentences, StoredTable) else sentences
        yield whole, places
        return
    firsts = np.array([first for first, _ in sentences.bounds], dtype=object)
    partition = np.searchsorted(firsts, np.array([a for a, _ in places], dtype=object), side="right") - 1
    for k in sorted(set(partition.tolist()) - {-1}):
        yield sentences.part(k, TEXT_COLUMNS), [p for p, of in zip(places, partition, strict=True) if of == k]


def _texts_at(sentences: pd.DataFrame, places: list[Place]) -> dict[Place, str]:
    """The texts of `places` that `sentences` holds, found by an index of its keys (the texts not copied)."""
    index = pd.MultiIndex.from_arrays([sentences["article_id"].astype(str), sentences["sentence_id"].astype("int64")])
    rows = index.get_indexer(places)
    texts = sentences["text"]
    return {place: str(texts.iloc[row]) for place, row in zip(places, rows.tolist(), strict=True) if row >= 0}
