"""The report step: repeats merged, hotspots marked, source lines and fingerprints."""

from __future__ import annotations

from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine.analysis import AnalysisOutcome
from opencheck.engine.analyzers.base import RawFinding
from opencheck.engine.inventory import Inventory
from opencheck.engine.reporting import merge_repeats, to_findings

CHAIN = "new ProcessBuilder(cmd).directory(dir).start();\n"


def test_one_finding_per_rule_file_and_line_the_leftmost():
    raw = [
        RawFinding("r:exec", "A.java", 1, 30, "third"),
        RawFinding("r:exec", "A.java", 1, 1, "first"),
        RawFinding("r:exec", "A.java", 1, 12, "second"),
        RawFinding("r:other", "A.java", 1, 12, "another rule"),
        RawFinding("r:exec", "A.java", 2, 1, "next line"),
        RawFinding("r:exec", "B.java", 1, 1, "another file"),
    ]
    assert [(f.rule_id, f.path, f.line, f.message) for f in merge_repeats(raw)] == [
        ("r:exec", "A.java", 1, "first"),
        ("r:other", "A.java", 1, "another rule"),
        ("r:exec", "A.java", 2, "next line"),
        ("r:exec", "B.java", 1, "another file"),
    ]


def test_findings_carry_hotspot_source_line_and_language(tmp_path: Path):
    (tmp_path / "A.java").write_text(CHAIN + CHAIN)
    outcome = AnalysisOutcome(
        findings=[
            RawFinding("r:exec", "A.java", 1, 20, "process started"),
            RawFinding("r:exec", "A.java", 1, 1, "process started"),
            RawFinding("r:bug", "A.java", 2, 1, "a bug"),
        ],
        severities={"r:exec": Severity.SUGGESTION, "r:bug": Severity.MAJOR},
    )
    inventory = Inventory(tmp_path, {"Java": ["A.java"]})
    findings = to_findings(tmp_path, inventory, outcome, hotspots={"r:exec"})
    assert [(f.rule_id, f.line, f.column, f.hotspot) for f in findings] == [
        ("r:exec", 1, 1, True),
        ("r:bug", 2, 1, False),
    ]
    assert findings[0].code_line == CHAIN.strip()
    assert {f.language for f in findings} == {"Java"}
    assert findings[0].fingerprint != findings[1].fingerprint
