"""A scan lists every file's role: tests are analysed without main-only rules, the rest left out."""

from __future__ import annotations

from pathlib import Path

from opencheck.domain.roles import Role
from opencheck.engine.inventory import LeftOut
from opencheck.engine.pipeline import EngineSettings, ScanSpec, scan_tree

from .test_pipeline import Recorder

EVAL = "def load(text):\n    return eval(text) + missing\n"
FILES = {
    "app.py": EVAL,
    "tests/test_app.py": EVAL,
    "qa/check.py": EVAL,
    "vendor/lib.py": EVAL,
    "gen/models.py": "# @generated\n" + EVAL,
}


def test_roles_through_a_scan(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    spec = ScanSpec("", "", None, (), (), ("python",), test_paths=("qa",))
    settings = EngineSettings(cache_dir=tmp_path / "cache", work_dir=tmp_path / "work")
    observer = Recorder()
    result = scan_tree(root, spec, settings, observer)

    # The security rule (S307, main only) is left out of test code; the bug rule (F821) is not.
    assert [(f.path, f.rule_id) for f in result.findings] == [
        ("app.py", "ruff:S307"),
        ("app.py", "ruff:F821"),
        ("qa/check.py", "ruff:F821"),
        ("tests/test_app.py", "ruff:F821"),
    ]
    assert result.roles == {
        "tests/test_app.py": Role.TEST,
        "qa/check.py": Role.TEST,
        "vendor/lib.py": Role.VENDORED,
        "gen/models.py": Role.GENERATED,
    }
    assert sorted(result.left_out, key=lambda f: f.path) == [
        LeftOut("gen/models.py", "Python", Role.GENERATED, "generated: '@generated' on line 1"),
        LeftOut("vendor/lib.py", "Python", Role.VENDORED, "vendored: under vendor/"),
    ]
    # Left-out lines are not the project's code; analysed files have their own counts.
    assert result.languages["Python"].files == 3
    assert result.code_lines == {"app.py": 2, "tests/test_app.py": 2, "qa/check.py": 2}
    assert [m.path for m in result.metrics.files] == ["app.py", "qa/check.py", "tests/test_app.py"]
    assert (
        "Code roles: main 1, test 2, generated 1, vendored 1, bundled 0, test-data 0"
        " (left out: 2 files, see the file list)"
    ) in observer.logs
    assert "2 findings of rules for production code left out of test code" in observer.logs
