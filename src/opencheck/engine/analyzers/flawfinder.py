"""C and C++ security, by flawfinder: calls of dangerous library functions, with their CWEs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.base import (
    RawFinding,
    Rule,
    RuleSelection,
    bundled_binary,
    relative_path,
)
from opencheck.engine.analyzers.catalog import catalog_rules
from opencheck.engine.errors import AnalyzerError

NAME = "flawfinder"
_HEADER = ("File", "Line", "Column", "DefaultLevel", "Level", "Category", "Name", "Warning")
_CONTEXT = 11  # the source line of the hit
# flawfinder lowers a call's risk below its default when the format is constant or each %s has a
# limit: those (sprintf into a sized buffer, sscanf "%30s") were all false on the corpus (0/8).
MIN_LOWERED_LEVEL = 3
# The token before a flagged name: an identifier there (a type, `auto`) makes it a declaration.
_PREVIOUS_TOKEN = re.compile(r"([A-Za-z_]\w*|\S)\s*$")
_QUALIFIER = re.compile(r"(\w+)\s*::\s*$")
_STATEMENT_WORDS = frozenset({"return", "else", "do", "case", "throw", "co_return", "co_await"})
# The argument that holds the format, for the functions whose risk is the format itself (the
# sprintf family's risk is the buffer, whatever the format).
_FORMAT_ARGUMENT = {"printf": 0, "vprintf": 0, "scanf": 0, "fprintf": 1, "vfprintf": 1,
                    "dprintf": 1, "syslog": 1, "sscanf": 1, "fscanf": 1, "vsscanf": 1,
                    "vfscanf": 1, "snprintf": 2, "vsnprintf": 2}  # fmt: skip
_SCANF = frozenset({"scanf", "sscanf", "fscanf", "vsscanf", "vfscanf"})
# String literals and the macros pasted next to them (`ANSI_BLUE "x"`, `"%" PRIu64`): an
# identifier can only stand beside a literal without an operator when it expands to one.
_LITERAL = r'(?:[A-Za-z_]\w*\s*)?"(?:[^"\\]|\\.)*"\s*'
_PASTED_LITERAL = re.compile(rf"\s*(?:{_LITERAL})+(?:[A-Za-z_]\w*\s*)?")
_UNBOUNDED_STRING = re.compile(r"%(?:\*|\d+\$)?(?:s|\[)")
# sprintf of integers and characters only writes a length the format bounds: h2o's `"%" PRIu16`
# into a buffer sized for the longest number was 0/9 on the tuned corpus. A `*` width comes
# from a variable, so it is not bounded; `PRId64` and its kin expand to integer conversions.
_BOUNDED_SPRINTF = frozenset({"sprintf"})
_INTEGER_MACRO = re.compile(r"PRI[diouxX](?:8|16|32|64|MAX|PTR|LEAST\d+|FAST\d+)")
_FORMAT_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*)|(\s+)')
_CONVERSION = re.compile(r"%([-+ #0]*\d*(?:\.\d*)?(?:hh|h|ll|l|j|z|t)?)(.)")
# flawfinder's context is the call's first line; a format pasted over the next lines (libuv's
# `"%" PRIu64 " %" PRIu64` under `sscanf(buf + len,`) is read from the file, this many lines on.
CALL_LINES = 12

RULES: tuple[Rule, ...] = catalog_rules(NAME)


def flawfinder_binary() -> str | None:
    """The flawfinder of the `flawfinder` wheel next to this interpreter, else the one on PATH."""
    return bundled_binary("flawfinder")


class Flawfinder:
    """The flawfinder adapter, in CSV mode."""

    name = NAME
    languages = frozenset({"C++"})
    rules = RULES

    def reusable(self, path: str) -> bool:
        """Every file: a token scanner of one file at a time; the functions a file declares
        itself are looked up in that file only."""
        return True

    def available(self) -> str | None:
        return None if flawfinder_binary() else "the flawfinder executable was not found"

    def command(self, files: Sequence[str], rules: RuleSelection) -> list[str]:
        # flawfinder cannot select rules; run_batch drops the names that were not selected.
        # --neverignore: OpenCheck honours `flawfinder: ignore` itself and keeps the finding,
        # marked ignored, instead of losing it.
        # --falsepositive: no hits on array declarations nor on names not followed by "(".
        return [
            flawfinder_binary() or "flawfinder",
            "--csv",
            "--neverignore",
            "--falsepositive",
            "--",
            *files,
        ]

    def parse(self, raw: bytes, root: Path) -> list[RawFinding]:
        rows = list(csv.reader(io.StringIO(raw.decode(errors="replace"))))
        if not rows or tuple(rows[0][: len(_HEADER)]) != _HEADER:
            raise AnalyzerError("flawfinder printed no CSV header")
        source = _SourceFiles(root)
        hits = [_whole_call(row, source) for row in rows[1:] if row]
        own = _own_functions(hits)
        return [
            _finding(row, root)
            for row in hits
            if _is_library_call(row)
            and (row[0], row[6] if len(row) > 6 else "") not in own
            and not _lowered_risk(row)
            and not _constant_format(row)
            and not _bounded_sprintf(row)
        ]


class _SourceFiles:
    """Lines of the reported files, read once per file on demand."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def lines(self, path: str, first: int, count: int) -> list[str]:
        """`count` lines from line `first` (1-based) of `path`, fewer at the end of the file."""
        if path not in self.files:
            try:
                text = (self.root / relative_path(path, self.root)).read_text(errors="replace")
            except OSError:
                text = ""
            self.files[path] = text.splitlines()
        return self.files[path][max(first - 1, 0) : first - 1 + count]


