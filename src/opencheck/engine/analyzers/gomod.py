"""The Go version a module declares in its go.mod, for rules whose fix needs a newer Go.

A rule may carry `min_go: "1.13"`: its findings are dropped in modules that declare an older
`go` directive, where the suggested API (`%w`, `errors.Is`, `os.ReadFile`) does not exist yet.
staticcheck does the same from the module's declared version.
"""

from __future__ import annotations

import re
from pathlib import Path

GoVersion = tuple[int, int]
_GO_DIRECTIVE = re.compile(rb"^\s*go\s+(\d+)\.(\d+)", re.MULTILINE)
# The go command treats a go.mod without a `go` directive as declaring go 1.16.
_NO_DIRECTIVE: GoVersion = (1, 16)


def parse_go_version(text: str) -> GoVersion:
    """`"1.13"` as (1, 13); a ValueError for anything else."""
    major, _, minor = str(text).partition(".")
    return int(major), int(minor or 0)


def declared_go(go_mod: bytes) -> GoVersion:
    """The version of a go.mod's `go` directive (go 1.16 when it has none)."""
    match = _GO_DIRECTIVE.search(go_mod)
    return (int(match[1]), int(match[2])) if match else _NO_DIRECTIVE


class ModuleVersions:
    """The declared Go version of the nearest go.mod above each file, under one scan root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._by_dir: dict[Path, GoVersion | None] = {}

    def of(self, path: str) -> GoVersion | None:
        """The version for `path` (relative to the root); None when no go.mod is found."""
        return self._lookup((self.root / path).parent)

    def _lookup(self, directory: Path) -> GoVersion | None:
        if directory in self._by_dir:
            return self._by_dir[directory]
        go_mod = directory / "go.mod"
        if go_mod.is_file():
            version: GoVersion | None = declared_go(go_mod.read_bytes())
        elif directory == self.root or directory.parent == directory:
            version = None
        else:
            version = self._lookup(directory.parent)
        self._by_dir[directory] = version
        return version
