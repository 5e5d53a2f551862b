"""SQL, by sqlfluff: a default set of rules, run without the repository's own configuration."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from opencheck.domain.severity import Severity
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
from opencheck.engine.errors import AnalyzerError

NAME = "sqlfluff"
# sqlfluff parses only ~140-370 lines/s: small batches keep one slow file from holding up the rest.
MAX_FILES = 10
# Files above this size are skipped by sqlfluff itself (its `large_file_skip_byte_limit`), which
# is about 2,000 lines of ordinary SQL; a skipped file yields no findings and no error.
MAX_FILE_BYTES = 80_000
# Lexing, parsing and templating failures: the file has not been checked by any rule.
_PARSE_CODES = frozenset({"PRS", "LXR", "TMP"})
# The only configuration sqlfluff reads (with --ignore-local-config): no repository settings.
_CONFIG = f"[sqlfluff]\nlarge_file_skip_byte_limit = {MAX_FILE_BYTES}\n"

C, MJ, MN, SG, INFO = (
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
    Severity.SUGGESTION,
    Severity.INFO,
)


def _rule(code: str, name: str, severity: Severity, *tags: str, description: str = "") -> Rule:
    return Rule(f"{NAME}:{code}", name, "SQL", severity, tags, False, description)


# Major: queries whose result is wrong or nondeterministic. Minor: ambiguity and dead code that
# hide mistakes. Suggestion: clearer equivalents. Info: layout and capitalisation.
RULES: tuple[Rule, ...] = (
    # Info, not critical: the ANSI dialect cannot parse much vendor SQL, and a false critical
    # would fail the default gate of every repository that holds PostgreSQL or T-SQL scripts.
    _rule(SYNTAX_ERROR, "syntax-error", Severity.INFO, "bug", description="No ANSI parse."),
    _rule("CV05", "null-comparison", MJ, "bug", description="= NULL is never true; use IS NULL."),
    _rule("AM07", "set-column-count", MJ, "bug", description="UNION parts differ in columns."),
    _rule("AM08", "implicit-cross-join", MJ, "bug", description="JOIN without a condition."),
    _rule("AM09", "limit-without-order", MJ, "bug", description="LIMIT/OFFSET without ORDER BY."),
    _rule("AL04", "duplicate-table-alias", MJ, "bug", description="Table alias used twice."),
    _rule("AL08", "duplicate-column-alias", MJ, "bug", description="Column alias used twice."),
    _rule("AM01", "distinct-with-group-by", MN, "bug", description="DISTINCT and GROUP BY."),
    _rule("AM02", "bare-union", MN, "bug", description="Say UNION DISTINCT or UNION ALL."),
    _rule("AM04", "select-star", MN, "maintainability", description="Unknown column count."),
    _rule("AM06", "mixed-group-by-refs", MN, "maintainability", description="Mixed GROUP BY refs."),
    _rule("AL03", "unnamed-expression", MN, "maintainability", description="Expression needs AS."),
    _rule(
        "AL10", "derived-table-alias", MN, "maintainability", description="Subquery has no alias."
    ),
    _rule("RF02", "ambiguous-reference", MN, "bug", description="Unqualified column with joins."),
    _rule("RF04", "keyword-identifier", MN, "portability", description="Keyword as identifier."),
    _rule("ST03", "unused-cte", MN, "unused-code", description="A CTE is defined but not used."),
    _rule("ST11", "unused-join", MN, "unused-code", description="Joined table is never used."),
    _rule("ST10", "constant-expression", MN, "bug", description="Redundant constant expression."),
    _rule("AM03", "ambiguous-order", SG, "style", description="Mixed implicit/explicit ASC."),
    _rule("AM05", "implicit-join-type", SG, "style", description="Write INNER JOIN, not JOIN."),
    _rule("CV02", "prefer-coalesce", SG, "portability", description="COALESCE, not IFNULL/NVL."),
    _rule("CV03", "select-trailing-comma", SG, "style", description="Trailing comma in SELECT."),
    _rule("CV08", "right-join", SG, "style", description="Use LEFT JOIN instead of RIGHT JOIN."),
    _rule("ST02", "simple-case", SG, "style", description="CASE that is just a condition."),
    _rule("ST04", "nested-case", SG, "style", description="Nested CASE in ELSE can be flattened."),
    _rule("ST08", "distinct-parentheses", SG, "style", description="DISTINCT is no function."),
    _rule("AL09", "self-alias", SG, "style", description="Column aliased to its own name."),
    _rule("ST01", "else-null", INFO, "style", description="ELSE NULL is redundant."),
    _rule("ST12", "consecutive-semicolons", INFO, "style", description="Empty statement."),
    _rule("LT01", "spacing", INFO, "style", description="Inappropriate spacing."),
    _rule("CP01", "keyword-capitalisation", INFO, "style", description="Mixed keyword case."),
)


def sqlfluff_binary() -> str | None:
    """The sqlfluff installed next to this interpreter, else on PATH."""
    return bundled_binary("sqlfluff")


@cache
def config_file() -> str:
    """A config file holding only `_CONFIG`, written once per content into the temp directory."""
    digest = hashlib.sha256(_CONFIG.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"opencheck-sqlfluff-{digest}.cfg"
    if not path.is_file() or path.read_text() != _CONFIG:
        path.write_text(_CONFIG)
    return str(path)


class Sqlfluff:
    """The sqlfluff adapter: no `.sqlfluff`, `.sqlfluffignore`, noqa comments or Jinja."""

    name = NAME
    languages = frozenset({"SQL"})
    rules = RULES
    max_files = MAX_FILES

    def available(self) -> str | None:
        return None if sqlfluff_binary() else "the sqlfluff executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted(rule.split(":", 1)[1] for rule in rules.ids if rule.startswith(f"{NAME}:"))
        codes = [code for code in codes if code != SYNTAX_ERROR]
        # Parse errors are reported whatever --rules says; with no codes all rules run and
        # run_batch drops them.
        selected = ["--rules", ",".join(codes)] if codes else []
        return [
            sqlfluff_binary() or "sqlfluff",
            "lint",
            "--format=json",
            "--dialect=ansi",
            "--templater=raw",
            "--nofail",
            "--disable-progress-bar",
            "--processes=1",
            "--ignore-local-config",
            f"--config={config_file()}",
            "--disregard-sqlfluffignores",
            "--disable-noqa",
            *selected,
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        report = json_items(raw, NAME)
        if not all(isinstance(item, dict) for item in report):
            raise AnalyzerError("sqlfluff printed JSON that is not a list of files")
        findings = []
        for item in report:
            path = relative_path(str(item.get("filepath", "")), root)
            violations = item.get("violations")
            if not isinstance(violations, list):
                raise AnalyzerError("sqlfluff printed a file without a violations list")
            findings.extend(_finding(v, path) for v in violations if isinstance(v, dict))
        return first_syntax_error_per_file(findings, NAME)


def _finding(item: dict[str, object], path: str) -> RawFinding:
    code = str(item.get("code", ""))
    rule = SYNTAX_ERROR if code in _PARSE_CODES else code
    return RawFinding(
        f"{NAME}:{rule}",
        path,
        int(str(item.get("start_line_no") or 1)),
        int(str(item.get("start_line_pos") or 1)),
        str(item.get("description", "")).strip(),
    )


SQLFLUFF = Sqlfluff()
