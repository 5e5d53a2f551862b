"""Local repositories in tests: allowed under the test's own temporary folder only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from opencheck.engine.fetch import RepoCache
from opencheck.engine.local_repos import LocalRepoPolicy


def roots(folder: Path) -> LocalRepoPolicy:
    """A policy allowing repositories under `folder` (a test's tmp_path)."""
    return LocalRepoPolicy.of((folder,))


def cache_at(
    folder: Path, cancelled: Callable[[], bool] = lambda: False, **options: Any
) -> RepoCache:
    """A repository cache under `folder` that may fetch the repositories built there."""
    return RepoCache(
        folder / "cache",
        folder / "work",
        timeout=60,
        cancelled=cancelled,
        local_repos=roots(folder),
        **options,
    )
