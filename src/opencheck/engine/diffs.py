"""Changed files and line ranges between two commits, read from `git diff --unified=0`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from opencheck.domain.findings import Finding

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
_ESCAPES = {b"a": 7, b"b": 8, b"t": 9, b"n": 10, b"v": 11, b"f": 12, b"r": 13, b'"': 34, b"\\": 92}


@dataclass(frozen=True)
class FileChange:
    """A file of the head commit that differs from the base: its added or changed lines as
    inclusive ranges (none when lines were only deleted), and its name in the base if renamed."""

    path: str
    old_path: str | None
    lines: tuple[tuple[int, int], ...]

    def touches(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.lines)


def on_changed_lines(findings: list[Finding], changes: Sequence[FileChange]) -> list[Finding]:
    """The findings on lines a change added or modified."""
    by_path = {change.path: change for change in changes}
    return [f for f in findings if (c := by_path.get(f.path)) is not None and c.touches(f.line)]


def describe(changes: Sequence[FileChange]) -> str:
    """ "3 files changed (40 lines, 1 renamed)", for the log."""
    lines = sum(end - start + 1 for change in changes for start, end in change.lines)
    renamed = sum(change.old_path is not None for change in changes)
    return f"{len(changes)} files changed ({lines} lines, {renamed} renamed)"


def parse(raw: bytes) -> list[FileChange]:
    """The changes of a `git diff --unified=0 -M` patch; deleted files are left out."""
    changes: list[FileChange] = []
    path: str | None = None
    old: str | None = None
    ranges: list[tuple[int, int]] = []

    def close() -> None:
        if path is not None:
            changes.append(FileChange(path, old if old != path else None, tuple(ranges)))

    for line in raw.split(b"\n"):
        if line.startswith(b"diff --git "):
            close()
            path, old, ranges = None, None, []
        elif line.startswith(b"--- "):
            old = _path(line[4:], b"a/")
        elif line.startswith(b"+++ "):
            path = _path(line[4:], b"b/")
        elif line.startswith(b"rename from "):
            old = _unquote(line[len(b"rename from ") :])
        elif line.startswith(b"rename to "):
            path = _unquote(line[len(b"rename to ") :])
        elif found := _HUNK.match(line):
            start, count = int(found.group(1)), int(found.group(2) or b"1")
            if count:
                ranges.append((start, start + count - 1))
    close()
    return changes


def _path(raw: bytes, prefix: bytes) -> str | None:
    name = raw.rstrip(b"\t")
    if name == b"/dev/null":
        return None
    text = _unquote(name)
    return text[len(prefix) :] if text.startswith(prefix.decode()) else text


def _unquote(raw: bytes) -> str:
    """A path as git prints it: as is, or in double quotes with C escapes and octal bytes."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw.decode("utf-8", errors="surrogateescape")
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        char = body[i : i + 1]
        if char == b"\\" and i + 1 < len(body):
            nxt = body[i + 1 : i + 2]
            if nxt.isdigit() and i + 3 < len(body) + 1:
                out.append(int(body[i + 1 : i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt[0]))
            i += 2
            continue
        out += char
        i += 1
    return bytes(out).decode("utf-8", errors="surrogateescape")
