"""Does a check scale with the work? Time per code line of each step at 1x, 2x and 4x a tree.

The bigger trees are copies of the tree in `copy1/`, `copy2/`, ... of one repository, built from
git objects alone: the pinned tree's root tree object is named once per copy in a new root
tree (`git mktree`), so nothing is unpacked or written twice and the repository stays the size of
one tree; the service's checkout does write every copy, as it would for a real tree that size.
The copies are duplicates: the duplication metric finds every file duplicated, so its step is
heavier than on a real tree of that size. Each scaled check is a cold check on a fresh service
in a temporary folder, deleted before the next, so at most one 4x checkout is on disk.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sources import GIT_ENV

SCALES = (2, 4)
SUPERLINEAR = 1.25  # a per-line time growing more than this from 1x to 4x is marked
END_TO_END = "queued → stored"
# A cold check of one repository: (repository, empty data folder) -> the run's figures.
Check = Callable[[Path, Path], Mapping[str, Any]]


def _git(cwd: Path, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, input=stdin, check=True, capture_output=True, text=True,
        env=GIT_ENV,
    )  # fmt: skip
    return done.stdout.strip()


def concatenated_repo(source: Path, copies: int, into: Path) -> Path:
    """A repository at `into` whose `main` holds `copies` copies of `source`'s `main` tree.

    Packed, like the source (`sources.git_repo`); it has no working files: the service reads
    only its objects.
    """
    into.mkdir(parents=True)
    _git(into, "init", "-q", "-b", "main")
    _git(into, "fetch", "-q", str(source.resolve()), "main")
    tree = _git(into, "rev-parse", "FETCH_HEAD^{tree}")
    listing = "".join(f"040000 tree {tree}\tcopy{i}\n" for i in range(1, copies + 1))
    root = _git(into, "mktree", stdin=listing)
    commit = _git(into, "commit-tree", root, "-m", f"{copies} copies", stdin="")
    _git(into, "update-ref", "refs/heads/main", commit)
    _git(into, "repack", "-a", "-d", "-q")
    return into


def measure(source: Path, one: Mapping[str, Any], check: Check) -> dict[str, Any]:
    """The 1x run `one` (the tree's cold check) and a cold check at every scale of SCALES."""
    runs: dict[str, Mapping[str, Any]] = {"1x": one}
    for copies in SCALES:
        with tempfile.TemporaryDirectory(prefix="opencheck-bench-scale-") as tmp:
            repo = concatenated_repo(source, copies, Path(tmp) / "repo")
            runs[f"{copies}x"] = check(repo, Path(tmp) / "data")
    return {"runs": dict(runs), "rows": per_line_rows(runs)}


def per_line_rows(runs: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Per step, microseconds of wall time per code line at each scale and last / first."""
    names: list[str] = []
    for run in runs.values():
        names.extend(s["step"] for s in run["steps"] if s["step"] not in names)
    rows = []
    for name in [*names, END_TO_END]:
        per_line: dict[str, float | None] = {}
        for scale, run in runs.items():
            wall = run["wall_seconds"] if name == END_TO_END else _wall(run["steps"], name)
            lines = int(run["code_lines"] or 0)
            per_line[scale] = round(wall / lines * 1e6, 3) if wall is not None and lines else None
        values = list(per_line.values())
        first, last = values[0], values[-1]
        ratio = round(last / first, 2) if first and last is not None else None
        rows.append({"step": name, "us_per_code_line": per_line, "ratio_last_to_first": ratio})
    return rows


def _wall(steps: Sequence[Mapping[str, Any]], name: str) -> float | None:
    found = next((s for s in steps if s["step"] == name), None)
    return None if found is None else float(found["wall_seconds"])


def print_scaling(tree: str, scaling: Mapping[str, Any]) -> None:
    """µs per code line per step at each scale; a last/first ratio over 1 is superlinear."""
    runs = scaling["runs"]
    scales = list(runs)
    print(f"== {tree} scaled (copies of the tree; µs of wall time per code line)")
    sizes = "".join(f"{int(run['code_lines'] or 0):>12,}" for run in runs.values())
    print(f"  {'code lines':<26}{sizes}")
    header = "".join(f"{scale:>12}" for scale in scales)
    print(f"  {'step':<26}{header}{scales[-1] + ' / ' + scales[0]:>12}")
    for row in scaling["rows"]:
        cells = "".join(
            f"{v:>12.3f}" if v is not None else f"{'-':>12}"
            for v in row["us_per_code_line"].values()
        )
        ratio = row["ratio_last_to_first"]
        flag = "  superlinear" if ratio is not None and ratio > SUPERLINEAR else ""
        shown = f"{ratio:>11.2f}x" if ratio is not None else f"{'-':>12}"
        indent = "    " if row["step"].startswith("analyser ") or row["step"] == "metrics" else "  "
        print(f"{indent}{row['step']:<{28 - len(indent)}}{cells}{shown}{flag}")
    status = ", ".join(f"{scale} {run['status']}" for scale, run in runs.items())
    peaks = "".join(f"{run['peak_tree_rss_mb']:>12.1f}" for run in runs.values())
    print(f"  {'peak memory MiB':<26}{peaks}")
    print(f"  status: {status}")
