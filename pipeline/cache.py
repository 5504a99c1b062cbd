"""Caches that let a re-run after a lexicon edit skip what the edit cannot change.

SentenceCache: per article, sentence splitting and sentiment (content-addressed, SQLite).
StageCache: per stage, whole-corpus results such as the clean articles and the events (pickles).

Both live in one folder (default `.mediabias-cache/`). Sentence keys hash each article's clean
text with the version of the sentence stage (score.SENTENCE_STAGE_VERSION: our code, syntok and
TextBlob versions); stage keys hash the corpus fingerprint, the lexicon files the stage reads, its
options and run.STAGE_CACHE_VERSION. An edited article or file, or a new version of the code,
misses the cache and is computed again. The folder is safe to delete at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline import pickling
from pipeline.score import SentenceScores

CACHE_FILE = "sentences.sqlite"


class SentenceCache:
    """get/put SentenceScores by key; a `None` folder makes a cache that stores nothing."""

    def __init__(self, folder: Path | None):
        self.connection = None
        if folder is not None:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(Path(folder) / CACHE_FILE)
            self.connection.execute("CREATE TABLE IF NOT EXISTS sentences (key TEXT PRIMARY KEY, scores TEXT NOT NULL)")

    def get_many(self, keys: Iterable[str]) -> dict[str, SentenceScores]:
        if self.connection is None:
            return {}
        wanted = sorted(set(keys))
        found: dict[str, SentenceScores] = {}
        for start in range(0, len(wanted), 500):
            batch = wanted[start : start + 500]
            rows = self.connection.execute(
                f"SELECT key, scores FROM sentences WHERE key IN ({','.join('?' * len(batch))})", batch
            )
            found.update((key, [tuple(s) for s in json.loads(scores)]) for key, scores in rows)
        return found

    def put_many(self, entries: dict[str, SentenceScores]) -> None:
        if self.connection is None or not entries:
            return
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO sentences (key, scores) VALUES (?, ?)",
                [(key, json.dumps(scores)) for key, scores in sorted(entries.items())],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


class StageCache:
    """Whole-corpus results of a stage (clean articles, events, alignments...), one pickle per stage.

    Each stage keeps only its latest result, under a key that hashes everything the result depends
    on (corpus fingerprint, lexicon files, options, stage version): a different key is a miss.
    Files are written atomically. Pickles run code when loaded: use only a cache folder you made.
    A `None` folder makes a cache that stores nothing.
    """

    def __init__(self, folder: Path | None):
        self.folder = None if folder is None else Path(folder)

    def load(self, stage: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        path = self.folder / f"{stage}.pickle"
        try:
            with open(path, "rb") as handle:
                stored_key, value = pickling.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return None
        return value if stored_key == key else None

    def save(self, stage: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{stage}-")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                pickling.dump((key, value), handle)
            os.replace(temporary, self.folder / f"{stage}.pickle")
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def cache_key(*parts: object) -> str:
    """A key hashing the given parts (strings, numbers, nested tuples and dicts), in order."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
