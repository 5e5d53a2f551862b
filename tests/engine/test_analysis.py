"""The analyse step's plan: size caps of slow analysers, split files, parallel batches."""

from __future__ import annotations

from pathlib import Path

from opencheck.engine.analysis import analyze
from opencheck.engine.analyzers.base import Limits
from opencheck.engine.inventory import Inventory

from .analyzers.fakes import ScriptAnalyzer

# Reports rule fake:one on line 1 of every file it is given.
EVERY_FILE = (
    'printf "["; sep=""; for f in "$@"; do printf "%s[\\"fake:one\\", \\"%s\\", 1, 1, \\"m\\"]"'
    ' "$sep" "$f"; sep=","; done; printf "]"'
)
LIMITS = Limits(timeout=30, memory_mb=None, cancelled=lambda: False)


def _inventory(root: Path, sizes: dict[str, int]) -> Inventory:
    for name, size in sizes.items():
        (root / name).write_text("x" * size)
    return Inventory(root, {"Python": sorted(sizes)})


def test_files_over_an_analysers_size_cap_are_skipped_and_logged(tmp_path: Path) -> None:
    capped = ScriptAnalyzer(EVERY_FILE)
    capped.max_file_bytes = 2048  # type: ignore[attr-defined]
    inventory = _inventory(tmp_path, {"small.py": 100, "edge.py": 2048, "big.py": 4096})
    outcome = analyze(
        tmp_path, inventory, ["Python"], "basic", limits=LIMITS, jobs=1, analyzers={"f": capped}
    )
    assert sorted(f.path for f in outcome.findings) == ["edge.py", "small.py"]
    assert "fake skipped 1 files over 2 KB" in outcome.log
    assert outcome.failed == []


def test_without_a_cap_every_file_is_analysed(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path, {"small.py": 100, "big.py": 400_000})
    outcome = analyze(
        tmp_path,
        inventory,
        ["Python"],
        "basic",
        limits=LIMITS,
        jobs=2,
        analyzers={"f": ScriptAnalyzer(EVERY_FILE)},
    )
    assert sorted(f.path for f in outcome.findings) == ["big.py", "small.py"]
    assert not any("skipped" in line for line in outcome.log)
