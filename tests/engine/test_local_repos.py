"""Local repositories: allowed only under the configured roots, never into private folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.engine.clone_paths import bare_clone_path
from opencheck.engine.errors import FetchError
from opencheck.engine.local_repos import LocalRepoPolicy, LocalRepoRefused, parse_roots
from opencheck.engine.sources import read_files
from tests.engine.local import cache_at, roots
from tests.support import git, make_repo


def test_nothing_local_is_allowed_without_roots(tmp_path: Path) -> None:
    with pytest.raises(LocalRepoRefused, match="not allowed on this server"):
        LocalRepoPolicy().check(str(tmp_path))
    assert LocalRepoPolicy().check("https://example.com/r.git") is None
    assert LocalRepoPolicy().check("git@example.com:r.git") is None


def test_paths_and_file_urls_resolve_under_a_root(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    policy = roots(tmp_path)
    assert policy.check(str(repo)) == repo.resolve()
    assert policy.check(f"file://{repo}") == repo.resolve()
    assert policy.check(f"file://localhost{repo}") == repo.resolve()
    with pytest.raises(LocalRepoRefused, match="must lie under"):
        policy.check(str(tmp_path.parent))
    with pytest.raises(LocalRepoRefused, match="must lie under"):
        policy.check(f"{repo}/../../elsewhere")


@pytest.mark.parametrize("path", ["/proc/self/cwd", "/proc/1/root/etc", "/sys/kernel", "/dev/shm"])
def test_system_folders_are_never_allowed(path: str) -> None:
    with pytest.raises(LocalRepoRefused):
        LocalRepoPolicy.of((Path("/"),)).check(path)


def test_a_link_out_of_the_root_or_into_a_private_folder_is_refused(tmp_path: Path) -> None:
    private = tmp_path / "data"
    (private / "repos").mkdir(parents=True)
    (tmp_path / "into-data").symlink_to(private / "repos")
    (tmp_path / "into-proc").symlink_to("/proc/self/cwd")
    policy = LocalRepoPolicy.of((tmp_path,), private=(private,))
    with pytest.raises(LocalRepoRefused, match="never allowed"):
        policy.check(str(tmp_path / "into-data"))
    with pytest.raises(LocalRepoRefused):
        policy.check(str(tmp_path / "into-proc"))


def test_gitfiles_and_alternates_pointing_outside_are_refused(tmp_path: Path) -> None:
    inside, outside = tmp_path / "in", tmp_path / "out"
    make_repo(outside / "victim", {"secret.txt": "s\n"})
    worktree = inside / "wt"
    worktree.mkdir(parents=True)
    (worktree / ".git").write_text(f"gitdir: {outside / 'victim' / '.git'}\n")
    policy = LocalRepoPolicy.of((inside,))
    with pytest.raises(LocalRepoRefused, match="must lie under"):
        policy.check(str(worktree))
    borrowing = make_repo(inside / "borrowing", {"a.py": "x = 1\n"})
    alternates = borrowing / ".git" / "objects" / "info" / "alternates"
    alternates.write_text(f"{outside / 'victim' / '.git' / 'objects'}\n")
    with pytest.raises(LocalRepoRefused, match="must lie under"):
        policy.check(str(borrowing))


def test_the_cache_itself_is_never_a_repository_to_check(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    cache = cache_at(tmp_path)
    with cache.checkout(str(repo), "main", None, "e1", scope="project-b"):
        pass
    clone = bare_clone_path(tmp_path / "cache", str(repo), "project-b")
    assert (clone / "HEAD").exists()
    checkout = cache.checkout(str(clone), "main", None, "e2", scope="project-a")
    with pytest.raises(FetchError, match="never allowed"), checkout:
        pass


def test_each_scope_has_its_own_clone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n"})
    commit = git(repo, "rev-parse", "HEAD").strip()
    cache = cache_at(tmp_path)
    with cache.checkout(str(repo), "main", None, "e1", scope="b"):
        pass
    assert read_files(tmp_path / "cache", str(repo), commit, ["a.py"], "b") == {"a.py": b"x = 1\n"}
    # What scope b fetched is not there for scope a (nor for the unscoped cache).
    assert read_files(tmp_path / "cache", str(repo), commit, ["a.py"], "a") == {}
    assert read_files(tmp_path / "cache", str(repo), commit, ["a.py"]) == {}
    assert bare_clone_path(tmp_path, "u", "a") != bare_clone_path(tmp_path, "u", "b")


def test_roots_setting_is_split_on_the_path_separator() -> None:
    assert parse_roots("/a:/b::") == (Path("/a"), Path("/b"))
    assert parse_roots("") == ()
