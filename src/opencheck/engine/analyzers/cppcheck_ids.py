"""Every cppcheck id as a rule: the catalog's, then the rest graded by cppcheck's own severity."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

from opencheck.domain.severity import Severity
from opencheck.engine.analyzers.base import Rule
from opencheck.engine.analyzers.catalog import CATALOGS_DIR, catalog_rules, read_yaml

NAME = "cppcheck"
# Ids that mean cppcheck could not read the file: a notice (not analysed), never a defect.
PARSE_FAILURES = frozenset(
    {
        "syntaxError",
        "unknownMacro",
        "internalAstError",
        "internalError",
        "cppcheckError",
        "preprocessorErrorDirective",
        "includeNestedTooDeeply",
        "missingFile",
        "directiveAsMacroParameter",
        "unhandledChar",
        "templateRecursion",
        "simplifyTypedef",
    }
)
# CWEs of memory corruption and use of invalid memory: an `error` with one of them is critical.
MEMORY_CWES = frozenset({"119", "120", "125", "415", "416", "457", "476", "562", "590", "672",
                         "761", "787", "788"})  # fmt: skip
_GRADES = {
    "error": Severity.MAJOR,
    "warning": Severity.MINOR,
    "portability": Severity.MINOR,
    "style": Severity.MINOR,
    "performance": Severity.SUGGESTION,
}
_WHY = {
    "error": "cppcheck proved undefined behaviour or a certain bug here",
    "warning": "cppcheck found code that is very likely wrong here",
    "portability": "cppcheck found code whose result depends on the platform or compiler here",
    "style": "cppcheck found suspicious or redundant code here",
    "performance": "cppcheck found needlessly slow code here",
}
# One rule per cppcheck severity catches an id that this cppcheck knows but the table does not
# (a newer cppcheck, or a library configuration's own ids such as `<function>Called`).
# Portability ones (non-reentrant `localtimeCalled`...) were noise on the corpus: off by default.
FALLBACK_CODES = {severity: f"other-{severity}" for severity in _GRADES}


@cache
def cppcheck_rules(catalogs_dir: Path = CATALOGS_DIR) -> tuple[Rule, ...]:
    """The catalog's rules, then one per other id cppcheck can emit, then the fallbacks."""
    curated = catalog_rules(NAME)
    document = read_yaml(catalogs_dir / f"{NAME}.yml")
    default_off = set(document.get("default_off", ()))
    style_on = set(document.get("style_on", ()))
    regrade = {code: Severity[grade.upper()] for code, grade in document.get("regrade", {}).items()}
    seen = {rule.code for rule in curated}
    extra: list[Rule] = []
    for severity, entries in document["others"].items():
        for entry in entries:
            code, _, cwe = str(entry).partition(":")
            if code in seen:
                continue
            seen.add(code)
            on = code in style_on if severity in ("style", "performance") else True
            rule = _rule(code, severity, cwe, on and code not in default_off)
            extra.append(replace(rule, severity=regrade[code]) if code in regrade else rule)
    fallbacks = [_rule(code, sev, "", sev in ("error", "warning"))
                 for sev, code in FALLBACK_CODES.items()]  # fmt: skip
    return (*curated, *extra, *fallbacks)


def _rule(code: str, severity: str, cwe: str, default: bool) -> Rule:
    grade = _GRADES[severity]
    if severity == "error" and cwe in MEMORY_CWES:
        grade = Severity.CRITICAL
    weakness = f", CWE-{cwe}" if cwe else ""
    description = (
        f"{_WHY[severity]} (cppcheck check {code}, severity {severity}{weakness}); the finding's"
        " message says what is wrong at this place. Change the code as the message says."
    )
    return Rule(
        id=f"{NAME}:{code}",
        name=code,
        language="C++",
        severity=grade,
        tags=("bug",),
        description=description,
        default=default,
    )
