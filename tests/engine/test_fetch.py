"""Cached clones and per-execution worktrees, over local paths, file:// and HTTP with auth."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from opencheck.engine import runner
from opencheck.engine.errors import FetchError, ScanCancelled
from opencheck.engine.fetch import RepoCache, RepoCredentials, redact
from opencheck.engine.languages import unread
from tests.engine.local import cache_at

from .conftest import GitRepo, git
from .git_http import git_http_server


def never() -> bool:
    return False


@pytest.fixture
def cache(tmp_path: Path) -> RepoCache:
    return cache_at(tmp_path, never)


def worktrees(cache: RepoCache) -> list[Path]:
    return sorted(cache.work_dir.iterdir()) if cache.work_dir.exists() else []


@pytest.mark.parametrize("scheme", ["", "file://"])
def test_checkout_then_refetch_picks_up_a_new_commit(
    make_repo: Callable[..., GitRepo], cache: RepoCache, scheme: str
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    url = f"{scheme}{repo.path}"
    with cache.checkout(url, "main", None, "exec1") as first:
        assert first.path == cache.work_dir / "exec1"
        assert (first.path / "a.py").read_text() == "x = 1\n"
        assert first.commit == git(repo.path, "rev-parse", "HEAD")
    assert not first.path.exists()
    repo.write({"a.py": "x = 2\n"})
    new_commit = repo.commit()
    with cache.checkout(url, "main", None, "exec2") as second:
        assert second.commit == new_commit
        assert (second.path / "a.py").read_text() == "x = 2\n"
    assert [p.suffix for p in cache.cache_dir.iterdir() if p.is_dir()] == [".git"]
    assert worktrees(cache) == []


def test_unknown_branch_is_a_clear_fetch_error(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    with (
        pytest.raises(
            FetchError, match=r"Failed to fetch branch 'nope' of .*remote branch not found"
        ),
        cache.checkout(str(repo.path), "nope", None, "e"),
    ):
        pass
    assert worktrees(cache) == []


def test_missing_repository(tmp_path: Path, cache: RepoCache) -> None:
    with (
        pytest.raises(FetchError, match="repository not found or not accessible"),
        cache.checkout(str(tmp_path / "missing"), "main", None, "e"),
    ):
        pass


@pytest.mark.parametrize("branch", ["-x", "a..b", "@{-1}", "HEAD", "x y", "x.lock", ""])
def test_invalid_branch_names(
    make_repo: Callable[..., GitRepo], cache: RepoCache, branch: str
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    with (
        pytest.raises(FetchError, match="Invalid branch name"),
        cache.checkout(str(repo.path), branch, None, "e"),
    ):
        pass


def test_ext_transport_is_refused(tmp_path: Path, cache: RepoCache) -> None:
    marker = tmp_path / "pwned"
    with (
        pytest.raises(FetchError, match="Invalid repository URL"),
        cache.checkout(f"ext::sh -c touch% {marker}", "main", None, "e"),
    ):
        pass
    assert not marker.exists()


def test_worktree_is_removed_when_the_body_fails(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    with pytest.raises(RuntimeError), cache.checkout(str(repo.path), "main", None, "e") as co:
        assert co.path.is_dir()
        raise RuntimeError("analysis blew up")
    assert worktrees(cache) == []


def test_cancelled_fetch_raises_and_leaves_nothing(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    cache = cache_at(tmp_path, lambda: True)
    with pytest.raises(ScanCancelled), cache.checkout(str(repo.path), "main", None, "e"):
        pass
    assert worktrees(cache) == []


def test_concurrent_executions_share_the_cache(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    barrier = threading.Barrier(3)

    def scan(execution_id: str) -> str:
        with cache.checkout(str(repo.path), "main", None, execution_id) as co:
            barrier.wait(timeout=30)  # all three worktrees exist at once
            return (co.path / "a.py").read_text()

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(scan, ["e1", "e2", "e3"])) == ["x = 1\n"] * 3
    assert worktrees(cache) == []


def test_credentials_go_to_the_environment_never_argv(
    monkeypatch: pytest.MonkeyPatch, cache: RepoCache
) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(argv: list[str], **kwargs: object) -> runner.RunResult:
        calls.append((list(argv), dict(kwargs.get("env") or {})))  # type: ignore[call-overload]
        if "fetch" in argv:
            return runner.RunResult(128, b"", b"fatal: Authentication failed", 0.0, False)
        return runner.RunResult(0, b"main\n", b"", 0.0, False)

    monkeypatch.setattr(runner, "run", fake_run)
    creds = RepoCredentials("alice", "tok-123")
    with (
        pytest.raises(FetchError, match="authentication failed"),
        cache.checkout("https://h/r.git", "main", creds, "e"),
    ):
        pass
    assert calls
    assert not any("tok-123" in arg or "alice" in arg for argv, _ in calls for arg in argv)
    fetch_env = next(env for argv, env in calls if "fetch" in argv)
    assert fetch_env["GIT_CONFIG_KEY_0"] == "http.extraHeader"
    assert fetch_env["GIT_CONFIG_VALUE_0"].startswith("Authorization: Basic ")
    assert fetch_env["GIT_TERMINAL_PROMPT"] == "0"
    assert "protocol.ext.allow=never" in next(argv for argv, _ in calls if "fetch" in argv)


def test_http_basic_auth_works_and_never_leaks(
    make_repo: Callable[..., GitRepo], tmp_path: Path, cache: RepoCache
) -> None:
    repo = make_repo({"a.py": "x = 1\n"}, name="served/repo")
    secret = "s3cr3t-t0ken"
    with git_http_server(tmp_path / "served", "alice", secret) as base:
        url = f"{base}/repo/.git"
        with cache.checkout(url, "main", RepoCredentials("alice", secret), "ok") as co:
            assert co.commit == git(repo.path, "rev-parse", "HEAD")
        # Credentials in the URL work too, and are not stored with the cache.
        embedded = url.replace("http://", f"http://alice:{secret}@")
        with cache.checkout(embedded, "main", None, "ok2") as co:
            assert (co.path / "a.py").exists()
        with (
            pytest.raises(FetchError) as failure,
            cache.checkout(url, "main", RepoCredentials("alice", "wrong-pass"), "bad"),
        ):
            pass
    assert "authentication failed" in failure.value.message
    assert "wrong-pass" not in failure.value.message
    for config in cache.cache_dir.glob("*.git/config"):
        assert secret not in config.read_text()
        assert "alice" not in config.read_text()
    assert worktrees(cache) == []


@pytest.mark.parametrize(
    ("text", "secrets", "expected"),
    [
        ("https://u:p@host/r.git failed", (), "https://***@host/r.git failed"),
        ("see https://tok@host/r", (), "see https://***@host/r"),
        ("ssh://git@host/r", (), "ssh://git@host/r"),
        ("ssh://git:pw@host/r", (), "ssh://***@host/r"),
        ("token abc123 and abc123", ("abc123",), "token *** and ***"),
        ("nothing here", ("", "zzz"), "nothing here"),
        ("ab abc", ("ab", "abc"), "*** ***"),
    ],
)
def test_redact(text: str, secrets: tuple[str, ...], expected: str) -> None:
    assert redact(text, secrets) == expected


def test_fetch_error_is_always_redacted() -> None:
    error = FetchError("Failed for https://u:tok@h/r: tok rejected", ["tok"])
    assert "tok" not in str(error) and "tok" not in error.message


def test_a_finished_worktree_goes_at_once_and_the_trash_is_emptied(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo({f"pkg/m{n}.py": "x = 1\n" for n in range(200)})
    with cache.checkout(str(repo.path), "main", None, "exec1") as checkout:
        assert (checkout.path / "pkg" / "m0.py").is_file()
    assert not checkout.path.exists() and worktrees(cache) == []
    # git knows it is gone: the same execution id can check out again.
    with cache.checkout(str(repo.path), "main", None, "exec1") as again:
        assert (again.path / "pkg" / "m199.py").is_file()
    deadline = time.monotonic() + 30
    while any(cache.trash_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(cache.trash_dir.iterdir()) == []
    listed = git(
        cache.cache_dir / next(p.name for p in cache.cache_dir.glob("*.git")), "worktree", "list"
    )
    assert len(listed.splitlines()) == 1  # only the bare clone itself


def test_files_no_analyser_reads_are_never_written(
    make_repo: Callable[..., GitRepo], cache: RepoCache
) -> None:
    repo = make_repo(
        {
            "app.py": "x = 1\n",
            "logo.PNG": "not an image",
            "locale/de/django.po": 'msgid "x"\n',
            "odd [1]*.mo": "binary",
            "data.zip/inside.py": "y = 2\n",  # a folder with an unread suffix is still walked
        }
    )
    with cache.checkout(str(repo.path), "main", None, "exec1", leave_out=unread) as checkout:
        written = sorted(
            p.relative_to(checkout.path).as_posix()
            for p in checkout.path.rglob("*")
            if p.is_file() and p.name != ".git"
        )
        assert written == ["app.py", "data.zip/inside.py"]
        assert sorted(checkout.left_out) == ["locale/de/django.po", "logo.PNG", "odd [1]*.mo"]
        # The worktree is clean: the left-out files are not deletions to git.
        assert git(checkout.path, "status", "--porcelain") == ""
    with cache.checkout(str(repo.path), "main", None, "exec2") as everything:
        assert (everything.path / "logo.PNG").exists() and everything.left_out == ()
