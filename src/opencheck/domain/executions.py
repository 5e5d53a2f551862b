"""Execution statuses and job types, with their wire spellings."""

from __future__ import annotations

import enum


class ExecutionStatus(enum.StrEnum):
    """Life cycle of one execution of a task (the seed's spelling, `quering` included)."""

    QUEUED = "quering"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    ABORTED = "aborted"

    @property
    def is_active(self) -> bool:
        return self in (ExecutionStatus.QUEUED, ExecutionStatus.RUNNING)

    @property
    def progress_code(self) -> int:
        """`task_status` of GET /v2/tasks/{task_id}/progress."""
        return _PROGRESS_CODES[self]


_PROGRESS_CODES = {
    ExecutionStatus.QUEUED: 0,
    ExecutionStatus.RUNNING: 0,
    ExecutionStatus.FAILED: 1,
    ExecutionStatus.SUCCESS: 2,
    ExecutionStatus.ABORTED: 3,
}

ACTIVE_STATUSES = (ExecutionStatus.QUEUED.value, ExecutionStatus.RUNNING.value)


class JobType(enum.StrEnum):
    """Kind of check an execution performs."""

    FULL = "FULL"
    INC_GIT = "INC_GIT"
    INC_COMMIT = "INC_COMMIT"
    INC_LAST_SUCCESS_COMMIT = "INC_LAST_SUCCESS_COMMIT"
