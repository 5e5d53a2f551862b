"""A clone's parked worktree is brought to the next commit: only changed files are rewritten."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from opencheck.engine import parked, removal
from opencheck.engine.fetch import RepoCache
from opencheck.engine.languages import unread

from .conftest import GitRepo
from .local import cache_at, roots

FILES = {
    "app/main.py": "print('main')\n",
    "app/keep.py": "print('unchanged')\n",
    "app/gone.py": "print('deleted later')\n",
    "lib": "a file that becomes a folder\n",
    "docs/logo.png": b"\x89PNG not analysed",
    "docs/guide/index.md": "# a folder that becomes a file\n",
}


def tree_of(root: Path) -> dict[str, bytes]:
    """Every file under `root` but git's own, with its content."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            if name != ".git":
                path = Path(folder, name)
                found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def checkout(cache: RepoCache, repo: GitRepo, execution: str, **options: object) -> dict:
    """Check out main of `repo`; its files, the inode of app/keep.py and the paths left out."""
    with cache.checkout(str(repo.path), "main", None, execution, leave_out=unread, **options) as c:
        return {
            "files": tree_of(c.path),
            "inode": (c.path / "app/keep.py").stat().st_ino,
            "left_out": set(c.left_out),
        }


def test_the_next_check_gets_the_parked_worktree_at_its_commit(
    tmp_path: Path, make_repo: Callable[..., GitRepo]
) -> None:
    repo = make_repo(FILES)
    cache = cache_at(tmp_path)
    first = checkout(cache, repo, "exec-1", reuse=True)
    assert "docs/logo.png" not in first["files"] and first["left_out"] == {"docs/logo.png"}
    assert list(cache.work_dir.iterdir()) == []  # parked, not left in place
    assert len(list(parked.idle_dir(cache.work_dir).iterdir())) == 2  # the tree and its list

    again = checkout(cache, repo, "exec-2", reuse=True)  # the same commit: nothing written
    assert again["files"] == first["files"] and again["inode"] == first["inode"]

    (repo.path / "app/gone.py").unlink()
    (repo.path / "lib").unlink()
    (repo.path / "docs/guide/index.md").unlink()
    (repo.path / "docs/guide").rmdir()
    repo.write({"app/main.py": "print('edited')\n", "lib/new.py": "x = 1\n"})
    repo.write({"docs/guide": "now a file\n", "docs/new.png": b"not analysed either"})
    repo.commit("edit")
    edited = checkout(cache, repo, "exec-3", reuse=True)
    other = RepoCache(tmp_path / "c2", tmp_path / "w2", timeout=60, cancelled=lambda: False,
                      local_repos=roots(tmp_path))  # fmt: skip
    fresh = checkout(other, repo, "exec-4")  # never parked
    assert edited["files"] == fresh["files"]
    assert edited["files"]["app/main.py"] == b"print('edited')\n"
    assert edited["inode"] == first["inode"]  # the unchanged file was not rewritten
    assert edited["left_out"] == fresh["left_out"] == {"docs/logo.png", "docs/new.png"}


def test_without_reuse_or_with_other_left_out_files_the_checkout_is_fresh(
    tmp_path: Path, make_repo: Callable[..., GitRepo]
) -> None:
    repo = make_repo(FILES)
    cache = cache_at(tmp_path)
    first = checkout(cache, repo, "exec-1", reuse=True)
    plain = checkout(cache, repo, "exec-2")  # not asked to reuse: the parked one stays
    assert plain["inode"] != first["inode"]
    with cache.checkout(str(repo.path), "main", None, "exec-3", reuse=True) as c:
        # Everything is written now, logo included: the parked tree left it out, so it is not
        # brought here but replaced by a fresh checkout.
        assert (c.path / "docs/logo.png").is_file()
        assert (c.path / "app/keep.py").stat().st_ino != first["inode"]


def test_start_up_discards_the_parked_worktrees(
    tmp_path: Path, make_repo: Callable[..., GitRepo]
) -> None:
    repo = make_repo(FILES)
    cache = cache_at(tmp_path)
    first = checkout(cache, repo, "exec-1", reuse=True)
    removal.sweep_worktrees(cache.work_dir)
    assert list(parked.idle_dir(cache.work_dir).iterdir()) == []
    again = checkout(cache, repo, "exec-2", reuse=True)
    assert again["files"] == first["files"]
