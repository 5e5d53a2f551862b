"""New-code gating ("clean as you code"): a task's gate may judge only the defects that are new
since a baseline, so a team with a legacy codebase holds the line from today.

The baseline (`new_code_since`) is `first` (the task's first successful full execution, the
default), an execution id of the task (its end), or a UTC date `yyyy-MM-dd`. A defect is on
new code when the task first saw it after the baseline, or when it came back after a fix.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import false, or_, select
from sqlalchemy.orm import Session

from opencheck.domain.defects import Detection
from opencheck.domain.executions import ExecutionStatus, JobType
from opencheck.errors import InvalidParameter
from opencheck.store.models import DefectOccurrence, Execution, Task, TaskDefect

SCOPES = ("full", "new")
FIRST = "first"
_EXECUTION_ID = re.compile(r"^[0-9a-f]{32}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate(session: Session, task: Task, scope: str | None, since: str | None) -> None:
    """Set the task's gate scope and baseline; a bad value is a 400 naming the setting."""
    if scope is not None:
        if scope not in SCOPES:
            raise InvalidParameter("gateScope must be full or new")
        task.gate_scope = scope
    if since is not None:
        value = since.strip() or FIRST
        if value != FIRST and not _is_date(value) and not _is_execution(session, task, value):
            raise InvalidParameter(
                "newCodeSince must be first, an execution id of the task or a date yyyy-MM-dd"
            )
        task.new_code_since = None if value == FIRST else value


def _is_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


def _is_execution(session: Session, task: Task, value: str) -> bool:
    if not _EXECUTION_ID.match(value):
        return False
    return session.scalar(select(Execution.task_id).where(Execution.id == value)) == task.id


def baseline(session: Session, task: Task) -> datetime | None:
    """When new code starts for the task; None while there is no baseline yet (all is old)."""
    since = task.new_code_since or FIRST
    if _is_date(since):
        return datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC)
    query = select(Execution.finished_at).where(
        Execution.task_id == task.id,
        Execution.status == ExecutionStatus.SUCCESS.value,
        Execution.finished_at.is_not(None),
    )
    if since == FIRST:
        query = query.where(Execution.job_type == JobType.FULL.value)
    else:
        query = query.where(Execution.id == since)
    return session.scalar(query.order_by(Execution.created_at).limit(1))


def on_new_code(session: Session, task: Task | None) -> Any:
    """A condition on an execution's occurrences: true for the defects the gate judges."""
    if task is None or task.gate_scope != "new":
        return None
    start = baseline(session, task)
    if start is None:
        return false()
    return or_(
        TaskDefect.first_seen_at > start,
        DefectOccurrence.detection == Detection.REOPENED.value,
    )
