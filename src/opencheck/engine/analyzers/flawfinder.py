"""C and C++ security, by flawfinder: calls of dangerous library functions, with their CWEs."""

from __future__ import annotations

import csv
import io
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
        return [flawfinder_binary() or "flawfinder", "--csv", "--neverignore", "--", *files]

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
