"""A checkout over its budget (size, files, depth) is refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.engine import checkout_budget
from opencheck.engine.checkout_budget import CheckoutBudget
from opencheck.engine.errors import FetchError
from opencheck.engine.fetch import RepoCache
from tests.engine.local import roots
from tests.support import make_repo


def _cache(tmp_path: Path, budget: CheckoutBudget) -> RepoCache:
    return RepoCache(tmp_path / "cache", tmp_path / "work", timeout=60, cancelled=lambda: False,
                     local_repos=roots(tmp_path), budget=budget)  # fmt: skip


@pytest.mark.parametrize(
    ("budget", "files", "limit"),
    [
        (CheckoutBudget(max_files=3), {f"f{n}.py": "x = 1\n" for n in range(4)}, "4 files"),
        (CheckoutBudget(max_bytes=1000), {"big.txt": "x" * 2000}, "2000 bytes"),
        (CheckoutBudget(max_depth=4), {"a/b/c/d/e.py": "x = 1\n"}, "5 deep"),
    ],
)
def test_over_the_budget_nothing_is_written(
    tmp_path: Path, budget: CheckoutBudget, files: dict[str, str], limit: str
) -> None:
    repo = make_repo(tmp_path / "r", files)
    cache = _cache(tmp_path, budget)
    refused = pytest.raises(FetchError, match=f"Refused to check out .*{limit}")
    with refused, cache.checkout(str(repo), "main", None, "e1"):
        pass
    assert not (tmp_path / "work" / "e1").exists()


def test_files_left_out_do_not_count_against_the_budget(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", {"a.py": "x = 1\n", "blob.bin": "x" * 5000})
    cache = _cache(tmp_path, CheckoutBudget(max_bytes=1000))
    with cache.checkout(str(repo), "main", None, "e1", leave_out=lambda p: p.endswith(".bin")) as c:
        assert c.left_out == ("blob.bin",)
        assert (c.path / "a.py").exists() and not (c.path / "blob.bin").exists()


def test_the_listing_names_each_regular_files_blob_and_never_a_links() -> None:
    listing = (
        b"100644 blob " + b"1" * 40 + b"     12\tapp.py\0"
        b"100755 blob " + b"2" * 40 + b"      3\tbin/run\0"
        b"120000 blob " + b"3" * 40 + b"      6\tlink.py\0"
        b"160000 commit " + b"4" * 40 + b"       -\tvendor/lib\0"
        b"100644 blob " + b"5" * 40 + b"      9\tdocs/logo.png\0"
    )
    found = checkout_budget.tally(listing, lambda path: path.endswith(".png"))
    assert found.blobs == {
        "app.py": "100644 " + "1" * 40,
        "bin/run": "100755 " + "2" * 40,
        "docs/logo.png": "100644 " + "5" * 40,  # left out of the worktree, still listed
    }
