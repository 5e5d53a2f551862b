"""The floors of the scan benchmark on a tiny tree, with real tree-sitter, ruff and oxlint."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import floors
import pytest
import scan_targets

from opencheck.engine.inventory import build_inventory

PYTHON = "import os\n\n\ndef f(value):\n    if value == None:\n        return eval(value)\n"
TYPESCRIPT = "export const g = (v: number): number => {\n  debugger\n  return v + 1\n}\n"


@pytest.mark.parametrize(
    ("language", "path", "grammar"),
    [
        ("Python", "a/b.py", "python"),
        ("TypeScript", "a/b.ts", "typescript"),
        ("TypeScript", "a/b.tsx", "tsx"),
        ("Cangjie", "a/b.cj", "Cangjie"),  # the engine's own grammar, by language name
        ("Markdown", "a/b.md", None),
    ],
)
def test_grammar_of(language: str, path: str, grammar: str | None) -> None:
    assert floors.grammar_of(language, path) == grammar


def test_split_by_size_balances_bytes(tmp_path: Path) -> None:
    for name, size in {"a": 900, "b": 500, "c": 400, "d": 100}.items():
        (tmp_path / name).write_bytes(b"x" * size)
    parts = floors.split_by_size(tmp_path, [(n, "python") for n in "abcd"], 2)
    loads = sorted(sum((tmp_path / f).stat().st_size for f, _ in part) for part in parts)
    assert loads == [900, 1000]
    assert floors.split_by_size(tmp_path, [("a", "python")], 4) == [[("a", "python")]]


@pytest.fixture
def tiny_tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "mod.py").write_text(PYTHON)
    (tmp_path / "pkg" / "other.py").write_text(PYTHON * 3)
    (tmp_path / "web.ts").write_text(TYPESCRIPT)
    return tmp_path


def test_measure_parses_every_file_and_runs_the_tools_alone(tiny_tree: Path) -> None:
    inventory = build_inventory(tiny_tree, [], [])
    report = floors.measure(inventory, ["Python", "TypeScript"], 2)
    assert report["parse"]["files"] == 3
    assert report["parse"]["code_lines"] == 4 * 5  # 4 Python copies of 4 lines, 4 of TypeScript
    assert report["analysers"]["ruff"]["files"] == 2
    assert report["analysers"]["oxlint"]["files"] == 1
    assert set(report["tools"]) == {"ruff", "ruff --select ALL", "oxlint"}
    assert all(t["wall_seconds"] > 0 for t in report["tools"].values())
    assert report["unparsed_languages"] == []


def test_tool_commands_are_the_engines_at_the_checks_threads() -> None:
    commands = floors.tool_commands({"Python": ["b.py", "a.py"], "TypeScript": ["c.ts"]}, 2)
    assert commands["ruff"][-2:] == ["a.py", "b.py"]
    assert "--isolated" in commands["ruff"]
    assert "--threads=2" in commands["oxlint"] and "--threads=1" not in commands["oxlint"]
    assert floors.tool_commands({"Shell": ["x.sh"]}, 2) == {}


def _floors() -> dict[str, Any]:
    return {
        "jobs": 2,
        "parse": {"files": 3, "code_lines": 30, "one_core_seconds": 2.0, "parallel_seconds": 1.0},
        "analysers": {"ruff": {"files": 2, "parse_one_core_seconds": 1.5}},
        "tools": {"ruff": {"wall_seconds": 0.5, "cpu_seconds": 0.8}},
        "unparsed_languages": [],
    }


def test_floor_rows_divide_each_steps_wall_by_its_floor() -> None:
    runs = {
        "cold": {"wall_seconds": 4.0, "steps": [{"step": "analyser ruff", "wall_seconds": 1.5}]},
        "warm": {"wall_seconds": 2.0, "steps": []},
    }
    rows = floors.floor_rows(_floors(), runs)
    assert [(r["step"], r["floor"]) for r in rows] == [
        ("analyser ruff", "ruff alone"),
        ("analyser ruff", floors.PARSE_1),
        ("queued → stored", "tree-sitter parse, 2 processes"),
    ]
    assert [r["ratios"] for r in rows] == [
        {"cold": 3.0, "warm": None},
        {"cold": 1.0, "warm": None},
        {"cold": 4.0, "warm": 2.0},
    ]


def _report(tree: str, cold: float, warm: float, few: float, peak: float) -> dict[str, Any]:
    lines = 400_000
    runs = {
        name: {"wall_seconds": wall, "code_lines_per_second": lines / wall, "edited": ["a"] * 5}
        for name, wall in (("cold", cold), ("warm", warm), ("few_files", few))
    }
    return {"tree": tree, "profile": runs, "opencheck": {"peak_memory_mb": peak}}


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (
            _report("django", 3.0, 1.5, 1.0, 500),
            {
                "cold >= 100,000 code lines/s": True,
                "warm >= 200,000 code lines/s": True,
                "5-file commit < 2 s": True,
                "peak memory < 1.5 GB": True,
            },
        ),
        (
            _report("django", 5.0, 3.0, 2.5, 1500),
            {
                "cold >= 100,000 code lines/s": False,
                "warm >= 200,000 code lines/s": False,
                "5-file commit < 2 s": False,
                "peak memory < 1.5 GB": False,
            },
        ),
        (
            # The TypeScript tree: no code-line rate of its own, the rest the same.
            _report("effect", 50.0, 50.0, 1.0, 500),
            {"5-file commit < 2 s": True, "peak memory < 1.5 GB": True},
        ),
        (
            {**_report("effect", 5.0, 1.0, 1.0, 500), "ratio_opencheck_to_semgrep_rate": 4.9},
            {
                "cold >= 5 x Semgrep CE's rate": False,
                "5-file commit < 2 s": True,
                "peak memory < 1.5 GB": True,
            },
        ),
    ],
)
def test_targets(report: dict[str, Any], expected: dict[str, bool]) -> None:
    assert scan_targets.targets(report) == expected
