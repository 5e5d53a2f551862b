"""Duplicated code: blocks of at least `WINDOW` identical significant lines, across all files.

A significant line is a line with its whitespace removed that still holds at least
`MIN_CHARS` characters, so lone braces and `end`s neither make nor break a block. Every
window of `WINDOW` consecutive significant lines is hashed; a window seen twice or more marks
all its lines in every place it occurs as duplicated (SonarQube's rule of ten lines).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

WINDOW = 10
MIN_CHARS = 4


@dataclass
class Duplication:
    """Duplicated lines and blocks per file, and their totals."""

    lines: dict[str, int] = field(default_factory=dict)
    blocks: dict[str, int] = field(default_factory=dict)

    @property
    def total_lines(self) -> int:
        return sum(self.lines.values())

    @property
    def total_blocks(self) -> int:
        return sum(self.blocks.values())


def _significant(text: str) -> list[tuple[int, int]]:
    """(line number, hash of the line without whitespace) of each significant line."""
    kept = []
    for number, line in enumerate(text.splitlines(), start=1):
        squeezed = "".join(line.split())
        if len(squeezed) >= MIN_CHARS:
            kept.append((number, hash(squeezed)))
    return kept


def find_duplication(
    sources: Iterable[tuple[str, str]], cancelled: Callable[[], bool] = lambda: False
) -> Duplication:
    """Duplication among `sources`, pairs of (path, text); stops early once `cancelled`."""
    significant: dict[str, list[tuple[int, int]]] = {}
    seen: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for path, text in sources:
        if cancelled():
            break
        lines = significant[path] = _significant(text)
        hashes = [h for _, h in lines]
        for start in range(len(lines) - WINDOW + 1):
            seen[hash(tuple(hashes[start : start + WINDOW]))].append((path, start))
    marked: dict[str, set[int]] = defaultdict(set)
    for places in seen.values():
        if len(places) > 1:
            for path, start in places:
                marked[path].update(range(start, start + WINDOW))
    result = Duplication()
    for path, indexes in marked.items():
        lines = significant[path]
        result.lines[path] = _covered_lines(lines, indexes)
        result.blocks[path] = _runs(sorted(indexes))
    return result


def _covered_lines(lines: list[tuple[int, int]], indexes: set[int]) -> int:
    """Physical lines from the first to the last significant line of each duplicated run."""
    total = 0
    ordered = sorted(indexes)
    run_start = previous = ordered[0]
    for index in [*ordered[1:], None]:
        if index is None or index != previous + 1:
            total += lines[previous][0] - lines[run_start][0] + 1
            if index is not None:
                run_start = index
        if index is not None:
            previous = index
    return total


def _runs(indexes: list[int]) -> int:
    return 1 + sum(1 for a, b in itertools.pairwise(indexes) if b != a + 1)
