"""Trees of any depth are deleted, links are never followed, leftovers are swept at start-up."""

from __future__ import annotations

import os
import time
from pathlib import Path

from opencheck.engine.removal import remove_tree, sweep_worktrees


def _deep(root: Path, depth: int) -> Path:
    # Built with relative mkdir calls: a path this deep is near the OS's path-length limit.
    root.mkdir()
    cwd = os.getcwd()
    try:
        os.chdir(root)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("leaf.txt").write_text("x")
    finally:
        os.chdir(cwd)
    return root


def test_a_tree_two_thousand_folders_deep_is_removed(tmp_path: Path) -> None:
    root = _deep(tmp_path / "deep", 2000)
    remove_tree(root)
    assert not root.exists()


def test_links_are_removed_not_followed(tmp_path: Path) -> None:
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "precious.txt").write_text("x")
    doomed = tmp_path / "doomed"
    doomed.mkdir()
    (doomed / "link").symlink_to(keep)
    (doomed / "file.txt").write_text("y")
    remove_tree(doomed)
    assert not doomed.exists() and (keep / "precious.txt").exists()
    link = tmp_path / "top-link"
    link.symlink_to(keep)
    remove_tree(link)
    assert not link.exists() and keep.exists()


def test_sweep_discards_every_leftover_worktree(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "exec-1" / "src").mkdir(parents=True)
    _deep(work / "exec-2", 1500)
    assert sweep_worktrees(work) == 2
    assert list(work.iterdir()) == []
    trash = tmp_path / "work.trash"
    deadline = time.monotonic() + 60
    while trash.exists() and any(trash.iterdir()):
        assert time.monotonic() < deadline
        time.sleep(0.05)
