"""The report step: raw analyser findings become domain findings, each worth reading once.

Identical (rule, file, line) findings are merged; each gets its severity, hotspot flag, source
line and fingerprint; findings a marker in the code suppresses are kept and marked.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from opencheck.domain.findings import MAX_CODE_LINE, Finding
from opencheck.domain.severity import Severity
from opencheck.engine.analysis import AnalysisOutcome
from opencheck.engine.analyzers.base import RawFinding
from opencheck.engine.fingerprint import identities
from opencheck.engine.inventory import Inventory
from opencheck.engine.suppressing import mark_suppressed, unused_findings


def merge_repeats(raw: list[RawFinding]) -> list[RawFinding]:
    """One finding per (rule, file, line), the leftmost, in file order.

    A rule that matches a call chain or a nested expression several times on one line reports
    one problem; the repeats would be read as separate defects.
    """
    ordered = sorted(raw, key=lambda f: (f.path, f.line, f.column, f.rule_id))
    seen: set[tuple[str, str, int]] = set()
    kept = []
    for finding in ordered:
        key = (finding.rule_id, finding.path, finding.line)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept


def to_findings(
    root: Path,
    inventory: Inventory,
    outcome: AnalysisOutcome,
    unused: Mapping[str, Severity] | None = None,
    hotspots: Collection[str] = frozenset(),
) -> list[Finding]:
    """Domain findings in file order, with source line, language, severity and fingerprint.

    `hotspots` are the ids of hotspot rules. Findings a marker in the code suppresses are kept
    and marked; `unused` gives, per language, the severity of the findings for markers that
    suppress nothing.
    """
    raw = merge_repeats(outcome.findings)
    language_of = inventory.language_of()
    sources: dict[str, list[str]] = {}
    lines = [_source_line(root, f, sources) for f in raw]
    keys = identities((f.rule_id, f.path, f.line, sources[f.path]) for f in raw)
    findings = [
        Finding(
            rule_id=f.rule_id,
            severity=outcome.severities[f.rule_id],
            path=f.path,
            line=f.line,
            column=f.column,
            message=f.message,
            code_line=line.rstrip()[:MAX_CODE_LINE],
            fingerprint=key.fingerprint,
            language=language_of.get(f.path, ""),
            hotspot=f.rule_id in hotspots,
            line_key=key.line_key,
        )
        for f, line, key in zip(raw, lines, keys, strict=True)
    ]
    return _with_suppressions(root, inventory, outcome, findings, sources, unused or {})


def _with_suppressions(
    root: Path,
    inventory: Inventory,
    outcome: AnalysisOutcome,
    findings: list[Finding],
    sources: dict[str, list[str]],
    unused: Mapping[str, Severity],
) -> list[Finding]:
    """Suppressed findings marked, and one finding per marker that suppresses nothing."""
    marked, idle = mark_suppressed(findings, sources, outcome.severities)
    extra = unused_findings(root, inventory.files, sources, idle, unused, outcome.severities)
    if not extra:
        return marked
    return sorted(marked + extra, key=lambda f: (f.path, f.line, f.column, f.rule_id))


def _source_line(root: Path, finding: RawFinding, cache: dict[str, list[str]]) -> str:
    if finding.path not in cache:
        try:
            text = (root / finding.path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        cache[finding.path] = text.splitlines()
    lines = cache[finding.path]
    return lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
