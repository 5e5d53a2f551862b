"""The suppression step of a real scan: findings kept and marked, unused markers reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import RuleSelection
from opencheck.engine.analyzers.catalog import load_catalog
from opencheck.engine.pipeline import EngineSettings, ScanSpec, scan_tree
from opencheck.engine.suppressing import UNUSED_RULE, unused_severities

from .test_pipeline import Recorder

APP = """\
import os  # noqa: F401
import sys  # opencheck-ignore[ruff:F401]: re-exported for plugins
import json


def load(text):
    return eval(text)  # nosec B307
"""
CLEAN = "value = 1  # opencheck-ignore[ruff:F841]: stale\nother = 2  # noqa: E501\n"


def _spec(**changes: object) -> ScanSpec:
    values: dict = {
        "repo_url": "",
        "branch": "main",
        "credentials": None,
        "include_paths": (),
        "excludes": (),
        "rule_languages": ("python",),
        **changes,
    }
    return ScanSpec(**values)


def _scan(tmp_path: Path, files: dict[str, str], **changes: object) -> list[Finding]:
    tree = tmp_path / "tree"
    for name, text in files.items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    settings = EngineSettings(cache_dir=tmp_path / "cache", work_dir=tmp_path / "work", jobs=1)
    return scan_tree(tree, _spec(**changes), settings, Recorder()).findings


def test_suppressed_findings_are_kept_with_their_reason(tmp_path: Path) -> None:
    found = {(f.rule_id, f.line): f for f in _scan(tmp_path, {"app.py": APP, "clean.py": CLEAN})}
    # ruff runs with its noqa comments ignored, so the finding reaches OpenCheck.
    assert found[("ruff:F401", 1)].suppression == "# noqa: F401 on line 1"
    assert found[("ruff:F401", 2)].suppression == (
        "opencheck-ignore[ruff:F401] on line 2: re-exported for plugins"
    )
    assert found[("ruff:F401", 3)].suppression is None
    assert found[("ruff:S307", 7)].suppression == "# nosec B307 on line 7"
    unused = [f for f in found.values() if f.rule_id == UNUSED_RULE]
    assert [(f.path, f.line, f.severity) for f in unused] == [("clean.py", 1, Severity.SUGGESTION)]
    assert "ruff:F841" in unused[0].message and unused[0].code_line.startswith("value = 1")


def test_security_checks_and_rule_sets_without_the_rule_report_no_unused(tmp_path: Path) -> None:
    assert unused_severities(["Python"], "security", None) == {}
    chosen = {"Python": RuleSelection({"ruff:F401": Severity.MAJOR})}
    assert unused_severities(["Python", "Go"], "basic", chosen) == {"Go": Severity.SUGGESTION}
    regraded = {"Python": RuleSelection({UNUSED_RULE: Severity.MINOR})}
    assert unused_severities(["Python"], "basic", regraded) == {"Python": Severity.MINOR}
    findings = _scan(tmp_path, {"clean.py": CLEAN}, rule_type="security")
    assert all(f.rule_id != UNUSED_RULE for f in findings)


KOTLIN = """\
fun probe(): Int {
    @Suppress("UNUSED_VARIABLE")
    val started = start()
    val other = start()
    return 1
}
"""


def test_a_kotlin_compiler_name_suppresses_the_rule_that_declares_it(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"Probe.kt": KOTLIN}, rule_languages=("kotlin",))
    unused = {
        f.line: f.suppression for f in found if f.rule_id == "oc-kotlin:unused-local-variable"
    }
    # The annotation is part of the declaration, which starts on its line.
    assert unused == {2: '@Suppress("UNUSED_VARIABLE") on line 2', 4: None}


@pytest.mark.parametrize("kind", ["bad", "good"])
def test_catalog_examples(tmp_path: Path, kind: str) -> None:
    (example,) = {er.rule.id: er for er in load_catalog("opencheck")}.values()
    texts = example.bad if kind == "bad" else example.good
    for number, text in enumerate(texts):
        findings = _scan(tmp_path / str(number), {"example.py": text})
        assert any(f.rule_id == UNUSED_RULE for f in findings) == (kind == "bad")
