"""Versioned identities that follow a defect when the code around it moves.

Version 2 (the one place it is defined). A finding has two keys, both sha256 hex digests of
parts joined with NUL bytes, each line taken as its first 500 characters without a trailing
suppression comment (`# noqa: …`, `// NOLINT`, `-- opencheck-ignore[…]`, …: suppressing a
defect does not change which defect it is) and with every whitespace character removed
(re-indenting or re-spacing changes nothing):

- `fingerprint` = "v2:" + sha256(rule id, relative POSIX path, the nearest non-blank line
  above, the reported line, the nearest non-blank line below (each looked for at most 10
  lines away, "" when none), occurrence index): the strict identity a task's defect is keyed by.
- `line_key` = sha256(rule id, reported line, occurrence index): the loose identity, without
  the path (kept beside it) or the neighbours, used when the strict one no longer matches
  (code edited next to the defect, the file renamed).

The occurrence index counts the earlier findings of the file with the same parts. The message
and the line number are left out on purpose: they change when code moves or a tool is upgraded.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

VERSION = "v2"
LINE_CAP = 500  # the stored code line's cap: a line key is computable from stored rows
REACH = 10  # how far to look for a non-blank neighbour


class Identity(NamedTuple):
    fingerprint: str
    line_key: str


# A comment opener, then a suppression marker word, then anything to the end of the line.
_MARKER_COMMENT = re.compile(
    r"(?:#|//|/\*|--|;)\s*(?:noqa|nosec|nosonar|nolint|opencheck-ignore|eslint-disable|"
    r"oxlint-disable|shellcheck\s+disable|cppcheck-suppress|flawfinder|luacheck|checkov:skip|"
    r"tfsec:ignore|trivy:ignore).*$",
    re.IGNORECASE,
)


def strip_whitespace(line: str) -> str:
    """The source line (first 500 characters) without a trailing suppression comment and with
    every whitespace character removed."""
    return "".join(_MARKER_COMMENT.sub("", line[:LINE_CAP]).split())


def _digest(*parts: str) -> str:
    joined = "\0".join(parts).encode("utf-8", errors="surrogateescape")
    return hashlib.sha256(joined).hexdigest()


def fingerprint(rule_id: str, path: str, context: tuple[str, str, str], occurrence: int) -> str:
    """The strict identity of a finding from its stripped (above, line, below) context."""
    return f"{VERSION}:{_digest(rule_id, path, *context, str(occurrence))}"


def line_key(rule_id: str, stripped_line: str, occurrence: int) -> str:
    """The loose identity: rule, stripped line and its occurrence index among equal lines."""
    return _digest(rule_id, stripped_line, str(occurrence))


def context(lines: Sequence[str], number: int) -> tuple[str, str, str]:
    """The stripped line `number` (1-based) and its nearest non-blank neighbours."""
    index = number - 1
    if not 0 <= index < len(lines):
        return ("", "", "")
    above = _first_non_blank(reversed(lines[max(index - REACH, 0) : index]))
    below = _first_non_blank(lines[index + 1 : index + 1 + REACH])
    return (above, strip_whitespace(lines[index]), below)


def _first_non_blank(lines: Iterable[str]) -> str:
    for line in lines:
        if stripped := strip_whitespace(line):
            return stripped
    return ""


def identities(items: Iterable[tuple[str, str, int, Sequence[str]]]) -> list[Identity]:
    """Identities of `(rule_id, path, line number, the file's lines)` items, in file order."""
    strict: Counter[tuple[str, str, tuple[str, str, str]]] = Counter()
    loose: Counter[tuple[str, str, str]] = Counter()
    result = []
    for rule_id, path, number, lines in items:
        around = context(lines, number)
        strict_key = (rule_id, path, around)
        loose_key = (rule_id, path, around[1])
        result.append(
            Identity(
                fingerprint(rule_id, path, around, strict[strict_key]),
                line_key(rule_id, around[1], loose[loose_key]),
            )
        )
        strict[strict_key] += 1
        loose[loose_key] += 1
    return result
