"""Deleting trees of any depth: a hostile repository can nest folders thousands deep.

`shutil.rmtree` recurses once per folder level and raises RecursionError near a thousand levels,
which would leak the worktree for good; this walks with an explicit stack instead.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Collection
from pathlib import Path

from opencheck.engine import parked


def remove_tree(root: Path) -> None:
    """Delete `root` and everything under it, never following links; errors are skipped."""
    try:
        if root.is_symlink() or not root.is_dir():
            root.unlink(missing_ok=True)
            return
    except OSError:
        return
    pending = [str(root)]
    folders: list[str] = []
    while pending:
        folder = pending.pop()
        folders.append(folder)
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue
    for folder in reversed(folders):  # children were found after their parents
        try:
            os.rmdir(folder)
        except OSError:
            continue


def move_to_trash(path: Path, trash_dir: Path) -> Path | None:
    """`path` renamed into `trash_dir` (None if it cannot be, e.g. on another filesystem)."""
    if not path.exists():
        return None
    try:
        trash_dir.mkdir(parents=True, exist_ok=True)
        target = trash_dir / f"{path.name}-{uuid.uuid4().hex[:12]}"
        path.rename(target)
    except OSError:
        return None
    return target


def empty_trash_in_background(trash_dir: Path) -> None:
    """Delete everything in `trash_dir` in a daemon thread (also what a crash left there)."""

    def empty() -> None:
        for entry in list(trash_dir.iterdir()) if trash_dir.is_dir() else []:
            remove_tree(entry)

    threading.Thread(target=empty, name="opencheck-trash", daemon=True).start()


def sweep_worktrees(work_dir: Path) -> int:
    """Discard every worktree under `work_dir` (at start-up, when no check can be running).

    Returns how many were found; they are deleted in the background, with the old trash.
    """
    work_dir = work_dir.resolve()
    trash_dir = work_dir.with_name(f"{work_dir.name}.trash")
    found = 0
    for entry in list(work_dir.iterdir()) if work_dir.is_dir() else []:
        found += 1
        if move_to_trash(entry, trash_dir) is None:
            remove_tree(entry)
    # Parked worktrees too: what a crash interrupted, or an older release's left-out files.
    idle = parked.idle_dir(work_dir)
    for entry in list(idle.iterdir()) if idle.is_dir() else []:
        if move_to_trash(entry, trash_dir) is None:
            remove_tree(entry)
    empty_trash_in_background(trash_dir)
    return found


def sweep_clones(cache_dir: Path, keep: Collection[Path]) -> int:
    """Discard every cached clone (and its lock file) not in `keep`: those of deleted tasks and
    projects, and any of an older cache layout. At start-up only, when no fetch can be running."""
    cache_dir = cache_dir.resolve()
    wanted = {path.name for path in keep} | {path.with_suffix(".lock").name for path in keep}
    trash_dir = cache_dir.with_name(f"{cache_dir.name}.trash")
    found = 0
    for entry in list(cache_dir.iterdir()) if cache_dir.is_dir() else []:
        if entry.suffix in (".git", ".lock") and entry.name not in wanted:
            found += entry.suffix == ".git"
            if move_to_trash(entry, trash_dir) is None:
                remove_tree(entry)
    empty_trash_in_background(trash_dir)
    return found
