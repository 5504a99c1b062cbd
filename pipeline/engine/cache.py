"""Caches that let a re-run after a lexicon edit skip what the edit cannot change.

SentenceCache: per article, sentence splitting and sentiment (content-addressed, SQLite).
StageCache: per stage, whole-corpus results such as the clean articles and the events (pickles).

Both live in one folder (default `.mediabias-cache/`). Sentence keys hash each article's clean
text with the version of the sentence stage (score.SENTENCE_STAGE_VERSION: our code, syntok and
TextBlob versions); stage keys hash the corpus fingerprint, the lexicon files the stage reads, its
options and run.STAGE_CACHE_VERSION. An edited article or file, or a new version of the code,
misses the cache and is computed again. The folder is safe to delete at any time.

Every entry is signed with a key that only this user's account holds (`cache_key_file()`): an
entry this user's mediabias did not write (a cache folder in a downloaded bundle or a shared
project) is never unpickled, since unpickling runs code. A damaged, foreign or unwritable cache is
a warning in `problems`, and the run goes on computing what it cannot take from it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pipeline.schema import Problem, SentenceScores
from pipeline.support import pickling
from pipeline.support.stored import TableStore, dump_by_partition, load_by_partition

CACHE_FILE = "sentences.sqlite"
STAGE_FILE_MAGIC = b"mediabias-stage-2\n"
SIGNATURE_BYTES = hashlib.sha256().digest_size


def cache_key_file() -> Path:
    """Where this user's signing key lives: outside any cache folder, so that a copied cache carries no key."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mediabias" / "cache-signing-key"


def signing_key() -> bytes:
    """This user's key for signing cache entries, made on first use (readable by the user alone)."""
    path = cache_key_file()
    try:
        key = path.read_bytes()
        if len(key) == 32:
            return key
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    with os.fdopen(descriptor, "wb") as handle:  # mkstemp makes it readable by the user alone
        handle.write(key)
    os.replace(temporary, path)
    return key


class SentenceCache:
    """get/put SentenceScores by key; a `None` folder makes a cache that stores nothing."""

    def __init__(self, folder: Path | None):
        self.connection, self.problems = None, []
        if folder is None:
            return
        self.path = Path(folder) / CACHE_FILE
        try:
            self.key = signing_key()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open()
        except OSError as error:
            self._give_up(f"cannot be used ({error.strerror or error}); sentences are split and scored anew")
        except sqlite3.Error as error:
            self._start_anew(error)

    def _open(self) -> None:
        self.connection = sqlite3.connect(self.path)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS signed_sentences (key TEXT PRIMARY KEY, scores TEXT NOT NULL, mac TEXT NOT NULL)"
        )
        self.connection.execute("SELECT count(*) FROM signed_sentences").fetchone()

    def _start_anew(self, error: sqlite3.Error) -> None:
        """A damaged database file is set aside (never deleted: it may not be ours) and a new one begun."""
        self.close()
        aside = self.path.with_name(f"{self.path.name}.damaged")
        try:
            os.replace(self.path, aside)
            self._open()
        except (OSError, sqlite3.Error) as again:
            self._give_up(f"is damaged ({error}) and could not be set aside ({again}); sentences are scored anew")
            return
        self._warn(f"was damaged ({error}); set aside as {aside.name} and begun anew")

    def _give_up(self, reason: str) -> None:
        self.close()
        self._warn(reason)

    def _warn(self, reason: str) -> None:
        self.problems.append(Problem("cache", str(self.path), 0, reason, "warning"))

    def _mac(self, key: str, scores: str) -> str:
        return hmac.new(self.key, f"{key}\n{scores}".encode(), hashlib.sha256).hexdigest()

    def get_many(self, keys: Iterable[str]) -> dict[str, SentenceScores]:
        if self.connection is None:
            return {}
        wanted = sorted(set(keys))
        found: dict[str, SentenceScores] = {}
        foreign = 0
        try:
            for start in range(0, len(wanted), 500):
                batch = wanted[start : start + 500]
                rows = self.connection.execute(
                    f"SELECT key, scores, mac FROM signed_sentences WHERE key IN ({','.join('?' * len(batch))})",
                    batch,
                )
                for key, scores, mac in rows:
                    signed = hmac.compare_digest(str(mac).encode("utf-8", "replace"), self._mac(key, scores).encode())
                    parsed = _sentence_scores(scores) if signed else None
                    if parsed is None:
                        foreign += 1
                    else:
                        found[key] = parsed
        except sqlite3.Error as error:
            self._give_up(f"could not be read ({error}); sentences are scored anew")
            return {}
        if foreign:
            self._warn(f"{foreign} entry(ies) not written by this user's mediabias or damaged; scored anew")
        return found

    def put_many(self, entries: dict[str, SentenceScores]) -> None:
        if self.connection is None or not entries:
            return
        rows = []
        for key, scores in sorted(entries.items()):
            text = json.dumps(scores)
            rows.append((key, text, self._mac(key, text)))
        try:
            with self.connection:
                self.connection.executemany(
                    "INSERT OR REPLACE INTO signed_sentences (key, scores, mac) VALUES (?, ?, ?)", rows
                )
        except sqlite3.Error as error:
            self._give_up(f"could not be written ({error}); the next run scores these sentences again")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def _sentence_scores(text: str) -> SentenceScores | None:
    """Stored scores as [(start, end, polarity, subjectivity), ...], or None when they are not that."""
    try:
        scores = [tuple(s) for s in json.loads(text)]
    except (ValueError, TypeError):
        return None
    if all(len(s) == 4 and all(isinstance(v, int | float) for v in s) for s in scores):
        return scores
    return None


