"""Results of per-file work kept between checks, keyed by what the result is a function of.

One SQLite file in the worker's cache folder. Not one file per entry: a check of Django looks
up about 10,000 entries (3,261 files times the analysers reading them), and opening, writing
and renaming that many small files costs about as much as analysing them. SQLite writes each
transaction atomically (a crash loses at most the last one, never half of it) and serialises
writers across threads and processes.

The keys are content addresses (a git blob id, the analyser's configuration): an entry says
only what the analysis of that content gives, so one cache serves every task of the worker
without telling one tenant anything about another's code. A cache that cannot be read
(truncated, not a database) is dropped and rebuilt; a busy one is skipped: either way the
check analyses what it could not look up, it never fails because of the cache.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

# Past this many entries the least recently used tenth goes (about 150 MB of findings).
MAX_ENTRIES = 1_000_000
# How long a writer waits for another process's transaction before skipping the cache.
BUSY_SECONDS = 5.0
# SQLite's limit on the parameters of one statement is 32,766 (999 before 3.32).
_CHUNK = 900
_DAY = 86_400
_T = TypeVar("_T")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS entries ("
    " key TEXT PRIMARY KEY, value TEXT NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID"
)


@dataclass
class CacheCounts:
    """What the cache did during one check: the service's and the tests' view of reuse."""

    hits: int = 0
    misses: int = 0
    stored: int = 0
    dropped: str | None = None  # why the cache file was found unreadable and rebuilt


class ResultCache:
    """A bounded key → text store in one SQLite file; safe to share between threads.

    Each call opens its own connection (about a millisecond): SQLite's file locks, not this
    object, keep concurrent checks in one process and in several from each other's way.
    """

    def __init__(self, path: Path, *, max_entries: int = MAX_ENTRIES) -> None:
        self.path = path
        self.max_entries = max_entries
        self.counts = CacheCounts()
        self._lock = threading.Lock()  # the counters, and dropping the file
        self._prepare = threading.Lock()  # one thread switches a new file to WAL at a time
        self._prepared = False

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        """The entries of `keys` the cache holds; the others are misses."""
        wanted = list(dict.fromkeys(keys))

        def read(db: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value FROM entries WHERE key IN ({marks})"
                found.update(db.execute(query, chunk).fetchall())
            self._touch(db, list(found))
            return found

        found = self._using(read, {}) if wanted else {}
        with self._lock:
            self.counts.hits += len(found)
            self.counts.misses += len(wanted) - len(found)
        return found

    def put_many(self, entries: Mapping[str, str]) -> None:
        """Keep `entries` (one transaction), then trim the cache to its bound."""
        if not entries:
            return
        today = int(time.time()) // _DAY
        rows = [(key, value, today) for key, value in entries.items()]

        def write(db: sqlite3.Connection) -> int:
            with db:
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
            self._trim(db)
            return len(rows)

        stored = self._using(write, 0)
        with self._lock:
            self.counts.stored += stored

    def _touch(self, db: sqlite3.Connection, keys: list[str]) -> None:
        """Mark `keys` used today: at most one write per entry and day, not one per hit."""
        today = int(time.time()) // _DAY
        try:
            with db:
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    update = f"UPDATE entries SET used = ? WHERE used < ? AND key IN ({marks})"
                    db.execute(update, [today, today, *chunk])
        except sqlite3.OperationalError:
            pass  # busy: the entries read are still good; they only look older when trimming

    def _trim(self, db: sqlite3.Connection) -> None:
        (count,) = db.execute("SELECT count(*) FROM entries").fetchone()
        if count <= self.max_entries:
            return
        excess = count - self.max_entries * 9 // 10
        oldest = "SELECT key FROM entries ORDER BY used LIMIT ?"
        with db:
            db.execute(f"DELETE FROM entries WHERE key IN ({oldest})", (excess,))

    def _using(self, work: Callable[[sqlite3.Connection], _T], fallback: _T) -> _T:
        """`work` on a connection of its own, or `fallback` when the cache cannot serve it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
            try:
                if not self._prepared:
                    # Switching to WAL takes the file's exclusive lock without waiting on the
                    # busy timeout: threads racing to do it would fail (and go without).
                    with self._prepare:
                        db.execute("PRAGMA journal_mode=WAL")  # readers never wait for writers
                        db.execute(_SCHEMA)
                        self._prepared = True
                db.execute("PRAGMA synchronous=NORMAL")
                return work(db)
            finally:
                db.close()
        except sqlite3.OperationalError:
            # Busy past the timeout, a full disk, a read-only folder: this check goes without.
            return fallback
        except sqlite3.DatabaseError as exc:
            # Not a database, or a malformed one (a truncated file): start again from empty.
            with self._lock:
                self.counts.dropped = str(exc)
                self._drop()
            return fallback
        except OSError:
            return fallback  # the cache folder cannot be made

    def _drop(self) -> None:
        self._prepared = False
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                self.path.with_name(self.path.name + suffix).unlink()
