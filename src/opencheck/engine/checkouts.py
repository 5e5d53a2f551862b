"""What a checkout is given (credentials) and what it yields (the worktree and its commit)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from opencheck.engine.diffs import FileChange


@dataclass(frozen=True)
class RepoCredentials:
    """HTTP(S) credentials: a user name and a password or access token."""

    username: str
    secret: str = field(repr=False)


@dataclass(frozen=True)
class Checkout:
    """A clean worktree of one commit, owned by one execution."""

    path: Path
    commit: str
    # Files of the commit not written, because their names say no analyser reads them.
    left_out: tuple[str, ...] = ()
    # With `compare_to`: the merge base, and what changed from it to `commit`.
    base: str | None = None
    changes: tuple[FileChange, ...] | None = None
    # Every regular file of the commit (written or not): path → "mode blob-id", from the
    # listing the checkout already read; None when the checkout wrote only some files.
    blobs: Mapping[str, str] | None = None
