"""Duplicated code: blocks of at least `WINDOW` identical significant lines, across all files.

A significant line is a line with its whitespace removed that still holds at least
`MIN_CHARS` characters, so lone braces and `end`s neither make nor break a block. Every
window of `WINDOW` consecutive significant lines is hashed; a window seen twice or more marks
all its lines in every place it occurs as duplicated (SonarQube's rule of ten lines).
"""

from __future__ import annotations

import itertools
from array import array
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


def _significant(text: str) -> tuple[array[int], list[int]]:
    """Line numbers and hashes (of the line without whitespace) of the significant lines."""
    numbers: array[int] = array("i")
    hashes: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        squeezed = "".join(line.split())
        if len(squeezed) >= MIN_CHARS:
            numbers.append(number)
            hashes.append(hash(squeezed))
    return numbers, hashes


def find_duplication(
    sources: Iterable[tuple[str, str]], cancelled: Callable[[], bool] = lambda: False
) -> Duplication:
    """Duplication among `sources`, pairs of (path, text); stops early once `cancelled`."""
    # Places are packed as file index << 32 | window start, so each window costs one int.
    files: list[tuple[str, array[int]]] = []
    first: dict[int, int] = {}
    repeats: dict[int, list[int]] = {}
    for path, text in sources:
        if cancelled():
            break
        numbers, hashes = _significant(text)
        base = len(files) << 32
        files.append((path, numbers))
        for start in range(len(hashes) - WINDOW + 1):
            key = hash(tuple(hashes[start : start + WINDOW]))
            place = base | start
            seen = first.setdefault(key, place)
            if seen != place:
                repeats.setdefault(key, [seen]).append(place)
    marked: dict[int, set[int]] = defaultdict(set)
    for places in repeats.values():
        for place in places:
            start = place & 0xFFFFFFFF
            marked[place >> 32].update(range(start, start + WINDOW))
    result = Duplication()
    for index, indexes in marked.items():
        path, numbers = files[index]
        ordered = sorted(indexes)
        result.lines[path] = _covered_lines(numbers, ordered)
        result.blocks[path] = _runs(ordered)
    return result


def _covered_lines(numbers: array[int], ordered: list[int]) -> int:
    """Physical lines from the first to the last significant line of each duplicated run."""
    total = 0
    run_start = previous = ordered[0]
    for index in [*ordered[1:], None]:
        if index is None or index != previous + 1:
            total += numbers[previous] - numbers[run_start] + 1
            if index is not None:
                run_start = index
        if index is not None:
            previous = index
    return total


def _runs(indexes: list[int]) -> int:
    return 1 + sum(1 for a, b in itertools.pairwise(indexes) if b != a + 1)
