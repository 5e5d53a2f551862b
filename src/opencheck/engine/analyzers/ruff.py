"""Python, by ruff: a default set of meaningful rules, run without the repository's own config."""

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

NAME = "ruff"
MAX_COMPLEXITY = 15
# The newest syntax ruff knows: an older target would flag valid modern code as syntax errors.
TARGET_VERSION = "py314"

C, MJ, MN, SG = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION


def _rule(code: str, name: str, severity: Severity, *tags: str, description: str = "") -> Rule:
    security = "security" in tags
    return Rule(f"{NAME}:{code}", name, "Python", severity, tags, security, description)


_C901 = f"Cyclomatic complexity above {MAX_COMPLEXITY}."

# Critical: the code fails at run time or lets input run as code, shell or SQL. Major: likely
# bugs and insecure practices. Minor: dead code and leaks. Suggestion: style that hides intent.
RULES: tuple[Rule, ...] = (
    _rule(SYNTAX_ERROR, "syntax-error", C, "bug", description="The file does not parse."),
    _rule("F821", "undefined-name", C, "bug", description="Use of a name that is not defined."),
    _rule("F823", "undefined-local", C, "bug", description="Local read before assignment."),
    _rule("PLE1142", "await-outside-async", C, "bug", description="`await` outside async def."),
    _rule("PLE0117", "nonlocal-without-binding", C, "bug", description="Unbound `nonlocal`."),
    _rule("F632", "is-literal", MJ, "bug", description="`is` comparison with a literal."),
    _rule("F601", "multi-value-repeated-key-literal", MJ, "bug", description="Duplicate key."),
    _rule("F631", "assert-tuple", MJ, "bug", description="Assert on a tuple is always true."),
    _rule("F507", "percent-format-positional-count-mismatch", MJ, "bug"),
    _rule("PLE0101", "return-in-init", MJ, "bug", description="`__init__` returns a value."),
    _rule("B006", "mutable-argument-default", MJ, "bug", description="Shared mutable default."),
    _rule("B023", "function-uses-loop-variable", MJ, "bug", description="Late-bound loop var."),
    _rule("B015", "useless-comparison", MJ, "bug", description="Comparison result unused."),
    _rule("E722", "bare-except", MJ, "bug", description="Bare `except:` also catches exits."),
    _rule("RUF006", "asyncio-dangling-task", MJ, "bug", description="Task may be collected."),
    _rule("F401", "unused-import", MN, "unused-code"),
    _rule("F841", "unused-variable", MN, "unused-code"),
    _rule("F811", "redefined-while-unused", MN, "bug"),
    _rule("B018", "useless-expression", MN, "bug"),
    _rule("PLW2901", "redefined-loop-name", MN, "bug"),
    _rule("SIM115", "open-file-with-context-handler", MN, "resource-leak"),
    _rule("B904", "raise-without-from-inside-except", SG, "error-handling"),
    _rule("E711", "none-comparison", SG, "style"),
    _rule("E712", "true-false-comparison", SG, "style"),
    _rule("E721", "type-comparison", SG, "style"),
    _rule("E741", "ambiguous-variable-name", SG, "readability"),
    _rule("SIM102", "collapsible-if", SG, "readability"),
    _rule("C901", "complex-structure", SG, "maintainability", description=_C901),
    _rule("S102", "exec-builtin", C, "security", "CWE-94"),
    _rule("S307", "suspicious-eval-usage", C, "security", "CWE-95"),
    _rule("S602", "subprocess-popen-with-shell-equals-true", C, "security", "CWE-78"),
    _rule("S605", "start-process-with-a-shell", C, "security", "CWE-78"),
    _rule("S608", "hardcoded-sql-expression", C, "security", "CWE-89"),
    _rule("S301", "suspicious-pickle-usage", MJ, "security", "CWE-502"),
    _rule("S506", "unsafe-yaml-load", MJ, "security", "CWE-502"),
    _rule("S105", "hardcoded-password-string", MJ, "security", "CWE-259"),
    _rule("S106", "hardcoded-password-func-arg", MJ, "security", "CWE-259"),
    _rule("S324", "hashlib-insecure-hash-function", MJ, "security", "CWE-327"),
    _rule("S501", "request-with-no-cert-validation", MJ, "security", "CWE-295"),
    _rule("S701", "jinja2-autoescape-false", MJ, "security", "CWE-79"),
    _rule("S202", "tarfile-unsafe-members", MJ, "security", "CWE-22"),
    _rule("S104", "hardcoded-bind-all-interfaces", MN, "security", "CWE-605"),
    _rule("S108", "hardcoded-temp-file", MN, "security", "CWE-377"),
    _rule("S113", "request-without-timeout", MN, "security", "CWE-400"),
)


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
            "--output-format=json",
            f"--target-version={TARGET_VERSION}",
            f"--config=lint.mccabe.max-complexity={MAX_COMPLEXITY}",
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
