"""A content-addressed cache of sentence splitting and sentiment, so a re-run after a lexicon edit skips them.

The cache is one SQLite file in a folder (default `.mediabias-cache/`). Keys hash each article's
clean text with the version of the sentence stage (score.SENTENCE_STAGE_VERSION: our code, syntok
and TextBlob versions), so an edited article, or a new version of any of them, misses the cache
and is computed again. The folder is safe to delete at any time.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

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
