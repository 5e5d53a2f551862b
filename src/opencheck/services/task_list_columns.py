"""Keeps the task list's copies on `tasks` true: the latest execution's status and time, and
the latest result's gate verdict. Every write of the originals goes through these, and each
records what it changes in the list's counts (services.task_counts)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from opencheck.services.task_counts import update_tasks
from opencheck.store.models import Execution, Task


def queued(session: Session, execution: Execution) -> None:
    """The execution just queued is its task's latest."""
    update_tasks(
        session,
        Task.id == execution.task_id,
        last_execution_id=execution.id,
        last_status=execution.status,
        last_executed_at=execution.created_at,
    )


def moved(session: Session, execution_id: str, status: str, started_at: object = None) -> None:
    """The execution changed status (and started, when `started_at` is given)."""
    values: dict[str, object] = {"last_status": status}
    if isinstance(started_at, datetime):
        values["last_executed_at"] = started_at
    update_tasks(session, Task.last_execution_id == execution_id, **values)


def result_stored(session: Session, task_id: str, execution_id: str, review: str | None) -> None:
    """The execution is the task's latest result."""
    update_tasks(
        session, Task.id == task_id, last_result_execution_id=execution_id, result_review=review
    )


def review_changed(session: Session, execution_id: str, review: str | None) -> None:
    """The gate judged the execution's result again (after triage or a new gate)."""
    update_tasks(session, Task.last_result_execution_id == execution_id, result_review=review)
