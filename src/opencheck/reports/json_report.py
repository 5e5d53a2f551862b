"""OpenCheck's own JSON report: a stable, documented, versioned shape (docs/cli.md).

Version 1:

    {"format": "opencheck-report", "version": 1,
     "tool": {"name": "OpenCheck", "version": "0.1.0"},
     "partial": false, "failed_analyzers": [],
     "gate": {"passed": true, "fail_on": "major"} | null,
     "summary": {"critical": 0, "major": 0, "minor": 0, "suggestion": 0, "info": 0},
     "findings": [{"rule": "ruff:S608", "severity": "major", "path": "app/db.py", "line": 3,
                   "column": 12, "message": "...", "fingerprint": "v2:...", "role": "main",
                   "status": "open" | "ignored" | "hotspot", "language": "Python",
                   "code_line": "...", "suppression": null | "why"}]}

The summary counts what a gate counts (neither ignored nor hotspots). New fields may be added
within a version; a field is never removed or changed in meaning without a new version.
"""

from __future__ import annotations

import json
from typing import Any

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.reports.base import TOOL_NAME, Report, severity_name, status

FORMAT = "opencheck-report"
VERSION = 1


def render(report: Report, *, color: bool = False) -> str:
    """The JSON report of `report`, indented (`color` is ignored)."""
    summary = report.summary()
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": report.tool_version},
        "partial": report.partial,
        "failed_analyzers": list(report.failed_analyzers),
        "gate": _gate(report),
        "summary": {severity_name(s): summary.get(s, 0) for s in Severity},
        "findings": [_finding(f, report) for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _gate(report: Report) -> dict[str, Any] | None:
    if report.gate is None:
        return None
    fail_on = report.gate.fail_on
    return {
        "passed": report.gate.passed,
        "fail_on": severity_name(fail_on) if fail_on is not None else "never",
    }


def _finding(finding: Finding, report: Report) -> dict[str, Any]:
    return {
        "rule": finding.rule_id,
        "severity": severity_name(finding.severity),
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "message": finding.message,
        "fingerprint": finding.fingerprint,
        "role": report.role_of(finding.path).value,
        "status": status(finding),
        "language": finding.language,
        "code_line": finding.code_line,
        "suppression": finding.suppression,
    }
