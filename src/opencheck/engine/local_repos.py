"""Which local repositories (paths and `file://` URLs) a server may check.

Local repositories are off unless an administrator names the folders that hold them: a path is
a way into the server's own disk (its repository cache, `/proc/<pid>/cwd` of another tenant's
analyser), so it is allowed only when its real path lies under one of those folders and under
none of the never-allowed ones (`/proc`, `/sys`, `/dev`, the server's data directory).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

ALWAYS_FORBIDDEN = (Path("/proc"), Path("/sys"), Path("/dev"))
SETTING = "OPENCHECK_LOCAL_REPO_ROOTS"


class LocalRepoRefused(ValueError):
    """A local repository this server does not allow."""


def local_path(url: str) -> str | None:
    """The filesystem path a repository URL names, or None for a remote."""
    if url.startswith("/"):
        return url
    if url[:7].lower() == "file://":
        return unquote(urlsplit(url).path)
    return None


def parse_roots(value: str) -> tuple[Path, ...]:
    """Folders from an `os.pathsep`-separated setting; empty parts are ignored."""
    return tuple(Path(part) for part in value.split(os.pathsep) if part.strip())


@dataclass(frozen=True)
class LocalRepoPolicy:
    """Allowed folders for local repositories, and the folders never allowed."""

    roots: tuple[Path, ...] = ()
    forbidden: tuple[Path, ...] = ()

    @classmethod
    def of(cls, roots: Iterable[Path], private: Iterable[Path] = ()) -> LocalRepoPolicy:
        """A policy whose never-allowed folders are the system ones plus `private`."""
        real = tuple(Path(os.path.realpath(p)) for p in roots)
        closed = tuple(Path(os.path.realpath(p)) for p in (*ALWAYS_FORBIDDEN, *private))
        return cls(real, closed)

    def check(self, url: str) -> Path | None:
        """The real path of a local repository URL, None for a remote one.

        Raises LocalRepoRefused when the URL names a local repository this server does not allow.
        """
        path = local_path(url)
        if path is None:
            return None
        if not self.roots:
            raise LocalRepoRefused(
                f"local repositories are not allowed on this server (see {SETTING})"
            )
        # The written path first: resolving a link under /proc can itself be refused.
        self._check_real(Path(os.path.normpath(path)))
        try:
            real = Path(os.path.realpath(path))
        except OSError as exc:
            raise LocalRepoRefused(f"local path cannot be resolved: {exc.strerror}") from None
        self._check_real(real)
        try:
            linked = _linked_git_dirs(real)
        except OSError as exc:
            raise LocalRepoRefused(f"local repository cannot be read: {exc.strerror}") from None
        for other in linked:
            self._check_real(other)
        return real

    def _check_real(self, real: Path) -> None:
        if any(real.is_relative_to(closed) for closed in (*ALWAYS_FORBIDDEN, *self.forbidden)):
            raise LocalRepoRefused("this local path is never allowed as a repository")
        if not any(real.is_relative_to(root) for root in self.roots):
            raise LocalRepoRefused(f"local repositories must lie under a folder of {SETTING}")


def _linked_git_dirs(real: Path) -> list[Path]:
    """Where git would also read from: a `.git` file's `gitdir:` and object alternates."""
    found: list[Path] = []
    gitfile = real / ".git"
    git_dir = real
    if gitfile.is_file():
        text = _head(gitfile)
        if text.startswith("gitdir:"):
            git_dir = Path(os.path.realpath(real / text[len("gitdir:") :].strip()))
            found.append(git_dir)
    elif gitfile.is_dir():
        git_dir = gitfile
    alternates = git_dir / "objects" / "info" / "alternates"
    if alternates.is_file():
        objects = git_dir / "objects"
        for line in _head(alternates).splitlines():
            if line.strip() and not line.startswith("#"):
                found.append(Path(os.path.realpath(objects / line.strip())))
    return found


def _head(path: Path) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read(64 * 1024)
    except OSError:
        return ""
