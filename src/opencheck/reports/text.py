"""Text for people, in the style of ruff and Semgrep: one `path:line:col: rule message` per
finding, its code line, and a summary by severity. ANSI colour only when asked (a terminal)."""

from __future__ import annotations

from collections.abc import Callable

from opencheck.domain.findings import Finding
from opencheck.domain.severity import Severity
from opencheck.reports.base import GateOutcome, Report, severity_name

Paint = Callable[[str, str], str]

RESET = "\033[0m"
BOLD = "\033[1m"
DIM = "\033[2m"
COLOURS = {
    Severity.CRITICAL: "\033[1;31m",
    Severity.MAJOR: "\033[31m",
    Severity.MINOR: "\033[33m",
    Severity.SUGGESTION: "\033[36m",
    Severity.INFO: "\033[2m",
}
GREEN = "\033[32m"
RED = "\033[1;31m"


def render(report: Report, *, color: bool = False) -> str:
    """Findings (hotspots and suppressed ones marked), then the summary and the gate."""
    paint = _painter(color)
    lines: list[str] = []
    for finding in sorted(report.findings, key=lambda f: (f.path, f.line, f.column, f.rule_id)):
        lines += _finding(finding, paint)
    return "".join(line + "\n" for line in lines) + summary(report, color=color)


def summary(report: Report, *, color: bool = False) -> str:
    """The closing lines alone: counts by severity, a partial scan, the gate's verdict."""
    paint = _painter(color)
    lines = [_summary(report, paint)]
    if report.partial:
        failed = ", ".join(report.failed_analyzers)
        lines.append(paint(COLOURS[Severity.MINOR], "Some files were not fully checked")
                     + (f" (failed: {failed})" if failed else ""))  # fmt: skip
    if report.gate is not None:
        lines.append(_gate(report.gate, paint))
    return "\n".join(lines) + "\n"


def _painter(color: bool) -> Paint:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{RESET}" if color else text

    return paint


def _finding(finding: Finding, paint: Paint) -> list[str]:
    where = paint(BOLD, f"{finding.path}:{finding.line}:{max(finding.column, 1)}:")
    rule = paint(COLOURS[finding.severity], finding.rule_id)
    mark = ""
    if finding.suppression is not None:
        mark = paint(DIM, " [ignored]")
    elif finding.hotspot:
        mark = paint(DIM, " [hotspot]")
    head = f"{where} {rule} {finding.message} ({severity_name(finding.severity)}){mark}"
    code = finding.code_line.strip()
    return [head, f"    {paint(DIM, code)}"] if code else [head]


def _summary(report: Report, paint: Paint) -> str:
    counted = report.summary()
    total = sum(counted.values())
    parts = [
        paint(COLOURS[s], f"{counted[s]} {severity_name(s)}") for s in Severity if counted.get(s)
    ]
    ignored = sum(f.suppression is not None for f in report.findings)
    hotspots = sum(f.hotspot and f.suppression is None for f in report.findings)
    extra = [f"{n} {what}" for n, what in ((hotspots, "hotspots to review"), (ignored, "ignored"))
             if n]  # fmt: skip
    found = f"Found {total} defect{'s' if total != 1 else ''}"
    detail = ", ".join(parts)
    text = f"{found}: {detail}" if detail else found
    return text + (f" (and {', '.join(extra)})" if extra else "") + "."


def _gate(gate: GateOutcome, paint: Paint) -> str:
    if gate.fail_on is None:
        return "Gate: never fails (--fail-on never)."
    threshold = f"no {severity_name(gate.fail_on)} or worse defect"
    if gate.passed:
        return paint(GREEN, f"Gate passed: {threshold}.")
    return paint(RED, f"Gate failed: expected {threshold}.")
