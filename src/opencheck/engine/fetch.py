"""Git, safely: one cached bare clone per repository and one clean worktree per execution."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from opencheck.engine.checkout_budget import CheckoutBudget
from opencheck.engine.checkouts import Checkout, RepoCredentials
from opencheck.engine.clone_session import CloneSession
from opencheck.engine.errors import FetchError, redact
from opencheck.engine.git_config import GIT_ENV, SAFE_CONFIG
from opencheck.engine.git_refs import Target
from opencheck.engine.local_repos import LocalRepoPolicy
from opencheck.engine.repo_urls import (
    normalize_repo_url,
    repo_type_of,
    validate_repo_url,
)
from opencheck.engine.steps import StepTimes

__all__ = [
    "GIT_ENV",
    "SAFE_CONFIG",
    "Checkout",
    "RepoCache",
    "RepoCredentials",
    "normalize_repo_url",
    "redact",
    "repo_type_of",
    "validate_repo_url",
]


class RepoCache:
    """Cached bare clones under `cache_dir`, worktrees under `work_dir`; safe across processes."""

    def __init__(
        self,
        cache_dir: Path,
        work_dir: Path,
        *,
        timeout: float,
        cancelled: Callable[[], bool],
        local_repos: LocalRepoPolicy | None = None,
        budget: CheckoutBudget | None = None,
    ) -> None:
        # Absolute, because git runs inside the bare clone and would resolve relative paths there.
        self.cache_dir = cache_dir.resolve()
        self.work_dir = work_dir.resolve()
        # Beside the worktrees, on the same filesystem, so that moving one there is a rename.
        self.trash_dir = self.work_dir.with_name(f"{self.work_dir.name}.trash")
        self.timeout = timeout
        self.cancelled = cancelled
        self.budget = budget or CheckoutBudget()
        policy = local_repos or LocalRepoPolicy()
        # The cache and the worktrees are never a repository to check, whatever the roots say.
        self.local_repos = LocalRepoPolicy(
            policy.roots, (*policy.forbidden, self.cache_dir, self.work_dir)
        )

    @contextmanager
    def checkout(
        self,
        url: str,
        branch: str,
        credentials: RepoCredentials | None,
        execution_id: str,
        *,
        scope: str = "",
        leave_out: Callable[[str], bool] | None = None,
        target: Target | None = None,
        compare_to: Target | None = None,
        changed_only: bool = False,
        compare_optional: bool = False,
        times: StepTimes | None = None,
        reuse: bool = False,
    ) -> Iterator[Checkout]:
        """Fetch `branch` of `url` (or `target`: a request's head, a commit) and yield a worktree
        of it; always removed afterwards. With `compare_to`, also what changed since the merge
        base with it: only the changed files are written when `changed_only`; a comparison
        that fails is an error unless `compare_optional` (then there are no changes).

        The clone used is `scope`'s own (a project), so one tenant never reads what another
        fetched. Files whose path `leave_out` accepts are not written (a sparse checkout).
        `times` gets the steps fetch, lock (the wait for the clone), checkout and cleanup.

        With `reuse`, the clone's parked worktree (parked.py) is brought to the commit instead
        of writing a new one, and this one is parked afterwards: only when nothing but git
        writes into worktrees (the analysers are confined to reading them).
        """
        times = times or StepTimes()
        target = target or Target(branch)
        park = False  # only a complete worktree (a partial one is discarded)
        with times.step("fetch"):
            session = CloneSession.open(self, url, target, credentials, execution_id, scope)
        try:
            with session.locked(self.cancelled, times=times):
                with times.step("fetch"):
                    commit = session.fetch(target)
                with times.step("checkout"):
                    base, changes = None, None
                    if compare_to is not None:
                        try:
                            base, changes = session.compare(compare_to, commit)
                        except FetchError:
                            if not compare_optional:
                                raise
                    if changed_only and changes is not None:
                        left_out = session.export(commit, changes, leave_out)
                    else:
                        left_out = session.add_worktree(commit, leave_out, reuse=reuse)
                        park = reuse
            yield Checkout(session.worktree, commit, left_out, base, changes, session.blobs)
        finally:
            # Also after a cancelled or failed `worktree add`, which may leave a partial tree.
            if session.worktree.exists():
                with times.step("cleanup"):
                    if not (park and session.park_worktree(left_out)):
                        session.discard_worktree()
