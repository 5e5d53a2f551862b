"""The five CodeArts severity levels and their per-endpoint spellings."""

from __future__ import annotations

import enum


class Severity(enum.IntEnum):
    """Severity of a defect; the value is the CodeArts numeric code (0 is the worst)."""

    CRITICAL = 0
    MAJOR = 1
    MINOR = 2
    SUGGESTION = 3
    INFO = 4

    @property
    def job_result_key(self) -> str:
        """Key of this level in /v1 JobResultInfo (FATAL = critical, CRITICAL = major)."""
        return _JOB_RESULT_KEYS[self]

    @property
    def code(self) -> str:
        """The string code used by the v2 operations ("0".."3"; info is "4")."""
        return str(int(self))

    @classmethod
    def from_code(cls, code: str) -> Severity:
        """Parse a v2 numeric code; raises ValueError for anything else."""
        if not code.isdigit():
            raise ValueError(code)
        return cls(int(code))


_JOB_RESULT_KEYS = {
    Severity.CRITICAL: "FATAL",
    Severity.MAJOR: "CRITICAL",
    Severity.MINOR: "GENERAL",
    Severity.SUGGESTION: "PROMPT",
    Severity.INFO: "INFO",
}
