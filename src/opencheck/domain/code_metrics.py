"""Thresholds and per-file summaries of code metrics (complexity, depth, size, duplication).

The thresholds are CodeArts Check's "huge" limits as its metric names use them: a function
with cyclomatic complexity above 20, nesting deeper than 4 or longer than 50 lines; a file
above 2,000 lines; a folder holding more than 50 files.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

HUGE_COMPLEXITY = 20
HUGE_DEPTH = 4
HUGE_METHOD_LINES = 50
HUGE_FILE_LINES = 2000
HUGE_FOLDER_FILES = 50
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx")


class Function(Protocol):
    complexity: int
    cca_complexity: int
    depth: int
    nested: bool

    @property
    def lines(self) -> int: ...


@dataclass(frozen=True)
class FileSummary:
    """One file's function metrics reduced to sums, maxima and counts over its functions."""

    functions: int = 0
    complexity: int = 0
    cca_complexity: int = 0
    max_complexity: int = 0
    max_cca_complexity: int = 0
    huge_complexity: int = 0
    huge_cca_complexity: int = 0
    max_depth: int = 0
    huge_depth: int = 0
    method_lines: int = 0
    huge_methods: int = 0


def summarize(functions: Iterable[Function]) -> FileSummary:
    """The sums, maxima and "huge" counts of one file's functions."""
    items = list(functions)
    return FileSummary(
        functions=len(items),
        complexity=sum(f.complexity for f in items),
        cca_complexity=sum(f.cca_complexity for f in items),
        max_complexity=max((f.complexity for f in items), default=0),
        max_cca_complexity=max((f.cca_complexity for f in items), default=0),
        huge_complexity=sum(f.complexity > HUGE_COMPLEXITY for f in items),
        huge_cca_complexity=sum(f.cca_complexity > HUGE_COMPLEXITY for f in items),
        max_depth=max((f.depth for f in items), default=0),
        huge_depth=sum(f.depth > HUGE_DEPTH for f in items),
        # A nested function's lines are already its outer function's.
        method_lines=sum(f.lines for f in items if not f.nested),
        huge_methods=sum(f.lines > HUGE_METHOD_LINES for f in items),
    )


def is_header(path: str) -> bool:
    """C/C++ header files, which CodeArts counts apart from source files."""
    return path.lower().endswith(HEADER_SUFFIXES)


def clean_path(path: str) -> str:
    """A stored or requested path as `a/b/c`: no leading, trailing, doubled or `.` parts."""
    return "/".join(p for p in path.replace("\\", "/").split("/") if p and p != ".")


def folders_of(paths: Iterable[str]) -> set[str]:
    """Every directory (with its ancestors, without the root) holding one of the files."""
    folders: set[str] = set()
    for path in paths:
        for parent in PurePosixPath(clean_path(path)).parents:
            if str(parent) != ".":
                folders.add(str(parent))
    return folders
