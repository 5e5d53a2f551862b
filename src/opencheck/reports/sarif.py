"""SARIF 2.1.0, as GitHub code scanning and other SARIF viewers read it.

The tool driver is `OpenCheck` with every rule that fired (name, descriptions, help with the
fix, default level, tags with CWE ids, and `security-severity` for security rules, which
GitHub turns into its critical/high/medium/low). Each result carries its versioned fingerprint
as `partialFingerprints["opencheck/v2"]` (a later `--baseline` reads it back), its path relative
to the scanned folder (`uriBaseId` `%SRCROOT%`), and suppressed findings are kept with a
`suppressions` entry instead of being dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Rule
from opencheck.reports.base import TOOL_NAME, Report, severity_name

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "opencheck/v2"
SRCROOT = "%SRCROOT%"

LEVELS = {
    Severity.CRITICAL: "error",
    Severity.MAJOR: "error",
    Severity.MINOR: "warning",
    Severity.SUGGESTION: "note",
    Severity.INFO: "note",
}
# GitHub reads >= 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.MAJOR: "8.0",
    Severity.MINOR: "5.5",
    Severity.SUGGESTION: "3.0",
    Severity.INFO: "1.0",
}


def render(report: Report, *, color: bool = False) -> str:
    """The SARIF log of `report` as indented JSON (`color` is ignored)."""
    rules = [r for r in report.rules() if r is not None]
    known = {r.id for r in rules}
    unknown = sorted({f.rule_id for f in report.findings} - known)
    descriptors = [_descriptor(r) for r in rules] + [_bare_descriptor(i) for i in unknown]
    index = {d["id"]: n for n, d in enumerate(descriptors)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "semanticVersion": report.tool_version,
                "rules": descriptors,
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The scanned folder."}}},
        "results": [_result(f, index[f.rule_id]) for f in report.findings],
        "columnKind": "unicodeCodePoints",
        "invocations": [_invocation(report)],
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def fingerprints(log: Any) -> set[str]:
    """The OpenCheck fingerprints of every result of a SARIF log (for `--baseline`)."""
    found: set[str] = set()
    runs = log.get("runs") if isinstance(log, dict) else None
    for run in runs if isinstance(runs, list) else ():
        results = run.get("results") if isinstance(run, dict) else None
        for result in results if isinstance(results, list) else ():
            partial = result.get("partialFingerprints") if isinstance(result, dict) else None
            if isinstance(partial, dict) and isinstance(partial.get(FINGERPRINT_KEY), str):
                found.add(partial[FINGERPRINT_KEY])
    return found


def _descriptor(rule: Rule) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "tags": _tags(rule),
        "opencheck/severity": severity_name(rule.severity),
    }
    if rule.security:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    text = rule.description or rule.name
    return {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": text},
        "help": {"text": _help(rule), "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": properties,
    }


def _bare_descriptor(rule_id: str) -> dict[str, Any]:
    """A rule the registry does not know (a tool's own id passed through)."""
    return {"id": rule_id, "shortDescription": {"text": rule_id}}


def _tags(rule: Rule) -> list[str]:
    """The rule's tags; CWE tags also in the `external/cwe/cwe-N` form GitHub lists."""
    tags = list(dict.fromkeys(rule.tags))
    if rule.security and "security" not in tags:
        tags.append("security")
    cwes = [t for t in rule.tags if t.upper().startswith("CWE-")]
    tags += [f"external/cwe/cwe-{t.split('-', 1)[1]}" for t in cwes]
    return tags


def _help(rule: Rule) -> str:
    """What is wrong and how to fix it: the descriptions end with the fix."""
    return rule.description or rule.name


def _help_markdown(rule: Rule) -> str:
    parts = [rule.description or rule.name]
    if rule.bad_example:
        parts.append(f"Noncompliant:\n\n```\n{rule.bad_example.rstrip()}\n```")
    if rule.good_example:
        parts.append(f"Compliant:\n\n```\n{rule.good_example.rstrip()}\n```")
    return "\n\n".join(parts)


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": max(finding.line, 1)}
    if finding.column > 0:
        region["startColumn"] = finding.column
    if finding.code_line:
        region["snippet"] = {"text": finding.code_line}
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message or finding.rule_id},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(finding.path), "uriBaseId": SRCROOT},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "opencheck/severity": severity_name(finding.severity),
            "opencheck/language": finding.language,
            "opencheck/hotspot": finding.hotspot,
        },
    }
    if finding.suppression is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": finding.suppression}]
    return result


def _uri(path: str) -> str:
    """A relative URI reference: the POSIX path with reserved characters percent-encoded."""
    return quote(path, safe="/")


def _invocation(report: Report) -> dict[str, Any]:
    notes: Iterable[str] = (f"analyser failed: {name}" for name in report.failed_analyzers)
    invocation: dict[str, Any] = {"executionSuccessful": not report.failed_analyzers}
    notifications = [{"level": "warning", "message": {"text": text}} for text in notes]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    if report.gate is not None:
        invocation["properties"] = {"opencheck/gatePassed": report.gate.passed}
    return invocation
