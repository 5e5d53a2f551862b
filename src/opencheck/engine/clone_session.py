"""One checkout of one repository out of its cached bare clone: the per-repository lock, the
fetch, the comparison with a base, and the worktree (made, parked for reuse, or removed)."""

from __future__ import annotations

import fcntl
import functools
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from opencheck.engine import blob_export, checkout_budget, parked, runner
from opencheck.engine.checkouts import RepoCredentials
from opencheck.engine.clone_paths import bare_clone_path
from opencheck.engine.diffs import FileChange, parse
from opencheck.engine.errors import EngineError, FetchError, ScanCancelled
from opencheck.engine.git_config import GIT_ENV, SAFE_CONFIG, basic_auth_env
from opencheck.engine.git_errors import failure_reason, last_line
from opencheck.engine.git_refs import Target
from opencheck.engine.removal import empty_trash_in_background, move_to_trash, remove_tree
from opencheck.engine.repo_urls import (
    strip_userinfo,
    validate_repo_url,
)
from opencheck.engine.steps import StepTimes

if TYPE_CHECKING:
    from opencheck.engine.fetch import RepoCache

CLEANUP_TIMEOUT = 120.0
_EXECUTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def _never() -> bool:
    return False


@dataclass
class CloneSession:
    """One checkout of one repository: the git calls, their environment and their secrets."""

    cache: RepoCache
    url: str
    target: Target
    bare: Path
    worktree: Path
    auth_env: dict[str, str]
    secrets: tuple[str, ...]
    blobs: Mapping[str, str] | None = None  # of the commit listed for a whole worktree

    @classmethod
    def open(
        cls,
        cache: RepoCache,
        url: str,
        target: Target,
        credentials: RepoCredentials | None,
        execution_id: str,
        scope: str = "",
    ) -> CloneSession:
        try:
            clean_url, user, password = strip_userinfo(validate_repo_url(url))
            local = cache.local_repos.check(clean_url)
        except ValueError as exc:
            raise FetchError(f"Invalid repository URL: {exc}") from None
        if credentials is None and password:
            credentials = RepoCredentials(user or "", password)
        secrets = tuple(s for s in (password, credentials and credentials.secret) if s)
        auth_env: dict[str, str] = {}
        # SSH authenticates with the service's keys; only HTTP(S) takes a user and a token.
        if credentials is not None and clean_url.lower().startswith(("http://", "https://")):
            auth_env, token = basic_auth_env(credentials.username, credentials.secret)
            secrets += (token,)
        if not _EXECUTION_ID.match(execution_id):
            raise EngineError(f"invalid execution id {execution_id!r}")
        cache.cache_dir.mkdir(parents=True, exist_ok=True)
        bare = bare_clone_path(cache.cache_dir, clean_url, scope)
        worktree = cache.work_dir / execution_id
        # Git reads the real path that was checked, not a link that could change meanwhile.
        remote = str(local) if local is not None else clean_url
        session = cls(cache, remote, target, bare, worktree, auth_env, secrets)
        session.check_branch(target.branch)
        return session

    @contextmanager
    def locked(
        self,
        cancelled: Callable[[], bool],
        timeout: float | None = None,
        times: StepTimes | None = None,
    ) -> Iterator[None]:
        """Hold the per-repository lock, polling so that a cancellation is still noticed;
        the wait is the step `lock` of `times`."""
        deadline = time.monotonic() + (self.cache.timeout if timeout is None else timeout)
        with open(self.bare.with_suffix(".lock"), "a") as lock:
            with (times or StepTimes()).step("lock"):
                while True:
                    try:
                        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        self._wait_for_lock(cancelled, deadline)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _wait_for_lock(self, cancelled: Callable[[], bool], deadline: float) -> None:
        if cancelled():
            raise ScanCancelled("the scan was cancelled")
        if time.monotonic() > deadline:
            raise FetchError(f"Failed to fetch {self.url}: the repository cache is busy")
        time.sleep(runner.POLL_INTERVAL)

    def check_branch(self, branch: str) -> None:
        """Refuse names git would not accept as a branch, or would expand (`@{-1}`)."""
        valid = False
        if not branch.startswith("-"):
            result = self._run("check-ref-format", "--branch", branch)
            valid = result.returncode == 0 and result.stdout.strip() == branch.encode()
        if not valid:
            raise FetchError(f"Invalid branch name {branch!r}", self.secrets)

    def fetch(self, target: Target) -> str:
        """Update the cached clone's copy of `target` from the remote; return its commit."""
        created = not (self.bare / "HEAD").exists()
        if created:
            self.bare.mkdir(parents=True, exist_ok=True)
            self._git("init", "--bare", "--quiet", ".", what="initialise the cache")
        self._git("config", "remote.origin.url", self.url, what="configure the cache")
        spec = f"+{target.remote_ref}:{target.local_ref}"
        result = self._run("fetch", "--prune", "--no-tags", "--quiet", "origin", spec,
                           env=self.auth_env)  # fmt: skip
        if result.timed_out or result.returncode != 0:
            if created:  # an empty clone would only hide the failure from the next fetch
                remove_tree(self.bare)
            if result.timed_out:
                self._fail(f"timed out after {self.cache.timeout:g}s", target)
            self._fail(failure_reason(result.stderr.decode(errors="replace")), target)
        if target.commit is not None:
            return self._commit(target)
        wanted = f"{target.local_ref}^{{commit}}"
        return self._git("rev-parse", "--verify", "--quiet", wanted, what="resolve").strip()

    def _commit(self, target: Target) -> str:
        """The target's commit: fetched with its branch, or asked for by id."""
        commit = f"{target.commit}^{{commit}}"
        if self._run("cat-file", "-e", commit).returncode != 0:
            result = self._run("fetch", "--no-tags", "--quiet", "origin", str(target.commit),
                               env=self.auth_env)  # fmt: skip
            if result.returncode != 0 or self._run("cat-file", "-e", commit).returncode != 0:
                self._fail("the repository has no such commit", target)
        return str(target.commit)

    def compare(self, base: Target, head: str) -> tuple[str, tuple[FileChange, ...]]:
        """The merge base of `base` and `head`, and the files changed from it to `head`."""
        if base.parent_of_head:
            merge_base = self._parent(head)
        else:
            if base.request is None and base.commit is None:
                self.check_branch(base.branch)
            tip = self.fetch(base)
            merge_base = self._git("merge-base", tip, head, what="find the merge base").strip()
        diff = ("diff", "--unified=0", "--find-renames", "--no-color", "--no-ext-diff")
        result = self._run(*diff, "--no-textconv", merge_base, head)
        if result.timed_out or result.returncode != 0:
            self._fail("cannot compare the commits", base)
        return merge_base, tuple(parse(result.stdout))

    def export(
        self,
        commit: str,
        changes: tuple[FileChange, ...],
        leave_out: Callable[[str], bool] | None,
    ) -> tuple[str, ...]:
        """Write only the changed files of `commit` (no git worktree); the paths left out."""
        if self.worktree.exists():  # left over by a crashed run with the same id
            self.remove_worktree(self.worktree)

        def git(*args: str, stdin: bytes | None = None) -> tuple[int, bytes]:
            result = self._run("--literal-pathspecs", *args, stdin=stdin)
            return (1 if result.timed_out else result.returncode), result.stdout

        paths = [change.path for change in changes]
        try:
            return blob_export.export(
                git, self.worktree, commit, paths, leave_out, self.cache.budget
            )
        except checkout_budget.OverBudget as exc:
            raise FetchError(f"Refused to check out {self.url}: {exc}", self.secrets) from None
        except blob_export.ExportError as exc:
            self._fail(str(exc))

    def _parent(self, head: str) -> str:
        """The first parent of `head`; git's empty tree for a root commit (all of it is new)."""
        found = self._run("rev-parse", "--verify", "--quiet", f"{head}^1^{{commit}}")
        if found.returncode == 0:
            return found.stdout.decode().strip()
        empty = ("hash-object", "-t", "tree", "--stdin")
        return self._git(*empty, what="name the empty tree", stdin=b"").strip()

    def add_worktree(
        self, commit: str, leave_out: Callable[[str], bool] | None = None, *, reuse: bool = False
    ) -> tuple[str, ...]:
        """Create a clean, detached worktree of `commit`; return the paths left out.

        The files whose path `leave_out` accepts are never written: their index entries are
        marked skip-worktree, by exact path, before the others are checked out. With `reuse`,
        the clone's parked worktree becomes this one, brought to `commit`, if there is one.
        """
        self.cache.work_dir.mkdir(parents=True, exist_ok=True)
        if self.worktree.exists():  # left over by a crashed run with the same id
            self.remove_worktree(self.worktree)
        self._git("worktree", "prune", what="prune worktrees")
        what = f"check out commit {commit}"
        unwanted = self._budgeted(commit, leave_out)
        if reuse and self._reuse_parked(commit, unwanted):
            return tuple(map(os.fsdecode, unwanted))
        if not unwanted:
            add = ("worktree", "add", "--detach", "--force", "--quiet", str(self.worktree), commit)
            self._git(*add, what=what)
            return ()
        # The index first, the unwanted entries marked skip-worktree, then only the rest written.
        add = ("worktree", "add", "--no-checkout", "--detach", "--force", "--quiet")
        self._git(*add, str(self.worktree), commit, what=what)
        inside = ("-C", str(self.worktree))
        self._git(*inside, "read-tree", commit, what=what)
        listed = b"".join(path + b"\0" for path in unwanted)
        mark = ("update-index", "-z", "--skip-worktree", "--stdin")
        self._git(*inside, *mark, what=what, stdin=listed)
        self._git(*inside, "checkout-index", "--all", "--quiet", what=what)
        return tuple(map(os.fsdecode, unwanted))

    def _reuse_parked(self, commit: str, unwanted: list[bytes]) -> bool:
        """Make the clone's parked worktree this one, at `commit`; False when there is none
        or it cannot be brought there (then it is discarded)."""
        left_out = parked.take(
            self._status, parked.slot(self.cache.work_dir, self.bare), self.worktree
        )
        if left_out is None:
            return False
        inside = functools.partial(self._status, "-C", str(self.worktree))
        try:
            parked.update(inside, self.worktree, commit, unwanted, left_out)
        except parked.ParkError:
            if move_to_trash(self.worktree, self.cache.trash_dir) is None:
                remove_tree(self.worktree)
            self._run("worktree", "prune")
            empty_trash_in_background(self.cache.trash_dir)
            return False
        return True

    def park_worktree(self, left_out: tuple[str, ...]) -> bool:
        """Keep this execution's worktree as the clone's parked one; False when the slot is
        taken (another check of the clone parked first) or the clone is busy."""
        try:
            with self.locked(_never, CLEANUP_TIMEOUT):
                into = parked.slot(self.cache.work_dir, self.bare)
                git = functools.partial(self._status, cancelled=_never)  # also when cancelled
                return parked.park(git, self.worktree, into, left_out)
        except FetchError:
            return False

    def _status(
        self, *args: str, stdin: bytes | None = None, cancelled: Callable[[], bool] | None = None
    ) -> tuple[int, bytes]:
        """Run git; (return code, stdout), a time-out being a failure."""
        result = self._run(*args, stdin=stdin, cancelled=cancelled)
        return (1 if result.timed_out else result.returncode), result.stdout

    def _budgeted(self, commit: str, leave_out: Callable[[str], bool] | None) -> list[bytes]:
        """The paths (as git spells them) `leave_out` accepts; fails over the budget."""
        result = self._run("ls-tree", "-r", "-l", "-z", commit)
        if result.timed_out or result.returncode != 0:
            self._fail("cannot list the files of the commit")
        listing = checkout_budget.tally(result.stdout, leave_out)
        try:
            checkout_budget.check(listing, self.cache.budget)
        except checkout_budget.OverBudget as exc:
            raise FetchError(f"Refused to check out {self.url}: {exc}", self.secrets) from None
        self.blobs = listing.blobs
        return listing.left_out or []

    def discard_worktree(self) -> None:
        """Move this execution's worktree to the trash at once, prune it, empty the trash later.

        Deleting the files of a large checkout takes a third of a second per 7,000 files, which
        nobody need wait for; git only needs the worktree gone from its place to prune it.
        """
        trash = move_to_trash(self.worktree, self.cache.trash_dir)
        try:
            with self.locked(_never, CLEANUP_TIMEOUT):
                if trash is None:
                    self.remove_worktree(self.worktree)
                else:
                    self._run("worktree", "prune", cancelled=_never)
        except FetchError:
            remove_tree(self.worktree)  # `worktree prune` tidies up later
        if trash is not None:
            empty_trash_in_background(self.cache.trash_dir)

    def remove_worktree(self, path: Path) -> None:
        """Remove the worktree; never raises for a missing one.

        Deleting the files and pruning is what `git worktree remove --force` does, without
        first refreshing the index of a tree about to go (a third of a second on Django).
        """
        remove_tree(path)
        self._run("worktree", "prune", cancelled=_never)

    def _git(self, *args: str, what: str, stdin: bytes | None = None) -> str:
        result = self._run(*args, stdin=stdin)
        if result.timed_out or result.returncode != 0:
            tail = last_line(result.stderr.decode(errors="replace")) or "timed out"
            raise FetchError(f"Failed to {what} for {self.url}: {tail}", self.secrets)
        return result.stdout.decode(errors="replace")

    def _run(
        self,
        *args: str,
        env: Mapping[str, str] | None = None,
        cancelled: Callable[[], bool] | None = None,
        stdin: bytes | None = None,
    ) -> runner.RunResult:
        argv = ["git", *SAFE_CONFIG, *args]
        timeout = self.cache.timeout if cancelled is None else CLEANUP_TIMEOUT
        cwd = self.bare if self.bare.exists() else self.cache.cache_dir
        try:
            return runner.run(
                argv,
                cwd=cwd,
                timeout=timeout,
                memory_mb=None,
                cancelled=cancelled or self.cache.cancelled,
                env={**GIT_ENV, **(env or {})},
                stdin=stdin,
            )
        except ScanCancelled:
            raise
        except EngineError as exc:  # git could not even start
            raise FetchError(f"Failed to run git for {self.url}: {exc}", self.secrets) from None

    def _fail(self, reason: str, target: Target | None = None) -> NoReturn:
        message = f"Failed to fetch {(target or self.target).describe()} of {self.url}: {reason}"
        raise FetchError(message, self.secrets)
