"""The measure step over a real worktree: child processes, limits, cancellation."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.domain.roles import Role
from opencheck.engine.analyzers.base import Limits
from opencheck.engine.errors import ScanCancelled
from opencheck.engine.inventory import Inventory
from opencheck.engine.metrics.complexity import FunctionMeasure
from opencheck.engine.metrics.measure import measure_code

BLOCK = "".join(f"        total = total + item_{n}\n" for n in range(12))
PY = "def f(a):\n    if a:\n        total = 0\n" + BLOCK + "    return a\n"
CSS = "a { color: red; }\n"


def _inventory(root: Path) -> Inventory:
    (root / "pkg").mkdir()
    (root / "pkg" / "a.py").write_text(PY)
    (root / "pkg" / "b.py").write_text(PY)
    (root / "style.css").write_text(CSS)
    return Inventory(root, {"Python": ["pkg/a.py", "pkg/b.py"], "CSS": ["style.css"]})


def _limits(timeout: float = 60, cancelled: bool = False) -> Limits:
    return Limits(timeout=timeout, memory_mb=1024, cancelled=lambda: cancelled)


def test_functions_lines_and_duplication(tmp_path: Path) -> None:
    measures = measure_code(tmp_path, _inventory(tmp_path), ["Python", "CSS"], _limits())
    assert measures.errors == []
    by_path = {m.path: m for m in measures.files}
    assert set(by_path) == {"pkg/a.py", "pkg/b.py", "style.css"}
    a = by_path["pkg/a.py"]
    assert (a.language, a.raw_lines) == ("Python", 16)
    assert a.functions == [FunctionMeasure(1, 16, 2, 2, 1, False)]
    # a.py and b.py are the same 16 lines: one block each.
    assert (a.duplicated_lines, a.duplicated_blocks) == (16, 1)
    assert by_path["style.css"].functions == [] and by_path["style.css"].raw_lines == 1


def test_test_code_gets_its_lines_but_no_functions_or_duplication(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_a.py").write_text(PY)
    inventory.files["Python"].append("tests/test_a.py")
    inventory.roles["tests/test_a.py"] = Role.TEST
    by_path = {m.path: m for m in measure_code(tmp_path, inventory, ["Python"], _limits()).files}
    test = by_path["tests/test_a.py"]
    assert (test.raw_lines, test.functions, test.duplicated_lines) == (16, [], 0)
    # The main files still duplicate each other, and only each other.
    assert (by_path["pkg/a.py"].duplicated_lines, by_path["pkg/a.py"].duplicated_blocks) == (16, 1)
    assert len(by_path["pkg/b.py"].functions) == 1


def test_only_the_given_languages_are_measured(tmp_path: Path) -> None:
    measures = measure_code(tmp_path, _inventory(tmp_path), ["CSS"], _limits())
    assert [m.path for m in measures.files] == ["style.css"]


def test_a_timed_out_batch_is_an_error_not_a_failure(tmp_path: Path) -> None:
    measures = measure_code(tmp_path, _inventory(tmp_path), ["Python"], _limits(timeout=0.001))
    assert measures.errors and "timed out" in measures.errors[0]
    assert all(m.functions == [] for m in measures.files)


def test_cancelled_raises(tmp_path: Path) -> None:
    with pytest.raises(ScanCancelled):
        measure_code(tmp_path, _inventory(tmp_path), ["Python"], _limits(cancelled=True))


def test_a_repository_cannot_shadow_the_measuring_modules(tmp_path: Path) -> None:
    inventory = _inventory(tmp_path)
    marker = tmp_path.parent / f"{tmp_path.name}-ran"
    for package in ("opencheck", "tree_sitter"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text(f"open({str(marker)!r}, 'w')\n")
    measures = measure_code(tmp_path, inventory, ["Python"], _limits())
    assert measures.errors == []
    assert [len(m.functions) for m in measures.files] == [1, 1]
    assert not marker.exists()


def test_the_child_takes_a_json_list_and_never_reads_outside_the_checkout(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    tricky = "a\n/etc/hostname.py"  # a file name holding a newline and an absolute path
    (tmp_path / "ok.py").write_text("def f():\n    return 1\n")
    (tmp_path / tricky.replace("/", "_")).write_text("x = 1\n")
    pairs = [["python", "ok.py"], ["python", tricky.replace("/", "_")], ["lines", "/etc/hostname"],
             ["lines", "../outside.txt"]]  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-I", "-m", "opencheck.engine.metrics"],
        input=json.dumps(pairs).encode(), cwd=tmp_path, capture_output=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["path"] for r in reports] == [p[1] for p in pairs]
    assert reports[0]["raw_lines"] == 2 and reports[1]["raw_lines"] == 1
    assert reports[2]["error"] == reports[3]["error"] == "not a path inside the checkout"