def _whole_call(row: list[str], source: _SourceFiles) -> list[str]:
    """The row with its context extended over the next lines when the call's arguments run on."""
    if len(row) <= _CONTEXT or not (row[1].isdigit() and row[2].isdigit()):
        return row
    if row[6] not in _FORMAT_ARGUMENT and row[6] not in _BOUNDED_SPRINTF:
        return row
    context = row[_CONTEXT]
    if _call_arguments(context[int(row[2]) - 1 :]) is not None:
        return row
    following = source.lines(row[0], int(row[1]) + 1, CALL_LINES)
    return [*row[:_CONTEXT], " ".join([context, *following]), *row[_CONTEXT + 1 :]]


def _own_functions(rows: list[list[str]]) -> set[tuple[str, str]]:
    """(file, name) of the functions a file declares itself (fmt's `vsprintf`): its unqualified
    calls of that name call the project's function, not the C library's."""
    return {(row[0], row[6]) for row in rows if _declared(row)}


def _declared(row: list[str]) -> bool:
    """True when the hit is a declaration (a type or `auto` before the name), not a ban."""
    if len(row) <= _CONTEXT or not row[2].isdigit() or "__attribute__" in row[_CONTEXT]:
        return False
    before = row[_CONTEXT][: max(int(row[2]) - 1, 0)]
    previous = _PREVIOUS_TOKEN.search(before)
    token = previous.group(1) if previous else ""
    return (token[:1].isalpha() or token[:1] == "_") and token not in _STATEMENT_WORDS


def _constant_format(row: list[str]) -> bool:
    """True for a printf or scanf call whose format is literals pasted with macros, which
    flawfinder takes for a variable format (scanf only without an unbounded %s)."""
    if len(row) <= _CONTEXT or not row[2].isdigit() or row[6] not in _FORMAT_ARGUMENT:
        return False
    arguments = _call_arguments(row[_CONTEXT][int(row[2]) - 1 :])
    index = _FORMAT_ARGUMENT[row[6]]
    if arguments is None or len(arguments) <= index:
        return False
    fmt = arguments[index]
    if not _PASTED_LITERAL.fullmatch(fmt):
        return False
    return row[6] not in _SCANF or not _UNBOUNDED_STRING.search(fmt)


def _bounded_sprintf(row: list[str]) -> bool:
    """True for a sprintf whose format is literals (and PRI macros) converting only integers
    and characters, so the text it writes has a length known at compile time."""
    if len(row) <= _CONTEXT or not row[2].isdigit() or row[6] not in _BOUNDED_SPRINTF:
        return False
    arguments = _call_arguments(row[_CONTEXT][int(row[2]) - 1 :], partial=True)
    if arguments is None or len(arguments) < 2:
        return False
    fmt = arguments[1].strip()
    tokens = list(_FORMAT_TOKEN.finditer(fmt))
    if not fmt or "".join(token.group(0) for token in tokens) != fmt:
        return False  # something other than literals and macros: an expression
    text = []
    for token in tokens:
        literal, name, _ = token.groups()
        if name is not None and not _INTEGER_MACRO.fullmatch(name):
            return False
        text.append("d" if name is not None else literal or "")
    return all(kind in "diouxXc%" for _, kind in _CONVERSION.findall("".join(text)))


def _call_arguments(text: str, partial: bool = False) -> list[str] | None:
    """The top-level arguments of the call starting at `text`, or None when it ends later
    (with `partial`, the arguments completed before the text ends)."""
    start = text.find("(")
    if start < 0:
        return None
    arguments, depth, current, quote = [], 0, [], ""
    for char in text[start + 1 :]:
        if quote:
            current.append(char)
            quote = "" if char == quote and current[-2:-1] != ["\\"] else quote
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char in "([{":
            depth += 1
            current.append(char)
        elif char in ")]}" and depth:
            depth -= 1
            current.append(char)
        elif char == ")":
            return [*arguments, "".join(current)]
        elif char == "," and not depth:
            arguments.append("".join(current))
            current = []
        else:
            current.append(char)
    return arguments if partial else None


def _lowered_risk(row: list[str]) -> bool:
    """True when flawfinder itself rated this call safer than the function's default risk."""
    default, level = row[3:5] if len(row) > 4 else ("", "")
    if not (default.isdigit() and level.isdigit()):
        return False
    return int(level) < min(int(default), MIN_LOWERED_LEVEL)


def _is_library_call(row: list[str]) -> bool:
    """False when the hit is a declaration of the name, another namespace's function, or the
    name in a `__attribute__((deprecated))` ban, which flawfinder reads as a call."""
    if len(row) <= _CONTEXT or not row[2].isdigit():
        return True  # unreadable rows are reported by _finding
    context, column = row[_CONTEXT], int(row[2])
    if "__attribute__" in context and "deprecated" in context:
        return False
    before = context[: max(column - 1, 0)]
    qualified = _QUALIFIER.search(before)
    if qualified:
        return qualified.group(1) == "std"
    if before.rstrip().endswith((".", "->")):
        return False  # a member function of the project's own type
    previous = _PREVIOUS_TOKEN.search(before)
    token = previous.group(1) if previous else ""
    return not (token[:1].isalpha() or token[:1] == "_") or token in _STATEMENT_WORDS


def _finding(row: list[str], root: Path) -> RawFinding:
    if len(row) < len(_HEADER) or not row[1].isdigit():
        raise AnalyzerError(f"flawfinder printed an unreadable row: {row[:3]!r}")
    path, line, column, name, warning = row[0], row[1], row[2], row[6], row[7]
    return RawFinding(
        f"{NAME}:{name}",
        relative_path(path, root),
        int(line) or 1,
        int(column) if column.isdigit() else 1,
        warning,
    )


FLAWFINDER = Flawfinder()
