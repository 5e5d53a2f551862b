"""What the inventory passes to engine.roles about a file, and the role it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from opencheck.domain.roles import Role


@dataclass(frozen=True)
class Verdict:
    """A role and why (empty for main code)."""

    role: Role
    reason: str = ""

    @property
    def unchecked_reason(self) -> str | None:
        """What a user reads about a file no analyser was given; None for main and test code."""
        return None if self.role.analysed else f"{self.role.value}: {self.reason}"


MAIN = Verdict(Role.MAIN)


@lru_cache(maxsize=8192)
def folders_of(path: str) -> tuple[str, ...]:
    """The folder names above a clean relative POSIX path (no pathlib: called per file often)."""
    return tuple(path.split("/")[:-1])


def file_name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class FileFacts:
    """What the inventory knows about one file: its place, settings and (when read) bytes."""

    path: str
    language: str
    head: bytes = b""  # the first bytes; the whole file when it is small
    tail: bytes = b""  # the last bytes of a file longer than its head
    test_path: bool = False  # under a test path set on the task
    javadoc_dir: str | None = None  # the nearest folder above holding javadoc output
    generated_attr: bool | None = None  # linguist-generated (None when not specified)
    vendored_attr: bool | None = None  # linguist-vendored
