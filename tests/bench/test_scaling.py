"""The scaled trees of the scan benchmark: copies built from git objects, and per-line figures."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import scaling
from sources import GIT_ENV


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=GIT_ENV
    )
    return done.stdout.strip()


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "tiny"
    (repo / "pkg").mkdir(parents=True)
    (repo / "pkg" / "mod.py").write_text("x = 1\n")
    (repo / "README").write_text("tiny\n")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "tiny")
    return repo


def test_concatenated_repo_holds_each_copy_in_its_folder(tiny_repo: Path, tmp_path: Path) -> None:
    repo = scaling.concatenated_repo(tiny_repo, 3, tmp_path / "scaled")
    files = _git(repo, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert files == [f"copy{i}/{name}" for i in (1, 2, 3) for name in ("README", "pkg/mod.py")]
    # The copies are one tree object named three times, so the repository holds one tree's blobs.
    trees = {_git(repo, "rev-parse", f"main:copy{i}") for i in (1, 2, 3)}
    assert trees == {_git(tiny_repo, "rev-parse", "main^{tree}")}
    assert _git(repo, "show", "main:copy2/pkg/mod.py") == "x = 1"
    assert not (repo / "copy1").exists()  # no working files: the service reads objects only


def _run(lines: int, wall: float, **steps: float) -> dict[str, Any]:
    return {
        "code_lines": lines,
        "wall_seconds": wall,
        "status": "success",
        "peak_tree_rss_mb": 100.0,
        "steps": [{"step": name, "wall_seconds": seconds} for name, seconds in steps.items()],
    }


def test_per_line_rows_show_a_superlinear_step_and_a_fixed_cost() -> None:
    runs = {
        "1x": _run(1000, 2.0, fetch=1.0, metrics=0.5),
        "2x": _run(2000, 3.0, fetch=1.0, metrics=2.0),
        "4x": _run(4000, 5.0, fetch=1.0, metrics=8.0, store=0.4),
    }
    rows = {row["step"]: row for row in scaling.per_line_rows(runs)}
    assert rows["metrics"]["us_per_code_line"] == {"1x": 500.0, "2x": 1000.0, "4x": 2000.0}
    assert rows["metrics"]["ratio_last_to_first"] == 4.0
    assert rows["fetch"]["ratio_last_to_first"] == 0.25
    assert rows["store"]["us_per_code_line"]["1x"] is None
    assert rows["store"]["ratio_last_to_first"] is None
    assert rows[scaling.END_TO_END]["us_per_code_line"]["4x"] == 1250.0


def test_measure_runs_each_scale_in_a_folder_it_removes(tiny_repo: Path) -> None:
    seen: list[Path] = []

    def check(repo: Path, data_dir: Path) -> dict[str, Any]:
        seen.append(repo)
        copies = len(_git(repo, "ls-tree", "--name-only", "main").splitlines())
        return _run(10 * copies, 0.1 * copies, fetch=0.05)

    result = scaling.measure(tiny_repo, _run(10, 0.1, fetch=0.05), check)
    assert list(result["runs"]) == ["1x", "2x", "4x"]
    assert [r["code_lines"] for r in result["runs"].values()] == [10, 20, 40]
    assert seen and not any(path.exists() for path in seen)
