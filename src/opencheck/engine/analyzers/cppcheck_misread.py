"""cppcheck results that the reported source line shows to be misread.

cppcheck runs without the build's flags, so project macros often stay unexpanded and calls of
functions it does not know look like anything. Each check here is a cause the precision corpus
showed, recognised on the line (or the function) the result names; `misread` is pure given the
files under the root.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from opencheck.engine.analyzers.base import relative_path

MAX_FUNCTION_LINES = 1000
# How far back the assignment of a returned pointer, or a macro between two tests, is looked for.
LOOK_BACK_LINES = 60

_UNINIT_NAME = re.compile(r"^Uninitialized variable: &?([A-Za-z_]\w*)")
# Calls whose result is ignored on purpose: `dlerror()` clears the error state before dlsym.
_CLEARING_CALLS = ("Return value of function dlerror() is not used",)
_IGNORED_CALL = re.compile(r"^Return value of function ([A-Za-z_][\w:.]*?)\(\) is not used")
_RELEASE_CALL = r"\b\w*(?:free|munmap|release|destroy|dispose|unref)\w*"
_RELEASED_NAME = re.compile(r"^Dereferencing '([A-Za-z_]\w*)' after it is deallocated")
_STARTED_NAME = re.compile(r"^va_list '([A-Za-z_]\w*)' used before va_start")
_LEAKED_NAME = re.compile(r"^(?:Memory|Resource) leak: ([A-Za-z_]\w*)")
_SELF_ASSIGNED = re.compile(r"^Redundant assignment of '([^']+)' to itself")
_MAIN_HEADER = re.compile(r"^(?:[A-Za-z_][\w \t*]*[ \t*])?main[ \t]*\(")
# A parameter advanced as a cursor (`buf += bsprintf(buf, ...)`) is the append idiom, not the
# forgotten dereference uselessAssignmentPtrArg looks for; nor is `this - base` (spaced, as
# arithmetic is written) a mistyped `this->base`.
_CURSOR_STEP = re.compile(r"^\s*[A-Za-z_]\w*\s*(?:[-+]=|\+\+|--)|^\s*(?:\+\+|--)")
_SPACED_THIS = re.compile(r"\bthis\s+-\s")
# A class whose allocation is owned by a member that is no raw pointer (a smart pointer, or a
# typedef of one) copies safely or cannot be copied: yaml-cpp's `memory_holder() :
# m_pMemory(new memory)` with `shared_memory m_pMemory;`.
_ALLOCATED_MEMBER = re.compile(r"\b([A-Za-z_]\w*)\s*(?:\(\s*|=\s*)new\b")
_DECLARATION = r"^\s*([A-Za-z_][\w:<>,\s]*?)\s*(\*+)?\s*\b{name}\s*(?:;|\{{|=[^=])"
_STATEMENT_WORDS = frozenset({"delete", "return", "throw", "else", "case", "goto"})
# `x ^ x` reads a volatile twice on purpose (jq's memory poisoning, pugixml's NaN fallback).
_REPEATED = re.compile(r"\b([A-Za-z_]\w*)\s*(?:[-+*/%^&|<>]|[=!<>]=|&&|\|\|)\s*\1\b")
# A body that is one upper-case macro statement (`{ DUMMY; }`, `NOT_REACHED();`): without its
# definition cppcheck cannot see that it returns or never returns (BIRD's documentation stubs).
_MACRO_STATEMENT = re.compile(r"^\s*\{?\s*[A-Z_][A-Z0-9_]*\s*(?:\([^;]*\))?\s*;\s*\}?\s*$")
# A JNI entry point (`JNIEXPORT void JNICALL Java_...`): without jni.h's empty macros cppcheck
# takes JNIEXPORT for the return type and reports the void function's end as a missing return.
_JNI_VOID = re.compile(r"\bJNIEXPORT\s+void\b")
# A C cast to a character pointer views an object's bytes, which the aliasing rules allow
# (nghttp2's `(char *)&error` for getsockopt, `(const uint8_t *)&version`).
_CHAR_POINTER_CAST = re.compile(
    r"\(\s*(?:const\s+)?(?:(?:un)?signed\s+)?(?:char|u?int8_t|std::byte|uint8_t)\s*"
    r"(?:const\s*)?\*\s*\)"
)
# std::begin/std::end of an array give a pointer: no integer is returned (nghttp2's buffers).
_ITERATOR_CALL = re.compile(r"\breturn\s+std::(?:c?r?begin|c?r?end|data)\s*\(")
# An element read right of a short-circuit test on the same line (`!n1 || a.addr[n0]`):
# cppcheck does not relate the test to the index (BIRD's ip6_prefix_equal, n0 = 4 only when n1
# is 0).
_OUT_OF_BOUNDS_ARRAY = re.compile(r"^Array '([^'\[]+)\[")
# A printf argument-type result on a statement that shows no format (no `%`, no PRIx/..._FMT
# macro): the format sits in a macro's definition and the one mismatch there is reported at every
# use (lz4's FUZZ_ASSERT prints __LINE__ with %u, 97 times).
_FORMAT_SHOWN = re.compile(r"%|\bPRI[a-zA-Z]\w*|\w*FMT\w*")
# A cast of a number to a pointer written on the line itself, not pasted by a sentinel macro
# (`#define FILTER_REJECT ((struct filter *) 1)`) reported at each use.
_WRITTEN_CAST = re.compile(r"\*\s*\)\s*\(?\s*-?\s*(?:0[xX])?\d|_cast\s*<[^>]*\*\s*>\s*\(\s*-?\d")
# A test's assertion macro (`CHECK(...)`, `EXPECT_EQ(...)`, `JSONTEST_ASSERT(...)`): what it
# compares or reads is the property under test, in C++ where operators may be the project's.
_ASSERTION = re.compile(r"^\s*[A-Z_]*(?:ASSERT|CHECK|EXPECT|REQUIRE|VERIFY)[A-Z_]*\s*\(")
_CPP_SUFFIXES = (".cc", ".cpp", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++")
_CONDITION = re.compile(r"\bif\s*\((.*)\)")
# duplicateExpression's two wordings, and what an operand written on both sides looks like.
_NAMED_EXPRESSION = re.compile(r"^Same expression '([^']+)' found multiple times")
_SIDES_OPERATOR = re.compile(r"^Same expression on both sides of '([^']+)'")
_TOKEN = re.compile(r"\w+|->|&&|\|\||==|!=|<=|>=|<<|>>|[^\s\w]")
STATEMENT_LINES = 10
MAX_SIDE_TOKENS = 12
_SIDE_ENDS = frozenset({",", ";", "{", "}", "?", ":"})
_UPPER_MACRO_CALL = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\s*\(([^;]*)")


class SourceLines:
    """Source lines of the reported files, read once per file on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        """Every line of `path` (relative to the root); none when it cannot be read."""
        if path not in self.files:
            try:
                text = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.files[path] = text.splitlines()
        return self.files[path]

    def line(self, path: str, row: int) -> str:
        """Line `row` (1-based) of `path`, empty past its end."""
        lines = self.lines(path)
        return lines[row - 1] if 0 < row <= len(lines) else ""


