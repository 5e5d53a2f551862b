"""Writing a few files of a commit straight from the object store, without a worktree.

An incremental check reads only the files a change touched: listing and checking out the
whole index to write five files cost a tenth of a second of git processes on Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from opencheck.engine import checkout_budget
from opencheck.engine.checkout_budget import CheckoutBudget

# Runs git with the arguments (and stdin); returns (return code, stdout).
Git = Callable[..., tuple[int, bytes]]
_REGULAR = (b"100644", b"100755")


class ExportError(ValueError):
    """The files could not be listed or read, or a path is not a plain repository path."""


def export(
    git: Git,
    into: Path,
    commit: str,
    paths: Sequence[str],
    leave_out: Callable[[str], bool] | None,
    budget: CheckoutBudget,
) -> tuple[str, ...]:
    """Write the regular files among `paths` of `commit` under `into` (created); return the
    paths left out (by `leave_out`, links and submodules). Raises OverBudget or ExportError."""
    into.mkdir(parents=True)
    if not paths:
        return ()
    code, listing = git("ls-tree", "-l", "-z", commit, "--", *paths)
    if code != 0:
        raise ExportError("cannot list the changed files")
    found = checkout_budget.tally(listing, leave_out)
    checkout_budget.check(found, budget)
    wanted: list[tuple[bytes, str]] = []
    for entry in filter(None, listing.split(b"\0")):
        meta, _, raw = entry.partition(b"\t")
        mode, kind, sha = meta.split()[:3]
        path = os.fsdecode(raw)
        if kind == b"blob" and mode in _REGULAR and raw not in (found.left_out or []):
            wanted.append((sha, checked_path(path)))
    _write(git, into, wanted)
    written = {path for _, path in wanted}
    return tuple(path for path in paths if path not in written)


def checked_path(path: str) -> str:
    """`path` if it is a plain repository path (no `..`, `.git` or absolute); else ExportError."""
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..", ".git") for part in parts):
        raise ExportError(f"not a plain repository path: {path!r}")
    return path


def _write(git: Git, into: Path, wanted: list[tuple[bytes, str]]) -> None:
    """One `cat-file --batch` for every blob; each written as a new regular file."""
    if not wanted:
        return
    code, out = git("cat-file", "--batch", stdin=b"".join(sha + b"\n" for sha, _ in wanted))
    if code != 0:
        raise ExportError("cannot read the changed files")
    at = 0
    for _, path in wanted:
        header_end = out.index(b"\n", at)
        fields = out[at:header_end].split()
        if len(fields) != 3 or fields[1] != b"blob":
            raise ExportError(f"cannot read {path!r}")
        size = int(fields[2])
        body = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
        target = into / path
        target.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(target, flags, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
