"""Test code inside main files (Rust `#[cfg(test)]` modules), and main-only rules kept off tests.

A rule whose `scope` is "main" (security and production hardening) does not apply to test code,
as in SonarQube: its findings in test files and in `#[cfg(test)]` modules are dropped here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from opencheck.domain.roles import Role
from opencheck.engine.analyzers.base import Analyzer, RawFinding

_CFG_TEST_MOD = re.compile(
    r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\]"
    r"(?:\s|//[^\n]*\n|#\s*\[[^\]]*\])*"  # more attributes or comments before the item
    r"(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+\w+\s*\{"
)
_CHAR = re.compile(r"'(?:\\(?:u\{[0-9a-fA-F]*\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'")
_RAW_STRING = re.compile(r"r(#*)\"")


def rust_test_regions(text: str) -> list[tuple[int, int]]:
    """(first, last) 1-based lines of every `#[cfg(test)] mod … { … }` in Rust source `text`.

    Braces are matched outside comments, strings, raw strings and character literals; an
    unclosed module runs to the end of the text.
    """
    regions: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        skipped = _skip_non_code(text, i)
        if skipped != i:
            i = skipped
            continue
        found = _CFG_TEST_MOD.match(text, i) if text[i] == "#" else None
        if found is None:
            i += 1
            continue
        end = _closing_brace(text, found.end())
        regions.append((_line_of(text, i), _line_of(text, end)))
        i = end + 1
    return regions


def _closing_brace(text: str, i: int) -> int:
    """The offset of the `}` closing a block whose `{` ends just before `i`."""
    depth = 1
    while i < len(text):
        skipped = _skip_non_code(text, i)
        if skipped != i:
            i = skipped
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return max(len(text) - 1, 0)


def _skip_non_code(text: str, i: int) -> int:
    """The offset after a comment, string or character literal starting at `i`; else `i`."""
    ch = text[i]
    if text.startswith("//", i):
        end = text.find("\n", i)
        return len(text) if end < 0 else end
    if text.startswith("/*", i):
        return _block_comment_end(text, i)
    if ch == '"':
        return _string_end(text, i + 1)
    if ch == "r" and not _ident_before(text, i - 1 if text[i - 1 : i] != "b" else i - 2):
        raw = _RAW_STRING.match(text, i)
        if raw:
            end = text.find('"' + raw.group(1), raw.end())
            return len(text) if end < 0 else end + 1 + len(raw.group(1))
    if ch == "'":
        char = _CHAR.match(text, i)
        return char.end() if char else i + 1  # a lifetime: just its quote
    return i


def _ident_before(text: str, i: int) -> bool:
    return i >= 0 and (text[i].isalnum() or text[i] == "_")


def _block_comment_end(text: str, i: int) -> int:
    depth, i = 1, i + 2  # Rust block comments nest
    while i < len(text) and depth:
        if text.startswith("/*", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("*/", i):
            depth, i = depth - 1, i + 2
        else:
            i += 1
    return i


def _string_end(text: str, i: int) -> int:
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text[i] == '"':
            return i + 1
        else:
            i += 1
    return len(text)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def main_only_rules(analyzers: Iterable[Analyzer]) -> frozenset[str]:
    """Ids of the rules that apply to main code only."""
    return frozenset(r.id for a in analyzers for r in a.rules if r.scope == "main")


def drop_main_only_on_tests(
    findings: list[RawFinding],
    *,
    main_only: frozenset[str],
    role_of: Callable[[str], Role],
    language_of: Mapping[str, str],
    read: Callable[[str], str],
) -> tuple[list[RawFinding], int]:
    """`findings` without main-only findings in test code, and how many were dropped.

    `read(path)` gives a file's text; it is called only for Rust files holding such findings.
    """
    regions: dict[str, list[tuple[int, int]]] = {}
    kept: list[RawFinding] = []
    for f in findings:
        if f.rule_id in main_only and _in_test_code(f, role_of, language_of, read, regions):
            continue
        kept.append(f)
    return kept, len(findings) - len(kept)


def _in_test_code(
    finding: RawFinding,
    role_of: Callable[[str], Role],
    language_of: Mapping[str, str],
    read: Callable[[str], str],
    regions: dict[str, list[tuple[int, int]]],
) -> bool:
    if role_of(finding.path) is Role.TEST:
        return True
    if language_of.get(finding.path) != "Rust":
        return False
    if finding.path not in regions:
        regions[finding.path] = rust_test_regions(read(finding.path))
    return any(first <= finding.line <= last for first, last in regions[finding.path])


def read_text(root: Path) -> Callable[[str], str]:
    """A reader of files under `root` for `drop_main_only_on_tests`; unreadable files are empty."""

    def read(path: str) -> str:
        try:
            return (root / path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return ""

    return read
