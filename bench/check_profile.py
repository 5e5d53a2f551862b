"""Where the seconds of a check go: the service's own step timers, cold, warm and after an edit.

The figures are the ones every check stores (`services.results.step_times`): wall seconds and
CPU seconds (the service's threads plus the child processes: git, analysers, metrics) per step.
Three checks of one task run one after the other on the same service:

- **cold**: the first check; the repository cache is empty;
- **warm**: the same commit again, with the cache holding it;
- **few files**: a commit that edits a few files (`edit_files`), fetched into the warm cache.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sources import GIT_ENV

RUNS = ("cold", "warm", "few_files")
EDITED_FILES = 5
# Appended to each edited file: a few lines of code, one of them a finding for most rule sets.
EDITS = {
    ".py": "\n\ndef _bench_edit(value):\n    if value == None:\n        return eval(value)\n",
    ".ts": "\n\nexport const benchEdit = (value: any) => {\n  debugger\n  return value\n}\n",
    ".js": "\n\nexport const benchEdit = (value) => {\n  debugger\n  return value\n}\n",
}


def pick_files(files: Sequence[str], count: int = EDITED_FILES) -> list[str]:
    """`count` files spread evenly over the sorted list, among those EDITS knows how to edit."""
    editable = sorted(
        f
        for f in files
        if Path(f).suffix in EDITS and not any(p.startswith("test") for p in Path(f).parts)
    )
    if len(editable) <= count:
        return editable
    step = len(editable) // count
    return [editable[i * step] for i in range(count)]


def edit_files(repo: Path, paths: Sequence[str]) -> str:
    """Commit edits of `paths` as the next commit of `repo`'s `main`; returns its id.

    The edits are committed in a copy (a local clone shares the objects), so the repository's
    own files, which Semgrep and ruff read afterwards, stay those of the pinned tree; the new
    commit is then fetched back and `main` moved to it.
    """
    with tempfile.TemporaryDirectory(prefix="opencheck-bench-edit-") as tmp:
        copy = Path(tmp) / "copy"
        _git(repo.parent, "clone", "-q", "--local", str(repo), str(copy))
        for path in paths:
            with open(copy / path, "a", encoding="utf-8") as handle:
                handle.write(EDITS[Path(path).suffix])
        _git(copy, "commit", "-q", "-a", "-m", f"edit {len(paths)} files")
        _git(repo, "fetch", "-q", str(copy), "main")
        commit = _git(repo, "rev-parse", "FETCH_HEAD")
        _git(repo, "update-ref", "refs/heads/main", commit)  # the files on disk stay as they are
    return commit


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=GIT_ENV
    )
    return done.stdout.strip()


def step_rows(steps: Sequence[Any]) -> list[dict[str, Any]]:
    """A check's stored steps as JSON rows (seconds rounded to milliseconds)."""
    return [
        {
            "step": s.step,
            "wall_seconds": round(s.wall, 3),
            "cpu_seconds": round(s.cpu, 3),
            "child_cpu_seconds": round(s.child_cpu, 3),
        }
        for s in steps
    ]


def print_profile(runs: Mapping[str, Mapping[str, Any]]) -> None:
    """One line per step: wall and CPU (own + children) seconds of each run, side by side."""
    names: list[str] = []
    for run in runs.values():
        names.extend(s["step"] for s in run["steps"] if s["step"] not in names)
    header = "".join(f"{name:>22}" for name in runs)
    print(f"  {'step (wall s / cpu s)':<26}{header}")
    for name in names:
        cells = []
        for run in runs.values():
            found = next((s for s in run["steps"] if s["step"] == name), None)
            cpu = found["cpu_seconds"] + found["child_cpu_seconds"] if found else 0.0
            cells.append(f"{found['wall_seconds']:>10.3f} /{cpu:>9.3f}" if found else "-")
        indent = "    " if name.startswith("analyser ") or name == "metrics" else "  "
        print(f"{indent}{name:<{28 - len(indent)}}" + "".join(f"{c:>22}" for c in cells))
    walls = "".join(f"{run['wall_seconds']:>10.3f} s{'':>10}" for run in runs.values())
    print(f"  {'queued → stored':<26}{walls}")
    if "cold" in runs:
        cold = runs["cold"]["wall_seconds"]
        ratios = "".join(f"{run['wall_seconds'] / cold:>21.2f}x" for run in runs.values())
        print(f"  {'ratio to cold':<26}{ratios}")
