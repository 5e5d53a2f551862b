"""Checking out a pull or merge request's head or one commit, and what changed from a base."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opencheck.engine.checkout_budget import CheckoutBudget
from opencheck.engine.diffs import FileChange, parse
from opencheck.engine.errors import FetchError
from opencheck.engine.fetch import RepoCache
from opencheck.engine.git_refs import PARENT, Target, request_target
from tests.engine.local import cache_at

from .conftest import GitRepo, git

BASE = {"app/a.py": "one\ntwo\nthree\n", "app/old.py": "x = 1\ny = 2\nz = 3\nw = 4\n"}


@pytest.fixture
def cache(tmp_path: Path) -> RepoCache:
    return cache_at(tmp_path, lambda: False)


def _feature(repo: GitRepo) -> str:
    """A feature branch: a line inserted, a file renamed with one change, a new file."""
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.write({"app/a.py": "one\nnew\ntwo\nthree\n", "app/b.py": "print(1)\nprint(2)\n"})
    git(repo.path, "mv", "app/old.py", "app/new.py")
    repo.write({"app/new.py": "x = 1\ny = 2\nz = 30\nw = 4\n"})
    head = repo.commit("feature")
    git(repo.path, "checkout", "-q", "main")
    return head


@pytest.mark.parametrize(("kind", "number"), [("pull", 7), ("merge_request", 3)])
def test_a_request_head_is_checked_out_with_its_changes(
    make_repo: Callable[..., GitRepo], cache: RepoCache, kind: str, number: int
) -> None:
    repo = make_repo(BASE)
    head = _feature(repo)
    remote = "pull" if kind == "pull" else "merge-requests"
    git(repo.path, "update-ref", f"refs/{remote}/{number}/head", head)
    target = request_target("main", kind, number)
    with cache.checkout(str(repo.path), "main", None, "mr1", target=target,
                        compare_to=Target("main")) as checkout:  # fmt: skip
        assert checkout.commit == head
        assert (checkout.path / "app/b.py").is_file()
        assert checkout.base == git(repo.path, "rev-parse", "main")
        assert sorted(checkout.changes or (), key=lambda c: c.path) == [
            FileChange("app/a.py", None, ((2, 2),)),
            FileChange("app/b.py", None, ((1, 2),)),
            FileChange("app/new.py", "app/old.py", ((3, 3),)),
        ]
    # The request's head lives in OpenCheck's own namespace, not over a branch.
    bare = next(p for p in cache.cache_dir.iterdir() if p.suffix == ".git")
    assert git(bare, "for-each-ref", "--format=%(refname)", "refs/opencheck") == (
        f"refs/opencheck/{remote}/{number}")  # fmt: skip


def test_one_commit_against_its_parent(make_repo: Callable[..., GitRepo], cache: RepoCache) -> None:
    repo = make_repo(BASE)
    parent = git(repo.path, "rev-parse", "HEAD")
    repo.write({"app/a.py": "one\ntwo\nTHREE\n"})
    commit = repo.commit()
    repo.write({"app/a.py": "later\n"})
    repo.commit()  # the branch moved on; the commit is still checked out as it was
    with cache.checkout(str(repo.path), "main", None, "c1", target=Target("main", commit=commit),
                        compare_to=Target("main", commit=parent)) as checkout:  # fmt: skip
        assert checkout.commit == commit
        assert (checkout.path / "app/a.py").read_text() == "one\ntwo\nTHREE\n"
        assert checkout.changes == (FileChange("app/a.py", None, ((3, 3),)),)


def test_a_missing_request_or_commit_is_a_clear_error(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo(BASE)
    missing = {"pull request 99": Target("main", ("pull", 99)),
               "no such commit": Target("main", commit="a" * 40)}  # fmt: skip
    for message, target in missing.items():
        with (
            pytest.raises(FetchError, match=message),
            cache.checkout(str(repo.path), "main", None, "x", target=target),
        ):
            pass


@pytest.mark.parametrize(
    "bad", [{"request": ("branches", 1)}, {"request": ("pull", 0)}, {"commit": "abc123"}]
)
def test_targets_refuse_what_is_not_a_request_or_a_full_commit(bad: dict) -> None:
    with pytest.raises(ValueError):
        Target("main", **bad)


def test_quoted_and_deleted_paths_in_a_patch() -> None:
    patch = (
        b'diff --git "a/caf\\303\\251 \\"x\\".py" "b/caf\\303\\251 \\"x\\".py"\n'
        b'--- "a/caf\\303\\251 \\"x\\".py"\n+++ "b/caf\\303\\251 \\"x\\".py"\n'
        b"@@ -1 +1,3 @@\n-a\n+b\n+c\n+d\n@@ -9,2 +11,0 @@\n-e\n-f\n"
        b"diff --git a/gone.py b/gone.py\ndeleted file mode 100644\n--- a/gone.py\n+++ /dev/null\n"
        b"@@ -1 +0,0 @@\n-x\n"
    )
    (change,) = parse(patch)
    assert change == FileChange('café "x".py', None, ((1, 3),))
    assert change.touches(2) and not change.touches(11)


def test_changed_only_writes_just_the_changed_regular_files(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo(BASE)
    git(repo.path, "checkout", "-q", "-b", "feature")
    repo.write({"app/a.py": "one\nnew\ntwo\nthree\n", "app/deep/c.py": "print(3)\n"})
    (repo.path / "app/link.py").symlink_to("/etc/passwd")
    head = repo.commit("feature")
    git(repo.path, "checkout", "-q", "main")
    with cache.checkout(str(repo.path), "main", None, "inc1", target=Target("main", commit=head),
                        compare_to=Target("main"), changed_only=True) as checkout:  # fmt: skip
        files = sorted(str(p.relative_to(checkout.path)) for p in checkout.path.rglob("*"))
        assert files == ["app", "app/a.py", "app/deep", "app/deep/c.py"]  # no link, no old.py
        assert (checkout.path / "app/a.py").read_text() == "one\nnew\ntwo\nthree\n"
        assert checkout.left_out == ("app/link.py",)
    assert not checkout.path.exists()


def test_changed_only_keeps_the_checkout_budget(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo(BASE)
    repo.write({"big.py": "x = 1\n" * 50_000})
    head = repo.commit()
    small = cache_at(tmp_path, lambda: False, budget=CheckoutBudget(max_bytes=100_000))
    with (
        pytest.raises(FetchError, match="OPENCHECK_MAX_CHECKOUT_BYTES"),
        small.checkout(
            str(repo.path),
            "main",
            None,
            "big",
            target=Target("main", commit=head),
            compare_to=PARENT,
            changed_only=True,
        ),  # fmt: skip
    ):
        pass


def test_the_root_commit_is_compared_with_nothing(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo(BASE)
    root = git(repo.path, "rev-list", "--max-parents=0", "HEAD")
    with cache.checkout(str(repo.path), "main", None, "root", target=Target("main", commit=root),
                        compare_to=PARENT, changed_only=True) as checkout:  # fmt: skip
        assert sorted(c.path for c in checkout.changes or ()) == ["app/a.py", "app/old.py"]
        assert (checkout.path / "app/old.py").read_text() == BASE["app/old.py"]
