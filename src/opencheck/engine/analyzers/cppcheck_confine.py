"""cppcheck opens whatever a file includes: keep it inside the checkout.

`#include "/dev/zero"` kept a worker busy until the analyser's time-out, and
`#include "/etc/passwd"` made cppcheck read it (and lose every finding of the including file).
A file whose includes (directly, or through a header of the tree that does) name an absolute
path, climb out of the checkout, or reach a link that points outside it, is not given to
cppcheck: it becomes an analysis notice naming the include.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Sequence
from pathlib import Path

from opencheck.engine.analyzers.cppcheck_includes import header_index, raw_includes


def refused(root: Path, files: Sequence[str]) -> dict[str, str]:
    """The files cppcheck must not open, each with the reason."""
    real_root = Path(os.path.realpath(root))
    index = header_index(root)
    candidates = sorted({*files, *(p for paths in index.values() for p in paths)})
    includes = {path: raw_includes(root / path) for path in candidates}
    unsafe: dict[str, str] = {}
    for path, targets in includes.items():
        for target in targets:
            why = _escapes(root, real_root, path, target)
            if why:
                unsafe[path] = f"includes {target!r}, {why}"
                break
    changed = True
    while changed:  # a file that includes an unsafe header is unsafe too
        changed = False
        for path, targets in includes.items():
            if path in unsafe:
                continue
            bad = next((t for t in targets if _names_unsafe(t, unsafe)), None)
            if bad is not None:
                unsafe[path] = f"includes {bad!r}, which includes a file outside the checkout"
                changed = True
    return {path: why for path, why in unsafe.items() if path in set(files)}


def _escapes(root: Path, real_root: Path, path: str, target: str) -> str | None:
    if target.startswith("/"):
        return "an absolute path"
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if joined == ".." or joined.startswith("../"):
        return "a path out of the checkout"
    candidate = root / joined
    if candidate.is_symlink():
        real = Path(os.path.realpath(candidate))
        if not real.is_relative_to(real_root):
            return "a link to a file outside the checkout"
    return None


def _names_unsafe(target: str, unsafe: dict[str, str]) -> bool:
    suffix = "/" + target.lstrip("./")
    return any(path == target or path.endswith(suffix) for path in unsafe)