@dataclass(frozen=True)
class _Result:
    """One cppcheck result with the lines of its file."""

    path: str
    row: int
    column: int
    message: str
    lines: list[str]

    @property
    def text(self) -> str:
        return self.lines[self.row - 1] if 0 < self.row <= len(self.lines) else ""

    def before(self, count: int) -> list[str]:
        """Up to `count` lines before the reported one, nearest first."""
        return list(reversed(self.lines[max(self.row - 1 - count, 0) : self.row - 1]))


def misread(result: str, source: SourceLines) -> bool:
    """True for results the corpus showed cppcheck gets wrong in a way the code itself reveals."""
    path, row, column, code, _, message = result.split("\t", 5)
    check = _CHECKS.get(code)
    if check is None or not row.isdigit():
        return False
    relative = relative_path(path, source.root).removeprefix("./")
    at = int(column) - 1 if column.isdigit() else 0
    return check(_Result(relative, int(row), at, message, source.lines(relative)))


def _named(pattern: re.Pattern[str], result: _Result) -> str | None:
    found = pattern.match(result.message)
    return re.escape(found.group(1)) if found else None


def _output_argument(result: _Result) -> bool:
    """An "uninitialized" variable whose address is taken on the line is an output argument
    (`task_info(..., (task_info_t) &info, ...)`); an array passed with its own size
    (`ttyname_r(fd, path, sizeof(path))`) is an output buffer."""
    var = _named(_UNINIT_NAME, result)
    output = rf"&\s*{var}\b|\b{var}\s*,\s*sizeof\s*\(?\s*{var}\b"
    return var is not None and re.search(output, result.text) is not None