class StageCache:
    """Whole-corpus results of a stage (clean articles, events, alignments...), one signed pickle per stage.

    Each stage keeps only its latest result, under a key that hashes everything the result depends
    on (corpus fingerprint, lexicon files, options, stage version): a different key is a miss.
    Files are written atomically, and loaded only when their signature is this user's. A table kept
    in partitions is written and read a partition at a time (support.stored.dump_by_partition), back
    into the run's table store if it has one.
    A `None` folder makes a cache that stores nothing.
    """

    def __init__(self, folder: Path | None, store: TableStore | None = None):
        self.folder, self.problems, self.key = None if folder is None else Path(folder), [], None
        self.store = store  # where a table kept in partitions goes as it is read (support.stored)
        if self.folder is None:
            return
        try:
            self.key = signing_key()
        except OSError as error:
            self._give_up(str(cache_key_file()), f"cannot be made ({error.strerror or error}); the cache is not used")

    def _give_up(self, where: str, reason: str) -> None:
        self.folder = None
        self.problems.append(Problem("cache", where, 0, reason, "warning"))

    def load(self, stage: str, key: str) -> Any | None:
        if self.folder is None:
            return None
        path = self.folder / f"{stage}.pickle"
        try:
            with open(path, "rb") as handle:
                if handle.read(len(STAGE_FILE_MAGIC)) != STAGE_FILE_MAGIC:
                    return None  # an older version's file, or not ours: a miss, never unpickled
                # Checked and loaded through one descriptor: only its owner could change it in between.
                status = os.fstat(handle.fileno())
                private = status.st_uid == os.getuid() and not status.st_mode & 0o022
                if not private or not self._signed_by_us(handle):
                    self.problems.append(
                        Problem(
                            "cache",
                            str(path),
                            0,
                            "not written by this user's mediabias (or damaged): never loaded, computed again",
                            "warning",
                        )
                    )
                    return None
                if pickling.load(handle) != key:
                    return None  # another run's result: none of its tables is read
                value = load_by_partition(handle, self.store)
        except FileNotFoundError:
            return None
        except Exception as error:  # a signed file of an older version can fail in any way: a miss, never a crash
            self.problems.append(Problem("cache", str(path), 0, f"unreadable ({error}); computed again", "warning"))
            return None
        return value

    def _signed_by_us(self, handle: IO[bytes]) -> bool:
        """Whether the rest of the file, after its first line, is signed with this user's key; leaves
        `handle` at the pickle."""
        signature = handle.read(SIGNATURE_BYTES)
        if len(signature) < SIGNATURE_BYTES:
            return False
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        while block := handle.read(1 << 20):
            mac.update(block)
        handle.seek(len(STAGE_FILE_MAGIC) + SIGNATURE_BYTES)
        return hmac.compare_digest(mac.digest(), signature)

    def save(self, stage: str, key: str, value: Any) -> None:
        if self.folder is None:
            return
        temporary = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=f".{stage}-")
            with os.fdopen(descriptor, "w+b") as handle:
                handle.write(STAGE_FILE_MAGIC + bytes(SIGNATURE_BYTES))
                signing = _SigningWriter(handle, self.key)
                pickling.dump(key, signing)
                dump_by_partition(value, signing)
                handle.seek(len(STAGE_FILE_MAGIC))
                handle.write(signing.mac.digest())
            os.replace(temporary, self.folder / f"{stage}.pickle")
        except OSError as error:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            self._give_up(
                str(self.folder), f"cannot be written ({error.strerror or error}); the run goes on without it"
            )
        except BaseException:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise


class _SigningWriter:
    """A file-like writer that signs what passes through it."""

    def __init__(self, handle: IO[bytes], key: bytes):
        self.handle, self.mac = handle, hmac.new(key, digestmod=hashlib.sha256)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)


def cache_key(*parts: object) -> str:
    """A key hashing the given parts (strings, numbers, nested tuples and dicts), in order."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()
