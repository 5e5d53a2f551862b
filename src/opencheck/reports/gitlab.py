"""GitLab Code Quality JSON, which merge-request widgets and pipeline reports read.

An array of issues, each with `description`, `check_name`, `fingerprint` (OpenCheck's versioned
fingerprint, unique within a report), `severity` and `location.path` / `location.lines.begin`.
Severities keep their names where GitLab has them (critical, major, minor); suggestions and info
are GitLab's `info`. Suppressed findings are left out (GitLab has no way to show them).
"""

from __future__ import annotations

import json
from typing import Any

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.registry import is_security_rule
from opencheck.reports.base import Report

SEVERITIES = {
    Severity.CRITICAL: "critical",
    Severity.MAJOR: "major",
    Severity.MINOR: "minor",
    Severity.SUGGESTION: "info",
    Severity.INFO: "info",
}


def render(report: Report, *, color: bool = False) -> str:
    """The Code Quality report of `report` as indented JSON (`color` is ignored)."""
    issues = [_issue(f) for f in report.findings if f.suppression is None]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding) -> dict[str, Any]:
    return {
        "type": "issue",
        "description": finding.message or finding.rule_id,
        "check_name": finding.rule_id,
        "fingerprint": finding.fingerprint,
        "severity": SEVERITIES[finding.severity],
        "categories": ["Security"] if is_security_rule(finding.rule_id) else ["Bug Risk"],
        "location": {"path": finding.path, "lines": {"begin": max(finding.line, 1)}},
        "engine_name": "opencheck",
    }