def _read_before_release(result: _Result) -> bool:
    """`release((void *)p, size(p->n))`: the arguments are read before the call releases p."""
    var = _named(_RELEASED_NAME, result)
    released = rf"{_RELEASE_CALL}\s*\(\s*(?:\([^()]*\)\s*)?{var}\s*,[^;]*\b{var}\s*->"
    return var is not None and re.search(released, result.text) is not None


def _macro_self_assignment(result: _Result) -> bool:
    """`px = grid_view_x(gd, px)` is an identity macro, not a written self-assignment."""
    var = _named(_SELF_ASSIGNED, result)
    written = rf"(?<![\w.>]){var}\s*=\s*\(?\s*{var}\s*\)?\s*[;,)]"
    return var is not None and re.search(written, result.text) is None


def _copied_va_list(result: _Result) -> bool:
    """`va_copy(aq, ap)` starts `aq`; it is not a use before va_start."""
    var = _named(_STARTED_NAME, result)
    return var is not None and re.search(rf"\bva_copy\s*\(\s*{var}\s*,", result.text) is not None


def _unexpanded_call(result: _Result) -> bool:
    """A cleared error state (`dlerror()`), or a function the line does not call: a project
    macro expanded to it in this configuration only (libevent's error-string function is
    `strerror` on POSIX and fills a cache on Windows)."""
    if result.message.startswith(_CLEARING_CALLS):
        return True
    called = _IGNORED_CALL.match(result.message)
    name = called.group(1).rsplit(".", 1)[-1].rsplit("::", 1)[-1] if called else ""
    return bool(name) and re.search(rf"\b{re.escape(name)}\s*\(", result.text) is None


def _kept_or_exiting(result: _Result) -> bool:
    """What `main` still holds when it returns, the exit releases (mosquitto_ctrl's dlopen
    handle); an allocation returned through a pointer computed from it is not lost (hiredis's
    `s = (char *)newsh + hdrlen; return s;`)."""
    for text in result.before(MAX_FUNCTION_LINES):
        if text.startswith("}"):
            break
        if _MAIN_HEADER.match(text):
            return True
    var = _named(_LEAKED_NAME, result)
    returned = re.match(r"\s*return\s+(?:\([^()]*\)\s*)?([A-Za-z_]\w*)\s*;", result.text)
    if var is None or returned is None:
        return False
    derived = re.compile(rf"\b{re.escape(returned.group(1))}\s*=[^=;][^;]*\b{var}\b")
    return any(derived.search(text) for text in result.before(LOOK_BACK_LINES))


