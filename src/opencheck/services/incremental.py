"""Incremental checks: what a merge-request, commit or since-last-pass execution fetches and
compares with (seed 004's job types, decisions.md item 15)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from opencheck.domain.executions import ExecutionStatus, JobType
from opencheck.domain.gate import GATE_PASSED
from opencheck.engine.git_refs import PARENT, Target, request_target
from opencheck.errors import InvalidParameter
from opencheck.services.branches import validate_branch
from opencheck.services.projects import check_id
from opencheck.store.models import Execution, Task

TASK_TYPES = ("full", "inc")
_MERGE_ID = re.compile(r"^[1-9][0-9]{0,9}$")
_COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")


@dataclass(frozen=True)
class IncSettings:
    """The create body's `inc_config` (internal names)."""

    parent_task_id: str | None = None
    source_branch: str | None = None
    target_branch: str | None = None
    merge_id: str | None = None


def task_columns(
    session: Session, *, project_id: str, task_type: str | None, inc: IncSettings | None
) -> dict[str, str | None]:
    """The Task columns of a create body's `task_type` and `inc_config`, validated."""
    kind = task_type or "full"
    if kind not in TASK_TYPES:
        raise InvalidParameter("task_type must be full or inc")
    inc = inc or IncSettings()
    if inc.merge_id is not None and not _MERGE_ID.match(inc.merge_id):
        raise InvalidParameter("inc_config.merge_id must be a merge request number")
    for name, branch in (("git_source_branch", inc.source_branch),
                         ("git_target_branch", inc.target_branch)):  # fmt: skip
        if branch is not None:
            validate_branch(branch, f"inc_config.{name}")
    if inc.parent_task_id is not None:
        check_id(inc.parent_task_id, "inc_config.parent_task_id")
        parent = session.get(Task, inc.parent_task_id)
        if parent is None or parent.project_id != project_id:
            raise InvalidParameter("inc_config.parent_task_id names no task of this project")
        if parent.parent_task_id is not None:
            raise InvalidParameter("inc_config.parent_task_id names an incremental child task")
    return {
        "task_type": kind,
        "parent_task_id": inc.parent_task_id,
        "inc_source_branch": inc.source_branch,
        "inc_target_branch": inc.target_branch,
        "merge_id": inc.merge_id,
    }


def defect_owner(session: Session, task_id: str) -> str:
    """The task whose defects (and their triage) a task's executions share: an incremental
    child task's parent, else the task itself."""
    parent = session.scalar(select(Task.parent_task_id).where(Task.id == task_id))
    return parent or task_id


def job_type_for(task: Task, job_type: str | None, ref: str | None) -> JobType:
    """The run's job type: asked for, else a merge request's when a `ref` is given or the task
    is incremental, else a full check."""
    if job_type is not None:
        try:
            return JobType(job_type)
        except ValueError:
            names = ", ".join(t.value for t in JobType)
            raise InvalidParameter(f"job_type must be one of {names}") from None
    if ref is not None or task.task_type == "inc":
        return JobType.INC_GIT
    return JobType.FULL


@dataclass(frozen=True)
class RunPlan:
    """What an incremental run checks: a commit, a base commit, a merge request number."""

    commit: str | None = None
    base: str | None = None
    merge_id: str | None = None


def validate_run(
    session: Session,
    task: Task,
    job: JobType,
    ref: str | None,
    commit_id: str | None,
    merge_id: str | None = None,
) -> RunPlan:
    """What the run checks, or the documented 400 when it cannot be run."""
    if commit_id is not None and not _COMMIT.match(commit_id):
        raise InvalidParameter("commit_id must be a full commit id (40 or 64 hex digits)")
    if merge_id is not None and not _MERGE_ID.match(merge_id):
        raise InvalidParameter("merge_id must be a merge request number")
    request = merge_id or task.merge_id
    if job is JobType.INC_GIT and request is None and task.inc_source_branch is None:
        raise InvalidParameter(
            "an INC_GIT check needs a merge_id (the run's or the task's inc_config) or the"
            " task's git_source_branch"
        )
    if job is JobType.INC_GIT and ref is not None and request is None:
        raise InvalidParameter("ref needs a merge_id (the run's or the task's inc_config)")
    if job is JobType.INC_LAST_SUCCESS_COMMIT:
        base = last_passed_commit(session, task.id)
        if base is None:
            raise InvalidParameter("the task has no execution that passed the gate")
        return RunPlan(commit_id, base)
    return RunPlan(commit_id, None, request if ref is not None else None)


def last_passed_commit(session: Session, task_id: str) -> str | None:
    """The commit of the task's latest execution that passed the gate."""
    return session.scalar(
        select(Execution.commit_sha)
        .where(
            Execution.task_id == task_id,
            Execution.status == ExecutionStatus.SUCCESS.value,
            Execution.review_result == GATE_PASSED,
            Execution.commit_sha.is_not(None),
        )
        .order_by(Execution.created_at.desc())
        .limit(1)
    )


def last_full_commit(session: Session, task_id: str, before: Execution) -> str | None:
    """The commit of the task's latest successful full execution before `before`."""
    return session.scalar(
        select(Execution.commit_sha)
        .where(
            Execution.task_id == task_id,
            Execution.status == ExecutionStatus.SUCCESS.value,
            Execution.job_type == JobType.FULL.value,
            Execution.commit_sha.is_not(None),
            Execution.created_at < before.created_at,
        )
        .order_by(Execution.created_at.desc())
        .limit(1)
    )


def targets(
    session: Session, task: Task, execution: Execution
) -> tuple[Target | None, Target | None, bool]:
    """(what to check out, what to compare with, incremental) for an execution."""
    branch = execution.git_branch
    job = JobType(execution.job_type)
    if job is JobType.FULL:
        previous = last_full_commit(session, task.id, execution)
        # Compared only to follow renamed files' defects.
        return None, (Target(branch, commit=previous) if previous else None), False
    if job is JobType.INC_GIT:
        base = Target(task.inc_target_branch or task.git_branch)
        request = execution.merge_id or task.merge_id
        if execution.ref is not None and request is not None:
            return request_target(branch, execution.ref, int(request)), base, True
        return Target(task.inc_source_branch or branch), base, True
    head = Target(branch, commit=execution.commit_sha) if execution.commit_sha else None
    if job is JobType.INC_COMMIT:
        return head, PARENT, True
    base_commit = execution.base_sha
    return head, (Target(branch, commit=base_commit) if base_commit else PARENT), True
