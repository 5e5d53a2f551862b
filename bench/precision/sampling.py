"""A stratified sample of unlabelled findings to read: a few per rule and split, spread out."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from scanning import Reported

CONTEXT = 6


def pick(
    findings: Sequence[Reported],
    labelled: Collection[tuple[str, str, int, str]],
    per_rule: int,
) -> list[Reported]:
    """Up to `per_rule` findings per (rule, split), counting those already labelled.

    Deterministic (ordered by a hash of the key, not by position), one per file before a second
    from the same file, so a rule's sample is not one file's repeats. Suppressed findings are
    not shown to a user and are not sampled.
    """
    groups: dict[tuple[str, str], list[Reported]] = defaultdict(list)
    for finding in findings:
        if not finding.suppressed:
            groups[(finding.rule, finding.split)].append(finding)
    chosen: list[Reported] = []
    for _, members in sorted(groups.items()):
        done = sum(1 for f in members if f.key in labelled)
        fresh = sorted((f for f in members if f.key not in labelled), key=_order)
        first: list[Reported] = []
        repeats: list[Reported] = []
        seen_files: set[tuple[str, str]] = set()
        for finding in fresh:
            where = (finding.tree, finding.path)
            (repeats if where in seen_files else first).append(finding)
            seen_files.add(where)
        chosen.extend((first + repeats)[: max(0, per_rule - done)])
    return chosen


def _order(finding: Reported) -> str:
    return hashlib.sha256(repr(finding.key).encode()).hexdigest()


def sheet(sample: Sequence[Reported], roots: Mapping[str, Path]) -> str:
    """Markdown to read: each finding with its message and the code around it."""
    parts = [f"# {len(sample)} findings to label\n"]
    for number, finding in enumerate(sample, start=1):
        parts.append(
            f"## {number}. {finding.rule} ({finding.severity.lower()}) — "
            f"{finding.tree}/{finding.path}:{finding.line}\n\n"
            f"split {finding.split}; message: {finding.message}\n\n"
            f"```\n{_context(roots.get(finding.tree), finding)}\n```\n"
        )
    return "\n".join(parts)


def _context(root: Path | None, finding: Reported) -> str:
    if root is None:
        return finding.code_line
    try:
        lines = (root / finding.path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return finding.code_line
    start = max(1, finding.line - CONTEXT)
    end = min(len(lines), finding.line + CONTEXT)
    return "\n".join(
        f"{'>' if n == finding.line else ' '}{n:5} {lines[n - 1][:240]}"
        for n in range(start, end + 1)
    )
