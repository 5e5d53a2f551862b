"""C and C++ security, by flawfinder: calls of dangerous library functions, with their CWEs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules
from opencheck.engine.errors import AnalyzerError

NAME = "flawfinder"
_HEADER = ("File", "Line", "Column", "DefaultLevel", "Level", "Category", "Name", "Warning")
_CONTEXT = 11  # the source line of the hit
# flawfinder lowers a call's risk below its default when the format is constant or each %s has a
# limit: those (sprintf into a sized buffer, sscanf "%30s") were all false on the corpus (0/8).
MIN_LOWERED_LEVEL = 3
# The token before a flagged name: an identifier there (a type, `auto`) makes it a declaration.
_PREVIOUS_TOKEN = re.compile(r"([A-Za-z_]\w*|\S)\s*$")
_QUALIFIER = re.compile(r"(\w+)\s*::\s*$")
_STATEMENT_WORDS = frozenset({"return", "else", "do", "case", "throw", "co_return", "co_await"})

RULES: tuple[Rule, ...] = catalog_rules(NAME)


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
        # --neverignore: OpenCheck honours `flawfinder: ignore` itself and keeps the finding,
        # marked ignored, instead of losing it.
        # --falsepositive: no hits on array declarations nor on names not followed by "(".
        return [
            flawfinder_binary() or "flawfinder",
            "--csv",
            "--neverignore",
            "--falsepositive",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        rows = list(csv.reader(io.StringIO(raw.decode(errors="replace"))))
        if not rows or tuple(rows[0][: len(_HEADER)]) != _HEADER:
            raise AnalyzerError("flawfinder printed no CSV header")
        return [
            _finding(row, root)
            for row in rows[1:]
            if row and _is_library_call(row) and not _lowered_risk(row)
        ]


def _lowered_risk(row: list[str]) -> bool:
    """True when flawfinder itself rated this call safer than the function's default risk."""
    default, level = row[3:5] if len(row) > 4 else ("", "")
    if not (default.isdigit() and level.isdigit()):
        return False
    return int(level) < min(int(default), MIN_LOWERED_LEVEL)


def _is_library_call(row: list[str]) -> bool:
    """False when the hit is a declaration of the name, another namespace's function, or the
    name in a `__attribute__((deprecated))` ban, which flawfinder reads as a call."""
    if len(row) <= _CONTEXT or not row[2].isdigit():
        return True  # unreadable rows are reported by _finding
    context, column = row[_CONTEXT], int(row[2])
    if "__attribute__" in context and "deprecated" in context:
        return False
    before = context[: max(column - 1, 0)]
    qualified = _QUALIFIER.search(before)
    if qualified:
        return qualified.group(1) == "std"
    previous = _PREVIOUS_TOKEN.search(before)
    token = previous.group(1) if previous else ""
    return not (token[:1].isalpha() or token[:1] == "_") or token in _STATEMENT_WORDS


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