def _volatile_operand(result: _Result) -> bool:
    """The statement does not repeat the expression in its text (cppcheck compared values a
    macro or a constant gave both sides: cJSON's vendored Unity divides `0.0f / f_zero`); the
    operand repeated on the line (nearest the column) is declared volatile in the file, so each
    side is a separate read; or a C++ test asserts on the repeated operands on purpose."""
    if _tested_property(result) or not _written_twice(result):
        return True
    found = list(_REPEATED.finditer(result.text))
    if not found:
        return False
    repeated = min(found, key=lambda m: abs((m.start() + m.end()) // 2 - result.column))
    declared = re.compile(rf"\bvolatile\b[^;()]*\b{re.escape(repeated.group(1))}\s*[;=\[]")
    return any(declared.search(line) for line in result.lines)


def _written_twice(result: _Result) -> bool:
    """True when the statement's text (the line and the lines it continues) holds the
    expression the message names twice, or some operand on both sides of the operator."""
    statement = [result.text]
    for text in result.before(STATEMENT_LINES):
        if text.rstrip().endswith((";", "{", "}")) or not text.strip():
            break
        statement.insert(0, text)
    joined = " ".join(statement)
    named = _NAMED_EXPRESSION.match(result.message)
    if named:
        return len(re.findall(rf"(?<![\w.]){re.escape(named.group(1))}(?![\w\[])", joined)) > 1
    operator = _SIDES_OPERATOR.match(result.message)
    if operator is None:
        return True  # another wording: nothing to compare
    tokens = _TOKEN.findall(joined)
    for at, token in enumerate(tokens):
        if token != operator.group(1):
            continue
        for width in range(1, min(at, MAX_SIDE_TOKENS) + 1):
            left, right = tokens[at - width], tokens[min(at + width, len(tokens) - 1)]
            if left in _SIDE_ENDS or right in _SIDE_ENDS:
                break  # a side never spans a separator (`{x / z, x / z}` repeats no side)
            if tokens[at - width : at] == tokens[at + 1 : at + 1 + width]:
                return True
    return False


def _tested_property(result: _Result) -> bool:
    """A C++ test's assertion (`CHECK(!q1)` after a move, `CHECK(r1.begin() == doc.begin())`)
    checks the documented behaviour of the project's own types."""
    return result.path.lower().endswith(_CPP_SUFFIXES) and _ASSERTION.match(result.text) is not None


def _macro_between_tests(result: _Result) -> bool:
    """An upper-case macro given the tested variable between the two tests may assign it
    (libevent's `EVTHREAD_ALLOC_LOCK(lock, ...)` before the inner `if (!lock)`)."""
    condition = _CONDITION.search(result.text)
    names = set(re.findall(r"[A-Za-z_]\w*", condition.group(1))) if condition else set()
    for text in result.before(LOOK_BACK_LINES):
        if _CONDITION.search(text):
            return False  # the outer test: nothing between the two
        for arguments in _UPPER_MACRO_CALL.findall(text):
            if names & set(re.findall(r"[A-Za-z_]\w*", arguments)):
                return True
    return False


def _missing_return(result: _Result) -> bool:
    """A body that is one macro statement, or the end of a `JNIEXPORT void` function (the
    nearest JNIEXPORT above, with no other function's closing brace in between)."""
    if _MACRO_STATEMENT.match(result.text):
        return True
    for line in result.before(LOOK_BACK_LINES):
        if line.startswith("}"):
            return False
        if "JNIEXPORT" in line:
            return _JNI_VOID.search(line) is not None
    return False


def _guarded_element(result: _Result) -> bool:
    """An out-of-bounds element read only after a `||` or `&&` on its line."""
    array = _named(_OUT_OF_BOUNDS_ARRAY, result)
    access = re.search(rf"{array}\s*\[", result.text) if array else None
    return access is not None and re.search(r"\|\||&&", result.text[: access.start()]) is not None


def _format_elsewhere(result: _Result) -> bool:
    """The statement from the reported line to its `;` (a few lines at most) shows no format."""
    statement: list[str] = []
    for line in result.lines[result.row - 1 : result.row - 1 + STATEMENT_LINES]:
        statement.append(line)
        if ";" in line:
            break
    return bool(statement) and _FORMAT_SHOWN.search("\n".join(statement)) is None


def _commented_above(result: _Result) -> bool:
    """A parameter cleared right under a comment saying why (nghttp2's `// dconn was deleted`
    before `dconn = nullptr;`): a deliberate, commented statement."""
    above = result.before(1)
    return bool(above) and above[0].lstrip().startswith(("//", "/*", "*"))


def _smart_member(result: _Result) -> bool:
    """The member the line allocates into is declared in the file, and not as a raw pointer
    (so as a smart pointer or a typedef of one)."""
    allocated = _ALLOCATED_MEMBER.search(result.text)
    if allocated is None:
        return False
    declaration = re.compile(_DECLARATION.format(name=re.escape(allocated.group(1))))
    for line in result.lines:
        found = declaration.match(line)
        if found and found.group(1).split()[-1] not in _STATEMENT_WORDS:
            return found.group(2) is None
    return False


_CHECKS: dict[str, Callable[[_Result], bool]] = {
    "uninitvar": _output_argument,
    "deallocuse": _read_before_release,
    "selfAssignment": _macro_self_assignment,
    "va_list_usedBeforeStarted": _copied_va_list,
    "ignoredReturnValue": _unexpanded_call,
    "resourceLeak": _kept_or_exiting,
    "memleak": _kept_or_exiting,
    "missingReturn": _missing_return,
    "intToPointerCast": lambda r: _WRITTEN_CAST.search(r.text) is None,
    "uselessAssignmentPtrArg": lambda r: (
        _CURSOR_STEP.match(r.text) is not None or _commented_above(r)
    ),
    "arrayIndexOutOfBounds": _guarded_element,
    **dict.fromkeys(
        (f"invalidPrintfArgType_{kind}" for kind in ("sint", "uint", "s", "p", "float", "n")),
        _format_elsewhere,
    ),
    "dangerousTypeCast": lambda r: _CHAR_POINTER_CAST.search(r.text) is not None,
    "CastIntegerToAddressAtReturn": lambda r: _ITERATOR_CALL.search(r.text) is not None,
    "thisSubtraction": lambda r: _SPACED_THIS.search(r.text) is not None,
    "noCopyConstructor": _smart_member,
    "duplicateExpression": _volatile_operand,
    "accessMoved": _tested_property,
    "mismatchingContainerExpression": _tested_property,
    "identicalInnerCondition": _macro_between_tests,
}
