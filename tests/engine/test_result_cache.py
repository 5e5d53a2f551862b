"""The reuse cache's store: bounded, shared by threads, rebuilt when its file is unreadable."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from opencheck.engine.result_cache import ResultCache


def test_entries_come_back_and_misses_are_counted(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "deep" / "reuse.sqlite")
    cache.put_many({"a": "[]", "b": '[["x:y",1,1,"m"]]'})
    assert cache.get_many(["a", "b", "c", "a"]) == {"a": "[]", "b": '[["x:y",1,1,"m"]]'}
    assert (cache.counts.hits, cache.counts.misses, cache.counts.stored) == (2, 1, 2)


def test_past_its_bound_the_cache_keeps_nine_tenths(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "reuse.sqlite", max_entries=100)
    cache.put_many({f"k{n}": "[]" for n in range(100)})
    assert len(cache.get_many(f"k{n}" for n in range(100))) == 100
    cache.put_many({"new": "[]"})
    kept = cache.get_many([*(f"k{n}" for n in range(100)), "new"])
    assert len(kept) == 90


def test_threads_share_one_cache(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "reuse.sqlite")

    def work(n: int) -> dict[str, str]:
        cache.put_many({f"{n}-{i}": str(i) for i in range(50)})
        return cache.get_many(f"{n}-{i}" for i in range(50))

    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(work, range(16)))
    assert all(len(entries) == 50 for entries in found)
    assert cache.counts.dropped is None


def test_a_file_that_is_no_database_is_dropped_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "reuse.sqlite"
    path.write_bytes(b"not a database at all" * 500)
    cache = ResultCache(path)
    assert cache.get_many(["a"]) == {}
    assert cache.counts.dropped
    cache.put_many({"a": "[]"})
    assert ResultCache(path).get_many(["a"]) == {"a": "[]"}


def test_a_cache_that_cannot_be_written_is_only_a_miss(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder should be")
    cache = ResultCache(blocker / "reuse.sqlite")
    cache.put_many({"a": "[]"})
    assert cache.get_many(["a"]) == {} and cache.counts.dropped is None
