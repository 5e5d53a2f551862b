"""Versioned fingerprints that follow a defect when the code around it moves."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

VERSION = "v1"


def strip_whitespace(line: str) -> str:
    """The source line with every whitespace character removed (indentation, spacing)."""
    return "".join(line.split())


def fingerprint(rule_id: str, path: str, source_line: str, occurrence: int) -> str:
    """`v1:` + sha256 of rule id, path, whitespace-stripped line and occurrence index.

    The four parts are joined with NUL bytes: `rule_id`, the relative POSIX `path`, the source
    line with all whitespace removed, and `occurrence` (how many earlier findings in the file had
    the same rule and stripped line). The message and the line number are deliberately left out.
    """
    parts = (rule_id, path, strip_whitespace(source_line), str(occurrence))
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", errors="surrogateescape"))
    return f"{VERSION}:{digest.hexdigest()}"


def fingerprints(items: Iterable[tuple[str, str, str]]) -> list[str]:
    """Fingerprints of `(rule_id, path, source_line)` items, taken in file order."""
    seen: Counter[tuple[str, str, str]] = Counter()
    result = []
    for rule_id, path, line in items:
        key = (rule_id, path, strip_whitespace(line))
        result.append(fingerprint(rule_id, path, line, seen[key]))
        seen[key] += 1
    return result
