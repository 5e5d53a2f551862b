"""JavaScript and TypeScript, by oxlint: a default rule set, run without the repository's config."""

from __future__ import annotations

import re
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

NAME = "oxlint"
LANGUAGES = ("JavaScript", "TypeScript")
# oxlint spells a diagnostic's rule `scope(rule)`, e.g. `eslint(no-eval)`.
_CODE = re.compile(r"^[\w-]+\((?P<rule>[\w/-]+)\)$")

C, MJ, MN, SG, INFO = (
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
    Severity.SUGGESTION,
    Severity.INFO,
)

_Spec = tuple[str, Severity, tuple[str, ...], str]  # code, severity, tags, description

# Critical: input run as code or a sure run-time failure.
# Major: likely bugs. Minor: suspicious but often harmless. Suggestion/info: intent-hiding style.
_SHARED: tuple[_Spec, ...] = (
    (SYNTAX_ERROR, C, ("bug",), "The file does not parse."),
    ("no-eval", C, ("security", "CWE-95"), "`eval()` runs a string as code."),
    ("no-new-func", C, ("security", "CWE-95"), "`new Function()` runs a string as code."),
    ("no-implied-eval", C, ("security", "CWE-95"), "String passed to setTimeout/setInterval."),
    ("no-script-url", MJ, ("security", "CWE-79"), "`javascript:` URL is a form of eval."),
    ("no-proto", MN, ("security", "CWE-1321"), "`__proto__` access invites prototype pollution."),
    ("no-extend-native", MJ, ("security", "CWE-1321"), "Built-in prototype modified."),
    ("no-caller", MJ, ("security", "CWE-749"), "`arguments.caller/callee` exposes the stack."),
    ("no-const-assign", C, ("bug",), "Assignment to a `const` throws at run time."),
    ("no-this-before-super", C, ("bug",), "`this` before `super()` throws."),
    ("no-obj-calls", C, ("bug",), "Calling a global object such as `Math()` throws."),
    ("no-unsafe-finally", MJ, ("bug",), "Control flow in `finally` swallows errors."),
    ("no-self-compare", MJ, ("bug",), "A value compared with itself."),
    ("no-dupe-keys", MJ, ("bug",), "Duplicate key in an object literal."),
    ("no-duplicate-case", MJ, ("bug",), "Duplicate `case` label."),
    ("no-dupe-else-if", MJ, ("bug",), "Repeated condition in an if/else-if chain."),
    ("no-cond-assign", MJ, ("bug",), "Assignment in a condition."),
    ("no-unsafe-negation", MJ, ("bug",), "`!a in b` negates the left operand only."),
    ("use-isnan", MJ, ("bug",), "Comparison with NaN is always false."),
    ("valid-typeof", MJ, ("bug",), "`typeof` compared with an impossible string."),
    ("no-compare-neg-zero", MJ, ("bug",), "Comparison with -0."),
    ("no-sparse-arrays", MN, ("bug",), "Array literal with holes."),
    ("no-unreachable", MN, ("bug",), "Code after return, throw, break or continue."),
    ("no-debugger", MJ, ("bug",), "`debugger` statement left in."),
    ("no-unsafe-optional-chaining", MJ, ("bug",), "Optional chain used where undefined throws."),
    ("no-async-promise-executor", MJ, ("bug",), "Async Promise executor loses errors."),
    ("getter-return", MJ, ("bug",), "Getter without `return`."),
    ("no-self-assign", MN, ("bug",), "A variable assigned to itself."),
    ("eqeqeq", SG, ("bug",), "`==` coerces its operands; use `===`."),
    ("no-empty", SG, ("error-handling",), "Empty block, often a swallowed error."),
    ("no-unused-vars", MN, ("unused-code",), "Variable declared but never used."),
    ("no-var", INFO, ("style",), "`var` is function-scoped; use `let`/`const`."),
)
_TYPESCRIPT_ONLY: tuple[_Spec, ...] = (
    ("no-misused-new", MJ, ("bug",), "Interface or class declaring `new`/`constructor` wrongly."),
    ("no-non-null-asserted-optional-chain", MJ, ("bug",), "`a?.b!` defeats the optional chain."),
    ("no-explicit-any", SG, ("type-safety",), "`any` turns off type checking."),
)


def _rules(language: str, specs: Sequence[_Spec]) -> list[Rule]:
    return [
        Rule(f"{NAME}:{code}", code, language, sev, tags, "security" in tags, desc)
        for code, sev, tags, desc in specs
    ]


RULES: tuple[Rule, ...] = (
    *_rules("JavaScript", _SHARED),
    *_rules("TypeScript", _SHARED + _TYPESCRIPT_ONLY),
)


def oxlint_binary() -> str | None:
    """The oxlint shipped next to this interpreter (PyPI wheel `oxlint`), else the one on PATH."""
    return bundled_binary("oxlint")


@cache
def _config_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="opencheck-oxlint-"))


def empty_config() -> str:
    """An empty oxlint config file of our own: without `-c`, oxlint reads the repository's."""
    path = _config_dir() / "oxlintrc.json"
    if not path.is_file():  # a tmp cleaner may have removed it since
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n")
    return str(path)


class Oxlint:
    """The oxlint adapter: `-A all`, then `-D` for each selected rule."""

    name = NAME
    languages = frozenset(LANGUAGES)
    rules = RULES

    def available(self) -> str | None:
        return None if oxlint_binary() else "the oxlint executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        codes = sorted({rid.split(":", 1)[1] for rid in rules.ids if rid.startswith(f"{NAME}:")})
        denied = [arg for code in codes if code != SYNTAX_ERROR for arg in ("-D", code)]
        return [
            oxlint_binary() or "oxlint",
            f"--config={empty_config()}",
            "--disable-nested-config",
            "--no-ignore",  # the inventory already chose the files
            "--no-error-on-unmatched-pattern",
            "--threads=1",  # the engine runs batches in parallel itself
            "--format=json",
            "-A",
            "all",
            *denied,
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        items = json_items(raw, NAME, "diagnostics")
        findings = [_finding(item, root) for item in items]
        return first_syntax_error_per_file(
            sorted(findings, key=lambda f: (f.path, f.line, f.column)), NAME
        )


def _finding(item: dict[str, object], root: Path) -> RawFinding:
    # Parse errors carry no code.
    match = _CODE.match(str(item.get("code") or ""))
    rule = match["rule"].rsplit("/", 1)[-1] if match else SYNTAX_ERROR
    line = column = 1
    labels = item.get("labels")
    if isinstance(labels, list) and labels and isinstance(labels[0], dict):
        span = labels[0].get("span")
        if isinstance(span, dict):
            line, column = int(span.get("line") or 1), int(span.get("column") or 1)
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(str(item.get("filename", "")), root),
        line,
        column,
        str(item.get("message", "")),
    )


OXLINT = Oxlint()
