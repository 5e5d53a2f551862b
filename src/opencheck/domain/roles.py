"""The role of a file in a repository: only main and test code are analysed."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a file is to the project (stored as the value in `execution_files.role`)."""

    MAIN = "main"
    TEST = "test"
    GENERATED = "generated"
    VENDORED = "vendored"
    BUNDLED = "bundled"
    # Inputs and expected outputs of tests (Go's testdata/, snapshots): data, not code to fix.
    TEST_DATA = "test-data"

    @property
    def analysed(self) -> bool:
        """Main and test code are the project's own; the other roles are listed, not checked."""
        return self in (Role.MAIN, Role.TEST)


ANALYSED_ROLES = tuple(role.value for role in Role if role.analysed)
