"""Functions of one source file with their cyclomatic complexity, nesting depth and length.

One tree-sitter parse and one query per file (run per top-level node); the captures are
attributed to their innermost function in a single sweep, so the work in Python is proportional
to the captures, not the nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from tree_sitter import Node, Parser, QueryCursor

from opencheck.engine.metrics.grammars import SPECS, language, query


class FunctionMeasure(NamedTuple):
    """One function: where it is, its complexity (McCabe and CCA) and its nesting depth."""

    line: int
    end_line: int
    complexity: int
    cca_complexity: int
    depth: int
    nested: bool  # inside another function (its lines are also that function's)

    @property
    def lines(self) -> int:
        return self.end_line - self.line + 1


@dataclass
class _Frame:
    start_line: int
    end_line: int
    end_byte: int
    nested: bool
    decisions: int = 0
    cases: int = 0
    switches: int = 0
    depth: int = 0
    open_nesting: list[int] = field(default_factory=list)  # end bytes

    def measure(self) -> FunctionMeasure:
        return FunctionMeasure(
            self.start_line,
            self.end_line,
            1 + self.decisions + self.cases,
            1 + self.decisions + self.switches,
            self.depth,
            self.nested,
        )

    def count(self, kind: str, node: Node) -> None:
        if kind == "decisions":
            self.decisions += 1
        elif kind == "cases":
            self.cases += 1
        elif kind == "switches":
            self.switches += 1
        elif kind == "nesting":
            while self.open_nesting and self.open_nesting[-1] <= node.start_byte:
                self.open_nesting.pop()
            self.open_nesting.append(node.end_byte)
            self.depth = max(self.depth, len(self.open_nesting))


# TypeScript declaration files hold signatures only: parsing them would find no function.
DECLARATION_SUFFIXES = (".d.ts", ".d.mts", ".d.cts")


def measurable(language_name: str, path: str = "") -> bool:
    """Does OpenCheck know the functions of `language_name`, and can `path` have any?"""
    return language_name in SPECS and not path.endswith(DECLARATION_SUFFIXES)


def measure_functions(language_name: str, source: bytes) -> list[FunctionMeasure]:
    """Every function of `source`, in order of appearance."""
    parser = Parser(language(SPECS[language_name].grammar))
    tree = parser.parse(source)
    cursor = QueryCursor(query(language_name))
    # One top-level node at a time: over the whole root, the query cursor of some grammars
    # (Cangjie's) grows with the square of the number of top-level declarations.
    items = sorted(
        (
            (node.start_byte, -node.end_byte, kind, node)
            for top in tree.root_node.children
            for kind, nodes in cursor.captures(top).items()
            for node in nodes
            if not kind.startswith("_")
        ),
        key=lambda item: (item[0], item[1], item[2] != "functions"),
    )
    finished: list[FunctionMeasure] = []
    frames: list[_Frame] = []
    for start, _, kind, node in items:
        while frames and frames[-1].end_byte <= start:
            finished.append(frames.pop().measure())
        if kind == "functions":
            frames.append(
                _Frame(node.start_point[0] + 1, node.end_point[0] + 1, node.end_byte, bool(frames))
            )
        elif frames:
            frames[-1].count(kind, node)
    finished.extend(frame.measure() for frame in reversed(frames))
    return sorted(finished, key=lambda m: (m.line, -m.end_line))
