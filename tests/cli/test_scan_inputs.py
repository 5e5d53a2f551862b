"""The options of `opencheck scan` read into engine and gate terms (no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

from opencheck.cli import scan_inputs
from opencheck.domain.gate import GATE_PASSED, evaluate
from opencheck.domain.severity import Severity
from opencheck.errors import InvalidParameter

C, M, N, S = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION


@pytest.mark.parametrize(
    ("fail_on", "counts", "passes"),
    [
        ("major", {}, True),
        ("major", {N: 5, S: 9}, True),
        ("major", {M: 1}, False),
        ("major", {C: 1}, False),
        ("critical", {M: 3}, True),
        ("critical", {C: 1}, False),
        ("minor", {N: 1}, False),
        ("minor", {S: 4}, True),
        ("suggestion", {S: 1}, False),
        ("suggestion", {Severity.INFO: 7}, True),
    ],
)
def test_fail_on_as_a_gate(fail_on: str, counts: dict[Severity, int], passes: bool) -> None:
    worst = scan_inputs.fail_on(fail_on)
    assert worst is not None
    assert (evaluate(scan_inputs.gate_for(worst), counts) == GATE_PASSED) is passes


def test_fail_on_never() -> None:
    assert scan_inputs.fail_on("never") is None


def test_languages() -> None:
    assert scan_inputs.languages(["py", "JS", "python"]) == ("Python", "JavaScript")
    assert "Go" in scan_inputs.languages(None)
    with pytest.raises(InvalidParameter, match="cobol"):
        scan_inputs.languages(["cobol"])


def test_rule_set_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text("python:\n  - ruff:F401\nJavaScript:\n  oxlint:no-debugger: critical\n")
    selections = scan_inputs.rule_set(path)
    assert selections["Python"].severities == {"ruff:F401": Severity.MINOR}
    assert selections["JavaScript"].severities == {"oxlint:no-debugger": Severity.CRITICAL}
    path.write_text("python: [ruff:F401]\n rust: [\n")
    with pytest.raises(InvalidParameter, match="cannot be read"):
        scan_inputs.rule_set(path)
