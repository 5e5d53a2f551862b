"""The folders a C build would pass as `-I` so that cppcheck finds the headers the code includes.

Without a header, cppcheck reads its macros as calls: `WALK_LIST(n, list)` (BIRD's `lib/lists.h`
included as "lib/lists.h" from the root) or `HASH_ITER(...)` (uthash vendored under `deps/`)
then "reads an uninitialised variable", the loop variable the macro assigns. Vendored folders
are not analysed, but their headers are still found here so that macros expand.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

_INCLUDE = re.compile(rb'^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)', re.MULTILINE)
_HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".inc")
# Bounds for huge trees: headers indexed, bytes read per source, folders returned.
MAX_HEADERS = 20_000
HEAD_BYTES = 262_144
MAX_RESOLVED_DIRS = 16


def header_index(root: Path) -> dict[str, list[str]]:
    """Every header under `root` (vendored folders included) by file name, paths relative."""
    index: dict[str, list[str]] = {}
    count = 0
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder).relative_to(root).as_posix()
        for name in names:
            if not name.lower().endswith(_HEADER_SUFFIXES):
                continue
            index.setdefault(name, []).append(name if base == "." else f"{base}/{name}")
            count += 1
            if count >= MAX_HEADERS:
                return index
    return index


def resolved_dirs(root: Path, files: Sequence[str], known: Iterable[str] = ()) -> tuple[str, ...]:
    """The folders that make the files' unresolved `#include`s resolve, most used first.

    An include found next to its file or below a `known` folder needs nothing; one found
    nowhere in the tree is a system header. Of several folders holding it, the shallowest.
    """
    index = header_index(root)
    known = tuple(known)
    votes: dict[str, int] = {}
    for path in files:
        for target in _includes(root / path):
            folder = _folder_for(root, path, target, known, index)
            if folder is not None:
                votes[folder] = votes.get(folder, 0) + 1
    ranked = sorted(votes, key=lambda folder: (-votes[folder], folder.count("/"), folder))
    return tuple(folder for folder in ranked if not folder.startswith("-"))[:MAX_RESOLVED_DIRS]


def _includes(path: Path) -> list[str]:
    return [
        target
        for target in raw_includes(path)
        if target and not target.startswith("/") and ".." not in target.split("/")
    ]


def raw_includes(path: Path) -> list[str]:
    """Every `#include` target in the file's head, as written (absolute or climbing ones too)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return []
    return [
        (quoted or angled).decode("utf-8", errors="replace").strip()
        for quoted, angled in _INCLUDE.findall(head)
    ]


def _folder_for(
    root: Path, path: str, target: str, known: tuple[str, ...], index: dict[str, list[str]]
) -> str | None:
    """The shallowest folder F with F/target in the tree, None when no `-I` is needed or found."""
    here = posixpath.dirname(path)
    if (root / here / target).is_file() or any((root / k / target).is_file() for k in known):
        return None
    suffix = "/" + target
    folders = [
        candidate[: -len(suffix)] if candidate != target else "."
        for candidate in index.get(posixpath.basename(target), ())
        if candidate == target or candidate.endswith(suffix)
    ]
    depth = {folder: folder.count("/") + (folder != ".") for folder in set(folders)}
    shallowest = [folder for folder in depth if depth[folder] == min(depth.values(), default=0)]
    # Two at the same depth (`linux/Platform.h`, `darwin/Platform.h`): the build picks one per
    # platform, which cannot be known here.
    return shallowest[0] if len(shallowest) == 1 else None
