"""Python, by ruff: a default set of meaningful rules, run without the repository's own config."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    first_syntax_error_per_file,
    json_items,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules

NAME = "ruff"
# 15 flagged linear parsers and dispatch functions on the precision corpus; 20 keeps tangled ones.
MAX_COMPLEXITY = 20
# Names IPython injects into builtins: code probing for a notebook calls them inside try/except.
BUILTINS = ("get_ipython", "__IPYTHON__")
# The newest syntax ruff knows: an older target would flag valid modern code as syntax errors.
TARGET_VERSION = "py314"

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def ruff_binary() -> str | None:
    """The ruff shipped next to this interpreter, else the one on PATH."""
    return bundled_binary("ruff")


class Ruff:
    """The ruff adapter; `--isolated` so that the repository's own configuration never applies."""

    name = NAME
    languages = frozenset({"Python"})
    rules = RULES

    def available(self) -> str | None:
        return None if ruff_binary() else "the ruff executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted(rid.split(":", 1)[1] for rid in rules.ids if rid.startswith(f"{NAME}:"))
        codes = [c for c in codes if c != SYNTAX_ERROR]
        return [
            ruff_binary() or "ruff",
            "check",
            "--isolated",
            "--no-cache",
            "--exit-zero",
            # OpenCheck honours the no-QA comments itself (engine/suppressions), keeping the
            # finding, marked ignored with its reason, instead of losing it.
            "--ignore-noqa",
            "--output-format=json",
            f"--target-version={TARGET_VERSION}",
            f"--config=lint.mccabe.max-complexity={MAX_COMPLEXITY}",
            f"--config=builtins = {list(BUILTINS)!r}",
            # An empty --select is an error: fall back to a rule every file satisfies.
            f"--select={','.join(codes) or 'F821'}",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME)
        findings = [_finding(item, root) for item in items]
        return first_syntax_error_per_file(findings, NAME)


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    code = item.get("code")
    # ruff spells parse errors `invalid-syntax` (older versions: a null code).
    rule = SYNTAX_ERROR if code in (None, "invalid-syntax") else str(code)
    location = item.get("location")
    row = col = 1
    if isinstance(location, dict):
        row, col = int(location.get("row") or 1), int(location.get("column") or 1)
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("filename", "")), root),
        row,
        col,
        str(item.get("message", "")),
    )


RUFF = Ruff()
