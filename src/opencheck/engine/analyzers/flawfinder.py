"""C and C++ security, by flawfinder: calls of dangerous library functions, with their CWEs."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import (
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    relative_path,
)
from opencheck.engine.errors import AnalyzerError

NAME = "flawfinder"
_HEADER = ("File", "Line", "Column", "DefaultLevel", "Level", "Category", "Name", "Warning")

C, MJ, MN, SG = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION


def _rule(code: str, severity: Severity, cwe: str, description: str) -> Rule:
    tags = ("security", *(f"CWE-{n}" for n in cwe.split(",")))
    return Rule(f"{NAME}:{code}", code, "C++", severity, tags, True, description)


# Critical: always unsafe (gets) or runs a shell. Major: unbounded copies and formats, races.
# Minor: risky only with attacker input. flawfinder has no parse step, so no syntax-error rule.
RULES: tuple[Rule, ...] = (
    _rule("gets", C, "120,20", "Reads a line with no bound."),
    _rule("system", C, "78", "Runs a shell command."),
    _rule("popen", C, "78", "Runs a shell command."),
    _rule("execl", MJ, "78", "Starts a program; check its arguments."),
    _rule("execvp", MJ, "78", "Starts a program found on PATH."),
    _rule("strcpy", MJ, "120", "Copy without a bound."),
    _rule("strcat", MJ, "120", "Concatenation without a bound."),
    _rule("sprintf", MJ, "120", "Formatting without a bound."),
    _rule("vsprintf", MJ, "120", "Formatting without a bound."),
    _rule("scanf", MJ, "120,20", "%s reads without a bound."),
    _rule("sscanf", MJ, "120,20", "%s reads without a bound."),
    _rule("realpath", MJ, "120,785", "Output buffer may be too small."),
    _rule("printf", MJ, "134", "Non-constant format string."),
    _rule("fprintf", MJ, "134", "Non-constant format string."),
    _rule("syslog", MJ, "134", "Non-constant format string."),
    _rule("tmpnam", MJ, "377", "Temporary file name race."),
    _rule("tempnam", MJ, "377", "Temporary file name race."),
    _rule("mktemp", MJ, "377", "Temporary file name race."),
    _rule("access", MJ, "362,367", "Check-then-use race (TOCTOU)."),
    _rule("chmod", MN, "362", "Path-based call races with renames."),
    _rule("chown", MN, "362", "Path-based call races with renames."),
    _rule("strncpy", MN, "120", "Easily misused: may not terminate."),
    _rule("strncat", MN, "120", "Easily misused: bound is the space left."),
    _rule("memcpy", MN, "120", "Copy whose bound must be checked."),
    _rule("getenv", MN, "807,20", "Environment values are untrusted."),
    _rule("random", MN, "327", "Not a cryptographic random source."),
    _rule("srand", MN, "327", "Not a cryptographic random source."),
    _rule("char", SG, "119,120", "Fixed-size array that may overflow."),
)


def flawfinder_binary() -> str | None:
    """The flawfinder of the `flawfinder` wheel next to this interpreter, else the one on PATH."""
    return bundled_binary("flawfinder")


class Flawfinder:
    """The flawfinder adapter, in CSV mode."""

    name = NAME
    languages = frozenset({"C++"})
    rules = RULES

    def available(self) -> str | None:
        return None if flawfinder_binary() else "the flawfinder executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # flawfinder cannot select rules; run_batch drops the names that were not selected.
        return [flawfinder_binary() or "flawfinder", "--csv", "--", *files]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        rows = list(csv.reader(io.StringIO(raw.decode(errors="replace"))))
        if not rows or tuple(rows[0][: len(_HEADER)]) != _HEADER:
            raise AnalyzerError("flawfinder printed no CSV header")
        return [_finding(row, root) for row in rows[1:] if row]


def _finding(row: list[str], root: Path) -> RawFinding:
    if len(row) < len(_HEADER) or not row[1].isdigit():
        raise AnalyzerError(f"flawfinder printed an unreadable row: {row[:3]!r}")
    path, line, column, name, warning = row[0], row[1], row[2], row[6], row[7]
    return RawFinding(
        f"{NAME}:{name}",
        relative_path(path, root),
        int(line) or 1,
        int(column) if column.isdigit() else 1,
        warning,
    )


FLAWFINDER = Flawfinder()
