"""Reading a checked commit's files back from the cached bare clone."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opencheck.engine.sources import _parse_batch, read_files
from tests.engine.local import cache_at

from .conftest import GitRepo


def _fetch(repo: GitRepo, tmp_path: Path) -> tuple[Path, str]:
    cache = cache_at(tmp_path)
    with cache.checkout(str(repo.path), "main", None, "exec1") as checkout:
        return cache.cache_dir, checkout.commit


def test_files_of_the_commit_even_after_the_branch_moved(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo({"a.py": "one\ntwo\n", "pkg/b.txt": "bee\n"})
    cache_dir, commit = _fetch(repo, tmp_path)
    repo.write({"a.py": "changed\n"})
    repo.commit("later")
    found = read_files(cache_dir, str(repo.path), commit, ["a.py", "pkg/b.txt", "gone.py", "pkg"])
    assert found == {"a.py": b"one\ntwo\n", "pkg/b.txt": b"bee\n"}


def test_nothing_without_a_cached_clone_or_a_sane_commit(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo({"a.py": "x\n"})
    assert read_files(tmp_path / "none", str(repo.path), "abc123", ["a.py"]) == {}
    cache_dir, _ = _fetch(repo, tmp_path)
    assert read_files(cache_dir, str(repo.path), "HEAD --all", ["a.py"]) == {}
    assert read_files(cache_dir, "not a url", "abc", ["a.py"]) == {}


def test_parse_batch_skips_missing_and_non_blob_objects() -> None:
    output = b"x missing\n" + b"1234 tree 5\nabcde\n" + b"5678 blob 3\nhi\n\n"
    assert _parse_batch(output, ["gone", "dir", "f.txt"]) == {"f.txt": b"hi\n"}
