"""A defect as an analyser reports it, before it is stored."""

from __future__ import annotations

from typing import NamedTuple

from opencheck.domain.severity import Severity

# A finding keeps at most this much of its source line (minified code has megabyte lines).
MAX_CODE_LINE = 500


class Finding(NamedTuple):
    """One defect found by one rule at one place; immutable and minimal."""

    rule_id: str
    severity: Severity
    path: str
    line: int
    column: int
    message: str
    code_line: str
    fingerprint: str
    language: str
    # Why a marker in the code ignores it (stored as status "ignored"); None when it counts.
    suppression: str | None = None
    # A security-sensitive use to review, not a proven vulnerability: never counted by the gate.
    hotspot: bool = False
    # The loose identity (rule, line, occurrence; engine/fingerprint.py), matched with `path`
    # when the fingerprint no longer matches.
    line_key: str = ""
