"""What git knows about a working copy on disk: its ignored paths and its changes since a ref.

Used by `opencheck scan`, which checks a folder as it is (uncommitted edits and untracked files
included) rather than a commit fetched into a worktree. Git runs through the one runner, in the
user's own environment: their global excludes file is theirs to apply, and nothing here writes.
"""

from __future__ import annotations

import os
from pathlib import Path

from opencheck.engine import runner
from opencheck.engine.diffs import FileChange, parse
from opencheck.engine.errors import EngineError

GIT_TIMEOUT = 300.0
# An untracked file is new from its first line to its last.
WHOLE_FILE = (1, 2**31 - 1)
# Glob characters in an ignored name are matched literally by the inventory's exclude globs.
_LITERAL = str.maketrans({"*": "[*]", "?": "[?]", "[": "[[]"})


class WorkingCopyError(EngineError):
    """Git could not answer about the working copy (no such ref, a broken repository)."""


def in_git_repository(root: Path) -> bool:
    """Is `root` inside a git working tree (and is git here to tell)?"""
    try:
        result = _git(root, "rev-parse", "--is-inside-work-tree")
    except EngineError:
        return False
    return result.returncode == 0 and result.stdout.strip() == b"true"


def ignored_excludes(root: Path) -> list[str]:
    """The paths under `root` that `.gitignore` (and the other standard excludes) ignore, as
    exclude patterns for the inventory: a wholly ignored folder is one prefix, never walked."""
    listing = _checked(
        root,
        "ls-files",
        "--others",
        "--ignored",
        "--exclude-standard",
        "--directory",
        "--no-empty-directory",
        "-z",
    )
    return [_literal(name.rstrip("/")) for name in _names(listing)]


def untracked(root: Path) -> list[str]:
    """Untracked files under `root` that are not ignored, relative to `root`."""
    return _names(_checked(root, "ls-files", "--others", "--exclude-standard", "-z"))


def changed_since(root: Path, ref: str) -> tuple[FileChange, ...]:
    """The files under `root` changed since `ref` in the working copy (not only the commits):
    their added or modified lines, untracked files whole; deleted files are left out."""
    base = _base(root, ref)
    diff = _checked(
        root,
        "diff",
        "--unified=0",
        "--find-renames",
        "--relative",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        base,
        "--",
    )
    changes = [c for c in parse(diff) if c.lines]
    known = {c.path for c in changes}
    new = [FileChange(p, None, (WHOLE_FILE,)) for p in untracked(root) if p not in known]
    return tuple(changes + new)


def _base(root: Path, ref: str) -> str:
    """The commit `ref` names; git's empty tree for HEAD before the first commit."""
    found = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if not ref.startswith("-") and not found.timed_out and found.returncode == 0:
        return found.stdout.decode().strip()
    if ref == "HEAD" and _git(root, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        return _checked(root, "hash-object", "-t", "tree", "--stdin").decode().strip()
    raise WorkingCopyError(f"{ref!r} is not a commit of the repository at {root}")


def _literal(path: str) -> str:
    return path.translate(_LITERAL)


def _names(raw: bytes) -> list[str]:
    return [os.fsdecode(name) for name in raw.split(b"\0") if name]


def _checked(root: Path, *args: str) -> bytes:
    result = _git(root, *args)
    if result.timed_out or result.returncode != 0:
        reason = result.stderr.decode("utf-8", errors="replace").strip().splitlines()
        what = reason[-1] if reason else f"git {args[0]} failed"
        raise WorkingCopyError(what)
    return result.stdout


def _git(root: Path, *args: str) -> runner.RunResult:
    # core.quotePath off: names come back as they are (-z output is never quoted anyway).
    argv = ["git", "-c", "core.quotePath=false", *args]
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"}
    return runner.run(
        argv, cwd=root, timeout=GIT_TIMEOUT, memory_mb=None, cancelled=lambda: False, env=env
    )
