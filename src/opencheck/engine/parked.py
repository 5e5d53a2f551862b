"""A clone's last worktree, kept for its next check: brought to the new commit, not rewritten.

Deleting a checkout and writing the next one costs far more than git's own work on some disks.
On an ext4 without a journal (this benchmark VM's), the inode allocator skips the inodes freed
in the last one to six minutes (`recently_deleted` in ext4's ialloc.c) and rescans them for
every new file, so writing Django's 4,250 files right after deleting the previous check's took
2-4 s of system time in `git checkout-index`, against 0.2 s on a quiet disk. A parked worktree
only loses and gains the files that differ between its commit and the next.

A worktree is parked only when nothing but git wrote into it: the analysers and the metrics
child were confined to reading it (Landlock), and the checkout had completed. One worktree per
clone is kept, in `<work_dir>.idle/<clone>`; its left-out paths are listed beside it, so that a
check which leaves out other paths (another rule) writes a fresh worktree instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from opencheck.engine.blob_export import ExportError, checked_path

# Runs git with the arguments (and stdin), inside the worktree; returns (return code, stdout).
Git = Callable[..., tuple[int, bytes]]
LEFT_OUT_SUFFIX = ".left-out"


class ParkError(ValueError):
    """The parked worktree cannot be brought to the commit; a fresh checkout is needed."""


def idle_dir(work_dir: Path) -> Path:
    """Where parked worktrees live: beside the worktrees, on the same filesystem (a rename)."""
    return work_dir.with_name(f"{work_dir.name}.idle")


def slot(work_dir: Path, bare: Path) -> Path:
    """The one parked worktree of the clone at `bare`."""
    return idle_dir(work_dir) / bare.stem


def park(git: Git, tree: Path, into: Path, left_out: Sequence[str]) -> bool:
    """Move the worktree `tree` into the empty slot `into` (git: a bare clone's `git`); False
    when the slot is taken or git refuses. Hold the clone's lock."""
    if into.exists():
        return False
    into.parent.mkdir(parents=True, exist_ok=True)
    listed = into.with_name(into.name + LEFT_OUT_SUFFIX)
    listed.write_bytes(b"".join(os.fsencode(path) + b"\0" for path in left_out))
    code, _ = git("worktree", "move", str(tree), str(into))
    return code == 0


def take(git: Git, parked: Path, into: Path) -> set[str] | None:
    """Move the parked worktree to `into`; the paths it left out, or None when there is none.
    Hold the clone's lock."""
    listed = parked.with_name(parked.name + LEFT_OUT_SUFFIX)
    if not parked.is_dir() or not listed.is_file():
        return None
    left_out = {os.fsdecode(p) for p in listed.read_bytes().split(b"\0") if p}
    listed.unlink()
    code, _ = git("worktree", "move", str(parked), str(into))
    return left_out if code == 0 else None


def update(
    git: Git, tree: Path, commit: str, unwanted: Sequence[bytes], left_out_before: set[str]
) -> None:
    """Bring the clean worktree `tree` to `commit`: delete the files that changed since its
    HEAD, then write the missing ones that are not `unwanted`. Raises ParkError."""
    code, head = git("rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if code != 0:
        raise ParkError("the parked worktree has no commit")
    code, raw = git("diff-tree", "-r", "-z", "--no-renames", head.decode().strip(), commit)
    if code != 0:
        raise ParkError("cannot compare the commits")
    changed = _changes(raw)
    paths = {path for _, path in changed}
    # The unchanged paths must be left out now exactly as they were: they are not rewritten.
    if {os.fsdecode(p) for p in unwanted} - paths != left_out_before - paths:
        raise ParkError("the parked worktree leaves out other files")
    for status, path in changed:
        if status != "A":  # deleted, modified or changed type: the old file goes
            _remove(tree, path)
    left_out = {os.fsdecode(p) for p in unwanted}
    # Only the new and changed files are written (a submodule's entry never is).
    written = [path for status, path in changed if status != "D" and path not in left_out]
    for args, stdin in (
        (("read-tree", commit), None),
        (("update-index", "-z", "--skip-worktree", "--stdin"), _listed(unwanted)),
        (("checkout-index", "-z", "--stdin"), _listed(map(os.fsencode, written))),
        (("update-ref", "--no-deref", "HEAD", commit), None),
    ):
        if git(*args, stdin=stdin)[0] != 0:
            raise ParkError(f"git {args[0]} failed")


def _listed(paths: Iterable[bytes]) -> bytes:
    return b"".join(path + b"\0" for path in paths)


def _changes(raw: bytes) -> list[tuple[str, str]]:
    """(status letter, path) of each entry of `git diff-tree -r -z` output."""
    fields = raw.split(b"\0")
    found = []
    for meta, path in zip(fields[0::2], fields[1::2], strict=False):
        if not meta.startswith(b":"):
            break
        try:
            found.append((meta.split()[-1][:1].decode(), checked_path(os.fsdecode(path))))
        except ExportError as exc:
            raise ParkError(str(exc)) from None
    return found


def _remove(tree: Path, path: str) -> None:
    """Delete one file of the old commit, and the folders it leaves empty.

    Its folders are real folders: the tree is a clean checkout of the commit that had the file.
    """
    target = tree / path
    try:
        os.unlink(target)
    except FileNotFoundError:
        return  # a file that was left out
    except IsADirectoryError:
        return  # a submodule's empty folder
    parent = target.parent
    while parent != tree:
        try:
            parent.rmdir()
        except OSError:
            return  # not empty
        parent = parent.parent
