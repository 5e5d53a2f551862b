"""Defect statuses and rule types, with their wire spellings."""

from __future__ import annotations

import enum


class DefectStatus(enum.IntEnum):
    """Triage state of a defect; the value is the CodeArts code (`defect_status`, `status_ids`)."""

    UNRESOLVED = 0
    RESOLVED = 1
    IGNORED = 2  # `dismissed` in the statistics

    @property
    def code(self) -> str:
        """The string code of the v2 operations ("0", "1", "2")."""
        return str(int(self))


class RuleType(enum.StrEnum):
    """Which rules a task runs: every default rule, or only the security ones."""

    BASIC = "basic"
    SECURITY = "security"


RULE_TYPES = tuple(t.value for t in RuleType)


class Detection(enum.StrEnum):
    """Where a defect stands (CodeChecker's detection status). An occurrence has new, unresolved
    or reopened: in that execution. A task's defect has fixed, or how it was last opened (new,
    reopened): it is not rewritten each time it is seen again."""

    NEW = "new"  # first reported (by that execution)
    UNRESOLVED = "unresolved"  # reported again
    REOPENED = "reopened"  # reported again after it was fixed or marked resolved
    FIXED = "fixed"  # a later full execution no longer reported it
